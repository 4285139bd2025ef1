"""The 擂台比武 pack officials bring to the competition: an Excel workbook (`xlsx`: a summary sheet,
then one sheet per community) and a printable, self-contained HTML file (`html`: A4, one page per
community, charts as inline SVG from `svg`: no script, no external address, no web font, works
offline). Both read one `Pack`: the scored result and its context."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

import pandas as pd

from oversight.arena.indicators import Indicator, indicator
from oversight.arena.period import Period
from oversight.arena.scoreboard import board, display_names
from oversight.arena.scoring import ArenaResult, deltas_to_median, indicator_ranks, side_by_side
from oversight.i18n import register, t

STRINGS = {
    "arena.pack.title": ("擂台比武对比材料", "Arena competition comparison pack"),
    "arena.pack.period": ("统计期", "Period"),
    "arena.pack.method": ("计分方法", "Scoring method"),
    "arena.pack.generated": ("生成时间", "Generated"),
    "arena.pack.objective_note": (
        "本材料为擂台比武的客观指标部分（满分100），现场述职评分另计。",
        "This pack is the objective-indicator half of the competition (out of 100); the on-stage "
        "presentation is scored separately.",
    ),
    "arena.pack.rank": ("名次", "Rank"),
    "arena.pack.community": ("村(社区)", "Community"),
    "arena.pack.town": ("乡镇(街道)", "Township"),
    "arena.pack.composite": ("综合得分", "Composite"),
    "arena.pack.missing": ("缺失指标", "Missing indicators"),
    "arena.pack.redistributed": ("补分权重", "Weight filled"),
    "arena.pack.rank_range": ("名次范围(权重±{spread:.0%})", "Rank range (weights ±{spread:.0%})"),
    "arena.pack.first_share": ("权重浮动时排第一的比例", "Ranked first as weights vary"),
    "arena.pack.contrib": ("{label}贡献", "{label}: points"),
    "arena.pack.scoreboard": ("排名与得分构成", "Ranking and what makes up each score"),
    "arena.pack.weights": ("指标、365归属与权重", "Indicators, their part of 365 and weights"),
    "arena.pack.indicator": ("指标", "Indicator"),
    "arena.pack.part": ("365归属", "Part of 365"),
    "arena.pack.unit": ("单位", "Unit"),
    "arena.pack.weight": ("权重(分)", "Weight (points)"),
    "arena.pack.share": ("权重占比", "Weight share"),
    "arena.pack.standard": ("标准值", "Standard"),
    "arena.pack.value": ("数值", "Value"),
    "arena.pack.score": ("得分(0–100)", "Score (0–100)"),
    "arena.pack.group_rank": ("组内名次", "Place in group"),
    "arena.pack.median": ("组中位数", "Group median"),
    "arena.pack.delta": ("与中位数之差", "Difference to median"),
    "arena.pack.points": ("贡献(分)", "Points"),
    "arena.pack.households": ("户数(期末)", "Households (end)"),
    "arena.pack.months_reported": ("报送月数", "Months reported"),
    "arena.pack.sensitivity": ("名次稳健性", "How robust the ranking is"),
    "arena.pack.sensitivity_text": (
        "每项权重在±{spread:.0%}范围内随机变动，重算{draws}次（随机种子{seed}）。名次范围短说明排名稳健；"
        "范围长说明名次取决于权重设定，差距在误差之内。",
        "Every weight was moved at random within ±{spread:.0%} and the ranking recomputed {draws} times "
        "(seed {seed}). A short range is a robust rank; a long one means the order depends on the "
        "weights and the gap is within the noise.",
    ),
    "arena.pack.trends": ("月度走势", "Monthly trends"),
    "arena.pack.month": ("月份", "Month"),
    "arena.pack.summary_sheet": ("汇总", "Summary"),
    "arena.pack.scores_chart": ("各指标得分", "Indicator scores"),
    "arena.pack.best": ("组内最好", "best in group"),
    "arena.pack.worst": ("组内最差", "worst in group"),
    "arena.pack.median_tick": ("竖线为组中位数", "tick = group median"),
}
register(STRINGS)


@dataclass(frozen=True)
class Pack:
    """What the pack shows: the scored result and its context."""

    title: str  # the group, e.g. 城乡融合片区一组, or a description of the hand-picked list
    month_from: date
    month_to: date
    lang: str
    result: ArenaResult
    sensitivity: pd.DataFrame  # oversight.arena.sensitivity
    info: pd.DataFrame  # index community_code: community_name, town_name, households, months_reported
    monthly: pd.DataFrame  # oversight.queries.arena.monthly_values
    draws: int
    spread: float
    seed: int
    generated: datetime | None = None

    @cached_property
    def names(self) -> dict[str, str]:
        return display_names(self.info)

    @cached_property
    def board(self) -> pd.DataFrame:
        """The scoreboard, as the page builds it (`scoreboard.board`)."""
        return board(self.result, self.sensitivity, self.info, self.lang)

    @property
    def order(self) -> list[str]:
        return list(self.board.index)

    @property
    def active(self) -> list[Indicator]:
        return [indicator(k) for k in self.result.weights.index if self.result.weights[k] > 0]

    @property
    def period(self) -> str:
        return Period(self.month_from, self.month_to).label(self.lang)

    @cached_property
    def standings(self) -> pd.DataFrame:
        """`scoring.side_by_side` of the values: the group median and the best and worst per indicator."""
        return side_by_side(self.result.values)

    @cached_property
    def places(self) -> pd.DataFrame:
        """Each community's place on each indicator (`scoring.indicator_ranks`)."""
        return indicator_ranks(self.result.values)

    @cached_property
    def deltas(self) -> pd.DataFrame:
        """Each value minus the group median (rows = indicators)."""
        return deltas_to_median(self.result.values)

    def when(self) -> str:
        return (self.generated or datetime.now()).strftime("%Y-%m-%d %H:%M")

    def file_name(self, ext: str) -> str:
        """擂台比武对比材料_城乡融合片区一组_2024-01_2024-12.xlsx (one month: _2024-03 alone); what a
        file name cannot hold (\\ / : * ? " < > |) and spaces become _."""
        a, b = f"{self.month_from:%Y-%m}", f"{self.month_to:%Y-%m}"
        stem = f"{t('arena.pack.title', self.lang)}_{self.title}_{a}" + ("" if a == b else f"_{b}")
        return re.sub(r'[\\/:*?"<>|\s]+', "_", stem) + f".{ext}"


def colon(lang: str) -> str:
    """The colon after a label: full-width in Chinese."""
    return "：" if lang == "zh" else ": "


def number(x: object) -> float | None:
    """`x` as a float, or None where it is missing."""
    return None if x is None or pd.isna(x) else float(x)
