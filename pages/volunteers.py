"""志愿 Volunteers: hours per month (seasonality), per unit and per registered volunteer, hours by
the six service categories, and the ten communities that lead and lag."""

from __future__ import annotations

import streamlit as st

from core.metrics import metric
from oversight.figures import volunteers as fig
from oversight.figures.base import metric_format
from oversight.frame import (
    download,
    drill_chart,
    drill_hint,
    empty_notice,
    page_setup,
    table,
    table_section,
    tr,
    unit_label,
)
from oversight.frame.ranges import carry_note, period_label
from oversight.i18n import fmt_number, register
from oversight.queries import volunteers as q
from oversight.queries.common import totals, unit_table

register(
    {
        "vol.kpi_hours": ("志愿服务时长(小时)", "Volunteer hours"),
        "vol.kpi_volunteers": ("注册志愿者", "Registered volunteers"),
        "vol.kpi_per": ("人均服务时长(小时)", "Hours per volunteer"),
        "vol.kpi_per_help": (
            "参考：约 4 小时/人/年（宁波 2022）",
            "Reference: about 4 h per volunteer per year (Ningbo 2022)",
        ),
        "vol.kpi_activities": ("活动场次", "Activities"),
        "vol.note": (
            "时长与场次为所选月份合计，志愿者人数按各村(社区)截至最后一个月最近一次月报。类别来自志愿服务活动明细。",
            "Hours and activities summed over the months; volunteers from each community's latest report up to the "
            "last month. Categories from the activity reports.",
        ),
        "vol.categories": ("按服务类别", "By service category"),
        "vol.no_activities": (
            "所选范围和月份内没有志愿服务活动明细。",
            "No volunteer-activity reports in this selection and months.",
        ),
        "vol.leaders": ("人均时长前 {n} 名村(社区)", "Top {n} communities by hours per volunteer"),
        "vol.laggards": ("人均时长后 {n} 名村(社区)", "Bottom {n} communities by hours per volunteer"),
        "vol.unranked": (
            "{n} 个村(社区)缺少时长或志愿者人数，未参与排名。",
            "{n} communities lack hours or volunteer numbers and are not ranked.",
        ),
        "vol.unit_table": ("各单位志愿服务明细", "Volunteering by unit"),
        "vol.file_units": ("志愿服务", "volunteering"),
        "vol.by_community": ("各村(社区)志愿服务明细（{period}）", "Volunteering by community ({period})"),
        "vol.file_communities": ("各村(社区)志愿服务", "volunteering_by_community"),
        "vol.file_categories": ("志愿服务按类别", "volunteering_by_category"),
        "vol.file_leaders": ("志愿服务前十", "volunteering_top"),
        "vol.file_laggards": ("志愿服务后十", "volunteering_bottom"),
        "col.activities": ("活动场次", "Activities"),
    }
)

f = page_setup("volunteers")
st.title(tr("page.volunteers"))
lang = f.lang
unit = unit_label(f)

units = q.by_unit(f)
if empty_notice(units):
    st.stop()


kpi = totals(f, ("volunteer_hours", "volunteers_registered", "hours_per_volunteer", "volunteer_activities"))
per = metric("hours_per_volunteer")
cols = st.columns(4)
cols[0].metric(tr("vol.kpi_hours"), fmt_number(kpi["volunteer_hours"], lang), border=True)
cols[1].metric(tr("vol.kpi_volunteers"), fmt_number(kpi["volunteers_registered"], lang), border=True)
cols[2].metric(
    tr("vol.kpi_per"), fmt_number(kpi[per.name], lang, metric_format(per)), help=tr("vol.kpi_per_help"), border=True
)
cols[3].metric(tr("vol.kpi_activities"), fmt_number(kpi["volunteer_activities"], lang), border=True)
st.caption(tr("vol.note") + drill_hint(f))
carry_note(f)

st.plotly_chart(fig.monthly_hours(q.hours_by_month(f), lang, unit), key="vol_monthly")
scope_key = f"{f.level}_{'-'.join(f.town_codes)}"
left, right = st.columns(2)
for box, name, builder in ((left, "hours", fig.hours_bar), (right, "per", fig.per_volunteer_bar)):
    with box:
        chart_key = f"vol_{name}_{scope_key}"
        drill_chart(builder(units, lang, unit), f, chart_key)
table_section(tr("vol.unit_table"), unit_table(units, f.level), tr("vol.file_units"), "vol_unit_table", "dl_vol_units")
if f.level == "county":  # below the county the table above is already one row per community
    title = tr("vol.by_community", period=period_label(f))
    table_section(title, q.by_community(f), tr("vol.file_communities"), "vol_comm_table", "dl_vol_comm")

st.subheader(tr("vol.categories"))
cats = q.by_category(f)
if cats.empty:
    st.info(tr("vol.no_activities"))
else:
    st.plotly_chart(fig.category_bar(cats, lang, unit), key="vol_categories")
    ct = unit_table(cats, f.level)
    ct["service_category"] = fig.category_labels(ct["service_category"], lang)
    table_section(tr("vol.categories"), ct, tr("vol.file_categories"), "vol_cat_table", "dl_vol_categories")

top, bottom, unranked = q.leaders_laggards(f)
left, right = st.columns(2)
for box, df, title, file_key, key in (
    (left, top, "vol.leaders", "vol.file_leaders", "top"),
    (right, bottom, "vol.laggards", "vol.file_laggards", "bottom"),
):
    with box:
        st.markdown(f"**{tr(title, n=len(df))}**")
        shown = df.rename(columns={"unit_name": "community_name"})
        table(shown, key=f"vol_{key}_table")
        download(shown, tr(file_key), key=f"dl_vol_{key}")
if unranked:
    st.caption(tr("vol.unranked", n=unranked))
