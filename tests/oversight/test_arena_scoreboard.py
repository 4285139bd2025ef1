"""The tables the 擂台比武 page shows and the pack prints, built once (oversight.arena.scoreboard),
and the pack's file names."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from oversight import arena
from oversight.arena import scoreboard
from oversight.arena.pack import Pack

WEIGHTS = {"resolution_rate": 1, "households_per_grid": 1, "party_org_coverage": 1}


def group() -> tuple[arena.ArenaResult, pd.DataFrame, pd.DataFrame]:
    """Four communities: 东北社区 best, 新政镇华堂村 without 小区 (no coverage), 新井村 without any
    report, and a second 华堂村 in another township."""
    values = pd.DataFrame(
        {
            "resolution_rate": [0.97, 0.90, np.nan, 0.80],
            "households_per_grid": [300, 500, np.nan, 400],
            "party_org_coverage": [1.0, np.nan, np.nan, 0.5],
        },
        index=["c1", "c2", "c3", "c4"],
    )
    info = pd.DataFrame(
        {
            "community_name": ["东北社区", "华堂村", "新井村", "华堂村"],
            "town_name": ["新政镇", "新政镇", "立山镇", "度门街道"],
        },
        index=values.index,
    )
    result = arena.score(values, WEIGHTS)
    return result, arena.sensitivity(result, draws=50), info


def test_board_lists_every_community_best_first_with_what_it_lacks() -> None:
    result, sens, info = group()
    b = scoreboard.board(result, sens, info, "zh")
    assert list(b.index) == ["c1", "c2", "c4", "c3"]  # 新井村 without data last
    assert b["name"].tolist() == ["东北社区", "新政镇华堂村", "度门街道华堂村", "新井村"]  # the same name: town added
    assert b.loc["c1", "rank"] == 1 and np.isnan(b.loc["c3", "rank"])
    assert b.loc["c2", "missing"] == "小区党组织覆盖率" and b.loc["c1", "missing"] == ""
    assert b.loc["c3", "missing"] == "无数据" and b.loc["c3", "rank_range"] == "—"
    assert b.loc["c1", "rank_range"] == "第1名"  # the rank with its band, in words
    points = b[list(WEIGHTS)].sum(axis=1)
    assert points[["c1", "c2", "c4"]].tolist() == pytest.approx(
        b["composite"].dropna().loc[["c1", "c2", "c4"]].tolist()
    )
    assert "other_rank" not in b
    other = arena.score(result.values, WEIGHTS, "standard")
    assert scoreboard.board(result, sens, info, "en", other)["other_rank"].notna().sum() == 3


def test_the_page_scoreboard_shows_only_ranked_communities_with_translated_headers() -> None:
    result, sens, info = group()
    b = scoreboard.board(result, sens, info, "zh", arena.score(result.values, WEIGHTS, "standard"))
    shown = scoreboard.ranking_table(b, "zh", "standard").data
    assert list(shown.columns) == [
        "名次",
        "村(社区)",
        "乡镇(街道)",
        "综合得分",
        "名次区间",
        "权重浮动时排第一的比例",
        "缺失指标",
        "补分权重",
        "按“对标标准值”的名次",
    ]
    assert shown["村(社区)"].tolist() == ["东北社区", "新政镇华堂村", "度门街道华堂村"]  # 新井村 is not ranked
    assert shown["缺失指标"].tolist() == ["—", "小区党组织覆盖率", "—"]
    assert shown["综合得分"].tolist() == [100.0, 29.4, 16.7]
    english = scoreboard.ranking_table(b, "en", "standard").data
    assert english.columns[0] == "Rank" and english.columns[-1] == "Rank by “Distance to standard”"


def test_missing_data_said_in_sentences() -> None:
    result, _, info = group()
    names = scoreboard.display_names(info)
    assert scoreboard.missing_lines(result, names, "zh") == [
        "新政镇华堂村：缺小区党组织覆盖率（占权重33%），按不抬高得分的规则补分。",
        "新井村：统计期内没有报送数据，未参与排名。",
    ]
    assert scoreboard.missing_line(result, "c1", names, "zh") is None
    assert scoreboard.nobody_lines(result, "zh") == []
    empty = arena.score(result.values.assign(party_org_coverage=np.nan), WEIGHTS)
    assert scoreboard.nobody_lines(empty, "zh") == ["“小区党组织覆盖率”全组都没有数据，其权重已分配到其他指标。"]
    assert scoreboard.strengths(result, "c2", "zh") == "长处：办结率；短板：格均户数"


def test_comparison_marks_best_and_worst_by_direction() -> None:
    result, _, info = group()
    names = scoreboard.display_names(info)
    styled = scoreboard.comparison(result, names, "zh")
    table = styled.data.set_index("指标")
    assert list(table.columns) == ["东北社区", "新政镇华堂村", "度门街道华堂村", "新井村", "组中位数"]
    grid = table.loc["格均户数（户/网格）"]
    assert grid["东北社区"] == "300.0 ▲"  # fewer households per grid is better
    assert grid["新政镇华堂村"] == "500.0 ▼" and grid["新井村"] == "—"
    assert table.loc["办结率（%）", "组中位数"] == "90.0%"
    html = styled.to_html()
    assert scoreboard.BEST_COLOUR in html and scoreboard.WORST_COLOUR in html
    deltas = scoreboard.comparison(result, names, "zh", deltas=True).data.set_index("指标")
    assert deltas.loc["办结率（百分点）", "东北社区"] == "+7.0 ▲"


def _pack(title: str, start: date, end: date, lang: str = "zh") -> Pack:
    result, sens, info = group()
    return Pack(title, start, end, lang, result, sens, info, pd.DataFrame(), 50, 0.2, 1)


def test_pack_file_names_carry_the_group_and_the_months() -> None:
    assert (
        _pack("城乡融合片区一组", date(2024, 1, 1), date(2024, 12, 1)).file_name("xlsx")
        == "擂台比武对比材料_城乡融合片区一组_2024-01_2024-12.xlsx"
    )
    assert _pack("东北社区、临江社区", date(2024, 3, 1), date(2024, 3, 1)).file_name("html") == (
        "擂台比武对比材料_东北社区、临江社区_2024-03.html"
    )
    # what a file name cannot hold, and spaces, become _
    english = _pack('东北社区 and 3 more: "a/b"', date(2024, 1, 1), date(2024, 2, 1), "en")
    assert (
        english.file_name("xlsx") == "Arena_competition_comparison_pack_东北社区_and_3_more_a_b__2024-01_2024-02.xlsx"
    )


def _county_pack(result: object, info: pd.DataFrame, draws: int = 5) -> Pack:
    """The county pack (zh, Jan–Mar 2024) for `result` and `info`."""
    return Pack(
        "全县",
        date(2024, 1, 1),
        date(2024, 3, 1),
        "zh",
        result,
        arena.sensitivity(result, draws=draws),
        info,
        pd.DataFrame(),
        20,
        0.2,
        1,
    )


def _summary_sheet(pack: Pack) -> object:
    """The pack workbook's first sheet, 汇总, read back."""
    import io

    import openpyxl

    from oversight.arena.pack import xlsx as pack_xlsx

    return openpyxl.load_workbook(io.BytesIO(pack_xlsx.build_xlsx(pack))).worksheets[0]


def test_with_peer_groups_the_chart_and_the_pack_say_which_group_each_rank_is_in() -> None:
    """同类比较 社区/村: two 第1名, a 村's 68 drawn above a 社区's 84 with nothing between them, and
    the pack's 汇总 with two rank-1 rows and no group (new-user pass)."""

    from oversight.arena.pack import html as pack_html
    from oversight.figures import arena as arena_fig

    values = pd.DataFrame({"resolution_rate": [0.99, 0.95, 0.90, 0.80]}, index=["s1", "s2", "v1", "v2"])
    groups = pd.Series({"s1": "社区", "s2": "社区", "v1": "村", "v2": "村"})
    result = arena.score(values, {"resolution_rate": 1}, groups=groups)
    info = pd.DataFrame(
        {
            "community_name": ["东北社区", "临江社区", "新井村", "华堂村"],
            "town_name": ["新政镇"] * 4,
            "households": [3000, 2000, 800, 500],
            "months_reported": [3] * 4,
        },
        index=values.index,
    )
    fig = arena_fig.contributions(result, scoreboard.display_names(info), "zh")
    assert sorted(a.text for a in fig.layout.annotations if "组内排名" in a.text) == ["村组内排名 ↓", "社区组内排名 ↓"]
    assert len([s for s in fig.layout.shapes if s.type == "line" and s.xref == "paper"]) == 1  # one rule between

    pack = _county_pack(result, info, draws=20)
    ws = _summary_sheet(pack)
    header = [c.value for c in ws[7]]
    assert header[:3] == ["名次", "同类组", "村(社区)"]
    rows = {r[2]: (r[0], r[1]) for r in ws.iter_rows(min_row=8, max_row=11, values_only=True)}
    assert rows["东北社区"] == (1, "社区") and rows["新井村"] == (1, "村")
    assert "<th class=l>同类组</th>" in pack_html.build_html(pack)


def test_the_pack_workbook_keeps_formula_like_names_as_text() -> None:
    """Every download escapes = + - @ cells: the pack's workbook wrote names with no escape, so
    a name like "=1+2" ran as a formula once its cell was edited in Excel."""

    values = pd.DataFrame({"resolution_rate": [0.99, 0.90]}, index=["a", "b"])
    result = arena.score(values, {"resolution_rate": 1})
    info = pd.DataFrame(
        {
            "community_name": ["=1+2", "东北社区"],
            "town_name": ["新政镇"] * 2,
            "households": [3000, 2000],
            "months_reported": [3] * 2,
        },
        index=values.index,
    )
    ws = _summary_sheet(_county_pack(result, info))
    [cell] = [c for row in ws.iter_rows() for c in row if c.value == "=1+2"]
    assert cell.data_type == "s" and cell.quotePrefix
    assert not any(c.quotePrefix for row in ws.iter_rows() for c in row if c.value == "东北社区")


def test_a_remembered_arena_chart_is_found_again_for_the_cached_copy_of_its_result() -> None:
    """The page's scores come from st.cache_data: the first run gets the result as computed, later
    runs an unpickled copy. Keyed by the result's own pickle, the two missed each other and the
    first rerun after every choice rebuilt the charts (0.15 s at ×50)."""
    import pickle

    import streamlit as st

    from oversight.figures import arena as arena_fig

    values = pd.DataFrame({"resolution_rate": [0.99, 0.90, 0.80]}, index=["a", "b", "c"])
    result = arena.score(values, {"resolution_rate": 1}, groups=pd.Series({"a": "社区", "b": "村", "c": "村"}))
    names = {"a": "东北社区", "b": "新井村", "c": "华堂村"}
    st.cache_resource.clear()
    first = arena_fig.contributions(result, names, "zh")
    again = arena_fig.contributions(pickle.loads(pickle.dumps(result)), names, "zh")
    assert again is first
