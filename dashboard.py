"""总览 Overview: headline figures for the end month, the ranking, and who has reported."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.metrics import cases_of, metric
from oversight.figures import overview as fig
from oversight.frame import (
    card_label,
    change_colour,
    column_label,
    delta_style,
    download,
    drill_to,
    empty_notice,
    kept,
    lang,
    page_setup,
    scope_name,
    table,
    tr,
)
from oversight.frame.ranges import carry_note
from oversight.i18n import fmt_month, joined, register
from oversight.queries import overview as q

register(
    {
        "ov.kpis": ("{month}主要指标", "Key figures, {month}"),
        "ov.kpis_note": (
            "比率均为合计之比（分子合计 ÷ 分母合计）；本月 {n} 个村(社区)报送。",
            "Ratios are sum ÷ sum over the selection; {n} communities reported this month.",
        ),
        "ov.party_orgs": ("已建党组织小区", "Neighbourhood party orgs"),
        "ov.property_party_orgs": ("物业党组织", "Property party orgs"),
        "ov.owners_committees": ("业(院)委会", "Owners' committees"),
        "ov.roster_unit": ("个", ""),
        "ov.roster_help": (
            "按各村(社区)截至当月最近一次报送的小区党组织名册统计",
            "From each community's latest 小区 roster up to this month",
        ),
        "ov.ranking": ("{month}{unit}排名", "{unit} ranking, {month}"),
        "ov.rank_town": ("乡镇", "Township"),
        "ov.rank_community": ("村(社区)", "Community"),
        "ov.sort_by": ("排名依据", "Rank by"),
        "ov.drill_hint_town": ("点击一行可进入该乡镇", "Click a row to open that township"),
        "ov.drill_hint_community": ("点击一行可进入该村(社区)", "Click a row to open that community"),
        "ov.ranking_file": ("排名", "ranking"),
        "ov.tied": ("并列", "tied"),
        "ov.below_marked": (
            "红色：未达标准或低于预警线（{lines}）；件数少于最低件数的比率列出但不排名。",
            "Red: below the standard or alert line ({lines}); a rate on fewer cases than the minimum is shown "
            "but not ranked.",
        ),
        "ov.submissions": ("月报报送", "Monthly reports"),
        "ov.sub_line": (
            "{month}：应报 {expected}，按时 {on_time}，迟报 {late}，未报 {missing}，未到期 {pending}（截止日为次月{due}日）",
            "{month}: {expected} expected — {on_time} on time, {late} late, {missing} missing, "
            "{pending} not yet due (due by day {due} of the following month)",
        ),
        "ov.sub_town_hint": (
            "范围内村(社区)较多，按乡镇汇总；选择乡镇可查看各村(社区)明细。",
            "Many communities in scope, so this is per township; pick a township to see each community.",
        ),
        "ov.sub_town_capped": (
            "共 {n} 个乡镇(街道)，图中只画按时报送率最低的 {shown} 个；各乡镇的数字见下方下载。",
            "{n} townships: the chart shows the {shown} with the lowest on-time share; every township's counts are in the download below.",
        ),
        "ov.sub_town_file": ("乡镇月报报送", "reports_by_township"),
        "ov.not_reported": ("{month}迟报、未报送的村(社区)", "Late or not reported for {month}"),
        "ov.all_reported": (
            "{month}范围内的村(社区)均已按时报送。",
            "Every community in scope reported on time for {month}.",
        ),
        "ov.not_reported_file": ("迟报未报名单", "late_or_not_reported"),
        "col.due_on": ("截止日期", "Due"),
        "col.status_text": ("报送状态", "Status"),
    }
)


def _value(frame: pd.DataFrame, period: str, col: str) -> float | None:
    """frame[period, col], None when the month has no row or the value is missing."""
    return frame.at[period, col] if period in frame.index and pd.notna(frame.at[period, col]) else None


def _card(
    box: DeltaGenerator,
    label: str,
    frame: pd.DataFrame,
    col: str,
    fmt: str,
    unit: str,
    percent: bool,
    higher_is_better: bool = True,
    help_text: str | None = None,
) -> None:
    """A KPI card: value for the end month, 环比 as the delta, 同比 in a caption below, inside
    the card's border (beside the next row's card it read as that card's)."""
    cur = _value(frame, "cur", col)
    mom = fig.delta_text(cur, _value(frame, "prev", col), percent, lang())
    yoy = fig.delta_text(cur, _value(frame, "year", col), percent, lang())
    box = box.container(border=True, gap="small")
    box.metric(
        label,
        fig.value_text(cur, fmt, unit, lang()),
        delta=mom,
        **delta_style(mom, higher_is_better),
        delta_description=tr("kpi.mom") if mom else None,
        help=help_text,
    )
    if yoy:
        colour = change_colour(yoy, higher_is_better)
        box.caption(f"{tr('kpi.yoy')} :{colour}[{yoy}]")
    else:
        box.caption(f"{tr('kpi.yoy')} {tr('kpi.no_compare')}")


f = page_setup("overview")
st.title(tr("page.overview"))
month_text = fmt_month(f.month_to, f.lang)

# ---- KPI cards: end month, 环比 (vs previous month), 同比 (vs same month last year)
kpis = q.kpis(f).set_index("period")
roster = q.roster_counts(f).set_index("period")
st.subheader(tr("ov.kpis", month=month_text))
if "cur" not in kpis.index and "cur" not in roster.index:
    empty_notice(pd.DataFrame())
else:
    # Nine cards in three full rows of three, in theme order: 党组织, 阵地 · 志愿, 诉求.
    boxes = [box for _ in range(3) for box in st.columns(3)]
    m = metric("party_org_coverage")
    _card(boxes[0], card_label(m.name, f.lang), kpis, m.name, m.fmt, "", True)
    for box, col in zip(boxes[1:4], q.ROSTER_COUNTS, strict=True):
        _card(box, tr(f"ov.{col}"), roster, col, ",.0f", "", False, help_text=tr("ov.roster_help"))
    themed = zip(
        boxes[4:],
        ("service_center_m2", "m2_per_100_households", "volunteer_hours", "resolution_rate", "satisfaction_rate"),
        strict=True,
    )
    for box, name in themed:
        m = metric(name)
        _card(box, card_label(name, f.lang), kpis, name, m.fmt, "", m.unit_zh == "%", m.higher_is_better)
    if "cur" in kpis.index:
        st.caption(tr("ov.kpis_note", n=int(kpis.at["cur", "reporting"])))
        carry_note(f, end_month=True)

# ---- Ranking: townships, or the communities of the selected township / 片区
level = q.ranking_level(f)
unit_word = tr(f"ov.rank_{level}")
st.subheader(tr("ov.ranking", month=month_text, unit=unit_word))
sort_by = st.selectbox(
    tr("ov.sort_by"),
    q.KPI_METRICS,
    format_func=lambda n: column_label(n, f.lang),
    placeholder=tr("frame.choose"),
    width=320,
    # default: ㎡ per 100 households, which every community reports
    **kept("ov_sort", "m2_per_100_households", q.KPI_METRICS, url="rank"),
)
ranking = q.ranking(f, sort_by)
code_col, name_col = ("town_code", "town_name") if level == "town" else ("community_code", "community_name")
ranking = ranking.rename(columns={"unit_code": code_col, "unit_name": name_col})
ranking["tied"] = ranking["tied"].map({True: tr("ov.tied"), False: ""})  # a word, not a checkbox
# rank, name and the chosen measure (with its cases) first: all a phone shows without scrolling sideways
first = [c for c in ("rank", name_col, sort_by, cases_of(sort_by), "tied") if c]
ranking = ranking[[*first, *(c for c in ranking.columns if c not in first)]]
if not empty_notice(ranking):
    if len(ranking) > 1:
        st.caption(tr(f"ov.drill_hint_{level}"))
    picked = table(
        ranking,
        key=f"ov_rank_{level}_{'-'.join(f.town_codes)}_{f.group}_{'-'.join(f.community_codes)}",
        hide=(code_col, "town_name") if ranking.get("town_name", pd.Series()).nunique() <= 1 else (code_col,),
        selectable=len(ranking) > 1,
        mark_below=True,
    )
    lines = [metric(n) for n in q.KPI_METRICS if metric(n).line is not None]
    st.caption(
        tr("ov.below_marked", lines=joined((f"{m.label(f.lang)} {m.line_label(f.lang)}" for m in lines), f.lang))
    )
    download(ranking, tr("ov.ranking_file"), key="ov_rank_dl")
    if picked:
        row = ranking.iloc[picked[0]]
        if level == "town":
            drill_to(town_code=row[code_col])
        else:
            drill_to(community_code=row[code_col])

# ---- Submissions: on time / late / missing, and who has not reported for the end month
st.subheader(tr("ov.submissions"))
counts = q.submission_counts(f)  # per township and month, counted in SQL
if not empty_notice(counts):
    scope = scope_name(f)
    end = counts[pd.to_datetime(counts["month"]).dt.date == f.month_to]
    if not end.empty:
        totals = {k: int(end[k].sum()) for k in ("expected", "on_time", "late", "missing", "pending")}
        st.markdown(tr("ov.sub_line", month=month_text, due=q.REPORT_DUE_DAY, **totals))
    # every community in scope has one row per month: a month's expected count is theirs
    if int(counts.groupby("month")["expected"].sum().max()) <= fig.MAX_MATRIX_ROWS:
        st.plotly_chart(fig.submission_matrix(q.submissions(f), f.lang, scope), width="stretch")
    else:
        st.caption(tr("ov.sub_town_hint"))
        n_towns = counts["town_code"].nunique()
        if n_towns > fig.MAX_TOWN_ROWS:
            st.caption(tr("ov.sub_town_capped", n=f"{n_towns:,}", shown=fig.MAX_TOWN_ROWS))
        st.plotly_chart(fig.submission_by_town(counts, f.lang, scope), width="stretch")
        if n_towns > fig.MAX_TOWN_ROWS:
            download(counts.drop(columns=["town_code"]), tr("ov.sub_town_file"), key="ov_sub_town_dl")
    missing = q.not_reported(f)
    st.markdown(f"**{tr('ov.not_reported', month=month_text)}**")
    if missing.empty:
        st.success(tr("ov.all_reported", month=month_text))
    else:
        missing["status_text"] = missing["status"].map(lambda s: tr(f"status.{s}"))
        shown = missing.drop(columns=["status"])
        table(shown, hide=("community_code",), height=min(400, 38 + 35 * len(shown)))
        download(shown, tr("ov.not_reported_file"), key="ov_missing_dl")
