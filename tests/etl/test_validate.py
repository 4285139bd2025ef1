"""Every rule a report row must pass, with the exact reason a county official reads in the quarantine."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from core.contract import ACTIVITY, KINDS, MONTHLY, PROJECT, REQUEST, ROSTER, Kind
from etl.normalize import Registry
from etl.validate import check_frame, checks, stage
from etl.warehouse import init_schema

TODAY = date(2026, 11, 28)


def reasons(kind: Kind, rows: list[dict[str, str | None]], today: date = TODAY) -> list[str | None]:
    """The _reason of each row, in row order (rows are numbered from 2, as below a CSV header)."""
    frame = pd.DataFrame(rows, dtype="str")
    frame["_row"] = range(2, len(rows) + 2)
    out = check_frame(kind, frame, today)
    return [r if isinstance(r, str) else None for r in out["_reason"]]


def monthly(**cells: str | None) -> dict[str, str | None]:
    return {"month": "2022-07", "community_name": "东北社区", **cells}


def test_a_clean_row_has_no_reason() -> None:
    row = monthly(households="1800", requests_received="20", requests_resolved="18", requests_on_time="17")
    assert reasons(MONTHLY, [row]) == [None]


def test_negative_and_too_large_counts() -> None:
    assert reasons(MONTHLY, [monthly(households="-5")]) == ["户数 '-5' 不能为负数 / households must not be negative"]
    assert reasons(MONTHLY, [monthly(households="60,000")]) == [
        "户数 '60,000' 超过上限 50000 / households is above the maximum 50000"
    ]
    assert reasons(MONTHLY, [monthly(service_center_m2="-1㎡")]) == [
        "党群服务中心面积(㎡) '-1㎡' 不能为负数 / service_center_m2 must not be negative"
    ]
    assert reasons(MONTHLY, [monthly(households="50000")]) == [None]  # the maximum itself is allowed


def test_value_not_among_the_choices() -> None:
    row = {"month": "2022-11", "community_name": "东北社区", "neighborhood_name": "锦绣花园", "party_org_form": "支部"}
    assert reasons(ROSTER, [row]) == [
        "党组织形式 '支部' 不是可选值（党支部、联合党支部、党小组）/ party_org_form is not one of 党支部, 联合党支部, 党小组"
    ]
    row = {"completed_on": "2022-07-15", "community_name": "东北社区", "project_type": "装修"}
    assert reasons(PROJECT, [row]) == [
        "项目类型 '装修' 不是可选值（新建、改扩建、亲民化改造、功能整合）/ project_type is not one of 新建, 改扩建, 亲民化改造, 功能整合"
    ]


def test_required_cells() -> None:
    assert reasons(MONTHLY, [monthly(month=None), monthly(community_name="  ")]) == [
        "报告月份 为空 / month is required",
        "村(社区) 为空 / community_name is required",
    ]
    row = {"case_id": None, "received_on": "2022-11-01", "community_name": "东北社区"}
    assert reasons(REQUEST, [row]) == ["诉求编号 为空 / case_id is required"]


def test_cross_field_rules_of_the_contract() -> None:
    got = reasons(
        MONTHLY,
        [
            monthly(month="2022-07", requests_received="20", requests_resolved="25"),
            monthly(month="2022-08", requests_resolved="10", requests_on_time="11"),
            monthly(month="2022-09", followups_total="10", followups_satisfied="12"),
            monthly(month="2022-10", neighborhoods="4", neighborhoods_with_party_org="5"),
            monthly(month="2022-11", requests_received=None, requests_resolved="25"),  # one side blank: no rule
        ],
    )
    assert got == [
        "诉求办结数 25 > 诉求受理数 20 / requests_resolved > requests_received",
        "按时办结数 11 > 诉求办结数 10 / requests_on_time > requests_resolved",
        "回访满意数 12 > 回访总数 10 / followups_satisfied > followups_total",
        "已建党组织小区数 5 > 小区数 4 / neighborhoods_with_party_org > neighborhoods",
        None,
    ]
    row = {"case_id": "X1", "received_on": "2022-11-10", "community_name": "东北社区", "resolved_on": "2022-11-05"}
    assert reasons(REQUEST, [row]) == [
        "办结日期 2022-11-05 早于受理日期 2022-11-10 / resolved_on is before received_on"
    ]
    # a report filled in before its month began; on the month's first day or later it is fine
    early = [monthly(month="2022-10", reported_on="2022-08-05"), monthly(month="2022-11", reported_on="2022-11-01")]
    assert reasons(MONTHLY, early) == ["填报日期 2022-08-05 早于报告月份 2022-10 / reported_on is before month", None]


def test_nothing_after_the_load_date() -> None:
    today = date(2022, 11, 15)
    assert reasons(MONTHLY, [monthly(month="2022-11"), monthly(month="2022-12")], today) == [
        None,  # the current month may be reported
        "报告月份 2022-12 晚于装载日期 2022-11-15 / month is after the load date",
    ]
    row = {"activity_date": "2022-11-16", "community_name": "东北社区", "activity_name": "义诊"}
    assert reasons(ACTIVITY, [row], today) == [
        "日期 2022-11-16 晚于装载日期 2022-11-15 / activity_date is after the load date"
    ]
    assert reasons(MONTHLY, [monthly(month="1999-12")]) == ["报告月份 '1999-12' 早于 2000 年 / month is before 2000"]


def test_community_must_be_in_the_registry() -> None:
    assert reasons(MONTHLY, [monthly(community_name="东南社区")]) == [
        "村(社区) '东南社区' 不在名录中 / not in the registry"
    ]
    assert reasons(MONTHLY, [monthly(town_name="金城镇")]) == [
        "村(社区) '东北社区' 不属于 金城镇（名录中属于 新政镇）/ belongs to another township"
    ]


def test_second_occurrence_of_a_key_is_quarantined() -> None:
    rows = [monthly(), monthly(month="2022-08"), monthly(community_name="新政镇东北社区", month="2022年7月")]
    assert reasons(MONTHLY, rows) == [None, None, "与第 2 行重复 / duplicate of row 2"]


def test_duplicate_across_two_sheets_of_one_file() -> None:
    con = duckdb.connect()
    init_schema(con)
    first = pd.DataFrame([monthly()], dtype="str").assign(_row=[5])
    second = pd.DataFrame([monthly(month="2022/7")], dtype="str").assign(_row=[3])
    stage(con, MONTHLY, [(0, "月报", first), (0, "补报", second)], TODAY, Registry.from_connection(con))
    got = con.execute("SELECT _sheet, _row, _reason FROM _staged ORDER BY _sheet").fetchall()
    assert sorted(got) == [
        ("月报", 5, None),
        ("补报", 3, "与工作表 '月报' 第 5 行重复 / duplicate of sheet '月报' row 5"),
    ]


def test_every_problem_of_a_row_is_listed() -> None:
    row = monthly(
        community_name="东南社区", households="约300", grids="-1", requests_received="1", requests_resolved="2"
    )
    assert reasons(MONTHLY, [row]) == [
        "村(社区) '东南社区' 不在名录中 / not in the registry；户数 '约300' 不是整数 / households is not a whole number；"
        "网格数 '-1' 不能为负数 / grids must not be negative；诉求办结数 2 > 诉求受理数 1 / requests_resolved > requests_received"
    ]


def test_rules_are_derived_from_the_contract() -> None:
    for kind in KINDS:
        names = {c.name for c in checks(kind)}
        assert {f"{r.left}<={r.right}" for r in kind.rules} <= names
        assert {f"{c.name}:max" for c in kind.columns if c.max_value is not None} <= names
        assert {f"{c.name}:min" for c in kind.columns if c.min_value is not None} <= names
        assert {f"{c.name}:required" for c in kind.columns if c.required} <= names
        assert {f"{c.name}:choices" for c in kind.columns if c.choices} <= names
        assert "key:unique" in names


def test_original_is_built_from_the_raw_cells_for_quarantined_rows_only() -> None:
    con = duckdb.connect()
    init_schema(con)
    first = pd.DataFrame([monthly(households="约300"), monthly(month="2022-08")], dtype="str").assign(
        _x0=pd.array(["1", None], dtype="str"), _row=[2, 3]
    )
    first_keys = {"序号": "_x0", "报告月份": "month", "村（社区）": "community_name", "户数": "households"}
    second = pd.DataFrame([monthly(grids="-1")], dtype="str").assign(_x0=["备注"], _row=[4])
    second_keys = {"村(社区)": "community_name", "网格数": "grids", "说明": "_x0", "月份": "month"}
    no_keys = pd.DataFrame([monthly(month="2022-09", grids="-2")], dtype="str").assign(_row=[5])
    sheets = [(0, "月报", first, first_keys), (1, "补报", second, second_keys), (2, "旧", no_keys)]
    stage(con, MONTHLY, sheets, TODAY, Registry.from_connection(con))
    got = con.execute("SELECT _sheet, _row, _original FROM _staged ORDER BY _sheet, _row").fetchall()
    assert sorted(got) == [
        ("旧", 5, None),  # no original keys: no original
        ("月报", 2, '{"序号":"1","报告月份":"2022-07","村（社区）":"东北社区","户数":"约300"}'),
        ("月报", 3, None),  # a good row keeps no original
        ("补报", 4, '{"村(社区)":"东北社区","网格数":"-1","说明":"备注","月份":"2022-07"}'),
    ]
