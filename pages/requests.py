"""诉求 Resident requests: received / resolved / on time / satisfied per unit and month, backlog,
category and source, days to resolve against the deadlines, and the communities below the
resolution standard or the satisfaction alert line."""

from __future__ import annotations

import streamlit as st

from core.metrics import metric
from oversight.figures import requests as fig
from oversight.figures.base import metric_format
from oversight.figures.volunteers import category_labels
from oversight.frame import (
    download,
    drill_chart,
    drill_hint,
    empty_notice,
    flag_table,
    gap_delta,
    gap_style,
    line_help,
    page_setup,
    table,
    table_section,
    tr,
    unit_label,
)
from oversight.frame.ranges import period_label
from oversight.i18n import fmt_number, register
from oversight.queries import requests as q
from oversight.queries.common import totals, unit_table

register(
    {
        "req.kpi_received": ("受理", "Received"),
        "req.kpi_open": ("期末未办结案件", "Open at the end"),
        "req.note": (
            "受理、办结、按时、满意按月报合计；类别、来源、用时与未办结案件来自诉求明细。",
            "Received, resolved, on time and satisfied from the monthly reports; category, source, days and open cases from the case list.",
        ),
        "req.flagged_title": (
            "办结率低于 {resolution} 或满意率低于 {satisfaction} 的村(社区)",
            "Communities below {resolution} resolution or {satisfaction} satisfaction",
        ),
        "req.flagged_n": ("{n} 个村(社区)需关注（红色）。", "{n} communities need attention (red)."),
        "req.flagged_none": (
            "所选范围内没有低于标准的村(社区)。",
            "No community in this selection is below the standards.",
        ),
        "req.flagged_more": (
            "下表列出最低的 {shown} 个；全部 {n} 个见下载和下方全部村(社区)表。",
            "The table lists the lowest {shown}; all {n} are in its download and in the table of all communities below.",
        ),
        "req.all_communities": ("全部 {n} 个村(社区)（{period}）", "All {n} communities ({period})"),
        "req.cases": ("诉求明细分析", "From the case list"),
        "req.no_cases": ("所选范围和月份内没有诉求明细。", "No request cases in this selection and months."),
        "req.days_table": ("各类别办结用时（诉求明细）", "Days to resolve by category (case list)"),
        "req.days_note": (
            "逐件按诉求明细计算；页首的按时办结率按月报合计，两者来源不同，数值可能不一致。",
            "Counted case by case from the case list; the on-time rate at the top of the page sums the "
            "monthly reports — two sources, which need not agree.",
        ),
        "req.open_title": ("期末未办结案件", "Cases still open at the end of the range"),
        "req.open_none": ("期末没有未办结案件。", "No case is open at the end of the range."),
        "req.file_units": ("诉求办理", "requests"),
        "req.file_flagged": ("诉求低于标准", "requests_below_standard"),
        "req.file_communities": ("各村(社区)诉求", "requests_by_community"),
        "req.file_months": ("诉求按月", "requests_by_month"),
        "req.file_days": ("办结用时", "days_to_resolve"),
        "req.file_open": ("未办结案件", "open_cases"),
        "req.unit_table": ("各单位诉求办理明细", "Requests by unit"),
        "req.month_table": ("按月明细", "By month"),
        "col.backlog": ("累计积压", "Cumulative backlog"),
        "col.open_cases": ("未办结案件", "Open cases"),
        "col.open_working_days": ("已历时(工作日)", "Open for (working days)"),
        "col.working_days": ("办结用时(工作日)", "Working days to resolve"),
        "col.cases": ("件数", "Cases"),
        "col.median_days": ("中位用时(工作日)", "Median (working days)"),
        "col.p90_days": ("90%分位用时(工作日)", "90th percentile (working days)"),
        "col.on_time_share": ("按时办结占比(%)", "Share on time (%)"),
    }
)

FLAG_ROWS = 200  # the red table is styled cell by cell: longer lists page into the plain table below

f = page_setup("requests")
st.title(tr("page.requests"))
lang = f.lang
unit = unit_label(f)

units = q.flagged(q.by_unit(f))
if empty_notice(units):
    st.stop()
months = q.by_month(f)
open_list = q.open_cases(f)


kpi = totals(f, ("requests_received", "resolution_rate", "on_time_rate", "satisfaction_rate"))
cols = st.columns(5)
cols[0].metric(tr("req.kpi_received"), fmt_number(kpi["requests_received"], lang), border=True)
for box, name in zip(cols[1:4], ("resolution_rate", "on_time_rate", "satisfaction_rate"), strict=True):
    m = metric(name)
    delta = gap_delta(m, kpi[name])
    box.metric(
        m.label(lang),
        fmt_number(kpi[name], lang, metric_format(m)),
        delta=delta,
        **gap_style(m, delta),
        help=None if m.line is None else line_help(m),
        border=True,
    )
cols[4].metric(tr("req.kpi_open"), fmt_number(len(open_list), lang), border=True)
st.caption(tr("req.note") + drill_hint(f))

left, right = st.columns(2)
left.plotly_chart(fig.monthly_flow(months, lang), key="req_monthly")
right.plotly_chart(fig.monthly_rates(months, lang), key="req_rates")
left, right = st.columns(2)
left.plotly_chart(fig.backlog(months, lang), key="req_backlog")
if not open_list.empty and f.level != "community":
    right.plotly_chart(fig.open_bar(q.open_by_unit(open_list), lang, unit), key="req_open_bar")
table_section(tr("req.month_table"), months.copy(), tr("req.file_months"), "req_month_table", "dl_req_months")

scope_key = f"{f.level}_{'-'.join(f.town_codes)}"
left, right = st.columns(2)
for box, name in ((left, "resolution_rate"), (right, "satisfaction_rate")):
    with box:
        chart_key = f"req_{name}_{scope_key}"
        drill_chart(fig.rate_bar(units, name, lang, unit), f, chart_key)
table_section(tr("req.unit_table"), unit_table(units, f.level), tr("req.file_units"), "req_unit_table", "dl_req_units")

st.subheader(
    tr(
        "req.flagged_title",
        resolution=metric("resolution_rate").line_text(),
        satisfaction=metric("satisfaction_rate").line_text(),
    )
)
shown = q.community_table(f)
below = q.any_flag(shown)
if below.any():
    st.caption(tr("req.flagged_n", n=int(below.sum())))
    worst = shown[below].head(FLAG_ROWS)  # flagged first, lowest resolution first (by_community)
    if below.sum() > FLAG_ROWS:
        st.caption(tr("req.flagged_more", shown=FLAG_ROWS, n=int(below.sum())))
    flag_table(worst, key="req_flag_table")  # styled cell by cell: only the flagged rows, at most FLAG_ROWS
    download(shown[below], tr("req.file_flagged"), key="dl_req_flagged")  # every flagged one, not only those shown
else:
    st.success(tr("req.flagged_none"))
with st.expander(tr("req.all_communities", n=len(shown), period=period_label(f))):
    table(shown, key="req_comm_table")
    download(shown, tr("req.file_communities"), key="dl_req_communities")

st.subheader(tr("req.cases"))
mix = q.by_category_source(f)
days_counts = q.days_counts(f)
if mix.empty and days_counts.empty and open_list.empty:
    st.info(tr("req.no_cases"))
else:
    left, right = st.columns(2)
    if not mix.empty:
        left.plotly_chart(fig.category_source(mix, lang), key="req_mix")
    if not days_counts.empty:
        right.plotly_chart(fig.days_histogram(days_counts, lang), key="req_days")
        st.markdown(f"**{tr('req.days_table')}**")
        st.caption(tr("req.days_note"))
        days = q.days_summary(days_counts)
        days["category"] = category_labels(days["category"], lang)
        table(days, key="req_days_table", percent=("on_time_share",))
        # the file's header says (%): write 94.8, not 0.948
        download(
            days.assign(on_time_share=(days["on_time_share"] * 100).round(1)), tr("req.file_days"), key="dl_req_days"
        )
    st.markdown(f"**{tr('req.open_title')}**")
    if open_list.empty:
        st.success(tr("req.open_none"))
    else:
        ol = open_list.drop(columns=["unit_code", "unit_name", "town_code"])
        table(ol, key="req_open_table")
        download(ol, tr("req.file_open"), key="dl_req_open")
