"""擂台比武 Arena competition: compare a 片区 (or hand-picked communities) side by side with a
transparent composite score, see why each community ranks where it does, and download the pack."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core.peers import COMMUNITY_RULES, community_rule
from core.settings import min_cases
from oversight import arena
from oversight.arena import entrants, period, scoreboard
from oversight.arena.pack import Pack, html, xlsx
from oversight.figures import arena as figs
from oversight.frame import empty_notice, guarded, kept, page_setup, select_all, tr
from oversight.frame.state import put
from oversight.frame.weights import WEIGHTS, weights_panel
from oversight.i18n import fmt_month, register, t
from oversight.queries import arena as q
from oversight.queries.common import communities, data_version, months

STRINGS = {
    "arena.page.intro": (
        "擂台比武的客观指标部分（满分100）：指标按“365”工作法归类，按每百户、比率或期内增长计算，大小社区公平可比；"
        "权重可调，缺失数据如实显示。",
        "The objective half of the arena competition (out of 100): indicators grouped by the 365 method, "
        "per 100 households, rates or growth, so large and small communities compare fairly; weights "
        "you can change; missing data shown as missing.",
    ),
    "arena.page.who": ("参赛村(社区)", "Who competes"),
    "arena.page.who_group": ("按片区", "A group (片区)"),
    "arena.page.who_pick": ("自选村(社区)", "Hand-picked"),
    "arena.page.group": ("片区", "Group (片区)"),
    "arena.page.pick": ("村(社区)（2–20个）", "Communities (2–20)"),
    "arena.page.pick_few": ("请至少选择2个村(社区)。", "Pick at least 2 communities."),
    "arena.page.when": ("统计期", "Period"),
    "arena.page.period_clipped": ("数据截至{month}，统计期按此截止。", "Data end in {month}; the period stops there."),
    "arena.page.period_note": (
        "存量指标（户数、面积、覆盖率等）取统计期最后一个月；流量指标（诉求、志愿时长）按期内合计；增长率为期末比期初。",
        "Stocks (households, area, coverage …) are read at the period's last month; flows (requests, "
        "volunteer hours) are summed over the period; growth is the last month against the first.",
    ),
    "arena.page.scoreboard": ("排名与得分构成", "Scoreboard"),
    "arena.page.scoreboard_help": (
        "每根横条的长度是综合得分，各色段是每项指标贡献的分数：看条形就知道谁为什么领先。",
        "Each bar's length is the composite; each coloured part is what one indicator adds, so the bars "
        "show why a community is ahead.",
    ),
    "arena.page.missing_title": ("缺失数据", "Missing data"),
    "arena.page.side": ("逐项对比", "Side by side"),
    "arena.page.side_help": (
        "▲绿色为该项组内最好，▼红色为最差；“—”为缺失。",
        "▲ green: best in the group on that row; ▼ red: worst; “—”: missing.",
    ),
    "arena.page.show_delta": ("显示与组中位数之差", "Show differences to the group median"),
    "arena.page.radar": ("雷达图", "Radar"),
    "arena.page.radar_pick": ("雷达图中的村(社区)（最多8个）", "Communities on the radar (up to 8)"),
    "arena.page.trends": ("月度走势", "Monthly trends"),
    "arena.page.strengths": ("长处与短板（按0–100得分）", "Strengths and gaps (by 0–100 score)"),
    "arena.page.trend_pick": ("走势指标", "Indicators to plot"),
    "arena.page.sensitivity": ("名次稳健性", "How robust is the ranking?"),
    "arena.page.peers": ("同类比较", "Peer groups"),
    "arena.page.quality_weight": ("数据质量得分（可选指标）权重", "Weight of the data-quality score (optional)"),
    "arena.page.quality_help": (
        "报送及时、完整、一致、少更正的得分（见“数据质量”页），默认0：不计入。",
        "How timely, complete, consistent and rarely corrected the reports are (the Data quality page); "
        "0 by default: not counted.",
    ),
    "arena.page.peers_help": (
        "分组后每组内单独计分、排名（社区与社区比，村与村比）。",
        "With peer groups each group is scored and ranked on its own (communities against communities, "
        "villages against villages).",
    ),
    "arena.page.few_note": (
        "灰色带 * 的比率所依据的案件少于{n}件：只显示、不计分。",
        "Greyed rates marked * stand on fewer than {n} cases: shown, not scored.",
    ),
    "arena.page.movement_note": (
        "“较上期”与{period}按同样规则计算的名次相比。",
        "“Since last period” compares with {period}, scored by the same rules.",
    ),
    "arena.page.correlation": ("指标相关性检查", "Do two indicators count the same thing?"),
    "arena.page.correlation_help": (
        "各指标在参赛村(社区)之间的秩相关（斯皮尔曼ρ，已按“越大越好”方向统一）。|ρ| ≥ {double}的两项可能重复计分，"
        "可考虑降低其中一项的权重；显示|ρ| ≥ 0.7的指标对。",
        "Rank correlation (Spearman's ρ, oriented so that higher is better) between indicators across the "
        "competitors. Two indicators with |ρ| ≥ {double} may count the same thing twice: consider lowering the "
        "weight of one. Pairs with |ρ| ≥ 0.7 are listed.",
    ),
    "arena.page.correlation_none": ("没有高度相关的指标对。", "No strongly correlated pair."),
    "arena.page.double": (
        "{a}与{b}高度相关（ρ = {rho:.2f}，{n}个村(社区)），可能重复计分。",
        "{a} and {b} are strongly correlated (ρ = {rho:.2f}, {n} communities): they may count the same thing twice.",
    ),
    "arena.page.download": ("下载比武材料", "Download the arena pack"),
    "arena.page.download_xlsx": ("Excel 材料", "Excel pack"),
    "arena.page.download_html": ("打印版（HTML，可离线打开后打印为A4）", "Printable (HTML, opens offline, prints A4)"),
}
register(STRINGS)

MAX_PICK, RADAR_MAX, RADAR_FIRST = 20, 8, 6
TRENDS = ("m2_per_100_households", "resolution_rate", "satisfaction_rate", "volunteers_per_100hh")


# ------------------------------------------------------------------ page


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _groups(
    version: str,  # noqa: ARG001 - the key: common.data_version()
    allowed: tuple[str, ...] | None,
    group: str | None,
    codes: tuple[str, ...],
) -> tuple[list[str], str]:
    """(every 片区 of the registry in scope, the one shown first): entrants.groups and
    default_group over the 17,400 communities of ×50 once per data version, not per rerun."""
    reg = communities(allowed)
    return entrants.groups(reg), entrants.default_group(reg, group, codes)


f = page_setup("arena")
lang = f.lang
st.title(tr("page.arena"))
st.caption(tr("arena.page.intro"))

reg, all_months = communities(f.allowed_towns), months(f.allowed_towns)  # a town user: its own only
if empty_notice(reg if all_months else None):
    st.stop()
all_codes = reg["community_code"].tolist()  # lists first: Arrow columns iterate slowly (17,400 at ×50)
name_of = dict(zip(all_codes, reg["community_name"].tolist(), strict=False))
town_of = dict(zip(all_codes, reg["town_name"].tolist(), strict=False))

# --- who and when
who_col, when_col = st.columns(2)
with who_col:
    st.subheader(tr("arena.page.who"))
    picked = list(f.community_codes[:MAX_PICK])
    who = st.radio(
        tr("arena.page.who"),
        ("group", "pick"),
        format_func=lambda v: t(f"arena.page.who_{v}", lang),
        horizontal=True,
        label_visibility="collapsed",
        **kept("arena_who_w", "pick" if len(picked) >= 2 else "group", ("group", "pick"), url="who"),
    )
    if who == "group":
        groups, first = _groups(data_version(), f.allowed_towns, f.group, f.community_codes)
        group = st.selectbox(
            tr("arena.page.group"),
            groups,
            placeholder=tr("frame.choose"),
            **kept("arena_group_w", first, groups, url="grp"),
        )
        codes = reg.loc[reg["group_name"] == group, "community_code"].tolist()
        title = group
    else:
        codes = st.multiselect(
            tr("arena.page.pick"),
            list(name_of),
            format_func=lambda c: f"{town_of[c]} · {name_of[c]}",
            max_selections=MAX_PICK,
            placeholder=tr("frame.choose"),
            select_all=select_all(),
            **kept("arena_pick_w", picked, list(name_of), url="pick", most=MAX_PICK),
        )
        title = entrants.picked_title(codes, name_of, lang)

with when_col:
    st.subheader(tr("arena.page.when"))
    kind = st.radio(
        tr("arena.page.when"),
        period.KINDS,
        format_func=lambda v: period.kind_label(v, lang),
        horizontal=True,
        label_visibility="collapsed",
        **kept("arena_kind_w", "range", period.KINDS, url="period"),
    )
    choice = None
    if kind != "range":
        options = period.choices(kind, all_months)
        choice = st.selectbox(
            period.kind_label(kind, lang),
            options,
            format_func=lambda v: period.choice_label(kind, v, lang),
            placeholder=tr("frame.choose"),
            **kept(f"arena_{kind}_w", options[0], options, url="when"),
        )
    when = period.pick(kind, choice, (f.month_from, f.month_to), all_months)
    if when.clipped:
        st.caption(tr("arena.page.period_clipped", month=fmt_month(all_months[-1], lang)))
    st.markdown(f"**{when.label(lang)}**")
    st.caption(tr("arena.page.period_note"))

# --- indicators, weights, method, peer groups, and everything scored with them


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _scores(
    version: str,
    codes: tuple[str, ...],
    when: tuple[date, date],
    before: tuple[date, date] | None,
    allowed: tuple[str, ...] | None,
    weights: tuple[tuple[str, float], ...],
    method: str,
    peers: str,
    lang: str,
    few: int,
) -> dict[str, object] | None:
    """Everything the scoreboard shows, worked out once per warehouse `version` and choice (a
    rerun re-scored, re-drew 200 sensitivity draws and recomputed the correlations: 2 s of the
    arena's 2.3 s rerun at ×50): info (indicator_values by community_code), names, result,
    sens, previous (the period `before`, None without one), board, other_method, pairs
    (arena.correlations), lines (entrants' missing indicators: scoreboard.missing_lines and
    nobody_lines), side (False/True → scoreboard.comparison_cells without and with deltas) and
    strengths (code → scoreboard.strengths). None when no entrant has values. `few` is
    core.settings.min_cases()."""
    w = dict(weights)
    rule = community_rule(peers)
    info = q.indicator_values(list(codes), *when, allowed)
    if info.empty:
        return None
    info = info.set_index("community_code")
    if w.get("data_quality", 0) > 0:
        info = info.join(q.data_quality(list(info.index), *when))
    keys = [i.key for i in (*arena.INDICATORS, *arena.OPTIONAL) if i.key in info.columns]
    values = info[keys]
    groups = info[rule.column].map(lambda v: rule.label(v, lang)) if rule.column else None
    rules = {"cases": info, "min_cases": few, "groups": groups}
    result = arena.score(values, w, method, **rules)
    sens = arena.sensitivity(result)
    other_method = next(m for m in arena.METHODS if m != method)  # does the method, not the data, decide the order?
    previous = None
    if before is not None:
        prev_info = q.indicator_values(list(codes), *before).set_index("community_code")
        if w.get("data_quality", 0) > 0:
            prev_info = prev_info.join(q.data_quality(list(prev_info.index), *before))
        previous = arena.score(prev_info[keys], w, method, **(rules | {"cases": prev_info}))
    board = scoreboard.board(
        result, sens, info, lang, other=arena.score(values, w, other_method, **rules), previous=previous
    )
    names = scoreboard.display_names(info)
    return {
        "info": info,
        "names": names,
        "result": result,
        "sens": sens,
        "previous": previous,
        "board": board,
        "other_method": other_method,
        "pairs": arena.correlations(result),
        "lines": scoreboard.missing_lines(result, names, lang) + scoreboard.nobody_lines(result, lang),
        # the side-by-side table and the strengths, once per choice too (0.13 s of pandas a rerun at ×50)
        "side": {d: scoreboard.comparison_cells(result, names, lang, deltas=d) for d in (False, True)},
        "strengths": {c: scoreboard.strengths(result, c, lang) for c in result.composite.index},
    }


@st.fragment
def scored(codes: list[str], when: period.Period, title: str) -> None:
    """The weights and all they drive: a weight, method or peer change reruns only this part
    of the page (issue 16.8), not the sidebar, the header and the choice of who and when."""
    weights, method = weights_panel(lang)
    peers = st.radio(
        tr("arena.page.peers"),
        list(COMMUNITY_RULES),
        format_func=lambda v: COMMUNITY_RULES[v].zh if lang == "zh" else COMMUNITY_RULES[v].en,
        horizontal=True,
        help=tr("arena.page.peers_help"),
        **kept("arena_peers_w", "none", list(COMMUNITY_RULES), url="peers"),
    )
    quality_weight = st.number_input(
        tr("arena.page.quality_weight"),
        min_value=0,
        max_value=100,
        step=1,
        help=tr("arena.page.quality_help"),
        **kept("arena_weight_data_quality_w", 0, WEIGHTS, url="w_data_quality"),
    )
    weights = {**weights, "data_quality": quality_weight}
    if sum(weights.values()) <= 0:
        return
    if len(codes) < 2:
        st.info(tr("arena.page.pick_few"))
        return

    # --- score
    before = period.previous(when)
    got = _scores(
        data_version(),
        tuple(codes),
        (when.start, when.end),
        (before.start, before.end) if before.start >= all_months[0] else None,
        f.allowed_towns,
        tuple(sorted(weights.items())),
        method,
        peers,
        lang,
        min_cases(),
    )
    if empty_notice(None if got is None else got["info"]):
        return
    info, names, result, sens, board = got["info"], got["names"], got["result"], got["sens"], got["board"]
    previous, other_method = got["previous"], got["other_method"]
    ranked = board.index[board["rank"].notna()].tolist()
    colours = figs.community_colours(sorted(info.index))

    st.subheader(tr("arena.page.scoreboard"))
    st.caption(tr("arena.page.scoreboard_help"))
    st.plotly_chart(figs.contributions(result, names, lang), key="arena_contrib")
    st.dataframe(
        scoreboard.ranking_table(board, lang, other_method), hide_index=True, key="arena_board", placeholder="—"
    )
    if previous is not None:
        st.caption(tr("arena.page.movement_note", period=before.label(lang)))

    lines = got["lines"]
    if lines:
        st.warning(
            f"**{tr('arena.page.missing_title')}** — {scoreboard.missing_note(lang)}\n\n"
            + "\n".join(f"- {x}" for x in lines)
        )

    # --- side by side
    st.subheader(tr("arena.page.side"))
    st.caption(tr("arena.page.side_help") + " " + tr("arena.page.few_note", n=min_cases()))
    show_delta = st.toggle(tr("arena.page.show_delta"), **kept("arena_delta_w", False, (False, True), url="delta"))
    st.dataframe(
        scoreboard.styled(got["side"][show_delta]),
        hide_index=True,
        key="arena_side",
        placeholder="—",
    )

    # --- radar, strengths and gaps
    st.subheader(tr("arena.page.radar"))
    radar = kept("arena_radar_w", ranked[:RADAR_FIRST], ranked, url="radar", most=RADAR_MAX)
    if not st.session_state["arena_radar_w"]:  # none of the kept ones competes here: the first ones again
        put("arena_radar_w", ranked[:RADAR_FIRST])
        radar = kept("arena_radar_w", ranked[:RADAR_FIRST], ranked, url="radar", most=RADAR_MAX)
    radar_codes = st.multiselect(
        tr("arena.page.radar_pick"),
        ranked,
        format_func=names.get,
        max_selections=RADAR_MAX,
        placeholder=tr("frame.choose"),
        select_all=select_all(),
        **radar,
    )
    left, right = st.columns([3, 2])
    left.plotly_chart(figs.radar(result, radar_codes, names, colours, lang), key="arena_radar_fig")
    with right:
        st.markdown(f"**{tr('arena.page.strengths')}**")
        for c in radar_codes:
            place = board.at[c, "rank_range"]
            said = (
                f"（{place}，{result.composite[c]:.1f}）　"
                if lang == "zh"
                else f" ({place}, {result.composite[c]:.1f})  "
            )
            st.markdown(f"**{names[c]}**{said}{got['strengths'][c]}")

    # --- correlations between indicators
    st.subheader(tr("arena.page.correlation"))
    st.caption(tr("arena.page.correlation_help", double=arena.CORR_DOUBLE))
    pairs = got["pairs"]
    strong = pairs[pairs["rho"].abs() >= 0.7]
    for row in strong[strong["double"]].itertuples():
        a, b = arena.indicator(row.a).label(lang), arena.indicator(row.b).label(lang)
        st.warning(tr("arena.page.double", a=a, b=b, rho=row.rho, n=row.n))
    if strong.empty:
        st.caption(tr("arena.page.correlation_none"))
    else:
        st.dataframe(scoreboard.correlation_table(strong, lang), hide_index=True, key="arena_corr", placeholder="—")

    # --- trends
    st.subheader(tr("arena.page.trends"))
    monthly = q.monthly_values(codes, when.start, when.end, f.allowed_towns)
    trend_opts = [i.key for i in arena.INDICATORS if weights[i.key] > 0 and i.transform != "growth"]
    trend_keys = st.multiselect(
        tr("arena.page.trend_pick"),
        trend_opts,
        format_func=lambda k: arena.indicator(k).label(lang),
        placeholder=tr("frame.choose"),
        select_all=select_all(),
        **kept("arena_trend_w", [k for k in TRENDS if k in trend_opts], trend_opts, url="trend"),
    )
    if trend_keys and not empty_notice(monthly):
        st.plotly_chart(figs.trends(monthly, trend_keys, names, colours, lang), key="arena_trends")

    # --- sensitivity
    st.subheader(tr("arena.page.sensitivity"))
    st.caption(tr("arena.pack.sensitivity_text", spread=arena.SPREAD, draws=arena.DRAWS, seed=arena.SEED))
    st.plotly_chart(figs.rank_ranges(sens, names, lang, arena.DRAWS, arena.SPREAD), key="arena_ranks")

    # --- the pack
    st.subheader(tr("arena.page.download"))
    pack = Pack(title, when.start, when.end, lang, result, sens, info, monthly, arena.DRAWS, arena.SPREAD, arena.SEED)
    d1, d2, _ = st.columns([1, 2, 2])
    d1.download_button(
        tr("arena.page.download_xlsx"),
        data=guarded(lambda: xlsx.build_xlsx(pack), "arena_pack", "arena_dl_xlsx", rows=lambda _: len(info)),
        file_name=pack.file_name("xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="arena_dl_xlsx",
        on_click="ignore",
        icon=":material/download:",
    )
    d2.download_button(
        tr("arena.page.download_html"),
        data=guarded(lambda: html.build_html(pack, colours), "arena_pack", "arena_dl_html", rows=lambda _: len(info)),
        file_name=pack.file_name("html"),
        mime="text/html",
        key="arena_dl_html",
        on_click="ignore",
        icon=":material/print:",
    )


scored(codes, when, title)
