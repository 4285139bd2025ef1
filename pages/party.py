"""党组织 Party organisations: 小区 coverage against its target, the five-level system, property-company
party organisations and owners' committees, and the 小区 still without a party organisation."""

from __future__ import annotations

import streamlit as st

from core.metrics import metric
from oversight.figures import party as fig
from oversight.figures.base import metric_format
from oversight.frame import (
    download,
    drill_chart,
    drill_hint,
    empty_notice,
    gap_delta,
    gap_style,
    line_help,
    page_setup,
    table,
    table_section,
    tr,
    unit_label,
)
from oversight.frame.ranges import carry_note, period_label
from oversight.i18n import fmt_month, fmt_number, register
from oversight.queries import party as q
from oversight.queries.common import totals, unit_table

register(
    {
        "party.section_levels": (
            "组织体系：五级党组织、物业党组织与业(院)委会",
            "Organisation: five levels, property-company party orgs, owners' committees",
        ),
        "party.kpi_coverage": ("小区党组织覆盖率", "Party-org coverage"),
        "party.kpi_neighborhoods": ("小区数", "Neighbourhoods"),
        "party.kpi_without": ("名册中未建党组织小区", "Without a party org (rosters)"),
        "party.kpi_property": ("物业党组织", "Property-company party orgs"),
        "party.kpi_owners": ("业(院)委会", "Owners' committees"),
        "party.as_of": (
            "覆盖率按各村(社区)截至 {end} 最近一次月报；五级体系按各村(社区)截至 {end} 最近一次小区名册。",
            "Coverage from each community's latest monthly report up to {end}; the five levels from each community's "
            "latest neighbourhood roster up to {end}.",
        ),
        "party.by_community": ("各村(社区)党组织明细（{period}）", "Party organisation by community ({period})"),
        "party.file_communities": ("各村(社区)党组织", "party_by_community"),
        "party.levels_table": ("五级体系明细", "Five-level system in detail"),
        "party.without_title": ("尚未建立党组织的小区", "Neighbourhoods still without a party organisation"),
        "party.without_none": (
            "名册中的小区均已建立党组织。",
            "Every neighbourhood in the rosters has a party organisation.",
        ),
        "party.no_roster": ("所选范围内没有小区名册。", "No neighbourhood rosters for this selection."),
        "party.no_monthly": (
            "所选范围内没有月报，覆盖率无从计算；下面的组织体系来自小区名册。",
            "No monthly reports for this selection, so no coverage; the organisation below is from the neighbourhood rosters.",
        ),
        "party.file_levels": ("五级党组织", "five_levels"),
        "party.file_without": ("未建党组织小区", "without_party_org"),
        "party.file_coverage": ("小区党组织覆盖率", "party_org_coverage"),
        "col.communities": ("社区党总支", "Community general branches"),
        "col.neighborhood_branches": ("小区党支部", "Neighbourhood branches"),
        "col.property_party_orgs": ("物业党组织", "Property-company party orgs"),
        "col.owners_committees": ("业(院)委会", "Owners' committees"),
        "col.roster_month": ("名册月份", "Roster month"),
    }
)

f = page_setup("party")
st.title(tr("page.party"))
lang = f.lang
unit = unit_label(f)

coverage = q.coverage_by_unit(f)
levels = q.levels_by_unit(f)
if coverage.empty and empty_notice(levels):  # a roster without a monthly report still shows
    st.stop()
level_totals = q.level_totals(levels)


# KPI cards: coverage against its target (a gap shown only when short of it), then the counts.
cov = metric("party_org_coverage")
kpi = totals(f, ("neighborhoods", cov.name))
cols = st.columns(5)
cols[0].metric(
    tr("party.kpi_coverage"),
    fmt_number(kpi[cov.name], lang, metric_format(cov)),
    delta=(delta := gap_delta(cov, kpi[cov.name], only_below=True)),
    **gap_style(cov, delta),
    help=line_help(cov),
    border=True,
)
cols[1].metric(tr("party.kpi_neighborhoods"), fmt_number(kpi["neighborhoods"], lang), border=True)
without = q.without_org(f)
cols[2].metric(tr("party.kpi_without"), fmt_number(len(without) if not levels.empty else None, lang), border=True)
cols[3].metric(tr("party.kpi_property"), fmt_number(level_totals.get("property_party_orgs"), lang), border=True)
cols[4].metric(tr("party.kpi_owners"), fmt_number(level_totals.get("owners_committees"), lang), border=True)
st.caption(tr("party.as_of", end=fmt_month(f.month_to, lang)) + drill_hint(f))
carry_note(f)

if coverage.empty:
    st.info(tr("party.no_monthly"))
else:
    left, right = st.columns(2)
    with left:
        chart_key = f"party_cov_{f.level}_{'-'.join(f.town_codes)}"
        drill_chart(fig.coverage_bar(coverage, lang, unit), f, chart_key)
    with right:
        st.plotly_chart(fig.coverage_trend(q.coverage_by_month(f), lang), key="party_trend")
    cov_table = unit_table(coverage, f.level)
    table_section(tr("party.file_coverage"), cov_table, tr("party.file_coverage"), "party_cov_table", "dl_party_cov")
if f.level == "county":  # below the county the table above is already one row per community
    title = tr("party.by_community", period=period_label(f))
    table_section(title, q.by_community(f), tr("party.file_communities"), "party_comm_table", "dl_party_comm")

st.subheader(tr("party.section_levels"))
if levels.empty:
    st.info(tr("party.no_roster"))
else:
    left, right = st.columns([2, 3])
    left.plotly_chart(fig.levels_bar(level_totals, lang), key="party_levels")
    right.plotly_chart(fig.orgs_bar(levels, lang, unit), key="party_orgs")
    st.markdown(f"**{tr('party.levels_table')}**")
    lv = unit_table(levels, f.level)
    table(lv, key="party_levels_table")
    download(lv, tr("party.file_levels"), key="dl_party_levels")

st.subheader(tr("party.without_title"))
if levels.empty:
    st.info(tr("party.no_roster"))
elif without.empty:
    st.success(tr("party.without_none"))
else:
    table(without, key="party_without_table")
    download(without, tr("party.file_without"), key="dl_party_without")
