"""etl.readers on real messy files (tests/files/readers, written by make_files.py there)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from etl import readers
from etl.readers import FileRead, Sheet, cell_text, delimited, header_key, is_unit_cell, iter_report_files, read_file

FILES = Path(__file__).resolve().parents[1].joinpath("files") / "readers"


def _only(path: Path) -> Sheet:
    result = read_file(path)
    assert result.error is None, result.error
    assert len(result.sheets) == 1
    return result.sheets[0]


def _col(sheet: Sheet, name: str) -> list[str | None]:
    return [None if pd.isna(v) else v for v in sheet.frame[name]]


def test_title_unit_blank_total_and_note_rows_are_skipped_with_excel_row_numbers() -> None:
    sheet = _only(FILES / "monthly_messy.xlsx")
    assert (sheet.name, sheet.kind.name) == ("月度指标", "monthly")
    # rows 1-2 title, 3 blank, 4 header, 5 units, 7 blank, 10 合 计, 11 blank, 12-13 填表人/注
    assert sheet.frame["_row"].tolist() == [6, 8, 9]
    assert sheet.skipped == 9
    assert _col(sheet, "community_name") == ["东北社区", "临江社区", "金新社区"]  # " 临江社区 " stripped


def test_a_note_like_first_cell_does_not_drop_a_row_with_values() -> None:
    sheet = _only(FILES / "monthly_messy.xlsx")
    row = sheet.frame.set_index("_row").loc[9]
    assert (row["community_name"], row["households"]) == ("金新社区", "1018")
    assert sheet.original(sheet.frame["_row"].tolist().index(9))["序号"] == "注：补报"


def test_headers_in_any_order_with_units_and_full_width_brackets_map_to_contract_names() -> None:
    sheet = _only(FILES / "monthly_messy.xlsx")
    assert list(sheet.frame.columns) == [
        "month",
        "town_name",
        "community_name",
        "households",
        "grids",
        "service_center_m2",
        "volunteer_hours",
        "_x0",  # 序号
        "_x8",  # 备注2
        "_row",
    ]
    # 序号 is a row number and loses nothing; 备注2 was filled in and is not loaded.
    assert [(n.code, n.loses_data) for n in sheet.notes] == [("row_number_column", False), ("unknown_column", True)]
    assert sheet.notes[1].text == "忽略未知列: 备注2 / unknown column ignored"


def test_typed_excel_cells_become_text_without_loss() -> None:
    sheet = _only(FILES / "monthly_messy.xlsx")
    assert _col(sheet, "month") == ["2022-07-01", "2022年7月", "2022-07"]  # a date cell, then text as typed
    assert _col(sheet, "households") == ["3000", "1,800", "1018"]
    assert _col(sheet, "service_center_m2") == ["1800", "400㎡", None]  # 1800.0 without ".0"
    assert _col(sheet, "volunteer_hours") == ["12.5", "0.85", None]


def test_original_holds_the_row_under_the_headers_as_written() -> None:
    sheet = _only(FILES / "monthly_messy.xlsx")
    first = sheet.original(0)
    assert first["党群服务中心面积（㎡）"] == "1800"
    assert first["备注2"] == "无"
    assert first["村（社区）"] == "东北社区"
    assert list(first)[0] == "序号"  # the keys in file order, unknown columns included
    assert sheet.original_keys["序号"] == "_x0" and sheet.original_keys["村（社区）"] == "community_name"


def test_two_row_header_uses_the_lower_row_and_ignores_group_labels() -> None:
    sheet = _only(FILES / "two_row_header.xlsx")
    assert sheet.kind.name == "monthly"
    assert list(sheet.frame.columns[:-1]) == [
        "month",
        "community_name",
        "requests_received",
        "requests_resolved",
        "followups_satisfied",
        "followups_total",
    ]
    assert sheet.frame["_row"].tolist() == [4, 5]
    assert sheet.skipped == 2  # the title and the group-label row
    assert sheet.notes == []  # 诉求办理 / 满意度回访 are group labels, not unknown columns


def test_merged_community_cell_belongs_to_every_row_it_spans_but_a_merged_count_is_not_repeated() -> None:
    sheet = _only(FILES / "roster_merged.xlsx")
    assert sheet.kind.name == "roster"
    assert _col(sheet, "community_name") == ["东北社区", "东北社区", "东北社区", "临江社区"]
    assert _col(sheet, "month") == ["2022-11"] * 4
    assert _col(sheet, "building_party_groups") == ["3", None, None, "2"]
    assert _col(sheet, "has_party_org") == ["是", "否", "是", "否"]  # Excel TRUE/FALSE as 是/否
    assert [n.text for n in sheet.notes] == [
        "合并单元格 F2:F3 的数值只计入第2行 / merged number counted once, in row 2"
    ]
    assert sheet.frame["_row"].tolist() == [2, 3, 4, 5]


def test_workbook_with_instructions_sheet_and_several_report_sheets() -> None:
    result = read_file(FILES / "workbook_multi.xlsx")
    assert result.error is None
    assert result.ignored_sheets == ["填表说明"]
    kinds = {s.name: s.kind.name for s in result.sheets}
    assert kinds == {"阵地建设": "project", "Sheet3": "activity", "小区": "roster"}
    project = result.sheets[0]
    assert _col(project, "completed_on") == ["2022-07-20", "2022-09-02"]
    assert _col(project, "area_added_m2") == ["0", "650.5"]


def test_english_snake_case_headers_are_recognised_case_insensitively() -> None:
    activity = read_file(FILES / "workbook_multi.xlsx").sheets[1]
    assert activity.kind.name == "activity"
    assert activity.frame.iloc[0][["community_name", "activity_name", "hours"]].tolist() == [
        "东北社区",
        "疫情防控卡点值守",
        "1440",
    ]


def test_sheet_with_a_header_but_no_data_is_kept_with_an_empty_frame() -> None:
    roster = read_file(FILES / "workbook_multi.xlsx").sheets[2]
    assert (roster.name, roster.kind.name, roster.skipped) == ("小区", "roster", 0)
    assert roster.frame.empty
    assert list(roster.frame.columns) == [
        "month",
        "community_name",
        "neighborhood_name",
        "households",
        "_row",
    ]


def test_old_xls_written_by_xlwt() -> None:
    sheet = _only(FILES / "monthly.xls")
    assert (sheet.name, sheet.kind.name, sheet.skipped) == ("月报", "monthly", 2)
    assert sheet.frame["_row"].tolist() == [3, 4]
    assert _col(sheet, "month") == ["2022-07-01", "2022-07-01"]
    assert _col(sheet, "service_center_m2") == ["1800", "400.25"]
    assert _col(sheet, "grids") == ["6", "是"]  # a boolean cell, as text


def test_xls_renamed_to_xlsx_is_read_by_its_content() -> None:
    assert _only(FILES / "xls_named_xlsx.xlsx").frame["_row"].tolist() == [3, 4]


@pytest.mark.parametrize("name", ["monthly_gbk.csv", "monthly_utf8bom.csv", "monthly_gb18030.csv"])
def test_csv_as_chinese_excel_saves_it(name: str) -> None:
    sheet = _only(FILES / name)
    assert (sheet.name, sheet.kind.name) == (name, "monthly")
    assert sheet.frame["_row"].tolist() == [5, 6]  # lines: title, 填报单位, header, units, data, data, blank, 合计
    assert sheet.skipped == 5
    assert _col(sheet, "households") == ["3000", "1,800"]  # first of 户数 / 总户数
    assert [(n.code, n.text, n.sheet, n.loses_data) for n in sheet.notes] == [
        ("duplicate_column", "重复列，保留第一列「户数」: 总户数 / duplicate column ignored", name, True)
    ]
    assert sheet.original(0)["总户数"] == "3001"
    assert sheet.original_keys["总户数"].startswith("_x")  # the duplicate column's cells are kept for the original


def test_encodings_are_detected() -> None:
    assert readers.detect_encoding((FILES / "monthly_gbk.csv").read_bytes()) == "gbk"
    assert readers.detect_encoding((FILES / "monthly_utf8bom.csv").read_bytes()) == "utf-8-sig"
    assert readers.detect_encoding((FILES / "monthly_gb18030.csv").read_bytes()) == "gb18030"
    assert _col(_only(FILES / "monthly_gb18030.csv"), "community_name") == ["东北社区", "䶮𠀀社区"]
    assert _col(_only(FILES / "monthly_gbk.csv"), "service_center_m2") == ["1800", "１８００"]


def test_tab_separated_csv() -> None:
    sheet = _only(FILES / "monthly_tab.csv")
    assert _col(sheet, "community_name") == ["东北社区"]
    assert sheet.frame["_row"].tolist() == [2]


def test_csv_row_numbers_are_line_numbers_across_blank_lines_and_quoted_line_breaks() -> None:
    sheet = _only(FILES / "activity_lines.csv")
    assert sheet.kind.name == "activity"
    assert sheet.frame["_row"].tolist() == [4, 6, 8]
    assert sheet.skipped == 3  # title, blank before the header, blank between rows
    assert _col(sheet, "activity_name")[1] == "敬老院探访\n（重阳节）"


@pytest.mark.parametrize(
    "name", ["monthly_gbk.csv", "monthly_utf8bom.csv", "monthly_gb18030.csv", "activity_lines.csv", "monthly_tab.csv"]
)
def test_duckdb_bulk_path_gives_the_same_sheet(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    slow = _only(FILES / name)
    monkeypatch.setattr(delimited, "FAST_CSV_MIN_BYTES", 0)
    fast = _only(FILES / name)
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    assert (fast.skipped, fast.notes, fast.original_keys) == (slow.skipped, slow.notes, slow.original_keys)


@pytest.mark.parametrize("space", [" ", "\u3000", "\t"])
def test_duckdb_bulk_path_strips_cells(space: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["仪陇县社区治理月报表,,", "报告月份,村(社区),户数", ",,户"]
    lines += [f"2022-07,{space}社区{i} , {i}{space}" for i in range(3000)] + ["合计,,", "填表人：张三,,"]
    path = tmp_path / "big.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    monkeypatch.setattr(delimited, "FAST_CSV_MIN_BYTES", 0)
    sheet = _only(path)
    assert len(sheet.frame) == 3000 and sheet.skipped == 4
    assert sheet.frame["_row"].tolist() == list(range(4, 3004))
    assert sheet.frame.iloc[-1][["community_name", "households"]].tolist() == ["社区2999", "2999"]


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("corrupt.xlsx", "无法打开 Excel 文件"),
        ("renamed_text.xlsx", "无法打开 Excel 文件"),
        ("encrypted.xlsx", "文件设有打开密码"),
        ("empty.csv", "文件为空"),
        ("report.pdf", "无法识别的文件类型 .pdf / unsupported file type"),
        ("missing.xlsx", "无法读取文件"),
    ],
)
def test_unreadable_files_give_a_reason_not_an_exception(name: str, error: str) -> None:
    result = read_file(FILES / name)
    assert isinstance(result, FileRead)
    assert result.sheets == []
    assert result.error is not None and result.error.startswith(error)
    assert " / " in result.error  # Chinese, then English


def test_file_without_a_report_header_is_an_error_listing_the_sheets(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("说明\n请按模板填写\n", encoding="utf-8")
    result = read_file(path)
    assert result.sheets == [] and result.ignored_sheets == ["notes.csv"]
    assert result.error is not None and result.error.startswith("未找到可识别的报表表头")


def test_iter_report_files_walks_folders_and_skips_lock_and_hidden_files(tmp_path: Path) -> None:
    for name in ["b.xlsx", "sub/a.csv", "sub/c.XLS", "~$b.xlsx", ".hidden.csv", ".git/x.csv", "notes.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    explicit = tmp_path / "notes.txt"
    assert iter_report_files([tmp_path, explicit, tmp_path / "b.xlsx"]) == [
        tmp_path / "b.xlsx",
        explicit,
        tmp_path / "sub" / "a.csv",
        tmp_path / "sub" / "c.XLS",
    ]


def test_header_normalisation() -> None:
    assert header_key("党群服务中心面积（㎡）") == header_key("党群服务中心面积")
    assert header_key("志愿服务时长（小时）") == header_key("志愿服务时长")
    assert header_key("村（社区）") == header_key("村(社区)") != header_key("村")
    assert header_key(" 户 数（单位：户）") == header_key("户数")
    assert header_key("Community_Name") == header_key("community name")


def test_unit_cells() -> None:
    assert all(is_unit_cell(c) for c in ["户", "（人）", "单位：个", "㎡", "小时", "%", "—", "m²"])
    assert not any(is_unit_cell(c) for c in ["东北社区", "2022-07", "12"])


def test_cell_text() -> None:
    assert cell_text(12) == "12"
    assert cell_text(1800.0) == "1800"
    assert cell_text(0.85) == "0.85"
    assert cell_text(0.1 + 0.2) == "0.3"  # as Excel shows it (15 significant digits)
    assert cell_text(dt.datetime(2022, 7, 1)) == "2022-07-01"
    assert cell_text(dt.date(2022, 7, 1)) == "2022-07-01"
    assert cell_text(True) == "是" and cell_text(False) == "否"
    assert cell_text("") is None and cell_text("  ") is None


def test_many_skipped_rows_between_data_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["报告月份,村(社区),户数"] + [f"2022-07,社区{i},{i}\r\n,," for i in range(2500)]
    path = tmp_path / "sparse.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    monkeypatch.setattr(delimited, "FAST_CSV_MIN_BYTES", 0)
    sheet = _only(path)
    assert sheet.frame["_row"].tolist() == list(range(2, 5002, 2))
    assert sheet.skipped == 2500
