"""Charts of the 总览 page: who reported on time, as a communities × months matrix (or, for
many communities, townships × months with the share on time)."""

from __future__ import annotations

import string

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from oversight.figures.base import BAD, GOOD, finish, remembered, style
from oversight.i18n import fmt_month, register, t

STRINGS = {
    "fig.ov.sub_title": ("月报报送情况（{scope}）", "Monthly report submissions ({scope})"),
    "fig.ov.sub_town_title": (
        "各乡镇月报按时报送率（{scope}）",
        "Share of monthly reports on time, by township ({scope})",
    ),
    "fig.ov.on_time_share": ("按时报送率(%)", "On time (%)"),
    "status.on_time": ("按时", "On time"),
    "status.late": ("迟报", "Late"),
    "status.missing": ("未报", "Missing"),
    "status.pending": ("未到期", "Not yet due"),
    "fig.ov.hover_reported": ("报送于 {date}", "reported {date}"),
    "fig.ov.hover_due": ("截止 {date}", "due {date}"),
    "fig.ov.hover_counts": (
        "按时 {on_time} · 迟报 {late} · 未报 {missing} · 未到期 {pending}（共 {expected}）",
        "on time {on_time} · late {late} · missing {missing} · not yet due {pending} (of {expected})",
    ),
}
register(STRINGS)

STATUS_ORDER = ("on_time", "late", "missing", "pending")
STATUS_COLOURS = {"on_time": GOOD, "late": "#F9A825", "missing": BAD, "pending": "#CFD8DC"}
MAX_MATRIX_ROWS = 60  # above this many communities the matrix is drawn per township
MAX_TOWN_ROWS = 60  # above this many townships (a province: 1,850) only the latest on time are drawn


def month_labels(months: pd.Series, lang: str) -> tuple[pd.Series, list[str], list[str]]:
    """Each row's month as a label in `lang` (2025年11月 / Nov 2025), the distinct labels in
    calendar order, and their short tick texts (11月, with the year over January and the first
    month: 2026年<br>1月), which stay legible side by side over 24 columns. A label is built once
    per distinct month and spread by position (a per-cell strftime was 12% of the overview's
    rerun at ×50)."""
    codes, distinct = pd.factorize(pd.to_datetime(months), sort=True)
    days = [pd.Timestamp(m).date() for m in distinct]
    names = np.array([fmt_month(d, lang) for d in days], dtype=object)
    starts = {i for i, d in enumerate(days) if d.month == 1}
    if days and not (len(days) > 1 and days[1].month == 1):
        starts.add(0)  # the first column names its year, unless January follows at once
    # The axis is on top: the last line sits next to the cells, so the year goes first.
    short = [
        ((f"{d.year}年<br>" if lang == "zh" else f"{d.year}<br>") if i in starts else "")
        + (f"{d.month}月" if lang == "zh" else d.strftime("%b"))
        for i, d in enumerate(days)
    ]
    return pd.Series(names[codes], index=months.index, dtype=object), names.tolist(), short


def _fill(template: str, columns: dict[str, pd.Series]) -> pd.Series:
    """`template` (str.format fields, no format specs) filled row by row from `columns` (text
    Series on one index), built column-wise: one string concatenation per piece of the
    template instead of a Python call per row (22,200 hover texts at ×50)."""
    index = next(iter(columns.values())).index
    out = pd.Series("", index=index, dtype=object)
    for literal, field, _, _ in string.Formatter().parse(template):
        out = out + literal
        if field is not None:
            out = out + columns[field].astype(str)
    return out


@remembered
def submission_matrix(sub: pd.DataFrame, lang: str, scope: str) -> go.Figure:
    """Communities (rows) × months (columns), one colour per status, legend below.
    `sub` has community_code, community_name, town_name, month, reported_on, due_on, status."""
    df = sub.copy()
    df["x"], cols, ticks = month_labels(df["month"], lang)
    several_towns = df["town_name"].nunique() > 1
    df["y"] = df["town_name"] + "·" + df["community_name"] if several_towns else df["community_name"]
    rows = list(dict.fromkeys(df["y"]))
    code = {s: i for i, s in enumerate(STATUS_ORDER)}
    cells = df.set_index(["y", "x"])  # one row per community and month
    z = cells["status"].unstack().reindex(index=rows, columns=cols)

    day = {c: pd.to_datetime(df[c]).dt.strftime("%Y-%m-%d") for c in ("reported_on", "due_on")}
    when = _fill(t("fig.ov.hover_reported", lang), {"date": day["reported_on"]}).where(
        df["reported_on"].notna(), _fill(t("fig.ov.hover_due", lang), {"date": day["due_on"]})
    )
    status = df["status"].map({s: t("status." + s, lang) for s in STATUS_ORDER})
    df["hover"] = df["y"] + " · " + df["x"] + "<br>" + status + " · " + when
    text = df.set_index(["y", "x"])["hover"].unstack().reindex(index=rows, columns=cols)
    n = len(STATUS_ORDER)
    # A stepped colour scale: status i occupies [i/n, (i+1)/n].
    scale = []
    for i, s in enumerate(STATUS_ORDER):
        scale += [[i / n, STATUS_COLOURS[s]], [(i + 1) / n, STATUS_COLOURS[s]]]
    fig = go.Figure(
        go.Heatmap(
            z=z.apply(lambda c: c.map(code)).to_numpy(dtype=float),
            x=cols,
            y=rows,
            zmin=-0.5,
            zmax=n - 0.5,
            colorscale=scale,
            showscale=False,
            xgap=2,
            ygap=2,
            text=text.to_numpy(),
            hovertemplate="%{text}<extra></extra>",
        )
    )
    for s in STATUS_ORDER:  # legend entries (the heatmap itself has none)
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"symbol": "square", "size": 14, "color": STATUS_COLOURS[s]},
                name=t("status." + s, lang),
            )
        )
    height = max(260, 22 * len(rows) + 170)
    # No title on the top month axis: it collided with the chart title (the months say what they are).
    style(fig, t("fig.ov.sub_title", lang, scope=scope), height=height)
    fig.update_yaxes(autorange="reversed", type="category", showgrid=False)
    fig.update_xaxes(
        type="category", side="top", showgrid=False, title_standoff=4, tickvals=cols, ticktext=ticks, tickangle=0
    )
    fig.update_layout(margin={"t": 100}, plot_bgcolor="white")
    return finish(fig, lang)


@remembered
def least_on_time(summary: pd.DataFrame, n: int | None = None) -> pd.DataFrame:
    """The rows of `summary` (queries.overview.submission_counts: town_code, month, expected,
    on_time, pending …) of the `n` townships with the lowest share of reports on time over its
    months (on_time ÷ (expected − pending); ties by town_code): the ones to chase when there are
    too many to draw. All rows when there are at most `n` (default MAX_TOWN_ROWS) townships."""
    n = MAX_TOWN_ROWS if n is None else n
    towns = summary.groupby("town_code")[["on_time", "expected", "pending"]].sum()
    if len(towns) <= n:
        return summary
    due = (towns["expected"] - towns["pending"]).where(lambda s: s > 0)
    share = (towns["on_time"] / due).fillna(float("inf"))  # nothing due yet: nothing to chase
    worst = share.reset_index().sort_values([0, "town_code"], kind="stable").head(n)["town_code"]
    return summary[summary["town_code"].isin(worst)]


def submission_by_town(summary: pd.DataFrame, lang: str, scope: str) -> go.Figure:
    """Townships (rows) × months: colour = share of the communities that reported on time;
    hover gives the counts. `summary` from queries.overview.submission_counts; above
    MAX_TOWN_ROWS townships only `least_on_time` are drawn (22 px a row: 1,850 were 40,000 px)."""
    df = least_on_time(summary).copy()
    df["x"], cols, ticks = month_labels(df["month"], lang)
    due = (df["expected"] - df["pending"]).where(lambda s: s > 0)
    df["share"] = df["on_time"] / due
    counts = {k: df[k].astype(int) for k in ("on_time", "late", "missing", "pending", "expected")}
    df["hover"] = df["town_name"] + " · " + df["x"] + "<br>" + _fill(t("fig.ov.hover_counts", lang), counts)
    rows = list(dict.fromkeys(df.sort_values("town_code")["town_name"]))
    cells = df.set_index(["town_name", "x"])  # one row per township and month
    z = cells["share"].unstack().reindex(index=rows, columns=cols)
    text = cells["hover"].unstack().reindex(index=rows, columns=cols)
    fig = go.Figure(
        go.Heatmap(
            z=z.to_numpy(dtype=float) * 100,
            x=cols,
            y=rows,
            zmin=50,  # below half on time is as bad as it gets: keep the colours for 50–100%
            zmax=100,
            colorscale=[[0, BAD], [0.6, "#F9A825"], [1, GOOD]],
            colorbar={"title": {"text": t("fig.ov.on_time_share", lang)}, "ticksuffix": "%", "len": 0.6},
            xgap=2,
            ygap=2,
            text=text.to_numpy(),
            hovertemplate="%{text}<extra></extra>",
        )
    )
    height = max(300, 22 * len(rows) + 150)
    style(fig, t("fig.ov.sub_town_title", lang, scope=scope), height=height)
    fig.update_yaxes(autorange="reversed", type="category", showgrid=False)
    fig.update_xaxes(
        type="category", side="top", showgrid=False, tickvals=cols, ticktext=ticks, tickangle=0, tickfont={"size": 11}
    )
    fig.update_layout(margin={"t": 100, "b": 30}, plot_bgcolor="white")
    return finish(fig, lang)


# ---------------------------------------------------------------- KPI card text

register(
    {
        "kpi.pp": ("{sign}{value:.1f}个百分点", "{sign}{value:.1f} pp"),
        "kpi.mom": ("环比", "vs previous month"),
        "kpi.yoy": ("同比", "Year on year"),
        "kpi.no_compare": ("无可比数据", "n/a"),
    }
)


def value_text(value: float | None, fmt: str, unit: str, lang: str) -> str:
    """95.0% / 1,800 ㎡ / 40.0 ㎡/百户; a missing value is — (never 0)."""
    if value is None or pd.isna(value):
        return "—"
    text = format(float(value), fmt)
    return text if fmt.endswith("%") or not unit else f"{text} {unit}"


def delta_text(cur: float | None, before: float | None, percent_metric: bool, lang: str) -> str | None:
    """The change from `before` to `cur`: percentage points for a rate, percent change for an
    amount (absolute change when `before` is 0); None when either is missing."""
    if cur is None or before is None or pd.isna(cur) or pd.isna(before):
        return None
    no_change = "0"  # Streamlit shows the string "0" as no change (grey, no arrow)
    if percent_metric:
        diff = round((float(cur) - float(before)) * 100, 1)
        return t("kpi.pp", lang, sign="+" if diff > 0 else "-", value=abs(diff)) if diff else no_change
    if float(before) == 0:
        diff = round(float(cur) - float(before))
        return f"{diff:+,.0f}" if diff else no_change
    change = round((float(cur) / float(before) - 1) * 100, 1)
    return f"{change:+.1f}%" if change else no_change
