"""What every chart shares: one colour per township and per service category, titles with
units, standard lines, top-N + 其他 so no chart has more than ~15 unlabelled series, and the
layout and axis rules of `style` and `finish` that every builder applies:

- a value axis starts at zero, or says in its title that it does not (`axis_from`);
- the title sits at the top and the legend at the bottom of the figure, each with the room
  plotly reserves for it, so neither can sit on the other or on tick labels (English titles,
  longer, are wrapped);
- numbers carry a thousands comma on axes and in hover (12,345), in both languages;
- a date axis reads 2025年11月 in Chinese and Nov 2025 in English, one tick a month or fewer."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any, ParamSpec

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from core.contract import SERVICE_CATEGORIES
from core.metrics import Metric
from core.paths import REFERENCE
from oversight.i18n import register, t

register(
    {
        "fig.axis_from": ("坐标轴自 {start} 起，未从零开始", "axis starts at {start}, not at zero"),
        "fig.capped_units": (
            "共 {total} 个单位，只画{worst}的 {n} 个；全部见表格与下载",
            "The {n} {worst_en} of {total} units shown; every unit is in the table and its download",
        ),
        "fig.missing_units": (
            "未画柱的 {n} 个单位无可计算的数值（未报送，或分母为 0，如没有小区），不按 0 计",
            "{n} units without a bar have no value to show (not reported, or nothing to divide by, such as "
            "no neighbourhoods); not a zero",
        ),
    }
)

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


SEPARATORS = ".,"  # decimal point, thousands comma: 12,345.6 in both languages
MONTH_FORMAT = {"zh": "%Y年%-m月", "en": "%b %Y"}  # d3 time formats for a month axis and its hover
DAY_FORMAT = {"zh": "%Y年%-m月%-d日", "en": "%-d %b %Y"}
MONTH_STEPS = (1, 2, 3, 6, 12, 24)  # months between ticks
NOTE_STYLE = '<span style="font-size:11px;color:#B71C1C">{note}</span>'  # the axis-start note
MAX_BARS = 60  # a bar chart by unit draws at most this many (a province's 1,850 townships: 40,000 px)
MISSING_STYLE = '<span style="font-size:11px;color:#616161">{note}</span>'  # units without a value
TITLE_WIDTH = 44  # a title wider than this many Latin characters (a CJK one counts 2) is wrapped


P = ParamSpec("P")
HASHED_ROWS = 50_000  # Streamlit hashes a frame this long by a sample of its rows: such a frame is never a key
FIGURES_HELD = 32  # per builder: the ×50 county heatmap of 1,850 townships × 12 months is 4 MB as JSON


def remembered(
    builder: Callable[P, go.Figure] | None = None, *, hash_funcs: dict[type, Callable[[Any], object]] | None = None
) -> Callable[P, go.Figure] | Callable[[Callable[P, go.Figure]], Callable[P, go.Figure]]:
    """A page's figure builder that builds each figure once: the figure for the same arguments
    (frames compared by content, as st.cache_resource hashes them; other types through
    `hash_funcs`, as st.cache_resource takes them) is the one built before, held for an hour
    (at most FIGURES_HELD per builder). A page's rerun rebuilt every chart (plotly validates
    every property it is given: at ×50 a chart of 1,850 townships took 0.1–0.3 s). The figure
    is shared by every session: callers hand it to st.plotly_chart, which copies it, and never
    change it (a builder whose figure is changed afterwards, such as `unit_bar` in the 通报, is
    not remembered; nor is one that reads a setting, unless the setting is among its
    arguments). Arguments must be what st.cache_resource hashes without pickling, or have a
    hash function; a frame of HASHED_ROWS rows or more is built afresh every time.
    Use as `@remembered` or `@remembered(hash_funcs=…)`."""
    if builder is None:
        return functools.partial(remembered, hash_funcs=hash_funcs)
    held = st.cache_resource(ttl=3600, max_entries=FIGURES_HELD, show_spinner=False, hash_funcs=hash_funcs)(builder)

    @functools.wraps(builder)
    def build(*args: P.args, **kwargs: P.kwargs) -> go.Figure:
        frames = [a for a in (*args, *kwargs.values()) if isinstance(a, pd.DataFrame | pd.Series)]
        if any(len(a) >= HASHED_ROWS for a in frames):
            return builder(*args, **kwargs)
        return held(*args, **kwargs)

    return build


def month_hover(lang: str, axis: str = "x") -> str:
    """A hovertemplate field for the month on `axis`: %{x|2025年11月} / %{x|Nov 2025}."""
    return f"%{{{axis}|{MONTH_FORMAT[lang]}}}"


def day_hover(lang: str, axis: str = "x") -> str:
    """A hovertemplate field for a day on `axis`: %{x|2025年11月3日} / %{x|3 Nov 2025}."""
    return f"%{{{axis}|{DAY_FORMAT[lang]}}}"


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def wrap_title(text: str, width: int = TITLE_WIDTH) -> str:
    """`text` broken with <br> into lines of at most `width` (CJK characters count 2): at spaces
    in English, after （ or between characters in Chinese. Plotly does not wrap titles itself,
    so a long one ran off a half-width chart."""
    if "<br>" in text or _width(text) <= width:
        return text
    lines: list[str] = []
    if " " in text:
        line = ""
        for word in text.split(" "):
            if line and _width(line) + 1 + _width(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    else:
        cut = text.find("（")
        if 0 < cut and _width(text[:cut]) <= width and _width(text[cut:]) <= width:
            lines = [text[:cut], text[cut:]]
        else:
            step = width // 2
            lines = [text[i : i + step] for i in range(0, len(text), step)]
    return "<br>".join(lines)


def style(fig: go.Figure, title: str, y_title: str = "", x_title: str = "", height: int = 420) -> go.Figure:
    """Title, axis names with units, CJK font, and the one layout rule: the title sits on the
    plot and grows upwards (its lines wrapped by `wrap_title`, the top margin pushed to fit),
    the legend in rows at the bottom of the figure (yref "container", so plotly reserves its
    room and pushes the plot, tick labels and axis titles clear of it); a legend can grow to
    several rows without reaching the title. A chart whose x axis is on top has its title
    placed at the top of the figure instead (`finish`)."""
    fig.update_layout(
        title={
            "text": wrap_title(title),
            "x": 0.0,
            "xanchor": "left",
            "xref": "container",
            "y": 1.0,
            "yanchor": "bottom",
            "yref": "paper",
            "pad": {"b": 14, "l": 12},
            "automargin": True,
            "font": {"size": 16},
        },
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 60, "r": 20, "t": 40, "b": 10},
        legend={
            "orientation": "h",
            "x": 0.0,
            "xanchor": "left",
            "xref": "container",
            "y": 0.0,
            "yanchor": "bottom",
            "yref": "container",
        },
        separators=SEPARATORS,
        template="plotly_white",
    )
    if y_title:
        fig.update_yaxes(title_text=y_title)
    if x_title:
        fig.update_xaxes(title_text=x_title)
    return fig


def _axes(fig: go.Figure) -> dict[str, str]:
    """Layout name ("xaxis", "yaxis2" …) -> the trace reference ("x", "y2" …) of each
    cartesian axis in `fig`."""
    names = {k for k in fig.layout.to_plotly_json() if k.startswith(("xaxis", "yaxis"))}
    if any(hasattr(tr, "xaxis") for tr in fig.data):
        names |= {"xaxis", "yaxis"}
    return {n: n[0] + n[5:] for n in sorted(names)}


def _kind(values: object) -> str:
    """'date', 'number' or 'category' for the data of one trace coordinate."""
    if values is None:
        return "none"
    s = pd.Series(list(values) if not isinstance(values, pd.Series) else values)
    s = s.dropna()
    if s.empty:
        return "none"
    if pd.api.types.is_datetime64_any_dtype(s) or all(isinstance(v, (pd.Timestamp, date)) for v in s.head(5)):
        return "date"
    if pd.api.types.is_numeric_dtype(s) or all(isinstance(v, (int, float)) for v in s.head(5)):
        return "number"
    return "category"


def _month_step(first: pd.Timestamp, last: pd.Timestamp, max_ticks: int) -> int:
    span = (last.year - first.year) * 12 + last.month - first.month
    return next((s for s in MONTH_STEPS if span // s + 1 <= max_ticks), MONTH_STEPS[-1])


LEGEND_WIDTH = 520  # px a legend row may fill: a half-width chart on the page
LEGEND_ROW = 22  # px per legend row


def legend_rows(fig: go.Figure, width: int = LEGEND_WIDTH) -> int:
    """How many rows the horizontal legend of `fig` takes in `width` px (~7 px per Latin
    character, 14 per CJK one, 40 px for the symbol and gap of each entry); 0 without a legend."""
    if fig.layout.showlegend is False:
        return 0
    entries = [tr.name for tr in fig.data if tr.name and tr.showlegend is not False]
    if len(entries) < 2 and fig.layout.showlegend is not True:
        return 0
    rows, used = 1, 0
    for name in entries:
        w = 40 + 7 * _width(name)
        if used and used + w > width:
            rows, used = rows + 1, 0
        used += w
    return rows


def _room_for_legend(fig: go.Figure) -> None:
    """Make the figure taller by the legend's extra rows, so a long (English) legend takes room
    below the plot instead of squeezing it."""
    extra = max(0, legend_rows(fig) - 1) * LEGEND_ROW
    if extra:
        fig.layout.height = (fig.layout.height or 420) + extra


# Room a vertical axis title has: the figure's height less its title, x axis and legend (px),
# and the width of one Latin character at the axis font's 13 px (a CJK one counts 2).
_Y_TITLE_FREE = 150
_CHAR_PX = 7


def _fit_axis_titles(fig: go.Figure) -> None:
    """Breaks a value axis title longer than its plot is tall into lines (`wrap_title`): a long
    English one ("Party-org coverage of neighbourhoods (%)") on a 340 px chart ran up over the
    chart's title and down past the x axis."""
    height = fig.layout.height or 420
    title_lines = str(fig.layout.title.text or "").count("<br>") + 1
    room = max(12, (height - _Y_TITLE_FREE - 20 * (title_lines - 1)) // _CHAR_PX)
    for name in _axes(fig):
        axis = fig.layout[name]
        text = axis.title.text
        if name.startswith("yaxis") and text:  # a line in a <span> is axis_from's small note
            lines = text.split("<br>")
            axis.title.text = "<br>".join(ln if "<" in ln else wrap_title(ln, room) for ln in lines)


def finish(fig: go.Figure, lang: str, *, max_month_ticks: int = 6) -> go.Figure:
    """The axis rules, applied last by every builder, to every cartesian axis by the data on it:
    - a date axis gets month ticks in `lang` (2025年11月 / Nov 2025), at most `max_month_ticks`
      (a tick a month, else every 2, 3, 6, 12 months), and hover in the same form;
    - a value axis gets thousands commas (",~f", hover ",.2~f"; a % axis keeps its format) and,
      unless a range was set (by `axis_from`, which says so, or a fixed scale), starts at zero;
    - every axis pushes the margins for its tick labels (automargin), and a vertical axis title
      too long for the plot's height is broken into lines (`_fit_axis_titles`);
    - a legend of more than one row makes the figure taller by its extra rows (`legend_rows`).
    Returns `fig`."""
    _room_for_legend(fig)
    _fit_axis_titles(fig)
    if any(fig.layout[n].side == "top" for n in _axes(fig) if n.startswith("xaxis")):
        fig.update_layout(title={"yref": "container", "y": 1.0, "yanchor": "top", "pad": {"t": 12, "b": 0}})
    by_axis: dict[str, list[object]] = {}
    for tr in fig.data:
        if not hasattr(tr, "xaxis"):  # polar and other non-cartesian traces
            continue
        for coord in ("x", "y"):
            by_axis.setdefault(getattr(tr, f"{coord}axis") or coord, []).append(getattr(tr, coord))
    for name, ref in _axes(fig).items():
        axis = fig.layout[name]
        axis.automargin = True
        kinds = {_kind(v) for v in by_axis.get(ref, [])} - {"none"}
        if axis.type == "category" or kinds == {"category"} or axis.tickvals is not None:
            continue
        if kinds == {"date"}:
            stamps = pd.concat([pd.Series(pd.to_datetime(pd.Series(list(v)))) for v in by_axis[ref] if v is not None])
            first, last = stamps.min(), stamps.max()
            if pd.notna(first):
                step = _month_step(first, last, max_month_ticks)
                axis.update(tick0="2000-01-01", dtick=f"M{step}")
            axis.update(tickformat=MONTH_FORMAT[lang], hoverformat=MONTH_FORMAT[lang])
        elif kinds == {"number"}:
            fmt = axis.tickformat or ""
            if "%" in fmt:
                axis.hoverformat = axis.hoverformat or ".1%"
            else:
                axis.update(tickformat=fmt or ",~f", hoverformat=axis.hoverformat or ",.2~f")
            if axis.range is None and axis.rangemode is None:
                axis.rangemode = "tozero"
    return fig


def axis_from(fig: go.Figure, start: float, end: float, lang: str, axis: str = "y", fmt: str = ".0%") -> go.Figure:
    """Set `axis` ("x"/"y") to [start, end]; when `start` is above zero, its title says so
    in a second, smaller red line ("坐标轴自 85% 起，未从零开始"): the only way a chart here may
    cut off the zero."""
    getattr(fig, f"update_{axis}axes")(range=[start, end])
    if start > 0:
        layout_axis = fig.layout[f"{axis}axis"]
        note = t("fig.axis_from", lang, start=format(start, fmt))
        layout_axis.title.text = f"{layout_axis.title.text or ''}<br>{NOTE_STYLE.format(note=note)}"
        layout_axis.title.standoff = 12  # the note's line, nearest the tick labels, clear of them
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


_WHICH = {"lowest": "最低", "highest": "最高", "largest": "最多"}


def capped_note(total: int, shown: int, which: str, lang: str) -> str:
    """The small line under a chart by unit that draws only `shown` of its `total` units (MAX_BARS):
    "共 1,850 个单位，只画最低的 60 个；全部见表格与下载". `which` is lowest, highest or largest."""
    note = t("fig.capped_units", lang, total=f"{total:,}", n=shown, worst=_WHICH[which], worst_en=which)
    return MISSING_STYLE.format(note=note)


def top_units(units: list[str], lang: str) -> tuple[list[str], str]:
    """For a chart whose x axis is `units` (sorted largest first): the first MAX_BARS and the
    line saying so under the axis ("" when all are drawn)."""
    if len(units) <= MAX_BARS:
        return units, ""
    return units[:MAX_BARS], capped_note(len(units), MAX_BARS, "largest", lang)


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
    lang: str | None = None,
) -> go.Figure:
    """One horizontal bar per unit (`unit_code`, `unit_name`, `town_code` columns), largest at the
    top so every name is readable (37 townships included), in one colour; with a `target`, a
    unit that misses it is red and the standard is a dashed line. A missing value keeps its
    place at the bottom, labelled `missing_text` (never drawn as 0; with the default "—" a line
    under the axis says what the dash means, for how many units). `y_title` names the value
    axis (it is horizontal). For shares, the axis starts near the lowest value (so 92% and 100%
    do not look alike) and `axis_from_label` (e.g. "axis from {start}") says where.
    customdata carries unit_code so a click can drill down. `colour_by_target` is kept for
    callers: any target now colours the units that miss it. Above MAX_BARS units only the
    MAX_BARS worst (lowest, or highest when not `higher_is_better`) are drawn, and a line under
    the axis says so (the page's table has them all)."""
    d = df.reset_index(drop=True).copy()
    d["_v"] = d[value].astype("Float64")
    total = len(d)
    if total > MAX_BARS:
        d = d.dropna(subset=["_v"]).sort_values("_v", ascending=higher_is_better, kind="stable").head(MAX_BARS)
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
    if lang is None:
        lang = "en" if axis_from_label and axis_from_label == t("fig.axis_from", "en") else "zh"
    style(fig, title, height=max(300, 22 * len(d) + 150))
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    missing = sum(x is None for x in xs)
    if missing and missing_text == "—":  # the empty rows are not zeros: say so (a caller's own label says it)
        note = t("fig.missing_units", lang, n=missing)
        y_title = f"{y_title}<br>{MISSING_STYLE.format(note=note)}"
    if total > MAX_BARS:
        y_title = f"{y_title}<br>{capped_note(total, len(d), 'lowest' if higher_is_better else 'highest', lang)}"
    fig.update_xaxes(title_text=y_title)
    fig.update_layout(margin={"r": 60})  # room for the value written after the longest bar
    known = [x for x in xs if x is not None]
    if percent:
        fig.update_xaxes(tickformat=".0%")
        low = min([*known, *([target] if target is not None else [])], default=0.0)
        start = max(0.0, float(int(low * 20) - 1) / 20)  # 5 points below the lowest, on a 5% step
        axis_from(fig, start, 1.0 + (1.0 - start) * 0.12, lang, axis="x")
    elif known or target is not None:
        top = max([*known, *([target] if target is not None else [])])
        fig.update_xaxes(range=[0, top * 1.15 if top > 0 else 1])
    if target is not None:
        standard_line(fig, target, target_label, vertical=True)
    return finish(fig, lang)


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
