"""Queries of the 擂台比武 page: each arena indicator per community over a period, and per month
for the trend charts. Every value comes from a metric of core.metrics, read over the range
as every other page reads it (core.metrics.sql)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd

from core.metrics import sql as metric_sql
from core.months import add_months
from core.sql import Fragment, compose, ident, join, param
from oversight.arena.indicators import INDICATORS
from oversight.db import query
from oversight.queries.common import allowed_sql

__all__ = ["add_months", "indicator_values", "monthly_values"]


def _codes(codes: Sequence[str]) -> tuple[Fragment, dict[str, Any]]:
    names = [f"c_{i}" for i in range(len(codes))]
    return join(param(n) for n in names), dict(zip(names, codes, strict=True))


def _columns(over: str, growth: bool) -> Fragment:
    """Each arena indicator as `<metric SQL> AS "key"` (growth ones only when `growth`)."""
    return join(
        (
            compose("{e} AS {k}", e=metric_sql(i.base, over, "m", i.transform), k=ident(i.key))
            for i in INDICATORS
            if growth or i.transform != "growth"
        ),
        ",\n  ",
    )


def indicator_values(
    codes: Sequence[str], month_from: date, month_to: date, allowed: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """One row per chosen community within the user's scope `allowed` (townships, None = every
    one; Filters.allowed_towns) — a chosen community of another township is left out —
    (even one with no reports in the period): code, name, town,
    片区, households at the last month, months reported, then one column per arena indicator
    over the range — stocks at $month_last, flows summed, growth last vs first (NaN where the
    data is missing)."""
    if not codes:
        return pd.DataFrame()
    in_list, params = _codes(list(codes))
    scope, sparams = allowed_sql(allowed, "c")
    sql = compose(
        """
        SELECT c.community_code, c.community_name, c.town_name, c.group_name,
          {households} AS households,
          COUNT(m.month) AS months_reported,
          {cols}
        FROM community AS c
        LEFT JOIN community_month AS m
          ON m.community_code = c.community_code AND m.month >= $month_first AND m.month <= $month_last
        WHERE c.community_code IN ({in_list}) AND {scope}
        GROUP BY c.community_code, c.community_name, c.town_name, c.group_name, c.town_code
        ORDER BY c.town_code, c.community_code
        """,
        households=metric_sql("households", "range", "m"),
        cols=_columns("range", growth=True),
        in_list=in_list,
        scope=scope,
    )
    params |= sparams | {"month_first": month_from, "month_last": month_to}
    return query(sql, params)


def monthly_values(
    codes: Sequence[str], month_from: date, month_to: date, allowed: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """One row per community (within the user's scope `allowed`, as in indicator_values) and
    reported month in the period: code, name, month, and each
    arena indicator that has a monthly value (growth indicators are left out)."""
    if not codes:
        return pd.DataFrame()
    in_list, params = _codes(list(codes))
    scope, sparams = allowed_sql(allowed, "m")
    sql = compose(
        """
        SELECT m.community_code, m.community_name, m.month,
          {cols}
        FROM community_month AS m
        WHERE m.community_code IN ({in_list}) AND {scope} AND m.month >= $month_first AND m.month <= $month_last
        GROUP BY m.community_code, m.community_name, m.month
        ORDER BY m.community_code, m.month
        """,
        cols=_columns("group", growth=False),
        in_list=in_list,
        scope=scope,
    )
    params |= sparams | {"month_first": month_from, "month_last": month_to}
    df = query(sql, params)
    df["month"] = pd.to_datetime(df["month"])
    return df
