"""Loading real report files: exact counts per file, idempotence, corrections, lineage, quarantine,
one transaction per file, and the live warehouse surviving a killed load and an open reader."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from core.contract import KINDS, MONTHLY
from etl import load as load_module
from etl.load import STATUSES, FileResult, load_paths
from etl.warehouse import reader

ROOT = Path(__file__).resolve().parents[2]
FILES = Path(__file__).resolve().parents[1].joinpath("files")
LOAD = FILES / "load"
TODAY = date(2026, 11, 28)

# Loading the folder tests/files/load in one call into an empty warehouse (files in name order):
# status, rows read, loaded, replaced, quarantined.
EXPECTED = {
    "broken.xlsx": ("rejected", 0, 0, 0, 0),
    "monthly_duplicates.csv": ("partial", 3, 2, 0, 1),
    "monthly_jincheng_2022-07_gbk.csv": ("partial", 5, 2, 0, 3),
    # its 东北 2022-08 row replaces the one monthly_duplicates.csv loaded
    "monthly_xinzheng_2022-07.xlsx": ("loaded", 4, 4, 1, 0),
    "monthly_xinzheng_2022-07_corrected.xlsx": ("loaded", 2, 2, 2, 0),
    "workbook_2022-11.xlsx": ("partial", 14, 11, 0, 3),
}
TABLES = [k.table for k in KINDS] + ["etl_quarantine"]


def rows(db: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    con = reader(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every data table and the quarantine, in a comparable form."""
    return {t: rows(db, f"SELECT * FROM {t} ORDER BY ALL") for t in TABLES}


def counts(r: FileResult) -> tuple[str, int, int, int, int]:
    return (r.status, r.rows_read, r.rows_loaded, r.rows_replaced, r.rows_quarantined)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[FileResult]]:
    db = tmp_path_factory.mktemp("load") / "warehouse.duckdb"
    return db, load_paths([LOAD], db=db, today=TODAY)


def test_each_file_loads_with_exact_counts(loaded: tuple[Path, list[FileResult]]) -> None:
    _, results = loaded
    assert {r.path.name: counts(r) for r in results} == EXPECTED


def test_every_test_file_reconciles(tmp_path: Path) -> None:
    db = tmp_path / "all.duckdb"
    results = load_paths([FILES], db=db, today=TODAY)
    assert len(results) > len(EXPECTED)  # the readers' messy files too
    for r in results:
        assert r.status in STATUSES
        assert r.rows_read == r.rows_loaded + r.rows_quarantined, r
        assert r.rows_replaced <= r.rows_loaded, r
        (logged,) = rows(
            db, "SELECT status, rows_read, rows_loaded, rows_quarantined FROM load_log WHERE path = ?", [str(r.path)]
        )
        assert logged == (r.status, r.rows_read, r.rows_loaded, r.rows_quarantined)
        quarantined = rows(db, "SELECT row_number FROM quarantine WHERE file = ?", [str(r.path)])
        if r.status == "rejected" and r.rows_read == 0:
            assert quarantined == [(None,)], r  # the whole file, with the reader's reason
        else:
            assert len(quarantined) == r.rows_quarantined, r
    stored = sum(rows(db, f"SELECT count(*) FROM {k.table}")[0][0] for k in KINDS)
    assert stored == sum(r.rows_loaded - r.rows_replaced for r in results)


def test_loading_the_same_files_again_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "twice.duckdb"
    load_paths([LOAD], db=db, today=TODAY)
    before = snapshot(db)
    again = load_paths([LOAD], db=db, today=TODAY)
    # the rejected file is tried again (perhaps a better reader); every file that went in is unchanged
    assert {r.path.name: r.status for r in again} == {
        n: "rejected" if n == "broken.xlsx" else "unchanged" for n in EXPECTED
    }
    assert all(r.rows_read == r.rows_loaded == r.rows_quarantined == 0 for r in again if r.status == "unchanged")
    assert "内容相同" in again[1].message and "same content" in again[1].message
    after = snapshot(db)
    assert after["etl_quarantine"] == sorted(
        before["etl_quarantine"] + [q for q in after["etl_quarantine"] if q[0] > 6]
    )
    assert {t: v for t, v in after.items() if t != "etl_quarantine"} == {
        t: v for t, v in before.items() if t != "etl_quarantine"
    }
    assert rows(db, "SELECT count(*) FROM load_log WHERE status = 'unchanged'") == [(5,)]


def test_corrected_resubmission_replaces_last_figures(loaded: tuple[Path, list[FileResult]]) -> None:
    db, results = loaded
    corrected = next(r for r in results if r.path.name == "monthly_xinzheng_2022-07_corrected.xlsx")
    assert corrected.rows_replaced == 2 and "替换 2 行" in corrected.message and "2 replaced" in corrected.message
    got = rows(
        db,
        "SELECT community_name, households, volunteers_registered, source_file, source_row FROM community_month "
        "WHERE month = DATE '2022-07-01' AND town_name = '新政镇' ORDER BY community_code",
    )
    # The rows keep the file that first reported them; each value the correction changed says
    # which file, sheet and row set it.
    assert [(n, h, v, Path(f).name, r) for n, h, v, f, r in got] == [
        ("东北社区", 1850, 82, "monthly_xinzheng_2022-07.xlsx", 4),
        ("临江社区", 1210, 41, "monthly_xinzheng_2022-07.xlsx", 5),
        ("白溪社区", 900, 30, "monthly_xinzheng_2022-07.xlsx", 8),
    ]
    changed = rows(
        db,
        "SELECT community_name, column_name, new_value, source_file, source_row FROM correction "
        "WHERE column_name IN ('households', 'volunteers_registered') ORDER BY community_code, column_name",
    )
    assert [(n, c, v, Path(f).name, r) for n, c, v, f, r in changed] == [
        ("东北社区", "households", "1850", "monthly_xinzheng_2022-07_corrected.xlsx", 4),
        ("东北社区", "volunteers_registered", "82", "monthly_xinzheng_2022-07_corrected.xlsx", 4),
        ("临江社区", "households", "1210", "monthly_xinzheng_2022-07_corrected.xlsx", 5),
        ("临江社区", "volunteers_registered", "41", "monthly_xinzheng_2022-07_corrected.xlsx", 5),
    ]
    assert corrected.values_changed == len(
        rows(db, "SELECT 1 FROM correction WHERE source_file LIKE '%corrected.xlsx'")
    )


def test_messy_cells_arrive_typed_and_blanks_stay_null(loaded: tuple[Path, list[FileResult]]) -> None:
    db, _ = loaded
    (row,) = rows(
        db,
        "SELECT households, service_center_m2, volunteer_hours, grids, requests_received FROM community_month "
        "WHERE community_name = '白溪社区'",
    )
    assert row == (900, 300.0, 45.5, 3, 5)  # "900户", "45.5"
    # 东北社区, 2022/8: only month and a short name were filled in, after monthly_duplicates.csv
    # had reported 1800 households for it: the blanks clear nothing (a correction keeps what it
    # leaves blank) and the values nobody reported stay NULL.
    (blank,) = rows(
        db,
        "SELECT * EXCLUDE (month, next_month, community_code, community_name, town_code, town_name, community_type, group_name, source_file, source_sheet, source_row) FROM community_month WHERE community_name = '东北社区' AND month = DATE '2022-08-01'",
    )
    assert blank[2] == 1800 and set(blank[:2] + blank[3:]) == {None}
    assert rows(db, "SELECT requests_received FROM community_month WHERE community_name = '西寺社区'") == [(None,)]


def test_every_stored_row_has_lineage(loaded: tuple[Path, list[FileResult]]) -> None:
    db, _ = loaded
    for kind in KINDS:
        got = rows(
            db,
            f"SELECT count(*), count(s.load_id), count(s.source_file), count(s.source_sheet), count(s.source_row), "
            f"count(l.load_id) FROM {kind.table} AS s LEFT JOIN load_log AS l ON l.load_id = s.load_id "
            "AND l.path = s.source_file",
        )
        n = got[0][0]
        assert n > 0 and got == [(n,) * 6], kind.name
    assert rows(db, "SELECT source_sheet, source_row FROM request_case WHERE case_id = 'XZ-2022-002'") == [
        ("民情诉求", 4)
    ]


def test_workbook_with_one_bad_sheet_loads_the_good_ones(loaded: tuple[Path, list[FileResult]]) -> None:
    db, results = loaded
    book = next(r for r in results if r.path.name == "workbook_2022-11.xlsx")
    assert "忽略工作表 填表说明" in book.message
    per_view = {
        v: rows(db, f"SELECT count(*) FROM {v} WHERE source_file = ?", [str(book.path)])[0][0]
        for v in (
            "community_month",
            "neighborhood_month",
            "service_center_project",
            "volunteer_activity",
            "request_case",
        )
    }
    assert per_view == {
        "community_month": 2,
        "neighborhood_month": 3,
        "service_center_project": 2,
        "volunteer_activity": 2,
        "request_case": 2,
    }
    got = rows(
        db, "SELECT sheet, row_number, kind, reason FROM quarantine WHERE file = ? ORDER BY ALL", [str(book.path)]
    )
    assert got == [
        ("月报(补报)", 3, "monthly", "报告月份 '下个月' 不是有效月份 / month is not a valid month"),
        ("月报(补报)", 4, "monthly", "村(社区) '不存在社区' 不在名录中 / not in the registry"),
        ("民情诉求", 5, "request", "办结日期 2022-11-05 早于受理日期 2022-11-10 / resolved_on is before received_on"),
    ]
    has_org = rows(
        db,
        "SELECT neighborhood_name, has_party_org, has_property_party_org, has_owners_committee FROM neighborhood_month ORDER BY 1",
    )
    assert has_org == [
        ("滨江小区", True, False, False),
        ("老街院落", False, False, False),
        ("锦绣花园", True, True, True),
    ]


def test_quarantine_keeps_file_sheet_row_and_original_cells(loaded: tuple[Path, list[FileResult]]) -> None:
    db, _ = loaded
    (row,) = rows(db, "SELECT sheet, original, reason FROM quarantine WHERE reason LIKE '%约300%'")
    assert row[0] == "monthly_jincheng_2022-07_gbk.csv"
    assert json.loads(row[1]) == {
        "报告月份": "2022-07",
        "乡镇(街道)": "金城镇",
        "村(社区)": "石榴村",
        "户数": "约300",
        "网格数": "1",
        "诉求受理数": None,
        "诉求办结数": None,
    }


def test_a_file_the_reader_rejects_is_one_quarantine_row(loaded: tuple[Path, list[FileResult]]) -> None:
    db, _ = loaded
    got = rows(db, "SELECT sheet, row_number, reason FROM quarantine WHERE file LIKE '%broken.xlsx'")
    assert len(got) == 1 and got[0][:2] == (None, None) and got[0][2].startswith("无法打开 Excel 文件")


def test_an_error_inside_a_file_rolls_back_that_file_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = load_module._apply

    def failing(con, kind, *args):  # noqa: ANN001, ANN002, ANN202
        if kind.name == "roster":  # after the workbook's monthly sheet went in
            raise RuntimeError("disk full")
        return real(con, kind, *args)

    monkeypatch.setattr(load_module, "_apply", failing)
    db = tmp_path / "rollback.duckdb"
    results = load_paths([LOAD / "workbook_2022-11.xlsx", LOAD / "monthly_duplicates.csv"], db=db, today=TODAY)
    assert [counts(r) for r in results] == [("partial", 3, 2, 0, 1), ("rejected", 14, 0, 0, 14)]
    assert "编号" in results[1].message and "disk full" not in results[1].message  # the user sees an incident id
    assert "RuntimeError: disk full" in (tmp_path / "logs" / "incidents.log").read_text(encoding="utf-8")
    assert rows(db, "SELECT count(*) FROM community_month WHERE month = DATE '2022-11-01'") == [(0,)]
    assert rows(db, "SELECT count(*) FROM community_month") == [(2,)]
    assert rows(db, "SELECT row_number FROM quarantine WHERE file LIKE '%workbook%'") == [(None,)]


# --- processes ---------------------------------------------------------------------------------


def _big_report(path: Path) -> int:
    """Every registered community × 2010-01..2024-04: ~60,000 valid monthly rows."""
    reg = pd.read_csv(ROOT / "data" / "reference" / "communities.csv", dtype=str)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([c.zh for c in MONTHLY.columns[:6]])
        n = 0
        for month in pd.period_range("2010-01", "2024-04", freq="M"):
            for town, name in zip(reg["town_name"], reg["community_name"], strict=True):
                w.writerow([str(month), town, name, "", "1,200", "3600"])
                n += 1
    return n


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_killed_load_leaves_the_live_warehouse_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    load_paths([LOAD / "monthly_xinzheng_2022-07.xlsx"], db=db, today=TODAY)
    before_bytes, before = _sha(db), snapshot(db)
    big = tmp_path / "全县_2010-2024.csv"
    _big_report(big)
    script = f"from datetime import date; from pathlib import Path; from etl.load import load_paths; load_paths([Path({str(big)!r})], db=Path({str(db)!r}), today=date(2026, 11, 28))"
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=_env())
    wal = db.with_name(f"{db.name}.next-{proc.pid}.wal")  # the copy exists and has been written to
    deadline = time.monotonic() + 60
    while not wal.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    proc.kill()
    assert proc.wait() == -9, "the load finished before it could be killed: make the report bigger"
    assert db.with_name(f"{db.name}.next-{proc.pid}").exists()  # it was killed mid-load
    assert _sha(db) == before_bytes
    assert snapshot(db) == before
    after = load_paths([LOAD / "monthly_xinzheng_2022-07_corrected.xlsx"], db=db, today=TODAY)
    assert counts(after[0]) == ("loaded", 2, 2, 2, 0)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(db.name)) == [db.name, db.name + ".lock"]


READER = textwrap.dedent(
    """
    import sys
    from etl.warehouse import reader
    con = reader(sys.argv[1])
    count = "SELECT count(*) FROM community_month"
    print(con.execute(count).fetchall()[0][0], flush=True)
    sys.stdin.readline()  # holds the connection open until told to go on
    print(con.execute(count).fetchall()[0][0], flush=True)
    """
)


def test_an_open_read_only_connection_does_not_block_a_load(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    load_paths([LOAD / "monthly_xinzheng_2022-07.xlsx"], db=db, today=TODAY)
    proc = subprocess.Popen(
        [sys.executable, "-c", READER, str(db)],
        cwd=ROOT,
        env=_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "4"
        started = time.monotonic()
        (result,) = load_paths([LOAD / "monthly_jincheng_2022-07_gbk.csv"], db=db, today=TODAY)
        assert result.rows_loaded == 2 and time.monotonic() - started < 30
        assert rows(db, "SELECT count(*) FROM community_month") == [(6,)]  # a new reader sees the load
        out, _ = proc.communicate("go\n", timeout=30)
        assert out.strip() == "4"  # the open connection keeps reading the complete old version
    finally:
        proc.kill()


PUBLIC_VIEWS = (
    "community",
    "community_month",
    "neighborhood_month",
    "service_center_project",
    "volunteer_activity",
    "request_case",
    "load_log",
    "quarantine",
    "correction",
)


def test_docs_describe_every_column_of_every_public_view(loaded: tuple[Path, list[FileResult]]) -> None:
    db, _ = loaded
    doc = (ROOT / "docs" / "warehouse.md").read_text(encoding="utf-8")
    for view in PUBLIC_VIEWS:
        assert f"### `{view}`" in doc, view
        section = doc.split(f"### `{view}`", 1)[1].split("\n### ", 1)[0]
        for (column,) in rows(db, "SELECT column_name FROM (DESCRIBE " + view + ")"):
            assert f"`{column}`" in section, f"{view}.{column} is not documented"
