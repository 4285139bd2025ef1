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
from oversight.arena.indicators import CASE_COUNTS, INDICATORS
from oversight.db import query
from oversight.queries.common import allowed_sql, range_rows

__all__ = ["add_months", "data_quality", "indicator_values", "monthly_values"]


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
    (even one with no reports in the period): code, name, town, 片区, type and urban flag (the
    peer-group columns of core.peers), households (per the carry rule), months reported,
    stock_month (the month of the report its stocks are read from: before month_to when they
    are carried forward, missing when withheld — common.range_rows), carried (stock_month
    before month_to), the case counts of
    CASE_COUNTS summed over the range (for the minimum-case rule), then one column per arena
    indicator over the range — stocks per the carry rule, flows summed, growth end vs first
    month (NaN where the data is missing)."""
    if not codes:
        return pd.DataFrame()
    in_list, params = _codes(list(codes))
    scope, sparams = allowed_sql(allowed, "c")
    picked = compose("r.community_code IN ({in_list})", in_list=in_list)
    rows, rparams = range_rows(picked, month_from, month_to)
    sql = compose(
        """
        SELECT c.community_code, c.community_name, c.town_name, c.group_name, c.community_type, c.urban,
          {households} AS households,
          COUNT(CASE WHEN m.in_range THEN m.month END) AS months_reported,
          max(CASE WHEN m.at_end THEN m.month END) AS stock_month,
          {cases},
          {cols}
        FROM community AS c
        LEFT JOIN {rows} ON m.community_code = c.community_code
        WHERE c.community_code IN ({in_list}) AND {scope}
        GROUP BY c.community_code, c.community_name, c.town_name, c.group_name, c.town_code, c.community_type, c.urban
        ORDER BY c.town_code, c.community_code
        """,
        households=metric_sql("households", "range", "m"),
        cases=join((compose("{e} AS {k}", e=metric_sql(c, "range", "m"), k=ident(c)) for c in CASE_COUNTS), ",\n  "),
        cols=_columns("range", growth=True),
        rows=rows,
        in_list=in_list,
        scope=scope,
    )
    params |= sparams | rparams | {"month_first": month_from}
    df = query(sql, params)
    df["stock_month"] = pd.to_datetime(df["stock_month"])
    df.insert(df.columns.get_loc("stock_month") + 1, "carried", df["stock_month"] < pd.Timestamp(month_to))
    return df


def monthly_values(
    codes: Sequence[str], month_from: date, month_to: date, allowed: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """One row per community (within the user's scope `allowed`, as in indicator_values) and
    reported month in the period: code, name, month, core.metrics.CASE_COUNTS of the month (the
    cases each rate stands on, for the trends' "n=" and open circles), and each arena indicator
    that has a monthly value (growth indicators are left out)."""
    if not codes:
        return pd.DataFrame()
    in_list, params = _codes(list(codes))
    scope, sparams = allowed_sql(allowed, "m")
    sql = compose(
        """
        SELECT m.community_code, m.community_name, m.month,
          {cases},
          {cols}
        FROM community_month AS m
        WHERE m.community_code IN ({in_list}) AND {scope} AND m.month >= $month_first AND m.month <= $month_last
        GROUP BY m.community_code, m.community_name, m.month
        ORDER BY m.community_code, m.month
        """,
        cols=_columns("group", growth=False),
        cases=join((compose("{e} AS {k}", e=metric_sql(c, "group", "m"), k=ident(c)) for c in CASE_COUNTS), ",\n  "),
        in_list=in_list,
        scope=scope,
    )
    params |= sparams | {"month_first": month_from, "month_last": month_to}
    df = query(sql, params)
    df["month"] = pd.to_datetime(df["month"])
    return df


def data_quality(codes: Sequence[str], month_from: date, month_to: date) -> pd.Series:
    """The optional arena indicator `data_quality`: each community's reporting-quality score
    (0–100, oversight.queries.quality.unit_quality) over the period, by community_code; NaN for
    a community that sent no monthly report in the period (it is "no data" in the arena, as
    everywhere) and for all when the warehouse has no quality view yet."""
    from oversight.filters import Filters
    from oversight.queries import quality

    if not codes or not quality.available():
        return pd.Series(float("nan"), index=pd.Index(list(codes), name="community_code"), name="data_quality")
    df = quality.unit_quality(Filters("zh", (), None, tuple(codes), month_from, month_to), peers="none")
    score = df["quality_score"].where(df["on_time"] + df["late"] > 0)
    return score.set_axis(df["community_code"]).reindex(list(codes)).rename("data_quality")
