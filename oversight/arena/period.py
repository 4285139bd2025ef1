"""The 统计期 of a competition: a month, a quarter, a year, or the month range of the sidebar, cut
to the months the warehouse has."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from core.months import add_months
from oversight.i18n import fmt_month, register, t

Kind = Literal["month", "quarter", "year", "range"]
KINDS: tuple[Kind, ...] = ("month", "quarter", "year", "range")
Choice = date | tuple[int, int] | int | None  # a month, (year, quarter), a year; None for the range

register(
    {
        "arena.period.month": ("月", "Month"),
        "arena.period.quarter": ("季度", "Quarter"),
        "arena.period.year": ("年", "Year"),
        "arena.period.range": ("左侧月份范围", "Sidebar range"),
        "arena.period.quarter_fmt": ("{y}年第{q}季度", "{y} Q{q}"),
        "arena.period.year_fmt": ("{y}年", "{y}"),
    }
)


@dataclass(frozen=True)
class Period:
    """First days of the first and last month, both included."""

    start: date
    end: date
    clipped: bool = False  # the chosen period ran past the latest month with data and stops there

    def label(self, lang: str) -> str:
        """2024年1月 – 2024年3月, or one month: 2024年3月."""
        a, b = fmt_month(self.start, lang), fmt_month(self.end, lang)
        return a if a == b else f"{a} – {b}"


def kind_label(kind: Kind, lang: str) -> str:
    """月 / 季度 / 年 / 左侧月份范围."""
    return t(f"arena.period.{kind}", lang)


def choices(kind: Kind, months: Sequence[date]) -> list[Choice]:
    """What can be chosen for `kind` in the loaded `months`, newest first: months, (year,
    quarter) pairs or years; nothing for the range, which the sidebar sets."""
    if kind == "month":
        return sorted(set(months), reverse=True)
    if kind == "quarter":
        return sorted({(d.year, (d.month - 1) // 3 + 1) for d in months}, reverse=True)
    if kind == "year":
        return sorted({d.year for d in months}, reverse=True)
    return []


def choice_label(kind: Kind, choice: Choice, lang: str) -> str:
    """2024年3月 / 2024年第1季度 / 2024年 (Mar 2024 / 2024 Q1 / 2024)."""
    if kind == "quarter":
        return t("arena.period.quarter_fmt", lang, y=choice[0], q=choice[1])
    if kind == "year":
        return t("arena.period.year_fmt", lang, y=choice)
    return fmt_month(choice, lang)


def pick(kind: Kind, choice: Choice, sidebar: tuple[date, date], months: Sequence[date]) -> Period:
    """The months of `choice` (for "range": the sidebar's), cut to the loaded `months`."""
    if kind == "month":
        start = end = choice
    elif kind == "quarter":
        year, quarter = choice
        start, end = date(year, 3 * quarter - 2, 1), date(year, 3 * quarter, 1)
    elif kind == "year":
        start, end = date(choice, 1, 1), date(choice, 12, 1)
    else:
        start, end = sidebar
    first, latest = min(months), max(months)
    return Period(max(start, first), min(end, latest), clipped=end > latest)


def previous(p: Period) -> Period:
    """The period of the same length just before `p` (a quarter before a quarter, the twelve
    months before a year): what rank movement is measured against."""
    months = (p.end.year - p.start.year) * 12 + p.end.month - p.start.month + 1
    return Period(add_months(p.start, -months), add_months(p.start, -1))
