"""The 擂台比武 indicators: each one a metric of `core.metrics`, read directly, per 100 households
or as growth over the period, and placed in the 365 method (3 forces, 6 services, 5 mechanisms).
Also the one colour each indicator has on every chart, page or pack."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from core.contract import SERVICE_CATEGORIES
from core.metrics import CASE_COUNTS, Metric, is_stock, metric
from oversight.i18n import register, t

Family = Literal["force", "service", "mechanism"]
Transform = Literal["value", "per100", "growth"]
Window = Literal["end", "period", "growth"]

FORCES = ("党员先锋", "网格", "志愿")
SERVICES = SERVICE_CATEGORIES
MECHANISMS = ("党建联盟", "网格共融", "民情共解", "社会服务", "道德激励")
FAMILIES: dict[Family, tuple[str, ...]] = {"force": FORCES, "service": SERVICES, "mechanism": MECHANISMS}
# Counts of cases: a rate over one of these is only scored on at least core.settings.min_cases().


@dataclass(frozen=True)
class Indicator:
    """One arena indicator: a metric of core.metrics, how it is read, and where it sits in 365."""

    key: str
    metric: str  # a name in core.metrics
    transform: Transform  # value: the metric itself; per100: metric × 100 / households; growth: end vs start
    family: Family
    part: str  # one of FORCES / SERVICES / MECHANISMS
    weight: float  # default weight (points; the defaults sum to 100)
    own: Metric | None = None  # a figure outside the metric catalogue (the data-quality score)

    @property
    def base(self) -> Metric:
        return self.own if self.own is not None else metric(self.metric)

    @property
    def standard(self) -> float | None:
        """The value that earns full marks in the "standard" method: the line core.metrics judges
        the metric against (its alert, else its target). Per 100 households and growth have none."""
        return self.base.line if self.transform == "value" else None

    def summary(self, lang: str) -> str:
        """Where it sits in 365, its unit and its standard: 三支力量 · 网格｜单位：户/网格｜标准：≤ 500."""
        return t(
            "arena.indicator_summary",
            lang,
            part=part_label(self, lang),
            unit=self.unit(lang),
            standard=self.standard_text(lang),
        )

    def standard_text(self, lang: str) -> str:
        """The standard as a rule for a table or a tooltip: "≥ 92%", "≤ 500", or that there is none."""
        if self.standard is None:
            return t("arena.no_standard", lang)
        return self.base.standard_text(lang, with_unit=False)

    @property
    def cases_column(self) -> str | None:
        """The case count a rate stands on (its denominator: 诉求受理数, 诉求办结数, 回访总数), for
        the minimum-case rule (core.settings.min_cases); None for anything else."""
        if self.transform == "value" and self.base.is_rate and self.base.denominator in CASE_COUNTS:
            return self.base.denominator
        return None

    @property
    def higher_is_better(self) -> bool:
        return self.base.higher_is_better

    @property
    def is_rate(self) -> bool:
        return self.transform != "growth" and self.base.is_rate

    @property
    def window(self) -> Window:
        """end: a stock read at the period's last month; period: flows summed over the period;
        growth: the metric at the last month against the first."""
        if self.transform == "growth":
            return "growth"
        if self.own is not None:
            return "period"
        return "end" if all(is_stock(c) for c in self.base.columns) else "period"

    def label(self, lang: str) -> str:
        m = self.base
        if self.transform == "per100":
            return f"每百户{m.zh}" if lang == "zh" else f"{m.en} per 100 households"
        if self.transform == "growth":
            return f"{m.zh}增长率" if lang == "zh" else f"{m.en}, growth"
        return m.label(lang)

    def unit(self, lang: str, monthly: bool = False) -> str:
        """The unit of the value over a period (a flow per 100 households is the period's total),
        or, with `monthly`, of one month's value."""
        m = self.base
        if self.transform == "growth" or self.is_rate:
            return "%"
        if self.transform == "per100":
            per = "/百户" if lang == "zh" else " per 100 households"
            if self.window == "period":
                if monthly:
                    per += "·月" if lang == "zh" else " per month"
                else:
                    per += "（期内合计）" if lang == "zh" else " (period total)"
            return f"{m.unit(lang)}{per}".strip()
        return m.unit(lang)

    @property
    def fmt(self) -> str:
        if self.transform == "growth":
            return "+.1%"
        if self.is_rate:
            return ".1%"
        return ",.1f" if self.transform == "per100" or self.base.agg == "ratio" else ",.0f"

    def format_delta(self, x: float | None, lang: str, with_unit: bool = True) -> str:
        """A difference of two values, with a sign: rates and growth in percentage points
        (百分点; the unit left off with `with_unit=False`, for a column that names it)."""
        if x is None or pd.isna(x):
            return "—"
        if self.transform == "growth" or self.is_rate:
            return format(round(100 * x, 1) + 0.0, "+,.1f") + (
                ("个百分点" if lang == "zh" else " pp") if with_unit else ""
            )
        digits = 1 if self.fmt.endswith(".1f") else 0
        return format(round(x, digits) + 0.0, "+" + self.fmt.lstrip("+"))  # + 0.0: never "-0.0"

    def delta_unit(self, lang: str) -> str:
        """The unit of a difference: 百分点 / pp for rates and growth, else the value's unit."""
        if self.transform == "growth" or self.is_rate:
            return "百分点" if lang == "zh" else "pp"
        return self.unit(lang)

    def format(self, x: float | None) -> str:
        """The raw value as shown in tables; missing shows as —."""
        if x is None or pd.isna(x):
            return "—"
        return format(x, self.fmt)


# The arena indicators, by the part of 365 they serve. Parts without a monthly count (文化服务,
# 协商服务, 道德激励, …) are left to the on-site half of the competition.
INDICATORS: tuple[Indicator, ...] = (
    Indicator("party_members_per_100hh", "party_members", "per100", "force", "党员先锋", 10),
    Indicator("households_per_grid", "households_per_grid", "value", "force", "网格", 10),
    Indicator("volunteers_per_100hh", "volunteers_registered", "per100", "force", "志愿", 10),
    Indicator("volunteers_growth", "volunteers_registered", "growth", "force", "志愿", 5),
    Indicator("m2_per_100_households", "m2_per_100_households", "value", "service", "便民服务", 15),
    Indicator("satisfaction_rate", "satisfaction_rate", "value", "service", "民情服务", 10),
    Indicator("on_time_rate", "on_time_rate", "value", "service", "民情服务", 5),
    Indicator("party_org_coverage", "party_org_coverage", "value", "mechanism", "党建联盟", 10),
    Indicator("resolution_rate", "resolution_rate", "value", "mechanism", "民情共解", 15),
    Indicator("volunteer_hours_per_100hh", "volunteer_hours", "per100", "mechanism", "社会服务", 10),
)
# Optional indicators, weight 0 unless the official gives them one on the page (not in the weights
# panel or the presets): the reporting-quality score of oversight.queries.quality (docs/quality.md),
# so a community that reports late, incompletely or inconsistently can be marked down for it.
DATA_QUALITY = Indicator(
    "data_quality",
    "data_quality",
    "value",
    "mechanism",
    "数据质量",
    0,
    own=Metric("data_quality", "数据质量得分", "Data-quality score", "分", "points", "ratio", fmt=",.1f"),
)
OPTIONAL: tuple[Indicator, ...] = (DATA_QUALITY,)
BY_KEY: dict[str, Indicator] = {i.key: i for i in (*INDICATORS, *OPTIONAL)}
DEFAULT_WEIGHTS: dict[str, float] = {i.key: i.weight for i in INDICATORS}


def indicator(key: str) -> Indicator:
    """The arena indicator called `key` (the allow-list; KeyError otherwise)."""
    return BY_KEY[key]


# One hue family per part of 365, every colour from Paul Tol's colour-blind-safe schemes
# (P. Tol, "Colour Schemes", SRON/EPS/TN/09-002 issue 3.2, 2021, https://personal.sron.nl/~pault/):
# the 3 forces in Tol's muted wine / rose / purple / sand, the 6 services in his muted indigo,
# medium-contrast blue and muted cyan, the 5 mechanisms in his muted green / teal / olive. The ten
# stay at least 10 CIELAB ΔE apart from each other in normal vision and in simulated protanopia,
# deuteranopia and tritanopia (Machado et al. 2009; tests/oversight/test_chart_rules.py).
_FAMILY_SHADES = {
    "force": ["#882255", "#CC6677", "#AA4499", "#DDCC77"],
    "service": ["#332288", "#6699CC", "#88CCEE"],
    "mechanism": ["#117733", "#44AA99", "#999933"],
}
OUTSIDE_365 = "#DDDDDD"  # Tol's pale grey, for the optional indicator outside 365


def indicator_colours() -> dict[str, str]:
    """A fixed colour per arena indicator (key -> "#RRGGBB"), a shade of its family's hue, in
    catalogue order; the optional indicators in pale grey. Raises IndexError if a family gains
    more indicators than it has shades (a shared colour would make two segments look alike)."""
    seen: dict[str, int] = {}
    out = {}
    for ind in INDICATORS:
        i = seen.get(ind.family, 0)
        seen[ind.family] = i + 1
        out[ind.key] = _FAMILY_SHADES[ind.family][i]
    return out | {ind.key: OUTSIDE_365 for ind in OPTIONAL}


INDICATOR_COLOURS = indicator_colours()

STRINGS = {
    "arena.family.force": ("三支力量", "3 forces"),
    "arena.family.service": ("六项服务", "6 services"),
    "arena.family.mechanism": ("五项机制", "5 mechanisms"),
    "arena.family_short.force": ("力量", "Force"),
    "arena.family_short.service": ("服务", "Service"),
    "arena.family_short.mechanism": ("机制", "Mechanism"),
    "arena.part.党员先锋": ("党员先锋", "Party-member vanguard"),
    "arena.part.网格": ("网格", "Grid"),
    "arena.part.志愿": ("志愿", "Volunteers"),
    "arena.part.党建服务": ("党建服务", "Party-building service"),
    "arena.part.便民服务": ("便民服务", "Convenience service"),
    "arena.part.文化服务": ("文化服务", "Cultural service"),
    "arena.part.平安服务": ("平安服务", "Safety service"),
    "arena.part.民情服务": ("民情服务", "Residents' requests service"),
    "arena.part.协商服务": ("协商服务", "Consultation service"),
    "arena.part.党建联盟": ("党建联盟", "Party-building alliance"),
    "arena.part.网格共融": ("网格共融", "Grid integration"),
    "arena.part.民情共解": ("民情共解", "Requests solved together"),
    "arena.part.社会服务": ("社会服务", "Social services"),
    "arena.part.道德激励": ("道德激励", "Moral incentives"),
    "arena.part.数据质量": ("报送质量（可选）", "Reporting quality (optional)"),
    "arena.no_standard": ("无公认标准，组内比较", "no standard: compared within the group"),
    "arena.indicator_summary": (
        "{part}｜单位：{unit}｜标准：{standard}",
        "{part} | unit: {unit} | standard: {standard}",
    ),
}
register(STRINGS)

# How the method paragraph names each standard and where it comes from, in the order it names
# them; {value} is the figure from core.metrics.
_STANDARD_NOTES: dict[str, tuple[str, str]] = {
    "m2_per_100_households": (
        "每百户服务设施面积{value}㎡（十四五规划）",
        "{value} m² of service area per 100 households (14th five-year plan)",
    ),
    "party_org_coverage": ("小区党组织覆盖率{value}（应建尽建）", "{value} party-org coverage of neighbourhoods"),
    "resolution_rate": ("办结率{value}（四川县级底线）", "{value} resolution (Sichuan county minimum)"),
    "satisfaction_rate": ("满意率{value}（预警线）", "{value} satisfaction (alert line)"),
    "households_per_grid": ("格均户数不超过{value}户", "at most {value} households per grid"),
}
register({f"arena.standard.{k}": v for k, v in _STANDARD_NOTES.items()})


def part_label(ind: Indicator, lang: str, short: bool = False) -> str:
    """'三支力量 · 党员先锋' / '3 forces · Party-member vanguard'; short: '力量·党员先锋'."""
    if short:
        return f"{t('arena.family_short.' + ind.family, lang)}·{t('arena.part.' + ind.part, lang)}"
    return f"{t('arena.family.' + ind.family, lang)} · {t('arena.part.' + ind.part, lang)}"


def standards_text(lang: str) -> str:
    """Every indicator's standard in words, for the method paragraph: "每百户服务设施面积30㎡（十四五
    规划）、…". An indicator whose metric gains a standard without a note here is named plainly."""
    notes = list(_STANDARD_NOTES)
    ranked = sorted(
        (i for i in INDICATORS if i.standard is not None),
        key=lambda i: notes.index(i.key) if i.key in notes else len(notes),
    )
    return ("、" if lang == "zh" else ", ").join(
        t(f"arena.standard.{i.key}", lang, value=i.base.format_value(i.standard))
        if i.key in _STANDARD_NOTES
        else f"{i.label(lang)} {i.standard_text(lang)}"
        for i in ranked
    )
