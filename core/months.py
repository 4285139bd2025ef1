"""Month arithmetic. A month is the `date` of its first day everywhere in the product."""

from __future__ import annotations

from datetime import date


def add_months(d: date, n: int) -> date:
    """The first day of the month `n` months after (before, if negative) `d`'s month."""
    k = d.year * 12 + d.month - 1 + n
    return date(k // 12, k % 12 + 1, 1)


def next_month(d: date) -> date:
    """The first day of the month after `d`'s month (the exclusive end of a month range)."""
    return add_months(d, 1)
