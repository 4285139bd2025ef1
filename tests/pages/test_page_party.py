"""党组织 page through AppTest over the page test warehouse."""

from __future__ import annotations

from tests.pages_fixtures import (  # noqa: F401  (pages_db is a fixture)
    DUMEN,
    XINZHENG,
    chart_titles,
    empty_shown,
    metrics,
    pages_db,
    run_page,
    set_lang,
    set_towns,
)


def test_renders_county_figures(pages_db) -> None:  # noqa: ANN001, F811
    at = run_page("party")
    m = metrics(at)
    assert m["小区党组织覆盖率"] == "100.0%" and m["小区数"] == "12"
    assert m["名册中未建党组织小区"] == "2" and m["物业党组织"] == "2" and m["业(院)委会"] == "4"
    assert "小区党组织覆盖率（按乡镇(街道)）" in chart_titles(at)
    without = at.dataframe[-1].value
    assert sorted(without["neighborhood_name"]) == ["北门院落", "老街院落"]
    assert at.get("download_button"), "tables come with downloads"


def test_township_filter_changes_the_numbers(pages_db) -> None:  # noqa: ANN001, F811
    at = set_towns(run_page("party"), [XINZHENG])
    m = metrics(at)
    assert m["小区数"] == "8" and m["业(院)委会"] == "4"
    assert "小区党组织覆盖率（按村(社区)）" in chart_titles(at)
    coverage = at.dataframe[0].value
    assert sorted(coverage["community_name"]) == ["东北社区", "临江社区"]


def test_language_switch(pages_db) -> None:  # noqa: ANN001, F811
    at = set_lang(run_page("party"), "en")
    assert at.title[0].value == "Party organisations"
    assert "Party-org coverage" in metrics(at)
    assert "Party-org coverage of neighbourhoods by Township" in chart_titles(at)


def test_empty_selection_says_so(pages_db) -> None:  # noqa: ANN001, F811
    at = set_towns(run_page("party"), [DUMEN])
    assert empty_shown(at) and not at.metric
