"""数据质量 Data quality: the credibility flags (矛盾 contradictions, 存疑 doubtful figures) by
township and community, the rows behind each flag (file, sheet, row), and each community's
reporting quality (数据质量得分) ranked within its peer group. Rules: docs/quality.md."""

from __future__ import annotations

import streamlit as st

from core import quality as rules
from core.peers import COMMUNITY_RULES
from oversight.frame import download, empty_notice, kept, page_setup, table, tr
from oversight.i18n import fmt_month, register, t
from oversight.queries import quality as q

register(
    {
        "quality.intro": (
            "从已入库的报表中找出值得核实的数字：不同报表之间互相矛盾的（矛盾），以及真实工作中少见的规律（存疑），"
            "如长期100%、无项目的突变、照抄上月、总是整十。提示不是结论，是打电话核实的线索。装载时被剔除的行见“数据”页的隔离数据。",
            "Figures worth a phone call, from what reached the warehouse: reports that contradict each other "
            "(contradictions) and patterns real work seldom produces (doubtful) — always 100%, jumps without a "
            "project, last month copied, always round. A flag is a lead, not a verdict. Rows set aside at loading "
            "are in the Data page's quarantine.",
        ),
        "quality.not_built": (
            "这个仓库还没有数据质量视图：下次装载报表（python -m etl load …）时会自动生成。",
            "This warehouse has no data-quality view yet: the next load (python -m etl load …) creates it.",
        ),
        "quality.kpi_flags": ("提示", "Flags"),
        "quality.kpi_errors": ("矛盾", "Contradictions"),
        "quality.kpi_warnings": ("存疑", "Doubtful"),
        "quality.kpi_units": ("涉及村(社区)", "Communities"),
        "quality.by_town": ("按乡镇(街道)", "By township"),
        "quality.by_community": ("按村(社区)", "By community"),
        "quality.list": ("提示明细", "Every flag"),
        "quality.list_help": (
            "点击一行，查看该提示所依据的报表行（文件、工作表、行号）。",
            "Click a row to see the report rows it stands on (file, sheet, row).",
        ),
        "quality.rows": ("{name} · {month} · {rule}：所依据的报表行", "{name} · {month} · {rule}: the rows behind it"),
        "quality.none": ("所选范围和月份内没有数据质量提示。", "No data-quality flag in this selection and months."),
        "quality.elsewhere": (
            "其他月份有 {n} 条提示（最近一条在 {latest}）：在侧栏把月份范围放宽即可看到。",
            "{n} flags in other months (the latest in {latest}): widen the months in the sidebar to see them.",
        ),
        "quality.rules": ("规则与阈值", "Rules and thresholds"),
        "quality.score": ("报送质量得分", "Reporting quality"),
        "quality.score_help": (
            "及时性{timeliness:g}分（次月{due}日前报送为按时，迟报得一半，缺报不得分）、完整性必填{required:g}分、选填{optional:g}分、"
            "一致性{consistency:g}分（无提示的月份占比）、更正{corrections:g}分（之后被更正的月报数）；在同类组内排名。",
            "Timeliness {timeliness:g} points (by day {due} of the next month; late earns half, missing none), "
            "completeness {required:g} (required) and {optional:g} (optional), consistency {consistency:g} "
            "(share of months without a flag), corrections {corrections:g} (monthly reports corrected later); "
            "ranked within the peer group.",
        ),
        "quality.peers": ("同类组", "Peer groups"),
        "quality.file_flags": ("数据质量提示", "data_quality_flags"),
        "quality.file_score": ("报送质量得分", "reporting_quality"),
        "view.community_month": ("月度指标", "Monthly indicators"),
        "view.neighborhood_month": ("小区党组织", "Neighbourhood roster"),
        "view.service_center_project": ("阵地建设", "Service-centre projects"),
        "view.volunteer_activity": ("志愿服务", "Volunteer activities"),
        "view.request_case": ("民情诉求", "Resident requests"),
    }
)

f = page_setup("quality")
lang = f.lang
st.title(tr("page.quality"))
st.caption(tr("quality.intro"))
if not q.available():
    st.info(tr("quality.not_built"))
    st.stop()

flags = q.flags(f)
shown = q.described(flags, lang)
c1, c2, c3, c4 = st.columns(4)
c1.metric(tr("quality.kpi_flags"), len(flags))
c2.metric(tr("quality.kpi_errors"), int((flags["severity"] == "error").sum()))
c3.metric(tr("quality.kpi_warnings"), int((flags["severity"] == "warning").sum()))
c4.metric(tr("quality.kpi_units"), flags["community_code"].nunique())

if flags.empty:
    st.success(tr("quality.none"))
    elsewhere, latest = q.flags_in_other_months(f)
    if elsewhere:  # not "this page finds nothing": they are outside the months chosen
        st.info(tr("quality.elsewhere", n=elsewhere, latest=fmt_month(latest, lang)))
else:
    left, right = st.columns(2)
    with left:
        st.subheader(tr("quality.by_town"))
        table(q.by_unit(flags, "town"), key="quality_towns")
    with right:
        st.subheader(tr("quality.by_community"))
        table(q.by_unit(flags, "community"), height=min(400, 38 + 35 * len(flags)), key="quality_communities")

    st.subheader(tr("quality.list"))
    st.caption(tr("quality.list_help"))
    cols = list(q.FLAG_COLUMNS)
    picked = table(shown[cols], height=min(500, 38 + 35 * len(shown)), key="quality_list", selectable=True)
    download(shown[cols], tr("quality.file_flags"), key="quality_dl_flags")
    if picked:
        row = flags.iloc[picked[0]]
        st.markdown(
            "**"
            + tr(
                "quality.rows",
                name=row["community_name"],
                month=fmt_month(row["month"], lang),
                rule=shown.iloc[picked[0]]["rule"],
            )
            + "**"
        )
        st.caption(shown.iloc[picked[0]]["detail"])
        for view, rows in q.flag_rows(
            row["community_code"], row["month"], row["rule"], row["case_id"], row["n"]
        ).items():
            st.markdown(f"*{t(f'view.{view}', lang)}*")
            if not empty_notice(rows):
                table(rows, key=f"quality_rows_{view}")

with st.expander(tr("quality.rules")):
    for r in rules.RULES:
        source = r.source_zh if lang == "zh" else r.source_en
        st.markdown(f"- **{r.label(lang)}**（{rules.SEVERITIES[r.severity][0 if lang == 'zh' else 1]}）：{source}")

st.subheader(tr("quality.score"))
w = rules.QUALITY_WEIGHTS
st.caption(
    tr(
        "quality.score_help",
        timeliness=w["timeliness"],
        due=rules.DUE_DAY,
        required=w["completeness"],
        optional=w["completeness_optional"],
        consistency=w["consistency"],
        corrections=w["corrections"],
    )
)
peers = st.radio(
    tr("quality.peers"),
    list(COMMUNITY_RULES),
    format_func=lambda v: COMMUNITY_RULES[v].zh if lang == "zh" else COMMUNITY_RULES[v].en,
    horizontal=True,
    **kept("quality_peers_w", "type", list(COMMUNITY_RULES)),
)
# "on_time" is also the case list's 是否按时办结: here it counts months reported on time
score = q.unit_quality(f, peers).rename(columns={"on_time": "months_on_time"})
score["peer_group"] = [q.peer_label(peers, v, lang) for v in score["peer_group"]]
score = score.drop(columns=["community_code"])
if not empty_notice(score):
    table(score, height=min(500, 38 + 35 * len(score)), key="quality_score", percent=q.SHARES)
    download(score, tr("quality.file_score"), key="quality_dl_score")
