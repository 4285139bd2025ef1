"""阵地 Service centres: floor area over time, ㎡ per 100 households against its standard,
the construction projects and the functional rooms they integrated."""

from __future__ import annotations

import streamlit as st

from core.metrics import metric
from oversight.figures import area as fig
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
from oversight.queries import area as q
from oversight.queries.common import below_line, totals, unit_table

register(
    {
        "area.kpi_m2": ("服务中心面积(㎡)", "Centre area (m²)"),
        "area.kpi_per100": ("每百户面积(㎡)", "m² per 100 hh"),
        "area.kpi_below": ("低于标准的{unit}", "Below standard ({unit})"),
        "area.kpi_projects": ("建设项目", "Projects"),
        "area.kpi_added": ("新增面积(㎡)", "Area added (m²)"),
        "area.kpi_rooms": ("整合功能场所", "Rooms integrated"),
        "area.as_of": (
            "面积与户数按各村(社区)截至 {month} 最近一次月报；项目按完成日期落在所选月份内。",
            "Area and households from each community's latest monthly report up to {month}; projects completed "
            "within the months selected.",
        ),
        "area.by_community": ("各村(社区)阵地明细（{period}）", "Service centres by community ({period})"),
        "area.file_communities": ("各村(社区)阵地", "area_by_community"),
        "area.projects": ("阵地建设项目", "Service-centre projects"),
        "area.by_type": ("按项目类型汇总", "By project type"),
        "area.project_list": ("项目明细（{n} 个）", "Every project ({n})"),
        "area.no_projects": (
            "所选范围和月份内没有阵地建设项目。",
            "No service-centre projects in this selection and months.",
        ),
        "area.file_per100": ("每百户服务设施面积", "area_per_100_households"),
        "area.file_projects": ("阵地建设项目", "service_centre_projects"),
        "area.file_types": ("阵地项目按类型", "projects_by_type"),
        "area.per100_table": ("各单位面积明细", "Area by unit"),
        "col.projects": ("项目数", "Projects"),
    }
)

f = page_setup("area")
st.title(tr("page.area"))
lang = f.lang
unit = unit_label(f)

per100 = q.per_households(f)
if empty_notice(per100):
    st.stop()
projects = q.projects(f)


m = metric("m2_per_100_households")
kpi = totals(f, ("service_center_m2", m.name))
below, judged = below_line(per100, m.name)
cols = st.columns(5)
cols[0].metric(tr("area.kpi_m2"), fmt_number(kpi["service_center_m2"], lang), border=True)
cols[1].metric(
    tr("area.kpi_per100"),
    fmt_number(kpi[m.name], lang, metric_format(m)),
    delta=(delta := gap_delta(m, kpi[m.name])),
    **gap_style(m, delta),
    help=line_help(m),
    border=True,
)
cols[2].metric(tr("area.kpi_below", unit=unit), f"{below} / {judged}", border=True)
cols[3].metric(tr("area.kpi_projects"), fmt_number(len(projects), lang), border=True)
cols[4].metric(
    tr("area.kpi_added"),
    fmt_number(projects["area_added_m2"].sum(min_count=1) if len(projects) else None, lang),
    border=True,
)
st.caption(tr("area.as_of", month=fmt_month(f.month_to, lang)) + drill_hint(f))
carry_note(f)

left, right = st.columns(2)
with left:
    chart_key = f"area_per100_{f.level}_{'-'.join(f.town_codes)}"
    drill_chart(fig.per100_bar(per100, lang, unit), f, chart_key)
with right:
    st.plotly_chart(fig.area_trend(q.area_by_month(f), lang, unit), key="area_trend")
table_section(
    tr("area.per100_table"), unit_table(per100, f.level), tr("area.file_per100"), "area_per100_table", "dl_area_per100"
)
if f.level == "county":  # below the county the table above is already one row per community
    title = tr("area.by_community", period=period_label(f))
    table_section(
        title, q.by_community(f), tr("area.file_communities"), "area_comm_table", "dl_area_comm", mark_below=True
    )

st.subheader(tr("area.projects"))
if projects.empty:
    st.info(tr("area.no_projects"))
else:
    st.plotly_chart(fig.project_timeline(projects, lang), key="area_timeline")
    left, right = st.columns(2)  # at [3, 2] the type table's last column was cut off
    rooms = q.rooms_by_unit(projects)
    left.plotly_chart(fig.rooms_bar(rooms, lang, unit), key="area_rooms")
    types = q.project_totals(projects)
    types["project_type"] = types["project_type"].map(lambda p: fig.ptype(p, lang))
    with right:  # the type table's downloads under it, not under the chart beside it
        st.markdown(f"**{tr('area.by_type')}**")
        table(types, key="area_types_table")
        download(types, tr("area.file_types"), key="dl_area_types")
    plist = projects.drop(columns=["unit_code", "unit_name", "town_code"])
    st.markdown(f"**{tr('area.project_list', n=len(plist))}**")
    table(plist, key="area_projects_table")
    download(plist, tr("area.file_projects"), key="dl_area_projects")
