"""社区档案 Community profile: one community on one page — party, area, volunteers and requests
as KPI cards against their standards, the monthly trends, and its rank in its township and the
county."""

from __future__ import annotations

import dataclasses
import numbers

import pandas as pd
import streamlit as st

from core.columns import label
from core.metrics import metric
from oversight.figures import party as party_fig
from oversight.figures import profile as fig
from oversight.figures.base import metric_format
from oversight.frame import (
    download,
    empty_notice,
    gap_delta,
    gap_style,
    line_help,
    narrow,
    page_setup,
    shell,
    table,
    table_section,
    tr,
)
from oversight.frame.ranges import carry_note
from oversight.i18n import fmt_month, fmt_number, joined, register
from oversight.queries import area as area_q
from oversight.queries import party as party_q
from oversight.queries import profile as q

register(
    {
        "profile.pick": ("村(社区)", "Community"),
        "profile.pick_town": ("乡镇(街道)", "Township"),
        "profile.pick_town_help": (
            "范围内村(社区)太多，先选乡镇(街道)，再选其中的村(社区)。",
            "Too many communities in the selection to list: choose a township, then one of its communities.",
        ),
        "profile.pick_help": (
            "从当前筛选范围中选择；默认为范围内第一个村(社区)。",
            "From the current selection; the first community in it by default.",
        ),
        "profile.no_reports": (
            "{name} 在所选月份没有月度报表。",
            "{name} sent no monthly reports in the months selected.",
        ),
        "profile.area_party": ("党组织", "Party organisation"),
        "profile.area_area": ("阵地", "Service centre"),
        "profile.area_vol": ("志愿", "Volunteers"),
        "profile.area_req": ("诉求", "Requests"),
        "profile.rank_help": ("乡镇第 {town} ，全县第 {county}", "#{town} in township, #{county} in county"),
        "profile.rank_help_town": ("乡镇第 {town}", "#{town} in township"),
        "profile.context": (
            "户数 {households}，小区 {neighborhoods} 个，服务中心 {m2} ㎡，注册志愿者 {vols} 人，受理诉求 {req} 件（所选月份）。",
            "{households} households, {neighborhoods} neighbourhoods, {m2} m² service centre, {vols} registered volunteers, {req} requests received (months selected).",
        ),
        "profile.levels": ("五级体系（最近一次小区名册）", "Five levels (latest neighbourhood roster)"),
        "profile.projects": ("阵地建设项目", "Service-centre projects"),
        "profile.no_roster": ("没有小区名册。", "No neighbourhood roster."),
        "profile.no_projects": ("所选月份内没有阵地建设项目。", "No projects in the months selected."),
        "profile.ranks": ("排名明细", "Ranks in detail"),
        "profile.file_ranks": ("社区排名", "community_ranks"),
        "profile.file_trend": ("社区月度指标", "community_monthly"),
        "profile.trend_table": ("月度明细", "Monthly figures"),
        "profile.no_trend": (
            "所选月份没有可计算的{what}（例如没有小区，或未报送），不画走势图。",
            "No {what} to chart in these months (no neighbourhoods, for one, or no reports).",
        ),
        "profile.reported": (
            "最近一期月报的全部数据（{month}）",
            "Everything the latest monthly report says ({month})",
        ),
        "profile.col_item": ("指标", "Item"),
        "profile.col_value": ("数值", "Value"),
        "profile.file_reported": ("社区最近月报", "community_latest_report"),
        "profile.sources": ("数据来源：文件、工作表、行", "Where these figures come from: file, sheet, row"),
        "profile.sources_help": (
            "每月先列首次报送的文件，再列之后更正的每个值（原值 → 新值）。",
            "Each month: the file that first reported it, then every value a later report changed (old → new).",
        ),
        "profile.file_sources": ("社区数据来源", "community_sources"),
        "col.metric": ("指标", "Metric"),
        "col.value": ("数值", "Value"),
        "col.target": ("标准或预警线", "Standard or alert line"),
        "col.town_rank": ("乡镇内名次", "Rank in township"),
        "col.town_n": ("乡镇内参与排名数", "Ranked in township"),
        "col.county_rank": ("全县名次", "Rank in county"),
        "col.county_n": ("全县参与排名数", "Ranked in county"),
    }
)


def _cell(v: object) -> str:
    """A reported value as text: — for not reported, dates as 2026-11-03, numbers with separators."""
    if v is None or v is pd.NA or (isinstance(v, float) and v != v) or v is pd.NaT:
        return "—"
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, numbers.Number):
        x = float(v)
        return f"{x:,.0f}" if x.is_integer() else f"{x:,.1f}"
    return str(v)


f = page_setup("profile")
st.title(tr("page.profile"))
lang = f.lang

choices = q.options(q.picker_filters(f))  # the township's (or 片区's) communities, not just the one shown
if empty_notice(choices):
    st.stop()
if len(choices) > shell.COMMUNITY_OPTIONS:  # a province's 17,400 cannot be scrolled: its township first
    first = f.community_codes[0] if f.community_codes else choices["community_code"].iat[0]
    towns = dict(zip(choices["town_code"].tolist(), choices["town_name"].tolist(), strict=True))
    town = choices.loc[choices["community_code"] == first, "town_code"]
    town = st.selectbox(
        tr("profile.pick_town"),
        list(towns),
        index=list(towns).index(town.iat[0] if len(town) else next(iter(towns))),
        format_func=towns.get,
        placeholder=tr("frame.choose"),
        help=tr("profile.pick_town_help"),
        key="profile_pick_town",
        on_change=lambda: narrow(st.session_state["profile_pick_town"]),  # the township becomes the selection
    )
    choices = choices[choices["town_code"] == town]
codes = choices["community_code"].tolist()  # lists first: iterating Arrow-backed columns boxes each of 17,400
labels = [f"{t} · {n}" for t, n in zip(choices["town_name"].tolist(), choices["community_name"].tolist(), strict=True)]
names = dict(zip(codes, labels, strict=True))
town_of = dict(zip(codes, choices["town_code"].tolist(), strict=True))
default = f.community_codes[0] if f.community_codes and f.community_codes[0] in names else next(iter(names))
picker = f"profile_pick_{'-'.join(f.town_codes)}_{f.group}_{'-'.join(f.community_codes)}"
code = st.selectbox(
    tr("profile.pick"),
    list(names),
    index=list(names).index(default),
    format_func=names.get,
    placeholder=tr("frame.choose"),
    help=tr("profile.pick_help"),
    key=picker,
    # the chosen community becomes the selection: breadcrumb, URL (a copied link opens it) and every page
    on_change=lambda: narrow(town_of[st.session_state[picker]], st.session_state[picker]),
)
name = names[code].split(" · ")[1]

values = q.values(f, code)
monthly = q.trend(f, code)
if monthly.empty:
    st.info(tr("profile.no_reports", name=names[code]))
    st.stop()
ranks = q.ranks(f, code).set_index("metric")

st.caption(
    tr(
        "profile.context",
        households=fmt_number(values["households"], lang),
        neighborhoods=fmt_number(values["neighborhoods"], lang),
        m2=fmt_number(values["service_center_m2"], lang),
        vols=fmt_number(values["volunteers_registered"], lang),
        req=fmt_number(values["requests_received"], lang),
    )
)
carry_note(dataclasses.replace(f, community_codes=(code,)))  # its stocks from an earlier report, if so


def card(box: st.delta_generator.DeltaGenerator, name: str) -> None:
    """A KPI card: value, the gap to its standard/alert line, rank in township and county."""
    m = metric(name)
    value = values[name]
    delta = gap_delta(m, value)
    help_parts = [line_help(m)] if m.line is not None else []
    r = ranks.loc[name]
    if not pd.isna(r["town_rank"]) and pd.isna(r["county_rank"]):  # a township user: no county standing
        help_parts.append(tr("profile.rank_help_town", town=f"{r['town_rank']}/{r['town_n']}"))
    elif not pd.isna(r["town_rank"]):  # no rank in a month the township has no figure for (pd.NA)
        help_parts.append(
            tr(
                "profile.rank_help",
                town=f"{r['town_rank']}/{r['town_n']}",
                county=f"{r['county_rank']}/{r['county_n']}",
            )
        )
    label = m.short(lang)  # the unit beside the figure, unless the label already says it (English)
    said = m.is_rate or value is None or m.unit(lang).lower() in label.lower()
    unit = "" if said else f" {m.unit(lang)}"
    box.metric(
        label,
        fmt_number(value, lang, metric_format(m)) + unit,
        delta=delta,
        **gap_style(m, delta),
        help="；".join(help_parts) if lang == "zh" else "; ".join(help_parts),
        border=True,
    )


areas = (
    ("profile.area_party", ("party_org_coverage",), ("party_org_coverage",)),
    ("profile.area_area", ("m2_per_100_households",), ("m2_per_100_households",)),
    ("profile.area_vol", ("volunteer_hours", "hours_per_volunteer"), ("volunteer_hours",)),
    (
        "profile.area_req",
        ("resolution_rate", "on_time_rate", "satisfaction_rate"),
        ("resolution_rate", "satisfaction_rate"),
    ),
)
for row in (areas[:2], areas[2:]):
    cols = st.columns(2)
    for box, (title, cards, charted) in zip(cols, row, strict=True):
        with box:
            st.subheader(tr(title))
            inner = st.columns(len(cards))
            for c, n in zip(inner, cards, strict=True):
                card(c, n)
            if monthly.reindex(columns=list(charted)).notna().any().any():
                st.plotly_chart(fig.trend(monthly, charted, lang, name), key=f"profile_trend_{charted[0]}")
            else:  # not an empty chart with a standard line and an axis note (a 村 without 小区)
                labels = joined((metric(n).label(lang) for n in charted), lang)
                st.caption(tr("profile.no_trend", what=labels))

table_section(tr("profile.trend_table"), monthly, tr("profile.file_trend"), "profile_trend_table", "dl_profile_trend")

as_of, report = q.reported(f, code)
with st.expander(tr("profile.reported", month=fmt_month(as_of, lang) if as_of else "—")):
    shown_report = pd.DataFrame(
        {
            tr("profile.col_item"): [label(c, lang) or c for c in report["column"]],
            tr("profile.col_value"): [_cell(v) for v in report["value"]],
        }
    )
    table(shown_report, key="profile_reported")
    download(shown_report, tr("profile.file_reported"), key="dl_profile_reported")

with st.expander(tr("profile.sources")):
    st.caption(tr("profile.sources_help"))
    sources = q.sources(f, code)
    table(sources, key="profile_sources")
    download(sources, tr("profile.file_sources"), key="dl_profile_sources")

# The chart, then the ranks' seven columns at the page's full width (in half of it, the county's
# ranks were off its right edge).
st.plotly_chart(fig.standing(ranks.reset_index(), lang, name), key="profile_standing")
st.markdown(f"**{tr('profile.ranks')}**")
shown = ranks.reset_index().drop(columns=["higher_is_better", "town_beats", "county_beats"])
shown["value"] = [
    "—" if v is None or v != v else format(v, metric_format(metric(n)))
    for n, v in zip(shown["metric"], shown["value"], strict=True)
]
# the line the KPI card and the chart compare with — a standard or an alert line (满意率: 预警线 85%)
shown["target"] = [metric(n).line_label(lang) or "—" for n in shown["metric"]]
shown["metric"] = shown["metric"].map(lambda n: metric(n).label(lang))
table(shown, key="profile_rank_table")
download(shown, tr("profile.file_ranks"), key="dl_profile_ranks")

cf = q.community_filters(f, code)
levels = party_q.levels_by_unit(cf)
left, right = st.columns(2)
with left:
    st.markdown(f"**{tr('profile.levels')}**")
    if levels.empty:
        st.caption(tr("profile.no_roster"))
    else:
        st.plotly_chart(party_fig.levels_bar(party_q.level_totals(levels), lang), key="profile_levels")
with right:
    st.markdown(f"**{tr('profile.projects')}**")
    projects = area_q.projects(cf).drop(columns=["unit_code", "unit_name", "town_code", "town_name", "community_name"])
    if projects.empty:
        st.caption(tr("profile.no_projects"))
    else:
        table(projects, key="profile_projects")
        download(projects, tr("profile.projects"), key="dl_profile_projects")
