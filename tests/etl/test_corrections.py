"""Corrections keep what they do not carry, an older report never replaces a newer one, and a
preview does what the load then does (issue 11.3, 11.5; the dry run and township restriction
the upload page uses). Each test loads small CSV files as an office would send them and checks
what is stored and what the sender is told."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
import streamlit as st

from etl.load import Options, load_paths
from oversight.filters import Filters
from oversight.queries.overview import submissions

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2024, 6, 1)
MONTHLY = "报告月份,乡镇(街道),村(社区),填报日期,户数,常住人口,党员人数,志愿服务时长,诉求受理数,诉求办结数\n"
CASES = "诉求编号,受理日期,村(社区),诉求类别,来源,办结日期,是否按时办结,回访结果\n"


def _csv(path: Path, header: str, *rows: str) -> Path:
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _q(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _dongbei(db: Path) -> tuple:
    return _q(
        db,
        "SELECT households, population, party_members, volunteer_hours, requests_received, requests_resolved, "
        "reported_on, first_reported_on FROM community_month WHERE community_name = '东北社区' "
        "AND month = DATE '2024-01-01'",
    )[0]


FULL = "2024-01,新政镇,东北社区,2024-02-05,3000,9000,150,200.5,40,38"


def test_a_correction_of_two_columns_keeps_every_other_value(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_paths([_csv(tmp_path / "1月.csv", MONTHLY, FULL)], db=db, today=TODAY)
    fix = _csv(tmp_path / "1月_更正.csv", "报告月份,村(社区),户数,常住人口\n", "2024-01,东北社区,3050,9100")
    [result] = load_paths([fix], db=db, today=TODAY)
    assert (result.status, result.rows_replaced, result.values_changed) == ("loaded", 1, 2)
    assert _dongbei(db)[:6] == (3050, 9100, 150, 200.5, 40, 38)
    # lineage: the row says where it was first reported, each changed value who changed it
    assert [Path(f).name for (f,) in _q(db, "SELECT source_file FROM community_month")] == ["1月.csv"]
    got = _q(db, "SELECT column_name, old_value, new_value, source_file, source_row FROM correction ORDER BY 1")
    assert [(c, o, n, Path(f).name, r) for c, o, n, f, r in got] == [
        ("households", "3000", "3050", "1月_更正.csv", 2),
        ("population", "9000", "9100", "1月_更正.csv", 2),
    ]
    assert result.changes[0]["key"]["month"] == "2024-01-01" and result.changes[0]["old"] == "3000"


def test_the_clear_marker_clears_a_value_on_purpose_and_a_blank_does_not(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_paths([_csv(tmp_path / "1月.csv", MONTHLY, FULL)], db=db, today=TODAY)
    fix = _csv(
        tmp_path / "更正.csv",
        "报告月份,村(社区),党员人数,志愿服务时长,诉求受理数\n",
        "2024-01,东北社区,,清除, clear ",
    )
    [result] = load_paths([fix], db=db, today=TODAY)
    assert result.status == "loaded" and result.rows_quarantined == 0, result.message
    assert _dongbei(db)[2:5] == (150, None, None)  # blank 党员人数 kept; hours and requests cleared
    assert _q(db, "SELECT column_name, new_value FROM correction ORDER BY 1") == [
        ("requests_received", None),
        ("volunteer_hours", None),
    ]
    # the month is required and part of the key: the marker there is no month, and says so
    [bad] = load_paths([_csv(tmp_path / "坏.csv", "报告月份,村(社区),户数\n", "清除,东北社区,1")], db=db, today=TODAY)
    assert bad.status == "rejected" and "报告月份" in bad.message


def test_timeliness_is_judged_on_the_first_report_not_the_late_correction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "w.duckdb"
    load_paths([_csv(tmp_path / "1月.csv", MONTHLY, FULL)], db=db, today=TODAY)
    late = _csv(tmp_path / "更正.csv", "报告月份,村(社区),填报日期,户数\n", "2024-01,东北社区,2024-03-20,3010")
    load_paths([late], db=db, today=TODAY)
    assert _dongbei(db)[6:] == (date(2024, 3, 20), date(2024, 2, 5))  # due 2024-02-10
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    st.cache_data.clear()
    f = Filters(
        lang="zh", town_codes=(), group=None, community_codes=(), month_from=date(2024, 1, 1), month_to=date(2024, 1, 1)
    )
    sub = submissions(f, today=TODAY)
    assert sub.loc[sub["community_name"] == "东北社区", "status"].tolist() == ["on_time"]
    st.cache_data.clear()


def test_an_older_report_is_set_aside_unless_forced(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    newer = _csv(tmp_path / "更正.csv", MONTHLY, "2024-01,新政镇,东北社区,2024-02-20,3050,9100,150,200.5,40,38")
    load_paths([newer], db=db, today=TODAY)
    # the old workbook, re-saved (other bytes, same 填报日期), loaded after its correction
    old = _csv(tmp_path / "原表_另存.csv", MONTHLY, FULL + "  ")
    [result] = load_paths([old], db=db, today=TODAY)
    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("rejected", 0, 1)
    [reason] = [r["reason"] for r in result.reasons]
    assert "2024-02-05" in reason and "2024-02-20" in reason and "更正.csv" in reason and "--force" in reason
    assert _dongbei(db)[0] == 3050
    [(original,)] = _q(db, "SELECT original FROM quarantine WHERE reason LIKE '%旧%'")
    assert json.loads(original)["户数"] == "3000"  # the sender sees which row it was
    [forced] = load_paths([old], db=db, today=TODAY, options=Options(force=True))
    assert (forced.status, forced.rows_replaced) == ("loaded", 1) and _dongbei(db)[0] == 3000


def test_the_cli_sets_an_older_report_aside_with_exit_1_and_force_loads_it(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_paths([_csv(tmp_path / "新.csv", MONTHLY, FULL.replace("2024-02-05", "2024-02-20"))], db=db, today=TODAY)
    old = _csv(tmp_path / "旧.csv", MONTHLY, FULL)

    def etl(*args: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "etl", "load", str(old), "--db", str(db), "--json", "--today", "2024-06-01"]
        return subprocess.run([*cmd, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)

    run = etl()
    assert run.returncode == 1 and json.loads(run.stdout)["files"][0]["rows_quarantined"] == 1
    run = etl("--force")
    assert run.returncode == 0 and json.loads(run.stdout)["files"][0]["rows_replaced"] == 1


def test_undated_reports_replace_by_load_order_and_the_notes_say_so(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    header = "报告月份,村(社区),户数\n"
    load_paths([_csv(tmp_path / "a.csv", header, "2024-01,东北社区,3000")], db=db, today=TODAY)
    [result] = load_paths([_csv(tmp_path / "b.csv", header, "2024-01,东北社区,3100")], db=db, today=TODAY)
    assert result.rows_replaced == 1 and _dongbei(db)[0] == 3100
    assert [n["code"] for n in result.notes] == ["undated_replace"]
    assert "没有填报日期" in result.notes[0]["text"] and "later load wins" in result.notes[0]["text"]


def test_an_older_case_list_does_not_reopen_a_resolved_case(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    nov = _csv(
        tmp_path / "11月.csv",
        CASES,
        "XZ-1,2024-10-20,东北社区,便民服务,电话,2024-11-03,是,满意",
        "XZ-2,2024-11-15,东北社区,便民服务,电话,,,",
    )
    load_paths([nov], db=db, today=date(2024, 12, 1))
    octo = _csv(tmp_path / "10月.csv", CASES, "XZ-1,2024-10-20,东北社区,便民服务,电话,,,")
    [result] = load_paths([octo], db=db, today=date(2024, 12, 1))
    assert result.rows_quarantined == 1 and "报告期 2024-10-20" in result.reasons[0]["reason"]
    assert _q(db, "SELECT resolved_on FROM request_case WHERE case_id = 'XZ-1'") == [(date(2024, 11, 3),)]


def test_a_folder_loads_in_report_date_order_whatever_the_file_names(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    folder = tmp_path / "报表"
    folder.mkdir()
    _csv(folder / "a_更正.csv", MONTHLY, "2024-01,新政镇,东北社区,2024-02-20,3050,9100,150,200.5,40,38")
    _csv(folder / "b_原表.csv", MONTHLY, FULL)
    results = load_paths([folder], db=db, today=TODAY)
    assert [r.path.name for r in results] == ["a_更正.csv", "b_原表.csv"]  # listed by name
    assert [r.rows_quarantined for r in results] == [0, 0]
    assert [(r.rows_loaded, r.rows_replaced) for r in results] == [(1, 1), (1, 0)]  # applied by date
    assert _dongbei(db)[0] == 3050


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_dry_run_writes_nothing_and_counts_what_the_load_then_does(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_paths([_csv(tmp_path / "1月.csv", MONTHLY, FULL)], db=db, today=TODAY)
    files = [
        _csv(tmp_path / "a_更正.csv", "报告月份,村(社区),户数\n", "2024-01,东北社区,3050", "2024-01,临江社区,2000"),
        _csv(tmp_path / "b_坏.csv", "报告月份,村(社区),户数\n", "2024-01,东南社区,10"),
    ]
    before = _sha(db)
    preview = load_paths(files, db=db, today=TODAY, options=Options(dry_run=True))
    assert _sha(db) == before and not list(tmp_path.glob("w.duckdb.next-*"))
    assert [(p.status, p.rows_loaded, p.rows_replaced, p.rows_quarantined) for p in preview] == [
        ("loaded", 2, 1, 0),
        ("rejected", 0, 0, 1),
    ]
    assert preview[0].changes == [
        {"kind": "monthly", "key": preview[0].changes[0]["key"], "column": "households", "old": "3000", "new": "3050"}
    ]
    done = load_paths(files, db=db, today=TODAY)
    assert [(d.status, d.rows_loaded, d.rows_replaced, d.rows_quarantined, d.reasons) for d in done] == [
        (p.status, p.rows_loaded, p.rows_replaced, p.rows_quarantined, p.reasons) for p in preview
    ]


def test_a_township_upload_touches_only_its_own_township(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    both = _csv(
        tmp_path / "混合.csv",
        "报告月份,乡镇(街道),村(社区),户数\n",
        "2024-01,新政镇,东北社区,3000",
        "2024-01,金城镇,金新社区,1000",
    )
    load_paths([], db=db, today=TODAY)  # a warehouse with the registry
    [(xinzheng,)] = _q(db, "SELECT town_code FROM ref_town WHERE town_name = '新政镇'")
    [result] = load_paths([both], db=db, today=TODAY, options=Options(towns=frozenset({xinzheng})))
    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("partial", 1, 1)
    assert "不属于可上传的乡镇" in result.reasons[0]["reason"]
    assert _q(db, "SELECT community_name FROM community_month") == [("东北社区",)]


def test_the_profile_traces_a_figure_to_every_file_sheet_and_row_behind_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oversight.queries.profile import sources

    db = tmp_path / "w.duckdb"
    load_paths([_csv(tmp_path / "1月.csv", MONTHLY, FULL)], db=db, today=TODAY)
    fix = _csv(tmp_path / "1月_更正.csv", "报告月份,村(社区),户数\n", "2024-01,东北社区,3050")
    load_paths([fix], db=db, today=TODAY)
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    st.cache_data.clear()
    [(code,)] = _q(db, "SELECT community_code FROM community WHERE community_name = '东北社区'")
    f = Filters(
        lang="zh", town_codes=(), group=None, community_codes=(), month_from=date(2024, 1, 1), month_to=date(2024, 3, 1)
    )
    got = sources(f, code)
    st.cache_data.clear()
    assert got[["column_name", "old_value", "new_value", "file", "source_row"]].astype(object).where(
        got.notna(), None
    ).values.tolist() == [[None, None, None, "1月.csv", 2], ["households", "3000", "3050", "1月_更正.csv", 2]]
