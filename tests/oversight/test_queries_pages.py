"""Page query functions against the page test warehouse (tests/pages_fixtures.py), every
expected value computed by hand from the rows written there and in conftest's tiny warehouse."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from oversight.filters import Filters
from oversight.queries import area, common, party, profile, requests, volunteers
from tests.pages_fixtures import JINCHENG, XINZHENG, pages_db  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("pages_db")


def F(towns: tuple[str, ...] = (), comms: tuple[str, ...] = (), to: date = date(2024, 3, 1)) -> Filters:  # noqa: N802
    return Filters("zh", towns, None, comms, date(2024, 1, 1), to)


def by_name(df: pd.DataFrame, col: str = "unit_name") -> pd.DataFrame:
    return df.set_index(col)


def test_breakdown_follows_the_level() -> None:
    assert list(party.coverage_by_unit(F())["unit_name"]) == ["金城镇", "新政镇"]
    assert list(party.coverage_by_unit(F((JINCHENG,)))["unit_name"]) == ["金新社区", "华堂村"]


@pytest.mark.parametrize("towns", [(), (JINCHENG,), (XINZHENG,)])
def test_kpi_totals_agree_with_the_per_unit_table_below_them(towns: tuple[str, ...]) -> None:
    """A page's KPI card and the table under it read the same rows: the card's ratio is the
    table's summed numerator over its summed denominator, its sums the table's sums."""
    f = F(towns)
    per100 = area.per_households(f)
    kpi = common.totals(f, ("service_center_m2", "households", "m2_per_100_households"))
    assert kpi["service_center_m2"] == pytest.approx(per100["service_center_m2"].sum())
    assert kpi["households"] == pytest.approx(per100["households"].sum())
    assert kpi["m2_per_100_households"] == pytest.approx(
        100 * per100["service_center_m2"].sum() / per100["households"].sum()
    )
    units = requests.by_unit(f)
    req = common.totals(f, ("requests_received", "resolution_rate"))
    assert req["requests_received"] == units["requests_received"].sum()
    assert req["resolution_rate"] == pytest.approx(units["requests_resolved"].sum() / units["requests_received"].sum())


def test_coverage_is_read_at_the_last_month_and_missing_stays_missing() -> None:
    town = by_name(party.coverage_by_unit(F((JINCHENG,))))
    assert town.loc["金新社区", "party_org_coverage"] == 1.0  # 4 / 4 in March
    assert pd.isna(town.loc["华堂村", "party_org_coverage"])  # 0 小区: no rate, not 0%
    months = party.coverage_by_month(F())
    assert months["party_org_coverage"].tolist() == [0.75, 0.75, 1.0]  # 9/12, 9/12, 12/12


def test_five_levels_from_the_latest_roster() -> None:
    lv = by_name(party.levels_by_unit(F()))
    xz = lv.loc["新政镇"]
    assert (xz["communities"], xz["neighborhoods"], xz["neighborhood_branches"]) == (2, 5, 3)
    assert (xz["building_party_groups"], xz["party_hub_households"], xz["vanguard_posts"]) == (6, 12, 4)
    assert (xz["property_party_orgs"], xz["owners_committees"]) == (2, 4)
    jc = lv.loc["金城镇"]  # 金新苑 has an org in February's roster, which replaces January's
    assert (jc["neighborhoods"], jc["neighborhood_branches"], jc["building_party_groups"]) == (1, 1, 2)
    assert party.level_totals(party.levels_by_unit(F()))["neighborhood_branches"] == 4
    assert sorted(party.without_org(F())["neighborhood_name"]) == ["北门院落", "老街院落"]
    # As of January only 金新苑's first roster exists, without an org.
    assert party.without_org(F(to=date(2024, 1, 1)))["neighborhood_name"].tolist() == ["金新苑"]


def test_area_per_100_households_and_projects() -> None:
    per = by_name(area.per_households(F()))
    assert per.loc["新政镇", "m2_per_100_households"] == pytest.approx(44.0)  # 2200 / 5000 × 100
    assert per.loc["金城镇", "m2_per_100_households"] == pytest.approx(400 / 1500 * 100)
    trend = area.area_by_month(F((XINZHENG,)))
    assert trend[trend["unit_name"] == "东北社区"]["service_center_m2"].tolist() == [1800.0] * 3
    projects = area.projects(F())
    assert len(projects) == 3  # 华堂村's December project is outside the range
    types = area.project_totals(projects).set_index("project_type")
    assert types.loc["改扩建", "area_added_m2"] == 600.0
    assert pd.isna(types.loc["亲民化改造", "area_added_m2"])  # not reported: missing, not 0
    rooms = area.rooms_by_unit(projects)
    assert rooms.groupby("unit_name")["rooms_integrated"].sum().to_dict() == {"新政镇": 5, "金城镇": 4}


def test_volunteer_hours_per_volunteer_and_categories() -> None:
    units = by_name(volunteers.by_unit(F()))
    assert units.loc["新政镇", "volunteer_hours"] == 900.0  # (200 + 100) × 3 months
    assert units.loc["新政镇", "hours_per_volunteer"] == 9.0  # 900 / 100 volunteers in March
    assert units.loc["金城镇", "hours_per_volunteer"] == 1.5  # 华堂村 reported no hours
    town = by_name(volunteers.by_unit(F((JINCHENG,))))
    assert pd.isna(town.loc["华堂村", "volunteer_hours"])
    monthly = volunteers.hours_by_month(F())
    assert monthly.groupby("month")["volunteer_hours"].sum().tolist() == [1050 / 3] * 3
    cats = volunteers.by_category(F())
    xz = cats[cats["unit_name"] == "新政镇"].set_index("service_category")["hours"].to_dict()
    assert xz == {"党建服务": 20.0, "便民服务": 10.0, "平安服务": 30.0}
    assert cats["service_category"].isna().sum() == 1  # 华堂村's activity has no category
    top, bottom, unranked = volunteers.leaders_laggards(F())
    assert top["unit_name"].tolist() == ["东北社区", "临江社区"]  # 12 and 6 h per volunteer
    assert bottom["unit_name"].tolist() == ["金新社区"]
    assert unranked == 1
    # rank, name and the ranking's measure first: the two tables stand half a page wide
    assert list(top.columns[:4]) == ["rank", "town_name", "unit_name", "hours_per_volunteer"]


def test_request_rates_and_flags() -> None:
    units = by_name(requests.by_unit(F()))
    assert units.loc["新政镇", "resolution_rate"] == pytest.approx(405 / 450)
    assert units.loc["金城镇", "satisfaction_rate"] == pytest.approx(75 / 87)  # (18 + 7) × 3 / (20 + 9) × 3
    comm = requests.by_community(F())
    assert comm["unit_name"].tolist()[:2] == ["临江社区", "华堂村"]  # flagged first
    flags = comm.set_index("unit_name")
    assert bool(flags.loc["临江社区", "below_resolution"]) and not bool(flags.loc["临江社区", "below_satisfaction"])
    assert bool(flags.loc["华堂村", "below_satisfaction"])  # 7 / 9 = 77.8%
    assert not bool(flags.loc["东北社区", "below_resolution"])


def test_request_backlog_and_open_cases() -> None:
    months = requests.by_month(F())
    assert months["backlog"].tolist() == [16, 32, 48]  # 180 received, 164 resolved a month
    assert months["open_cases"].tolist() == [0, 1, 2]
    open_ = requests.open_cases(F()).set_index("case_id")
    assert sorted(open_.index) == ["R3", "R5"]
    assert open_.loc["R3", "open_working_days"] == 41  # 2 Feb – 31 Mar 2024, Mon–Fri
    assert open_.loc["R5", "open_working_days"] == 7
    assert requests.open_by_unit(requests.open_cases(F())).set_index("unit_name")["open_cases"].to_dict() == {
        "新政镇": 1,
        "金城镇": 1,
    }


def test_days_to_resolve_in_working_days() -> None:
    counts = requests.days_counts(F())
    # R6 (4, spans New Year: weekdays only), R1 (3), R2 (10), R4 (2)
    days = {(r.category, r.working_days): r.cases for r in counts.itertuples()}
    assert days == {("便民服务", 4): 1, ("民情服务", 3): 1, ("便民服务", 10): 1, ("协商服务", 2): 1}
    summary = requests.days_summary(counts).set_index("category")
    assert summary.loc["便民服务", "median_days"] == 7.0  # (4 + 10) / 2
    assert summary.loc["便民服务", "on_time_share"] == 0.5
    assert summary["cases"].sum() == 4
    mix = requests.by_category_source(F())
    assert mix["cases"].sum() == 5  # R6 was received in December
    assert mix.set_index(["category", "source"]).loc[("平安服务", "12345"), "resolved"] == 0


def test_profile_values_and_ranks() -> None:
    code = str(requests.by_community(F()).set_index("unit_name").loc["金新社区", "unit_code"])
    v = profile.values(F(), code)
    assert v["m2_per_100_households"] == pytest.approx(30.0)
    assert v["on_time_rate"] == pytest.approx(57 / 60)
    assert v["hours_per_volunteer"] == 3.0
    ranks = profile.ranks(F(), code).set_index("metric")
    assert (ranks.loc["m2_per_100_households", "county_rank"], ranks.loc["m2_per_100_households", "county_n"]) == (2, 4)
    assert (ranks.loc["m2_per_100_households", "town_rank"], ranks.loc["m2_per_100_households", "town_n"]) == (1, 2)
    assert (ranks.loc["hours_per_volunteer", "county_rank"], ranks.loc["hours_per_volunteer", "county_n"]) == (3, 3)
    assert ranks.loc["party_org_coverage", "county_rank"] == 1  # tied at 100% with 东北 and 临江
    # …so it beats only the communities below 100%, not its two equals (the chart's share)
    cov = ranks.loc["party_org_coverage"]
    assert cov["county_beats"] == cov["county_n"] - 3
    assert ranks.loc["m2_per_100_households", "county_beats"] == 2  # 2nd of 4, no tie
    assert len(profile.trend(F(), code)) == 3
    # Communities that reported come first, then the rest of the township from the registry.
    assert profile.options(F((JINCHENG,)))["community_name"].tolist()[:2] == ["金新社区", "华堂村"]
