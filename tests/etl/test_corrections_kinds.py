"""A correction is column by column for every kind of report, not only the monthly one: the
小区 roster, the 阵地 projects, the volunteer activities and the case list each keep what a
correction leaves blank, take what it carries, clear a cell marked 清除, and record each
changed value in `correction` (issue 11.3; tests/etl/test_corrections.py has the monthly kind)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from etl.load import load_paths

TODAY = date(2024, 6, 1)
# kind: (view, natural-key condition, first report, correction, columns read back,
#        stored before, stored after, columns the correction changed)
CASES = {
    "roster": (
        "neighborhood_month",
        "neighborhood_name = '锦绣苑'",
        (
            "报告月份,村(社区),小区名称,户数,是否建立党组织,党组织形式,楼院党小组数",
            "2024-01,东北社区,锦绣苑,800,是,党支部,3",
        ),
        ("报告月份,村(社区),小区名称,户数,党组织形式,楼院党小组数", "2024-01,东北社区,锦绣苑,820,清除,"),
        "households, has_party_org, party_org_form, building_party_groups",
        (800, True, "党支部", 3),
        (820, True, None, 3),
        ["households", "party_org_form"],
    ),
    "project": (
        "service_center_project",
        "project_type = '改扩建'",
        ("完成日期,村(社区),项目类型,新增面积(㎡),整合功能场所数,说明", "2024-02-15,东北社区,改扩建,600,3,一期"),
        ("完成日期,村(社区),项目类型,新增面积(㎡),整合功能场所数,说明", "2024-02-15,东北社区,改扩建,650,,清除"),
        "area_added_m2, rooms_integrated, note",
        (600.0, 3, "一期"),
        (650.0, 3, None),
        ["area_added_m2", "note"],
    ),
    "activity": (
        "volunteer_activity",
        "activity_name = '党课进小区'",
        ("日期,村(社区),活动名称,服务类别,参与人数,服务时长(小时)", "2024-01-05,东北社区,党课进小区,党建服务,10,20"),
        ("日期,村(社区),活动名称,服务类别,参与人数,服务时长(小时)", "2024-01-05,东北社区,党课进小区,清除,12,"),
        "service_category, participants, hours",
        ("党建服务", 10, 20.0),
        (None, 12, 20.0),
        ["participants", "service_category"],
    ),
    "request": (
        "request_case",
        "case_id = 'R1'",
        (
            "诉求编号,受理日期,村(社区),诉求类别,来源,办结日期,是否按时办结,回访结果",
            "R1,2024-01-02,东北社区,民情服务,网格,2024-01-05,是,满意",
        ),
        ("诉求编号,受理日期,村(社区),诉求类别,回访结果", "R1,2024-01-02,东北社区,便民服务,清除"),
        "category, source, resolved_on, on_time, followup_result",
        ("民情服务", "网格", date(2024, 1, 5), True, "满意"),
        ("便民服务", "网格", date(2024, 1, 5), True, None),
        ["category", "followup_result"],
    ),
}


def _csv(path: Path, header: str, row: str) -> Path:
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    return path


def _q(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("kind", CASES)
def test_a_correction_takes_keeps_and_clears_column_by_column(tmp_path: Path, kind: str) -> None:
    view, key, first, fix, cols, before, after, changed = CASES[kind]
    db = tmp_path / "w.duckdb"
    [one] = load_paths([_csv(tmp_path / f"{kind}.csv", *first)], db=db, today=TODAY)
    assert (one.status, one.rows_loaded) == ("loaded", 1), one.message
    read = f"SELECT {cols} FROM {view} WHERE community_name = '东北社区' AND {key}"
    assert _q(db, read) == [before]
    [two] = load_paths([_csv(tmp_path / f"{kind}_更正.csv", *fix)], db=db, today=TODAY)
    assert (two.status, two.rows_replaced, two.rows_quarantined) == ("loaded", 1, 0), two.message
    assert _q(db, read) == [after]  # one row, the blank cell kept, the marked cell cleared
    got = _q(db, "SELECT column_name, source_file FROM correction ORDER BY column_name")
    assert [(c, Path(f).name) for c, f in got] == [(c, f"{kind}_更正.csv") for c in changed]
