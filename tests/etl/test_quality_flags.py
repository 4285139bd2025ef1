"""The credibility flags of the view quality_flag on a warehouse with one planted contradiction
per rule (tests/quality_fixtures.py): exactly the planted flags, nothing else; thresholds come
from core.quality."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from core import quality
from core.sql import literal
from etl import warehouse

# (community, month, rule, field, value, other, n, case) — worked out in tests/quality_fixtures.py
PLANTED = [
    ("东北社区", "2024-02", "hours_vs_activities", "volunteer_hours", 102.5, 50.0, 1, None),
    ("东北社区", "2024-03", "perfect_rate", "resolution_rate", 43.0, None, 3, None),
    ("临江社区", "2024-02", "roster_mismatch", "neighborhoods", 4.0, 3.0, None, None),
    ("临江社区", "2024-03", "stock_jump", "service_center_m2", 1000.0, 400.0, None, None),
    ("临江社区", "2024-06", "stock_jump", "volunteers_registered", 120.0, 50.0, None, None),
    ("华堂村", "2024-05", "repeated_row", None, None, None, len(quality.REPEAT_COLUMNS), None),
    ("金新社区", "2024-02", "cases_mismatch", "requests_resolved", 3.0, 2.0, None, None),
    ("金新社区", "2024-03", "impossible_case", "followup_result", None, None, None, "JX-2403-02"),
    ("金新社区", "2024-03", "impossible_case", "on_time", None, None, None, "JX-2403-03"),
    ("金新社区", "2024-06", "round_values", "volunteer_hours", 70.0, 10.0, 6, None),
    ("金新社区", "2024-07", "round_values", "volunteer_hours", 80.0, 10.0, 7, None),
]

SELECT = """
    SELECT c.community_name, strftime(q.month, '%Y-%m'), q.rule, q.field, q.value, q.other, q.n, q.case_id
    FROM quality_flag AS q JOIN community AS c USING (community_code)
    ORDER BY 1, 2, 3, 4
"""


def _flags(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return [tuple(r) for r in con.execute(SELECT).fetchall()]


def test_every_planted_contradiction_is_flagged_and_nothing_else(quality_db: Path) -> None:
    con = duckdb.connect(str(quality_db), read_only=True)
    assert _flags(con) == sorted(PLANTED, key=lambda r: (r[0], r[1], r[2], r[3] or ""))
    # every rule of core.quality has its planted case
    assert {r[2] for r in PLANTED} == set(quality.BY_NAME)
    details = dict(
        con.execute(
            "SELECT rule || coalesce(field, ''), detail FROM quality_flag WHERE rule IN "
            "('perfect_rate', 'stock_jump', 'cases_mismatch', 'impossible_case', 'hours_vs_activities')"
        ).fetchall()
    )
    assert details["perfect_rateresolution_rate"] == "办结率连续3个月为100%（本月43件）：请核实台账，完美数字常是估填"
    assert details["stock_jumpservice_center_m2"].startswith("党群服务中心面积(㎡)由400变为1000，期间没有阵地建设项目")
    assert details["cases_mismatchrequests_resolved"] == "月报诉求办结数3件，民情诉求台账2件"
    assert details["impossible_casefollowup_result"] == "诉求JX-2403-02没有办结日期，却有回访结果"
    assert (
        details["hours_vs_activitiesvolunteer_hours"] == "月报志愿服务时长102.5小时，本月志愿服务活动合计50小时（1场）"
    )
    # each flag names the row it stands on
    rows = con.execute("SELECT rule, source_file, source_sheet, source_row FROM quality_flag ORDER BY ALL").fetchall()
    assert ("perfect_rate", "/srv/reports/东北社区_2024.xlsx", "月度指标", 6) in rows
    assert ("impossible_case", "c_cases.xlsx", "明细", 7) in rows
    severities = dict(con.execute("SELECT DISTINCT rule, severity FROM quality_flag").fetchall())
    assert severities == {r.name: r.severity for r in quality.RULES}


def test_thresholds_come_from_core_quality(quality_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(quality_db, db)
    monkeypatch.setattr(quality, "PERFECT_MONTHS", 4)  # three months of 100% are no longer enough
    monkeypatch.setattr(quality, "ROUND_MONTHS", 7)  # only July closes a run of seven
    monkeypatch.setattr(quality, "JUMP_MIN", {**quality.JUMP_MIN, "volunteers_registered": 100})  # +70 is small now
    with warehouse.writer(db):  # the changed rules change the marts' digest: rebuilt on the next write
        pass
    con = duckdb.connect(str(db))
    got = {(r[0], r[1], r[2]) for r in _flags(con)}
    assert ("东北社区", "2024-03", "perfect_rate") not in got
    assert ("金新社区", "2024-06", "round_values") not in got and ("金新社区", "2024-07", "round_values") in got
    assert ("临江社区", "2024-06", "stock_jump") not in got and ("临江社区", "2024-03", "stock_jump") in got


def test_a_slot_the_module_does_not_know_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown slot"):
        quality.render("SELECT /*{perfect_min_case}*/")
    assert literal("it's") == "'it''s'" and literal(30) == "30" and literal(0.5) == "0.5"
    with pytest.raises(TypeError):
        literal(None)  # type: ignore[arg-type]
