"""Charts of the 诉求 page: received/resolved per month with the resolution rate, backlog,
rates per unit against their standard and alert lines (core.metrics), category × source, and days to resolve with deadlines."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from core.contract import REQUEST_SOURCES, SERVICE_CATEGORIES
from core.metrics import metric
from oversight.figures.base import (
    BAD,
    CATEGORY_COLOURS,
    NEUTRAL,
    OTHER_COLOUR,
    axis_from,
    finish,
    month_hover,
    remembered,
    standard_line,
    style,
    unit_bar,
)
from oversight.figures.volunteers import category_label
from oversight.i18n import choice_label, fmt_month, register, t

STRINGS = {
    "fig.req.monthly": ("诉求受理与办结（按月）", "Requests received and resolved per month"),
    "fig.req.rates": ("办结率、按时办结率、满意率（按月）", "Resolution, on-time and satisfaction rates per month"),
    "fig.req.cases_axis": ("件数（件）", "Cases"),
    "fig.req.rate_axis": ("比率（%）", "Rate (%)"),
    "fig.req.received": ("受理", "Received"),
    "fig.req.resolved": ("办结", "Resolved"),
    "fig.req.backlog": ("未办结积压（按月）", "Backlog per month"),
    "fig.req.backlog_line": (
        "月报：受理 − 办结，自{start}起累计",
        "Monthly reports: received − resolved, summed from {start}",
    ),
    "fig.req.open_line": ("诉求明细：月末未办结案件", "Case list: cases open at the month's end"),
    "fig.req.rate_by_unit": ("{metric}（按{unit}）", "{metric} by {unit}"),
    "fig.req.by_category": ("诉求件数（按类别和来源）", "Cases by category and source"),
    "fig.req.category_axis": ("诉求类别", "Category"),
    "fig.req.days": ("办结用时分布（工作日，按类别）", "Working days to resolve, by category"),
    "fig.req.days_axis": ("办结用时（工作日）", "Working days to resolve"),
    "fig.req.deadline": ("{kind} {days} 个工作日", "{kind}: {days} working days"),
    "fig.req.unknown_source": ("未注明来源", "No source"),
    "fig.req.open_by_unit": ("未办结案件（按{unit}）", "Open cases by {unit}"),
    "deadline.consult": ("咨询", "Enquiry"),
    "deadline.help": ("求助·建议", "Help/suggestion"),
    "deadline.complaint": ("投诉举报", "Complaint"),
}
register(STRINGS)

# Working-day deadlines (DOMAIN.md): 咨询 3, 求助/建议 7, 投诉举报 15.
DEADLINES = (("deadline.consult", 3), ("deadline.help", 7), ("deadline.complaint", 15))
SOURCE_COLOURS = dict(zip(REQUEST_SOURCES, ("#1565C0", "#6A1B9A", "#00838F", "#EF6C00", "#558B2F"), strict=True))
DAYS_CAP = 30  # longer resolutions are drawn in the last bin, labelled 30+


def _f(s: pd.Series) -> pd.Series:
    return s.astype("Float64").astype(float)


@remembered
def monthly_flow(df: pd.DataFrame, lang: str) -> go.Figure:
    """Bars of received and resolved per month (columns month, requests_received, requests_resolved)."""
    fig = go.Figure()
    fig.add_bar(x=df["month"], y=_f(df["requests_received"]), name=t("fig.req.received", lang), marker_color="#90A4AE")
    fig.add_bar(x=df["month"], y=_f(df["requests_resolved"]), name=t("fig.req.resolved", lang), marker_color=NEUTRAL)
    style(fig, t("fig.req.monthly", lang), y_title=t("fig.req.cases_axis", lang), x_title=t("month", lang))
    fig.update_layout(barmode="group")
    return finish(fig, lang)


@remembered
def monthly_rates(df: pd.DataFrame, lang: str) -> go.Figure:
    """Resolution, on-time and satisfaction rates per month with each rate's line from the
    catalogue (the resolution standard, the satisfaction alert) (columns month,
    resolution_rate, on_time_rate, satisfaction_rate). The axis starts near the data and the
    lines so a few points' difference is visible; a month without data is a gap."""
    fig = go.Figure()
    lined = [metric(n) for n in ("resolution_rate", "satisfaction_rate")]
    lows = [m.line for m in lined]
    for name, colour in (("resolution_rate", BAD), ("on_time_rate", "#EF6C00"), ("satisfaction_rate", "#2E7D32")):
        y = _f(df[name])
        lows.append(float(y.min()) if y.notna().any() else 1.0)
        fig.add_scatter(
            x=df["month"],
            y=y,
            name=metric(name).label(lang),
            mode="lines+markers",
            line_color=colour,
            connectgaps=False,
            hovertemplate=f"{month_hover(lang)}: %{{y:.1%}}<extra></extra>",
        )
    style(fig, t("fig.req.rates", lang), y_title=t("fig.req.rate_axis", lang), x_title=t("month", lang))
    for m in lined:
        standard_line(fig, m.line, m.line_label(lang))
    fig.data[-1].line.dash = "dot"
    fig.layout.shapes[-1].line.dash = "dot"
    fig.update_yaxes(tickformat=".0%")
    axis_from(fig, max(0.0, round(min(lows) - 0.05, 2)), 1.01, lang)
    return finish(fig, lang)


@remembered
def backlog(df: pd.DataFrame, lang: str) -> go.Figure:
    """Received − resolved of the monthly reports summed from the range's first month, and (when
    given) the case list's cases open at each month's end (columns month, backlog, open_cases).
    Two sources that need not agree — the first starts from 0 at the range's first month, the
    second counts every open case — so each line's name says which it is and where it starts."""
    fig = go.Figure()
    start = fmt_month(pd.Timestamp(df["month"].min()).date(), lang) if len(df) else ""
    fig.add_scatter(
        x=df["month"],
        y=_f(df["backlog"]),
        name=t("fig.req.backlog_line", lang, start=start),
        mode="lines+markers",
        line_color=BAD,
    )
    if "open_cases" in df and df["open_cases"].notna().any():
        fig.add_scatter(
            x=df["month"],
            y=_f(df["open_cases"]),
            name=t("fig.req.open_line", lang),
            mode="lines+markers",
            line={"color": NEUTRAL, "dash": "dot"},
        )
    style(fig, t("fig.req.backlog", lang), y_title=t("fig.req.cases_axis", lang), x_title=t("month", lang))
    return finish(fig, lang)


@remembered
def rate_bar(df: pd.DataFrame, name: str, lang: str, unit_label: str) -> go.Figure:
    """resolution_rate or satisfaction_rate per unit, red below its line (standard or alert)."""
    m = metric(name)
    return unit_bar(
        df,
        name,
        t("fig.req.rate_by_unit", lang, metric=m.label(lang), unit=unit_label),
        t("fig.req.rate_axis", lang),
        target=m.line,
        target_label=m.line_label(lang),
        colour_by_target=True,
        percent=True,
        lang=lang,
    )


@remembered
def category_source(df: pd.DataFrame, lang: str) -> go.Figure:
    """Cases per category stacked by source (columns category, source, cases)."""
    cats = [c for c in SERVICE_CATEGORIES if c in set(df["category"].dropna())]
    if df["category"].isna().any():
        cats.append(None)
    labels = [category_label(c, lang) for c in cats]
    fig = go.Figure()
    for src in [*REQUEST_SOURCES, None]:
        g = df[df["source"].isna()] if src is None else df[df["source"] == src]
        if g.empty:
            continue
        counts = [g.loc[g["category"].isna() if c is None else g["category"] == c, "cases"].sum() for c in cats]
        fig.add_bar(
            x=labels,
            y=counts,
            name=str(choice_label(src, lang)) if src is not None else t("fig.req.unknown_source", lang),
            marker_color=SOURCE_COLOURS.get(src, OTHER_COLOUR),
        )
    style(
        fig,
        t("fig.req.by_category", lang),
        y_title=t("fig.req.cases_axis", lang),
        x_title=t("fig.req.category_axis", lang),
    )
    fig.update_layout(barmode="stack")
    return finish(fig, lang)


@remembered
def days_histogram(df: pd.DataFrame, lang: str) -> go.Figure:
    """Working days to resolve, one stacked bar per day (30+ in the last), coloured by category,
    with the 3 / 7 / 15 working-day deadlines. `df`: case counts per category and working_days
    (columns category, working_days, cases — queries.requests.days_counts)."""
    d = df.dropna(subset=["working_days"]).copy()
    d["bin"] = d["working_days"].astype(int).clip(lower=0, upper=DAYS_CAP)
    fig = go.Figure()
    for cat in [*SERVICE_CATEGORIES, None]:
        g = d[d["category"].isna()] if cat is None else d[d["category"] == cat]
        if g.empty:
            continue
        counts = g.groupby("bin")["cases"].sum().sort_index()
        fig.add_bar(
            x=counts.index.tolist(),
            y=counts.tolist(),
            name=category_label(cat, lang),
            marker_color=CATEGORY_COLOURS.get(cat, OTHER_COLOUR),
        )
    style(fig, t("fig.req.days", lang), y_title=t("fig.req.cases_axis", lang), x_title=t("fig.req.days_axis", lang))
    # The title rises above the three staggered deadline labels (0.07 of the plot height each).
    fig.update_layout(barmode="stack", bargap=0.05, title={"pad": {"b": 84}})
    ticks = list(range(0, DAYS_CAP + 1, 3))
    fig.update_xaxes(
        tickvals=ticks, ticktext=[f"{v}+" if v == DAYS_CAP else str(v) for v in ticks], range=[-0.6, DAYS_CAP + 0.6]
    )
    for i, (key, days) in enumerate(DEADLINES):
        fig.add_vline(x=days + 0.5, line_dash="dash", line_color=BAD)
        fig.add_annotation(  # above the plot, staggered, so no label sits on the bars
            x=days + 0.5,
            y=1.0 + 0.07 * i,
            yanchor="bottom",
            yref="paper",
            text=t("fig.req.deadline", lang, kind=t(key, lang), days=days),
            showarrow=False,
            xanchor="left",
            font={"color": BAD, "size": 12},
            bgcolor="rgba(255,255,255,0.8)",
        )
    return finish(fig, lang)


@remembered
def open_bar(df: pd.DataFrame, lang: str, unit_label: str) -> go.Figure:
    """Open cases per unit (columns unit_code, unit_name, town_code, open_cases)."""
    return unit_bar(
        df,
        "open_cases",
        t("fig.req.open_by_unit", lang, unit=unit_label),
        t("fig.req.cases_axis", lang),
        higher_is_better=False,  # more open cases is worse: those are the bars kept at province scale
        lang=lang,
    )
