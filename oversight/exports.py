"""Downloads as pure functions: a table → .xlsx bytes or CSV bytes that open in Chinese Excel.

Headers are the Chinese report headers with units (or English names with units); numbers stay
numbers, dates stay dates; any text cell that a spreadsheet would run as a formula is escaped.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

import pandas as pd
import xlsxwriter

from core import columns
from core.metrics import METRICS
from core.settings import county_times
from oversight import i18n

LOAD_STAMPS = frozenset({"loaded_at"})  # stamped with the server's clock by the ETL (etl_load)


def is_month(name: str) -> bool:
    """Whether column `name` holds months (first-of-month dates): `month`, or a name ending in
    `_month` (stock_month: the month a community's stocks are read from). Shown, and written in
    CSV and Excel, as YYYY-MM."""
    return name == "month" or name.endswith("_month")


def is_percent(name: str) -> bool:
    """Whether column `name` holds a 0–1 share shown as a percentage."""
    m = METRICS.get(name)
    return m is not None and m.is_rate


def column_label(name: str, lang: str, short: bool = False) -> str:
    """The header for column `name` (see core.columns.label); other modules can add labels as
    i18n keys "col.<name>"; unknown names pass through."""
    known = columns.label(name, lang, short)
    if known is not None:
        return known
    try:
        return i18n.t(f"col.{name}", lang)
    except KeyError:
        return name


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a cell starting so would run as a formula


def escape_cell(value: object) -> object:
    """A text value that a spreadsheet would run as a formula gets a leading apostrophe;
    everything else (numbers included) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _is_text(s: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)


def _yes_no(lang: str) -> dict[bool, str]:
    return {True: "是", False: "否"} if lang == "zh" else {True: "yes", False: "no"}


def _is_date_col(s: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(s):
        return True
    if pd.api.types.is_object_dtype(s):
        sample = s.dropna().head(20)
        return len(sample) > 0 and all(isinstance(v, date) for v in sample)
    return False


def _rounded(name: str, s: pd.Series) -> pd.Series:
    """A number column as a file should hold it: whole numbers as integers (298, not 298.0),
    others to the metric's own decimals (a share to 0.1 percentage point), else 2 decimals."""
    values = pd.to_numeric(s, errors="coerce").astype("Float64")
    present = values.dropna()
    if present.empty or (present == present.round(0)).all():
        return values.round(0).astype("Int64")
    m = METRICS.get(name)
    if m is not None:
        decimals = int(m.fmt.rsplit(".", 1)[-1].rstrip("f%") or 0) + (2 if m.is_rate else 0)
        return values.round(decimals)
    return values.round(2)


def reader_values(name: str, s: pd.Series, lang: str) -> pd.Series | None:
    """Column `name`'s values as a reader sees them in `lang`, or None where they stay as stored:
    a load time in 北京时间 (LOAD_STAMPS: the ETL stamps the server's clock), a report kind by the
    name its sender knows (monthly → 月度指标), and on English pages the report contract's fixed
    choices in English (电话 → Phone). The one definition for the screen (frame.table) and the
    files (`prepare`), so a download says what its table says."""
    if name in LOAD_STAMPS and pd.api.types.is_datetime64_any_dtype(s):
        return county_times(s)
    if name == "kind" and s.isin(list(i18n.KINDS_EN)).any():
        return s.map(lambda v: i18n.kind_label(v, lang), na_action="ignore")
    if lang == "en" and not pd.api.types.is_numeric_dtype(s) and s.isin(list(i18n.CHOICES_EN)).any():
        return s.map(lambda v: i18n.choice_label(v, lang), na_action="ignore")
    return None


def prepare(df: pd.DataFrame, lang: str, percent_as_number: bool = False, escape: bool = True) -> pd.DataFrame:
    """The table as it goes into a file: formula-like text escaped (unless not `escape`: the
    workbook escapes it its own way), booleans as 是/否,
    percentages ×100 when `percent_as_number` (CSV), counts as integers and other numbers
    rounded (`_rounded`), headers translated (with units), values as the table shows them
    (`reader_values`)."""
    out = pd.DataFrame(index=range(len(df)))
    for name in df.columns:
        s = df[name].reset_index(drop=True)
        if (seen := reader_values(str(name), s, lang)) is not None:
            s = seen
        if pd.api.types.is_bool_dtype(s) or (
            pd.api.types.is_object_dtype(s) and s.dropna().map(type).eq(bool).all() and s.notna().any()
        ):
            s = s.map(_yes_no(lang), na_action="ignore")
        elif percent_as_number and is_percent(str(name)):
            s = (pd.to_numeric(s) * 100).round(1)  # as on screen: 90.9 (%)
        elif pd.api.types.is_float_dtype(s):
            s = _rounded(str(name), s)
        elif _is_date_col(s):
            s = pd.to_datetime(s)
        elif _is_text(s) and escape:
            s = s.map(escape_cell, na_action="ignore")
        out[column_label(str(name), lang)] = s
    return out


def _number_text(v: float) -> str:
    """A rounded number as a CSV cell: its decimals without trailing zeros (60, 2.5, 90.9)."""
    text = f"{float(v):.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def to_csv(df: pd.DataFrame, lang: str = "zh") -> bytes:
    """CSV in UTF-8 with a byte-order mark (so Chinese Excel opens it correctly); months as
    YYYY-MM (is_month), other dates as YYYY-MM-DD, percentages as numbers of percent, a whole number
    without ".0" even in a column of fractions (prepare rounds them first)."""
    out = prepare(df, lang, percent_as_number=True)
    for src, col in zip(df.columns, out.columns, strict=True):
        if pd.api.types.is_float_dtype(out[col]):  # 60, not 60.0, beside 2.5 in the same column
            out[col] = out[col].map(_number_text, na_action="ignore")
        elif pd.api.types.is_datetime64_any_dtype(out[col]):
            fmt = "%Y-%m" if is_month(str(src)) else ("%Y-%m-%d %H:%M:%S" if _has_time(out[col]) else "%Y-%m-%d")
            out[col] = out[col].dt.strftime(fmt)
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _has_time(s: pd.Series) -> bool:
    v = s.dropna()
    return bool(len(v)) and bool((v != v.dt.normalize()).any())


def _width(text: object) -> int:
    """Display width of a cell in Excel character units (CJK counts double)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def to_xlsx(df: pd.DataFrame, lang: str = "zh", sheet_name: str = "数据") -> bytes:
    """An .xlsx workbook of the table: formatted, frozen header row with units and a filter,
    numbers and dates as real cell types, percentages formatted as %, fitted column widths.
    Formula-like text (= + - @ …) is a text cell with Excel's own escape, the quote prefix: it
    reads "=1+2" as typed, and stays text when the cell is edited (CSV gets the apostrophe)."""
    prepared = prepare(df, lang, escape=False)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(re.sub(r"[\[\]:*?/\\]", "_", sheet_name)[:31] or "Sheet1")
    header = wb.add_format(
        {"bold": True, "bg_color": "#DCE6F1", "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
    )
    fmts = {
        "int": wb.add_format({"num_format": "#,##0"}),
        "float": wb.add_format({"num_format": "#,##0.0"}),
        "pct": wb.add_format({"num_format": "0.0%"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "month": wb.add_format({"num_format": "yyyy-mm"}),
        "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "text": wb.add_format({}),
        "quoted": wb.add_format({"quote_prefix": True}),
    }
    for j, (src, col) in enumerate(zip(df.columns, prepared.columns, strict=True)):
        s = prepared[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            kind = "month" if is_month(str(src)) else ("datetime" if _has_time(s) else "date")
        elif pd.api.types.is_numeric_dtype(s):
            if is_percent(str(src)):
                kind = "pct"
            elif pd.api.types.is_integer_dtype(s) or bool(((s.dropna() % 1) == 0).all()):
                kind = "int"
            else:
                kind = "float"
        else:
            kind = "text"
        ws.write_string(0, j, str(col), header)
        # Plain Python values per column (one conversion per column, not per cell); None = empty.
        if kind in ("date", "month", "datetime"):
            values = [None if v is pd.NaT else v for v in s.dt.to_pydatetime().tolist()]
            write, fmt = ws.write_datetime, fmts[kind]
        elif kind in ("int", "float", "pct"):
            values = [None if v != v else v for v in s.astype("float64").tolist()]
            write, fmt = ws.write_number, fmts[kind]
        else:
            values = [None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in s.tolist()]
            write, fmt = ws.write_string, fmts["text"]
        for i, v in enumerate(values, start=1):
            if v is not None:
                quoted = kind == "text" and v.startswith(FORMULA_START)
                write(i, j, v, fmts["quoted"] if quoted else fmt)
        sample = [_width(v) for v in s.head(300).tolist() if v is not None]
        if kind in ("date", "month"):
            sample = [10]
        elif kind == "datetime":
            sample = [16]
        elif kind in ("int", "float", "pct"):
            sample = [_width(f"{v:,.1f}") for v in s.dropna().head(300).tolist()]
        ws.set_column(j, j, min(50, max([_width(col) * 0.9, *sample, 6]) + 2))
    ws.set_row(0, 32)
    ws.freeze_panes(1, 0)
    if len(prepared.columns):
        ws.autofilter(0, 0, max(len(prepared), 1), len(prepared.columns) - 1)
    wb.close()
    return buf.getvalue()


_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def file_name(scope: str, base_name: str, month_from: date | None, month_to: date | None, ext: str, lang: str) -> str:
    """新政镇_诉求_2024-01至2024-06.xlsx / 新政镇_requests_2024-01_to_2024-06.xlsx."""
    parts = [scope, base_name]
    if month_from and month_to:
        a, b = month_from.strftime("%Y-%m"), month_to.strftime("%Y-%m")
        parts.append(a if a == b else (f"{a}至{b}" if lang == "zh" else f"{a}_to_{b}"))
    stem = "_".join(_UNSAFE.sub("-", p).strip("-") for p in parts if p)
    return f"{stem}.{ext}"
