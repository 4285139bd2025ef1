"""Every page over a warehouse in the states a county really is in (issue 16.1b), built once for
the session from the page test warehouse (tests/pages_fixtures.py, 4 communities × 2024-01..03):

  - a month just begun: 东北社区 has sent 2024-04 (a whole report, through the real ETL), the
    other three have not;
  - a community that never reported: 平山社区 (新政镇), in the registry, no report of any kind;
  - a township with no data: 度门街道;
  - a community with a 小区 roster but no monthly report: 白溪社区 (新政镇, roster of 2024-03).

Each page of oversight.frame.shell.PAGES opens in each state without an exception, with the
incomplete-month banner exactly where the month is incomplete, and shows what a user should
see: county stocks of the begun month carried forward (core.settings.carry_months), no 环比
of a handful of reports against a full month, the never-reported community named, the empty
township's pages saying there is no data, the roster shown without a monthly report."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from oversight.exports import to_csv
from oversight.frame.components import OFFERED
from oversight.frame.shell import PAGES
from tests.pages_fixtures import BAIXI, DUMEN, PINGSHAN, XINZHENG, metrics, texts

ROOT = Path(__file__).resolve().parents[2]
LINJIANG = "511324101002"  # 临江社区 (新政镇)
SCRIPTS = [script for script, _, _ in PAGES if (ROOT / script).is_file()]
COMPLETE = {"from": "2024-01", "to": "2024-03"}
STATES: dict[str, dict[str, str]] = {
    "begun": {"from": "2024-04", "to": "2024-04"},
    "through_begun": {"from": "2024-01", "to": "2024-04"},  # a range that ends in the begun month
    "never_reported": {"town": XINZHENG, "comm": PINGSHAN, **COMPLETE},
    "empty_town": {"town": DUMEN, **COMPLETE},
    "roster_only": {"town": XINZHENG, "comm": BAIXI, **COMPLETE},
    # 临江社区 has not sent April: its stocks over Jan–Apr are March's, and its pages say so
    "carried_community": {"town": XINZHENG, "comm": LINJIANG, "from": "2024-01", "to": "2024-04"},
}
LINJIANG_NOTE = "含 1 个村(社区)沿用此前月报（最多沿用 3 个月）：临江社区（2024年3月）"


@pytest.fixture(scope="session")
def open_page(states_db: Path) -> Iterator[Callable[[str, str], AppTest]]:
    """open_page(state, script): the page run once in that state (memoised for the session: the
    warehouse never changes, so neither does the page)."""
    db = states_db
    runs: dict[tuple[str, str], AppTest] = {}

    def run(state: str, script: str) -> AppTest:
        if (state, script) not in runs:
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("OVERSIGHT_DB", str(db))
                mp.delenv("OVERSIGHT_USERS", raising=False)
                at = AppTest.from_file(str(ROOT / script), default_timeout=90)
                at.query_params.update(STATES[state])
                at.run()
            runs[state, script] = at
        return runs[state, script]

    st.cache_data.clear()
    st.cache_resource.clear()
    yield run
    st.cache_data.clear()
    st.cache_resource.clear()


BANNERED = {"begun", "through_begun", "carried_community"}  # the states whose last month is incomplete


def _banner(at: AppTest) -> bool:
    return any("尚不完整" in w.value for w in at.warning)


def _empty(at: AppTest) -> bool:
    return any("当前筛选条件下没有数据" in i.value for i in at.info)


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("state", list(STATES))
def test_every_page_opens_with_the_banner_where_it_belongs(
    open_page: Callable[[str, str], AppTest], state: str, script: str
) -> None:
    at = open_page(state, script)
    assert not at.exception, [e.value for e in at.exception]
    assert _banner(at) == (state in BANNERED), [w.value for w in at.warning]


def test_the_begun_month_keeps_county_stocks_carried_forward(open_page: Callable[[str, str], AppTest]) -> None:
    """April: only 东北社区 reported. Before the carry rule the county's floor area was its
    1,800 ㎡ alone and 小区 4; now every community's latest report counts, and the page says so."""
    area = open_page("begun", "pages/area.py")
    assert metrics(area)["服务中心面积(㎡)"] == "2,600"  # 1800 + March's 400 + 300 + 100
    assert metrics(area)["每百户面积(㎡)"] == "40.0"  # 2600 / 6500 households
    assert "含 3 个村(社区)沿用此前月报" in texts(area)
    assert "临江社区（2024年3月）" in texts(area)
    party = open_page("begun", "pages/party.py")
    assert metrics(party)["小区数"] == "12" and metrics(party)["小区党组织覆盖率"] == "100.0%"
    vol = open_page("begun", "pages/volunteers.py")
    # hours are April's reports only; hours per volunteer divides them by 东北社区's 50 volunteers
    # alone, not by the 200 the county has registered
    assert metrics(vol)["志愿服务时长(小时)"] == "20" and metrics(vol)["注册志愿者"] == "200"
    assert metrics(vol)["人均服务时长(小时)"] == "0.4"


def test_the_begun_month_is_not_compared_with_a_full_month(open_page: Callable[[str, str], AppTest]) -> None:
    """The overview's cards for April: stocks carried (and compared), flows of one report with no
    环比 and no 同比 — not "−94%" against March's four reports."""
    at = open_page("begun", "dashboard.py")
    cards = {m.label: m for m in at.metric}
    assert cards["党群服务中心面积(㎡)"].value == "2,600"
    hours = cards["志愿服务时长(小时)"]
    assert hours.value == "20" and not hours.proto.delta  # March had 350: no −94%
    assert not cards["办结率"].proto.delta
    assert "本月 1 个村(社区)报送" in texts(at)
    assert "含 3 个村(社区)沿用此前月报" in texts(at)


def test_a_community_that_never_reported_is_named(open_page: Callable[[str, str], AppTest]) -> None:
    at = open_page("never_reported", "dashboard.py")
    late = at.dataframe[-1].value
    assert "平山社区" in late["community_name"].tolist()
    assert _empty(open_page("never_reported", "pages/area.py"))


@pytest.mark.parametrize(
    "script", ["dashboard.py", "pages/party.py", "pages/area.py", "pages/volunteers.py", "pages/requests.py"]
)
def test_the_empty_townships_pages_say_there_is_no_data(open_page: Callable[[str, str], AppTest], script: str) -> None:
    assert _empty(open_page("empty_town", script))


def test_a_roster_without_a_monthly_report_is_shown(open_page: Callable[[str, str], AppTest]) -> None:
    party = open_page("roster_only", "pages/party.py")
    assert not _empty(party)
    assert metrics(party)["业(院)委会"] == "1" and metrics(party)["小区党组织覆盖率"] == "—"
    assert "所选范围内没有月报" in texts(party)
    overview = open_page("roster_only", "dashboard.py")
    assert metrics(overview)["已建党组织小区"] == "1"


def _download(at: AppTest, key: str) -> pd.DataFrame:
    """The table a download button of the page hands out (what the user's file holds)."""
    return at.session_state[OFFERED][key]()


def test_per_community_tables_for_any_period(
    open_page: Callable[[str, str], AppTest], states_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16.3: volunteer hours by community for a period as one table, flows summed, stocks by
    the carry rule (with the month they come from), rates sum/sum — and a file with whole hours as
    integers and rates rounded."""
    monkeypatch.setenv("OVERSIGHT_DB", str(states_db))  # a download is audited beside its warehouse
    monkeypatch.setenv("OVERSIGHT_AUDIT", str(tmp_path / "audit.jsonl"))
    at = open_page("through_begun", "pages/volunteers.py")
    vol = _download(at, "dl_vol_comm").set_index("community_name")
    hours = vol["volunteer_hours"]
    assert (hours["东北社区"], hours["临江社区"], hours["金新社区"]) == (620, 300, 150)  # 东北: 200 × 3 + April's 20
    assert pd.isna(hours["华堂村"])  # never gave hours: missing, not 0
    assert vol.at["东北社区", "hours_per_volunteer"] == pytest.approx(620 / 50)
    assert vol.at["临江社区", "stock_month"] == date(2024, 3, 1)  # carried from March
    assert vol.at["东北社区", "stock_month"] == date(2024, 4, 1)
    csv = to_csv(_download(at, "dl_vol_comm"), "zh").decode("utf-8-sig")
    assert ",620," in csv and "620.0" not in csv and ",12.4" in csv
    assert "各村(社区)志愿服务明细（2024年1月 – 2024年4月）" in [e.label for e in at.expander]
    for script, key in (("pages/party.py", "dl_party_comm"), ("pages/area.py", "dl_area_comm")):
        table = _download(open_page("through_begun", script), key)
        assert sorted(table["community_name"]) == sorted(["东北社区", "临江社区", "金新社区", "华堂村"])
    area = _download(open_page("through_begun", "pages/area.py"), "dl_area_comm").set_index("community_name")
    assert area.at["临江社区", "service_center_m2"] == 400  # March's, carried into April


@pytest.mark.parametrize("script", ["pages/profile.py", "pages/area.py"])
def test_a_community_s_carried_stocks_are_said_on_its_profile_and_theme_pages(
    open_page: Callable[[str, str], AppTest], script: str
) -> None:
    assert LINJIANG_NOTE in texts(open_page("carried_community", script))


def test_the_data_pages_township_totals_say_which_stocks_are_carried(
    states_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVERSIGHT_DB", str(states_db))
    monkeypatch.delenv("OVERSIGHT_USERS", raising=False)
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "pages/data.py"), default_timeout=90)
    at.query_params.update({**STATES["begun"], "table": "community_month", "by": "town"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "含 3 个村(社区)沿用此前月报" in texts(at)
    st.cache_data.clear()
