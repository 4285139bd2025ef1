"""Every metric the product shows, defined once: name, labels, unit, format, standard, alert,
direction — and `sql()`, the one place a metric becomes SQL.

Pages, rankings, exports, the arena score and the warehouse view `community_month` all refer
to these by name. A ratio is always sum(numerator) / sum(denominator) over whatever is
grouped (never an average of per-community rates), and NULL when the denominator is 0 or
missing. Standards: 小区党组织覆盖率 100% (应建尽建), 每百户服务设施面积 ≥ 30 ㎡ (十四五 plan for
urban and rural community service), 办结率 ≥ 92% (Sichuan county minimum), 满意率 alert below
85%, 格均户数 at most 500 households per grid (DOMAIN.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.contract import MONTHLY
from core.sql import Fragment, param, qualified

Agg = Literal["sum", "ratio"]
Over = Literal["row", "group", "range"]
Transform = Literal["value", "per100", "growth"]


@dataclass(frozen=True)
class Metric:
    name: str
    zh: str
    en: str
    unit_zh: str
    unit_en: str
    agg: Agg
    column: str = ""  # for sum: the community_month column
    numerator: str = ""  # for ratio
    denominator: str = ""
    scale: float = 1.0  # ratio × scale (100 for "per 100 households")
    target: float | None = None  # the standard: a line on charts, full marks in the arena
    alert: float | None = None  # below this (above, when lower is better) is flagged
    higher_is_better: bool = True
    fmt: str = ",.0f"
    short_en: str = ""  # English name for a KPI card, where the full one is cut off
    line_words: tuple[str, str] = ("标准", "Standard")  # what the line is called: 标准, 最低标准, 目标, 预警线

    @property
    def columns(self) -> tuple[str, ...]:
        """The community_month columns this metric is computed from."""
        return (self.column,) if self.agg == "sum" else (self.numerator, self.denominator)

    @property
    def is_rate(self) -> bool:
        """A 0–1 share shown as a percentage (not every ratio is: households per grid is not)."""
        return self.agg == "ratio" and self.unit_zh == "%"

    @property
    def line(self) -> float | None:
        """The line a value is judged against: the alert where there is one, else the standard."""
        return self.alert if self.alert is not None else self.target

    def below(self, value: float | None) -> bool | None:
        """Whether `value` misses the line (None when there is no value or no line)."""
        line = self.line
        if value is None or line is None or value != value:
            return None
        return value < line if self.higher_is_better else value > line

    def format_value(self, value: float | None) -> str:
        """`value` in the metric's own format ("92%", "30", "1,800"); "—" when missing. A
        share's trailing ".0" is dropped so a standard reads "92%" rather than "92.0%"."""
        if value is None or value != value:
            return "—"
        text = format(value, self.fmt)
        return text.replace(".0%", "%") if self.is_rate else text.removesuffix(".0")

    def standard_text(self, lang: str, with_unit: bool = True) -> str:
        """The line as a rule: "≥ 92%", "≥ 30 ㎡/百户", "≤ 500 户/网格" ("" without a line)."""
        if self.line is None:
            return ""
        op = "≥" if self.higher_is_better else "≤"
        unit = "" if self.is_rate or not with_unit else " " + self.unit(lang)
        return f"{op} {self.line_text()}{unit}".rstrip()

    def line_text(self) -> str:
        """The alert line (or standard) as a bare figure: "85%", "30"."""
        return self.format_value(self.line)

    def line_label(self, lang: str) -> str:
        """The line named as the catalogue calls it, with its unit: "最低标准 92%", "预警线 85%",
        "标准 30 ㎡/百户", "Standard 30 m² per 100 households" ("" without a line)."""
        if self.line is None:
            return ""
        unit = "" if self.is_rate else " " + self.unit(lang)
        word = self.line_words[0] if lang == "zh" else self.line_words[1]
        return f"{word} {self.line_text()}{unit}".rstrip()

    def sql(self, alias: str = "", over: Over = "group", **kw: str) -> Fragment:
        """This metric as SQL over community_month rows; see `sql()`."""
        return sql(self, over=over, alias=alias, **kw)

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def short(self, lang: str) -> str:
        """The name for a KPI card: the Chinese name, or the short English one when there is one."""
        return self.zh if lang == "zh" else (self.short_en or self.en)

    def unit(self, lang: str) -> str:
        return self.unit_zh if lang == "zh" else self.unit_en


def _ratio(name, zh, en, num, den, scale=1.0, unit_zh="%", unit_en="%", **kw) -> Metric:  # noqa: ANN001
    kw.setdefault("fmt", ".1%" if unit_zh == "%" else ",.1f")
    return Metric(name, zh, en, unit_zh, unit_en, "ratio", numerator=num, denominator=den, scale=scale, **kw)


# Ratios: these are also the derived columns of the warehouse view community_month.
RATIOS: tuple[Metric, ...] = (
    _ratio(
        "party_org_coverage",
        "小区党组织覆盖率",
        "Party-org coverage of neighbourhoods",
        "neighborhoods_with_party_org",
        "neighborhoods",
        target=1.0,
        short_en="Party-org coverage",
        line_words=("目标", "Target"),
    ),
    _ratio(
        "m2_per_100_households",
        "每百户服务设施面积",
        "Service area per 100 households",
        "service_center_m2",
        "households",
        scale=100.0,
        unit_zh="㎡/百户",
        unit_en="m² per 100 households",
        target=30.0,
        short_en="m² per 100 households",
    ),
    _ratio(
        "households_per_grid",
        "格均户数",
        "Households per grid",
        "households",
        "grids",
        unit_zh="户/网格",
        unit_en="households per grid",
        fmt=",.0f",
        target=500.0,
        higher_is_better=False,
    ),
    _ratio(
        "hours_per_volunteer",
        "人均志愿服务时长",
        "Hours per registered volunteer",
        "volunteer_hours",
        "volunteers_registered",
        unit_zh="小时/人",
        unit_en="hours per volunteer",
        short_en="Hours per volunteer",
    ),
    _ratio(
        "resolution_rate",
        "办结率",
        "Resolution rate",
        "requests_resolved",
        "requests_received",
        target=0.92,
        line_words=("最低标准", "Minimum"),
    ),
    _ratio("on_time_rate", "按时办结率", "On-time rate", "requests_on_time", "requests_resolved"),
    _ratio(
        "satisfaction_rate",
        "满意率",
        "Satisfaction rate",
        "followups_satisfied",
        "followups_total",
        alert=0.85,
        line_words=("预警线", "Alert below"),
    ),
)


def _sum(column: str, en: str, unit_en: str, short_en: str = "") -> Metric:
    """A metric that sums a column of the monthly report: its Chinese name and unit are the
    report contract's (the header without its "(unit)"), so they are written once."""
    c = MONTHLY.column(column)
    zh = c.zh.removesuffix(f"({c.unit})")
    return Metric(column, zh, en, c.unit, unit_en, "sum", column=column, short_en=short_en)


# Stocks (a month's value; summed across communities within a month) and flows (summed over months).
STOCKS: tuple[Metric, ...] = (
    _sum("households", "Households", "households"),
    _sum("population", "Residents", "people"),
    _sum("party_members", "Party members", "people"),
    _sum("neighborhoods", "Neighbourhoods", ""),
    _sum("neighborhoods_with_party_org", "Neighbourhoods with a party org", ""),
    _sum("grids", "Grids", ""),
    _sum("service_center_m2", "Service-centre area", "m²", short_en="Centre area"),
    _sum("service_platforms", "Service platforms", ""),
    _sum("volunteers_registered", "Registered volunteers", "people"),
)
FLOWS: tuple[Metric, ...] = (
    _sum("volunteer_hours", "Volunteer hours", "hours"),
    _sum("volunteer_activities", "Volunteer activities", ""),
    _sum("requests_received", "Requests received", "cases"),
    _sum("requests_resolved", "Requests resolved", "cases"),
    _sum("requests_on_time", "Resolved on time", "cases"),
    _sum("followups_satisfied", "Satisfied follow-ups", "cases"),
    _sum("followups_total", "Follow-ups", "cases"),
    _sum("disputes_mediated", "Disputes mediated", "cases"),
)

# Over a range of months a flow is summed; a stock is each community's latest report at or before
# the range's last month, carried forward at most core.settings.carry_months() (see RANGE_FLAGS).
STOCK_COLUMNS = frozenset(m.column for m in STOCKS)


def is_stock(column: str) -> bool:
    """Whether `column` is a stock (read at a month) rather than a flow (summed over months)."""
    return column in STOCK_COLUMNS


METRICS: dict[str, Metric] = {m.name: m for m in (*STOCKS, *FLOWS, *RATIOS)}


def metric(name: str) -> Metric:
    """The metric called `name`; raises KeyError for anything not defined here (the allow-list)."""
    return METRICS[name]


# Counts of cases (件): a rate over one of these stands on that many cases, so it is shown with
# its count and is not ranked on fewer than core.settings.min_cases() (arena, bulletin, rankings).
CASE_COUNTS = ("requests_received", "requests_resolved", "followups_total")


def cases_of(name: str) -> str | None:
    """The case count the rate `name` stands on (its denominator: requests_received for 办结率,
    requests_resolved for 按时办结率, followups_total for 满意率); None for any other metric."""
    m = metric(name)
    return m.denominator if m.agg != "sum" and m.denominator in CASE_COUNTS else None


# The row flags a range needs (over="range"): its rows are community_month rows flagged by
# oversight.queries.common.range_rows —
#   in_range  the row's month lies in the range (flows are summed over these rows);
#   at_end    the row is its community's latest report at or before the range's last month and at
#             most core.settings.carry_months() older (stocks are read from it: carried forward
#             when it is older than the last month, withheld when there is none);
#   reporter  on an at_end row: its community has a report in the range (a ratio of a flow to a stock, such as
#             hours per registered volunteer, reads the stock only of communities whose flow it has).
RANGE_FLAGS = ("in_range", "at_end", "reporter")


def _mixed(m: Metric, transform: Transform = "value") -> bool:
    """Whether `m` (as transformed) divides a flow by a stock or a stock by a flow."""
    cols = (*m.columns, "households") if transform == "per100" else m.columns
    return len({is_stock(c) for c in cols}) > 1


def _part(col: str, over: Over, alias: str, mixed: bool, first: str | None = None) -> str:
    """One community_month column, aggregated for `over` (at `$<first>` for a growth's start)."""
    c = qualified(alias, col)
    if over == "row":
        return c
    if over != "range":
        return f"SUM({c})"
    in_range = qualified(alias, "in_range")
    if first is not None:
        return f"SUM(CASE WHEN {in_range} AND {qualified(alias, 'month')} = {param(first)} THEN {c} END)"
    if not is_stock(col):
        return f"SUM(CASE WHEN {in_range} THEN {c} END)"
    at_end = qualified(alias, "at_end")
    if mixed:
        at_end = f"{at_end} AND {qualified(alias, 'reporter')}"
    return f"SUM(CASE WHEN {at_end} THEN {c} END)"


def _value(m: Metric, over: Over, alias: str, mixed: bool, first: str | None = None) -> str:
    if m.agg == "sum":
        return _part(m.column, over, alias, mixed, first)
    num, den = (_part(c, over, alias, mixed, first) for c in (m.numerator, m.denominator))
    return f"CAST({num} AS DOUBLE) * {m.scale} / NULLIF({den}, 0)"


def sql(
    m: Metric | str,
    over: Over = "group",
    alias: str = "",
    transform: Transform = "value",
    first: str = "month_first",
) -> Fragment:
    """The SQL expression of metric `m` (a Metric or its name) over community_month rows.

    over:
      - "row": one community-month row (the derived ratio columns of the view community_month);
      - "group": whatever rows are grouped (one month, one unit, …): sums, ratios sum/sum;
      - "range": a range of months, over rows carrying RANGE_FLAGS (common.range_rows): flows
        summed over the range, stocks of each community's latest report at or before its last
        month (carried forward at most core.settings.carry_months()), ratios sum/sum of those;
        a ratio of a flow to a stock reads the stock only of communities with a report in the
        range, so a month that has just begun is not divided by the whole county.
    transform:
      - "value": the metric itself;
      - "per100": the metric × 100 / households (households read like the metric's window);
      - "growth": (value at the end, as "range" reads it − value at `$<first>`) / value at
        `$<first>` (range only).
    `alias` prefixes every column ("m" → m."households"). Raises KeyError for an unknown name
    (the catalogue is the allow-list) and ValueError for an impossible combination.
    """
    m = metric(m) if isinstance(m, str) else m
    mixed = _mixed(m, transform)
    if transform == "value":
        return Fragment(_value(m, over, alias, mixed))
    if transform == "per100":
        households = _value(metric("households"), over, alias, mixed)
        return Fragment(f"CAST({_value(m, over, alias, mixed)} AS DOUBLE) * 100 / NULLIF({households}, 0)")
    if transform == "growth":
        if over != "range":
            raise ValueError("growth is measured over a range of months")
        end, start = _value(m, over, alias, mixed), _value(m, over, alias, mixed, first)
        return Fragment(f"(CAST({end} AS DOUBLE) - {start}) / NULLIF({start}, 0)")
    raise ValueError(f"unknown transform {transform!r}")
