"""Writing the report files the way township offices send them.

Each township has a `Style` (`plan_styles`): xlsx or GBK CSV, title and unit rows, a 合计 row
with SUM formulas, months as 2022年7月/2022/7/202207/Excel dates, names with or without the
township, thousands separators, full-width digits, "1800㎡", old header and sheet names.
`sheet_grid` turns a `SheetRows` into the grid of cells the clerk would type; `XlsxWriter` and
`write_csv` write it deterministically (fixed document dates and zip timestamps), so the same
rows give the same bytes. `periods` says which months go into one workbook.
"""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from core.contract import MONTHLY, Kind
from sample.registry import SEED_TOWN, UNIT_SUFFIXES, URBAN_TOWNS, Town, Unit, split_suffix
from sample.span import quarter

TITLE = "仪陇县社区治理月报表"
CSV_UNTIL = 2022  # the CSV townships send CSV this year, the template workbook after

# --- how each township writes its files ---------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """How one township's clerk fills in the reports."""

    fmt: str = "xlsx"  # xlsx | csv
    title: bool = False  # title row and unit row above the headers
    total: bool = False  # a 合计 row (xlsx: SUM formulas) at the bottom of the monthly sheet
    blank_before_total: bool = False
    month: str = "iso"  # iso 2022-07 | cn 2022年7月 | slash 2022/7 | compact 202207 | date (Excel date)
    names: str = "plain"  # plain | prefix (新政镇东北社区) | short (东北) | mixed
    numbers: str = "plain"  # plain | thousands ("2,760") | fullwidth (some cells) | units ("1800㎡")
    dates: str = "date"  # date (Excel date cells) | text (2022年7月3日)
    town_column: bool = True
    alias_headers: bool = False  # headers as some old forms print them (总户数, 村（社区）…)
    sheet_names: str = "zh"  # zh | alias


def plan_styles(towns: list[Town], seed: int) -> dict[str, Style]:
    """Each township's habits; three send GBK CSV, the seed's town a tidy workbook."""
    rng = random.Random(f"{seed}|styles")
    styles: dict[str, Style] = {}
    by_copy: dict[int, list[Town]] = defaultdict(list)
    for t in towns:
        by_copy[t.copy].append(t)
    for _copy, ts in sorted(by_copy.items()):
        ts = sorted(ts, key=lambda t: t.code)
        csv_towns = {t.code for t in rng.sample([t for t in ts if t.base_name not in URBAN_TOWNS], 3)}
        for i, t in enumerate(ts):
            if t.base_name == SEED_TOWN:
                styles[t.code] = Style(title=True, total=True, month="date", names="plain")
                continue
            styles[t.code] = Style(
                fmt="csv" if t.code in csv_towns else "xlsx",
                title=rng.random() < 0.5,
                total=rng.random() < 0.5,
                blank_before_total=rng.random() < 0.3,
                month=("iso", "cn", "slash", "compact", "date")[i % 5],
                names=("plain", "prefix", "short", "mixed")[rng.randrange(4)],
                numbers=("plain", "plain", "thousands", "fullwidth", "units")[rng.randrange(5)],
                dates="text" if rng.random() < 0.15 else "date",
                town_column=rng.random() < 0.8,
                alias_headers=rng.random() < 0.15,
                sheet_names="alias" if rng.random() < 0.3 else "zh",
            )
    return styles


HEADER_ALIASES = {
    "community_name": "村（社区）",
    "households": "总户数",
    "service_center_m2": "党群服务中心面积",
    "volunteer_hours": "志愿服务时长",
    "participants": "参加人数",
    "received_on": "受理时间",
}
SHEET_ALIASES = {"monthly": "月报", "roster": "小区", "project": "阵地", "activity": "志愿", "request": "诉求"}
FULLWIDTH_DIGITS = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def num_text(v: float) -> str:
    """A number as Excel shows it in General format (at most one decimal here)."""
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def month_text(m: date, style: str) -> str:
    """Month `m` as text in a Style.month: "iso" 2022-07, "cn" 2022年7月, "slash" 2022/7, "compact" 202207,
    anything else 2022/7/1."""
    return {
        "iso": f"{m:%Y-%m}",
        "cn": f"{m.year}年{m.month}月",
        "slash": f"{m.year}/{m.month}",
        "compact": f"{m:%Y%m}",
    }.get(style, f"{m.year}/{m.month}/1")


@dataclass
class Cell:
    """A cell to write: a value and, for dates/numbers in xlsx, how Excel displays it."""

    value: Any
    num_format: str = ""


def render_value(col: str, ctype: str, unit: str, v: Any, style: Style, rng: random.Random, u: Unit | None) -> Any:
    """The cell as the township's clerk would type it (str, int, float, date/datetime or None)."""
    if v is None:
        return None
    if isinstance(v, Cell) or (isinstance(v, str) and col != "community_name"):
        return v  # typed as is (a planted bad cell, or text)
    if col == "community_name" and u is not None:
        mode = style.names if style.names != "mixed" else rng.choice(("plain", "prefix", "short"))
        if mode == "prefix":
            return f"{u.town.name}{u.name}"
        if mode == "short":
            return split_suffix(u.name, UNIT_SUFFIXES)[0]
        return u.name
    if ctype == "month":
        if style.month == "date":
            return (
                Cell(datetime(v.year, v.month, 1), 'yyyy"年"m"月"') if style.fmt == "xlsx" else f"{v.year}/{v.month}/1"
            )
        if style.month == "compact" and style.fmt == "xlsx":
            return int(f"{v:%Y%m}")
        return month_text(v, style.month)
    if ctype == "date":
        if style.dates == "text":
            return f"{v.year}年{v.month}月{v.day}日"
        if style.fmt == "xlsx":
            return Cell(datetime(v.year, v.month, v.day), "yyyy-mm-dd")
        return f"{v.year}/{v.month}/{v.day}"
    if ctype == "bool":
        return "是" if v else "否"
    if ctype in ("int", "float") and isinstance(v, int | float) and not isinstance(v, bool):
        if style.numbers == "thousands" and v >= 1000:
            return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"
        if style.numbers == "fullwidth" and rng.random() < 0.25:
            return num_text(v).translate(FULLWIDTH_DIGITS)
        if style.numbers == "units" and unit in ("㎡", "小时") and rng.random() < 0.6:
            return num_text(v) + unit
        if style.fmt == "csv":
            return num_text(v)
        return v
    return v


# --- writing files ----------------------------------------------------------------------------


@dataclass
class SheetRows:
    """Rows of one kind for one file, each a dict by column name, plus bad-row markers."""

    kind: Kind
    rows: list[dict[str, Any]] = field(default_factory=list)
    units: list[Unit | None] = field(default_factory=list)
    bad: dict[int, dict[str, Any]] = field(default_factory=dict)  # index in rows -> manifest entry

    def add(self, row: dict[str, Any], unit: Unit | None, bad: dict[str, Any] | None = None) -> None:
        if bad is not None:
            self.bad[len(self.rows)] = bad
        self.rows.append(row)
        self.units.append(unit)


def sheet_columns(kind: Kind, style: Style) -> list[tuple[str, str, str, str]]:
    """(name, header, type, unit) of the columns this township prints for `kind`."""
    cols = []
    for c in kind.columns:
        if c.name == "town_name" and not style.town_column:
            continue
        header = HEADER_ALIASES.get(c.name, c.zh) if style.alias_headers else c.zh
        cols.append((c.name, header, c.type, c.unit))
    if kind is MONTHLY and style.numbers == "units":
        cols.append((RATE_COLUMN, "办结率", "text", "%"))  # not in the contract: the ETL ignores it
    return cols


RATE_COLUMN = "_resolution_rate"


def rate_text(row: dict[str, Any]) -> str | None:
    """A 办结率 cell as clerks type it ("97.5%")."""
    rec, res = row.get("requests_received"), row.get("requests_resolved")
    if not isinstance(rec, int) or not isinstance(res, int) or not rec:
        return None
    return f"{100 * res / rec:.1f}%"


def unit_row(cols: list[tuple[str, str, str, str]]) -> list[str]:
    """The row under the title of a non-monthly sheet: "单位:㎡" over each column that has a unit."""
    return [f"单位:{unit}" if unit else "" for _, _, _, unit in cols]


def sheet_grid(
    sheet: SheetRows, style: Style, town: Town, rng: random.Random
) -> tuple[list[list[Any]], int, list[tuple[int, dict[str, Any]]]]:
    """The sheet as a grid of cells; the 0-based index of the header row; bad rows' positions."""
    cols = sheet_columns(sheet.kind, style)
    grid: list[list[Any]] = []
    if style.title:
        grid.append([TITLE] + [None] * (len(cols) - 1))
        grid.append(
            unit_row(cols)
            if sheet.kind is not MONTHLY
            else [f"填报单位:{town.name}人民政府"] + [None] * (len(cols) - 2) + ["单位:户、人、个、㎡、小时、件"]
        )
    header_at = len(grid)
    grid.append([h for _, h, _, _ in cols])
    bad_at: list[tuple[int, dict[str, Any]]] = []
    for i, (row, u) in enumerate(zip(sheet.rows, sheet.units, strict=True)):
        if i in sheet.bad:
            bad_at.append((len(grid) + 1, sheet.bad[i]))
        grid.append(
            [
                render_value(n, t, unit, rate_text(row) if n == RATE_COLUMN else row.get(n), style, rng, u)
                for n, _, t, unit in cols
            ]
        )
    if style.total and sheet.kind is MONTHLY and sheet.rows:
        if style.blank_before_total:
            grid.append([None] * len(cols))
        total: list[Any] = []
        first, last = header_at + 2, header_at + 1 + len(sheet.rows)
        for j, (n, _, t, _) in enumerate(cols):
            if n == "community_name":
                total.append("合计")
            elif t in ("int", "float"):
                s = sum(
                    r[n] for r in sheet.rows if isinstance(r.get(n), int | float) and not isinstance(r.get(n), bool)
                )
                col = xlsxwriter.utility.xl_col_to_name(j)
                total.append(Cell(s, f"=SUM({col}{first}:{col}{last})") if style.fmt == "xlsx" else num_text(s))
            else:
                total.append(None)
        grid.append(total)
    return grid, header_at, bad_at


class XlsxWriter:
    """One workbook, written deterministically (fixed document dates, fixed zip timestamps)."""

    def __init__(self, path: Path, created: date) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.wb = xlsxwriter.Workbook(str(path), {"in_memory": True, "strings_to_numbers": False})
        stamp = datetime(created.year, created.month, created.day, 9, 0, 0)
        self.wb.set_properties({"title": TITLE, "author": "仪陇县", "created": stamp})
        self.fmt_title = self.wb.add_format({"bold": True, "font_size": 14, "align": "center"})
        self.fmt_head = self.wb.add_format(
            {"bold": True, "border": 1, "align": "center", "text_wrap": True, "bg_color": "#DDEBF7"}
        )
        self.fmts: dict[str, Any] = {}

    def fmt(self, num_format: str) -> Any:
        if num_format not in self.fmts:
            self.fmts[num_format] = self.wb.add_format({"num_format": num_format})
        return self.fmts[num_format]

    def sheet(self, name: str, grid: list[list[Any]], header_at: int, merge_title: bool) -> None:
        """Add sheet `name` holding `grid`: row `header_at` is the header row, the title rows above it
        are merged across the columns when `merge_title`; numbers as numbers, `Cell`s as dates or formulas."""
        ws = self.wb.add_worksheet(name)
        ncols = len(grid[header_at])
        for r, row in enumerate(grid):
            if merge_title and r < header_at and row[0] is not None and all(v is None for v in row[1:]):
                if ncols > 1:
                    ws.merge_range(r, 0, r, ncols - 1, row[0], self.fmt_title if r == 0 else None)
                else:
                    ws.write_string(r, 0, row[0])
                continue
            for c, v in enumerate(row):
                if v is None:
                    continue
                if r == header_at:
                    ws.write_string(r, c, v, self.fmt_head)
                elif isinstance(v, Cell):
                    if isinstance(v.value, datetime):
                        ws.write_datetime(r, c, v.value, self.fmt(v.num_format))
                    else:  # a SUM formula with its cached value
                        ws.write_formula(r, c, v.num_format, None, v.value)
                elif isinstance(v, str):
                    ws.write_string(r, c, v)
                else:
                    ws.write_number(r, c, v)
        ws.freeze_panes(header_at + 1, 0)
        ws.set_column(0, ncols - 1, 12)

    def close(self) -> None:
        self.wb.close()


def csv_text(v: Any) -> str:
    """A cell as Chinese Excel writes it to "CSV (逗号分隔)"."""
    if v is None:
        return ""
    if isinstance(v, Cell):
        v = v.value
    if isinstance(v, datetime):
        return f"{v.year}/{v.month}/{v.day}"
    if isinstance(v, float | int) and not isinstance(v, bool):
        return num_text(v)
    return str(v)


def write_csv(path: Path, grid: list[list[Any]]) -> None:
    """Write `grid` as Chinese Excel saves CSV: GBK, CRLF, cells as `csv_text` shows them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for row in grid:
        w.writerow([csv_text(v) for v in row])
    path.write_bytes(buf.getvalue().encode("gbk"))


def write_workbook(
    path: Path,
    rel: str,
    sheets: dict[str, SheetRows],
    style: Style,
    t: Town,
    rng: random.Random,
    created: date,
    manifest: dict[str, Any],
) -> None:
    """Write a township's workbook `rel` (at `path`): one sheet per kind with rows (the monthly sheet
    always), named as the township names them; record the file and its bad rows in `manifest`."""
    wb = XlsxWriter(path, created)
    for kind_name, s in sheets.items():
        if not s.rows and kind_name != "monthly":
            continue
        name = SHEET_ALIASES[kind_name] if style.sheet_names == "alias" else s.kind.zh
        grid, header_at, bad_at = sheet_grid(s, style, t, rng)
        wb.sheet(name, grid, header_at, style.title)
        for row_no, b in bad_at:
            manifest["bad_rows"].append({"file": rel, "sheet": name, "row": row_no, **b})
    wb.close()
    manifest["files"].append({"file": rel, "rows": sum(len(s.rows) for s in sheets.values())})


# --- which months go in one file ------------------------------------------------------------------


@dataclass
class Period:
    """One workbook's worth of a township's reports."""

    label: str  # file-name part
    folder: str
    months: list[date]


def period_of(m: date) -> tuple[str, str]:
    """(label, folder) of the workbook month `m` is sent in.

    2022 is the seed year: month by month from July (the July project, the October outbreak, the
    November roster), by quarter before; later years come as one yearly workbook per township.
    """
    if m.year == 2022 and m.month >= 7:
        return f"{m.year}年{m.month:02d}月", f"{m.year}/{m:%Y-%m}"
    if m.year == 2022:
        return f"{m.year}年第{quarter(m)}季度", f"{m.year}/{m.year}Q{quarter(m)}"
    return f"{m.year}年度", f"{m.year}"


def workbook_path(folder: str, t: Town, label: str) -> str:
    """A township's workbook, relative to the sample folder: "2022/2022-07/新政镇_2022年07月社区治理报表.xlsx"."""
    return f"{folder}/{t.name}_{label}社区治理报表.xlsx"


def csv_path(m: date, t: Town, kind: Kind) -> str:
    """A CSV township's file of one kind and month, relative to the sample folder:
    "2022/2022-03/三蛟镇_2022年3月_月度指标.csv"."""
    return f"{m.year}/{m:%Y-%m}/{t.name}_{m.year}年{m.month}月_{kind.zh}.csv"


def periods(months: list[date]) -> list[Period]:
    """The workbooks' periods, in order."""
    out: list[Period] = []
    for m in months:
        label, where = period_of(m)
        if out and out[-1].label == label:
            out[-1].months.append(m)
        else:
            out.append(Period(label, where, [m]))
    return out
