"""A hand-made warehouse with one planted contradiction for every credibility rule of
core.quality, small enough that every flag, score and rank is worked out by hand (the
expectations are in tests/etl/test_quality_flags.py and tests/oversight/test_quality.py).

Seven months (2024-01 … 2024-07), the four communities of tests/conftest.py's tiny warehouse:

- 东北社区 (A): 办结率 exactly 100% on 41, 42, 43 cases in Jan–Mar (flag in March, run of 3);
  February's 志愿服务时长 102.5 h against one activity of 50 h (January's 101.5 h against 50 + 51 h
  is within the rounding tolerance);
- 临江社区 (B): floor area 400 → 1,000 ㎡ in March with no project (flag); grids 6 → 12 in May
  explained by a project whose 说明 says 网格调整; volunteers 50 → 120 in June with only that
  project (its note does not name volunteers: flag); February: 小区数 4 against a roster of 3;
  March reported late (20 April); February's row came from a correction (load 2 replaced 1 row);
- 金新社区 (C): floor area 300 → 600 in April with a 新建 project that month (no flag);
  志愿服务时长 20, 30, … 80 h (round six months running from June); February: 3 cases resolved in
  the report against 2 in the case list by the report date; March: an unresolved case with a
  follow-up result and one marked on time; January's report date left blank (loaded 8 Feb);
- 华堂村 (D): May's row is April's copied (6 requests both months); no report for July.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from etl.warehouse import writer

MONTHS = [date(2024, m, 1) for m in range(1, 8)]
A, B, C, D = "东北社区", "临江社区", "金新社区", "华堂村"


def _insert(con, table: str, rows: list[dict]) -> None:  # noqa: ANN001
    df = pd.DataFrame(rows)  # noqa: F841  (read by the SQL below)
    cols = ", ".join(rows[0])
    con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM df")


def _monthly(code: str, name: str, i: int, m: date) -> dict:
    hh = {A: 3000, B: 2000, C: 1000, D: 500}[name]
    received = {A: 41 + i, B: 20 + i, C: 3, D: 6 + i - (i >= 4)}[name]
    resolved = {A: received if i < 3 else received - 1, B: received - 2, C: 3, D: received - 1}[name]
    if name == C and i == 2:
        resolved = 1
    row = {
        "community_code": code,
        "month": m,
        "reported_on": m + timedelta(days=35),
        "households": hh,
        "population": hh * 3,
        "party_members": hh // 20,
        "neighborhoods": 0 if name == D else 4,
        "neighborhoods_with_party_org": 0 if name == D else 3,
        "grids": 12 if (name == B and i >= 4) else 6,
        "grid_workers_fulltime": 6,
        "grid_workers_parttime": 12,
        "service_center_m2": {A: 1800.0, B: 400.0 if i < 2 else 1000.0, C: 300.0 if i < 3 else 600.0, D: 100.0}[name],
        "service_platforms": 10,
        "volunteers_registered": {A: 80 + i, B: 50 if i < 5 else 120, C: 40, D: 12}[name],
        "volunteer_hours": {A: 101.5 + i, B: 60.5 + i, C: 20.0 + 10 * i, D: None}[name],
        "volunteer_activities": 3,
        "requests_received": received,
        "requests_resolved": resolved,
        "requests_on_time": resolved - 1 if resolved else 0,
        "followups_satisfied": max(resolved - 3, 0),
        "followups_total": max(resolved - 2, 0),
        "disputes_mediated": 1 + i % 2,
        "load_id": 0,
        "source_file": f"/srv/reports/{name}_2024.xlsx",
        "source_sheet": "月度指标",
        "source_row": 4 + i,
    }
    if name == D and i == 4:  # May copies April
        row |= {
            k: v
            for k, v in _monthly(code, name, 3, MONTHS[3]).items()
            if k not in ("month", "reported_on", "source_row")
        }
    if name == B and i == 2:
        row["reported_on"] = date(2024, 4, 20)
    if name == B and i == 1:
        row["last_load_id"] = 2  # corrected by load 2 (its change is in etl_correction)
    if name == C and i == 0:
        row["reported_on"], row["load_id"] = None, 1
    return row


def build_quality(db: Path) -> Path:
    """Write the planted warehouse to `db`; returns `db`."""
    with writer(db) as con:
        code = {
            n: con.execute("SELECT community_code FROM ref_community WHERE community_name = ?", [n]).fetchall()[0][0]
            for n in (A, B, C, D)
        }
        rows = [
            _monthly(code[n], n, i, m) for n in (A, B, C, D) for i, m in enumerate(MONTHS) if not (n == D and i == 6)
        ]
        _insert(con, "stg_monthly", rows)
        _insert(
            con,
            "etl_load",
            [
                {"load_id": 1, "path": "c.xlsx", "sha256": "1", "loaded_at": pd.Timestamp("2024-02-08 09:00"),
                 "status": "loaded", "rows_read": 1, "rows_loaded": 1, "rows_replaced": 0, "rows_quarantined": 0},
                {"load_id": 2, "path": "b_fix.xlsx", "sha256": "2", "loaded_at": pd.Timestamp("2024-03-09 09:00"),
                 "status": "loaded", "rows_read": 1, "rows_loaded": 1, "rows_replaced": 1, "rows_quarantined": 0},
            ],
        )  # fmt: skip
        _insert(
            con,
            "etl_correction",
            [{"load_id": 2, "kind": "monthly", "community_code": code[B], "column_name": "households",
              "row_key": json.dumps({"community_code": code[B], "month": str(MONTHS[1])}),
              "old_value": "1990", "new_value": "2000", "source_sheet": "月报", "source_row": 3}],
        )  # fmt: skip
        lineage = {"load_id": 0, "source_sheet": "明细"}
        _insert(
            con,
            "stg_activity",
            [
                {"community_code": code[A], "activity_date": date(2024, 1, d), "activity_name": n, "hours": h,
                 "source_file": "a.xlsx", "source_row": r, **lineage}
                for d, n, h, r in ((5, "义诊", 50.0, 3), (20, "清扫", 51.0, 4))
            ]
            + [{"community_code": code[A], "activity_date": date(2024, 2, 9), "activity_name": "宣讲", "hours": 50.0,
                "source_file": "a.xlsx", "source_row": 5, **lineage}],
        )  # fmt: skip
        _insert(
            con,
            "stg_roster",
            [
                {"community_code": code[B], "month": date(2024, 2, 1), "neighborhood_name": f"小区{k}",
                 "has_party_org": True, "source_file": "b.xlsx", "source_row": 3 + k, **lineage}
                for k in range(3)
            ],
        )  # fmt: skip
        _insert(
            con,
            "stg_project",
            [
                {"community_code": code[B], "completed_on": date(2024, 5, 10), "project_type": "功能整合",
                 "note": "网格调整，新增服务点", "source_file": "b.xlsx", "source_row": 9, **lineage},
                {"community_code": code[C], "completed_on": date(2024, 4, 15), "project_type": "新建",
                 "area_added_m2": 300.0, "source_file": "c.xlsx", "source_row": 9, **lineage},
            ],
        )  # fmt: skip
        feb, mar = date(2024, 2, 1), date(2024, 3, 1)
        cases = [
            ("JX-2402-01", feb + timedelta(days=2), feb + timedelta(days=5), True, "满意"),
            ("JX-2402-02", feb + timedelta(days=9), feb + timedelta(days=12), True, "满意"),
            ("JX-2402-03", feb + timedelta(days=20), date(2024, 3, 20), False, "不满意"),  # after the report date
            ("JX-2403-01", mar + timedelta(days=1), date(2024, 3, 20), True, "满意"),
            ("JX-2403-02", mar + timedelta(days=4), None, None, "满意"),  # followed up, never resolved
            ("JX-2403-03", mar + timedelta(days=8), None, True, "未回访"),  # on time, never resolved
        ]
        _insert(
            con,
            "stg_request",
            [
                {"community_code": code[C], "case_id": cid, "received_on": rec, "resolved_on": res, "on_time": ot,
                 "followup_result": fu, "source_file": "c_cases.xlsx", "source_row": 3 + k, **lineage}
                for k, (cid, rec, res, ot, fu) in enumerate(cases)
            ],
        )  # fmt: skip
    return db
