"""The rules a report row must pass, declared once per kind from `core.contract`, run as one SQL pass.

`checks(kind)` lists every rule as a `Check` (SQL that is true when a row breaks it, and SQL for
the reason): cell readable, required cell present, community in the registry, value within the
column's range and choices, no month or date after the load date, each contract `Rule`
(`left <= right`), and no second row with the same natural key in one file. `stage()` runs
them over the reader's sheets and leaves a temp table with the typed columns and `_reason`
(NULL for a good row; every broken rule's reason joined with "；" otherwise; a quoted cell's
invisible characters written as `<U+200B>`), and `_original`:
for a row with a reason only, the row as JSON under the file's header texts (built from the
frame's raw columns and the sheet's `original_keys`, see `etl.readers.Sheet`).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from core.contract import CLEAR_MARKERS, Column, Kind, clearable
from core.sql import compose, ident, qualified
from etl.normalize import Registry, blank, column_sql, escaped_sql, lit, register_functions, shown
from etl.warehouse import data_columns

EARLIEST = date(2000, 1, 1)
REASON_SEPARATOR = "；"
ROW_SPAN = 100_000_000  # _ord = sheet number × ROW_SPAN + row: one sortable position within a file

MSG_REQUIRED = "{zh} 为空 / {name} is required"
MSG_NEGATIVE = "{zh} '{{}}' 不能为负数 / {name} must not be negative"
MSG_BELOW = "{zh} '{{}}' 小于下限 {bound} / {name} is below the minimum {bound}"
MSG_ABOVE = "{zh} '{{}}' 超过上限 {bound} / {name} is above the maximum {bound}"
MSG_CHOICES = "{zh} '{{}}' 不是可选值（{choices}）/ {name} is not one of {choices_en}"
MSG_TOO_EARLY = "{zh} '{{}}' 早于 {year} 年 / {name} is before {year}"
MSG_FUTURE = "{zh} {{}} 晚于装载日期 {{}} / {name} is after the load date"
MSG_RULE = "{lzh} {{}} > {rzh} {{}} / {left} > {right}"
# a rule between two dates reads as the sender's calendar: the later one comes before the earlier
MSG_DATE_RULE = "{rzh} {{}} 早于{lzh} {{}} / {right} is before {left}"
MSG_DUPLICATE = "与第 {} 行重复 / duplicate of row {}"
MSG_OTHER_TOWN_KEY = (
    "{zh} '{{}}' 已是{{}}的案件，不能改属本乡镇；请核对编号 / {name} already belongs to another township's case"
)
MSG_DUPLICATE_SHEET = "与工作表 '{}' 第 {} 行重复 / duplicate of sheet '{}' row {}"


@dataclass(frozen=True)
class Check:
    """One rule: `fails` is SQL true for a row that breaks it, `reason` SQL for the message."""

    name: str
    fails: str
    reason: str


def _bound(x: float) -> str:
    return f"{int(x)}" if float(x).is_integer() else f"{x:g}"


def _fmt(template: str, *args: str) -> str:
    return f"format({lit(template)}, {', '.join(args)})" if args else lit(template)


def _shown(c: Column) -> str:
    return shown(ident("_c_" + c.name))


def _value_text(c: Column) -> str:
    v = ident(c.name)
    if c.type == "month":
        return f"strftime({v}, '%Y-%m')"
    if c.type == "date":
        return f"strftime({v}, '%Y-%m-%d')"
    return f"CAST({v} AS VARCHAR)"


def column_checks(kind: Kind, c: Column) -> list[Check]:
    """The checks on one column, in the order their reasons are listed."""
    v, cleaned, name = ident(c.name), ident("_c_" + c.name), c.name
    out = [Check(f"{name}:readable", f"{ident('_e_' + name)} IS NOT NULL", ident("_e_" + name))]
    if c.required:
        fails = f"{v} IS NULL AND ({cleaned} IS NULL OR {blank(cleaned)})"
        out.append(Check(f"{name}:required", fails, lit(MSG_REQUIRED.format(zh=c.zh, name=name))))
    if name == "community_name":
        out.append(Check(f"{name}:registry", "_match_error IS NOT NULL", "_match_error"))
    if c.type in ("int", "float"):
        if c.min_value is not None:
            template = MSG_NEGATIVE if c.min_value == 0 else MSG_BELOW
            msg = template.format(zh=c.zh, name=name, bound=_bound(c.min_value))
            out.append(Check(f"{name}:min", f"{v} < {c.min_value!r}", _fmt(msg, _shown(c))))
        if c.max_value is not None:
            msg = MSG_ABOVE.format(zh=c.zh, name=name, bound=_bound(c.max_value))
            out.append(Check(f"{name}:max", f"{v} > {c.max_value!r}", _fmt(msg, _shown(c))))
    if c.choices:
        msg = MSG_CHOICES.format(zh=c.zh, name=name, choices="、".join(c.choices), choices_en=", ".join(c.choices))
        allowed = ", ".join(map(lit, c.choices))
        out.append(Check(f"{name}:choices", f"{v} NOT IN ({allowed})", _fmt(msg, _shown(c))))
    if c.type in ("month", "date"):
        msg = MSG_TOO_EARLY.format(zh=c.zh, name=name, year=EARLIEST.year)
        out.append(Check(f"{name}:earliest", f"{v} < DATE '{EARLIEST.isoformat()}'", _fmt(msg, _shown(c))))
        limit = "date_trunc('month', CAST($today AS DATE))" if c.type == "month" else "CAST($today AS DATE)"
        shown_today = "strftime(CAST($today AS DATE), '%Y-%m-%d')"
        msg = MSG_FUTURE.format(zh=c.zh, name=name)
        out.append(Check(f"{name}:not_future", f"{v} > {limit}", _fmt(msg, _value_text(c), shown_today)))
    return out


def checks(kind: Kind) -> list[Check]:
    """Every check of `kind`: per column (contract order), then cross-field rules, then duplicates."""
    out = [chk for c in kind.columns for chk in column_checks(kind, c)]
    for rule in kind.rules:
        left, right = kind.column(rule.left), kind.column(rule.right)
        if left.type in ("month", "date") and right.type in ("month", "date"):
            msg = MSG_DATE_RULE.format(lzh=left.zh, rzh=right.zh, left=left.name, right=right.name)
            shown = _fmt(msg, _value_text(right), _value_text(left))
        else:
            msg = MSG_RULE.format(lzh=left.zh, rzh=right.zh, left=left.name, right=right.name)
            shown = _fmt(msg, _value_text(left), _value_text(right))
        out.append(Check(f"{left.name}<={right.name}", f"{ident(left.name)} > {ident(right.name)}", shown))
    if kind.key_owned_by_town:
        out.append(_other_town_check(kind))
    same_sheet = _fmt(MSG_DUPLICATE, "_dup_row", "_dup_row")
    other_sheet = _fmt(MSG_DUPLICATE_SHEET, "_dup_sheet", "_dup_row", "_dup_sheet", "_dup_row")
    out.append(
        Check(
            "key:unique",
            "_dup_row IS NOT NULL",
            f"CASE WHEN _dup_sheet = _sheet THEN {same_sheet} ELSE {other_sheet} END",
        )
    )
    return out


def _other_town_check(kind: Kind) -> Check:
    """A key another township already owns: in the warehouse, or in an earlier file of the same
    load. Reads `_owners` (`owners_sql`: only the batch's keys, so a province warehouse's
    millions of stored rows are scanned once, not joined per row). Evaluated over `keyed`
    (the row's own columns qualified, so the subquery cannot capture them)."""
    key = kind.key[0]
    col = kind.column(key)
    k, comm = qualified("keyed", key), qualified("keyed", "community_code")
    # a stored owner before an earlier file's (_file_no NULL: stored)
    owner = compose(
        """(SELECT arg_min(o.town_name, coalesce(o._file_no, -1)) FROM _owners AS o
        JOIN ref_community AS nc ON nc.community_code = {comm}
        WHERE o.{key} = {k} AND o.town_code <> nc.town_code AND (o._file_no IS NULL OR o._file_no < keyed._file_no))""",
        comm=comm,
        key=ident(key),
        k=k,
    )
    msg = MSG_OTHER_TOWN_KEY.format(zh=col.zh, name=col.name)
    fails = compose("{k} IS NOT NULL AND {comm} IS NOT NULL AND {owner} IS NOT NULL", k=k, comm=comm, owner=owner)
    return Check(f"{key}:town", fails, _fmt(msg, k, owner))


def owners_sql(kind: Kind) -> str:
    """SELECT <key>, town_code, town_name, _file_no: the township of every row holding one of
    the keys in `_src` (a kind whose key is owned by a township, see `_other_town_check`) — the
    stored rows (_file_no NULL) and the batch's own rows (their file number)."""
    key = kind.key[0]
    needs = [kind.column("community_name"), kind.column(key)]
    k = ident(key)
    return f"""{_typed_ctes(kind, needs)},
batch AS (SELECT _file_no, community_code, {k} FROM typed WHERE {k} IS NOT NULL AND community_code IS NOT NULL)
SELECT o.{k}, c.town_code, t.town_name, CAST(NULL AS BIGINT) AS _file_no
FROM {ident(kind.table)} AS o
JOIN ref_community AS c USING (community_code) JOIN ref_town AS t USING (town_code)
WHERE o.{k} IN (SELECT {k} FROM batch)
UNION ALL
SELECT b.{k}, c.town_code, t.town_name, b._file_no
FROM batch AS b JOIN ref_community AS c USING (community_code) JOIN ref_town AS t USING (town_code)
"""  # noqa: S608  (identifiers from the contract)


def _typed_ctes(
    kind: Kind, columns: list[Column], extra: Sequence[str] = (), marked: frozenset[str] = frozenset()
) -> str:
    """CTEs cleaned → parsed → typed over the source view `_src`, for `columns` only (and the
    source columns `extra`, passed through untouched); the columns `marked` hold a
    CLEAR_MARKERS cell somewhere (`marked_columns`) and are checked for it row by row."""
    town = "src.town_name" if "town_name" in kind.names else "NULL"
    cleaned_cols, parsed_cols, typed_cols = [f"src.{ident(x)}" for x in extra], [], []
    cleared = []
    for c in columns:
        cl, p = ident("_c_" + c.name), ident("_p_" + c.name)
        sql = column_sql(c, cl, p, key=c.name in kind.key, matched=c.name in ("community_name", "town_name"))
        if c.name in marked and clearable(kind, c):  # the clear marker is no value to parse: the row clears it
            marker = f"upper(trim(src.{ident(c.name)})) IN ({', '.join(lit(m) for m in CLEAR_MARKERS)})"
            cleaned_cols.append(f"CASE WHEN {marker} THEN NULL ELSE src.{ident(c.name)} END AS {cl}")
            cleared.append(f"CASE WHEN {marker} THEN {lit(c.name)} END")
        else:
            cleaned_cols.append(f"src.{ident(c.name)} AS {cl}")
        parsed_cols.append(f"{sql.parsed} AS {p}")
        typed_cols.append(f"{sql.value} AS {ident(c.name)}, {sql.error} AS {ident('_e_' + c.name)}")
    cleared_list = f"list_filter([{', '.join(cleared)}], lambda x: x IS NOT NULL)" if cleared else "[]::VARCHAR[]"
    return f"""
WITH cleaned AS (
  SELECT src._file_no, src._sheet_no, src._row, src._sheet_no * {ROW_SPAN} + src._row AS _ord,
         {cleared_list} AS _cleared,
         m.community_code, m.match_error AS _match_error,
         {", ".join(cleaned_cols)}
  FROM _src AS src
  LEFT JOIN _community_match AS m
    ON coalesce(m.town, '') = coalesce({town}, '') AND coalesce(m.name, '') = coalesce(src.community_name, '')
),
parsed AS (
  SELECT *, {", ".join(parsed_cols)} FROM cleaned
),
typed AS (
  SELECT *, {", ".join(typed_cols)} FROM parsed
)"""  # noqa: S608  (identifiers from the contract)


def duplicates_sql(kind: Kind) -> str:
    """SELECT _ord, _first: every row whose natural key an earlier row of the same file already has.

    Runs over the key columns only, so the wide pass never has to sort or materialise.
    """
    key_cols = [kind.column(k) for k in kind.key if k != "community_code"]
    needs = [kind.column("community_name"), *key_cols] if "community_code" in kind.key else key_cols
    key = ", ".join(ident(k) for k in kind.key)
    present = " AND ".join(f"{ident(k)} IS NOT NULL" for k in kind.key)
    return f"""{_typed_ctes(kind, needs)}
SELECT _ord, first_value(_ord) OVER (PARTITION BY _file_no, {key} ORDER BY _ord) AS _first
FROM typed
WHERE {present}
QUALIFY _first <> _ord
"""  # noqa: S608  (identifiers from the contract)


def original_sql(kind: Kind, originals: Sequence[Mapping[str, str] | None]) -> tuple[str, list[str], list[str]]:
    """SQL for the original row as JSON text, the source columns it needs besides the contract's,
    and the values of the parameter $original_keys it reads.

    `originals[s]`: sheet number s's original keys (header text → `_src` column, in key order,
    as `Sheet.original_keys`; None: no original, NULL). Sheets with the same keys (one template
    sent by many offices) share one branch, so a batch of hundreds of files costs one json_object
    to plan, not one per file; a contract column is read as its cleaned text `_c_<name>`.
    """
    names = set(kind.names)
    extra: list[str] = []
    groups: dict[tuple[tuple[str, str], ...], list[int]] = {}
    for sheet_no, keys in enumerate(originals):
        if keys is not None:
            groups.setdefault(tuple(keys.items()), []).append(sheet_no)
    branches: list[str] = []
    flat: list[str] = []
    for items, sheet_nos in groups.items():
        pairs = []
        for key, col in items:
            flat.append(key)
            if col not in names and col not in extra:
                extra.append(col)
            pairs.append(f"$original_keys[{len(flat)}], {ident('_c_' + col if col in names else col)}")
        obj = f"json_object({', '.join(pairs)})" if pairs else "json_object()"
        branches.append(f"WHEN _sheet_no IN ({', '.join(map(str, sheet_nos))}) THEN {obj}::VARCHAR")
    if not branches:
        return "CAST(NULL AS VARCHAR)", extra, flat
    return f"CASE {' '.join(branches)} END", extra, flat


def marked_columns(con: duckdb.DuckDBPyConnection, kind: Kind, source: str = "_src") -> frozenset[str]:
    """The clearable columns of the relation `source` (a registered reader frame of `kind`, every
    contract column present) that hold a CLEAR_MARKERS cell: one aggregate query, with the very
    test `_typed_ctes` applies row by row, so the SQL checks for the marker only where one is
    (most reports have none)."""
    cols = [c.name for c in kind.columns if clearable(kind, c)]
    if not cols:
        return frozenset()
    markers = ", ".join(lit(m) for m in CLEAR_MARKERS)
    tests = ", ".join(f"coalesce(bool_or(upper(trim({ident(c)})) IN ({markers})), false)" for c in cols)
    found = con.execute(f"SELECT {tests} FROM {ident(source)}").fetchall()[0]  # noqa: S608 (contract identifiers)
    return frozenset(c for c, hit in zip(cols, found, strict=True) if hit)


def staged_sql(
    kind: Kind, originals: Sequence[Mapping[str, str] | None] = (), marked: frozenset[str] = frozenset()
) -> str:
    """SELECT of the typed, checked rows of the view `_src` (reader frames of one kind, see `stage`).

    Parameters: $today (DATE), $sheets (sheet names by _sheet_no) and, when any sheet has an
    original, $original_keys (see `original_sql`). Needs the views `_community_match` (town,
    name, community_code, match_error), `_duplicates` (`duplicates_sql`) and, for a kind whose key a
    township owns, `_owners` (`owners_sql`). Output: the kind's
    data columns (community_code first), then _file_no, _sheet, _row, _ord (the row's place in
    its file: sheet, then row — the workbook's order), _cleared (the columns
    the row clears with a CLEAR_MARKERS cell), _original (only for a row
    with a reason: the JSON is built for those rows alone) and _reason.
    """
    reasons = ", ".join(f"CASE WHEN {chk.fails} THEN {chk.reason} END" for chk in checks(kind))
    stored = [n for n, _ in data_columns(kind)]
    original, extra, _ = original_sql(kind, originals)
    return f"""{_typed_ctes(kind, list(kind.columns), extra, marked)},
keyed AS (
  SELECT t.*, $sheets[t._sheet_no + 1] AS _sheet,
         d._first % {ROW_SPAN} AS _dup_row,
         $sheets[CAST(d._first // {ROW_SPAN} AS INTEGER) + 1] AS _dup_sheet
  FROM typed AS t
  LEFT JOIN _duplicates AS d USING (_ord)
),
checked AS (
  SELECT *, nullif(concat_ws({lit(REASON_SEPARATOR)}, {reasons}), '') AS _reason FROM keyed
)
SELECT {", ".join(ident(n) for n in stored)}, _file_no, _sheet, _row, _ord, _cleared,
       CASE WHEN _reason IS NOT NULL THEN {original} END AS _original, {escaped_sql("_reason")} AS _reason
FROM checked
"""  # noqa: S608  (identifiers from the contract; values bound as parameters)


SheetFrame = tuple[int, str, pd.DataFrame] | tuple[int, str, pd.DataFrame, Mapping[str, str] | None]
"""(file number, sheet name, reader frame[, original keys: header text → frame column, as `Sheet.original_keys`])"""


def _original_keys(sheet: SheetFrame) -> Mapping[str, str] | None:
    return sheet[3] if len(sheet) > 3 else None


def _text_array(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A frame column as Arrow text (the readers' columns are Arrow strings already: no copy)."""
    arr = pa.array(values, from_pandas=True)
    return arr if pa.types.is_large_string(arr.type) else arr.cast(pa.large_string())


def source_table(kind: Kind, sheets: Sequence[SheetFrame], extra: Sequence[str] = ()) -> pa.Table:
    """One Arrow table of every sheet: all contract columns and the columns `extra` (missing ones
    NULL), `_row`, and `_file_no`, `_sheet_no` (position in `sheets`). Built column by column from
    the frames' Arrow arrays (a pandas assign + concat per batch cost ~5 ms a sheet)."""
    columns = [*kind.names, *extra]
    chunks: dict[str, list[pa.Array]] = {c: [] for c in [*columns, "_row", "_file_no", "_sheet_no"]}
    for sheet_no, (file_no, _, frame, *_) in enumerate(sheets):
        n = len(frame)
        for c in columns:
            chunks[c].append(_text_array(frame[c]) if c in frame else pa.nulls(n, pa.large_string()))
        rows = frame["_row"].to_numpy(dtype=np.int64) if "_row" in frame else np.arange(1, n + 1, dtype=np.int64)
        chunks["_row"].append(pa.array(rows))
        chunks["_file_no"].append(pa.array(np.full(n, file_no, dtype=np.int64)))
        chunks["_sheet_no"].append(pa.array(np.full(n, sheet_no, dtype=np.int64)))
    return pa.table(
        {
            c: pa.chunked_array(
                [x for part in parts for x in (part.chunks if isinstance(part, pa.ChunkedArray) else [part])],
                type=pa.large_string() if c in columns else pa.int64(),
            )
            for c, parts in chunks.items()
        }
    )


def stage(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    sheets: Sequence[SheetFrame],
    today: date,
    registry: Registry,
    table: str = "_staged",
) -> None:
    """Type and check `sheets` (file number, sheet name, reader frame and, optionally, its
    original keys) of one kind into temp table `table`, all in one pass (planning the query costs
    more than running it on a small sheet). Duplicate keys are looked for within each file number.
    A sheet without original keys gets a NULL `_original`."""
    register_functions(con)
    originals = [_original_keys(s) for s in sheets]
    _, extra, flat = original_sql(kind, originals)
    con.register("_src", source_table(kind, sheets, extra))
    try:
        town = "town_name" if "town_name" in kind.names else "NULL"
        pairs = con.execute(f"SELECT DISTINCT {town}, community_name FROM _src").fetchall()  # noqa: S608
        registry.prefetch([n for _, n in pairs])
        matches = [(t, n, *registry.match(t, n)) for t, n in pairs]
        cm = pd.DataFrame(matches, columns=["town", "name", "community_code", "match_error"], dtype="str")
        con.register("_community_match", cm)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _duplicates AS {duplicates_sql(kind)}")
        if kind.key_owned_by_town:
            con.execute(f"CREATE OR REPLACE TEMP TABLE _owners AS {owners_sql(kind)}")
        params: dict[str, object] = {"today": today, "sheets": [s[1] for s in sheets]}
        if flat:
            params["original_keys"] = flat
        marked = marked_columns(con, kind)
        sql = staged_sql(kind, originals, marked)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {ident(table)} AS {sql}", params)
    finally:
        for temp in ("_duplicates", "_owners"):
            with contextlib.suppress(duckdb.Error):  # after a failed statement: the caller's ROLLBACK drops it
                con.execute(f"DROP TABLE IF EXISTS {temp}")
        for name in ("_src", "_community_match"):
            con.unregister(name)


@functools.cache
def _preview_database() -> tuple[duckdb.DuckDBPyConnection, Registry]:
    """An in-memory database with the schema and reference data, built once per process."""
    from etl.warehouse import init_schema

    con = duckdb.connect()
    init_schema(con)
    return con, Registry.from_connection(con)


def check_frame(
    kind: Kind,
    frame: pd.DataFrame,
    today: date | None = None,
    sheet: str = "Sheet1",
    original_keys: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Typed, checked rows of one reader frame, against the registry in data/reference (tests, previews)."""
    base, registry = _preview_database()
    con = base.cursor()  # its own temp tables
    try:
        stage(con, kind, [(0, sheet, frame, original_keys)], today or date.today(), registry)
        return con.execute("SELECT * FROM _staged ORDER BY _sheet, _row").df()
    finally:
        con.close()
