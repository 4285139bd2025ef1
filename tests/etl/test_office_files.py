"""Report files as real offices produce them, each standing for a kind of silent data loss: the
exact values read, the rows stored through `load_paths`, and the notes the sender gets.

tests/files/cases/ holds the small real-world files (see its README.md); the siblings of each
kind are generated here, in tmp_path, so their bytes say what they test.
"""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlwt

from etl.load import FileResult, load_paths
from etl.readers import FileRead, Note, Sheet, delimited, read_file, shaping
from etl.template import write_template
from etl.warehouse import reader

CASES = Path(__file__).resolve().parents[1].joinpath("files") / "cases"
TODAY = date(2026, 11, 28)
MIB = 1 << 20


def _read(path: Path) -> FileRead:
    result = read_file(path)
    assert result.error is None, result.error
    return result


def _only(path: Path) -> Sheet:
    result = _read(path)
    assert len(result.sheets) == 1, [s.name for s in result.sheets]
    return result.sheets[0]


def _col(sheet: Sheet, name: str) -> list[str | None]:
    return [None if pd.isna(v) else v for v in sheet.frame[name]]


def _load(paths: list[Path], db: Path) -> list[FileResult]:
    return load_paths(paths, db=db, today=TODAY)


def _loaded(path: Path, tmp_path: Path, counts: tuple[str, int, int, int]) -> Path:
    """Load `path` into a new warehouse, check (status, rows read, loaded, quarantined); the warehouse."""
    db = tmp_path / "w.duckdb"
    assert [_counts(r) for r in _load([path], db)] == [counts]
    return db


def _stored(db: Path, sql: str) -> list[tuple]:
    con = reader(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _counts(r: FileResult) -> tuple[str, int, int, int]:
    return (r.status, r.rows_read, r.rows_loaded, r.rows_quarantined)


@pytest.fixture
def fast_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if a big CSV falls back to the Python reader instead of DuckDB's."""

    def refuse(*_: object) -> None:
        raise AssertionError("the CSV fell back to the Python reader")

    monkeypatch.setattr(shaping, "sheet_from_grid", refuse)


# 1. A byte prefix probed for the encoding must end on a character boundary of that encoding.


def test_big_utf16_unicode_text_loads_every_case(tmp_path: Path) -> None:
    """Excel's "Unicode 文本" (UTF-16LE, BOM, tabs), 1.36 MB: the probe used to cut a character in two."""
    path = CASES / "05_utf16_unicode_text_big_requests.csv"
    assert path.stat().st_size > MIB and path.read_bytes()[:2] == b"\xff\xfe"
    sheet = _only(path)
    assert (sheet.kind.name, len(sheet.frame), sheet.skipped, sheet.notes) == ("request", 12000, 0, [])
    assert sheet.frame.iloc[0].tolist() == [
        "2207-000000",
        "2022-07-01",
        "新政镇东北社区",
        "文化服务",
        "来访",
        "2022-07-03",
        "是",
        "满意",
        2,
    ]
    assert sheet.frame["_row"].tolist() == list(range(2, 12002))
    assert sheet.frame["case_id"].is_unique
    db = _loaded(path, tmp_path, ("loaded", 12000, 12000, 0))
    assert _stored(db, "SELECT count(*), count(DISTINCT case_id), min(received_on) FROM request_case") == [
        (12000, 12000, date(2022, 7, 1))
    ]
    assert _stored(
        db, "SELECT community_name, category, source, on_time FROM request_case WHERE case_id = '2207-000000'"
    ) == [("东北社区", "文化服务", "来访", True)]


def test_big_utf16_goes_through_duckdb(fast_only: None) -> None:
    assert len(_only(CASES / "05_utf16_unicode_text_big_requests.csv").frame) == 12000


def test_small_utf16_unicode_text_still_loads() -> None:
    sheet = _only(CASES / "04_utf16_unicode_text_small.csv")
    assert sheet.kind.name == "monthly"
    assert _col(sheet, "community_name") == ["东北社区", "临江社区"]
    assert _col(sheet, "households") == ["1466", "980"]


# (encoding, BOM, delimiter, a character of several bytes in that encoding)
_WIDE = [
    ("utf-8", b"", ",", "中"),
    ("gbk", b"", ",", "中"),
    ("gb18030", b"", ",", "𠀀"),  # four bytes, not in GBK
    ("utf-16-le", codecs.BOM_UTF16_LE, "\t", "𠀀"),  # a surrogate pair
    ("utf-16-be", codecs.BOM_UTF16_BE, "\t", "𠀀"),
]


def _activity_file(path: Path, encoding: str, bom: bytes, delimiter: str, wide: str, end: str = "\r\n") -> list[str]:
    """An activity CSV of ~1.1 MiB whose byte 1 MiB falls inside a character; returns the activity names."""
    names = [f"{wide * 8}巡查{i}" for i in range(20_000)]
    for pad in range(80):
        lines = [
            "志愿服务活动登记表" + " " * pad,
            delimiter.join(["日期", "村(社区)", "活动名称", "服务类别", "参与人数", "服务时长(小时)"]),
            *(
                delimiter.join([f"2022-07-{i % 28 + 1:02d}", "东北社区", n, "平安服务", "3", "6"])
                for i, n in enumerate(names)
            ),
        ]
        data = bom + (end.join(lines) + end).encode(encoding)
        whole = codecs.getincrementaldecoder(encoding)().decode(data[len(bom) : MIB], final=False)
        if len(data) > MIB and len(bom) + len(whole.encode(encoding)) < MIB:  # it held back part of a character
            path.write_bytes(data)
            return names
    raise AssertionError("no padding puts byte 1 MiB inside a character")


@pytest.mark.parametrize(("encoding", "bom", "delimiter", "wide"), _WIDE, ids=[w[0] for w in _WIDE])
def test_big_csv_whose_first_mebibyte_ends_inside_a_character(
    encoding: str, bom: bytes, delimiter: str, wide: str, tmp_path: Path, fast_only: None
) -> None:
    path = tmp_path / f"activity_{encoding}.csv"
    names = _activity_file(path, encoding, bom, delimiter, wide)
    sheet = _only(path)
    assert (sheet.kind.name, sheet.skipped) == ("activity", 1)
    assert _col(sheet, "activity_name") == names
    assert sheet.frame["_row"].tolist() == list(range(3, 3 + len(names)))


def test_big_gbk_csv_split_inside_a_character_stores_every_row(tmp_path: Path) -> None:
    path = tmp_path / "activity_gbk.csv"
    names = _activity_file(path, "gbk", b"", ",", "中")
    db = _loaded(path, tmp_path, ("loaded", len(names), len(names), 0))
    assert _stored(db, "SELECT count(*), sum(hours), max(source_row) FROM volunteer_activity") == [
        (len(names), 6.0 * len(names), len(names) + 2)
    ]


def test_mac_csv_with_carriage_returns_only(tmp_path: Path) -> None:
    """Mac Excel's "CSV (Macintosh)" ends lines with CR alone: the csv module used to crash the whole load."""
    small = tmp_path / "monthly_mac.csv"
    small.write_bytes("报告月份,村(社区),户数\r2022-07,东北社区,3000\r2022-07,临江社区,980\r".encode("gbk"))
    sheet = _only(small)
    assert (_col(sheet, "households"), sheet.frame["_row"].tolist()) == (["3000", "980"], [2, 3])
    big = tmp_path / "activity_mac.csv"
    names = _activity_file(big, "utf-8", b"", ",", "中", end="\r")
    assert b"\n" not in big.read_bytes()
    sheet = _only(big)
    assert _col(sheet, "activity_name") == names
    assert sheet.frame["_row"].tolist() == list(range(3, 3 + len(names)))
    _loaded(small, tmp_path, ("loaded", 2, 2, 0))


def test_csv_the_csv_module_cannot_parse_is_rejected_with_the_reason(tmp_path: Path) -> None:
    """A stray quote that never closes makes one field of the rest of the file: a reason, not a crash."""
    path = tmp_path / "stray_quote.csv"
    path.write_text(
        '报告月份,村(社区),户数\n2022-07,"东北社区,3000\n' + "2022-07,临江社区,980\n" * 10_000, encoding="utf-8"
    )
    result = read_file(path)
    assert result.sheets == []
    assert result.error is not None and result.error.startswith("CSV 文件无法解析：field larger")


def test_text_renamed_xls_is_named_as_text_in_any_encoding(tmp_path: Path) -> None:
    """A UTF-16 "Unicode 文本" or a GBK CSV with a 4 KiB first line, saved with an Excel name, is said to be text."""
    utf16 = tmp_path / "unicode_text.xls"
    utf16.write_bytes(codecs.BOM_UTF16_LE + "报告月份\t村(社区)\r\n2022-07\t东北社区\r\n".encode("utf-16-le"))
    long_line = tmp_path / "long_title.xlsx"
    # no line break in the first 4 KiB, and byte 4096 inside a character
    long_line.write_bytes(("x" + "说明" * 1500 + "\r\n报告月份,村(社区)\r\n").encode("gbk"))
    for path in (utf16, long_line):
        result = read_file(path)
        assert result.error is not None and "plain text (a renamed CSV?)" in result.error, result.error


# 2. The delimiter is the one under which a report header is recognised, quoting respected.


def test_comma_csv_whose_quoted_note_lists_rooms_with_semicolons(tmp_path: Path) -> None:
    """The widest line split on ";" used to win, and the file was rejected as having no header."""
    path = CASES / "07_comma_csv_note_with_semicolons.csv"
    sheet = _only(path)
    assert sheet.kind.name == "project"
    assert _col(sheet, "community_name") == ["东北社区", "临江社区"]
    assert _col(sheet, "area_added_m2") == ["400", None]
    rooms = "整合图书室;调解室;儿童之家;老年活动室;党员活动室;志愿者之家;心理咨询室;法律服务室;文体活动室"
    assert _col(sheet, "note") == [rooms, "拆除柜台"]
    db = _loaded(path, tmp_path, ("loaded", 2, 2, 0))
    sql = (
        "SELECT completed_on, community_name, project_type, area_added_m2, rooms_integrated, service_platforms, note"
        " FROM service_center_project ORDER BY completed_on"
    )
    assert _stored(db, sql) == [
        (date(2022, 7, 15), "东北社区", "改扩建", 400.0, 9, 26, rooms),
        (date(2022, 7, 18), "临江社区", "亲民化改造", None, 2, 12, "拆除柜台"),
    ]


def test_tab_file_with_tabs_and_commas_inside_quoted_cells(tmp_path: Path) -> None:
    path = tmp_path / "activity_tab.csv"
    lines = [
        "日期\t村(社区)\t活动名称\t服务类别\t参与人数\t服务时长(小时)",
        '2022-10-20\t东北社区\t"敬老院探访\t（重阳节）"\t文化服务\t25\t50',
        '2022-10-28\t临江社区\t"义诊,理发,量血压,测血糖,修家电,磨剪刀,送春联,讲政策,办社保"\t便民服务\t12\t24',
    ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    sheet = _only(path)
    assert _col(sheet, "activity_name") == [
        "敬老院探访\t（重阳节）",
        "义诊,理发,量血压,测血糖,修家电,磨剪刀,送春联,讲政策,办社保",
    ]
    assert _col(sheet, "hours") == ["50", "24"]
    db = _loaded(path, tmp_path, ("loaded", 2, 2, 0))
    assert _stored(db, "SELECT participants, hours FROM volunteer_activity ORDER BY activity_date") == [
        (25, 50.0),
        (12, 24.0),
    ]


def test_semicolon_table_under_a_title_line_full_of_commas(tmp_path: Path) -> None:
    """The title line split on "," was the widest; the table's thousands are unquoted "1,466"."""
    path = tmp_path / "monthly_semicolon.csv"
    lines = [
        "仪陇县社区治理月报表,新政镇,2022年7月,填报人,张三,审核人,李四,联系电话,0817-7223456",
        "报告月份;乡镇(街道);村(社区);户数;网格数;诉求受理数;诉求办结数",
        "2022-07;新政镇;东北社区;1,466;6;20;19",
        "2022-07;新政镇;临江社区;980;4;12;12",
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    sheet = _only(path)
    assert (sheet.kind.name, sheet.skipped, sheet.frame["_row"].tolist()) == ("monthly", 1, [3, 4])
    assert _col(sheet, "households") == ["1,466", "980"]
    assert _col(sheet, "requests_resolved") == ["19", "12"]
    db = _loaded(path, tmp_path, ("loaded", 2, 2, 0))
    assert _stored(db, "SELECT community_name, households, requests_received FROM community_month ORDER BY 2") == [
        ("临江社区", 980, 12),
        ("东北社区", 1466, 20),
    ]


# 4. Hidden and very hidden sheets are not loaded, and the sender is told which.

_MONTHLY = ["报告月份", "乡镇(街道)", "村(社区)", "户数", "网格数"]


def _hidden_note(name: str, kind: str = "月度指标", en: str = "monthly") -> Note:
    return Note("hidden_sheet", f"隐藏的工作表未装载: {name}（{kind}）/ hidden sheet not loaded: {name} ({en})", name)


def test_hidden_stale_copy_of_the_month_is_skipped_and_named(tmp_path: Path) -> None:
    """The hidden 月度指标(旧) comes first and used to be loaded; the visible sheet's figures then lost."""
    path = CASES / "09_hidden_sheet_stale.xlsx"
    result = _read(path)
    assert [s.name for s in result.sheets] == ["月度指标"]
    assert result.notes == [_hidden_note("月度指标(旧)")]
    assert result.notes[0].loses_data is False and result.ignored_sheets == []
    assert _col(result.sheets[0], "households") == ["1466", "980"]
    db = _loaded(path, tmp_path, ("loaded", 2, 2, 0))
    sql = (
        "SELECT community_name, households, service_center_m2, source_sheet, source_row FROM community_month ORDER BY 5"
    )
    assert _stored(db, sql) == [("东北社区", 1466, 1800.0, "月度指标", 3), ("临江社区", 980, 620.0, "月度指标", 4)]


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_and_very_hidden_xlsx_sheets(state: str, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    stale = wb.active
    stale.title = "旧表"
    current = wb.create_sheet("月报")
    lists = wb.create_sheet("名录")  # a hidden list the dropdowns read: no report header, nothing to say
    lists.append(["东北社区"])
    for ws, households, grids in ((stale, 1400, 5), (current, 1466, 6)):
        ws.append(_MONTHLY)
        ws.append(["2022-07", "新政镇", "东北社区", households, grids])
    stale.sheet_state = state
    lists.sheet_state = "hidden"
    wb.active = 1
    path = tmp_path / f"{state}.xlsx"
    wb.save(path)
    result = _read(path)
    assert [(s.name, _col(s, "households")) for s in result.sheets] == [("月报", ["1466"])]
    assert (result.notes, result.ignored_sheets) == ([_hidden_note("旧表")], ["名录"])


@pytest.mark.parametrize("visibility", [1, 2], ids=["hidden", "very_hidden"])
def test_hidden_xls_sheets(visibility: int, tmp_path: Path) -> None:
    """Old .xls (BIFF): calamine reads the BOUNDSHEET visibility too."""
    wb = xlwt.Workbook(encoding="utf-8")
    stale, current = wb.add_sheet("旧表"), wb.add_sheet("月报")
    for ws, households, grids in ((stale, 1400, 5), (current, 1466, 6)):
        for r, row in enumerate([_MONTHLY, ["2022-07", "新政镇", "东北社区", households, grids]]):
            for c, value in enumerate(row):
                ws.write(r, c, value)
    stale.visibility = visibility
    path = tmp_path / "hidden.xls"
    wb.save(str(path))
    result = _read(path)
    assert [(s.name, _col(s, "households"), _col(s, "grids")) for s in result.sheets] == [("月报", ["1466"], ["6"])]
    assert result.notes == [_hidden_note("旧表")]


def test_a_report_only_on_a_hidden_sheet_is_rejected_saying_so(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    hidden = wb.create_sheet("志愿")
    hidden.append(["日期", "村(社区)", "活动名称", "服务时长(小时)"])
    hidden.append(["2022-07-05", "东北社区", "防溺水巡查", 76])
    hidden.sheet_state = "hidden"
    path = tmp_path / "only_hidden.xlsx"
    wb.save(path)
    result = read_file(path)
    assert result.sheets == [] and result.notes == [_hidden_note("志愿", "志愿服务", "activity")]
    assert result.error == (
        "报表只在隐藏的工作表中（志愿），隐藏工作表不装载，请取消隐藏后重新报送"
        " / the report is only on hidden sheets (志愿): unhide it and send the file again"
    )
    (rejected,) = _load([path], tmp_path / "w.duckdb")
    assert rejected.status == "rejected" and rejected.message.startswith("报表只在隐藏的工作表中（志愿）")


def test_the_county_template_hidden_list_sheet_says_nothing(tmp_path: Path) -> None:
    result = _read(write_template(tmp_path / "template.xlsx"))
    assert result.notes == [] and "名录" in result.ignored_sheets


# 8. A two-row header: a group label over sub-columns names each column together with the sub-header.


def _combined(text: str, zh: str, name: str, column: int, sheet: str) -> Note:
    return Note(
        "combined_header", f"两行表头「{text}」读作「{zh}」/ two-row header {text} read as {name}", sheet, column
    )


def test_merged_group_labels_over_sub_columns(tmp_path: Path) -> None:
    """网格员数 over 专职/兼职 and 诉求（件） over 受理数/办结数: the four columns used to be dropped and the
    sub-header row quarantined as data."""
    path = CASES / "19_two_row_header_merged_parent.xlsx"
    sheet = _only(path)
    assert list(sheet.frame.columns) == [
        "month",
        "town_name",
        "community_name",
        "households",
        "grid_workers_fulltime",
        "grid_workers_parttime",
        "requests_received",
        "requests_resolved",
        "_row",
    ]
    assert sheet.frame.drop(columns="_row").values.tolist() == [
        ["2022-07", "新政镇", "东北社区", "1466", "6", "30", "20", "19"],
        ["2022-07", "新政镇", "临江社区", "980", "4", "20", "12", "12"],
    ]
    assert (sheet.frame["_row"].tolist(), sheet.skipped) == ([4, 5], 2)
    assert sheet.notes == [
        _combined("网格员数/专职", "专职网格员数", "grid_workers_fulltime", 4, "月度指标"),
        _combined("网格员数/兼职", "兼职网格员数", "grid_workers_parttime", 5, "月度指标"),
        _combined("诉求（件）/受理数", "诉求受理数", "requests_received", 6, "月度指标"),
        _combined("诉求（件）/办结数", "诉求办结数", "requests_resolved", 7, "月度指标"),
    ]
    assert not any(n.loses_data for n in sheet.notes)
    assert sheet.original(0)["网格员数/兼职"] == "30"
    db = _loaded(path, tmp_path, ("loaded", 2, 2, 0))
    sql = (
        "SELECT community_name, grid_workers_fulltime, grid_workers_parttime, requests_received, requests_resolved"
        " FROM community_month ORDER BY households DESC"
    )
    assert _stored(db, sql) == [("东北社区", 6, 30, 20, 19), ("临江社区", 4, 20, 12, 12)]


_GROUPED = [
    ["仪陇县社区治理月报表"],
    ["报告月份", "村(社区)", "网格员数（人）", None, "诉求（件）", None, None],
    [None, None, "专职", "兼职", "受理数", "办结数", "按时"],
    ["2022-07", "东北社区", 6, 30, 20, 19, 18],
    ["2022-07", "临江社区", 4, 20, 12, 12, 11],
]

_GROUPED_NOTES = [
    ("网格员数（人）/专职", "专职网格员数", "grid_workers_fulltime", 2),
    ("网格员数（人）/兼职", "兼职网格员数", "grid_workers_parttime", 3),
    ("诉求（件）/受理数", "诉求受理数", "requests_received", 4),
    ("诉求（件）/办结数", "诉求办结数", "requests_resolved", 5),
    ("诉求（件）/按时", "按时办结数", "requests_on_time", 6),  # only 按时办结数 starts with 按时
]


def _grouped_checked(sheet: Sheet, name: str) -> None:
    cols = ["community_name", *(n for _, _, n, _ in _GROUPED_NOTES)]
    assert sheet.frame[cols].values.tolist() == [
        ["东北社区", "6", "30", "20", "19", "18"],
        ["临江社区", "4", "20", "12", "12", "11"],
    ]
    assert (sheet.frame["_row"].tolist(), sheet.skipped) == ([4, 5], 2)  # the title, the group-label row
    assert sheet.notes == [_combined(*n, name) for n in _GROUPED_NOTES]


def _csv_bytes(rows: list[list[object]], width: int, encoding: str = "gbk") -> bytes:
    """Rows as Excel saves them to CSV: every line as wide as the table, CRLF."""
    cells = (["" if v is None else str(v) for v in row] + [""] * width for row in rows)
    return "".join(",".join(c[:width]) + "\r\n" for c in cells).encode(encoding)


def test_group_labels_typed_over_the_first_sub_column_only(tmp_path: Path) -> None:
    """As some offices type it: no merged cells, the group label in its first column only."""
    wb = openpyxl.Workbook()
    for row in _GROUPED:
        wb.active.append(row)
    path = tmp_path / "grouped.xlsx"
    wb.save(path)
    _grouped_checked(_only(path), "Sheet")
    db = _loaded(path, tmp_path, ("loaded", 2, 2, 0))
    sql = (
        "SELECT community_name, requests_received, requests_resolved, requests_on_time FROM community_month ORDER BY 2"
    )
    assert _stored(db, sql) == [("临江社区", 12, 12, 11), ("东北社区", 20, 19, 18)]


@pytest.mark.parametrize("fast", [False, True], ids=["python", "duckdb"])
def test_group_labels_in_a_csv_with_two_header_lines(
    fast: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel saves a merged group label as CSV in its first column: the same header, in two lines."""
    if fast:
        monkeypatch.setattr(delimited, "FAST_CSV_MIN_BYTES", 0)
    path = tmp_path / "grouped.csv"
    path.write_bytes(_csv_bytes(_GROUPED, 7))
    _grouped_checked(_only(path), "grouped.csv")


# 7. Tables stacked in one sheet: each header row starts a table of its own kind.


def _stacked_note(row: int, zh: str, en: str, sheet: str) -> Note:
    return Note(
        "stacked_table", f"第 {row} 行起是另一张表（{zh}），单独装载 / another table ({en}) starts at row {row}", sheet
    )


def test_a_monthly_table_and_an_activity_table_stacked_in_one_sheet(tmp_path: Path) -> None:
    """The second table's title, header and rows used to be quarantined as nonsense monthly rows."""
    path = CASES / "17_two_kinds_stacked.xlsx"
    monthly, activity = _read(path).sheets
    assert (monthly.name, monthly.kind.name, monthly.skipped, monthly.notes) == ("Sheet1", "monthly", 2, [])
    assert (monthly.frame["_row"].tolist(), _col(monthly, "households")) == ([3, 4], ["1466", "980"])
    assert (activity.name, activity.kind.name, activity.skipped) == ("Sheet1", "activity", 1)  # the title row 6
    assert activity.notes == [_stacked_note(7, "志愿服务", "activity", "Sheet1")]
    assert activity.frame.drop(columns="_row").values.tolist() == [
        ["2022-07-05", "东北社区", "防溺水巡查", "平安服务", "19", "76"],
        ["2022-07-13", "临江社区", "七一党员先锋行", "党建服务", "10", "20"],
    ]
    assert activity.frame["_row"].tolist() == [8, 9]
    db = _loaded(path, tmp_path, ("loaded", 4, 4, 0))
    assert _stored(db, "SELECT community_name, households, source_row FROM community_month ORDER BY 3") == [
        ("东北社区", 1466, 3),
        ("临江社区", 980, 4),
    ]
    assert _stored(db, "SELECT activity_name, hours, source_sheet, source_row FROM volunteer_activity ORDER BY 4") == [
        ("防溺水巡查", 76.0, "Sheet1", 8),
        ("七一党员先锋行", 20.0, "Sheet1", 9),
    ]


# Two months of one kind stacked with no blank row between them; the second table heads more
# columns than the first and starts within the first 20 rows (where the header is looked for).
_TWO_MONTHS = [
    ["新政镇 2022年7月"],
    ["报告月份", "村(社区)", "户数"],
    ["2022-07", "东北社区", 1466],
    ["2022-07", "临江社区", 980],
    ["合计", None, 2446],
    ["新政镇 2022年8月"],
    ["报告月份", "村(社区)", "户数", "网格数"],
    ["2022-08", "东北社区", 1470, 6],
    ["2022-08", "临江社区", 981, 4],
]


def _two_months_checked(sheets: list[Sheet], name: str, rows: tuple[list[int], list[int]]) -> None:
    july, august = sheets
    assert (july.kind.name, august.kind.name) == ("monthly", "monthly")
    assert (_col(july, "month"), _col(july, "households")) == (["2022-07"] * 2, ["1466", "980"])
    assert (_col(august, "month"), _col(august, "grids")) == (["2022-08"] * 2, ["6", "4"])
    assert (july.frame["_row"].tolist(), august.frame["_row"].tolist()) == rows
    assert august.notes == [_stacked_note(rows[1][0] - 1, "月度指标", "monthly", name)]


def test_two_months_stacked_in_one_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    for row in _TWO_MONTHS:
        wb.active.append(row)
    wb.active.merge_cells("A6:D6")
    path = tmp_path / "two_months.xlsx"
    wb.save(path)
    july, august = _read(path).sheets
    assert (july.skipped, august.skipped) == (2, 1)  # title, 合计; the second title
    _two_months_checked([july, august], "Sheet", ([3, 4], [8, 9]))
    db = _loaded(path, tmp_path, ("loaded", 4, 4, 0))
    sql = "SELECT month, community_name, households, grids FROM community_month ORDER BY month, households"
    assert _stored(db, sql) == [
        (date(2022, 7, 1), "临江社区", 980, None),
        (date(2022, 7, 1), "东北社区", 1466, None),
        (date(2022, 8, 1), "临江社区", 981, 4),
        (date(2022, 8, 1), "东北社区", 1470, 6),
    ]


@pytest.mark.parametrize("fast", [False, True], ids=["python", "duckdb"])
def test_two_tables_stacked_in_a_csv(fast: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both readers give the same tables (DuckDB's hands a file with a second header to Python's)."""
    if fast:
        monkeypatch.setattr(delimited, "FAST_CSV_MIN_BYTES", 0)
    path = tmp_path / "two_months.csv"
    path.write_bytes(_csv_bytes([*_TWO_MONTHS[:5], [], *_TWO_MONTHS[5:]], 4))  # a blank line too
    july, august = _read(path).sheets
    assert (july.skipped, august.skipped) == (3, 1)  # title, 合计, the blank line; the second title
    _two_months_checked([july, august], "two_months.csv", ([3, 4], [9, 10]))


def test_a_second_table_with_a_merged_two_row_header(tmp_path: Path) -> None:
    """The group-label row of the lower table's header belongs to that table, merged cells and all."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [
        ["报告月份", "村(社区)", "户数", None],
        ["2022-07", "东北社区", 1466, None],
        [None, None, None, None],
        ["二、网格员"],
        ["报告月份", "村(社区)", "网格员数", None],
        [None, None, "专职", "兼职"],
        ["2022-07", "东北社区", 6, 30],
    ]:
        ws.append(row)
    for ref in ("A4:D4", "A5:A6", "B5:B6", "C5:D5"):
        ws.merge_cells(ref)
    path = tmp_path / "stacked_grouped.xlsx"
    wb.save(path)
    first, second = _read(path).sheets
    assert (first.frame["_row"].tolist(), first.skipped) == ([2], 1)  # the blank row 3
    assert (second.frame["_row"].tolist(), second.skipped) == ([7], 2)  # the title row 4, the group row 5
    assert second.frame.drop(columns="_row").values.tolist() == [["2022-07", "东北社区", "6", "30"]]
    assert [n.code for n in second.notes] == ["stacked_table", "combined_header", "combined_header"]
    assert second.notes[0] == _stacked_note(6, "月度指标", "monthly", "Sheet")


def test_a_label_and_value_line_above_the_header_is_not_a_table(tmp_path: Path) -> None:
    """报告月份 | 2022-07 | 村(社区) | 东北社区 names two columns, but no data follows it before the header."""
    path = tmp_path / "info_line.csv"
    path.write_text(
        "报告月份,2022-07,村(社区),东北社区\n报告月份,村(社区),户数,网格数\n2022-07,东北社区,1466,6\n", encoding="utf-8"
    )
    sheet = _only(path)
    assert (sheet.skipped, sheet.frame["_row"].tolist(), _col(sheet, "grids")) == (1, [3], ["6"])
