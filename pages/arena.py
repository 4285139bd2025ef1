"""擂台比武 Arena competition: compare a 片区 (or hand-picked communities) side by side with a
transparent composite score, see why each community ranks where it does, and download the pack."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import streamlit as st

from oversight import arena
from oversight.arena.pack import Pack
from oversight.arena.pack.html import build_html
from oversight.arena.pack.xlsx import build_xlsx
from oversight.arena.scoreboard import display_names
from oversight.figures import arena as figs
from oversight.frame import empty_notice, page_setup, tr
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
    "arena.page.kind_month": ("月", "Month"),
    "arena.page.kind_quarter": ("季度", "Quarter"),
    "arena.page.kind_year": ("年", "Year"),
    "arena.page.kind_range": ("左侧月份范围", "Sidebar range"),
    "arena.page.quarter_fmt": ("{y}年第{q}季度", "{y} Q{q}"),
    "arena.page.year_fmt": ("{y}年", "{y}"),
    "arena.page.period_clipped": ("数据截至{month}，统计期按此截止。", "Data end in {month}; the period stops there."),
    "arena.page.period_note": (
        "存量指标（户数、面积、覆盖率等）取统计期最后一个月；流量指标（诉求、志愿时长）按期内合计；增长率为期末比期初。",
        "Stocks (households, area, coverage …) are read at the period's last month; flows (requests, "
        "volunteer hours) are summed over the period; growth is the last month against the first.",
    ),
    "arena.page.weights": ("指标与权重", "Indicators and weights"),
    "arena.page.weight_help": (
        "{part}｜单位：{unit}｜标准：{standard}",
        "{part} | unit: {unit} | standard: {standard}",
    ),
    "arena.page.weights_total": (
        "权重合计 {total:g} 分，按占比计入综合得分（满分100）。权重为0的指标不计分。",
        "Weights total {total:g} points and count by their share of the composite (out of 100). An indicator at 0 is left out.",
    ),
    "arena.page.weights_zero": ("至少要有一项指标的权重大于0。", "At least one indicator needs a weight above 0."),
    "arena.page.defaults": ("恢复默认权重", "Default weights"),
    "arena.page.presets": ("权重方案", "Weight presets"),
    "arena.page.preset_pick": ("已保存的方案", "Saved presets"),
    "arena.page.preset_none": ("（还没有保存的方案）", "(no saved presets yet)"),
    "arena.page.preset_load": ("载入", "Load"),
    "arena.page.preset_delete": ("删除", "Delete"),
    "arena.page.preset_name": ("方案名称", "Preset name"),
    "arena.page.preset_save": ("保存当前权重", "Save these weights"),
    "arena.page.preset_saved": ("已保存方案“{name}”。", "Saved preset “{name}”."),
    "arena.page.preset_loaded": ("已载入方案“{name}”。", "Loaded preset “{name}”."),
    "arena.page.preset_deleted": ("已删除方案“{name}”。", "Deleted preset “{name}”."),
    "arena.page.preset_error": ("无法保存方案：{error}", "Cannot save the preset: {error}"),
    "arena.page.method": ("标准化方法", "Normalisation"),
    "arena.page.scoreboard": ("排名与得分构成", "Scoreboard"),
    "arena.page.scoreboard_help": (
        "每根横条的长度是综合得分，各色段是每项指标贡献的分数：看条形就知道谁为什么领先。",
        "Each bar's length is the composite; each coloured part is what one indicator adds, so the bars "
        "show why a community is ahead.",
    ),
    "arena.page.missing_title": ("缺失数据", "Missing data"),
    "arena.page.all_missing": (
        "“{label}”全组都没有数据，其权重已分配到其他指标。",
        "Nobody has data for “{label}”; its weight moved to the other indicators for everyone.",
    ),
    "arena.page.side": ("逐项对比", "Side by side"),
    "arena.page.side_help": (
        "▲绿色为该项组内最好，▼红色为最差；“—”为缺失。",
        "▲ green: best in the group on that row; ▼ red: worst; “—”: missing.",
    ),
    "arena.page.show_delta": ("显示与组中位数之差", "Show differences to the group median"),
    "arena.page.median": ("组中位数", "Group median"),
    "arena.page.indicator": ("指标", "Indicator"),
    "arena.page.radar": ("雷达图", "Radar"),
    "arena.page.radar_pick": ("雷达图中的村(社区)（最多8个）", "Communities on the radar (up to 8)"),
    "arena.page.trends": ("月度走势", "Monthly trends"),
    "arena.page.strengths": ("长处与短板（按0–100得分）", "Strengths and gaps (by 0–100 score)"),
    "arena.page.strong_weak": ("长处：{strong}；短板：{weak}", "strong: {strong}; weak: {weak}"),
    "arena.page.trend_pick": ("走势指标", "Indicators to plot"),
    "arena.page.sensitivity": ("名次稳健性", "How robust is the ranking?"),
    "arena.page.download": ("下载比武材料", "Download the arena pack"),
    "arena.page.download_xlsx": ("Excel 材料", "Excel pack"),
    "arena.page.download_html": ("打印版（HTML，可离线打开后打印为A4）", "Printable (HTML, opens offline, prints A4)"),
    "arena.page.pick_title": ("{first}等{n}个村(社区)", "{first} and {more} more"),
    "arena.page.col_rank": ("名次", "Rank"),
    "arena.page.col_name": ("村(社区)", "Community"),
    "arena.page.col_town": ("乡镇(街道)", "Township"),
    "arena.page.col_composite": ("综合得分", "Composite"),
    "arena.page.col_range": ("名次范围", "Rank range"),
    "arena.page.col_first": ("第一名占比", "First in"),
    "arena.page.col_missing": ("缺失指标", "Missing"),
    "arena.page.col_moved": ("转移权重", "Weight moved"),
    "arena.page.col_other": ("按“{method}”的名次", "Rank by “{method}”"),
}
register(STRINGS)

DRAWS, SPREAD, SEED = 500, 0.2, 20221102
MAX_PICK, RADAR_MAX = 20, 8
KEYS = [i.key for i in arena.INDICATORS]
ss = st.session_state


def kept(name: str, default: object) -> str:
    """Widget key for `name`, its value copied from a plain session key that survives page
    changes (Streamlit drops keyed widget values when the user leaves the page)."""
    plain = f"arena_{name}"
    if plain not in ss:
        ss[plain] = default
    ss[f"{plain}_w"] = ss[plain]
    return f"{plain}_w"


def keep(name: str) -> None:
    ss[f"arena_{name}"] = ss[f"arena_{name}_w"]


def _set_weights(weights: dict[str, float], method: str | None = None) -> None:
    for k in KEYS:
        ss[f"arena_weight_{k}"] = int(round(weights.get(k, 0)))
    if method in arena.METHODS:
        ss["arena_method"] = method


def _notice(text: str) -> None:
    ss["arena_notice"] = text


def _load_preset() -> None:
    name = ss.get("arena_preset_pick_w")
    preset = arena.load_presets().get(name or "")
    if preset:
        _set_weights(arena.preset_weights(preset), preset.get("method"))
        _notice(tr("arena.page.preset_loaded", name=name))


def _delete_preset() -> None:
    name = ss.get("arena_preset_pick_w")
    if name:
        arena.delete_preset(name)
        _notice(tr("arena.page.preset_deleted", name=name))


def _save_preset() -> None:
    name = (ss.get("arena_preset_name_w") or "").strip()
    try:
        arena.save_preset(name, current_weights(), ss.get("arena_method", "minmax"))
    except (ValueError, OSError) as e:
        _notice("! " + tr("arena.page.preset_error", error=e))
        return
    ss["arena_preset_pick"] = name
    _notice(tr("arena.page.preset_saved", name=name))


def current_weights() -> dict[str, float]:
    return {k: float(ss.get(f"arena_weight_{k}", arena.DEFAULT_WEIGHTS[k])) for k in KEYS}


_NUMERALS = {c: i for i, c in enumerate("〇一二三四五六七八九十", start=0)}


def _natural(group: str) -> tuple:
    """城乡融合片区二组 before 城乡融合片区十组; 乡村振兴片区2组 before 乡村振兴片区10组."""
    m = re.search(r"(\d+|[一二三四五六七八九十]+)组$", group)
    if not m:
        return (group, 0)
    tail = m.group(1)
    n = int(tail) if tail.isdigit() else sum(_NUMERALS[c] for c in tail) + (9 if tail.startswith("十") else 0)
    return (group[: m.start()], n)


# ------------------------------------------------------------------ page

f = page_setup("arena")
lang = f.lang
st.title(tr("page.arena"))
st.caption(tr("arena.page.intro"))

reg = communities()
all_months = months()
if empty_notice(reg) or not all_months:
    if not all_months:
        empty_notice(None)
    st.stop()
town_of = dict(zip(reg["community_code"], reg["town_name"], strict=False))
name_of = dict(zip(reg["community_code"], reg["community_name"], strict=False))
groups = sorted(reg["group_name"].dropna().unique().tolist(), key=_natural)

# --- who and when
who_col, when_col = st.columns(2)
with who_col:
    st.subheader(tr("arena.page.who"))
    picked_default = list(f.community_codes[:MAX_PICK])
    who = st.radio(
        tr("arena.page.who"),
        ("group", "pick"),
        format_func=lambda v: t(f"arena.page.who_{v}", lang),
        horizontal=True,
        label_visibility="collapsed",
        key=kept("who", "pick" if len(picked_default) >= 2 else "group"),
        on_change=keep,
        args=("who",),
    )
    if who == "group":
        default_group = f.group or next(
            (reg.loc[reg["community_code"] == c, "group_name"].iloc[0] for c in f.community_codes),
            "城乡融合片区一组" if "城乡融合片区一组" in groups else groups[0],
        )
        if ss.get("arena_group") not in groups:
            ss.pop("arena_group", None)
        group = st.selectbox(
            tr("arena.page.group"), groups, key=kept("group", default_group), on_change=keep, args=("group",)
        )
        codes = reg.loc[reg["group_name"] == group, "community_code"].tolist()
        title = group
    else:
        ss["arena_pick"] = [c for c in ss.get("arena_pick", picked_default) if c in name_of][:MAX_PICK]
        codes = st.multiselect(
            tr("arena.page.pick"),
            reg["community_code"].tolist(),
            format_func=lambda c: f"{town_of[c]} · {name_of[c]}",
            max_selections=MAX_PICK,
            key=kept("pick", picked_default),
            on_change=keep,
            args=("pick",),
        )
        n = len(codes)
        title = (
            "、".join(name_of[c] for c in codes)
            if n <= 3
            else tr("arena.page.pick_title", first=name_of[codes[0]], n=n, more=n - 1)
        )

with when_col:
    st.subheader(tr("arena.page.when"))
    kind = st.radio(
        tr("arena.page.when"),
        ("month", "quarter", "year", "range"),
        format_func=lambda v: t(f"arena.page.kind_{v}", lang),
        horizontal=True,
        label_visibility="collapsed",
        key=kept("kind", "range"),
        on_change=keep,
        args=("kind",),
    )
    latest = all_months[-1]
    if kind == "month":
        opts = list(reversed(all_months))
        if ss.get("arena_month") not in opts:
            ss.pop("arena_month", None)
        m = st.selectbox(
            tr("arena.page.kind_month"),
            opts,
            format_func=lambda d: fmt_month(d, lang),
            key=kept("month", latest),
            on_change=keep,
            args=("month",),
        )
        start, end = m, m
    elif kind == "quarter":
        quarters = sorted({(d.year, (d.month - 1) // 3 + 1) for d in all_months}, reverse=True)
        if ss.get("arena_quarter") not in quarters:
            ss.pop("arena_quarter", None)
        y, qn = st.selectbox(
            tr("arena.page.kind_quarter"),
            quarters,
            format_func=lambda yq: t("arena.page.quarter_fmt", lang, y=yq[0], q=yq[1]),
            key=kept("quarter", quarters[0]),
            on_change=keep,
            args=("quarter",),
        )
        start, end = date(y, 3 * qn - 2, 1), date(y, 3 * qn, 1)
    elif kind == "year":
        years = sorted({d.year for d in all_months}, reverse=True)
        if ss.get("arena_year") not in years:
            ss.pop("arena_year", None)
        y = st.selectbox(
            tr("arena.page.kind_year"),
            years,
            format_func=lambda v: t("arena.page.year_fmt", lang, y=v),
            key=kept("year", years[0]),
            on_change=keep,
            args=("year",),
        )
        start, end = date(y, 1, 1), date(y, 12, 1)
    else:
        start, end = f.month_from, f.month_to
    if end > latest:
        end = latest
        st.caption(tr("arena.page.period_clipped", month=fmt_month(latest, lang)))
    start = max(start, all_months[0])
    period = fmt_month(start, lang) + ("" if start == end else " – " + fmt_month(end, lang))
    st.markdown(f"**{period}**")
    st.caption(tr("arena.page.period_note"))

# --- indicators, weights, method
st.subheader(tr("arena.page.weights"))
if ss.get("arena_notice"):
    text = ss.pop("arena_notice")
    (st.error if text.startswith("! ") else st.success)(text.removeprefix("! "))

cols = st.columns(3)
for col, family in zip(cols, ("force", "service", "mechanism"), strict=True):
    col.markdown(f"**{tr('arena.family.' + family)}**")
    for ind in arena.INDICATORS:
        if ind.family != family:
            continue
        col.number_input(
            f"{ind.label(lang)} · {tr('arena.part.' + ind.part)}",
            min_value=0,
            max_value=100,
            step=1,
            key=kept(f"weight_{ind.key}", int(ind.weight)),
            on_change=keep,
            args=(f"weight_{ind.key}",),
            help=tr(
                "arena.page.weight_help",
                part=arena.part_label(ind, lang),
                unit=ind.unit(lang),
                standard=ind.standard_text(lang),
            ),
        )
weights = current_weights()
total = sum(weights.values())
st.caption(tr("arena.page.weights_total", total=total))

with st.expander(tr("arena.page.presets"), icon=":material/bookmark:"):
    presets = arena.load_presets()
    p1, p2 = st.columns(2)
    with p1:
        names = sorted(presets)
        if ss.get("arena_preset_pick") not in names:
            ss.pop("arena_preset_pick", None)
        st.selectbox(
            tr("arena.page.preset_pick"),
            names,
            placeholder=tr("arena.page.preset_none"),
            key=kept("preset_pick", names[0] if names else None),
            on_change=keep,
            args=("preset_pick",),
        )
        b1, b2, b3 = st.columns(3)
        b1.button(tr("arena.page.preset_load"), key="arena_preset_load", on_click=_load_preset, disabled=not names)
        b2.button(
            tr("arena.page.preset_delete"), key="arena_preset_delete", on_click=_delete_preset, disabled=not names
        )
        b3.button(
            tr("arena.page.defaults"),
            key="arena_weights_reset",
            on_click=_set_weights,
            args=(arena.DEFAULT_WEIGHTS,),
        )
    with p2:
        st.text_input(tr("arena.page.preset_name"), key="arena_preset_name_w", max_chars=40)
        st.button(tr("arena.page.preset_save"), key="arena_preset_save", on_click=_save_preset, type="primary")

method = st.radio(
    tr("arena.page.method"),
    arena.METHODS,
    format_func=lambda v: t(f"arena.method.{v}", lang),
    horizontal=True,
    key=kept("method", "minmax"),
    on_change=keep,
    args=("method",),
)
st.markdown(arena.method_text(method, lang))

if total <= 0:
    st.error(tr("arena.page.weights_zero"))
    st.stop()
if len(codes) < 2:
    st.info(tr("arena.page.pick_few"))
    st.stop()

# --- score
info = q.indicator_values(codes, start, end)
if empty_notice(info):
    st.stop()
info = info.set_index("community_code")
names = display_names(info)
result = arena.score(info[KEYS], weights, method)
sens = arena.sensitivity(result, draws=DRAWS, spread=SPREAD, seed=SEED)
colours = figs.community_colours(sorted(info.index))
order = list(result.table().index)

st.subheader(tr("arena.page.scoreboard"))
st.caption(tr("arena.page.scoreboard_help"))
st.plotly_chart(figs.contributions(result, names, lang), key="arena_contrib")


def _missing_items(code: str) -> str:
    sep = "、" if lang == "zh" else ", "
    return sep.join(arena.indicator(k).label(lang) for k in result.missing[code])


other_method = next(m for m in arena.METHODS if m != method)
other = arena.score(info[KEYS], weights, other_method)  # a second check: does the method decide the order?
scored = [c for c in order if pd.notna(result.composite[c])]  # no-data ones are listed below
board = pd.DataFrame(
    {
        tr("arena.page.col_rank"): result.rank[scored].to_numpy(),
        tr("arena.page.col_name"): [names[c] for c in scored],
        tr("arena.page.col_town"): [info.at[c, "town_name"] for c in scored],
        tr("arena.page.col_composite"): result.composite[scored].round(1).to_numpy(),
        tr("arena.page.col_range"): [
            "—" if pd.isna(sens.at[c, "rank_min"]) else f"{sens.at[c, 'rank_min']:.0f}–{sens.at[c, 'rank_max']:.0f}"
            for c in scored
        ],
        tr("arena.page.col_first"): sens.loc[scored, "share_first"].to_numpy(),
        tr("arena.page.col_missing"): [_missing_items(c) or "—" for c in scored],
        tr("arena.page.col_moved"): result.redistributed[scored].to_numpy(),
        tr("arena.page.col_other", method=tr(f"arena.method.{other_method}")): other.rank[scored].to_numpy(),
    }
)
rank_col, comp_col = tr("arena.page.col_rank"), tr("arena.page.col_composite")
first_col, moved_col = tr("arena.page.col_first"), tr("arena.page.col_moved")
other_col = tr("arena.page.col_other", method=tr(f"arena.method.{other_method}"))
st.dataframe(
    board.style.format(
        {rank_col: "{:.0f}", comp_col: "{:.1f}", first_col: "{:.0%}", moved_col: "{:.0%}", other_col: "{:.0f}"},
        na_rep="—",
    ),
    hide_index=True,
    key="arena_board",
)

# --- missing data, said plainly
lines = []
for c in order:
    if pd.isna(result.composite[c]):
        lines.append(tr("arena.no_data_line", name=names[c]))
    elif result.missing[c]:
        lines.append(tr("arena.missing_line", name=names[c], items=_missing_items(c), share=result.redistributed[c]))
for k in KEYS:
    if weights[k] > 0 and result.values[k].isna().all():
        lines.append(tr("arena.page.all_missing", label=arena.indicator(k).label(lang)))
if lines:
    st.warning(
        f"**{tr('arena.page.missing_title')}** — {tr('arena.missing_note')}\n\n" + "\n".join(f"- {x}" for x in lines)
    )

# --- side by side
st.subheader(tr("arena.page.side"))
st.caption(tr("arena.page.side_help"))
show_delta = st.toggle(tr("arena.page.show_delta"), key=kept("delta", False), on_change=keep, args=("delta",))
active = [arena.indicator(k) for k in KEYS if weights[k] > 0]
sbs = arena.side_by_side(result.values[[i.key for i in active]].loc[order])
deltas = arena.deltas_to_median(result.values[[i.key for i in active]].loc[order])
median_col = tr("arena.page.median")
rows, marks = [], []
for ind in active:
    k = ind.key
    unit = ind.delta_unit(lang) if show_delta else ind.unit(lang)
    row = {tr("arena.page.indicator"): f"{ind.label(lang)}（{unit}）"}
    for c in order:
        text = ind.format_delta(deltas.at[k, c], lang, with_unit=False) if show_delta else ind.format(sbs.at[k, c])
        mark = " ▲" if c in sbs.at[k, "best"] else " ▼" if c in sbs.at[k, "worst"] else ""
        row[names[c]] = text + mark
    row[median_col] = ind.format(sbs.at[k, "median"])
    rows.append(row)
    marks.append((sbs.at[k, "best"], sbs.at[k, "worst"]))
table = pd.DataFrame(rows)


def _colour(row: pd.Series) -> list[str]:
    best, worst = marks[row.name]
    best_names, worst_names = {names[c] for c in best}, {names[c] for c in worst}
    return [
        "background-color: #D5F5E3" if col in best_names else "background-color: #FADBD8" if col in worst_names else ""
        for col in row.index
    ]


st.dataframe(table.style.apply(_colour, axis=1), hide_index=True, key="arena_side")

# --- radar, strengths and gaps
st.subheader(tr("arena.page.radar"))
ranked = [c for c in order if pd.notna(result.rank[c])]
ss["arena_radar"] = [c for c in ss.get("arena_radar", []) if c in ranked][:RADAR_MAX] or ranked[:6]
radar_codes = st.multiselect(
    tr("arena.page.radar_pick"),
    ranked,
    format_func=names.get,
    max_selections=RADAR_MAX,
    key=kept("radar", ranked[:6]),
    on_change=keep,
    args=("radar",),
)
left, right = st.columns([3, 2])
left.plotly_chart(figs.radar(result, radar_codes, names, colours, lang), key="arena_radar_fig")
with right:
    st.markdown(f"**{tr('arena.page.strengths')}**")
    sep = "、" if lang == "zh" else ", "
    for c in radar_codes:
        best, gaps = arena.strengths_and_gaps(result, c)
        st.markdown(
            f"**{names[c]}**（{result.composite[c]:.1f}）　"
            + tr(
                "arena.page.strong_weak",
                strong=sep.join(arena.indicator(k).label(lang) for k in best) or "—",
                weak=sep.join(arena.indicator(k).label(lang) for k in gaps) or "—",
            )
        )

# --- trends
st.subheader(tr("arena.page.trends"))
monthly = q.monthly_values(codes, start, end)
trend_opts = [i.key for i in active if i.transform != "growth"]
default_trend = [
    k
    for k in ("m2_per_100_households", "resolution_rate", "satisfaction_rate", "volunteers_per_100hh")
    if k in trend_opts
]
ss["arena_trend"] = [k for k in ss.get("arena_trend", default_trend) if k in trend_opts]
trend_keys = st.multiselect(
    tr("arena.page.trend_pick"),
    trend_opts,
    format_func=lambda k: arena.indicator(k).label(lang),
    key=kept("trend", default_trend),
    on_change=keep,
    args=("trend",),
)
if trend_keys and not empty_notice(monthly):
    st.plotly_chart(figs.trends(monthly, trend_keys, names, colours, lang), key="arena_trends")

# --- sensitivity
st.subheader(tr("arena.page.sensitivity"))
st.caption(tr("arena.pack.sensitivity_text", spread=SPREAD, draws=DRAWS, seed=SEED))
st.plotly_chart(figs.rank_ranges(sens, names, lang, DRAWS, SPREAD), key="arena_ranks")

# --- the pack
st.subheader(tr("arena.page.download"))
pack = Pack(
    title=title,
    month_from=start,
    month_to=end,
    lang=lang,
    result=result,
    sensitivity=sens,
    info=info[["community_name", "town_name", "households", "months_reported"]],
    monthly=monthly,
    draws=DRAWS,
    spread=SPREAD,
    seed=SEED,
)
stem = f"{tr('arena.pack.title')}_{title}_{start:%Y-%m}" + ("" if start == end else f"_{end:%Y-%m}")
stem = re.sub(r'[\\/:*?"<>|\s]+', "_", stem)
d1, d2, _ = st.columns([1, 2, 2])
d1.download_button(
    tr("arena.page.download_xlsx"),
    data=lambda: build_xlsx(pack),
    file_name=f"{stem}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="arena_dl_xlsx",
    on_click="ignore",
    icon=":material/download:",
)
d2.download_button(
    tr("arena.page.download_html"),
    data=lambda: build_html(pack, colours),
    file_name=f"{stem}.html",
    mime="text/html",
    key="arena_dl_html",
    on_click="ignore",
    icon=":material/print:",
)
