"""Cell text → typed values: every way a number, yes/no, month or date arrives in a real report,
and community names matched against the registry (or set aside, never guessed)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from core.contract import COMMUNITY, MONTH, MONTHLY, PROJECT, REQUEST, ROSTER, Column, Kind
from etl.normalize import Registry
from etl.validate import check_frame

TODAY = date(2026, 11, 28)
ROOT = Path(__file__).resolve().parents[2]


COMMUNITIES = pd.read_csv(ROOT / "data" / "reference" / "communities.csv", dtype=str)


def _spread(column: str, n: int) -> list[str]:
    """n distinct cells for a natural-key column (so rows of one test never duplicate each other)."""
    if column == "month":
        return [f"{2001 + i // 12}-{i % 12 + 1:02d}" for i in range(n)]
    if column == "community_name":
        return list(COMMUNITIES["community_name"][:n])
    if column in ("completed_on", "received_on", "activity_date"):
        return [(date(2001, 1, 1) + timedelta(days=i)).isoformat() for i in range(n)]
    return [f"{column}{i}" for i in range(n)]


def read(kind: Kind, column: str, values: list[str | None], **fixed: str) -> list[tuple[object, str | None]]:
    """(typed value, reason) for each cell `values` of `column`, other required cells filled in."""
    base = {"month": "2022-07", "community_name": "东北社区", "completed_on": "2022-07-15", "project_type": "新建"}
    base |= {"received_on": "2022-07-01", "activity_date": "2022-07-01", "activity_name": "义诊"}
    base |= {"neighborhood_name": "锦绣花园", **fixed}
    frame = pd.DataFrame({c: [base.get(c)] * len(values) for c in kind.names if c != column}, dtype="str")
    frame[column] = pd.Series(values, dtype="str")
    keys = [("community_name" if k == "community_code" else k) for k in kind.key]
    for spread in [k for k in keys if k != column][:1]:
        frame[spread] = _spread(spread, len(values))
    out = check_frame(kind, frame, TODAY)
    value_col = column if column in out else "community_code"
    return [(_plain(v), r if isinstance(r, str) else None) for v, r in zip(out[value_col], out["_reason"], strict=True)]


def _plain(v: object) -> object:
    if isinstance(v, pd.Timestamp):
        return v.date()
    return None if pd.isna(v) else v


def values(kind: Kind, column: str, cells: list[str | None]) -> list[object]:
    got = read(kind, column, cells)
    assert [r for _, r in got] == [None] * len(cells), got
    return [v for v, _ in got]


def test_whole_numbers_with_separators_full_width_and_units() -> None:
    cells = ["1800", "1,800", "１８００", "１，８００", "1800户", "1800 户", " 1800 ", "1800.0", "1.8e3"]
    assert values(MONTHLY, "households", cells) == [1800] * len(cells)
    assert values(MONTHLY, "population", ["5400人", "5,400 人"]) == [5400, 5400]
    assert values(MONTHLY, "grids", ["6个", "6"]) == [6, 6]
    assert values(MONTHLY, "requests_received", ["20件", "２０件"]) == [20, 20]
    assert values(MONTHLY, "volunteer_activities", ["3场", "3次"]) == [3, 3]


def test_areas_and_hours_with_units() -> None:
    cells = ["1800㎡", "1800平方米", "1800 m2", "1800M2", "1800m²", "1800平米", "１８００㎡", "1,800"]
    assert values(MONTHLY, "service_center_m2", cells) == [1800.0] * len(cells)
    assert values(MONTHLY, "service_center_m2", ["1,800.5", "１８００．５"]) == [1800.5, 1800.5]
    assert values(MONTHLY, "volunteer_hours", ["120小时", "120h", "120 H", "45.5"]) == [120.0, 120.0, 120.0, 45.5]


def test_percentages() -> None:
    rate = Kind(
        "rate",
        "比例",
        "stg_rate",
        ("community_code", "month"),
        (MONTH, COMMUNITY, Column("rate", "比例", "float", unit="%")),
    )
    assert values(rate, "rate", ["85%", "85％", "0.85", "８５％"]) == [0.85, 0.85, 0.85, 0.85]


def test_blank_stays_null_never_zero() -> None:
    got = read(MONTHLY, "households", [None, "", "   ", "\u3000"])
    assert got == [(None, None)] * 4


def test_unreadable_numbers_name_the_header_and_the_value() -> None:
    got = read(MONTHLY, "households", ["约300", "12.5", "300人"])
    assert [r for _, r in got] == [
        "户数 '约300' 不是整数 / households is not a whole number",
        "户数 '12.5' 不是整数 / households is not a whole number",
        "户数 '300人' 不是整数 / households is not a whole number",  # 人 is not a unit of 户数
    ]
    got = read(MONTHLY, "service_center_m2", ["大约1800", "1800小时", "inf"])
    assert [r for _, r in got] == [
        f"党群服务中心面积(㎡) '{v}' 不是数字 / service_center_m2 is not a number"
        for v in ("大约1800", "1800小时", "inf")
    ]


def test_yes_no_in_every_spelling() -> None:
    yes = ["是", "√", "Y", "y", "yes", "YES", "有", "1", "TRUE", "✓", "是 "]
    no = ["否", "×", "N", "no", "无", "0", "false", "✗"]
    assert values(ROSTER, "has_party_org", yes + no) == [True] * len(yes) + [False] * len(no)
    assert (
        read(ROSTER, "has_party_org", ["也许"])[0][1]
        == "是否建立党组织 '也许' 不是 是/否 / has_party_org is not yes/no"
    )


def test_months_in_every_spelling() -> None:
    cells = ["2022-07", "2022年7月", "2022年07月", "2022/7", "2022.07", "202207", "2022-07-01", "44743", "2022-7"]
    cells += ["２０２２年７月", "2022-07-15", "2022-07-01 00:00:00", "2022 年 7 月"]
    assert values(MONTHLY, "month", cells) == [date(2022, 7, 1)] * len(cells)


def test_dates_in_every_spelling() -> None:
    cells = ["2022-07-15", "2022/7/15", "2022年7月15日", "44757", "20220715", "2022.7.15", "2022-07-15 00:00:00"]
    assert values(PROJECT, "completed_on", cells) == [date(2022, 7, 15)] * len(cells)


def test_unreadable_months_and_dates() -> None:
    got = read(MONTHLY, "month", ["2022-13", "七月", "2022"])
    assert [r for _, r in got] == [
        f"报告月份 '{v}' 不是有效月份 / month is not a valid month" for v in ("2022-13", "七月", "2022")
    ]
    got = read(PROJECT, "completed_on", ["2022-02-30", "2022-07"])
    assert [r for _, r in got] == [
        f"完成日期 '{v}' 不是有效日期 / completed_on is not a valid date" for v in ("2022-02-30", "2022-07")
    ]


def test_ids_and_categories_typed_in_number_cells() -> None:
    assert values(REQUEST, "case_id", ["20220001.0", "XZ-001"]) == ["20220001", "XZ-001"]
    assert values(REQUEST, "source", ["12345", "12345.0", "１２３４５", "网格"]) == ["12345", "12345", "12345", "网格"]


# --- community names ---------------------------------------------------------------------------


def test_community_found_by_full_name_prefix_short_name_and_alias() -> None:
    names = ["东北社区", "新政镇东北社区", "东北", "新政镇东北", " 东北社区 ", "新政镇 东北社区", "511324101001"]
    got = read(MONTHLY, "community_name", names)
    assert got == [("511324101001", None)] * len(names)


def test_township_column_disambiguates_and_contradicts() -> None:
    assert read(MONTHLY, "community_name", ["东北"], town_name="新政镇") == [("511324101001", None)]
    assert read(MONTHLY, "community_name", ["东北"], town_name="新政") == [("511324101001", None)]
    got = read(MONTHLY, "community_name", ["东北社区"], town_name="金城镇")
    assert got == [(None, "村(社区) '东北社区' 不属于 金城镇（名录中属于 新政镇）/ belongs to another township")]
    got = read(MONTHLY, "community_name", ["东北社区"], town_name="火星镇")
    assert got == [(None, "乡镇(街道) '火星镇' 不在名录中 / township not in the registry")]


def test_unknown_community_is_set_aside_not_guessed() -> None:
    assert read(MONTHLY, "community_name", ["东南社区"]) == [
        (None, "村(社区) '东南社区' 不在名录中 / not in the registry")
    ]


def test_ambiguous_short_name_asks_for_the_township() -> None:
    towns = [("T1", "甲镇"), ("T2", "乙乡")]
    rows = [
        ("C1", "东湖社区", "T1", "甲镇", ""),
        ("C2", "东湖村", "T2", "乙乡", ""),
        ("C3", "西湖社区", "T1", "甲镇", ""),
    ]
    reg = Registry.build(rows, towns)
    assert reg.match(None, "东湖") == (
        None,
        "村(社区) '东湖' 在名录中不唯一（乙乡东湖村、甲镇东湖社区），请填写乡镇 / matches several communities, give the township",
    )
    assert reg.match("乙乡", "东湖") == ("C2", None)
    assert reg.match(None, "东湖村") == ("C2", None)  # an exact name wins over short forms
    assert reg.match(None, None) == (None, None)


@pytest.mark.parametrize("kind", [MONTHLY, ROSTER, PROJECT, REQUEST])
def test_every_kind_types_a_clean_row(kind: Kind) -> None:
    got = read(kind, "community_name", ["金新社区"])
    assert got == [("511324100012", None)]
