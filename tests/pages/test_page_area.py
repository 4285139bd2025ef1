"""阵地 page through AppTest over the page test warehouse."""

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
    at = run_page("area")
    m = metrics(at)
    assert m["服务中心面积(㎡)"] == "2,600" and m["每百户面积(㎡)"] == "40.0"
    assert m["低于标准的乡镇(街道)"] == "1 / 2"  # 金城镇 26.7 ㎡ per 100 households
    assert m["建设项目"] == "3" and m["新增面积(㎡)"] == "900"
    titles = chart_titles(at)
    assert "每百户服务设施面积（按乡镇(街道)）" in titles and any(t.startswith("阵地建设项目时间线") for t in titles)
    projects = at.dataframe[-1].value
    assert len(projects) == 3 and at.get("download_button")


def test_township_filter_changes_the_numbers(pages_db) -> None:  # noqa: ANN001, F811
    at = set_towns(run_page("area"), [JINCHENG])
    m = metrics(at)
    assert m["服务中心面积(㎡)"] == "400" and m["每百户面积(㎡)"] == "26.7"
    assert m["低于标准的村(社区)"] == "1 / 2" and m["建设项目"] == "1"
    per100 = at.dataframe[0].value.set_index("community_name")
    assert per100.loc["金新社区", "m2_per_100_households"] == 30.0


def test_language_switch(pages_db) -> None:  # noqa: ANN001, F811
    at = set_lang(run_page("area"), "en")
    assert at.title[0].value == "Service centres"
    assert "m² per 100 hh" in metrics(at)
    assert "Service area per 100 households by Township" in chart_titles(at)


def test_empty_selection_says_so(pages_db) -> None:  # noqa: ANN001, F811
    at = set_towns(run_page("area"), [DUMEN])
    assert empty_shown(at) and not at.metric
