"""Session state of the frame: the language, the global filters kept across pages, and
widgets with translated labels.

Streamlit 1.67 drops a keyed widget's value when the user changes page, so each filter lives
in a plain session key (seeded from the query string on a session's first run), is copied into
its widget's key before the widget is drawn, is written back by the widget's on_change, and
goes into the query string on every run. `kept()` does the same for any page's own widgets,
and with `url=` also puts the widget in the query string, so a copied link opens the same view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from oversight.filters import PARAMS, Filters, from_params
from oversight.i18n import t

# Plain session keys (survive page changes) and the widget keys they are copied into.
FILTER_KEYS = {"lang": "f_lang", "towns": "f_towns", "group": "f_group", "comms": "f_comms", "months": "f_months"}
WIDGET_KEYS = {name: "w_" + key for name, key in FILTER_KEYS.items()}
_SEEDED = "f_seeded"
_FILTERS = "f_current"
_ASKED = "f_url_page"  # the page parameters of the session's first URL not yet given to a widget

_KEPT = "kept_"


def lang() -> str:
    """The current language ("zh" unless the user switched)."""
    value = st.session_state.get(FILTER_KEYS["lang"], "zh")
    return value if value in ("zh", "en") else "zh"


def select_all() -> bool:
    """A multiselect's `select_all`: Streamlit's own "Select all" entry is English only, so it is
    offered on English pages only (on a Chinese page it read "Select all" among 乡镇 names; an
    empty township filter already means 全县)."""
    return lang() == "en"


def tr(key: str, **kw: object) -> str:
    """oversight.i18n.t in the current language."""
    return t(key, lang(), **kw)


def seed_from_url() -> None:
    """On a session's first run, take the filters from the query string."""
    if st.session_state.get(_SEEDED):
        return
    params = st.query_params.to_dict()
    st.session_state[_ASKED] = {k: v for k, v in params.items() if k not in PARAMS}
    asked = from_params(params)
    st.session_state[FILTER_KEYS["lang"]] = asked.lang
    st.session_state[FILTER_KEYS["towns"]] = asked.town_codes
    st.session_state[FILTER_KEYS["group"]] = asked.group
    st.session_state[FILTER_KEYS["comms"]] = asked.community_codes
    st.session_state[FILTER_KEYS["months"]] = (asked.month_from, asked.month_to)
    st.session_state[_SEEDED] = True


def write_url(params: Mapping[str, str], names: Sequence[str] = PARAMS) -> None:
    """Make the query string's parameters `names` (by default the global filters') say `params`:
    set those given, remove the others; the page's own parameters (`kept(url=…)`) stay.
    Only what changed is sent to the browser."""
    now = st.query_params.to_dict()
    for name in names:
        if name not in params:
            if name in now:
                del st.query_params[name]
        elif now.get(name) != params[name]:
            st.query_params[name] = params[name]


def keep_filter(name: str) -> None:
    """on_change: copy a widget's value back into its plain session key."""
    value = st.session_state[WIDGET_KEYS[name]]
    st.session_state[FILTER_KEYS[name]] = (value or None) if name == "group" else value


def _keep_widget(key: str) -> None:
    """on_change of a `kept` widget: its value back into the plain session key."""
    st.session_state[_KEPT + key] = st.session_state[key]


def url_text(value: object) -> str:
    """A kept value as it stands in the query string: True/False as 1/0, None as "", a list
    comma-separated (codes, column and indicator names hold no commas)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple)):
        return ",".join(url_text(v) for v in value)
    return "" if value is None else str(value)


def from_url_text(text: str, default: object, options: Sequence[object]) -> object:
    """The value `text` (from a URL: untrusted) names among `options`, else `default`. For a
    list `default`, the comma-separated items that are options, once each, in the URL's order."""
    by_text = {url_text(o): o for o in options}
    if isinstance(default, list):
        return list(dict.fromkeys(by_text[p] for p in str(text).split(",") if p in by_text))
    return by_text.get(str(text), default)


def kept(
    key: str,
    default: object,
    options: Sequence[object] | None = None,
    url: str | None = None,
    most: int | None = None,
) -> dict[str, object]:
    """Keyword arguments (key, on_change, args) for a page widget with translated labels.

    The value lives in a plain session key and is copied into the widget key `key` before the
    widget is drawn, so every run sends it to the browser with the current labels: a keyed
    widget left alone keeps showing its choice in the old language after a switch. A stored
    value no longer in `options` falls back to `default` (a list keeps only valid items, at
    most `most` of them). Draw the widget without `index`/`default`/`value`.

    With `url` (a query-string parameter name, unique across pages and not a global filter's),
    the widget is part of the link: the first time the session draws it, a value the session's
    first URL gave under `url` is used if it is one of `options` (anything else: `default`,
    never an error), and every run writes the value into the query string (removed while it
    is `default`). Raises ValueError when `url` is given without `options` (a URL value is
    only ever taken from an allow-list)."""
    ss = st.session_state
    if url is not None and options is None:
        raise ValueError(f"kept({key!r}, url={url!r}) needs options to check a URL value against")
    if _KEPT + key in ss:
        value = ss[_KEPT + key]
    elif url is not None and url in ss.get(_ASKED, {}):
        value = from_url_text(ss[_ASKED].pop(url), default, options)
    else:
        value = default
    if options is not None:
        if isinstance(value, list):
            value = [v for v in value if v in options]
        elif value not in options:
            value = default
    if isinstance(value, list) and most is not None:
        value = value[:most]
    ss[_KEPT + key] = value
    ss[key] = value
    if url is not None:
        same = url_text(value) == url_text(default)
        write_url({} if same else {url: url_text(value)}, (url,))
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
