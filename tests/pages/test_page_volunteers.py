"""志愿 page through AppTest over the page test warehouse."""

from __future__ import annotations

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
    at = run_page("volunteers")
    m = metrics(at)
    assert m["志愿服务时长(小时)"] == "1,050" and m["注册志愿者"] == "200" and m["活动场次"] == "36"
    titles = chart_titles(at)
    assert "志愿服务时长（按月，按乡镇(街道)）" in titles and "志愿服务时长（按服务类别，按乡镇(街道)）" in titles
    leaders = next(d.value for d in at.dataframe if "rank" in d.value.columns)
    assert leaders["community_name"].tolist() == ["东北社区", "临江社区"]
    assert "1 个村(社区)缺少时长或志愿者人数" in texts(at)


def test_township_filter_changes_the_numbers(pages_db) -> None:  # noqa: ANN001, F811
    at = set_towns(run_page("volunteers"), [JINCHENG])
    m = metrics(at)
    assert m["志愿服务时长(小时)"] == "150" and m["人均服务时长(小时)"] == "1.5"
    units = at.dataframe[0].value.set_index("community_name")
    assert units.loc["金新社区", "volunteer_hours"] == 150
    assert units["volunteer_hours"].isna().sum() == 1  # 华堂村: missing, not 0


def test_language_switch(pages_db) -> None:  # noqa: ANN001, F811
    at = set_lang(run_page("volunteers"), "en")
    assert at.title[0].value == "Volunteers"
    assert "Hours per volunteer" in metrics(at)
    assert "Volunteer hours by service category and Township" in chart_titles(at)


def test_empty_selection_says_so(pages_db) -> None:  # noqa: ANN001, F811
    at = set_towns(run_page("volunteers"), [DUMEN])
    assert empty_shown(at) and not at.metric
