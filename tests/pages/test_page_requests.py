"""诉求 page through AppTest over the page test warehouse."""

from __future__ import annotations

import json

from oversight.frame.components import OFFERED
from tests.pages_fixtures import (  # noqa: F401  (pages_db is a fixture)
    DUMEN,
    JINCHENG,
    XINZHENG,
    chart_titles,
    empty_shown,
    metrics,
    pages_db,
    run_page,
    set_lang,
    set_towns,
    texts,
)


def test_renders_county_figures(pages_db) -> None:  # noqa: ANN001, F811
    at = run_page("requests")
    m = metrics(at)
    assert m["受理"] == "540" and m["办结率"] == "91.1%" and m["期末未办结案件"] == "2"
    titles = chart_titles(at)
    assert "办结率（按乡镇(街道)）" in titles and "办结用时分布（工作日，按类别）" in titles
    tables = [d.value for d in at.dataframe if {"below_resolution", "community_name"} <= set(d.value.columns)]
    flagged, every = tables[-2], tables[-1]  # the red table holds only the flagged; the expander all four
    assert flagged["community_name"].tolist() == ["临江社区", "华堂村"]
    assert len(every) == 4 and every["community_name"].tolist()[:2] == ["临江社区", "华堂村"]
    assert "2 个村(社区)需关注（红色）" in texts(at)
    # The file beside the red table, named 诉求低于标准, holds the flagged communities only; the
    # expander's file every community.
    offered = at.session_state[OFFERED]
    assert offered["dl_req_flagged"]()["community_name"].tolist() == ["临江社区", "华堂村"]
    assert len(offered["dl_req_communities"]()) == 4


def test_township_filter_changes_the_numbers(pages_db) -> None:  # noqa: ANN001, F811
    at = set_towns(run_page("requests"), [JINCHENG])
    m = metrics(at)
    assert m["受理"] == "90" and m["办结率"] == "96.7%" and m["满意率"] == "86.2%"
    assert m["期末未办结案件"] == "1"
    flagged = [d.value for d in at.dataframe if {"below_resolution", "community_name"} <= set(d.value.columns)][-1]
    assert flagged["community_name"].tolist() == ["华堂村", "金新社区"]


def test_language_switch(pages_db) -> None:  # noqa: ANN001, F811
    # Streamlit's "Select all" entry of a multiselect is English: offered on English pages only
    zh = run_page("requests")
    assert [m.proto.select_all for m in zh.sidebar.multiselect] == [0, 0]
    at = set_lang(zh, "en")
    assert all(m.proto.select_all for m in at.sidebar.multiselect)
    assert at.title[0].value == "Resident requests"
    assert "Resolution rate" in metrics(at)
    assert "Working days to resolve, by category" in chart_titles(at)
    # Category and source names are English too, not the Chinese values of the reports.
    names = {tr.get("name") for el in at.get("plotly_chart") for tr in json.loads(el.proto.spec)["data"]}
    assert {"Phone", "Grid"} & names and not {"电话", "网格", "便民服务"} & names


def test_empty_selection_says_so(pages_db) -> None:  # noqa: ANN001, F811
    at = set_towns(run_page("requests"), [DUMEN])
    assert empty_shown(at) and not at.metric
