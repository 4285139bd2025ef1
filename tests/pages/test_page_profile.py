"""社区档案 page through AppTest over the page test warehouse."""

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


def test_renders_the_first_community(pages_db) -> None:  # noqa: ANN001, F811
    at = run_page("profile")
    assert at.selectbox[0].value == "511324100012"  # 金新社区, first in the registry order
    m = metrics(at)
    assert m["每百户服务设施面积"] == "30.0 ㎡/百户" and m["人均志愿服务时长"] == "3.0 小时/人"
    assert m["按时办结率"] == "95.0%"
    assert [s.value for s in at.subheader] == ["党组织", "阵地", "志愿", "诉求"]
    ranks = next(d.value for d in at.dataframe if "county_rank" in d.value.columns).set_index("metric")
    assert ranks.loc["每百户服务设施面积", "county_rank"] == 2
    # the line each card compares with, the alert included (满意率 showed — beside a chart with 85%)
    assert ranks.loc["满意率", "target"] == "预警线 85%" and ranks.loc["办结率", "target"] == "最低标准 92%"


def test_township_filter_changes_the_community(pages_db) -> None:  # noqa: ANN001, F811
    at = set_towns(run_page("profile"), [XINZHENG])
    assert at.selectbox[0].value == "511324101001"  # 东北社区
    m = metrics(at)
    assert m["每百户服务设施面积"] == "60.0 ㎡/百户" and m["志愿服务时长"] == "600 小时"
    assert any("东北社区" in t for t in chart_titles(at))


def test_language_switch(pages_db) -> None:  # noqa: ANN001, F811
    at = set_lang(run_page("profile"), "en")
    assert at.title[0].value == "Community profile"
    assert [s.value for s in at.subheader] == ["Party organisation", "Service centre", "Volunteers", "Requests"]
    m = metrics(at)
    assert m["m² per 100 households"] == "30.0"  # the label says the unit: not "30.0 m² per 100 households"
    assert m["Hours per volunteer"] == "3.0"  # (the long English unit wrapped the figure onto 3 lines)


def test_a_long_community_list_is_picked_township_first(pages_db, monkeypatch) -> None:  # noqa: ANN001, F811
    # The whole county over a limit of 40 (a province's 17,400 over 2,000): a township picker
    # comes first and the community picker lists only its communities; picking another township
    # makes it the selection (sidebar, breadcrumb, link) and lists its communities.
    from oversight.frame import shell

    monkeypatch.setattr(shell, "COMMUNITY_OPTIONS", 40)
    at = run_page("profile")
    town, comm = at.selectbox(key="profile_pick_town"), at.selectbox[1]
    assert town.value == JINCHENG and comm.value == "511324100012"  # 金新社区, first in the registry
    assert len(comm.options) < 40 and all(o.startswith("金城镇 · ") for o in comm.options)
    town.set_value(XINZHENG).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="w_f_towns").value == [XINZHENG] and at.query_params["town"] == XINZHENG
    assert [b.key for b in at.selectbox if b.key.startswith("profile_pick")] == ["profile_pick_511324101000_None_"]
    comm = at.selectbox(key="profile_pick_511324101000_None_")  # 36 communities: no township picker
    assert comm.value == "511324101001" and all(o.startswith("新政镇 · ") for o in comm.options)


def test_empty_selection_says_so(pages_db) -> None:  # noqa: ANN001, F811
    at = set_towns(run_page("profile"), [DUMEN])
    assert "没有月度报表" in texts(at) and not at.metric


def test_everything_the_latest_report_says_is_on_the_page(pages_db) -> None:  # noqa: ANN001, F811
    at = set_towns(run_page("profile"), [XINZHENG])
    [report] = [d.value for d in at.dataframe if "指标" in d.value.columns]
    shown = dict(zip(report["指标"], report["数值"], strict=True))
    import duckdb

    with duckdb.connect(str(pages_db), read_only=True) as con:
        platforms, grids, fulltime = con.execute(
            "SELECT service_platforms, grids, grid_workers_fulltime FROM community_month "
            "WHERE community_code = '511324101001' ORDER BY month DESC LIMIT 1"
        ).fetchone()
    assert shown["服务平台数(个)"] == f"{platforms:,}" and shown["网格数(个)"] == f"{grids:,}"
    assert shown["专职网格员数(人)"] == ("—" if fulltime is None else f"{fulltime:,}")


def test_the_chosen_community_goes_into_the_breadcrumb_and_the_url(pages_db) -> None:  # noqa: ANN001, F811
    at = set_towns(run_page("profile"), [XINZHENG])
    at.selectbox[0].set_value("511324101002").run()  # 临江社区
    assert not at.exception
    assert at.query_params.get("comm") == "511324101002"
    assert at.caption[0].value.startswith("全县 › 新政镇 › 临江社区")
    assert at.selectbox[0].value == "511324101002"
    assert any("东北社区" in o for o in at.selectbox[0].options)  # the township's others are still offered


def test_a_village_without_neighbourhoods_gets_no_empty_coverage_chart(pages_db) -> None:  # noqa: ANN001, F811
    """华堂村 has no 小区: instead of an empty 95–100% chart with a standard line the page says
    there is nothing to chart (the new-user pass met it on 礼山社区); the other themes still chart."""
    import duckdb

    with duckdb.connect(str(pages_db), read_only=True) as con:
        (code,) = con.execute("SELECT community_code FROM ref_community WHERE community_name = '华堂村'").fetchone()
    at = set_towns(run_page("profile"), [JINCHENG])
    at.selectbox[0].set_value(code).run()
    assert not at.exception
    assert "所选月份没有可计算的小区党组织覆盖率" in texts(at)
    assert not any("覆盖率" in t for t in chart_titles(at)) and any("面积" in t for t in chart_titles(at))
