"""Raw report text → typed values, as DuckDB SQL over the reader's text frame; names → codes.

Every contract column type has a `ColumnSQL`: how its cell text is cleaned (full-width
characters, invisible characters and odd spaces (`etl.text`), units, thousands separators), what
typed value it becomes, and the message when it cannot be read. The expressions run inside
DuckDB, so a million-row CSV is parsed column-at-a-time, never cell by cell in Python; only a
cell that cannot be read goes to Python (`cell_reason`), to say why: an Excel error value or a
formula without its result ("#N/A", "=A2+B2") in any column, an ambiguous month ("2022.1"), or
the column's own message. A blank cell stays NULL, never 0.

Community names are few (a few hundred distinct values even in a big file), so they are
matched in Python against the registry (`Registry.match`) and joined back.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from core.contract import COMMUNITY, TOWN, Column
from etl.text import ODD_SPACES, ZERO_WIDTH, compact, visible

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
# "2022.1" is January or October: a number cell drops the 0 of 2022.10 (2022.2 … 2022.9 are not).
AMBIGUOUS_MONTH = r"\d{4}\.1"
MSG_AMBIGUOUS_MONTH = (
    "{zh} '{{}}' 不明确：是 {{}}年1月还是 {{}}年10月？请写作 {{}}-01 或 {{}}-10"
    " / {name} is ambiguous: January or October?"
)
MSG_EXCEL_ERROR = "{zh} 为 Excel 错误值 {{}}，请改正公式后重新报送 / {name} is an Excel error value"
# A formula without its result: in a workbook (a program wrote it, Excel never computed it), or
# as text in a CSV, which never holds a result — the advice differs: etl.load gives a CSV file's
# rows the CSV wording. (An Excel error value in a CSV is Excel's own, written by its export:
# MSG_EXCEL_ERROR is right for both.)
FORMULA_IN_WORKBOOK = (
    "文件中没有它的计算结果（请用 Excel 打开、保存后重新报送）",
    "is a formula saved without its result",
)
FORMULA_IN_CSV = (
    "CSV 文件中只有公式文本、没有计算结果（请改填数值后重新报送）",
    "is a formula: a CSV file holds its text, not its result (type the value)",
)
MSG_FORMULA = "{zh} '{{}}' 是公式，" + FORMULA_IN_WORKBOOK[0] + " / {name} " + FORMULA_IN_WORKBOOK[1]


# Excel's error values (and LibreOffice's Err:nnn), as Excel shows them and a CSV export holds them.
EXCEL_ERRORS = (
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#BLOCKED!",
    "#UNKNOWN!",
    "#CONNECT!",
    "#BUSY!",
    "#PYTHON!",
)


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class ColumnSQL:
    """SQL for one column, in two steps.

    parsed: over the cell text, the value before checks (cheap fast path for the usual cell,
    regular expressions only for the rest). value: over the parsed value, the typed value (NULL
    when blank or unreadable). error: the reason text when the cell is not blank but unreadable.
    """

    parsed: str
    value: str
    error: str


WHITESPACE = " \t\r\n\u3000"


def _re_chars(chars: str) -> str:
    """The characters `chars` for an RE2 class, runs written as ranges (a shorter pattern plans faster)."""
    points = sorted(set(map(ord, chars)))
    runs: list[list[int]] = []
    for cp in points:
        if runs and cp == runs[-1][1] + 1:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp])
    return "".join(f"\\x{{{a:04X}}}" + (f"-\\x{{{b:04X}}}" if b > a else "") for a, b in runs)


HIDDEN = f"[{_re_chars(ZERO_WIDTH + ODD_SPACES)}]"  # RE2 class: what `visible_sql` changes
_NARROWED = f"[{_re_chars(FULLWIDTH[:-1] + ZERO_WIDTH + ODD_SPACES)}]"  # RE2 class: what `halfwidth` changes
_SPACE = f"[\\s{_re_chars(ODD_SPACES)}\\x{{3000}}]"  # RE2 class: any space


def visible_sql(c: str) -> str:
    """`c` without zero-width marks and with odd spaces made spaces (as `etl.text.visible`); only when
    needed (translate() is slow, a regular expression in the SQL costs planning time)."""
    return (
        f"CASE WHEN regexp_matches({c}, {lit(HIDDEN)}) "
        f"THEN translate({c}, {lit(ODD_SPACES + ZERO_WIDTH)}, {lit(' ' * len(ODD_SPACES))}) ELSE {c} END"
    )


def escaped_sql(c: str) -> str:
    """`c` with each zero-width mark written `<U+200B>` (as `etl.text.escaped`), for a reason."""
    out = c
    for ch in ZERO_WIDTH:
        out = f"replace({out}, {lit(ch)}, '<U+{ord(ch):04X}>')"
    hidden = lit(f"[{_re_chars(ZERO_WIDTH)}]")
    return f"CASE WHEN {c} IS NULL THEN NULL WHEN regexp_matches({c}, {hidden}) THEN {out} ELSE {c} END"


REASON_FUNCTION = "etl_cell_reason"
_LIBREOFFICE_ERROR = re.compile(r"Err:\d{3}")
_AMBIGUOUS_MONTH = re.compile(AMBIGUOUS_MONTH)


def cell_reason(text: str, zh: str, name: str, template: str) -> str | None:
    """The reason for a cell (trimmed) that its column could not read, or None (text, category):
    an Excel error value or a formula without its result (the readers pass both on as text:
    "#DIV/0!", "=A2+B2") whatever the column; a month "2022.1" (January or October?); else
    `template` (MSG_NOT_INT … with `{zh}`, `{name}`, and `{}` for the cell; "" for none).

    Called from SQL (`reason_sql`) for those cells only, so that each column's SQL stays small.
    """
    names = {"zh": zh, "name": name}
    plain = unicodedata.normalize("NFKC", visible(text)).strip()
    if plain.upper() in EXCEL_ERRORS or _LIBREOFFICE_ERROR.fullmatch(plain):
        return MSG_EXCEL_ERROR.format(**names).format(text)
    if plain.startswith("=") and len(plain) > 1:
        return MSG_FORMULA.format(**names).format(text)
    if template == MSG_NOT_MONTH and _AMBIGUOUS_MONTH.fullmatch(plain):
        return MSG_AMBIGUOUS_MONTH.format(**names).format(text, *[plain[:4]] * 4)
    return template.format(**names).format(text) if template else None


def reason_sql(text: str, column: Column, template: str = "") -> str:
    """SQL: `cell_reason` of the trimmed cell `text` in `column` (a function of the connection,
    see `register_functions`)."""
    return f"{REASON_FUNCTION}({text}, {lit(column.zh)}, {lit(column.name)}, {lit(template)})"


def may_be_cell_error(c: str) -> str:
    """SQL: a cheap test that the trimmed cell `c` might be an Excel error value or a formula."""
    return f"({c} LIKE '#%' OR {c} LIKE '=%' OR {c} LIKE 'Err:%')"  # LIKE 'x%' is the cheapest prefix test


def register_functions(con: duckdb.DuckDBPyConnection) -> None:
    """Make `cell_reason` callable from SQL on `con` (once per connection)."""
    try:
        con.create_function(REASON_FUNCTION, cell_reason, ["VARCHAR"] * 4, "VARCHAR", side_effects=False)
    except (duckdb.CatalogException, duckdb.NotImplementedException):
        pass  # registered on this connection (or the one it is a cursor of) already


def halfwidth(c: str) -> str:
    """`c` with full-width ASCII (１８００，) made half-width, zero-width marks dropped and odd spaces
    made spaces (`etl.text`): one test and one translate(), which is slow, only when needed (each
    regular expression in the SQL also costs planning time)."""
    return (
        f"CASE WHEN regexp_matches({c}, {lit(_NARROWED)}) "
        f"THEN translate({c}, {lit(FULLWIDTH + ODD_SPACES + ZERO_WIDTH)}, {lit(HALFWIDTH + ' ' * len(ODD_SPACES))}) "
        f"ELSE {c} END"
    )


def first_of(*exprs: str) -> str:
    """The first non-NULL of `exprs`, evaluating later ones only where needed (coalesce is eager)."""
    out = exprs[-1]
    for e in reversed(exprs[:-1]):
        out = f"CASE WHEN ({e}) IS NOT NULL THEN {e} ELSE {out} END"
    return out


def _unit_regex(unit: str) -> str:
    words = sorted(UNIT_SYNONYMS.get(unit, (unit,) if unit else ()), key=len, reverse=True)
    return r"\s*(?:" + "|".join(re.escape(w) for w in words) + ")$" if words else ""


def number_fast(c: str) -> str:
    """The fast path of a number: one TRY_CAST."""
    return f"TRY_CAST({c} AS DOUBLE)"


def let(value: str, name: str, body: str) -> str:
    """SQL: `body` with `name` bound to `value`, which is computed once (a one-element list lambda)."""
    return f"list_transform([{value}], lambda {name}: {body})[1]"


def number_sql(column: Column, c: str) -> str:
    """DOUBLE from the cell text `c`: full-width, invisible characters, units, thousands separators
    ("1,800", "1 800" with any space) and percent handled.

    Plain numbers take the fast path (one TRY_CAST); only the rest reach the regular expressions.
    May return ±inf/NaN for "inf"/"nan": the caller's `value` step drops those.
    """
    t = "_t"  # the cell half-width, without invisible characters, trimmed
    pattern = _unit_regex(column.unit)
    stripped = f"regexp_replace({t}, {lit(pattern)}, '', 'i')" if pattern else t
    plain = (
        f"CASE WHEN regexp_full_match({stripped}, '[+-]?\\d{{1,3}}(?:(?:,\\d{{3}})+|(?: \\d{{3}})+)(?:\\.\\d+)?')"
        f" THEN replace(replace({stripped}, ',', ''), ' ', '') ELSE {stripped} END"
    )
    slow = f"TRY_CAST({plain} AS DOUBLE)"
    if column.unit == "%":
        slow = f"{slow} / CASE WHEN ends_with({t}, '%') THEN 100 ELSE 1 END"
    return first_of(number_fast(c), let(f"trim({halfwidth(c)}, {lit(WHITESPACE)})", t, slow))


# Chinese digits as offices write a year digit by digit (二〇二二, also with ○ or the letter O).
CHINESE_DIGITS, CHINESE_VALUES = "〇零○Oo一二三四五六七八九", "00000123456789"


def _chinese_numerals(s: str) -> str:
    """`s` with Chinese numerals made digits: 二〇二二 → 2022, 七 → 7, 十 → 10, 十二 → 12, 二十一 → 21, 元月 → 1月."""
    t = f"translate(replace({s}, '元月', '1月'), {lit(CHINESE_DIGITS)}, {lit(CHINESE_VALUES)})"
    for pattern, repl in (("(\\d)十(\\d)", "\\1\\2"), ("(\\d)十", "\\10"), ("十(\\d)", "1\\1"), ("十", "10")):
        t = f"regexp_replace({t}, '{pattern}', '{repl}', 'g')"
    return f"CASE WHEN regexp_matches({s}, '[一二三四五六七八九十〇零○元]') THEN {t} ELSE {s} END"


def _date_fast(c: str, month: bool) -> list[str]:
    """The fast paths: ISO text (what an Excel date cell is read as) and, for months, 2022-07."""
    if month:
        return [f"TRY_CAST({c} || '-01' AS DATE)", f"CAST(date_trunc('month', TRY_CAST({c} AS DATE)) AS DATE)"]
    return [f"TRY_CAST({c} AS DATE)"]


def compact_sql(c: str) -> str:
    """`c` half-width, without invisible characters or any space (what a date's slow path reads)."""
    return f"regexp_replace({halfwidth(c)}, '{_SPACE}', '', 'g')"


def date_sql(c: str, month: bool) -> str:
    """DATE from the cell text `c`; for a month, its first day.

    Accepts 2022-07-15, 2022/7/15, 2022.7.15, 2022年7月15日 (also 二〇二二年七月十五日, 22年7月15日),
    20220715, an ISO timestamp, an Excel serial number (44743, 44757.5), full-width digits, and
    for months also 2022-07, 2022/7, 2022.07, 2022.7, 2022年7月, 2022年7月份, 2022-7月, 202207
    (a full date or a serial in a month column means its month). "2022.1" is not read (see
    AMBIGUOUS_MONTH).
    """
    s = "_s"  # compact_sql(c)
    t = f"regexp_replace({_chinese_numerals(s)}, 'T?\\d{{1,2}}:\\d{{2}}(?::\\d{{2}}(?:\\.\\d+)?)?$', '')"
    t = f"regexp_replace({t}, '^(\\d{{2}})年', '20\\1年')"
    t = f"regexp_replace({t}, '^(\\d{{4}})(\\d{{2}})(\\d{{2}})?$', '\\1-\\2-\\3')"
    t = f"rtrim(regexp_replace(regexp_replace({t}, '[年月/.]', '-', 'g'), '(?:[日号]|份)$', ''), '-')"
    day = f"TRY_CAST({t} AS DATE)"
    serial = f"DATE '{EXCEL_EPOCH}' + CAST(floor(CAST({s} AS DOUBLE)) AS INTEGER)"
    if month:
        day = f"CAST(date_trunc('month', {day}) AS DATE)"
        serial = f"CAST(date_trunc('month', {serial}) AS DATE)"
    branches = [f"WHEN regexp_full_match({s}, '\\d{{5}}(?:\\.\\d+)?') THEN {serial}"]
    if month:
        branches.append(f"WHEN regexp_full_match({s}, '{AMBIGUOUS_MONTH}') THEN NULL")
    branches.append(f"WHEN regexp_full_match({t}, '\\d{{4}}-\\d{{1,2}}-\\d{{1,2}}') THEN {day}")
    if month:
        branches.append(f"WHEN regexp_full_match({t}, '\\d{{4}}-\\d{{1,2}}') THEN TRY_CAST({t} || '-01' AS DATE)")
    slow = f"(CASE {' '.join(branches)} END)"
    return first_of(*_date_fast(c, month), let(compact_sql(c), s, slow))


def blank(c: str) -> str:
    """SQL: the cell `c` holds only whitespace or invisible characters (NULL counts as blank only
    through `IS NULL`)."""
    return f"regexp_full_match({c}, '[\\s\\x{{3000}}{_re_chars(ZERO_WIDTH + ODD_SPACES)}]*')"


def shown(c: str) -> str:
    """SQL: the cell as the sender typed it, trimmed, for a message (`etl.validate` writes its
    invisible characters out)."""
    return f"trim({c}, {lit(WHITESPACE + ODD_SPACES)})"


def column_sql(column: Column, c: str, p: str, key: bool = False, matched: bool = False) -> ColumnSQL:
    """SQL for `column`: `parsed` over the cell text `c`; `value`/`error` over the parsed value `p`.

    `key` marks a natural-key text column: an ID typed in a number cell comes back from Excel
    as "20220001.0" and is read as "20220001". An Excel error value or a formula without its
    result ("#N/A", "=A2+B2") in any column is no value, and its reason says what it is;
    `matched` marks a name the registry match reads, which says so itself (`Registry.match`).
    """

    def unreadable(template: str, value: str) -> str:
        return (
            f"CASE WHEN ({value}) IS NULL AND {c} IS NOT NULL AND NOT {blank(c)} "
            f"THEN {reason_sql(shown(c), column, template)} END"
        )

    def textual(parsed: str) -> ColumnSQL:
        """Text and categories: the parsed text, or no value and the reason when it is an Excel
        error or a formula — as for every other type, so no other check sees "#N/A" as a value
        (a duplicate key, a choice, another township's case number)."""
        error = may_be_cell_error(p)
        return ColumnSQL(
            parsed, f"CASE WHEN {error} THEN NULL ELSE {p} END", f"CASE WHEN {error} THEN {reason_sql(p, column)} END"
        )

    if column.type == "text":
        # trim() with a character list is slow: only when an edge is a space or a character is invisible
        odd = f"^[\\s\\x{{3000}}]|[\\s\\x{{3000}}]$|{HIDDEN}"
        cleaned = f"trim({visible_sql(c)}, {lit(WHITESPACE)})"
        parsed = f"nullif(CASE WHEN regexp_matches({c}, '{odd}') THEN {cleaned} ELSE {c} END, '')"
        if key:
            parsed = f"regexp_replace({parsed}, '^(\\d+)\\.0+$', '\\1')"
        return ColumnSQL(parsed, p, "NULL") if matched else textual(parsed)
    if column.type == "category":
        choices = ", ".join(map(lit, column.choices)) or "NULL"
        slow = f"nullif(regexp_replace(trim({halfwidth(c)}, {lit(WHITESPACE)}), '^(\\d+)\\.0+$', '\\1'), '')"
        return textual(f"CASE WHEN {c} IN ({choices}) THEN {c} ELSE {slow} END")
    if column.type == "bool":
        yes, no = ", ".join(map(lit, TRUE_WORDS)), ", ".join(map(lit, FALSE_WORDS))
        b = f"lower(trim({halfwidth(c)}, {lit(WHITESPACE)}))"
        slow = f"CASE WHEN {b} IN ({yes}) THEN true WHEN {b} IN ({no}) THEN false END"
        parsed = f"CASE WHEN {c} IN ({yes}) THEN true WHEN {c} IN ({no}) THEN false ELSE {slow} END"
        return ColumnSQL(parsed, p, unreadable(MSG_NOT_BOOL, p))
    if column.type == "month":
        return ColumnSQL(date_sql(c, month=True), p, unreadable(MSG_NOT_MONTH, p))
    if column.type == "date":
        return ColumnSQL(date_sql(c, month=False), p, unreadable(MSG_NOT_DATE, p))
    if column.type == "int":
        value = f"CASE WHEN isfinite({p}) AND {p} = floor({p}) AND abs({p}) < 1e15 THEN CAST({p} AS BIGINT) END"
        return ColumnSQL(number_sql(column, c), value, unreadable(MSG_NOT_INT, value))
    value = f"CASE WHEN isfinite({p}) THEN {p} END"
    return ColumnSQL(number_sql(column, c), value, unreadable(MSG_NOT_NUMBER, value))


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
    """Comparable form of a name: NFKC (full-width → half-width, （）→ ()), no whitespace or invisible characters."""
    return compact(text)


def _strip(name: str, suffixes: tuple[str, ...]) -> str:
    for s in suffixes:
        if name.endswith(s) and len(name) > len(s):
            return name[: -len(s)]
    return name


def name_forms(rows: list[tuple]) -> list[tuple[str, bool, str]]:
    """Every form a community's name may be written in → its code, as (form, loose, code) rows.

    `rows`: (community_code, community_name, town_code, town_name, aliases) of the registry.
    Exact forms: the code, the full name, with the township's name or short name before it.
    Loose forms (tried only when no exact form matches): the name without its 社区/村 suffix and
    each alias ("|"-separated), with the same prefixes. Stored as `ref_community_form` by
    `etl.warehouse.update_registry`, so a load never rebuilds them for a whole province.
    """
    out: list[tuple[str, bool, str]] = []
    town_prefixes: dict[str, tuple[str, ...]] = {}  # a township's prefixes, once per township (not per community)
    for code, name, _, tname, aliases in rows:
        prefixes = town_prefixes.get(tname)
        if prefixes is None:
            prefixes = town_prefixes[tname] = tuple(
                dict.fromkeys(("", key_text(tname), key_text(_strip(tname, TOWN_SUFFIXES))))
            )
        full = key_text(name)
        out.append((code, False, code))
        out += [(p + full, False, code) for p in prefixes]
        forms = {_strip(full, SUFFIXES)} | {key_text(a) for a in (aliases or "").split("|") if a.strip()}
        out += [(p + form, True, code) for form in forms for p in prefixes]
    return out


@dataclass
class Registry:
    """Community names (full, short, aliases, with or without the township) → community codes.

    Exact names are tried before short forms and aliases, so 金新社区 never collides with a
    金新村; a name that still matches several communities is reported, never guessed.
    `from_connection` looks up only the names a load meets (`prefetch`), in the warehouse's
    `ref_community_form`; `build` holds a whole registry in memory (tests).
    """

    exact: dict[str, set[str]]
    loose: dict[str, set[str]]
    towns: dict[str, str]  # town name / short name / code -> town_code
    town_of: dict[str, str]  # community_code -> town_code (of every community looked up)
    town_name: dict[str, str]  # town_code -> town name
    label: dict[str, str]  # community_code -> "新政镇东北社区"
    con: duckdb.DuckDBPyConnection | None = None  # where to look up names not yet seen
    seen: set[str] | None = None  # the name keys looked up so far (None: everything is loaded)

    @classmethod
    def from_connection(cls, con: duckdb.DuckDBPyConnection) -> Registry:
        """The registry of the warehouse `con`, its names looked up on demand (in one query per
        batch of names: `prefetch`). Builds `ref_community_form` first if the warehouse predates it."""
        if con.execute("SELECT count(*) FROM ref_community_form").fetchall()[0][0] == 0:
            store_name_forms(con)
        towns_rows = con.execute("SELECT town_code, town_name FROM ref_town").fetchall()
        reg = cls.build([], towns_rows)
        reg.con, reg.seen = con, set()
        return reg

    @classmethod
    def build(cls, rows: list[tuple], towns_rows: list[tuple]) -> Registry:
        """A registry held wholly in memory: `rows` as in `name_forms`; `towns_rows` (town_code, town_name)."""
        towns: dict[str, str] = {}
        town_name: dict[str, str] = {}
        for town_code, name in towns_rows:
            town_name[town_code] = name
            for form in (name, _strip(name, TOWN_SUFFIXES), town_code):
                towns[key_text(form)] = town_code
        exact: dict[str, set[str]] = defaultdict(set)
        loose: dict[str, set[str]] = defaultdict(set)
        for form, is_loose, code in name_forms(rows):
            (loose if is_loose else exact)[form].add(code)
        town_of = {code: town_code for code, _, town_code, _, _ in rows}
        label = {code: f"{tname}{name}" for code, name, _, tname, _ in rows}
        return cls(dict(exact), dict(loose), towns, town_of, town_name, label)

    def prefetch(self, names: list[str | None]) -> None:
        """Look up the forms of `names` in the warehouse, in one query (those not seen before)."""
        self._prefetch_keys({key_text(n) for n in names if n is not None})

    def _prefetch_keys(self, keys: set[str]) -> None:
        if self.con is None or self.seen is None:
            return
        new = sorted(keys - self.seen)
        if not new:
            return
        self.seen.update(new)
        # the keys as an Arrow table, not a bound list (binding 17,400 strings costs more than the join)
        self.con.register("_name_keys", pa.table({"form": pa.array(new, pa.string())}))
        try:
            found = self.con.execute(
                "SELECT f.form, f.loose, f.community_code, c.community_name, c.town_code, t.town_name "
                "FROM ref_community_form AS f JOIN ref_community AS c USING (community_code) "
                "JOIN ref_town AS t USING (town_code) WHERE f.form IN (SELECT form FROM _name_keys)"
            ).fetchall()
        finally:
            self.con.unregister("_name_keys")
        for form, is_loose, code, name, town_code, tname in found:
            (self.loose if is_loose else self.exact).setdefault(form, set()).add(code)
            self.town_of[code] = town_code
            self.label[code] = f"{tname}{name}"

    def match(self, town: str | None, name: str | None) -> tuple[str | None, str | None]:
        """(community_code, None) for a unique match, else (None, reason). Blank name → (None, None).
        A name or township that is an Excel error value or a formula gets `cell_reason`'s reason."""
        k = key_text(name) if name is not None else ""
        if not k:
            return None, None
        town_key = key_text(town) if town is not None else ""
        # cell_reason only for a text that may be one (its key, NFKC and without spaces, starts
        # as an error value or a formula would): 17,400 names of a province file in 0.1 s, not 0.7
        errors = [
            r
            for col, text, key in ((COMMUNITY, name, k), (TOWN, town, town_key))
            if key[:1] in ("#", "=") or key.startswith("Err:")
            if text and (r := cell_reason(text.strip(), col.zh, col.name, ""))
        ]
        if errors:
            return None, "；".join(errors)
        if self.seen is not None and k not in self.seen:
            self._prefetch_keys({k})
        shown = name.strip()  # invisible characters are escaped once, in every reason (validate: escaped_sql)
        town_code = None
        if town_key:
            town_code = self.towns.get(town_key)
            if town_code is None:
                return None, MSG_TOWN_UNKNOWN.format(town=town.strip())
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


def store_name_forms(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild `ref_community_form` from the registry tables (after any change to them)."""
    rows = con.execute(
        "SELECT c.community_code, c.community_name, c.town_code, t.town_name, c.aliases "
        "FROM ref_community AS c JOIN ref_town AS t USING (town_code)"
    ).fetchall()
    forms = name_forms(rows)
    table = pa.table(
        {
            "form": pa.array([f for f, _, _ in forms], pa.string()),
            "loose": pa.array([x for _, x, _ in forms], pa.bool_()),
            "community_code": pa.array([c for _, _, c in forms], pa.string()),
        }
    )
    con.execute("DELETE FROM ref_community_form")
    # from an Arrow table, not bound lists: 209,400 forms of a 17,400-community registry in 0.1 s, not 1.3 s
    con.register("_name_forms", table)
    try:
        con.execute("INSERT INTO ref_community_form SELECT DISTINCT form, loose, community_code FROM _name_forms")
    finally:
        con.unregister("_name_forms")
