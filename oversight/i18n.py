"""Chinese-first labels with an English switch.

Each module that shows text declares its own strings next to its code, `key: (中文, English)`,
and registers them with `register`; `t(key, lang)` looks them up. A missing key is an error in
tests (it raises), so no page shows a raw key to a user; so is a key registered twice with
different text.
"""

from __future__ import annotations

import logging
import os
from datetime import date

LANGS = ("zh", "en")
STRICT = False  # a conflicting key raises (always so under pytest, or with OVERSIGHT_I18N_STRICT=1)
_STRINGS: dict[str, tuple[str, str]] = {}
_CONFLICTS: list[str] = []
_log = logging.getLogger(__name__)


def _strict() -> bool:
    return STRICT or "PYTEST_CURRENT_TEST" in os.environ or os.environ.get("OVERSIGHT_I18N_STRICT") == "1"


def register(strings: dict[str, tuple[str, str]]) -> None:
    """Add `key: (zh, en)` pairs. A key registered twice with different text is a bug: in tests
    it raises; in a running app (where it happens while someone edits a string) the latest
    text wins, with a warning, rather than every page failing."""
    for key, pair in strings.items():
        if key in _STRINGS and _STRINGS[key] != pair:
            if _strict():
                raise ValueError(f"i18n key {key!r} registered twice with different text")
            _log.warning("i18n key %r registered again with different text; the latest wins", key)
            _CONFLICTS.append(key)
        _STRINGS[key] = pair


def conflicts() -> list[str]:
    """Keys registered with different texts since the process started (outside strict mode)."""
    return list(_CONFLICTS)


def t(key: str, lang: str, **kw: object) -> str:
    """The text for `key` in `lang` ("zh" or "en"), formatted with `kw`."""
    zh, en = _STRINGS[key]
    text = zh if lang == "zh" else en
    return text.format(**kw) if kw else text


def fmt_month(d: date, lang: str) -> str:
    """2024年3月 / Mar 2024."""
    return f"{d.year}年{d.month}月" if lang == "zh" else d.strftime("%b %Y")


def fmt_number(x: float | None, lang: str, spec: str = ",.0f") -> str:
    """A number for a KPI card; missing shows as — (never as 0)."""
    if x is None or x != x:  # NaN
        return "—"
    return format(x, spec)


register(
    {
        "missing": ("—", "—"),
        "county": ("全县", "Whole county"),
        "town": ("乡镇(街道)", "Township"),
        "community": ("村(社区)", "Community"),
        "group": ("片区", "Group (片区)"),
        "month": ("月份", "Month"),
        "col.rank": ("排名", "Rank"),  # shared by every ranking table
    }
)
