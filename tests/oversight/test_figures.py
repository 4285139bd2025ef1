"""Chart builders: every chart titled, axes named with units, standard lines where DOMAIN.md
gives one, fixed colours per township and service category, missing values not drawn as 0."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from oversight.figures import area, party, profile, requests, volunteers
from oversight.figures.base import BAD, CATEGORY_COLOURS, NEUTRAL, OTHER_COLOUR, STACK_PALETTE

XZ, JC = "511324101000", "511324100000"


def units(value: str, values: list[float | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_code": [JC, XZ, "511324102000"][: len(values)],
            "unit_name": ["金城镇", "新政镇", "马鞍镇"][: len(values)],
            "town_code": [JC, XZ, "511324102000"][: len(values)],
            value: values,
        }
    )


def hlines(fig: go.Figure) -> list[float]:
    return [s.y0 for s in fig.layout.shapes if s.y0 == s.y1]


def vlines(fig: go.Figure) -> list[float]:
    return [s.x0 for s in fig.layout.shapes if s.x0 == s.x1]


def legend(fig: go.Figure) -> str:
    """Names of the legend entries (standard lines are named there)."""
    return " ".join(t.name or "" for t in fig.data)


def annotations(fig: go.Figure) -> str:
    return " ".join(a.text for a in fig.layout.annotations)


def test_coverage_bar_has_the_100_percent_target_sorted_horizontal_bars() -> None:
    fig = party.coverage_bar(units("party_org_coverage", [0.8, None, 0.95]), "zh", "乡镇(街道)")
    assert fig.layout.title.text == "小区党组织覆盖率（按乡镇(街道)）"
    assert "%" in fig.layout.xaxis.title.text
    assert 1.0 in vlines(fig) and "100%" in legend(fig)
    bar = fig.data[0]
    assert bar.orientation == "h" and list(bar.y) == ["马鞍镇", "金城镇", "新政镇"]  # largest first, missing last
    assert list(bar.marker.color) == [BAD, BAD, OTHER_COLOUR]  # both miss 100%
    assert bar.x[2] is None and bar.text[2] == "—"  # missing: no bar, a dash, not 0
    assert [c[0] for c in bar.customdata] == ["511324102000", JC, XZ]  # a click drills into this township


def test_one_colour_with_red_only_for_below_standard() -> None:
    fig = area.per100_bar(units("m2_per_100_households", [26.7, 44.0, None]), "en", "Township")
    assert fig.layout.title.text == "Service area per 100 households by Township"
    assert "m²" in fig.layout.xaxis.title.text
    assert 30.0 in vlines(fig)
    assert list(fig.data[0].marker.color) == [NEUTRAL, BAD, OTHER_COLOUR]  # 44.0, 26.7, missing
    hours = volunteers.hours_bar(units("volunteer_hours", [5.0, 9.0]), "zh", "乡镇")
    assert list(hours.data[0].marker.color) == [NEUTRAL, NEUTRAL] and list(hours.data[0].y) == ["新政镇", "金城镇"]


def test_area_trend_and_timeline() -> None:
    df = pd.DataFrame(
        {
            "month": pd.to_datetime(["2024-01-01", "2024-02-01"] * 2),
            "unit_code": [JC, JC, XZ, XZ],
            "unit_name": ["金城镇", "金城镇", "新政镇", "新政镇"],
            "town_code": [JC, JC, XZ, XZ],
            "service_center_m2": [400.0, None, 2200.0, 2300.0],
        }
    )
    fig = area.area_trend(df, "zh", "乡镇(街道)")
    assert "㎡" in fig.layout.yaxis.title.text and fig.layout.xaxis.title.text == "月份"
    assert [t.line.color for t in fig.data] == list(STACK_PALETTE[:2])  # distinct colours, largest first
    assert fig.layout.yaxis.tickformat == ",.0f"  # 50,000, not 50k
    projects = pd.DataFrame(
        {
            "completed_on": pd.to_datetime(["2024-02-15", "2024-03-10"]),
            "community_name": ["东北社区", "临江社区"],
            "town_name": ["新政镇", "新政镇"],
            "project_type": ["改扩建", "亲民化改造"],
            "area_added_m2": [600.0, None],
            "rooms_integrated": [3, 2],
        }
    )
    tl = area.project_timeline(projects, "zh")
    assert tl.layout.title.text.startswith("阵地建设项目时间线") and tl.layout.xaxis.title.text == "完成日期"
    assert [t.name for t in tl.data] == ["改扩建", "亲民化改造"]


def test_top_n_other_keeps_line_charts_readable() -> None:
    rows = [
        {"month": pd.Timestamp("2024-01-01"), "unit_code": f"c{i:02d}", "unit_name": f"社区{i}", "town_code": XZ,
         "service_center_m2": float(i), "volunteer_hours": float(i)}
        for i in range(20)
    ]  # fmt: skip
    df = pd.DataFrame(rows)
    assert len(area.area_trend(df, "zh", "村(社区)").data) == 6  # 5 + 其他
    vol = volunteers.monthly_hours(df, "zh", "村(社区)")
    assert len(vol.data) == 6 and vol.data[-1].name == "其他" and vol.data[-1].marker.color == OTHER_COLOUR
    assert len({t.marker.color for t in vol.data}) == 6


def test_category_colours_are_fixed() -> None:
    df = pd.DataFrame(
        {
            "unit_code": [XZ, XZ, JC],
            "unit_name": ["新政镇", "新政镇", "金城镇"],
            "town_code": [XZ, XZ, JC],
            "service_category": ["平安服务", "党建服务", None],
            "hours": [30.0, 20.0, 8.0],
        }
    )
    fig = volunteers.category_bar(df, "zh", "乡镇(街道)")
    colours = {t.name: t.marker.color for t in fig.data}
    assert colours == {
        "党建服务": CATEGORY_COLOURS["党建服务"],
        "平安服务": CATEGORY_COLOURS["平安服务"],
        "未注明类别": OTHER_COLOUR,
    }
    assert "小时" in fig.layout.yaxis.title.text
    en = volunteers.category_bar(df, "en", "Township")
    assert en.layout.title.text.replace("<br>", " ") == "Volunteer hours by service category and Township"
    assert {t.name for t in en.data} == {"Party building", "Safety", "No category"}


def test_request_rate_bars_have_92_and_85_lines_and_an_axis_that_shows_the_differences() -> None:
    res = requests.rate_bar(units("resolution_rate", [0.9, 0.97]), "resolution_rate", "zh", "乡镇(街道)")
    assert 0.92 in vlines(res) and "92%" in legend(res)
    assert list(res.data[0].marker.color) == [NEUTRAL, BAD]  # 97%, then 90%
    assert res.layout.xaxis.range[0] == pytest.approx(0.85) and "坐标轴自 85% 起" in res.layout.xaxis.title.text
    sat = requests.rate_bar(units("satisfaction_rate", [0.84, 0.86]), "satisfaction_rate", "zh", "乡镇(街道)")
    assert 0.85 in vlines(sat) and "85%" in legend(sat) and list(sat.data[0].marker.color) == [NEUTRAL, BAD]
    assert sat.layout.title.text == "满意率（按乡镇(街道)）" and "%" in sat.layout.xaxis.title.text


def test_monthly_flow_and_backlog() -> None:
    df = pd.DataFrame(
        {
            "month": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "requests_received": [180, 180],
            "requests_resolved": [164, None],
            "resolution_rate": [164 / 180, None],
            "backlog": [16, None],
            "open_cases": [0, 1],
        }
    )
    fig = requests.monthly_flow(df, "zh")
    assert fig.layout.title.text == "诉求受理与办结（按月）" and fig.layout.yaxis.title.text == "件数（件）"
    assert pd.isna(fig.data[1].y[1])  # a month without a resolved count is a gap, not 0
    rates = requests.monthly_rates(df.assign(on_time_rate=[0.9, None], satisfaction_rate=[0.8, 0.9]), "zh")
    assert rates.layout.yaxis.title.text.startswith("比率（%）") and sorted(hlines(rates)) == [0.85, 0.92]
    assert "最低标准 92%" in legend(rates) and "预警线 85%" in legend(rates)
    assert rates.layout.yaxis.range[0] == pytest.approx(0.75)  # starts just below the lowest value
    bl = requests.backlog(df, "en")
    assert bl.layout.yaxis.title.text == "Cases" and len(bl.data) == 2


def test_days_histogram_marks_the_three_deadlines() -> None:
    df = pd.DataFrame(
        {"category": ["便民服务", "民情服务", None, "便民服务"], "working_days": [3, 10, 45, 50], "cases": [2, 1, 1, 1]}
    )
    fig = requests.days_histogram(df, "zh")
    assert fig.layout.xaxis.title.text == "办结用时（工作日）" and fig.layout.yaxis.title.text == "件数（件）"
    assert sorted(s.x0 for s in fig.layout.shapes) == [3.5, 7.5, 15.5]
    text = annotations(fig)
    assert "咨询 3 个工作日" in text and "求助·建议 7 个工作日" in text and "投诉举报 15 个工作日" in text
    assert max(max(t.x) for t in fig.data) == requests.DAYS_CAP  # 45 and 50 days drawn in the 30+ bin
    assert sum(sum(t.y) for t in fig.data) == 5  # every case counted once
    assert [sum(t.y) for t in fig.data if t.name == "便民服务"] == [3]


def test_party_levels_and_orgs() -> None:
    fig = party.levels_bar({"communities": 2, "neighborhood_branches": 3, "building_party_groups": 6,
                            "party_hub_households": 12, "vanguard_posts": None}, "zh")  # fmt: skip
    assert list(fig.data[0].y) == ["社区党总支", "小区党支部", "楼院党小组", "党员中心户", "党员先锋岗"]
    assert fig.data[0].text[-1] == "—" and fig.layout.xaxis.title.text == "数量（个）"
    df = units("neighborhoods", [5, 1]).assign(
        neighborhood_branches=[3, 1], property_party_orgs=[2, 0], owners_committees=[4, 0]
    )
    orgs = party.orgs_bar(df, "en", "Township")
    assert orgs.layout.yaxis.title.text == "Neighbourhoods" and len(orgs.data) == 4


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_profile_trend_and_standing(lang: str) -> None:
    df = pd.DataFrame(
        {
            "month": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "resolution_rate": [0.95, None],
            "satisfaction_rate": [0.9, 0.8],
            "m2_per_100_households": [30.0, 30.0],
        }
    )
    both = profile.trend(df, ("resolution_rate", "satisfaction_rate"), lang, "金新社区")
    assert sorted(hlines(both)) == [0.85, 0.92]
    assert "金新社区" in both.layout.title.text and "%" in both.layout.yaxis.title.text
    area_fig = profile.trend(df, ("m2_per_100_households",), lang, "金新社区")
    assert hlines(area_fig) == [30.0] and (
        "㎡" in area_fig.layout.yaxis.title.text or "m²" in area_fig.layout.yaxis.title.text
    )
    ranks = pd.DataFrame(
        {"metric": ["resolution_rate", "hours_per_volunteer"], "town_rank": pd.array([1, None], dtype="Int64"),
         "town_n": [2, 1], "town_beats": pd.array([0, None], dtype="Int64"),
         "county_rank": pd.array([3, None], dtype="Int64"), "county_n": [5, 3],
         "county_beats": pd.array([2, None], dtype="Int64")}
    )  # fmt: skip
    st_fig = profile.standing(ranks, lang, "金新社区")
    county = next(t for t in st_fig.data if t.name in ("全县", "In the county"))
    assert list(county.text) == ["3 / 5", "—"] and county.x[0] == 0.5
    # first in its township, but tied with the other one: it beats none of them, not 100%
    town = next(t for t in st_fig.data if t.name not in ("全县", "In the county"))
    assert list(town.text)[0] == "1 / 2" and town.x[0] == 0
    assert "%" in st_fig.layout.xaxis.title.text


def test_the_backlog_lines_say_their_source_and_where_they_start() -> None:
    """The monthly reports' received − resolved is summed from the range's first month, the case
    list counts every open case: two lines that need not meet (218 against 171 on the sample),
    so each says which it is — a reader no longer takes the first for the open cases."""
    df = pd.DataFrame(
        {"month": pd.to_datetime(["2025-11-01", "2025-12-01"]), "backlog": [15.0, 30.0], "open_cases": [171, 160]}
    )
    names = [tr.name for tr in requests.backlog(df, "zh").data]
    assert names == ["月报：受理 − 办结，自2025年11月起累计", "诉求明细：月末未办结案件"]
    assert [tr.name for tr in requests.backlog(df, "en").data][0].endswith("summed from Nov 2025")


def test_units_without_a_value_are_said_to_be_no_zero() -> None:
    """24 townships without 小区 have no coverage: their rows stay, labelled —, and the chart
    says what the dash means (the bulletin did; the 党组织 page's chart did not)."""
    from oversight.figures.base import unit_bar

    df = pd.DataFrame(
        {
            "unit_code": ["a", "b", "c"],
            "unit_name": ["甲镇", "乙镇", "丙镇"],
            "town_code": ["a", "b", "c"],
            "v": [0.9, None, None],
        }
    )
    fig = unit_bar(df, "v", "覆盖率", "覆盖率（%）", percent=True, lang="zh")
    assert "未画柱的 2 个单位无可计算的数值" in fig.layout.xaxis.title.text and list(fig.data[0].text)[1:] == ["—", "—"]
    full = unit_bar(df.fillna(0.5), "v", "覆盖率", "覆盖率（%）", percent=True, lang="zh")
    assert "无可计算" not in full.layout.xaxis.title.text


def test_a_page_chart_is_built_once_per_data_and_follows_new_data() -> None:
    """A rerun with the same figures shows the chart built before (figures.base.remembered: a
    page's rerun rebuilt every chart); a changed figure — a new load, another selection — is
    drawn at once, never the stale chart."""
    before = units("m2_per_100_households", [26.7, 44.0, None])
    first = area.per100_bar(before, "zh", "乡镇")
    assert area.per100_bar(before.copy(), "zh", "乡镇") is first  # same content: the same figure
    after = area.per100_bar(units("m2_per_100_households", [26.7, 31.0, None]), "zh", "乡镇")
    assert after is not first
    assert 31.0 in list(after.data[0].x) and 31.0 not in list(first.data[0].x)
    assert area.per100_bar(before, "en", "Township") is not first  # the language is part of the key


def test_too_many_townships_keep_those_least_on_time() -> None:
    """least_on_time: of 70 townships over two months the 60 with the lowest on-time share over
    both (on_time ÷ (expected − pending)), a township with nothing due yet last."""
    import pandas as pd

    from oversight.figures.overview import least_on_time

    rows = []
    for i in range(70):
        for month in ("2026-09-01", "2026-10-01"):
            on_time = 10 - (i % 10) if i < 69 else 0  # towns 0,10,20… all on time; town 69 nothing due
            rows.append(
                {
                    "town_code": f"T{i:02d}",
                    "month": month,
                    "expected": 10,
                    "on_time": on_time,
                    "late": 10 - on_time if i < 69 else 0,
                    "missing": 0,
                    "pending": 0 if i < 69 else 10,
                }
            )
    summary = pd.DataFrame(rows)
    kept = set(least_on_time(summary, 60)["town_code"])
    assert len(kept) == 60
    left_out = {f"T{i:02d}" for i in range(70)} - kept
    # the 7 at 100%, the one with nothing due, and of the 7 at 90% the two last by code
    assert left_out == {*(f"T{i:02d}" for i in range(0, 69, 10)), "T69", "T51", "T61"}


def test_a_chart_by_unit_draws_at_most_max_bars_and_says_which() -> None:
    """A province's 1,850 townships made each bar chart by unit 40,000 px tall: above MAX_BARS
    the worst are drawn (lowest coverage, most open cases, most hours) and a line says so."""
    import pandas as pd

    from oversight.figures import party, requests, volunteers
    from oversight.figures.base import MAX_BARS

    n = MAX_BARS + 10
    units = pd.DataFrame(
        {
            "unit_code": [f"U{i:03d}" for i in range(n)],
            "unit_name": [f"镇{i:03d}" for i in range(n)],
            "town_code": [f"U{i:03d}" for i in range(n)],
            "party_org_coverage": [i / n for i in range(n)],
            "open_cases": list(range(n)),
        }
    )
    cov = party.coverage_bar(units, "zh", "乡镇(街道)")
    assert set(cov.data[0].y) == {f"镇{i:03d}" for i in range(MAX_BARS)}  # the lowest coverage
    assert f"共 {n} 个单位，只画最低的 {MAX_BARS} 个" in cov.layout.xaxis.title.text
    opened = requests.open_bar(units, "en", "Township")
    assert set(opened.data[0].y) == {f"镇{i:03d}" for i in range(10, n)}  # the most open cases
    assert f"The {MAX_BARS} highest of {n} units shown" in opened.layout.xaxis.title.text
    cats = pd.DataFrame(
        {
            "unit_code": units["unit_code"],
            "unit_name": units["unit_name"],
            "service_category": "党建服务",
            "hours": [float(i) for i in range(n)],
        }
    )
    stacked = volunteers.category_bar(cats, "zh", "乡镇(街道)")
    assert len(stacked.data[0].x) == MAX_BARS and stacked.data[0].x[0] == f"镇{n - 1:03d}"  # most hours first
    assert "只画最多的" in stacked.layout.xaxis.title.text
