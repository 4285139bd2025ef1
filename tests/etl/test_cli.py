"""`python -m etl load` / `status` as a scheduled job or an official at a terminal uses them:
exit codes 0 (all loaded), 1 (something set aside), 2 (could not run), and the --json shape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOAD = Path(__file__).resolve().parents[1].joinpath("files") / "load"
COUNT_KEYS = {"rows_read", "rows_loaded", "rows_replaced", "rows_quarantined"}


def etl(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "160"}
    env.pop("OVERSIGHT_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "etl", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_clean_load_exits_0_with_one_json_object_then_status(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    run = etl("load", str(LOAD / "monthly_xinzheng_2022-07.xlsx"), "--db", str(db), "--json", "--today", "2026-11-28")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)  # exactly one JSON document on stdout
    assert set(out) == {"files", "totals"}
    (f,) = out["files"]
    assert (
        set(f)
        == {
            "path",
            "status",
            "message",
            "reasons",
            "notes",
            "sheets_skipped",
            "values_changed",
            "changes",
            "sheets",
            "sha256",
            "load_id",
        }
        | COUNT_KEYS
    )
    assert (f["status"], f["rows_read"], f["rows_loaded"], f["rows_quarantined"]) == ("loaded", 4, 4, 0)
    assert out["totals"] == {"rows_read": 4, "rows_loaded": 4, "rows_replaced": 0, "rows_quarantined": 0}

    status = etl("status", "--db", str(db), "--json")
    assert status.returncode == 0, status.stderr
    months = {m["month"]: m for m in json.loads(status.stdout)["months"]}
    assert set(months) == {"2022-07", "2022-08"}
    july = months["2022-07"]
    assert (july["reported"], july["missing"]) == (3, 345)
    assert {c["community_name"] for c in july["reported_communities"]} == {"东北社区", "临江社区", "白溪社区"}
    assert {"community_code", "community_name", "town_name"} == set(july["missing_communities"][0])


def test_quarantined_rows_exit_1_and_say_where_to_look(tmp_path: Path) -> None:
    run = etl("load", str(LOAD / "monthly_jincheng_2022-07_gbk.csv"), "--db", str(tmp_path / "w.duckdb"))
    assert run.returncode == 1, run.stderr
    assert "部分装载 partial" in run.stdout
    assert "诉求办结数 25 > 诉求受理数 20" in run.stdout  # the first problem, to fix the file
    # every quarantined row under its file, with its sheet, row and reason — not one example
    counted = json.loads(
        etl("load", str(LOAD / "monthly_jincheng_2022-07_gbk.csv"), "--db", str(tmp_path / "v.duckdb"), "--json").stdout
    )["totals"]["rows_quarantined"]
    listed = [line for line in run.stdout.splitlines() if line.strip().startswith("✗")]
    assert counted >= 1 and len(listed) == counted, run.stdout
    assert all("行 / row" in line for line in listed)
    assert "看板「数据」页的「隔离数据」表" in run.stdout  # where all of them are, in the dashboard's words
    # a preview writes nothing, yet says every reason rows would be set aside for, with how many
    dry = etl("load", str(LOAD / "monthly_jincheng_2022-07_gbk.csv"), "--db", str(tmp_path / "d.duckdb"), "--dry-run")
    reasons = [line for line in dry.stdout.splitlines() if line.strip().startswith("✗")]
    assert reasons and sum(int(line.rsplit("（", 1)[1].split(" ")[0]) for line in reasons) == counted, dry.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["load", "no/such/report.xlsx"], "路径不存在 / no such path"),
        (["load", "{empty}"], "未找到报表文件"),
        (["load", str(LOAD / "monthly_duplicates.csv"), "--db", "/no/such/folder/w.duckdb"], "仓库目录不存在"),
        (["status", "--db", "{tmp}/missing.duckdb"], "仓库文件不存在 / warehouse not found"),
    ],
)
def test_usage_errors_exit_2_and_say_which(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "empty").mkdir()
    args = [a.format(empty=tmp_path / "empty", tmp=tmp_path) for a in args]
    run = etl(*args, *(["--db", str(tmp_path / "w.duckdb")] if "--db" not in args else []))
    assert run.returncode == 2
    assert message in run.stderr
    assert run.stdout == ""


def test_a_cli_load_is_in_the_audit_record_and_a_dry_run_is_not(tmp_path: Path) -> None:
    import hashlib

    db, src = tmp_path / "w.duckdb", LOAD / "monthly_xinzheng_2022-07.xlsx"
    assert etl("load", str(src), "--db", str(db), "--json", "--dry-run").returncode == 0
    record = tmp_path / "audit" / "audit.jsonl"
    assert not record.exists() or "load" not in record.read_text(encoding="utf-8")
    assert etl("load", str(src), "--db", str(db), "--json").returncode == 0
    [event] = [e for e in map(json.loads, record.read_text(encoding="utf-8").splitlines()) if e["event"] == "load"]
    assert event["via"] == "cli" and event["who"]  # the operating-system user
    assert event["files"] == [{"file": src.name, "sha256": hashlib.sha256(src.read_bytes()).hexdigest()}]
    assert event["result"][0]["status"] == "loaded" and event["result"][0]["rows_loaded"] == 4


def test_a_correction_lists_its_changes_in_the_report_s_terms(tmp_path: Path) -> None:
    """The terminal lists each changed value under its Chinese header, 120 not 120.0, （空） for a
    blank — not `volunteer_hours: None → 60.0`."""
    db = tmp_path / "w.duckdb"
    assert etl("load", str(LOAD / "monthly_xinzheng_2022-07.xlsx"), "--db", str(db)).returncode == 0
    run = etl("load", str(LOAD / "monthly_xinzheng_2022-07_corrected.xlsx"), "--db", str(db))
    lines = [line for line in run.stdout.splitlines() if "→" in line and line.strip().startswith("·")]
    assert lines, run.stdout
    assert any("志愿服务时长(小时): 120 → 130" in line for line in lines)
    assert any("（空） → 60" in line for line in lines)
    assert not any("None" in line or ".0 " in line or "_" in line.split(":")[0] for line in lines)


def test_a_value_that_moves_by_more_than_half_is_marked_and_said(tmp_path: Path) -> None:
    """As the upload page's preview warns, the terminal marks a stored number that a file moves by
    more than half (户数 3,000 → 900: more often the wrong sheet than a correction)."""
    db = tmp_path / "w.duckdb"
    header = "报告月份,乡镇(街道),村(社区),填报日期,户数,常住人口,诉求受理数,诉求办结数\n"
    first, fix = tmp_path / "7月.csv", tmp_path / "7月_更正.csv"
    first.write_text(header + "2022-07,新政镇,东北社区,2022-08-05,3000,9000,40,38\n", encoding="utf-8")
    fix.write_text(header + "2022-07,新政镇,东北社区,2022-08-09,900,9100,40,38\n", encoding="utf-8")
    assert etl("load", str(first), "--db", str(db), "--today", "2026-11-28").returncode == 0
    run = etl("load", str(fix), "--db", str(db), "--today", "2026-11-28")
    marked = {line.split(": ", 1)[0].split()[-1]: line.strip()[0] for line in run.stdout.splitlines() if "→" in line}
    assert (marked["户数(户)"], marked["常住人口(人)"]) == ("!", "·"), run.stdout
    assert "1 个已装载的数值变化超过一半" in run.stdout


def test_the_terminal_lists_files_in_the_order_they_were_applied(tmp_path: Path) -> None:
    """Two corrections of the same 户数 in one load, named against their 填报日期: the one
    named a_ was written later, so it is applied last and holds. The terminal lists b_'s change
    (90 → 150) before a_'s (150 → 12), each file with its load number, so the last line read is
    the value stored — in name order the two read 150 → 12, then 90 → 150."""
    header = "报告月份,乡镇(街道),村(社区),填报日期,户数\n"
    db = tmp_path / "w.duckdb"
    (tmp_path / "base.csv").write_text(header + "2024-01,新政镇,东北社区,2024-02-05,90\n", encoding="utf-8")
    assert etl("load", str(tmp_path / "base.csv"), "--db", str(db), "--today", "2024-06-01").returncode == 0
    fixes = tmp_path / "fixes"
    fixes.mkdir()
    (fixes / "a_later.csv").write_text(header + "2024-01,新政镇,东北社区,2024-02-20,12\n", encoding="utf-8")
    (fixes / "b_earlier.csv").write_text(header + "2024-01,新政镇,东北社区,2024-02-10,150\n", encoding="utf-8")
    run = etl("load", str(fixes), "--db", str(db), "--today", "2024-06-01")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    changes = [line.strip() for line in lines if "户数" in line and "→" in line]
    assert [c.split(": ")[-1] for c in changes] == ["90 → 150", "150 → 12"], run.stdout
    named = [line for line in lines if "_earlier.csv（第" in line or "_later.csv（第" in line]
    assert [("earlier" in line, "（第 3 次装载 / load 3）" in line) for line in named] == [(True, False), (False, True)]
