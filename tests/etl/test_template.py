"""The official report template: headers and validations as Excel shows them, the committed copy up
to date, and a template filled in by hand loading through the real ETL without a quarantined row."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from core.contract import KINDS, MONTHLY
from etl.load import load_paths
from etl.template import DEFAULT_OUT, INSTRUCTIONS, REGISTRY_SHEET, write_template
from etl.warehouse import reader

TODAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_template(tmp_path_factory.mktemp("template") / "模板.xlsx")


def validations(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, tuple[str, str | None, str | None]]:
    """Column letter → (type, formula1, formula2) of the sheet's data validations."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        ref = str(dv.sqref)
        assert ref.endswith("2003") and ref.split(":")[0][-1] == "4", ref  # rows 4…2003
        out[ref.split(":")[0].rstrip("0123456789")] = (dv.type, dv.formula1, dv.formula2)
    return out


def test_committed_template_is_current(template: Path) -> None:
    assert DEFAULT_OUT.read_bytes() == template.read_bytes()
    assert write_template(template.with_name("again.xlsx")).read_bytes() == template.read_bytes()


def test_sheets_headers_units_and_panes(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [INSTRUCTIONS, *(k.zh for k in KINDS), REGISTRY_SHEET]
    assert wb[REGISTRY_SHEET].sheet_state == "hidden"
    assert "10 日前" in " ".join(str(c.value) for row in wb[INSTRUCTIONS].iter_rows() for c in row if c.value)
    for kind in KINDS:
        ws = wb[kind.zh]
        assert ws["A1"].value.startswith("仪陇县社区治理月报表")
        assert [c.value for c in ws[2]] == [c.zh for c in kind.columns]
        units = [c.value for c in ws[3]]
        assert units == [c.unit if c.type in ("int", "float") else None for c in kind.columns]
        assert ws.freeze_panes == "A4"
        assert all(ws.column_dimensions[chr(65 + i)].width >= 10 for i in range(len(kind.columns)))


def test_validations(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    names = [c.value for c in wb[REGISTRY_SHEET]["C"][1:]]
    assert len(names) == 348 and "东北社区" in names and "金新社区" in names
    for kind in KINDS:
        got = validations(wb[kind.zh])
        for i, col in enumerate(kind.columns):
            letter = chr(65 + i)
            if col.type == "bool":
                assert got[letter] == ("list", '"是,否"', None)
            elif col.choices:
                assert got[letter] == ("list", '"' + ",".join(col.choices) + '"', None)
            elif col.name == "community_name":
                assert got[letter] == ("list", f"{REGISTRY_SHEET}!$C$2:$C$349", None)
            elif col.type == "int":
                assert got[letter][:2] == ("whole", "0")
            elif col.type == "float":
                assert got[letter][:2] == ("decimal", "0")
            elif col.type in ("date", "month"):
                assert got[letter][0] == "date"
            else:
                assert letter not in got or col.name == "town_name"
    assert validations(wb[MONTHLY.zh])["B"][0] == "list"  # 乡镇(街道) from the township list


def fill(template: Path, out: Path) -> dict[str, int]:
    """Fill the template as a clerk would (openpyxl); return the rows written per sheet."""
    wb = openpyxl.load_workbook(template)
    data = {
        "月度指标": [
            [datetime(2026, 9, 1), "新政镇", "东北社区", datetime(2026, 10, 8), 2900, 8300, 360, 5, 5, 6, 6, 280,
             1800, 26, 130, 412.5, 5, 9, 9, 8, 8, 8, 2],
            ["2026-09", "金城镇", "金新", "2026-10-09", 1030, 3720, 120, 2, 2, 3, 3, 90, 420, 12, 35, 60, 2, 3, 3, 3,
             2, 3, 0],
        ],
        "小区党组织": [[datetime(2026, 9, 1), "东北社区", "帅乡花园", 620, "是", "党支部", "是", "是", 4, 14, 8]],
        "阵地建设": [[datetime(2026, 9, 20), "金新社区", "改扩建", 300, 2, 14, "原址改扩建"]],
        "志愿服务": [[datetime(2026, 9, 10), "东北社区", "心愿敲门行动", "便民服务", 25, 75]],
        "民情诉求": [
            ["101001-2609-01", datetime(2026, 9, 3), "东北社区", "民情服务", "网格", datetime(2026, 9, 5), "是", "满意"],
            ["101001-2609-02", datetime(2026, 9, 21), "东北社区", "平安服务", "12345", None, None, None],
        ],
    }  # fmt: skip
    for sheet, rows in data.items():
        ws = wb[sheet]
        for r, row in enumerate(rows, start=4):
            for c, v in enumerate(row, start=1):
                ws.cell(row=r, column=c, value=v)
    wb.save(out)
    return {k: len(v) for k, v in data.items()}


def test_filled_template_loads_without_quarantine(template: Path, tmp_path: Path) -> None:
    filled = tmp_path / "新政镇_2026年09月.xlsx"
    counts = fill(template, filled)
    db = tmp_path / "w.duckdb"
    [result] = load_paths([filled], db=db, today=TODAY)
    assert (result.status, result.rows_quarantined) == ("loaded", 0), result.message
    assert result.rows_read == result.rows_loaded == sum(counts.values())
    con = reader(db)
    try:
        got = con.execute(
            """SELECT (SELECT count(*) FROM community_month), (SELECT count(*) FROM neighborhood_month),
                      (SELECT count(*) FROM service_center_project), (SELECT count(*) FROM volunteer_activity),
                      (SELECT count(*) FROM request_case), (SELECT count(*) FROM quarantine)"""
        ).fetchall()
        assert got == [(2, 1, 1, 1, 2, 0)]
        dongbei = con.execute(
            "SELECT month, service_center_m2, volunteer_hours FROM community_month WHERE community_name = '东北社区'"
        ).fetchall()
        assert dongbei == [(date(2026, 9, 1), 1800.0, 412.5)]
    finally:
        con.close()
