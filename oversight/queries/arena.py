"""Queries of the 擂台比武 page: each arena indicator per community over a period, and per month
for the trend charts. Every value comes from a metric of oversight.metrics, read over the range
as every other page reads it (queries.common.range_metric_sql)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd

from oversight.arena import INDICATORS, Indicator
from oversight.db import query
from oversight.metrics import metric
from oversight.queries.common import add_months, ident, range_metric_sql

__all__ = ["add_months", "indicator_values", "monthly_values"]


def _codes(codes: Sequence[str]) -> tuple[str, dict[str, Any]]:
    names = [f"c_{i}" for i in range(len(codes))]
    return ", ".join("$" + n for n in names), dict(zip(names, codes, strict=True))


def _range_sql(ind: Indicator) -> str:
    """The indicator over the range: stocks at $month_last, flows summed, growth = last vs first."""
    m = ind.base
    if ind.transform == "growth":
        end = range_metric_sql(m, "m", "month_last")
        start = range_metric_sql(m, "m", "month_first")
        return f"(CAST({end} AS DOUBLE) - {start}) / NULLIF({start}, 0)"
    if ind.transform == "per100":
        households = range_metric_sql(metric("households"), "m", "month_last")
        return f"CAST({range_metric_sql(m, 'm', 'month_last')} AS DOUBLE) * 100 / NULLIF({households}, 0)"
    return range_metric_sql(m, "m", "month_last")


def _month_sql(ind: Indicator) -> str:
    """The indicator within one month (growth has no monthly value)."""
    m = ind.base
    if ind.transform == "per100":
        return f"CAST({m.sql('m')} AS DOUBLE) * 100 / NULLIF({metric('households').sql('m')}, 0)"
    return m.sql("m")


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
          {range_metric_sql(metric("households"), "m", "month_last")} AS households,
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
