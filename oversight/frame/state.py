"""Session state of the frame: the language, the global filters kept across pages, and
widgets with translated labels.

Streamlit 1.67 drops a keyed widget's value when the user changes page, so each filter lives
in a plain session key (seeded from the query string on a session's first run), is copied into
its widget's key before the widget is drawn, is written back by the widget's on_change, and
goes into the query string on every run. `kept()` does the same for any page's own widgets.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from oversight.filters import Filters, from_params
from oversight.i18n import t

# Plain session keys (survive page changes) and the widget keys they are copied into.
FILTER_KEYS = {"lang": "f_lang", "towns": "f_towns", "group": "f_group", "comms": "f_comms", "months": "f_months"}
WIDGET_KEYS = {name: "w_" + key for name, key in FILTER_KEYS.items()}
_SEEDED = "f_seeded"
_FILTERS = "f_current"


_KEPT = "kept_"


def lang() -> str:
    """The current language ("zh" unless the user switched)."""
    value = st.session_state.get(FILTER_KEYS["lang"], "zh")
    return value if value in ("zh", "en") else "zh"


def tr(key: str, **kw: object) -> str:
    """oversight.i18n.t in the current language."""
    return t(key, lang(), **kw)


def seed_from_url() -> None:
    """On a session's first run, take the filters from the query string."""
    if st.session_state.get(_SEEDED):
        return
    asked = from_params(st.query_params.to_dict())
    st.session_state[FILTER_KEYS["lang"]] = asked.lang
    st.session_state[FILTER_KEYS["towns"]] = asked.town_codes
    st.session_state[FILTER_KEYS["group"]] = asked.group
    st.session_state[FILTER_KEYS["comms"]] = asked.community_codes
    st.session_state[FILTER_KEYS["months"]] = (asked.month_from, asked.month_to)
    st.session_state[_SEEDED] = True


def write_url(params: dict[str, str]) -> None:
    """Put `params` in the browser's query string (only when they changed)."""
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def keep_filter(name: str) -> None:
    """on_change: copy a widget's value back into its plain session key."""
    value = st.session_state[WIDGET_KEYS[name]]
    st.session_state[FILTER_KEYS[name]] = (value or None) if name == "group" else value


def _keep_widget(key: str) -> None:
    """on_change of a `kept` widget: its value back into the plain session key."""
    st.session_state[_KEPT + key] = st.session_state[key]


def kept(key: str, default: object, options: Sequence[object] | None = None) -> dict[str, object]:
    """Keyword arguments (key, on_change, args) for a page widget with translated labels.

    The value lives in a plain session key and is copied into the widget key `key` before the
    widget is drawn, so every run sends it to the browser with the current labels: a keyed
    widget left alone keeps showing its choice in the old language after a switch. A stored
    value no longer in `options` falls back to `default` (a list keeps only valid items).
    Draw the widget without `index`/`default`/`value`."""
    ss = st.session_state
    value = ss.get(_KEPT + key, default)
    if options is not None:
        if isinstance(value, list):
            value = [v for v in value if v in options]
        elif value not in options:
            value = default
    ss[_KEPT + key] = value
    ss[key] = value
    return {"key": key, "on_change": _keep_widget, "args": (key,)}


def put(key: str, value: object) -> None:
    """From a callback, give the `kept` widget `key` a new value, kept across pages as if the
    user had chosen it."""
    st.session_state[_KEPT + key] = value
    st.session_state[key] = value


def reset() -> None:
    for name in ("towns", "comms"):
        st.session_state[FILTER_KEYS[name]] = []
    st.session_state[FILTER_KEYS["group"]] = None
    st.session_state[FILTER_KEYS["months"]] = None


def remember(f: Filters) -> None:
    """Keep the filters page_setup built on this run, for the page's helpers."""
    st.session_state[_FILTERS] = f


def current_filters() -> Filters | None:
    """The filters page_setup returned on this run (None before page_setup)."""
    return st.session_state.get(_FILTERS)


def widen(level: str) -> None:
    """Go back up the breadcrumb to `level` (a callback): "county" clears township, 片区 and
    communities; "town" clears 片区 and communities; "group" clears the communities."""
    ss = st.session_state
    if level == "county":
        ss[FILTER_KEYS["towns"]] = []
    if level in ("county", "town"):
        ss[FILTER_KEYS["group"]] = None
    ss[FILTER_KEYS["comms"]] = []


def narrow(town_code: str | None = None, community_code: str | None = None) -> None:
    ss = st.session_state
    if town_code:
        ss[FILTER_KEYS["towns"]] = [town_code]
        ss[FILTER_KEYS["comms"]] = []
    if community_code:
        ss[FILTER_KEYS["comms"]] = [community_code]
