"""What every chart shares: one colour per township and per service category, titles with
units, standard lines, and top-N + 其他 so no chart has more than ~15 unlabelled series."""

from __future__ import annotations

import functools

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from core.contract import SERVICE_CATEGORIES
from core.metrics import Metric
from core.paths import REFERENCE
from oversight.i18n import register

register({"fig.axis_from": ("坐标轴自 {start} 起", "axis from {start}")})

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
TOP_N = 5  # stacked charts by unit: the 5 largest and 其他 stay distinguishable

# 37 townships need more distinct colours than one qualitative palette has.
_PALETTE = px.colors.qualitative.Dark24 + px.colors.qualitative.Light24
CATEGORY_COLOURS = dict(zip(SERVICE_CATEGORIES, px.colors.qualitative.Set2, strict=False))
OTHER_COLOUR = "#B0B0B0"
GOOD, BAD, NEUTRAL = "#2E7D32", "#C62828", "#1F77B4"


# Distinct colours for the few series of a top-N chart (township colours are too alike for a stack).
STACK_PALETTE = ("#1F77B4", "#FF7F0E", "#2CA02C", "#9467BD", "#8C564B", "#E377C2", "#17BECF", "#BCBD22")


def stack_colours(order: list[str], other_label: str) -> dict[str, str]:
    """A colour per series of a top-N + 其他 chart, by rank: distinct ones, grey for 其他."""
    ranked = [name for name in order if name != other_label]
    out = {name: STACK_PALETTE[i % len(STACK_PALETTE)] for i, name in enumerate(ranked)}
    out[other_label] = OTHER_COLOUR
    return out


def town_colours(town_codes: list[str]) -> dict[str, str]:
    """A fixed colour per township code, the same on every page (keyed by sorted code order)."""
    return {code: _PALETTE[i % len(_PALETTE)] for i, code in enumerate(sorted(town_codes))}


def style(fig: go.Figure, title: str, y_title: str = "", x_title: str = "", height: int = 420) -> go.Figure:
    """Title, axis names with units, CJK font, legend below the plot so it never clips."""
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left"},
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        template="plotly_white",
    )
    if y_title:
        fig.update_yaxes(title_text=y_title)
    if x_title:
        fig.update_xaxes(title_text=x_title)
    return fig


def target_line(fig: go.Figure, value: float, label: str, horizontal: bool = True) -> go.Figure:
    """A dashed standard/target line (e.g. 30 ㎡ per 100 households, 92% resolution)."""
    kw = {"line_dash": "dash", "line_color": BAD, "annotation_text": label, "annotation_position": "top left"}
    if horizontal:
        fig.add_hline(y=value, **kw)
    else:
        fig.add_vline(x=value, **kw)
    return fig


def top_n_other(df: pd.DataFrame, label_col: str, value_col: str, other_label: str, n: int = TOP_N) -> pd.DataFrame:
    """Keep the n largest labels by total value; fold the rest into one `other_label` row per
    remaining key (all other columns kept as grouping keys)."""
    totals = df.groupby(label_col)[value_col].sum().sort_values(ascending=False)
    if len(totals) <= n + 1:
        return df
    keep = set(totals.index[:n])
    out = df.copy()
    out[label_col] = out[label_col].where(out[label_col].isin(keep), other_label)
    keys = [c for c in out.columns if c != value_col]
    return out.groupby(keys, as_index=False, sort=False)[value_col].sum()


_TOWNS_CSV = REFERENCE / "towns.csv"


@functools.cache
def county_town_colours() -> dict[str, str]:
    """town_colours over every township in the registry: a township keeps its colour whatever
    the selection (and whatever subset a chart happens to show)."""
    return town_colours(pd.read_csv(_TOWNS_CSV, dtype=str)["town_code"].tolist())


def town_colour(code: str | None) -> str:
    return county_town_colours().get(code or "", NEUTRAL)


def status_colours(values: pd.Series, target: float, higher_is_better: bool = True) -> list[str]:
    """Red for a value that misses the standard, green for one that meets it, grey when missing."""
    out = []
    for v in values:
        if v is None or pd.isna(v):
            out.append(OTHER_COLOUR)
        elif (v >= target) if higher_is_better else (v <= target):
            out.append(GOOD)
        else:
            out.append(BAD)
    return out


def unit_bar(
    df: pd.DataFrame,
    value: str,
    title: str,
    y_title: str,
    *,
    target: float | None = None,
    target_label: str = "",
    colour_by_target: bool = False,
    higher_is_better: bool = True,
    percent: bool = False,
    text_fmt: str = ",.0f",
    missing_text: str = "—",
    axis_from_label: str = "",
) -> go.Figure:
    """One horizontal bar per unit (`unit_code`, `unit_name`, `town_code` columns), largest at the
    top so every name is readable (37 townships included), in one colour; with a `target`, a
    unit that misses it is red and the standard is a dashed line. A missing value keeps its
    place at the bottom, labelled `missing_text` (never drawn as 0). `y_title` names the value
    axis (it is horizontal). For shares, the axis starts near the lowest value (so 92% and 100%
    do not look alike) and `axis_from_label` (e.g. "axis from {start}") says where.
    customdata carries unit_code so a click can drill down. `colour_by_target` is kept for
    callers: any target now colours the units that miss it."""
    d = df.reset_index(drop=True).copy()
    d["_v"] = d[value].astype("Float64")
    d = d.sort_values("_v", ascending=False, na_position="last", kind="stable").reset_index(drop=True)
    vals = d["_v"]
    colours = [
        OTHER_COLOUR
        if pd.isna(v)
        else BAD
        if target is not None and ((v < target) if higher_is_better else (v > target))
        else NEUTRAL
        for v in vals
    ]
    value_fmt = ".1%" if percent else text_fmt
    text = [missing_text if pd.isna(v) else format(float(v), value_fmt) for v in vals]
    xs = [None if pd.isna(v) else float(v) for v in vals]
    fig = go.Figure(
        go.Bar(
            y=d["unit_name"].tolist(),
            x=xs,
            orientation="h",
            marker_color=colours,
            text=text,
            textposition="outside",
            cliponaxis=False,
            customdata=d[["unit_code"]].to_numpy(),
            hovertext=text,
            hovertemplate="%{y}: %{hovertext}<extra></extra>",
            showlegend=False,
        )
    )
    style(fig, title, height=max(300, 22 * len(d) + 150))
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    fig.update_xaxes(title_text=y_title)
    legend_top(fig)
    fig.update_layout(margin={"r": 60})  # room for the value written after the longest bar
    known = [x for x in xs if x is not None]
    if percent:
        fig.update_xaxes(tickformat=".0%")
        low = min([*known, *([target] if target is not None else [])], default=0.0)
        start = max(0.0, float(int(low * 20) - 1) / 20)  # 5 points below the lowest, on a 5% step
        fig.update_xaxes(range=[start, 1.0 + (1.0 - start) * 0.12])
        if start > 0 and axis_from_label:
            fig.update_xaxes(title_text=f"{y_title}（{axis_from_label.format(start=format(start, '.0%'))}）")
    elif known or target is not None:
        fig.update_xaxes(tickformat=",~f")  # 20,000 rather than 20k
        top = max([*known, *([target] if target is not None else [])])
        fig.update_xaxes(range=[0, top * 1.15 if top > 0 else 1])
    if target is not None:
        standard_line(fig, target, target_label, vertical=True)
    return fig


def metric_format(m: Metric) -> str:
    """Format spec for a KPI value of `m`: .1% for shares, ,.1f for other ratios, ,.0f for counts."""
    if m.is_rate:
        return ".1%"
    return ",.1f" if m.agg == "ratio" else ",.0f"


def standard_line(
    fig: go.Figure, value: float, label: str, secondary_y: bool | None = None, vertical: bool = False
) -> go.Figure:
    """A dashed red standard line named in the legend (not written over the bars, where a
    crowded chart would hide it); `vertical` for horizontal bars."""
    kw = {"secondary_y": secondary_y} if secondary_y is not None else {}
    if vertical:
        fig.add_vline(x=value, line_dash="dash", line_color=BAD, line_width=1.5)
    else:
        fig.add_hline(y=value, line_dash="dash", line_color=BAD, line_width=1.5, **kw)
    fig.add_scatter(
        x=[None], y=[None], mode="lines", name=label, line={"color": BAD, "dash": "dash"}, hoverinfo="skip", **kw
    )
    fig.update_layout(showlegend=True)
    return fig


def legend_top(fig: go.Figure) -> go.Figure:
    """Legend in one row between the title and the plot, clear of rotated axis labels."""
    fig.update_layout(
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left"},
        margin={"t": 80},
    )
    return fig


def legend_below(fig: go.Figure) -> go.Figure:
    """Legend under the x-axis title (style() puts it where a month axis's title would hide)."""
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.28, "x": 0}, margin={"b": 60})
    return fig
