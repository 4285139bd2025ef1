"""Every view is a link (issue 16.5): the arena's group, period and weights, the profile's
community, the ranking's sort and the data page's table, columns and grouping come back from a
copied URL in a fresh session; a malformed or foreign value falls back to the default."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from oversight.frame.state import from_url_text, url_text
from tests.pages.test_page_arena import GROUP, arena_env, build_arena_db  # noqa: F401 (fixtures)
from tests.pages.test_page_auth import _app, users_file  # noqa: F401 (a fixture)
from tests.pages_fixtures import XINZHENG, pages_db  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD, DATA, ARENA, PROFILE = (
    str(ROOT / p) for p in ("dashboard.py", "pages/data.py", "pages/arena.py", "pages/profile.py")
)


def _open(script: str, params: dict[str, str], timeout: int = 60) -> AppTest:
    """`script` in a fresh session opened with the query string `params` (as a pasted link)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(script, default_timeout=timeout)
    at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _link(at: AppTest) -> dict[str, str]:
    """The query string the browser holds after the last run: what a user would copy."""
    return {k: at.query_params[k] for k in at.query_params}


def test_url_text_round_trips_and_refuses_what_is_not_offered() -> None:
    assert from_url_text(url_text(["a", "c"]), [], ["a", "b", "c"]) == ["a", "c"]
    assert from_url_text(url_text(True), False, (False, True)) is True
    assert from_url_text(url_text((2024, 3)), (2025, 1), [(2025, 1), (2024, 3)]) == (2024, 3)
    assert from_url_text("40", 15, range(101)) == 40
    assert from_url_text("1000", 15, range(101)) == 15  # out of bounds: the default, no error
    assert from_url_text("<script>,a,a", [], ["a"]) == ["a"]  # unknown items dropped, once each


def test_data_page_table_columns_sort_and_grouping_survive_a_copied_link(pages_db) -> None:  # noqa: ANN001, F811
    at = _open(DATA, {"town": XINZHENG})
    at.selectbox(key="data_view").set_value("request_case").run()
    at.multiselect(key="data_cols_request_case").set_value(["community_name", "case_id", "received_on"]).run()
    at.selectbox(key="data_sort_request_case").set_value("received_on").run()
    at.toggle(key="data_desc_request_case").set_value(True).run()
    assert not at.exception
    shown = at.dataframe[0].value
    link = _link(at)
    assert link["table"] == "request_case" and link["cols"] == "community_name,case_id,received_on"

    again = _open(DATA, link)
    assert again.selectbox(key="data_view").value == "request_case"
    assert again.multiselect(key="data_cols_request_case").value == ["community_name", "case_id", "received_on"]
    assert again.selectbox(key="data_sort_request_case").value == "received_on"
    assert again.toggle(key="data_desc_request_case").value is True
    assert again.dataframe[0].value.equals(shown)  # the same rows in the same order
    assert _link(again) == link

    grouped = _open(DATA, {"by": "town"})
    assert grouped.radio(key="data_group_by").value == "town"
    assert _link(grouped)["by"] == "town"


def test_malformed_or_foreign_url_values_fall_back_to_defaults(pages_db) -> None:  # noqa: ANN001, F811
    at = _open(DATA, {"table": "ref_user; DROP", "cols": "password,town_name", "by": "<b>", "sort": "x"})
    assert at.selectbox(key="data_view").value == "community_month"  # the first table
    assert at.radio(key="data_group_by").value == "rows"
    assert "town_name" in at.multiselect(key="data_cols_community_month").value
    assert "password" not in at.dataframe[0].value.columns
    assert at.selectbox(key="data_sort_community_month").value is None
    assert "table" not in _link(at) and "sort" not in _link(at)  # defaults are not written
    ov = _open(DASHBOARD, {"rank": "__class__"})
    assert ov.selectbox(key="ov_sort").value == "m2_per_100_households"


def test_ranking_sort_is_in_the_link_and_rank_name_measure_come_first(pages_db) -> None:  # noqa: ANN001, F811
    at = _open(DASHBOARD, {"rank": "resolution_rate"})
    assert at.selectbox(key="ov_sort").value == "resolution_rate"
    ranking = next(d.value for d in at.dataframe if "rank" in d.value.columns)
    assert list(ranking.columns[:4]) == ["rank", "town_name", "resolution_rate", "requests_received"]
    at.selectbox(key="ov_sort").set_value("satisfaction_rate").run()
    assert _link(at)["rank"] == "satisfaction_rate"
    assert _open(DASHBOARD, _link(at)).selectbox(key="ov_sort").value == "satisfaction_rate"


def test_profile_community_survives_a_copied_link(pages_db) -> None:  # noqa: ANN001, F811
    at = _open(PROFILE, {"town": XINZHENG})
    at.selectbox[0].set_value("511324101002").run()  # 临江社区
    again = _open(PROFILE, _link(at))
    assert again.selectbox[0].value == "511324101002"
    assert again.caption[0].value.startswith("全县 › 新政镇 › 临江社区")


def test_arena_group_period_and_weights_survive_a_copied_link(arena_env) -> None:  # noqa: ANN001, F811
    at = _open(ARENA, {"from": "2024-01", "to": "2024-12"})
    at.radio(key="arena_kind_w").set_value("quarter").run()
    at.selectbox(key="arena_quarter_w").set_value((2024, 2)).run()
    at.number_input(key="arena_weight_resolution_rate_w").set_value(40).run()
    at.radio(key="arena_method_w").set_value("standard").run()
    at.radio(key="arena_peers_w").set_value("type").run()
    assert not at.exception
    board = next(d.value for d in at.dataframe if d.value.columns[0] == "名次")
    link = _link(at)
    assert link["w_resolution_rate"] == "40" and link["period"] == "quarter" and link["when"] == "2024,2"

    again = _open(ARENA, link)
    assert again.selectbox(key="arena_group_w").value == GROUP
    assert again.radio(key="arena_kind_w").value == "quarter"
    assert again.selectbox(key="arena_quarter_w").value == (2024, 2)
    assert again.number_input(key="arena_weight_resolution_rate_w").value == 40
    assert again.radio(key="arena_method_w").value == "standard"
    assert again.radio(key="arena_peers_w").value == "type"
    assert next(d.value for d in again.dataframe if d.value.columns[0] == "名次").equals(board)


def test_arena_url_with_bad_weights_and_foreign_communities_falls_back(arena_env) -> None:  # noqa: ANN001, F811
    params = {"from": "2024-01", "to": "2024-12", "who": "pick", "pick": "999999,abc", "w_resolution_rate": "-5"}
    at = _open(ARENA, params | {"period": "decade", "method": "eval", "peers": "x"})
    assert at.radio(key="arena_who_w").value == "pick"
    assert at.multiselect(key="arena_pick_w").value == []  # no such community: none picked
    assert at.number_input(key="arena_weight_resolution_rate_w").value == 15  # the default weight
    assert at.radio(key="arena_kind_w").value == "range"
    assert at.radio(key="arena_method_w").value == "minmax"
    assert "请至少选择2个村(社区)。" in [i.value for i in at.info]


@pytest.mark.parametrize("bad", [{"w_resolution_rate": "1e9"}, {"grp": "'); --"}])
def test_arena_never_fails_on_a_bad_link(arena_env, bad: dict[str, str]) -> None:  # noqa: ANN001, F811
    at = _open(ARENA, {"from": "2024-01", "to": "2024-12"} | bad)
    assert at.selectbox(key="arena_group_w").value == GROUP


def test_a_town_users_link_naming_another_townships_communities_picks_none(pages_db, users_file) -> None:  # noqa: ANN001, F811
    from oversight.auth import users

    town_user = users.load(users_file)["jc"]  # 金城镇 and 度门街道 only
    link = {"who": "pick", "pick": "511324101001,511324101002", "from": "2024-01", "to": "2024-03"}  # 新政镇's
    at = _app("pages/arena.py", town_user, link)
    assert at.radio(key="arena_who_w").value == "pick"
    assert at.multiselect(key="arena_pick_w").value == []
    assert not any("新政镇" in o for o in at.multiselect(key="arena_pick_w").options)
