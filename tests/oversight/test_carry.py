"""The carry rule of stocks (core.settings.carry_months, common.range_rows) in every reader:
the pages' queries, the overview's comparisons, the arena and the 通报 — on the states warehouse
(tests/pages_fixtures.py build_states: 东北社区 alone has sent 2024-04; the other three last
reported 2024-03 with 1800 / 400 / 300 / 100 ㎡ and 3000 / 2000 / 1000 / 500 households)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st

from oversight.bulletin import content
from oversight.filters import Filters
from oversight.queries import area, arena, common, overview

APRIL = date(2024, 4, 1)
DONGBEI, LINJIANG, JINXIN, HUATANG = "511324101001", "511324101002", "511324100012", "511324100200"


@pytest.fixture(autouse=True)
def db(states_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("OVERSIGHT_DB", str(states_db))
    st.cache_data.clear()
    yield states_db
    st.cache_data.clear()


def F(start: date = APRIL, end: date = APRIL) -> Filters:  # noqa: N802
    return Filters("zh", (), None, (), start, end)


def test_a_begun_month_carries_every_communitys_last_stocks() -> None:
    t = common.totals(F(), ("households", "service_center_m2", "requests_received"))
    assert t == {"households": 6500, "service_center_m2": 2600, "requests_received": 10}  # requests: April's only
    src = common.stock_sources(F()).set_index("community_code")
    assert src["carried"].to_dict() == {JINXIN: True, HUATANG: True, DONGBEI: False, LINJIANG: True}
    assert src.at[LINJIANG, "stock_month"] == date(2024, 3, 1) and not src.at[LINJIANG, "reported"]
    named = common.stock_sources(F(), not_current=True)  # what a note names: the carried and withheld
    assert named["community_code"].tolist() == sorted([JINXIN, HUATANG, LINJIANG]) and named["carried"].all()


def test_carrying_is_limited_and_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERSIGHT_CARRY_MONTHS", "0")
    assert common.totals(F(), ("service_center_m2",))["service_center_m2"] == 1800  # 东北社区's own April
    monkeypatch.setenv("OVERSIGHT_CARRY_MONTHS", "3")
    # July: March is four months back, beyond the three carried — withheld, not stale
    july = F(date(2024, 1, 1), date(2024, 7, 1))
    assert common.totals(july, ("households",))["households"] == 3000
    src = common.stock_sources(july).set_index("community_code")
    assert src["stock_month"].isna().sum() == 3 and src.at[DONGBEI, "stock_month"] == APRIL
    named = common.stock_sources(july, not_current=True)
    assert len(named) == 4 and DONGBEI in set(named["community_code"])  # April < July: carried too


def test_trends_do_not_dip_in_a_begun_month() -> None:
    trend = area.area_by_month(F(date(2024, 3, 1)))
    assert trend.groupby("month")["service_center_m2"].sum().tolist() == [2600, 2600]


def test_the_overview_compares_stocks_but_not_a_handful_of_flows() -> None:
    k = overview.kpis(F()).set_index("period")
    assert (k.at["cur", "reporting"], k.at["cur", "carried"], bool(k.at["cur", "complete"])) == (1, 3, False)
    assert k.at["cur", "service_center_m2"] == 2600 and k.at["prev", "service_center_m2"] == 2600
    assert k.at["cur", "volunteer_hours"] == 20 and pd.isna(k.at["prev", "volunteer_hours"])  # not 20 vs 350
    assert pd.isna(k.at["prev", "resolution_rate"])
    march = overview.kpis(F(date(2024, 3, 1), date(2024, 3, 1))).set_index("period")
    assert march.at["prev", "volunteer_hours"] == 350  # two complete months still compare


def test_the_ranking_of_a_begun_month_ranks_carried_stocks() -> None:
    towns = overview.ranking(F(), "m2_per_100_households").set_index("unit_name")
    assert towns.at["新政镇", "m2_per_100_households"] == pytest.approx(44.0)  # 2200 / 5000
    assert towns.at["金城镇", "rank"] == 2


def test_the_arena_marks_carried_communities() -> None:
    info = arena.indicator_values([DONGBEI, LINJIANG], APRIL, APRIL).set_index("community_code")
    assert info.at[LINJIANG, "carried"] and not info.at[DONGBEI, "carried"]
    assert info.at[LINJIANG, "households"] == 2000 and info.at[LINJIANG, "months_reported"] == 0
    assert info.at[LINJIANG, "m2_per_100_households"] == pytest.approx(20.0)


def test_the_bulletin_says_what_is_carried_and_compares_no_flows() -> None:
    b = content.build(APRIL, lang="zh", today=date(2024, 5, 20))
    text = "\n".join(block.text for s in b.sections for block in s.blocks if block.text)
    assert "其中3个村(社区)沿用此前月报" in text and "环比、同比暂不列出" in text
    hours = next(x for x in b.figures if x.name == "volunteer_hours")
    assert hours.value == 20 and hours.prev is None


def test_a_table_of_flows_lists_only_who_reported() -> None:
    """The 诉求 page's table of April lists 东北社区 alone: the others have carried stocks but no
    requests to show: the table is of who reported."""
    from oversight.queries import requests

    assert requests.community_table(F())["community_name"].tolist() == ["东北社区"]
    assert len(common.per_unit(F(), ("households",), level="community")) == 4  # a stock: all four
