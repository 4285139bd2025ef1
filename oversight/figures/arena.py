"""Charts of the 擂台比武 page: contributions to the composite, a radar of indicator scores, rank
ranges under weight perturbation, and small trend charts. One colour per indicator (by its part
of 365: forces in Paul Tol's wine-to-sand, services in his blues, mechanisms in his greens, all
from his colour-blind-safe schemes; oversight.arena.indicators.INDICATOR_COLOURS) and one per
community, on every chart."""

from __future__ import annotations

import pickle
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.settings import min_cases
from oversight.arena.indicators import INDICATOR_COLOURS, indicator
from oversight.arena.scoring import ArenaResult
from oversight.figures.base import (
    BAD,
    GOOD,
    NOTE_STYLE,
    OTHER_COLOUR,
    finish,
    month_hover,
    remembered,
    style,
    wrap_title,
)
from oversight.i18n import bracket, register, t

STRINGS = {
    "arena.fig.contrib": (
        "综合得分及各指标贡献（满分100）",
        "Composite score and each indicator's contribution (out of 100)",
    ),
    "arena.fig.points": ("得分（分）", "Points"),
    "arena.fig.group": ("{group}组内排名 ↓", "ranked within {group} ↓"),
    "arena.fig.radar": ("各指标得分雷达图（0–100）", "Indicator scores (0–100)"),
    "arena.fig.ranks": (
        "权重±{spread:.0%}随机扰动{draws}次的名次范围",
        "Rank range when every weight moves ±{spread:.0%} ({draws} draws)",
    ),
    "arena.fig.rank_axis": ("名次（1 = 第一）", "Rank (1 = first)"),
    "arena.fig.trends": ("月度走势", "Monthly trends"),
    "arena.fig.few_cases": (
        "空心圆：当月不足 {n} 件，该比率仅供参考（悬停可见件数 n）",
        "Open circle: fewer than {n} cases that month, the rate is only indicative (hover for n)",
    ),
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
            if line and len(line) + len(w) > 2 * width:
                lines.append(line)
                line = w
            else:
                line = f"{line} {w}".strip()
        return "<br>".join([*lines, line])
    return "<br>".join(label[i : i + width] for i in range(0, len(label), width))


PANEL_WIDTH = 40  # a panel of the trends is half the chart: its title wraps sooner


def _panel_title(key: str, lang: str) -> str:
    ind = indicator(key)
    unit = ind.unit(lang, monthly=True)
    return ind.label(lang) + bracket(unit, lang)


def _result_key(result: ArenaResult) -> bytes:
    """What a remembered arena figure knows an ArenaResult by: the pickle of its pickled copy
    (Streamlit would pickle it anyway, warning for each Series of lists in it). Equal bytes, equal
    result. The copy, because the page's scores come from st.cache_data: the first run gets the
    object as computed, every later run an unpickled copy, and the two pickle differently — the
    first rerun after every new choice rebuilt its charts (0.15 s at ×50) for a key never seen again."""
    copy = pickle.loads(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return pickle.dumps(copy, protocol=pickle.HIGHEST_PROTOCOL)


def _order(result: ArenaResult) -> list[str]:
    return list(result.table().index)


def _group_rules(fig: go.Figure, result: ArenaResult, order: list[str], lang: str) -> None:
    """With peer groups (ranks count within each), a rule above each group's first bar and its
    name at the right: a 村's 68.1 above a 社区's 83.7 then reads as a ranking of its own."""
    if result.group is None or result.group.nunique() < 2:
        return
    groups = [result.group[c] for c in order]
    for i, g in enumerate(groups):
        if i and g == groups[i - 1]:
            continue
        if i:
            fig.add_shape(
                type="line",
                xref="paper",
                x0=0,
                x1=1,
                yref="y",
                y0=i - 0.5,
                y1=i - 0.5,
                line={"color": "#616161", "width": 1, "dash": "dot"},
            )
        fig.add_annotation(
            xref="paper",
            x=1,
            yref="y",
            y=i - 0.45,
            text=t("arena.fig.group", lang, group=g),
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font={"color": "#616161", "size": 12},
        )


@remembered(hash_funcs={ArenaResult: _result_key})
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
                f"<br>+%{{x:,.1f}}<extra></extra>"
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
    _group_rules(fig, result, order, lang)
    style(fig, t("arena.fig.contrib", lang), x_title=t("arena.fig.points", lang), height=140 + 34 * len(order))
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels)
    fig.update_xaxes(range=[0, 112], dtick=20)
    return finish(fig, lang)


@remembered(hash_funcs={ArenaResult: _result_key})
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
    return finish(fig, lang)


@remembered(hash_funcs={ArenaResult: _result_key})
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
        hovertemplate="%{y}: %{customdata[0]:,.0f}–%{customdata[1]:,.0f}<extra></extra>",
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
    fig.update_xaxes(range=[0.4, n + 1.9], dtick=1)  # ranks: the axis begins at rank 1, not at a zero
    return finish(fig, lang)


def trends(
    monthly: pd.DataFrame, keys: Sequence[str], names: Mapping[str, str], colours: Mapping[str, str], lang: str
) -> go.Figure:
    """`_trends` with core.settings.min_cases() in force (a remembered figure keyed by it)."""
    return _trends(monthly, tuple(keys), names, colours, lang, min_cases())


@remembered
def _trends(
    monthly: pd.DataFrame,
    keys: Sequence[str],
    names: Mapping[str, str],
    colours: Mapping[str, str],
    lang: str,
    few: int,
) -> go.Figure:
    """Small multiples: one panel per indicator in `keys`, one line per community, by month.
    A month a community did not report is a gap, not a zero. Each panel's value axis starts at
    zero. A rate stands next to the cases it is computed on when `monthly` carries that count
    (the indicator's `cases_column`: requests_received, requests_resolved, followups_total): the
    hover says "n=3", and a month on fewer than `few` (core.settings.min_cases()) cases is an open
    circle, explained under the title, so a jump on three cases is not read as a trend. Without
    the column the chart is drawn as before (filled dots, no counts)."""
    keys = [k for k in keys if k in monthly.columns]
    cols = 2
    rows = max(1, -(-len(keys) // cols))
    titles = [wrap_title(_panel_title(k, lang), PANEL_WIDTH) for k in keys]
    fig = make_subplots(
        rows=rows, cols=cols, subplot_titles=titles, vertical_spacing=0.3 / rows, horizontal_spacing=0.08
    )
    months = sorted(monthly["month"].unique()) if len(monthly) else []
    counted = False
    for i, key in enumerate(keys):
        ind = indicator(key)
        count_col = ind.cases_column if ind.cases_column in monthly.columns else None
        for code, g in monthly.groupby("community_code", sort=True):
            g = g.set_index("month").reindex(months)
            y = g[key].astype(float) * (100 if ind.is_rate else 1)
            name = names.get(code, code)
            colour = colours.get(code, OTHER_COLOUR)
            marker: dict[str, object] = {"size": 4}
            hover = f"{name} {month_hover(lang)}: %{{y:,.1f}}"
            extra: dict[str, object] = {}
            if count_col is not None:
                counted = True
                n = g[count_col].astype("Float64")
                extra["customdata"] = [None if pd.isna(v) else int(v) for v in n]
                hover += " (n=%{customdata:,})"
                marker = {
                    "size": [9 if not pd.isna(v) and v < few else 5 for v in n],
                    "symbol": ["circle-open" if not pd.isna(v) and v < few else "circle" for v in n],
                    "line": {"width": 1.5, "color": colour},
                }
            fig.add_scatter(
                x=months,
                y=y.tolist(),
                mode="lines+markers",
                marker=marker,
                line={"color": colour, "width": 1.6},
                name=name,
                legendgroup=code,
                showlegend=i == 0,
                connectgaps=False,
                row=i // cols + 1,
                col=i % cols + 1,
                hovertemplate=hover + "<extra></extra>",
                **extra,
            )
    title = t("arena.fig.trends", lang)
    if counted:
        title += "<br>" + NOTE_STYLE.format(note=t("arena.fig.few_cases", lang, n=few))
    style(fig, title, height=230 + 260 * rows)
    lines = max((x.count("<br>") + 1 for x in titles), default=1)
    fig.update_layout(title={"pad": {"b": 14 + 20 * lines}})  # above the first row's panel titles
    return finish(fig, lang, max_month_ticks=4)
