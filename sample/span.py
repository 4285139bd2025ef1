"""The sample's reporting span and the month counting the simulation does.

A month is the `date` of its first day (as everywhere in the product); the arithmetic itself is
`core.months.add_months`. The sample runs from FIRST_MONTH (2022-01) to LAST_MONTH (2026-10).
"""

from __future__ import annotations

from datetime import date

from core.months import add_months

FIRST_MONTH = date(2022, 1, 1)
LAST_MONTH = date(2026, 10, 1)


def month_range(first: date, last: date) -> list[date]:
    """First days of every month from `first` to `last`, inclusive."""
    out, m = [], first
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


def month_index(m: date) -> int:
    """Months since 2022-01 (0 for 2022-01)."""
    return (m.year - 2022) * 12 + m.month - 1


def days_in(m: date) -> int:
    """Days in month `m` (28 to 31)."""
    return (add_months(m, 1) - m).days


def quarter(m: date) -> int:
    """The quarter (1 to 4) month `m` falls in."""
    return (m.month - 1) // 3 + 1
