"""Charts of the 志愿 page: hours per month (seasonality), per unit, per registered volunteer,
and by the six service categories."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from core.contract import SERVICE_CATEGORIES
from oversight.figures.base import (
    CATEGORY_COLOURS,
    OTHER_COLOUR,
    finish,
    month_hover,
    remembered,
    stack_colours,
    style,
    top_n_other,
    top_units,
    unit_bar,
)
from oversight.i18n import choice_label, register, t

STRINGS = {
    "fig.vol.monthly": ("志愿服务时长（按月，按{unit}）", "Volunteer hours per month by {unit}"),
    "fig.vol.hours_axis": ("时长（小时）", "Hours"),
    "fig.vol.by_unit": ("志愿服务时长（按{unit}）", "Volunteer hours by {unit}"),
    "fig.vol.per_volunteer": ("人均志愿服务时长（按{unit}）", "Hours per registered volunteer by {unit}"),
    "fig.vol.per_axis": ("小时/人", "Hours per volunteer"),
    "fig.vol.category": ("志愿服务时长（按服务类别，按{unit}）", "Volunteer hours by service category and {unit}"),
    "fig.vol.uncategorised": ("未注明类别", "No category"),
    "other": ("其他", "Other"),
}
register(STRINGS)


def category_label(name: str | None, lang: str) -> str:
    if name is None or pd.isna(name):
        return t("fig.vol.uncategorised", lang)
    return str(choice_label(name, lang))


def category_labels(values: pd.Series, lang: str) -> pd.Series:
    """category_label of every value of `values` (same index), each distinct value translated
    once: a township-by-category table at ×50 has ~20,000 rows of a dozen categories."""
    present = values.notna()
    uniques = values[present].unique()
    labels = values.map(dict(zip(uniques, (category_label(v, lang) for v in uniques), strict=True)))
    return labels.where(present, category_label(None, lang))


@remembered
def monthly_hours(df: pd.DataFrame, lang: str, unit_label: str) -> go.Figure:
    """Stacked bars of hours per month per unit (columns month, unit_code, unit_name, town_code,
    volunteer_hours); beyond the 5 largest, units fold into 其他. A month nobody reported stays empty."""
    other = t("other", lang)
    d = top_n_other(df[["month", "unit_name", "volunteer_hours"]], "unit_name", "volunteer_hours", other)
    order = d.groupby("unit_name")["volunteer_hours"].sum().sort_values(ascending=False).index.tolist()
    if other in order:
        order = [u for u in order if u != other] + [other]
    colours = stack_colours(order, other)
    fig = go.Figure()
    for name in order:
        g = d[d["unit_name"] == name].sort_values("month")
        colour = colours[name]
        fig.add_bar(
            x=g["month"],
            y=g["volunteer_hours"].astype("Float64").astype(float),
            name=name,
            marker_color=colour,
            hovertemplate=f"{name} {month_hover(lang)}: %{{y:,.0f}} h<extra></extra>",
        )
    style(
        fig,
        t("fig.vol.monthly", lang, unit=unit_label),
        y_title=t("fig.vol.hours_axis", lang),
        x_title=t("month", lang),
    )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(tickformat=",.0f")
    return finish(fig, lang)


@remembered
def hours_bar(df: pd.DataFrame, lang: str, unit_label: str) -> go.Figure:
    return unit_bar(
        df, "volunteer_hours", t("fig.vol.by_unit", lang, unit=unit_label), t("fig.vol.hours_axis", lang), lang=lang
    )


@remembered
def per_volunteer_bar(df: pd.DataFrame, lang: str, unit_label: str) -> go.Figure:
    return unit_bar(
        df,
        "hours_per_volunteer",
        t("fig.vol.per_volunteer", lang, unit=unit_label),
        t("fig.vol.per_axis", lang),
        text_fmt=",.1f",
        lang=lang,
    )


@remembered
def category_bar(df: pd.DataFrame, lang: str, unit_label: str) -> go.Figure:
    """Hours per unit stacked by the six service categories, one fixed colour per category
    (columns unit_code, unit_name, service_category, hours)."""
    units = df.groupby("unit_name", sort=False)["hours"].sum().sort_values(ascending=False).index.tolist()
    units, capped = top_units(units, lang)  # a province's 1,850 townships: the first MAX_BARS
    fig = go.Figure()
    cats = [*SERVICE_CATEGORIES, None]
    for cat in cats:
        g = df[df["service_category"].isna()] if cat is None else df[df["service_category"] == cat]
        if g.empty:
            continue
        g = g.groupby("unit_name").agg(hours=("hours", "sum"), unit_code=("unit_code", "first")).reindex(units)
        fig.add_bar(
            x=units,
            y=g["hours"].astype("Float64").astype(float),
            name=category_label(cat, lang),
            marker_color=CATEGORY_COLOURS.get(cat, OTHER_COLOUR),
            customdata=g[["unit_code"]].to_numpy(),
            hovertemplate="%{x}: %{y:,.0f} h<extra>" + category_label(cat, lang) + "</extra>",
        )
    style(fig, t("fig.vol.category", lang, unit=unit_label), y_title=t("fig.vol.hours_axis", lang))
    if capped:
        fig.update_xaxes(title_text=capped)
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickangle=-45 if len(units) > 8 else 0, type="category")
    return finish(fig, lang)
