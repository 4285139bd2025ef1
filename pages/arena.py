"""擂台比武 Arena competition: compare a 片区 (or hand-picked communities) side by side with a
transparent composite score, see why each community ranks where it does, and download the pack."""

from __future__ import annotations

import streamlit as st

from oversight import arena
from oversight.arena import entrants, period, scoreboard
from oversight.arena.pack import Pack, html, xlsx
from oversight.figures import arena as figs
from oversight.frame import empty_notice, guarded, kept, page_setup, tr
from oversight.frame.state import put
from oversight.frame.weights import weights_panel
from oversight.i18n import fmt_month, register, t
from oversight.queries import arena as q
from oversight.queries.common import communities, months

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
    "arena.page.download": ("下载比武材料", "Download the arena pack"),
    "arena.page.download_xlsx": ("Excel 材料", "Excel pack"),
    "arena.page.download_html": ("打印版（HTML，可离线打开后打印为A4）", "Printable (HTML, opens offline, prints A4)"),
}
register(STRINGS)

MAX_PICK, RADAR_MAX, RADAR_FIRST = 20, 8, 6
TRENDS = ("m2_per_100_households", "resolution_rate", "satisfaction_rate", "volunteers_per_100hh")


# ------------------------------------------------------------------ page

f = page_setup("arena")
lang = f.lang
st.title(tr("page.arena"))
st.caption(tr("arena.page.intro"))

reg, all_months = communities(f.allowed_towns), months(f.allowed_towns)  # a town user: its own only
if empty_notice(reg if all_months else None):
    st.stop()
name_of = dict(zip(reg["community_code"], reg["community_name"], strict=False))
town_of = dict(zip(reg["community_code"], reg["town_name"], strict=False))

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
        **kept("arena_who_w", "pick" if len(picked) >= 2 else "group", ("group", "pick")),
    )
    if who == "group":
        groups = entrants.groups(reg)
        first = entrants.default_group(reg, f.group, f.community_codes)
        group = st.selectbox(tr("arena.page.group"), groups, **kept("arena_group_w", first, groups))
        codes = reg.loc[reg["group_name"] == group, "community_code"].tolist()
        title = group
    else:
        codes = st.multiselect(
            tr("arena.page.pick"),
            list(name_of),
            format_func=lambda c: f"{town_of[c]} · {name_of[c]}",
            max_selections=MAX_PICK,
            **kept("arena_pick_w", picked, list(name_of)),
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
        **kept("arena_kind_w", "range", period.KINDS),
    )
    choice = None
    if kind != "range":
        options = period.choices(kind, all_months)
        choice = st.selectbox(
            period.kind_label(kind, lang),
            options,
            format_func=lambda v: period.choice_label(kind, v, lang),
            **kept(f"arena_{kind}_w", options[0], options),
        )
    when = period.pick(kind, choice, (f.month_from, f.month_to), all_months)
    if when.clipped:
        st.caption(tr("arena.page.period_clipped", month=fmt_month(all_months[-1], lang)))
    st.markdown(f"**{when.label(lang)}**")
    st.caption(tr("arena.page.period_note"))

# --- indicators, weights, method
weights, method = weights_panel(lang)
if sum(weights.values()) <= 0:
    st.stop()
if len(codes) < 2:
    st.info(tr("arena.page.pick_few"))
    st.stop()

# --- score
info = q.indicator_values(codes, when.start, when.end, f.allowed_towns)
if empty_notice(info):
    st.stop()
info = info.set_index("community_code")
names = scoreboard.display_names(info)
values = info[[i.key for i in arena.INDICATORS]]
result = arena.score(values, weights, method)
sens = arena.sensitivity(result)
other_method = next(m for m in arena.METHODS if m != method)  # does the method, not the data, decide the order?
board = scoreboard.board(result, sens, info, lang, other=arena.score(values, weights, other_method))
ranked = board.index[board["rank"].notna()].tolist()
colours = figs.community_colours(sorted(info.index))

st.subheader(tr("arena.page.scoreboard"))
st.caption(tr("arena.page.scoreboard_help"))
st.plotly_chart(figs.contributions(result, names, lang), key="arena_contrib")
st.dataframe(scoreboard.ranking_table(board, lang, other_method), hide_index=True, key="arena_board")

lines = scoreboard.missing_lines(result, names, lang) + scoreboard.nobody_lines(result, lang)
if lines:
    st.warning(
        f"**{tr('arena.page.missing_title')}** — {tr('arena.missing_note')}\n\n" + "\n".join(f"- {x}" for x in lines)
    )

# --- side by side
st.subheader(tr("arena.page.side"))
st.caption(tr("arena.page.side_help"))
show_delta = st.toggle(tr("arena.page.show_delta"), **kept("arena_delta_w", False))
st.dataframe(scoreboard.comparison(result, names, lang, deltas=show_delta), hide_index=True, key="arena_side")

# --- radar, strengths and gaps
st.subheader(tr("arena.page.radar"))
radar = kept("arena_radar_w", ranked[:RADAR_FIRST], ranked)
if not st.session_state["arena_radar_w"]:  # none of the kept ones competes here: the first ones again
    put("arena_radar_w", ranked[:RADAR_FIRST])
radar_codes = st.multiselect(
    tr("arena.page.radar_pick"), ranked, format_func=names.get, max_selections=RADAR_MAX, **radar
)
left, right = st.columns([3, 2])
left.plotly_chart(figs.radar(result, radar_codes, names, colours, lang), key="arena_radar_fig")
with right:
    st.markdown(f"**{tr('arena.page.strengths')}**")
    for c in radar_codes:
        st.markdown(f"**{names[c]}**（{result.composite[c]:.1f}）　{scoreboard.strengths(result, c, lang)}")

# --- trends
st.subheader(tr("arena.page.trends"))
monthly = q.monthly_values(codes, when.start, when.end, f.allowed_towns)
trend_opts = [i.key for i in arena.INDICATORS if weights[i.key] > 0 and i.transform != "growth"]
trend_keys = st.multiselect(
    tr("arena.page.trend_pick"),
    trend_opts,
    format_func=lambda k: arena.indicator(k).label(lang),
    **kept("arena_trend_w", [k for k in TRENDS if k in trend_opts], trend_opts),
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
