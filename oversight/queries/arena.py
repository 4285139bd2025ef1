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
from core.sql import ident
from oversight.arena.indicators import INDICATORS, Indicator
from oversight.db import query

__all__ = ["add_months", "indicator_values", "monthly_values"]


def _codes(codes: Sequence[str]) -> tuple[str, dict[str, Any]]:
    names = [f"c_{i}" for i in range(len(codes))]
    return ", ".join("$" + n for n in names), dict(zip(names, codes, strict=True))


def _range_sql(ind: Indicator) -> str:
    """The indicator over the range: stocks at $month_last, flows summed, growth = last vs first."""
    return metric_sql(ind.base, "range", "m", ind.transform)


def _month_sql(ind: Indicator) -> str:
    """The indicator within one month (growth has no monthly value)."""
    return metric_sql(ind.base, "group", "m", ind.transform)


def indicator_values(codes: Sequence[str], month_from: date, month_to: date) -> pd.DataFrame:
    """One row per chosen community (even one with no reports in the period): code, name, town,
    片区, households at the last month, months reported, then one column per arena indicator
    (NaN where the data is missing)."""
    if not codes:
        return pd.DataFrame()
    in_list, params = _codes(list(codes))
    cols = ",\n  ".join(f"{_range_sql(i)} AS {ident(i.key)}" for i in INDICATORS)
    sql = f"""
        SELECT c.community_code, c.community_name, c.town_name, c.group_name,
          {metric_sql("households", "range", "m")} AS households,
          COUNT(m.month) AS months_reported,
          {cols}
        FROM community AS c
        LEFT JOIN community_month AS m
          ON m.community_code = c.community_code AND m.month >= $month_first AND m.month <= $month_last
        WHERE c.community_code IN ({in_list})
        GROUP BY c.community_code, c.community_name, c.town_name, c.group_name, c.town_code
        ORDER BY c.town_code, c.community_code
    """  # noqa: S608 (identifiers come from the indicator allow-list)
    params |= {"month_first": month_from, "month_last": month_to}
    return query(sql, params)


def monthly_values(codes: Sequence[str], month_from: date, month_to: date) -> pd.DataFrame:
    """One row per community and reported month in the period: code, name, month, and each
    arena indicator that has a monthly value (growth indicators are left out)."""
    if not codes:
        return pd.DataFrame()
    in_list, params = _codes(list(codes))
    cols = ",\n  ".join(f"{_month_sql(i)} AS {ident(i.key)}" for i in INDICATORS if i.transform != "growth")
    sql = f"""
        SELECT m.community_code, m.community_name, m.month,
          {cols}
        FROM community_month AS m
        WHERE m.community_code IN ({in_list}) AND m.month >= $month_first AND m.month <= $month_last
        GROUP BY m.community_code, m.community_name, m.month
        ORDER BY m.community_code, m.month
    """  # noqa: S608 (identifiers come from the indicator allow-list)
    params |= {"month_first": month_from, "month_last": month_to}
    df = query(sql, params)
    df["month"] = pd.to_datetime(df["month"])
    return df
