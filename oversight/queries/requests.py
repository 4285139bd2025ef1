"""Queries of the 诉求 page: received / resolved / on time / satisfied per unit and month from
the monthly reports; category, source, open cases and days to resolve from the case list."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from core.columns import FLAGS
from core.months import next_month
from core.sql import Fragment, compose, ident
from oversight.db import query
from oversight.filters import Filters
from oversight.queries.common import below_mask, metric_columns, monthly_mart, per_unit, scope_sql, unit_columns, where

COUNTS = ("requests_received", "requests_resolved", "requests_on_time", "followups_satisfied", "followups_total")
RATES = ("resolution_rate", "on_time_rate", "satisfaction_rate")


def by_unit(f: Filters) -> pd.DataFrame:
    """Per unit over the range: the counts summed and the three rates (sum/sum)."""
    return per_unit(f, (*COUNTS, *RATES))


def flagged(df: pd.DataFrame) -> pd.DataFrame:
    """`df` (from by_unit/by_community) with the flags of core.columns.FLAGS (below_resolution,
    below_satisfaction): True below the metric's line (the resolution standard, the
    satisfaction alert), False at or above, missing if the rate is."""
    out = df.copy()
    for col, name in FLAGS.items():
        out[col] = below_mask(out[name], name).astype("boolean")
    return out


def by_community(f: Filters) -> pd.DataFrame:
    """One row per community in scope: town_name, unit_name, counts, rates and the two flags;
    flagged communities first."""
    df = flagged(per_unit(f, (*COUNTS, *RATES), level="community"))
    df["_any"] = df["below_resolution"].fillna(False) | df["below_satisfaction"].fillna(False)
    df = df.sort_values(["_any", "resolution_rate"], ascending=[False, True], kind="stable", na_position="last")
    return df.drop(columns="_any").reset_index(drop=True)


def community_table(f: Filters) -> pd.DataFrame:
    """by_community as the page shows it: town_name, community_name, counts, rates, flags."""
    df = by_community(f).rename(columns={"unit_name": "community_name"}).drop(columns=["unit_code", "town_code"])
    first = ["town_name", "community_name"]
    return df[[*first, *[c for c in df.columns if c not in first]]]


def any_flag(df: pd.DataFrame) -> pd.Series:
    """Per row: True where any flag of core.columns.FLAGS is set (False where none is, or missing)."""
    flags = [c for c in FLAGS if c in df.columns]
    if not flags:
        return pd.Series(False, index=df.index)
    return df[flags].fillna(False).astype(bool).any(axis=1)


def by_month(f: Filters) -> pd.DataFrame:
    """Per month of the range, the whole selection: the counts, the rates, backlog (cumulative
    received − resolved from the range's start) and open_cases (cases from the case list still
    unresolved at the month's end; missing when the selection has no case list).

    Not from the first month on record: a monthly report's 诉求办结数 counts the month's own
    cases resolved by the report, and a case resolved after it is never subtracted, so a sum over
    every month only grows (the sample county, 2026: 880–1,040 against 150–200 cases open)."""
    sql, params = where(f)
    df = query(
        compose(
            """
            SELECT month, {cols}
            FROM {mart}
            WHERE {w}
            GROUP BY month
            ORDER BY month
            """,
            mart=monthly_mart(f),
            cols=metric_columns((*COUNTS, *RATES), "group"),
            w=sql,
        ),
        params,
    )
    flow = (df["requests_received"] - df["requests_resolved"]).astype("Float64")
    df["backlog"] = flow.cumsum()
    df.loc[flow.isna(), "backlog"] = pd.NA
    # A case is open at the end of month M when it was received by then and not yet resolved:
    # opened ≤ M < closed (months). One +1 at its opening month and one −1 at its closing month,
    # summed up to each month of the range — each case is read once, not once per month. A case
    # closed before the range (its +1 and −1 cancel in every month of it) or opened after it
    # (both beyond it) moves nothing: at ×50 that leaves about a quarter of 1.87 M cases to read.
    scope, sparams = scope_sql(f)
    opened = query(
        compose(
            """
        WITH series AS (
          SELECT unnest(generate_series(CAST($month_from AS DATE), CAST($month_to AS DATE), INTERVAL 1 MONTH)) AS m
        ),
        months AS (SELECT CAST(m AS DATE) AS month FROM series),
        cases AS (
          SELECT CAST(date_trunc('month', received_on) AS DATE) AS opened,
                 CAST(date_trunc('month', resolved_on) AS DATE) AS closed
          FROM request_case
          WHERE {scope} AND received_on < $month_end AND (resolved_on IS NULL OR resolved_on >= $month_from)
        ),
        moves AS (
          SELECT opened AS month, COUNT(*) AS delta FROM cases WHERE closed IS NULL OR closed > opened GROUP BY opened
          UNION ALL
          SELECT closed AS month, -COUNT(*) AS delta FROM cases WHERE closed > opened GROUP BY closed
        )
        SELECT months.month, COALESCE(SUM(moves.delta), 0) AS open_cases,
               (SELECT COUNT(*) FROM (SELECT 1 FROM request_case WHERE {scope} LIMIT 1) AS one) AS any_cases
        FROM months LEFT JOIN moves ON moves.month <= months.month
        GROUP BY months.month
        ORDER BY months.month
        """,
            scope=scope,
        ),
        sparams | {"month_from": f.month_from, "month_to": f.month_to, "month_end": next_month(f.month_to)},
    )
    opened["month"] = pd.to_datetime(opened["month"])
    opened.loc[opened["any_cases"] == 0, "open_cases"] = pd.NA
    df["month"] = pd.to_datetime(df["month"])
    return df.merge(opened[["month", "open_cases"]], on="month", how="left")


def by_category_source(f: Filters) -> pd.DataFrame:
    """Cases received in the range per category and source: category, source, cases, resolved."""
    sql, params = where(f, "received_on")
    return query(
        compose(
            """
        SELECT category, source, COUNT(*) AS cases, COUNT(resolved_on) AS resolved
        FROM request_case
        WHERE {sql}
        GROUP BY category, source
        ORDER BY category, source
        """,
            sql=sql,
        ),
        params,
    )


_EPOCH_SUNDAY = Fragment("DATE '1970-01-04'")


def _weekdays_to(day: Fragment) -> Fragment:
    """SQL: Mon–Fri days after Sunday 1970-01-04 up to and including `day` (5 per whole week
    plus the rest of the week, at most 5)."""
    n = compose("date_diff('day', {e}, {d})", e=_EPOCH_SUNDAY, d=day)
    weeks = compose("CAST(floor({n} / 7) AS BIGINT)", n=n)
    return compose("(5 * {w} + least({n} - 7 * {w}, 5))", w=weeks, n=n)


def working_days_sql(start: Fragment, end: Fragment) -> Fragment:
    """SQL: Mon–Fri days after `start` up to and including `end` (public holidays not known
    here), as numpy.busday_count(start + 1, end + 1); NULL where either is. Plain date
    arithmetic, so DuckDB and Spark compute it alike."""
    return compose("({a} - {b})", a=_weekdays_to(end), b=_weekdays_to(start))


def days_counts(f: Filters) -> pd.DataFrame:
    """Cases resolved in the range per category and working days to resolve (days after
    receipt up to resolution, Mon–Fri): category, working_days, cases, on_time (cases resolved
    on time), on_time_reported (cases with on_time filled in). The aggregate behind the
    histogram and days_summary — no case list leaves the warehouse."""
    sql, params = where(f, "resolved_on")
    return query(
        compose(
            """
        SELECT category, {wd} AS working_days, COUNT(*) AS cases,
               SUM(CASE WHEN on_time THEN 1 ELSE 0 END) AS on_time, COUNT(on_time) AS on_time_reported
        FROM request_case
        WHERE {sql}
        GROUP BY category, working_days
        ORDER BY category, working_days
        """,
            wd=working_days_sql(ident("received_on"), ident("resolved_on")),
            sql=sql,
        ),
        params,
    )


def _quantile(values: np.ndarray, counts: np.ndarray, p: float) -> float:
    """The p-quantile (linear interpolation, as pandas' and DuckDB's quantile_cont) of `values`
    (sorted) each repeated `counts` times."""
    cum = np.cumsum(counts)
    h = (cum[-1] - 1) * p
    lo, hi = (values[np.searchsorted(cum, k, side="right")] for k in (np.floor(h), np.ceil(h)))
    return float(lo + (h - np.floor(h)) * (hi - lo))


def days_summary(counts: pd.DataFrame) -> pd.DataFrame:
    """Per category of `days_counts` (categories sorted, missing last): cases, median and
    90th-percentile working days (linear interpolation), on_time_share (of cases with on_time
    reported; NaN if none)."""
    rows = []
    for cat, g in counts.groupby("category", dropna=False, sort=True):
        g = g.sort_values("working_days")
        v, c = g["working_days"].to_numpy(dtype=float), g["cases"].to_numpy(dtype=np.int64)
        reported = int(g["on_time_reported"].sum())
        rows.append(
            {
                "category": None if pd.isna(cat) else cat,
                "cases": int(c.sum()),
                "median_days": _quantile(v, c, 0.5),
                "p90_days": _quantile(v, c, 0.9),
                "on_time_share": float(g["on_time"].sum()) / reported if reported else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=["category", "cases", "median_days", "p90_days", "on_time_share"])


def open_cases(f: Filters) -> pd.DataFrame:
    """Cases still unresolved at the end of the range (received on or before it): case_id,
    town_name, community_name, category, source, received_on, open_working_days, unit_code,
    unit_name, town_code."""
    code, name = unit_columns(f)
    scope, params = scope_sql(f)
    end = next_month(f.month_to)
    return query(
        compose(
            """
        SELECT case_id, town_name, community_name, category, source, received_on,
               {wd} AS open_working_days, {code} AS unit_code, {name} AS unit_name, town_code
        FROM request_case
        WHERE {scope} AND received_on < $month_end AND (resolved_on IS NULL OR resolved_on >= $month_end)
        ORDER BY received_on, case_id
        """,
            wd=working_days_sql(ident("received_on"), Fragment("CAST($last_day AS DATE)")),
            code=code,
            name=name,
            scope=scope,
        ),
        params | {"month_end": end, "last_day": end - timedelta(days=1)},
    )


def open_by_unit(cases: pd.DataFrame) -> pd.DataFrame:
    """Open cases per unit from `open_cases`: unit_code, unit_name, town_code, open_cases."""
    return (
        cases.groupby(["unit_code", "unit_name", "town_code"], as_index=False)
        .size()
        .rename(columns={"size": "open_cases"})
    )
