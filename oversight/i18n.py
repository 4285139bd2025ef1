"""Chinese-first labels with an English switch.

Each module that shows text declares its own strings next to its code, `key: (中文, English)`,
and registers them with `register`; `t(key, lang)` looks them up. A missing key is an error in
tests (it raises), so no page shows a raw key to a user; so is a key registered twice with
different text.
"""

from __future__ import annotations

import logging
import os
import re
from datetime import date

from core.contract import KIND_BY_NAME

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


# English names of the report contract's fixed choices (core.contract), for charts and tables.
CHOICES_EN: dict[str, str] = {
    "党建服务": "Party building",
    "便民服务": "Convenience",
    "文化服务": "Culture",
    "平安服务": "Safety",
    "民情服务": "Residents' concerns",
    "协商服务": "Consultation",
    "新建": "New build",
    "改扩建": "Rebuilt / expanded",
    "亲民化改造": "Made resident-friendly",
    "功能整合": "Rooms integrated",
    "党支部": "Party branch",
    "联合党支部": "Joint party branch",
    "党小组": "Party group",
    "网格": "Grid",
    "来访": "Walk-in",
    "电话": "Phone",
    "12345": "12345 hotline",
    "线上": "Online",
    "满意": "Satisfied",
    "基本满意": "Mostly satisfied",
    "不满意": "Dissatisfied",
    "未回访": "Not followed up",
    # the registry's community_type, as the peer groups name them (core.peers)
    "社区": "Urban community",
    "村": "Village",
}


KINDS_EN = {  # the report kinds (core.contract.KINDS) as the English UI names them
    "monthly": "Monthly indicators",
    "roster": "Neighbourhood roster",
    "project": "Service-centre projects",
    "activity": "Volunteer activities",
    "request": "Request cases",
}


def kind_label(name: object, lang: str) -> object:
    """A report kind's name (core.contract.KINDS: monthly …) as the sender knows it: 月度指标 /
    Monthly indicators; anything else unchanged."""
    kind = KIND_BY_NAME.get(name) if isinstance(name, str) else None
    if kind is None:
        return name
    return kind.zh if lang == "zh" else KINDS_EN.get(kind.name, kind.name)


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def one_language(text: str, lang: str) -> str:
    """A message written "中文 / English" (as the ETL and the upload checks write theirs) in `lang`
    only. Each "；"-separated part (the ETL joins a file's messages so) is split at the first "/"
    after which no Chinese follows, with Chinese before it and no " / " outside brackets in the
    Chinese half; the ETL's example "例 / e.g. 月度指标 第 3 行 / row 3: 原因 / reason" becomes
    "例：月度指标 第 3 行：原因" / "e.g. 月度指标 row 3: reason"; any other part without such a
    split stays whole."""
    return ("；" if lang == "zh" else "; ").join(_one_part(part, lang) for part in text.split("；"))


# The ETL's example of a file's first problem (etl.load: "例 / e.g. {sheet} 第 {row} 行 / row {row}: {reason}"),
# whose halves interleave around the sheet's name.
_EXAMPLE = re.compile(r"例 / e\.g\. (?P<sheet>.+?) 第 (?P<row>\d+) 行 / row (?P=row): (?P<reason>.+)", re.S)


def _one_part(text: str, lang: str) -> str:
    example = _EXAMPLE.fullmatch(text.strip())
    if example:
        sheet, row, reason = example["sheet"], example["row"], _one_part(example["reason"], lang)
        return f"例：{sheet} 第 {row} 行：{reason}" if lang == "zh" else f"e.g. {sheet} row {row}: {reason}"
    for i, ch in enumerate(text):
        if ch == "/" and _CJK.search(text[:i]) and not _CJK.search(text[i + 1 :]):
            zh, en = text[:i].strip(), text[i + 1 :].strip()
            if not zh or not en or _bare_slash(zh):
                break
            return zh if lang == "zh" else en[:1].upper() + en[1:]
    return text


def _bare_slash(text: str) -> bool:
    """Whether `text` holds " / " outside brackets (a split of its own, not "（2022-01 / 2022-10）")."""
    depth = 0
    for i, ch in enumerate(text):
        depth += ch in "（(" and 1 or (-1 if ch in "）)" else 0)
        if depth == 0 and text[i : i + 3] == " / ":
            return True
    return False


def choice_label(value: object, lang: str) -> object:
    """A contract choice (服务类别, 来源, 项目类型 …) in `lang`; anything else unchanged."""
    if lang == "en" and isinstance(value, str):
        return CHOICES_EN.get(value, value)
    return value


def fmt_month(d: date, lang: str) -> str:
    """2024年3月 / Mar 2024."""
    return f"{d.year}年{d.month}月" if lang == "zh" else d.strftime("%b %Y")


def joined(labels: object, lang: str) -> str:
    """Items listed in `lang`: 每百户党员人数、满意率 / party members per 100 households, satisfaction rate
    (the Chinese list comma 、 in Chinese only)."""
    return ("、" if lang == "zh" else ", ").join(str(x) for x in labels)


def bracket(text: object, lang: str) -> str:
    """`text` in brackets after a word: （单位） in Chinese, " (unit)" in English."""
    return f"（{text}）" if lang == "zh" else f" ({text})"


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
        "click_to_drill": ("点击柱条可下钻到该{unit}。", "Click a bar to drill down into that {unit}."),
    }
)
