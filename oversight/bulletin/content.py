"""The bulletin's content as plain data: `build(month, town_code)` returns a `Bulletin` —
title, document-number placeholder, sections of headings, paragraphs, tables and charts, and
the figures and lists they print — for the writers (`docx.py`, `pdf.py`), the page and the
tests alike.

Every number is read through oversight.queries (overview.kpis for the key figures with 环比 and
同比, bulletin.units/boards/below_standard for ranks and lists, overview.submissions for who
reported on time), so the bulletin says what the pages say. Structure after the monthly 通报
of 12345 / 接诉即办 centres (DOMAIN.md): 一、总体情况 二、排名 三、红黑榜 四、存在问题 五、下步工作, 附件.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from core.columns import with_unit
from core.metrics import metric
from core.months import add_months
from core.peers import PeerRule
from core.settings import carry_months, min_cases
from oversight.figures.base import metric_format, unit_bar
from oversight.figures.overview import delta_text, value_text
from oversight.i18n import fmt_month, register, t
from oversight.queries import bulletin as q
from oversight.queries import common, quality
from oversight.queries.overview import KPI_METRICS, kpis

STRINGS = {
    "bul.doc_number": ("仪社治通〔{year}〕　号", "Yilong community governance bulletin [{year}] No.　"),
    # "\n": where the title's two lines break (by meaning, as GB/T 9704 asks), not by the margin
    "bul.title": ("关于{month}{scope}社区治理\n工作情况的通报", "Community governance in {scope}, {month}: bulletin"),
    "bul.county": ("全县", "the county"),
    "bul.to_county": (
        "各乡镇（街道）党（工）委、政府（办事处）：",
        "To the party committees and governments of every township:",
    ),
    "bul.to_town": (
        "各村(社区)党组织、村(居)民委员会：",
        "To the party organisations and committees of every community:",
    ),
    "bul.intro": (
        "现将{month}{scope}社区治理工作情况通报如下。",
        "This bulletin reports on community governance in {scope} in {month}.",
    ),
    "bul.issuer": ("（发文单位）", "(Issuing office)"),
    "bul.s1": ("一、总体情况", "1. Overview"),
    "bul.s2": ("二、排名情况", "2. Rankings"),
    "bul.s3": ("三、红黑榜", "3. Red and black lists"),
    "bul.s4": ("四、存在问题", "4. Problems"),
    "bul.s5": ("五、下步工作", "5. Next steps"),
    "bul.annex": ("附件", "Annex"),
    "bul.reporting": (
        "{month}，{scope}应报送月报的村(社区){expected}个，按时报送{on_time}个，逾期报送{late}个，未报送{missing}个{pending}。",
        "In {month}, {expected} communities in {scope} were due to report: {on_time} on time, {late} late, "
        "{missing} not at all{pending}.",
    ),
    "bul.pending": ("，尚未到报送截止日的{n}个", "; {n} not yet due"),
    "bul.incomplete": (
        "本月报送尚不完整（已报送{n}个，近12个月报送过的{expected}个）：诉求、志愿服务等当月数据为已报送单位的合计，"
        "不与完整月份比较，环比、同比暂不列出。",
        "The month is not complete yet ({n} of the {expected} communities that reported in the past 12 months): "
        "monthly figures such as requests and volunteer hours are totals of those that have reported and are not "
        "compared with complete months (no month-on-month or year-on-year change is given).",
    ),
    "bul.carried": (
        "面积、小区党组织覆盖率等存量指标按各村(社区)截至本月最近一次月报计算，其中{n}个村(社区)沿用此前月报（最多{k}个月）。",
        "Stocks such as floor area and party-org coverage are each community's latest report up to this month; "
        "{n} communities' are carried from an earlier report (at most {k} months).",
    ),
    "bul.figures_intro": (
        "主要指标如下（比率为分子合计÷分母合计，环比为与上月比较，同比为与上年同月比较）：",
        "Key figures (a rate is the sum of numerators over the sum of denominators; month on month and year on year):",
    ),
    "bul.col_metric": ("指标", "Indicator"),
    "bul.col_value": ("本月", "This month"),
    "bul.col_mom": ("环比", "Month on month"),
    "bul.col_yoy": ("同比", "Year on year"),
    "bul.col_standard": ("标准", "Standard"),
    "bul.col_status": ("情况", "Status"),
    "bul.meets": ("达标", "Meets"),
    "bul.misses": ("未达标", "Below"),
    "bul.na": ("—", "—"),
    "bul.flat": ("持平", "no change"),
    "bul.standard_line": (
        "{label}{value}，{verdict}（{line}）。",
        "{label}: {value}, {verdict} ({line}).",
    ),
    "bul.verdict_meets": ("达到标准", "meets the standard"),
    "bul.verdict_misses": ("未达到标准", "does not meet the standard"),
    # a metric held to an alert line (满意率: 预警线 85%) is above or below it, not up to a standard
    "bul.verdict_above_alert": ("高于预警线", "above the alert line"),
    "bul.verdict_below_alert": ("低于预警线", "below the alert line"),
    "bul.verdict_none": ("本月无数据", "no data this month"),
    "bul.chart_missing": ("件数不足{min_cases}件", "under {min_cases} cases"),
    "bul.chart_note": (
        "注：未画出数值的单位，其所依据的件数少于{min_cases}件，不参与排名（数值见附件1）。",
        "Note: a unit without a bar has fewer than {min_cases} cases and is not ranked (its value is in Annex 1).",
    ),
    "bul.chart_title": ("{label}（{month}）", "{label} ({month})"),
    "bul.rank_rule": (
        "排名规则：{units}按{rule}分组，在同组内排名；比率按各单位分子合计÷分母合计计算；"
        "办结率、满意率所依据的件数少于{min_cases}件的单位只列数值、不参与排名（表中名次为“—”）；"
        "数值相同者名次相同，并列不分先后。",
        "Ranking rule: {units} are ranked within their peer group ({rule}); a rate is the sum of numerators over "
        "the sum of denominators; a resolution or satisfaction rate on fewer than {min_cases} cases is shown but "
        "not ranked (rank “—”); equal values share a rank, in no particular order.",
    ),
    "bul.units_town": ("各乡镇（街道）", "townships"),
    "bul.units_community": ("各村(社区)", "communities"),
    "bul.group_heading": ("（{n}）{group}（{count}个）", "({n}) {group} ({count})"),
    "bul.col_unit": ("单位", "Unit"),
    "bul.col_town": ("乡镇(街道)", "Township"),
    "bul.col_cases": ("诉求件数", "Requests"),
    "bul.col_followups": ("回访件数", "Follow-ups"),
    "bul.cell_rank": ("{value}（{rank}）", "{value} ({rank})"),
    "bul.rank_table_note": ("括号内为组内名次。", "Rank within the group in brackets."),
    "bul.board_rule": (
        "红黑榜规则：按{metrics}分别在同组内取前{size}名列入红榜、后{size}名列入黑榜；"
        "同组参与排名的单位不足{double}个时各取半数（向下取整），同一单位不同时列入红榜和黑榜；"
        "件数少于{min_cases}件的比率不参与排名，不列入黑榜；并列者同时列入，不分先后。",
        "Rule: for each of {metrics}, the top {size} of each peer group are on the red list and the bottom {size} "
        "on the black list; a group with fewer than {double} ranked units lists half of them each (rounded down), "
        "and nobody is on both lists; a rate on fewer than {min_cases} cases is not ranked and never black-listed; "
        "ties are listed together, in no particular order.",
    ),
    "bul.board_heading": ("（{n}）{label}", "({n}) {label}"),
    "bul.board_group": ("{group}（参与排名{n}个）：", "{group} ({n} ranked): "),
    "bul.red": ("红榜：{names}", "Red list: {names}"),
    "bul.black": ("黑榜：{names}", "Black list: {names}"),
    "bul.board_none": ("参与排名的单位不足2个，本月不列榜", "fewer than 2 units ranked; no lists this month"),
    "bul.list_sep": ("、", ", "),
    "bul.clause_sep": ("；", "; "),
    "bul.name_value": ("{name}（{value}）", "{name} ({value})"),
    "bul.none": ("无", "none"),
    "bul.p_below": ("（一）未达到标准的单位", "(1) Units below a standard"),
    "bul.below_line": ("{label}{line}：{names}。", "{label} ({line}): {names}."),
    "bul.p_reports": ("（二）迟报、漏报", "(2) Late and missing reports"),
    "bul.late": ("逾期报送（{n}个）：{names}。", "Reported late ({n}): {names}."),
    "bul.missing": ("未报送（{n}个）：{names}。", "Not reported ({n}): {names}."),
    "bul.reports_ok": ("本月各村(社区)均按时报送。", "Every community reported on time this month."),
    "bul.p_quality": ("（三）数据质量", "(3) Data quality"),
    "bul.few_cases": (
        "{label}所依据的件数少于{min_cases}件、只列数值不排名的单位（{n}个）：{names}。",
        "{label} on fewer than {min_cases} cases, shown but not ranked ({n}): {names}.",
    ),
    "bul.flags": (
        "数据可信度存疑（{n}条，其中矛盾{errors}条）：{names}。逐条原因、文件和行号见看板“数据质量”页。",
        "Credibility flags ({n}, {errors} of them contradictions): {names}. Each flag with its file and row: "
        "the Data quality page.",
    ),
    "bul.flags_none": ("本月未发现数据可信度问题。", "No credibility flags this month."),
    "bul.quality_note": (
        "报表中被隔离的数据行及原因见看板“数据”页“隔离数据”表。",
        "Report rows set aside and their reasons: the Data page, table “Quarantined rows”.",
    ),
    "bul.next_steps": (
        "【此处由起草单位填写下步工作要求：整改事项、责任单位、完成时限。】",
        "[The drafting office writes the next steps here: what must be fixed, by whom, by when.]",
    ),
    "bul.annex1": ("附件1：{units}主要指标（{month}）", "Annex 1: key figures of {units} ({month})"),
    "bul.annex2": (
        "附件2：逾期及未报送的村(社区)（{month}）",
        "Annex 2: communities that reported late or not at all ({month})",
    ),
    "bul.col_status2": ("报送情况", "Report"),
    "bul.col_reported_on": ("报送日期", "Reported on"),
    "bul.col_due_on": ("截止日期", "Due on"),
    "bul.status_late": ("逾期", "late"),
    "bul.status_missing": ("未报送", "missing"),
    "bul.status_pending": ("未到期", "not yet due"),
    "bul.annex_empty": ("无。", "None."),
}
register(STRINGS)

BlockKind = Literal["heading2", "para", "table", "chart", "note"]


@dataclass(frozen=True)
class Table:
    """A table as text: header cells and rows of cells, already formatted."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Block:
    """One piece of a section, in order: a 二级标题 (heading2), a paragraph, a note (small
    print), a table or a chart (a plotly figure, rendered to PNG by the writer)."""

    kind: BlockKind
    text: str = ""
    table: Table | None = None
    figure: go.Figure | None = None


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class KeyFigure:
    """One key figure of 一、总体情况: metric name, value this month, the month before and a year
    before (None where missing), and whether it misses the metric's line (None without one)."""

    name: str
    value: float | None
    prev: float | None
    year: float | None
    below: bool | None


@dataclass(frozen=True)
class Bulletin:
    """The whole document as data. `figures`, `boards` and `units` are what the text prints
    (for the page's preview and the tests)."""

    lang: str
    month: date
    town_code: str | None
    scope: str
    doc_number: str
    title: str
    addressee: str
    intro: str
    sections: tuple[Section, ...]
    annexes: tuple[Section, ...]
    issuer: str
    date_text: str
    figures: tuple[KeyFigure, ...] = ()
    boards: tuple[q.Board, ...] = ()
    units: pd.DataFrame = field(default_factory=pd.DataFrame)
    reporting: pd.DataFrame = field(default_factory=pd.DataFrame)


def _v(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _fmt(name: str, value: float | None, lang: str) -> str:
    """A value in the metric's KPI format with its unit: 97.1%, 41.1 ㎡/百户, 1,800 ㎡."""
    m = metric(name)
    return value_text(value, metric_format(m), m.unit(lang), lang)


def _plain(name: str, value: float | None) -> str:
    """A value in the metric's format without its unit (for a table whose header names it)."""
    return "—" if value is None else format(value, metric_format(metric(name)))


def _head(name: str, lang: str) -> str:
    """A metric's column header: its name, with the unit unless the values carry it (%)."""
    m = metric(name)
    return m.label(lang) if m.is_rate else with_unit(m.label(lang), m.unit(lang), lang)


def _delta(cur: float | None, before: float | None, name: str, lang: str) -> str:
    """环比/同比 as the KPI cards write it (delta_text), "持平" for no change, "—" without data."""
    d = delta_text(cur, before, metric(name).is_rate, lang)
    return t("bul.na", lang) if d is None else t("bul.flat", lang) if d == "0" else d


def _names(items: list[str], lang: str) -> str:
    return t("bul.list_sep", lang).join(items) if items else t("bul.none", lang)


def scope_name(town_code: str | None, lang: str) -> str:
    """全县 / the county, or the township's name; ValueError for a code not in the registry."""
    if not town_code:
        return t("bul.county", lang)
    reg = common.communities()
    names = reg.loc[reg["town_code"] == town_code, "town_name"]
    if names.empty:
        raise ValueError(f"unknown township code: {town_code}")
    return str(names.iloc[0])


def _key_figures(month: date, town_code: str | None, lang: str) -> tuple[KeyFigure, ...]:
    df = kpis(q.filters(month, town_code, lang)).set_index("period")

    def at(period: str, name: str) -> float | None:
        return _v(df.at[period, name]) if period in df.index else None

    return tuple(
        KeyFigure(n, at("cur", n), at("prev", n), at("year", n), metric(n).below(at("cur", n))) for n in KPI_METRICS
    )


def _overview(b: dict, figures: tuple[KeyFigure, ...], units: pd.DataFrame, rep: pd.DataFrame) -> Section:
    lang, month = b["lang"], b["month"]
    status = rep["status"].value_counts()
    n = {s: int(status.get(s, 0)) for s in ("on_time", "late", "missing", "pending")}
    pending = t("bul.pending", lang, n=n["pending"]) if n["pending"] else ""
    blocks = [
        Block(
            "para",
            t(
                "bul.reporting",
                lang,
                month=fmt_month(month, lang),
                scope=b["scope"],
                expected=len(rep),
                on_time=n["on_time"],
                late=n["late"],
                missing=n["missing"],
                pending=pending,
            ),
        )
    ]
    cov = common.month_coverage((b["town_code"],) if b["town_code"] else None)  # the bulletin's own scope
    row = cov[cov["month"] == month]
    if len(row) and not bool(row["complete"].iloc[0]):
        r = row.iloc[0]
        blocks.append(Block("para", t("bul.incomplete", lang, n=int(r["reporting"]), expected=int(r["expected"]))))
    carried = int(common.stock_sources(q.filters(month, b["town_code"], lang), not_current=True)["carried"].sum())
    if carried:
        blocks.append(Block("para", t("bul.carried", lang, n=carried, k=carry_months())))
    for fig in figures:
        m = metric(fig.name)
        if m.line is None:
            continue
        alert = m.target is None and m.alert is not None
        verdict = (
            "bul.verdict_none"
            if fig.below is None
            else ("bul.verdict_below_alert" if alert else "bul.verdict_misses")
            if fig.below
            else ("bul.verdict_above_alert" if alert else "bul.verdict_meets")
        )
        blocks.append(
            Block(
                "para",
                t(
                    "bul.standard_line",
                    lang,
                    label=m.label(lang),
                    value=_fmt(fig.name, fig.value, lang),
                    verdict=t(verdict, lang),
                    line=m.line_label(lang),
                ),
            )
        )
    blocks.append(Block("para", t("bul.figures_intro", lang)))
    rows = []
    for fig in figures:
        m = metric(fig.name)
        mom, yoy = _delta(fig.value, fig.prev, fig.name, lang), _delta(fig.value, fig.year, fig.name, lang)
        state = "bul.na" if fig.below is None else "bul.misses" if fig.below else "bul.meets"
        rows.append(
            (m.label(lang), _fmt(fig.name, fig.value, lang), mom, yoy, m.standard_text(lang) or "—", t(state, lang))
        )
    header = tuple(t(k, lang) for k in ("bul.col_metric", "bul.col_value", "bul.col_mom", "bul.col_yoy"))
    header += (t("bul.col_standard", lang), t("bul.col_status", lang))
    blocks.append(Block("table", table=Table(header, tuple(rows))))
    for name in ("resolution_rate", "m2_per_100_households"):
        blocks.append(Block("chart", figure=_chart(units, name, month, lang)))
        if q.case_column(name):
            blocks.append(Block("note", t("bul.chart_note", lang, min_cases=min_cases())))
    return Section(t("bul.s1", lang), tuple(blocks))


def _chart(units: pd.DataFrame, name: str, month: date, lang: str) -> go.Figure:
    """One bar per unit of metric `name` with its standard line (figures.base.unit_bar); a rate
    on too few cases is not drawn but labelled as such, as it is not ranked."""
    m = metric(name)
    title = t("bul.chart_title", lang, label=m.label(lang), month=fmt_month(month, lang))
    shown = units.assign(**{name: units[name].where(q.eligible(units, name))})  # unranked rates not drawn
    fig = unit_bar(
        shown,
        name,
        title,
        m.unit(lang) if not m.is_rate else m.label(lang),
        target=m.line,
        target_label=m.line_label(lang),
        higher_is_better=m.higher_is_better,
        percent=m.is_rate,
        text_fmt=metric_format(m),
        axis_from_label=t("fig.axis_from", lang),
        missing_text=t("bul.chart_missing", lang, min_cases=min_cases()) if q.case_column(name) else "—",
    )
    bars = len(fig.data[0].y)  # at most figures.base.MAX_BARS of the units
    fig.update_layout(font={"size": 16}, height=max(320, 19 * bars + 170))  # legible at 150 mm
    fig.update_traces(textfont_size=13, selector={"type": "bar"})
    return fig


def _rank_cell(row: pd.Series, name: str, lang: str) -> str:
    value = _plain(name, _v(row[name]))
    rank = row[f"rank_{name}"]
    return t("bul.cell_rank", lang, value=value, rank="—" if pd.isna(rank) else int(rank))


def _with_ranks(units: pd.DataFrame) -> pd.DataFrame:
    out = units.copy()
    for name in q.RANKED_METRICS:
        out[f"rank_{name}"] = q.ranks(units, name)["rank"]
    return out


def _peer_order(rule: PeerRule, peers: pd.Series) -> list[object]:
    """The peer groups present, in the rule's own order (街道, 镇, 乡; 社区, 村), others after."""
    order = [v for v, _zh, _en in rule.groups if v in set(peers)]
    return order + sorted({p for p in peers if p not in order}, key=str)


def _rankings(b: dict, units: pd.DataFrame) -> Section:
    lang, rule = b["lang"], q.peer_rule(b["town_code"])
    what = t("bul.units_community" if b["town_code"] else "bul.units_town", lang)
    blocks = [
        Block(
            "para",
            t("bul.rank_rule", lang, units=what, rule=rule.en if lang == "en" else rule.zh, min_cases=min_cases()),
        )
    ]
    ranked = _with_ranks(units)
    header = (t("bul.col_unit", lang), *(_head(n, lang) for n in q.RANKED_METRICS))
    for i, peer in enumerate(_peer_order(rule, ranked["peer"]), start=1):
        g = ranked[ranked["peer"] == peer].sort_values(["rank_resolution_rate", "unit_code"], na_position="last")
        blocks.append(
            Block("heading2", t("bul.group_heading", lang, n=_cn(i, lang), group=rule.label(peer, lang), count=len(g)))
        )
        rows = tuple(
            (str(r["unit_name"]), *(_rank_cell(r, n, lang) for n in q.RANKED_METRICS)) for _, r in g.iterrows()
        )
        blocks.append(Block("table", table=Table(header, rows)))
    blocks.append(Block("note", t("bul.rank_table_note", lang)))
    return Section(t("bul.s2", lang), tuple(blocks))


_CN_NUMBERS = "一二三四五六七八九十"


def _cn(i: int, lang: str) -> str:
    """一, 二, 三 … for (一)(二) headings in Chinese; 1, 2, 3 in English."""
    return _CN_NUMBERS[i - 1] if lang == "zh" and 1 <= i <= 10 else str(i)


def _board_names(df: pd.DataFrame, name: str, lang: str) -> str:
    items = [
        t("bul.name_value", lang, name=r["unit_name"], value=_fmt(name, _v(r[name]), lang)) for _, r in df.iterrows()
    ]
    return _names(items, lang)


def _boards(b: dict, units: pd.DataFrame) -> tuple[Section, tuple[q.Board, ...]]:
    lang, rule = b["lang"], q.peer_rule(b["town_code"])
    labels = t("bul.list_sep", lang).join(metric(n).label(lang) for n in q.BOARD_METRICS)
    blocks = [
        Block(
            "para",
            t(
                "bul.board_rule",
                lang,
                metrics=labels,
                size=q.BOARD_SIZE,
                double=2 * q.BOARD_SIZE,
                min_cases=min_cases(),
            ),
        )
    ]
    all_boards: list[q.Board] = []
    for i, name in enumerate(q.BOARD_METRICS, start=1):
        blocks.append(Block("heading2", t("bul.board_heading", lang, n=_cn(i, lang), label=metric(name).label(lang))))
        found = {bd.peer: bd for bd in q.boards(units, name)}
        for board in (found[p] for p in _peer_order(rule, units["peer"])):
            all_boards.append(board)
            head = t("bul.board_group", lang, group=rule.label(board.peer, lang), n=board.n_ranked)
            if board.places == 0:
                blocks.append(Block("para", head + t("bul.board_none", lang) + ("。" if lang == "zh" else ".")))
                continue
            red = t("bul.red", lang, names=_board_names(board.red, name, lang))
            black = t("bul.black", lang, names=_board_names(board.black, name, lang))
            blocks.append(
                Block("para", head + red + t("bul.clause_sep", lang) + black + ("。" if lang == "zh" else "."))
            )
    return Section(t("bul.s3", lang), tuple(blocks)), tuple(all_boards)


def _community_names(df: pd.DataFrame, with_town: bool) -> list[str]:
    return [
        f"{r['town_name']}{r['community_name']}" if with_town else str(r["community_name"]) for _, r in df.iterrows()
    ]


def _problems(b: dict, units: pd.DataFrame, rep: pd.DataFrame) -> Section:
    lang, county = b["lang"], not b["town_code"]
    blocks = [Block("heading2", t("bul.p_below", lang))]
    for name in q.STANDARD_METRICS:
        m = metric(name)
        below = q.below_standard(units, name)
        names = [
            t("bul.name_value", lang, name=r["unit_name"], value=_fmt(name, _v(r[name]), lang))
            for _, r in below.iterrows()
        ]
        blocks.append(
            Block(
                "para",
                t("bul.below_line", lang, label=m.label(lang), line=m.line_label(lang), names=_names(names, lang)),
            )
        )
    blocks.append(Block("heading2", t("bul.p_reports", lang)))
    late, missing = rep[rep["status"] == "late"], rep[rep["status"] == "missing"]
    if late.empty and missing.empty:
        blocks.append(Block("para", t("bul.reports_ok", lang)))
    else:
        blocks.append(
            Block("para", t("bul.late", lang, n=len(late), names=_names(_community_names(late, county), lang)))
        )
        blocks.append(
            Block("para", t("bul.missing", lang, n=len(missing), names=_names(_community_names(missing, county), lang)))
        )
    blocks.append(Block("heading2", t("bul.p_quality", lang)))
    for name in q.CASE_RATES:
        few = q.few_cases(units, name)
        blocks.append(
            Block(
                "para",
                t(
                    "bul.few_cases",
                    lang,
                    label=metric(name).label(lang),
                    min_cases=min_cases(),
                    n=len(few),
                    names=_names([str(x) for x in few["unit_name"]], lang),
                ),
            )
        )
    blocks += _flags(b)
    blocks.append(Block("para", t("bul.quality_note", lang)))
    return Section(t("bul.s4", lang), tuple(blocks))


def _flags(b: dict) -> list[Block]:
    """The month's credibility flags (oversight.queries.quality, docs/quality.md) by unit, most
    contradictions first: "新政镇东北社区（矛盾1、存疑2）"."""
    lang = b["lang"]
    if not quality.available():  # a warehouse last loaded before the view existed
        return []
    found = quality.flags(q.filters(b["month"], b["town_code"], lang))
    if found.empty:
        return [Block("para", t("bul.flags_none", lang))]
    units = quality.by_unit(found, "community")
    names = [
        (f"{r.town_name}{r.community_name}" if not b["town_code"] else str(r.community_name))
        + (
            f"（矛盾{r.errors}、存疑{r.warnings}）"
            if lang == "zh"
            else f" ({r.errors} contradictions, {r.warnings} doubtful)"
        )
        for r in units.itertuples()
    ]
    errors = int(units["errors"].sum())
    return [Block("para", t("bul.flags", lang, n=len(found), errors=errors, names=_names(names, lang)))]


def _annexes(b: dict, units: pd.DataFrame, rep: pd.DataFrame) -> tuple[Section, ...]:
    lang, month = b["lang"], fmt_month(b["month"], b["lang"])
    what = t("bul.units_community" if b["town_code"] else "bul.units_town", lang)
    counts = [c for n in q.CASE_RATES if (c := q.case_column(n))]
    header = (t("bul.col_unit", lang), *(_head(n, lang) for n in q.STANDARD_METRICS))
    header += tuple(t("bul.col_cases" if c == "requests_received" else "bul.col_followups", lang) for c in counts)
    rows = tuple(
        (
            str(r["unit_name"]),
            *(_plain(n, _v(r[n])) for n in q.STANDARD_METRICS),
            *(format(int(r[c]), ",d") if pd.notna(r[c]) else "—" for c in counts),
        )
        for _, r in units.sort_values("unit_code").iterrows()
    )
    annex1 = Section(t("bul.annex1", lang, units=what, month=month), (Block("table", table=Table(header, rows)),))
    late = rep[rep["status"].isin(["late", "missing", "pending"])]
    if late.empty:
        blocks2: tuple[Block, ...] = (Block("para", t("bul.annex_empty", lang)),)
    else:
        header2 = tuple(
            t(k, lang)
            for k in ("bul.col_town", "bul.col_unit", "bul.col_status2", "bul.col_due_on", "bul.col_reported_on")
        )
        rows2 = tuple(
            (
                str(r["town_name"]),
                str(r["community_name"]),
                t(f"bul.status_{r['status']}", lang),
                pd.Timestamp(r["due_on"]).strftime("%Y-%m-%d"),
                "—" if pd.isna(r["reported_on"]) else pd.Timestamp(r["reported_on"]).strftime("%Y-%m-%d"),
            )
            for _, r in late.iterrows()
        )
        blocks2 = (Block("table", table=Table(header2, rows2)),)
    return annex1, Section(t("bul.annex2", lang, month=month), blocks2)


def build(month: date, town_code: str | None = None, lang: str = "zh", today: date | None = None) -> Bulletin:
    """The bulletin for `month` (first of the month) over the county, or township `town_code`,
    in `lang`. `today` decides which reports are overdue (default: today). Raises ValueError
    for an unknown township or a month without any monthly report."""
    scope = scope_name(town_code, lang)
    if month not in common.months():
        raise ValueError(f"no monthly reports for {month:%Y-%m}")
    units = q.units(month, town_code)
    rep = q.reporting(month, town_code, today)
    b = {"lang": lang, "month": month, "town_code": town_code, "scope": scope}
    figures = _key_figures(month, town_code, lang)
    boards_section, boards = _boards(b, units)
    sections = (
        _overview(b, figures, units, rep),
        _rankings(b, units),
        boards_section,
        _problems(b, units, rep),
        Section(t("bul.s5", lang), (Block("para", t("bul.next_steps", lang)),)),
    )
    issued = today or date.today()
    return Bulletin(
        lang=lang,
        month=month,
        town_code=town_code,
        scope=scope,
        doc_number=t("bul.doc_number", lang, year=add_months(month, 1).year),
        title=t("bul.title", lang, month=fmt_month(month, lang), scope=scope),
        addressee=t("bul.to_town" if town_code else "bul.to_county", lang),
        intro=t("bul.intro", lang, month=fmt_month(month, lang), scope=scope),
        sections=sections,
        annexes=_annexes(b, units, rep),
        issuer=t("bul.issuer", lang),
        date_text=f"{issued.year}年{issued.month}月{issued.day}日" if lang == "zh" else issued.strftime("%d %B %Y"),
        figures=figures,
        boards=boards,
        units=units,
        reporting=rep,
    )
