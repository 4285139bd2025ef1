"""Raw report text → typed values, as DuckDB SQL over the reader's text frame; names → codes.

Every contract column type has a `ColumnSQL`: how its cell text is cleaned (full-width
characters, spaces, units, thousands separators), what typed value it becomes, and the
message when it cannot be read. The expressions run inside DuckDB, so a million-row CSV is
parsed column-at-a-time, never cell by cell in Python. A blank cell stays NULL, never 0.

Community names are few (a few hundred distinct values even in a big file), so they are
matched in Python against the registry (`Registry.match`) and joined back.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import duckdb

from etl.contract import Column, Kind

FULLWIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
HALFWIDTH = "".join(chr(c) for c in range(0x21, 0x7F)) + " "

# What people type after a number, by the unit the contract gives the column.
UNIT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "㎡": ("㎡", "平方米", "平米", "m2", "m²", "平方"),
    "小时": ("小时", "个小时", "h", "hr", "hrs"),
    "人": ("人", "名", "位"),
    "个": ("个",),
    "件": ("件", "宗", "起"),
    "户": ("户",),
    "场": ("场", "次"),
    "%": ("%",),
}

TRUE_WORDS = ("是", "有", "√", "✓", "✔", "y", "yes", "true", "t", "1", "1.0", "对", "已建", "已建立")
FALSE_WORDS = ("否", "无", "没有", "×", "✗", "✘", "x", "n", "no", "false", "f", "0", "0.0", "未建", "未建立")

# Excel counts days from 1899-12-30 (with its 1900 leap-year bug, this origin is right after Feb 1900).
EXCEL_EPOCH = "1899-12-30"

MSG_NOT_INT = "{zh} '{{}}' 不是整数 / {name} is not a whole number"
MSG_NOT_NUMBER = "{zh} '{{}}' 不是数字 / {name} is not a number"
MSG_NOT_BOOL = "{zh} '{{}}' 不是 是/否 / {name} is not yes/no"
MSG_NOT_MONTH = "{zh} '{{}}' 不是有效月份 / {name} is not a valid month"
MSG_NOT_DATE = "{zh} '{{}}' 不是有效日期 / {name} is not a valid date"


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted SQL identifier (names come from the contract, never from a file)."""
    return '"' + name.replace('"', '""') + '"'


def message(template: str, column: Column) -> str:
    """A message template for `column`, with `{}` left for the cell value (DuckDB `format`)."""
    return template.format(zh=column.zh, name=column.name)


@dataclass(frozen=True)
class ColumnSQL:
    """SQL for one column.

    clean: the cell text, trimmed and NULL when blank; value: the typed value (NULL when the cell
    is blank or unreadable); error: the reason text when the cell is not blank but unreadable.
    """

    clean: str
    value: str
    error: str


def _fw(x: str) -> str:
    return f"trim(translate({x}, {lit(FULLWIDTH)}, {lit(HALFWIDTH)}), ' \t\r\n')"


def _unit_regex(unit: str) -> str:
    words = sorted(UNIT_SYNONYMS.get(unit, (unit,) if unit else ()), key=len, reverse=True)
    return r"\s*(?:" + "|".join(re.escape(w) for w in words) + ")$" if words else ""


def number_sql(column: Column, c: str) -> str:
    """Typed DOUBLE from cleaned text `c`: units, thousands separators and percent handled."""
    stripped = c
    pattern = _unit_regex(column.unit)
    if pattern:
        stripped = f"regexp_replace({c}, {lit(pattern)}, '', 'i')"
    plain = (
        f"CASE WHEN regexp_full_match({stripped}, '[+-]?\\d{{1,3}}(?:,\\d{{3}})+(?:\\.\\d+)?')"
        f" THEN replace({stripped}, ',', '') ELSE {stripped} END"
    )
    # Fast path first: most cells are plain numbers and never reach the regular expressions.
    v = f"coalesce(TRY_CAST({c} AS DOUBLE), TRY_CAST({plain} AS DOUBLE))"
    if column.unit == "%":
        v = f"(CASE WHEN ends_with({c}, '%') THEN {v} / 100 ELSE {v} END)"
    return f"(CASE WHEN isfinite({v}) THEN {v} END)"


def date_sql(c: str, month: bool) -> str:
    """Typed DATE from cleaned text `c` (a month becomes its first day).

    Accepts 2022-07-15, 2022/7/15, 2022.7.15, 2022年7月15日, 20220715, an ISO timestamp, an Excel
    serial number (44743), and for months also 2022-07, 2022/7, 2022.07, 2022年7月, 202207.
    """
    t = f"regexp_replace(replace({c}, ' ', ''), 'T?\\d{{1,2}}:\\d{{2}}(?::\\d{{2}}(?:\\.\\d+)?)?$', '')"
    t = f"regexp_replace({t}, '^(\\d{{4}})(\\d{{2}})(\\d{{2}})?$', '\\1-\\2-\\3')"
    t = f"rtrim(regexp_replace(regexp_replace({t}, '[年月/.]', '-', 'g'), '[日号]$', ''), '-')"
    day = f"TRY_CAST({t} AS DATE)"
    if month:
        day = f"CAST(date_trunc('month', {day}) AS DATE)"
    branches = [
        f"WHEN regexp_full_match({c}, '\\d{{5}}(?:\\.\\d+)?') "
        f"THEN DATE '{EXCEL_EPOCH}' + CAST(floor(CAST({c} AS DOUBLE)) AS INTEGER)",
        f"WHEN regexp_full_match({t}, '\\d{{4}}-\\d{{1,2}}-\\d{{1,2}}') THEN {day}",
    ]
    if month:
        branches.append(f"WHEN regexp_full_match({t}, '\\d{{4}}-\\d{{1,2}}') THEN TRY_CAST({t} || '-01' AS DATE)")
    return f"(CASE {' '.join(branches)} END)"


def column_sql(column: Column, raw: str, clean_name: str, raw_name: str, key: bool = False) -> ColumnSQL:
    """Cleaning, typed value and parse-error SQL for `column` read from raw text `raw`.

    `clean` is evaluated over the source; `value` and `error` one step later, where the cleaned
    text is the column `clean_name` and the raw text the column `raw_name`.
    """
    c = clean_name
    shown = f"trim({raw_name})"
    if column.type == "text":
        clean = f"nullif(trim(replace({raw}, '\u3000', ' '), ' \t\r\n'), '')"
        if key:  # an ID typed in a number cell comes back as "20220001.0"
            clean = f"regexp_replace({clean}, '^(\\d+)\\.0+$', '\\1')"
        return ColumnSQL(clean, c, "NULL")
    clean = f"nullif({_fw(raw)}, '')"
    if column.type == "category":
        return ColumnSQL(f"regexp_replace({clean}, '^(\\d+)\\.0+$', '\\1')", c, "NULL")
    if column.type == "bool":
        b = f"lower({c})"
        value = (
            f"CASE WHEN {b} IN ({', '.join(map(lit, TRUE_WORDS))}) THEN true "
            f"WHEN {b} IN ({', '.join(map(lit, FALSE_WORDS))}) THEN false END"
        )
        error = f"CASE WHEN {c} IS NOT NULL AND ({value}) IS NULL THEN format({lit(message(MSG_NOT_BOOL, column))}, {shown}) END"
        return ColumnSQL(clean, value, error)
    if column.type in ("month", "date"):
        value = date_sql(c, month=column.type == "month")
        template = MSG_NOT_MONTH if column.type == "month" else MSG_NOT_DATE
        error = f"CASE WHEN {c} IS NOT NULL AND ({value}) IS NULL THEN format({lit(message(template, column))}, {shown}) END"
        return ColumnSQL(clean, value, error)
    v = number_sql(column, c)
    if column.type == "int":
        value = f"CASE WHEN {v} = floor({v}) AND abs({v}) < 1e15 THEN CAST({v} AS BIGINT) END"
        bad = f"{c} IS NOT NULL AND ({value}) IS NULL"
        error = f"CASE WHEN {bad} THEN format({lit(message(MSG_NOT_INT, column))}, {shown}) END"
        return ColumnSQL(clean, value, error)
    error = (
        f"CASE WHEN {c} IS NOT NULL AND {v} IS NULL THEN format({lit(message(MSG_NOT_NUMBER, column))}, {shown}) END"
    )
    return ColumnSQL(clean, v, error)


# --- community registry ---------------------------------------------------------------------

SUFFIXES = ("社区居委会", "社区居民委员会", "村民委员会", "村委会", "居委会", "社区", "村")
TOWN_SUFFIXES = ("街道办事处", "街道", "镇", "乡")

MSG_NOT_IN_REGISTRY = "村(社区) '{name}' 不在名录中 / not in the registry"
MSG_AMBIGUOUS = (
    "村(社区) '{name}' 在名录中不唯一（{options}），请填写乡镇 / matches several communities, give the township"
)
MSG_OTHER_TOWN = "村(社区) '{name}' 不属于 {town}（名录中属于 {actual}）/ belongs to another township"
MSG_TOWN_UNKNOWN = "乡镇(街道) '{town}' 不在名录中 / township not in the registry"


def key_text(text: str) -> str:
    """Comparable form of a name: NFKC (full-width → half-width, （）→ ()), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _strip(name: str, suffixes: tuple[str, ...]) -> str:
    for s in suffixes:
        if name.endswith(s) and len(name) > len(s):
            return name[: -len(s)]
    return name


@dataclass
class Registry:
    """Community names (full, short, aliases, with or without the township) → community codes.

    Exact names are tried before short forms and aliases, so 金新社区 never collides with a
    金新村; a name that still matches several communities is reported, never guessed.
    """

    exact: dict[str, set[str]]
    loose: dict[str, set[str]]
    towns: dict[str, str]  # town name / short name / code -> town_code
    town_of: dict[str, str]  # community_code -> town_code
    town_name: dict[str, str]  # town_code -> town name
    label: dict[str, str]  # community_code -> "新政镇东北社区"

    @classmethod
    def from_connection(cls, con: duckdb.DuckDBPyConnection) -> Registry:
        rows = con.execute(
            """
            SELECT c.community_code, c.community_name, c.town_code, t.town_name, c.aliases
            FROM ref_community AS c JOIN ref_town AS t USING (town_code)
            """
        ).fetchall()
        towns_rows = con.execute("SELECT town_code, town_name FROM ref_town").fetchall()
        return cls.build(rows, towns_rows)

    @classmethod
    def build(cls, rows: list[tuple], towns_rows: list[tuple]) -> Registry:
        exact: dict[str, set[str]] = defaultdict(set)
        loose: dict[str, set[str]] = defaultdict(set)
        towns: dict[str, str] = {}
        town_name: dict[str, str] = {}
        for town_code, name in towns_rows:
            town_name[town_code] = name
            for form in (name, _strip(name, TOWN_SUFFIXES), town_code):
                towns[key_text(form)] = town_code
        town_of, label = {}, {}
        for code, name, town_code, tname, aliases in rows:
            town_of[code] = town_code
            label[code] = f"{tname}{name}"
            prefixes = ("", key_text(tname), key_text(_strip(tname, TOWN_SUFFIXES)))
            full = key_text(name)
            exact[code].add(code)
            for p in prefixes:
                exact[p + full].add(code)
            forms = {_strip(full, SUFFIXES)} | {key_text(a) for a in (aliases or "").split("|") if a.strip()}
            for form in forms:
                for p in prefixes:
                    loose[p + form].add(code)
        return cls(dict(exact), dict(loose), towns, town_of, town_name, label)

    def match(self, town: str | None, name: str | None) -> tuple[str | None, str | None]:
        """(community_code, None) for a unique match, else (None, reason). Blank name → (None, None)."""
        if name is None or not key_text(name):
            return None, None
        shown = name.strip()
        town_code = None
        if town is not None and key_text(town):
            town_code = self.towns.get(key_text(town))
            if town_code is None:
                return None, MSG_TOWN_UNKNOWN.format(town=town.strip())
        k = key_text(name)
        elsewhere: set[str] = set()
        for table in (self.exact, self.loose):
            found = table.get(k, set())
            if town_code is not None:
                elsewhere |= {c for c in found if self.town_of[c] != town_code}
                found = {c for c in found if self.town_of[c] == town_code}
            if len(found) == 1:
                return next(iter(found)), None
            if len(found) > 1:
                options = "、".join(sorted(self.label[c] for c in found))
                return None, MSG_AMBIGUOUS.format(name=shown, options=options)
        if elsewhere:
            actual = "、".join(sorted({self.town_name[self.town_of[c]] for c in elsewhere}))
            return None, MSG_OTHER_TOWN.format(name=shown, town=self.town_name[town_code], actual=actual)
        return None, MSG_NOT_IN_REGISTRY.format(name=shown)


def has_town_column(kind: Kind) -> bool:
    return any(c.name == "town_name" for c in kind.columns)
