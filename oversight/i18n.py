"""Chinese-first labels with an English switch.

Each module that shows text declares its own strings next to its code, `key: (中文, English)`,
and registers them with `register`; `t(key, lang)` looks them up. A missing key is an error in
tests (it raises), so no page shows a raw key to a user.
"""

from __future__ import annotations

from datetime import date

LANGS = ("zh", "en")
_STRINGS: dict[str, tuple[str, str]] = {}


def register(strings: dict[str, tuple[str, str]]) -> None:
    """Add `key: (zh, en)` pairs; a key registered twice with different text is a bug."""
    for key, pair in strings.items():
        if key in _STRINGS and _STRINGS[key] != pair:
            raise ValueError(f"i18n key {key!r} registered twice with different text")
        _STRINGS[key] = pair


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
