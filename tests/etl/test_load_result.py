"""The load result (docs/loading.md): the reader's notes and the skipped sheets reach the sender —
in the CLI summary and --json, in load_log, and on the upload page — and a column the sender
filled in that the product did not load makes the file `partial` (exit 1), not `loaded`."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import xlsxwriter

from etl.load import load_paths
from tests.etl.test_cli import etl

HEADER = "报告月份,乡镇(街道),村(社区),户数,诉求受理数,诉求办结数"


def _csv(path: Path, extra_header: str = "", extra: tuple[str, str] = ("", "")) -> Path:
    lines = [
        HEADER + extra_header,
        "2024-03,新政镇,东北社区,3000,100,95" + extra[0],
        "2024-03,新政镇,临江社区,2000,50,40" + extra[1],
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_filled_unknown_column_makes_the_file_partial(tmp_path: Path) -> None:
    f = _csv(tmp_path / "新政镇_2024年3月.csv", ",备注,办结率", (",东北社区新建小区2个,95%", ",,80%"))
    run = etl("load", str(f), "--db", str(tmp_path / "w.duckdb"), "--json", "--today", "2026-11-28")
    assert run.returncode == 1, run.stderr
    (r,) = json.loads(run.stdout)["files"]
    assert (r["status"], r["rows_loaded"], r["rows_quarantined"]) == ("partial", 2, 0)
    notes = {n["code"]: n for n in r["notes"]}
    assert notes["unknown_column"]["loses_data"] and "备注" in notes["unknown_column"]["text"]
    assert not notes["derived_column"]["loses_data"]  # 办结率 is computed from the counts
    assert notes["unknown_column"]["sheet"] == f.name
    assert "未装载" in r["message"]

    again = _csv(tmp_path / "again.csv", ",备注", (",改", ","))
    human = etl("load", str(again), "--db", str(tmp_path / "w.duckdb"))
    assert human.returncode == 1 and "忽略未知列: 备注" in human.stdout


def test_notes_that_lose_nothing_keep_the_file_loaded(tmp_path: Path) -> None:
    f = _csv(tmp_path / "a.csv", ",序号,办结率", (",1,95%", ",2,80%"))
    run = etl("load", str(f), "--db", str(tmp_path / "w.duckdb"), "--json")
    assert run.returncode == 0, run.stderr
    (r,) = json.loads(run.stdout)["files"]
    assert r["status"] == "loaded"
    assert sorted(n["code"] for n in r["notes"]) == ["derived_column", "row_number_column"]
    assert not any(n["loses_data"] for n in r["notes"])


def test_load_log_keeps_the_notes_and_the_skipped_sheets(tmp_path: Path) -> None:
    book = tmp_path / "新政镇.xlsx"
    with xlsxwriter.Workbook(book) as wb:
        ws = wb.add_worksheet("月报")
        for i, line in enumerate([HEADER + ",备注", "2024-03,新政镇,东北社区,3000,100,95,补报"]):
            ws.write_row(i, 0, line.split(","))
        wb.add_worksheet("填报说明").write(0, 0, "请于次月10日前报送")
    db = tmp_path / "w.duckdb"
    (r,) = load_paths([book], db=db)
    assert r.status == "partial"
    assert r.sheets_skipped == [{"sheet": "填报说明", "reason": "未找到可识别的表头 / no report header found"}]
    con = duckdb.connect(str(db), read_only=True)
    notes, skipped = con.execute("SELECT notes, sheets_skipped FROM load_log").fetchall()[0]
    con.close()
    assert [n["code"] for n in json.loads(notes)] == ["unknown_column"]
    assert json.loads(skipped)[0]["sheet"] == "填报说明"


def test_quarantine_reasons_are_counted_per_file(tmp_path: Path) -> None:
    f = tmp_path / "b.csv"
    f.write_text(
        HEADER
        + "\n2024-03,新政镇,东北社区,3000,100,120\n2024-03,新政镇,临江社区,2000,50,60\n2024-03,新政镇,白溪社区,x,5,5\n2024-04,新政镇,东北社区,3000,100,90\n",
        encoding="utf-8",
    )
    (r,) = load_paths([f], db=tmp_path / "w.duckdb")
    assert (r.status, r.rows_loaded, r.rows_quarantined) == ("partial", 1, 3)
    assert sum(x["rows"] for x in r.reasons) == r.rows_quarantined
    assert all(isinstance(x["reason"], str) and x["reason"] for x in r.reasons)


def test_the_cli_names_a_skipped_hidden_sheet_once(tmp_path: Path) -> None:
    book = Path(__file__).resolve().parents[1] / "files" / "cases" / "09_hidden_sheet_stale.xlsx"
    run = etl("load", str(book), "--db", str(tmp_path / "w.duckdb"))
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("hidden sheet not loaded") == 1
