"""Charts of the 社区档案 page: one community's monthly trend per area, with the standard, and
its standing among the communities of its township and of the county."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from core.metrics import metric
from oversight.figures.base import NEUTRAL, axis_from, finish, month_hover, remembered, standard_line, style
from oversight.i18n import register, t

STRINGS = {
    "fig.profile.trend": ("{name}：{metric}（按月）", "{name}: {metric} per month"),
    "fig.profile.rank": ("{name} 在乡镇和全县的位置", "Where {name} stands in its township and the county"),
    "fig.profile.rank_axis": ("优于同级村(社区)的比例（%）", "Share of communities it beats (%)"),
    "fig.profile.rate_axis": ("比率（%）", "Rate (%)"),
    "fig.profile.in_town": ("乡镇内", "In its township"),
    "fig.profile.in_county": ("全县", "In the county"),
}
register(STRINGS)


def _axis(name: str, lang: str) -> str:
    m = metric(name)
    return f"{m.label(lang)}（{m.unit(lang)}）" if lang == "zh" else f"{m.label(lang)} ({m.unit(lang)})"


@remembered
def trend(df: pd.DataFrame, names: tuple[str, ...], lang: str, community: str) -> go.Figure:
    """Monthly lines of `names` (columns month, *names) with each metric's standard or alert
    line; rates on a % axis. A month without a report is a gap, not 0."""
    fig = go.Figure()
    colours = (NEUTRAL, "#EF6C00", "#2E7D32")
    first = metric(names[0])
    for i, name in enumerate(names):
        m = metric(name)
        fig.add_scatter(
            x=df["month"],
            y=df[name].astype("Float64").astype(float),
            name=m.label(lang),
            mode="lines+markers",
            line_color=colours[i % len(colours)],
            connectgaps=False,
            hovertemplate=f"{month_hover(lang)}: %{{y:{'.1%' if m.is_rate else ',.1f'}}}<extra>{m.label(lang)}</extra>",
        )
        if m.line is not None:
            label = m.line_label(lang)
            standard_line(fig, m.line, f"{m.label(lang)} {label}" if len(names) > 1 else label)
            if i:
                fig.data[-1].line.dash = "dot"
                fig.layout.shapes[-1].line.dash = "dot"
    title_metric = (
        "、".join(metric(n).label(lang) for n in names)
        if lang == "zh"
        else " & ".join(metric(n).label(lang) for n in names)
    )
    y_title = _axis(names[0], lang) if len(names) == 1 else t("fig.profile.rate_axis", lang)
    style(
        fig,
        t("fig.profile.trend", lang, name=community, metric=title_metric),
        y_title=y_title,
        x_title=t("month", lang),
        height=340,
    )
    if first.is_rate:
        values = [float(v) for n in names for v in df[n].dropna()]
        lines = [metric(n).line for n in names if metric(n).line is not None]
        fig.update_yaxes(tickformat=".0%")
        axis_from(fig, max(0.0, round(min([*values, *lines]) - 0.05, 2)), 1.01, lang)
    if len(names) == 1:
        fig.data[0].showlegend = False
    return finish(fig, lang)


@remembered
def standing(ranks: pd.DataFrame, lang: str, community: str) -> go.Figure:
    """Per key metric, the share of the other communities it beats (a worse value, not a tie)
    in its township and in the county (columns metric, town_rank, town_n, town_beats,
    county_rank, county_n, county_beats); labels say "3 / 24"."""
    fig = go.Figure()
    labels = [metric(n).label(lang) for n in ranks["metric"]]
    for scope, key, colour in (
        ("town", "fig.profile.in_town", "#EF6C00"),
        ("county", "fig.profile.in_county", NEUTRAL),
    ):
        rank, n, beats = ranks[f"{scope}_rank"], ranks[f"{scope}_n"], ranks[f"{scope}_beats"]
        share = [None if pd.isna(r) or k <= 1 else b / (k - 1) for r, k, b in zip(rank, n, beats, strict=True)]
        text = ["—" if pd.isna(r) else f"{int(r)} / {k}" for r, k in zip(rank, n, strict=True)]
        fig.add_bar(
            y=labels,
            x=share,
            orientation="h",
            name=t(key, lang),
            marker_color=colour,
            text=text,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra>" + t(key, lang) + "</extra>",
        )
    style(fig, t("fig.profile.rank", lang, name=community), x_title=t("fig.profile.rank_axis", lang), height=420)
    fig.update_xaxes(tickformat=".0%", range=[0, 1.18])
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(barmode="group", margin={"r": 30})
    return finish(fig, lang)
