"""Credibility flags (数据可信度提示) and reporting quality (数据质量得分): every rule, label and
threshold in one place. The rules run in SQL (`etl/sql/quality.sql`, the public view
`quality_flag`); `render()` fills that file's `/*{…}*/` slots from here, so a threshold changed
in this module changes the view on the next load, the documentation's table (docs/quality.md
names these constants) and the page's explanations.

A flag is not a verdict: it says where a figure is worth a phone call. Two kinds:

- severity `error` (矛盾): two figures of the same community and month cannot both be true — a
  contradiction between report kinds, or an impossible sequence in a case;
- severity `warning` (存疑): a pattern real work seldom produces — rates of exactly 100% on many
  cases month after month, a stock that jumps without a project, a row copied from last month,
  values that are always round.

Sources. Perfect and round figures: the "too good to be true" and digit-preference checks of
statistical data editing (UNECE *Generic Statistical Data Editing Model* 2019, 'plausibility'
and 'heaping'; the digit-preference tests of Nigrini, *Benford's Law*, 2012). Jumps in stocks:
the selective-editing ratio test against the previous period (Hidiroglou & Berthelot, 1986),
here a simple relative threshold with a floor for small bases. Agreement between report kinds:
the 12345 centres' 数据质量 spot checks (抽查一致性) of the domain brief (DOMAIN.md). The
reporting-quality score follows the 12345 centres' 数据质量得分 (timeliness, completeness,
consistency) and the IMF *Data Quality Assessment Framework* dimension 'serviceability'
(timeliness and revision).

The validator already sets aside a case resolved before it was received and a month with more
satisfied follow-ups than follow-ups (or more resolved than received, more on time than
resolved): those never reach the warehouse and have no rule here. What does reach it, and is
still impossible, is a case with a follow-up result or an on-time mark but no resolution date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from core.contract import MONTHLY, REPORT_DUE_DAY
from core.sql import Fragment, compose, ident, join, literal, qualified

Severity = Literal["error", "warning"]

# --- thresholds ------------------------------------------------------------------------------

PERFECT_MIN_CASES = 30  # a rate of exactly 100% counts as "too perfect" only on at least this many cases
PERFECT_MONTHS = 3  # … in at least this many consecutive reported months
# rate → (numerator, denominator) of the monthly report, as in core.metrics
PERFECT_RATES: dict[str, tuple[str, str]] = {
    "resolution_rate": ("requests_resolved", "requests_received"),
    "on_time_rate": ("requests_on_time", "requests_resolved"),
    "satisfaction_rate": ("followups_satisfied", "followups_total"),
}

JUMP_SHARE = 0.5  # a stock that changes by more than half of its previous value in one month …
# … and by at least this much (so 2 → 4 grids or 10 → 16 volunteers is not a jump)
JUMP_MIN: dict[str, float] = {"service_center_m2": 100.0, "grids": 3, "volunteers_registered": 30}
# A jump is explained by a service-centre project of the community completed between the two
# months: any project for the floor area, one whose 说明 names the stock for the others.
JUMP_NOTE_WORDS: dict[str, str] = {"service_center_m2": "", "grids": "网格", "volunteers_registered": "志愿"}

HOURS_TOLERANCE = 1.0  # hours: the monthly 志愿服务时长 may differ from its activities' sum by rounding …
HOURS_TOLERANCE_SHARE = 0.05  # … or by this share of the larger of the two, whichever is more

ROUND_BASE = 10  # "round": a multiple of ten …
ROUND_MONTHS = 6  # … in every one of at least this many consecutive reported months
ROUND_COLUMNS = ("volunteer_hours", "requests_received", "followups_total", "disputes_mediated")

# Columns compared for "identical to the previous month": every figure of the monthly report
# (not the month, not the report date). Only a month with some activity is flagged: a small
# village's stocks and its one request a month may well repeat by chance (on the sample county
# 56 such rows repeat with fewer), at least this many requests or volunteer hours seldom do.
REPEAT_COLUMNS = tuple(c.name for c in MONTHLY.columns if c.type in ("int", "float"))
REPEAT_ACTIVITY: dict[str, float] = {"requests_received": 5, "volunteer_hours": 10.0}


@dataclass(frozen=True)
class Rule:
    """One credibility rule: name, severity, zh/en label, and the detail text with slots
    {field} (the figure concerned, named in the language), {value}, {other}, {n}, {case} (a
    case number)."""

    name: str
    severity: Severity
    zh: str
    en: str
    detail_zh: str
    detail_en: str
    source_zh: str
    source_en: str

    def label(self, lang: str) -> str:
        """The rule's name in `lang`: 比率长期100% / Always exactly 100%."""
        return self.zh if lang == "zh" else self.en

    def detail(self, lang: str, field: str, value: object, other: object, n: object, case: object = None) -> str:
        """The detail text in `lang`, with the figures filled in (`field` already a label: see
        `field_label`); the view's `detail` is the same text in Chinese, filled in SQL."""
        text = self.detail_zh if lang == "zh" else self.detail_en
        return text.format(
            field=field, value=number_text(value), other=number_text(other), n=number_text(n), case=number_text(case)
        )


RULES: tuple[Rule, ...] = (
    Rule(
        "perfect_rate",
        "warning",
        "比率长期100%",
        "Always exactly 100%",
        "{field}连续{n}个月为100%（本月{value}件）：请核实台账，完美数字常是估填",
        "{field} at exactly 100% for {n} months running ({value} cases this month): check the case book; "
        "perfect figures are often estimates",
        f"受理（回访）不少于{PERFECT_MIN_CASES}件的比率连续{PERFECT_MONTHS}个月恰为100%",
        f"a rate on at least {PERFECT_MIN_CASES} cases exactly 100% for {PERFECT_MONTHS} months running",
    ),
    Rule(
        "stock_jump",
        "warning",
        "存量突变",
        "Unexplained jump",
        "{field}由{other}变为{value}，期间没有阵地建设项目或说明：请核实或补报项目",
        "{field} went from {other} to {value} with no project or note explaining it: check it or report the project",
        f"比上月变动超过{JUMP_SHARE:.0%}（且超过最小变动量），期间无阵地建设项目或说明",
        f"a change of more than {JUMP_SHARE:.0%} on the month before (and above a minimum), no project or note",
    ),
    Rule(
        "hours_vs_activities",
        "error",
        "志愿时长与活动不符",
        "Hours ≠ activities",
        "月报志愿服务时长{value}小时，本月志愿服务活动合计{other}小时（{n}场）",
        "monthly report: {value} volunteer hours; this month's activities add up to {other} hours ({n} activities)",
        f"相差超过{HOURS_TOLERANCE:g}小时且超过{HOURS_TOLERANCE_SHARE:.0%}",
        f"a difference of more than {HOURS_TOLERANCE:g} hour and more than {HOURS_TOLERANCE_SHARE:.0%}",
    ),
    Rule(
        "roster_mismatch",
        "error",
        "小区数与名册不符",
        "Report ≠ roster",
        "月报{field}{value}个，小区党组织名册{other}个",
        "monthly report: {field} {value}; the neighbourhood roster: {other}",
        "同月的小区党组织名册存在时，数量须一致",
        "must agree when the month's neighbourhood roster was sent",
    ),
    Rule(
        "cases_mismatch",
        "error",
        "诉求数与台账不符",
        "Report ≠ case list",
        "月报{field}{value}件，民情诉求台账{other}件",
        "monthly report: {field} {value}; the case list: {other}",
        "同月的民情诉求台账存在时，受理数、截至填报日的办结数须一致",
        "must agree with the month's case list (received; resolved by the report date)",
    ),
    Rule(
        "repeated_row",
        "warning",
        "与上月完全相同",
        "Same as last month",
        "本月月报的{n}项数字与上月完全相同：是否照抄上月？",
        "all {n} figures of this month's report are the same as last month's: copied?",
        "除月份和填报日期外，全部数字与上一个月相同（本月诉求不少于"
        f"{REPEAT_ACTIVITY['requests_received']:g}件或志愿时长不少于{REPEAT_ACTIVITY['volunteer_hours']:g}小时）",
        "every figure but the month and report date equal to the previous month's (with at least "
        f"{REPEAT_ACTIVITY['requests_received']:g} requests or {REPEAT_ACTIVITY['volunteer_hours']:g} volunteer hours)",
    ),
    Rule(
        "round_values",
        "warning",
        "数字总是整十",
        "Always round",
        "{field}连续{n}个月都是{other}的倍数（本月{value}）：是否估填？",
        "{field} a multiple of {other} for {n} months running ({value} this month): estimated?",
        f"连续{ROUND_MONTHS}个月以上都是{ROUND_BASE}的倍数（不为0）",
        f"a non-zero multiple of {ROUND_BASE} for at least {ROUND_MONTHS} months running",
    ),
    Rule(
        "impossible_case",
        "error",
        "诉求状态矛盾",
        "Impossible case",
        "诉求{case}没有办结日期，却有{field}",
        "case {case} has no resolution date but has {field}",
        "未办结的诉求不能有回访结果或按时办结标记（办结早于受理等已在装载时剔除）",
        "an unresolved case cannot have a follow-up result or an on-time mark "
        "(resolved before received is already set aside at loading)",
    ),
)
BY_NAME: dict[str, Rule] = {r.name: r for r in RULES}
SEVERITIES: dict[Severity, tuple[str, str]] = {"error": ("矛盾", "Contradiction"), "warning": ("存疑", "Doubtful")}

# Figures the detail texts name that are not contract columns (their labels, zh / en).
EXTRA_FIELDS: dict[str, tuple[str, str]] = {
    "resolution_rate": ("办结率", "resolution rate"),
    "on_time_rate": ("按时办结率", "on-time rate"),
    "satisfaction_rate": ("满意率", "satisfaction rate"),
    "followup_result": ("回访结果", "a follow-up result"),
    "on_time": ("按时办结标记", "an on-time mark"),
}


def field_label(name: str, lang: str) -> str:
    """The figure a flag concerns, named in `lang` (contract header, or EXTRA_FIELDS); a case
    number (any other text) is returned as it is."""
    if name in EXTRA_FIELDS:
        return EXTRA_FIELDS[name][0 if lang == "zh" else 1]
    for c in MONTHLY.columns:
        if c.name == name:
            return c.zh if lang == "zh" else c.name.replace("_", " ")
    return name


def number_text(x: object) -> str:
    """A figure as a detail text shows it: 12, 12.5, '' for missing; text as it is."""
    if x is None or (isinstance(x, float) and x != x):
        return ""
    if isinstance(x, float):
        return str(int(x)) if x == int(x) else f"{x:.1f}"
    return str(x)


# --- reporting quality (数据质量得分) -----------------------------------------------------------

# The monthly report is due by REPORT_DUE_DAY of the next month (core.contract). A report counts
# as on time by that day, late after it, missing when there is none; its date is 填报日期, or when
# the sender left it blank, the day it was loaded.
DUE_DAY = REPORT_DUE_DAY
LATE_CREDIT = 0.5  # a late report earns half the timeliness of one on time; a missing one none
# The columns every monthly report should fill (they feed the headline rates and the arena);
# the others are optional. Completeness = share of these cells filled in the reports sent.
REQUIRED_COLUMNS = (
    "households",
    "party_members",
    "neighborhoods",
    "grids",
    "service_center_m2",
    "volunteers_registered",
    "volunteer_hours",
    "requests_received",
    "requests_resolved",
    "requests_on_time",
    "followups_satisfied",
    "followups_total",
)
OPTIONAL_COLUMNS = tuple(c for c in REPEAT_COLUMNS if c not in REQUIRED_COLUMNS) + ("reported_on",)
# Weights of the 0–100 data-quality score (the 12345 centres weigh timeliness most).
QUALITY_WEIGHTS: dict[str, float] = {
    "timeliness": 40,
    "completeness": 20,
    "completeness_optional": 10,
    "consistency": 20,
    "corrections": 10,
}


# --- rendering into SQL -----------------------------------------------------------------------


def _values(rows: list[tuple[str | float | int, ...]]) -> Fragment:
    return join((compose("({r})", r=join(literal(v) for v in row)) for row in rows), ",\n    ")


def _fields() -> Fragment:
    names = {*PERFECT_RATES, *JUMP_MIN, *ROUND_COLUMNS, *EXTRA_FIELDS, "volunteer_hours"}
    names |= {"neighborhoods", "neighborhoods_with_party_org", "requests_received", "requests_resolved"}
    return _values([(n, field_label(n, "zh")) for n in sorted(names)])


def _steps(columns: tuple[str, ...]) -> Fragment:
    """One row per monthly row and column with a value: the lineage, `field`, `value`, and the
    community's previous non-empty value of that column (`prev_value`) and its month
    (`prev_month`), both NULL for its first. Every column is lagged in one window pass over the
    monthly rows (a window per column over their union took 3 s of the view at ×50)."""
    lagged = join(
        (
            compose(
                "CAST({c} AS DOUBLE) AS {v}, CAST(lag({c} IGNORE NULLS) OVER w AS DOUBLE) AS {p}, "
                "lag(CASE WHEN {c} IS NOT NULL THEN month END IGNORE NULLS) OVER w AS {m}",
                c=ident(c),
                v=ident(f"v_{c}"),
                p=ident(f"p_{c}"),
                m=ident(f"m_{c}"),
            )
            for c in columns
        ),
        ",\n         ",
    )
    steps = join(
        (
            compose(
                "{{'field': {n}, 'value': {v}, 'prev_value': {p}, 'prev_month': {m}}}",
                n=literal(c),
                v=ident(f"v_{c}"),
                p=ident(f"p_{c}"),
                m=ident(f"m_{c}"),
            )
            for c in columns
        ),
        ", ",
    )
    # unnest of a list of structs, not a LATERAL (VALUES …): DuckDB runs a lateral join of outer
    # columns as a join back on every column (2.9 M rows, 1.2 s of the 1 M-row load's 2.5 s flags)
    return compose(
        """SELECT community_code, month, source_file, source_sheet, source_row,
         x.field, x.value, x.prev_value, x.prev_month
  FROM (
    SELECT community_code, month, source_file, source_sheet, source_row, unnest([{steps}]) AS x
    FROM (
      SELECT community_code, month, source_file, source_sheet, source_row,
           {lagged}
      FROM monthly
      WINDOW w AS (PARTITION BY community_code ORDER BY month)
    ) AS l
  ) AS u
  WHERE x.value IS NOT NULL""",
        lagged=lagged,
        steps=steps,
    )


def _unpivot(columns: tuple[str, ...]) -> Fragment:
    """One row per monthly row and column: the lineage, `field` (the column's name) and `value`."""
    return join(
        (
            compose(
                "SELECT community_code, month, month_no, source_file, source_sheet, source_row, "
                "{name} AS field, CAST({col} AS DOUBLE) AS value FROM monthly",
                name=literal(c),
                col=ident(c),
            )
            for c in columns
        ),
        "\n  UNION ALL ",
    )


def _rate_values() -> Fragment:
    """One row per monthly row and rate of PERFECT_RATES: the lineage, rate, num, den."""
    return join(
        (
            compose(
                "SELECT community_code, month, month_no, source_file, source_sheet, source_row, "
                "{name} AS field, {num} AS num, {den} AS den FROM monthly",
                name=literal(rate),
                num=ident(num),
                den=ident(den),
            )
            for rate, (num, den) in PERFECT_RATES.items()
        ),
        "\n  UNION ALL ",
    )


def slots() -> dict[str, Fragment]:
    """The fragment for every `/*{name}*/` slot of etl/sql/quality.sql."""
    return {
        "perfect_min_cases": literal(PERFECT_MIN_CASES),
        "perfect_months": literal(PERFECT_MONTHS),
        "rate_values": _rate_values(),
        "jump_share": literal(JUMP_SHARE),
        "jumps": _values([(k, float(v), JUMP_NOTE_WORDS[k]) for k, v in JUMP_MIN.items()]),
        "stock_steps": _steps(tuple(JUMP_MIN)),
        "hours_tolerance": literal(HOURS_TOLERANCE),
        "hours_tolerance_share": literal(HOURS_TOLERANCE_SHARE),
        "round_base": literal(ROUND_BASE),
        "round_months": literal(ROUND_MONTHS),
        "round_values": _unpivot(ROUND_COLUMNS),
        "repeat_same": join(
            (compose("{a} IS NOT DISTINCT FROM {b}", a=qualified("m", c), b=qualified("p", c)) for c in REPEAT_COLUMNS),
            " AND ",
        ),
        "repeat_count": literal(len(REPEAT_COLUMNS)),
        "repeat_active": join(
            (compose("COALESCE({c}, 0) >= {v}", c=qualified("m", c), v=literal(v)) for c, v in REPEAT_ACTIVITY.items()),
            " OR ",
        ),
        "due_day": literal(DUE_DAY),
        "rules": _values([(r.name, r.severity, r.detail_zh) for r in RULES]),
        "fields": _fields(),
    }


def render(text: str, touched: str = "") -> str:
    """etl/sql/quality.sql with every `/*{name}*/` slot filled from this module, and the
    `touched` slot (after each report table the rules read) with `touched` — "" for every
    community, or a clause such as "SEMI JOIN _touched USING (community_code)" keeping the
    communities a load wrote (etl.warehouse.refresh_marts). ValueError for a slot it does not
    know (a typo in the SQL would otherwise leave a comment)."""
    parts = {**slots(), "touched": touched}

    def fill(m: re.Match[str]) -> str:
        if m.group(1) not in parts:
            raise ValueError(f"unknown slot in quality.sql: {m.group(1)}")
        return parts[m.group(1)]

    return re.sub(r"/\*\{(\w+)\}\*/", fill, text)
