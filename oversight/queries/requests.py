"""Queries of the 诉求 page: received / resolved / on time / satisfied per unit and month from
the monthly reports; category, source, open cases and days to resolve from the case list."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.columns import FLAGS
from core.months import next_month
from core.sql import compose
from oversight.db import query
from oversight.filters import Filters
from oversight.queries.common import below_mask, metric_columns, per_unit, scope_sql, unit_columns, where

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


def count_flagged(df: pd.DataFrame) -> int:
    """Rows with any flag of core.columns.FLAGS set."""
    flags = [c for c in FLAGS if c in df.columns]
    return int(df[flags].fillna(False).astype(bool).any(axis=1).sum()) if flags else 0


def by_month(f: Filters) -> pd.DataFrame:
    """Per month of the range, the whole selection: the counts, the rates, backlog (cumulative
    received − resolved from the range's start) and open_cases (cases from the case list still
    unresolved at the month's end; missing when the selection has no case list)."""
    sql, params = where(f)
    df = query(
        compose(
            """
            SELECT month, {cols}
            FROM community_month
            WHERE {w}
            GROUP BY month
            ORDER BY month
            """,
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
    # summed up to each month of the range — each case is read once, not once per month.
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
          WHERE {scope}
        ),
        moves AS (
          SELECT opened AS month, COUNT(*) AS delta FROM cases WHERE closed IS NULL OR closed > opened GROUP BY opened
          UNION ALL
          SELECT closed AS month, -COUNT(*) AS delta FROM cases WHERE closed > opened GROUP BY closed
        )
        SELECT months.month, COALESCE(SUM(moves.delta), 0) AS open_cases, (SELECT COUNT(*) FROM cases) AS any_cases
        FROM months LEFT JOIN moves ON moves.month <= months.month
        GROUP BY months.month
        ORDER BY months.month
        """,
            scope=scope,
        ),
        sparams | {"month_from": f.month_from, "month_to": f.month_to},
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


def working_days(start: pd.Series, end: pd.Series) -> pd.Series:
    """Mon–Fri days after `start` up to and including `end` (public holidays not known here);
    missing where `end` is."""
    ok = start.notna() & end.notna()
    out = pd.Series(pd.NA, index=start.index, dtype="Int64")
    if ok.any():
        s = pd.to_datetime(start[ok]).to_numpy(dtype="datetime64[D]") + 1
        e = pd.to_datetime(end[ok]).to_numpy(dtype="datetime64[D]") + 1
        out[ok] = np.busday_count(s, e)
    return out


def resolved_cases(f: Filters) -> pd.DataFrame:
    """Cases resolved in the range: case_id, town_name, community_name, category, source,
    received_on, resolved_on, days_to_resolve (calendar), working_days, on_time, followup_result."""
    sql, params = where(f, "resolved_on")
    df = query(
        compose(
            """
        SELECT case_id, town_name, community_name, category, source, received_on, resolved_on,
               days_to_resolve, on_time, followup_result
        FROM request_case
        WHERE {sql}
        ORDER BY resolved_on, case_id
        """,
            sql=sql,
        ),
        params,
    )
    df.insert(
        df.columns.get_loc("days_to_resolve") + 1, "working_days", working_days(df["received_on"], df["resolved_on"])
    )
    return df


def days_summary(cases: pd.DataFrame) -> pd.DataFrame:
    """Per category of `resolved_cases`: cases, median and 90th-percentile working days,
    on_time_share (of cases with on_time reported)."""
    if cases.empty:
        return pd.DataFrame(columns=["category", "cases", "median_days", "p90_days", "on_time_share"])
    d = cases.assign(wd=cases["working_days"].astype("Float64").astype(float))
    d["category"] = d["category"].astype(object)
    return (
        d.groupby("category", dropna=False)
        .agg(
            cases=("case_id", "size"),
            median_days=("wd", "median"),
            p90_days=("wd", lambda s: s.quantile(0.9)),
            on_time_share=("on_time", lambda s: s.dropna().astype(float).mean() if s.notna().any() else np.nan),
        )
        .reset_index()
    )


def open_cases(f: Filters) -> pd.DataFrame:
    """Cases still unresolved at the end of the range (received on or before it): case_id,
    town_name, community_name, category, source, received_on, open_working_days, unit_code,
    unit_name, town_code."""
    code, name = unit_columns(f)
    scope, params = scope_sql(f)
    end = next_month(f.month_to)
    df = query(
        compose(
            """
        SELECT case_id, town_name, community_name, category, source, received_on,
               {code} AS unit_code, {name} AS unit_name, town_code
        FROM request_case
        WHERE {scope} AND received_on < $month_end AND (resolved_on IS NULL OR resolved_on >= $month_end)
        ORDER BY received_on, case_id
        """,
            code=code,
            name=name,
            scope=scope,
        ),
        params | {"month_end": end},
    )
    last_day = pd.Series(pd.Timestamp(end) - pd.Timedelta(days=1), index=df.index)
    df.insert(6, "open_working_days", working_days(df["received_on"], last_day))
    return df


def open_by_unit(cases: pd.DataFrame) -> pd.DataFrame:
    """Open cases per unit from `open_cases`: unit_code, unit_name, town_code, open_cases."""
    return (
        cases.groupby(["unit_code", "unit_name", "town_code"], as_index=False)
        .size()
        .rename(columns={"size": "open_cases"})
    )
