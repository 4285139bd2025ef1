"""Charts of the 擂台比武 page: contributions to the composite, a radar of indicator scores, rank
ranges under weight perturbation, and small trend charts. One colour per indicator (by its part
of 365: forces warm, services blue, mechanisms green) and one per community, on every chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from oversight.arena.indicators import INDICATOR_COLOURS, indicator
from oversight.arena.scoring import ArenaResult
from oversight.figures.base import BAD, GOOD, OTHER_COLOUR, style
from oversight.i18n import register, t

STRINGS = {
    "arena.fig.contrib": (
        "综合得分及各指标贡献（满分100）",
        "Composite score and each indicator's contribution (out of 100)",
    ),
    "arena.fig.points": ("得分（分）", "Points"),
    "arena.fig.radar": ("各指标得分雷达图（0–100）", "Indicator scores (0–100)"),
    "arena.fig.ranks": (
        "权重±{spread:.0%}随机扰动{draws}次的名次范围",
        "Rank range when every weight moves ±{spread:.0%} ({draws} draws)",
    ),
    "arena.fig.rank_axis": ("名次（1 = 第一）", "Rank (1 = first)"),
    "arena.fig.trends": ("月度走势", "Monthly trends"),
}
register(STRINGS)

_COMMUNITY_PALETTE = [
    "#1F77B4", "#D62728", "#2CA02C", "#FF7F0E", "#9467BD", "#8C564B", "#E377C2", "#17BECF",
    "#BCBD22", "#7F7F7F", "#393B79", "#AD494A", "#637939", "#8C6D31", "#7B4173", "#3182BD",
    "#E6550D", "#31A354", "#756BB1", "#636363",
]  # fmt: skip


def community_colours(codes: Sequence[str]) -> dict[str, str]:
    """A colour per community, by its position in `codes` (pass them sorted by code, so a
    community keeps its colour whatever the ranking)."""
    return {c: _COMMUNITY_PALETTE[i % len(_COMMUNITY_PALETTE)] for i, c in enumerate(codes)}


def _wrap(label: str, width: int = 7) -> str:
    """Break a long Chinese label (or an English one at spaces) so radar labels are not clipped."""
    if " " in label:
        words, lines, line = label.split(), [], ""
        for w in words:
            if line and len(line) + len(w) > 2 * width + 4:
                lines.append(line)
                line = w
            else:
                line = f"{line} {w}".strip()
        return "<br>".join([*lines, line])
    return "<br>".join(label[i : i + width] for i in range(0, len(label), width))


def _order(result: ArenaResult) -> list[str]:
    return list(result.table().index)


def contributions(result: ArenaResult, names: Mapping[str, str], lang: str) -> go.Figure:
    """Stacked horizontal bars, best community on top: each segment is the points one indicator
    adds to the composite, so the bar's length is the composite and its parts say why."""
    order = _order(result)
    labels = [names[c] for c in order]
    fig = go.Figure()
    for key in result.contributions.columns:
        if result.weights[key] <= 0:
            continue
        ind = indicator(key)
        pts = result.contributions.loc[order, key]
        sc = result.scores.loc[order, key]
        raw = result.values.loc[order, key]
        custom = [[ind.format(r), "—" if pd.isna(s) else f"{s:.0f}"] for r, s in zip(raw, sc, strict=True)]
        fig.add_bar(
            y=labels,
            x=[None if pd.isna(p) else round(float(p), 2) for p in pts],
            orientation="h",
            name=ind.label(lang),
            marker_color=INDICATOR_COLOURS[key],
            customdata=custom,
            hovertemplate=(
                f"%{{y}} · {ind.label(lang)}<br>%{{customdata[0]}} {ind.unit(lang)} → %{{customdata[1]}}/100"
                f"<br>+%{{x:.1f}}<extra></extra>"
            ),
        )
    for c, label in zip(order, labels, strict=True):
        comp = result.composite[c]
        n_missing = len(result.missing[c])
        if pd.isna(comp):
            text = t("arena.no_data", lang)
        else:
            text = f"<b>{comp:.1f}</b>" + (f"  ({t('arena.missing_n', lang, n=n_missing)})" if n_missing else "")
            if result.ranked is not None and not result.ranked[c]:
                text += f"  {t('arena.unranked', lang)}"
        fig.add_annotation(
            y=label,
            x=0 if pd.isna(comp) else comp,
            text=text,
            showarrow=False,
            xanchor="left",
            xshift=4,
            font={"color": BAD if n_missing else "#222"},
        )
    style(fig, t("arena.fig.contrib", lang), x_title=t("arena.fig.points", lang), height=140 + 34 * len(order))
    fig.update_layout(barmode="stack", legend={"traceorder": "normal", "y": -0.12 - 8 / (len(order) + 6) / 10})
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels)
    fig.update_xaxes(range=[0, 112], dtick=20)
    return fig


def radar(
    result: ArenaResult, codes: Sequence[str], names: Mapping[str, str], colours: Mapping[str, str], lang: str
) -> go.Figure:
    """One polygon per community in `codes` (keep it to ~8) over the weighted indicators, on the
    0–100 score scale. A missing indicator leaves a gap in the polygon."""
    keys = [k for k in result.scores.columns if result.weights[k] > 0]
    theta = [_wrap(indicator(k).label(lang)) for k in keys]
    fig = go.Figure()
    for c in codes:
        r = [None if pd.isna(v) else round(float(v), 1) for v in result.scores.loc[c, keys]]
        fig.add_trace(
            go.Scatterpolar(
                r=[*r, r[0]],
                theta=[*theta, theta[0]],
                name=names[c],
                mode="lines+markers",
                line={"color": colours.get(c, OTHER_COLOUR), "width": 2},
                connectgaps=False,
                hovertemplate="%{theta}: %{r}<extra>" + names[c] + "</extra>",
            )
        )
    style(fig, t("arena.fig.radar", lang), height=560)
    fig.update_layout(
        polar={
            # The score axis runs half-way between the first two spokes, so "100" never sits
            # on an indicator's label.
            "radialaxis": {
                "range": [0, 100],
                "dtick": 25,
                "tickfont": {"size": 10},
                "angle": 180 / max(len(keys), 1),
                "tickangle": 180 / max(len(keys), 1),
            },
            "angularaxis": {"tickfont": {"size": 11}},
        },
        margin={"l": 90, "r": 90, "t": 70, "b": 40},
    )
    return fig


def rank_ranges(sens: pd.DataFrame, names: Mapping[str, str], lang: str, draws: int, spread: float) -> go.Figure:
    """Per community a bar from its best to its worst rank over the draws, a dot at the median
    and a diamond at the rank under the chosen weights. A short bar is a robust rank; a long one
    is a coin toss."""
    s = sens.dropna(subset=["rank"])
    labels = [names[c] for c in s.index]
    n = len(sens)
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=(s["rank_max"] - s["rank_min"] + 0.6).tolist(),
        base=(s["rank_min"] - 0.3).tolist(),
        orientation="h",
        marker_color=[GOOD if st else "#F5B041" for st in s["stable"]],
        opacity=0.55,
        name=t("arena.rank_range", lang),
        customdata=s[["rank_min", "rank_max", "share_first"]].to_numpy(),
        hovertemplate="%{y}: %{customdata[0]:.0f}–%{customdata[1]:.0f}<extra></extra>",
    )
    fig.add_scatter(
        y=labels,
        x=s["rank_median"].tolist(),
        mode="markers",
        marker={"color": "#333", "size": 8},
        name=t("arena.rank_median", lang),
    )
    fig.add_scatter(
        y=labels,
        x=s["rank"].tolist(),
        mode="markers",
        marker={"color": BAD, "size": 11, "symbol": "diamond-open", "line": {"width": 2}},
        name=t("arena.rank_base", lang),
    )
    for label, share, hi in zip(labels, s["share_first"], s["rank_max"], strict=True):
        if share and share > 0:
            fig.add_annotation(
                y=label,
                x=hi + 0.35,
                text=t("arena.first_share", lang, share=share),
                showarrow=False,
                xanchor="left",
            )
    style(
        fig,
        t("arena.fig.ranks", lang, spread=spread, draws=draws),
        x_title=t("arena.fig.rank_axis", lang),
        height=140 + 34 * len(labels),
    )
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels)
    fig.update_xaxes(range=[0.4, n + 1.9], dtick=1)
    return fig


def trends(
    monthly: pd.DataFrame, keys: Sequence[str], names: Mapping[str, str], colours: Mapping[str, str], lang: str
) -> go.Figure:
    """Small multiples: one panel per indicator in `keys`, one line per community, by month.
    A month a community did not report is a gap, not a zero."""
    keys = [k for k in keys if k in monthly.columns]
    cols = 2
    rows = max(1, -(-len(keys) // cols))
    titles = [f"{indicator(k).label(lang)}（{indicator(k).unit(lang, monthly=True)}）" for k in keys]
    fig = make_subplots(
        rows=rows, cols=cols, subplot_titles=titles, vertical_spacing=0.3 / rows, horizontal_spacing=0.08
    )
    months = sorted(monthly["month"].unique()) if len(monthly) else []
    for i, key in enumerate(keys):
        ind = indicator(key)
        for code, g in monthly.groupby("community_code", sort=True):
            g = g.set_index("month").reindex(months)
            y = g[key].astype(float) * (100 if ind.is_rate else 1)
            fig.add_scatter(
                x=months,
                y=y.tolist(),
                mode="lines+markers",
                marker={"size": 4},
                line={"color": colours.get(code, OTHER_COLOUR), "width": 1.6},
                name=names.get(code, code),
                legendgroup=code,
                showlegend=i == 0,
                connectgaps=False,
                row=i // cols + 1,
                col=i % cols + 1,
                hovertemplate=f"{names.get(code, code)} %{{x|%Y-%m}}: %{{y:,.1f}}<extra></extra>",
            )
    height, top, bottom = 230 + 260 * rows, 90, 120
    style(fig, t("arena.fig.trends", lang), height=height)
    fig.update_xaxes(tickformat="%Y-%m", nticks=7)
    # The legend goes ~45 px below the last row's month labels (a fraction of the plot height).
    below = 45 / (height - top - bottom)
    fig.update_layout(legend={"y": -below, "yanchor": "top"}, margin={"t": top, "b": bottom})
    return fig
