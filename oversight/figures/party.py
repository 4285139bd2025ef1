"""Charts of the 党组织 page: coverage of 小区 against its target, the five-level system, property
companies' party organisations and owners' committees."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from core.metrics import metric
from oversight.figures.base import NEUTRAL, finish, month_hover, remembered, standard_line, style, top_units, unit_bar
from oversight.i18n import register, t

STRINGS = {
    "fig.party.coverage": ("小区党组织覆盖率（按{unit}）", "Party-org coverage of neighbourhoods by {unit}"),
    "fig.party.coverage_trend": ("小区党组织覆盖率走势", "Party-org coverage over time"),
    "fig.party.target": ("{line}（应建尽建）", "{line}"),
    "fig.party.rate_axis": ("覆盖率（%）", "Coverage (%)"),
    "fig.party.levels": ("五级党组织体系", "The five-level party system"),
    "fig.party.count_axis": ("数量（个）", "Count"),
    "fig.party.orgs": (
        "物业党组织与业(院)委会（按{unit}）",
        "Property-company party orgs and owners' committees by {unit}",
    ),
    "fig.party.n_axis": ("小区数（个）", "Neighbourhoods"),
    "fig.party.neighborhoods": ("小区总数", "Neighbourhoods"),
    "fig.party.property": ("有物业党组织", "With property-company party org"),
    "fig.party.owners": ("有业(院)委会", "With owners' committee"),
    "fig.party.with_org": ("已建党组织", "With party org"),
    "level.community_branch": ("社区党总支", "Community general branches"),
    "level.neighborhood_branch": ("小区党支部", "Neighbourhood branches"),
    "level.building_group": ("楼院党小组", "Building party groups"),
    "level.hub_household": ("党员中心户", "Party-member hub households"),
    "level.vanguard_post": ("党员先锋岗", "Party-member vanguard posts"),
}
register(STRINGS)

# The five levels, top down, and the columns of party.levels() that count them.
LEVELS = (
    ("communities", "level.community_branch"),
    ("neighborhood_branches", "level.neighborhood_branch"),
    ("building_party_groups", "level.building_group"),
    ("party_hub_households", "level.hub_household"),
    ("vanguard_posts", "level.vanguard_post"),
)


@remembered
def coverage_bar(df: pd.DataFrame, lang: str, unit_label: str) -> go.Figure:
    """Coverage per unit (columns unit_code, unit_name, town_code, party_org_coverage) against its target."""
    m = metric("party_org_coverage")
    return unit_bar(
        df,
        "party_org_coverage",
        t("fig.party.coverage", lang, unit=unit_label),
        t("fig.party.rate_axis", lang),
        target=m.line,
        target_label=t("fig.party.target", lang, line=m.line_label(lang)),
        percent=True,
        lang=lang,
    )


@remembered
def coverage_trend(df: pd.DataFrame, lang: str) -> go.Figure:
    """Coverage of the whole selection per month (columns month, party_org_coverage)."""
    fig = go.Figure(
        go.Scatter(
            x=df["month"],
            y=df["party_org_coverage"].astype("Float64").astype(float),
            mode="lines+markers",
            line_color=NEUTRAL,
            connectgaps=False,
            name=metric("party_org_coverage").label(lang),
            showlegend=False,
            hovertemplate=f"{month_hover(lang)}: %{{y:.1%}}<extra></extra>",
        )
    )
    style(fig, t("fig.party.coverage_trend", lang), y_title=t("fig.party.rate_axis", lang), x_title=t("month", lang))
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    m = metric("party_org_coverage")
    standard_line(fig, m.line, t("fig.party.target", lang, line=m.line_label(lang)))
    return finish(fig, lang)


@remembered
def levels_bar(totals: dict[str, float | None], lang: str) -> go.Figure:
    """The five levels top down as horizontal bars with their counts written on them."""
    names = [t(key, lang) for _, key in LEVELS]
    vals = [totals.get(col) for col, _ in LEVELS]
    fig = go.Figure(
        go.Bar(
            y=names,
            x=vals,
            orientation="h",
            marker_color=NEUTRAL,
            text=["—" if v is None or pd.isna(v) else f"{v:,.0f}" for v in vals],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    style(fig, t("fig.party.levels", lang), x_title=t("fig.party.count_axis", lang), height=360)
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(margin={"r": 60})
    return finish(fig, lang)


@remembered
def orgs_bar(df: pd.DataFrame, lang: str, unit_label: str) -> go.Figure:
    """Per unit: neighbourhoods, those with a party org, a property-company party org, an owners'
    committee (columns unit_code, unit_name, neighborhoods, neighborhood_branches,
    property_party_orgs, owners_committees)."""
    series = (
        ("neighborhoods", "fig.party.neighborhoods", "#9E9E9E"),
        ("neighborhood_branches", "fig.party.with_org", "#C62828"),
        ("property_party_orgs", "fig.party.property", "#EF6C00"),
        ("owners_committees", "fig.party.owners", "#1565C0"),
    )
    order = df.sort_values("neighborhoods", ascending=False, kind="stable")["unit_name"].tolist()
    kept, capped = top_units(order, lang)  # a province's 1,850 townships: the MAX_BARS with most 小区
    if capped:
        df = df[df["unit_name"].isin(kept)].set_index("unit_name").loc[kept].reset_index()
    fig = go.Figure()
    for col, key, colour in series:
        fig.add_bar(
            x=df["unit_name"],
            y=df[col].astype("Float64").astype(float),
            name=t(key, lang),
            marker_color=colour,
            customdata=df[["unit_code"]].to_numpy(),
        )
    style(fig, t("fig.party.orgs", lang, unit=unit_label), y_title=t("fig.party.n_axis", lang))
    if capped:
        fig.update_xaxes(title_text=capped)
    fig.update_layout(barmode="group")
    fig.update_xaxes(tickangle=-45 if len(df) > 8 else 0, type="category")
    return finish(fig, lang)
