"""Charts of the 阵地 page: service-centre area over time, ㎡ per 100 households against the
standard (core.metrics), the project timeline, functional rooms integrated."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from core.contract import PROJECT_TYPES
from core.metrics import metric
from oversight.figures.base import (
    day_hover,
    finish,
    month_hover,
    remembered,
    stack_colours,
    style,
    top_n_other,
    top_units,
    unit_bar,
)
from oversight.i18n import register, t

STRINGS = {
    "fig.area.trend": ("党群服务中心面积走势（按{unit}堆叠）", "Service-centre area over time, stacked by {unit}"),
    "fig.area.m2_axis": ("面积（㎡）", "Area (m²)"),
    "fig.area.per100": ("每百户服务设施面积（按{unit}）", "Service area per 100 households by {unit}"),
    "fig.area.per100_axis": ("㎡/百户", "m² per 100 households"),
    "fig.area.timeline": (
        "阵地建设项目时间线（圆点大小＝新增面积）",
        "Service-centre projects (dot size = area added)",
    ),
    "fig.area.date_axis": ("完成日期", "Completed on"),
    "fig.area.type_axis": ("项目类型", "Project type"),
    "fig.area.rooms": ("整合功能场所数（按{unit}）", "Functional rooms integrated by {unit}"),
    "fig.area.rooms_axis": ("功能场所（个）", "Rooms"),
    "fig.area.rooms_unit": ("个功能场所", "rooms"),
    "other": ("其他", "Other"),
    "ptype.新建": ("新建", "New build"),
    "ptype.改扩建": ("改扩建", "Extension"),
    "ptype.亲民化改造": ("亲民化改造", "Resident-friendly refit"),
    "ptype.功能整合": ("功能整合", "Function integration"),
}
register(STRINGS)

TYPE_COLOURS = dict(zip(PROJECT_TYPES, ("#C62828", "#EF6C00", "#2E7D32", "#1565C0"), strict=True))


def ptype(name: str, lang: str) -> str:
    return t(f"ptype.{name}", lang) if name in TYPE_COLOURS else name


@remembered
def area_trend(df: pd.DataFrame, lang: str, unit_label: str) -> go.Figure:
    """Lines of service-centre ㎡ per unit per month (columns month, unit_code, unit_name,
    town_code, service_center_m2); beyond the 5 largest units the rest are summed as 其他."""
    other = t("other", lang)
    d = top_n_other(df[["month", "unit_name", "service_center_m2"]], "unit_name", "service_center_m2", other)
    d = d.sort_values("month")
    fig = go.Figure()
    order = d.groupby("unit_name")["service_center_m2"].sum().sort_values(ascending=False).index.tolist()
    if other in order:  # 其他 on top of the stack, in grey
        order = [u for u in order if u != other] + [other]
    colours = stack_colours(order, other)
    for name in order:
        g = d[d["unit_name"] == name]
        colour = colours[name]
        fig.add_scatter(
            x=g["month"],
            y=g["service_center_m2"].astype("Float64").astype(float),
            name=name,
            mode="lines",
            line={"color": colour, "width": 0.5},
            fillcolor=colour,
            stackgroup="units",
            hovertemplate=f"{name} {month_hover(lang)}: %{{y:,.0f}} ㎡<extra></extra>",
        )
    style(
        fig, t("fig.area.trend", lang, unit=unit_label), y_title=t("fig.area.m2_axis", lang), x_title=t("month", lang)
    )
    fig.update_yaxes(tickformat=",.0f")
    return finish(fig, lang)


@remembered
def per100_bar(df: pd.DataFrame, lang: str, unit_label: str) -> go.Figure:
    """㎡ per 100 households per unit, red below the standard, with the standard line."""
    m = metric("m2_per_100_households")
    return unit_bar(
        df,
        "m2_per_100_households",
        t("fig.area.per100", lang, unit=unit_label),
        t("fig.area.per100_axis", lang),
        target=m.line,
        target_label=m.line_label(lang),
        colour_by_target=True,
        text_fmt=",.1f",
        lang=lang,
    )


@remembered
def project_timeline(df: pd.DataFrame, lang: str) -> go.Figure:
    """Each project a dot at its completion date on its type's row, sized by area added
    (columns completed_on, community_name, town_name, project_type, area_added_m2, rooms_integrated)."""
    fig = go.Figure()
    for ptype_name in PROJECT_TYPES:
        g = df[df["project_type"] == ptype_name]
        if g.empty:
            continue
        area = g["area_added_m2"].astype("Float64")
        size = (8 + area.fillna(0).astype(float).clip(upper=2000) ** 0.5 * 0.9).tolist()
        area_text = ["—" if pd.isna(a) else f"{a:,.0f} ㎡" for a in area]
        fig.add_scatter(
            x=g["completed_on"],
            y=[ptype(ptype_name, lang)] * len(g),
            mode="markers",
            name=ptype(ptype_name, lang),
            marker={
                "size": size,
                "color": TYPE_COLOURS[ptype_name],
                "opacity": 0.7,
                "line": {"width": 1, "color": "white"},
            },
            text=(g["town_name"] + " " + g["community_name"]).tolist(),
            customdata=list(zip(area_text, g["rooms_integrated"].astype("Float64").fillna(0).astype(int), strict=True)),
            hovertemplate=f"%{{text}}<br>{day_hover(lang)}<br>%{{customdata[0]}}, %{{customdata[1]}} {t('fig.area.rooms_unit', lang)}<extra></extra>",
        )
    style(
        fig, t("fig.area.timeline", lang), y_title=t("fig.area.type_axis", lang), x_title=t("fig.area.date_axis", lang)
    )
    fig.update_yaxes(categoryorder="array", categoryarray=[ptype(p, lang) for p in reversed(PROJECT_TYPES)])
    fig.update_layout(showlegend=False)
    return finish(fig, lang, max_month_ticks=8)


@remembered
def rooms_bar(df: pd.DataFrame, lang: str, unit_label: str) -> go.Figure:
    """Rooms integrated per unit, stacked by project type (columns unit_code, unit_name,
    project_type, rooms_integrated)."""
    fig = go.Figure()
    units = df.groupby("unit_name", sort=False)["rooms_integrated"].sum().sort_values(ascending=False).index.tolist()
    units, capped = top_units(units, lang)  # a province's 1,850 townships: the first MAX_BARS
    for ptype_name in PROJECT_TYPES:
        g = df[df["project_type"] == ptype_name].set_index("unit_name").reindex(units)
        if g["rooms_integrated"].isna().all():
            continue
        fig.add_bar(
            x=units,
            y=g["rooms_integrated"].astype("Float64").astype(float),
            name=ptype(ptype_name, lang),
            marker_color=TYPE_COLOURS[ptype_name],
            customdata=g[["unit_code"]].to_numpy(),
        )
    style(fig, t("fig.area.rooms", lang, unit=unit_label), y_title=t("fig.area.rooms_axis", lang))
    if capped:
        fig.update_xaxes(title_text=capped)
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickangle=-45 if len(units) > 8 else 0, type="category")
    return finish(fig, lang)
