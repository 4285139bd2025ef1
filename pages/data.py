"""数据 Data: browse any public view within the current filters, pick columns, download."""

from __future__ import annotations

import streamlit as st

from oversight.frame import column_label, download, empty_notice, kept, page_setup, select_all, table, tr
from oversight.frame.ranges import carry_note
from oversight.i18n import register, t
from oversight.queries import data as q

register(
    {
        "data.view": ("数据表", "Table"),
        "data.columns": ("显示的列", "Columns"),
        "data.sort": ("排序", "Sort by"),
        "data.sort_default": ("默认顺序", "Default order"),
        "data.descending": ("降序", "Descending"),
        "data.count": ("共 {n:,} 行", "{n:,} rows"),
        "data.capped": (
            "屏幕上显示前 {shown:,} 行；下载包含全部 {n:,} 行。",
            "Showing the first {shown:,} rows; downloads contain all {n:,}.",
        ),
        "data.unfiltered": (
            "此表不按乡镇、村(社区)和月份筛选。",
            "This table is not filtered by township, community or month.",
        ),
        "view.community_month": ("月度指标", "Monthly indicators"),
        "view.neighborhood_month": ("小区党组织", "Neighbourhood roster"),
        "view.service_center_project": ("阵地建设", "Service-centre projects"),
        "view.volunteer_activity": ("志愿服务", "Volunteer activities"),
        "view.request_case": ("民情诉求", "Resident requests"),
        "view.community": ("村(社区)名录", "Communities"),
        "view.load_log": ("装载记录", "Load log"),
        "view.quarantine": ("隔离数据", "Quarantined rows"),
        "view.correction": ("更正记录", "Corrections"),
        "data.group_by": ("汇总方式", "Group by"),
        "data.by_rows": ("逐行明细", "Rows as reported"),
        "data.by_town": ("按乡镇(街道)", "By township"),
        "data.by_community": ("按村(社区)", "By community"),
        "data.by_month": ("按月", "By month"),
        "data.group_help": (
            "所选月份内：数量按月累加，存量（户数、面积、网格等）取最近一个报送月，比率为分子合计÷分母合计；末行为合计。",
            "Over the months selected: counts summed, stocks (households, area, grids …) at the last month reported, "
            "rates as sum ÷ sum; the last row is the total.",
        ),
    }
)

f = page_setup("data")
st.title(tr("page.data"))

views = q.views_for(f)
name = st.selectbox(
    tr("data.view"),
    views,
    format_func=lambda v: t(f"view.{v}", f.lang),
    placeholder=tr("frame.choose"),
    **kept("data_view", views[0], views, url="table"),
)
if name == "community_month":  # the monthly indicators can also be summed up (issue 16.3)
    groupings = ["rows", *q.GROUPINGS]
    by = st.radio(
        tr("data.group_by"),
        groupings,
        format_func=lambda g: tr(f"data.by_{g}"),
        horizontal=True,
        **kept("data_group_by", "rows", groupings, url="by"),
    )
    if by != "rows":
        st.caption(tr("data.group_help"))
        if by != "month":  # per month, each month is read by the same rule on its own
            carry_note(f)
        grouped = q.summary(f, by)
        if not empty_notice(grouped) and len(grouped) > 1:
            table(grouped, height=min(600, 38 + 35 * len(grouped)), hide=("unit_code",))
            download(grouped, f"{tr('view.community_month')}_{tr(f'data.by_{by}')}", key="data_group_dl")
        st.stop()

all_cols = q.columns(name)
default_cols = q.default_columns(name)
cols = st.multiselect(
    tr("data.columns"),
    all_cols,
    format_func=lambda c: column_label(c, f.lang),
    placeholder=tr("frame.choose"),
    select_all=select_all(),
    **kept(f"data_cols_{name}", default_cols, all_cols, url="cols"),
)
left, right = st.columns([3, 1], vertical_alignment="bottom")
sort = left.selectbox(
    tr("data.sort"),
    [None, *cols],
    format_func=lambda c: t("data.sort_default", f.lang) if c is None else column_label(c, f.lang),
    placeholder=t("data.sort_default", f.lang),  # None is an option, which Streamlit shows as its placeholder
    **kept(f"data_sort_{name}", None, [None, *cols], url="sort"),
)
descending = right.toggle(
    tr("data.descending"), disabled=sort is None, **kept(f"data_desc_{name}", False, (False, True), url="desc")
)

if not q.view(name).scoped:
    st.caption(tr("data.unfiltered"))
if not cols:
    empty_notice(None)
    st.stop()

n = q.count(name, f)
shown = q.rows(name, f, cols, limit=q.SCREEN_ROWS, sort=sort, descending=descending)
if not empty_notice(shown):
    st.markdown(f"**{tr('data.count', n=n)}**")
    if n > len(shown):
        st.caption(tr("data.capped", shown=len(shown), n=n))
    table(shown, height=min(600, 38 + 35 * len(shown)))
    download(  # all filtered rows, read only when a button is clicked
        lambda v=name, c=tuple(cols), s=sort, d=descending, flt=f: q.rows(v, flt, c, None, s, d, cached=False),
        tr(f"view.{name}"),
        key="data_dl",
    )
