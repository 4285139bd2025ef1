"""Queries of the 党组织 page: 小区 coverage per unit and month, the five-level system from the
小区 roster, property-company party organisations, owners' committees, 小区 without an org.

Also the two pieces every page query shares: which column a chart breaks down by (the
township for the whole county, the community below that) and the range's last reported month.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from core.metrics import metric
from core.metrics import sql as metric_sql
from core.months import next_month
from oversight.db import query
from oversight.filters import Filters
from oversight.queries.common import scope_sql, where

# Breakdown by level (allow-list of identifiers): the whole county by township, a township (or
# 片区) by community, a community shows itself.
UNIT_COLUMNS = {
    "county": ("town_code", "town_name"),
    "town": ("community_code", "community_name"),
    "community": ("community_code", "community_name"),
}


def unit_columns(f: Filters) -> tuple[str, str]:
    """(code column, name column) that the selection's charts break down by."""
    return UNIT_COLUMNS[f.level]


def last_month(f: Filters) -> date | None:
    """The latest month in the range with a monthly report in scope: where stocks are read."""
    sql, params = where(f)
    df = query(f"SELECT max(month) AS m FROM community_month WHERE {sql}", params)  # noqa: S608
    m = df.iloc[0]["m"]
    return None if pd.isna(m) else pd.Timestamp(m).date()


def per_unit(f: Filters, names: tuple[str, ...], level: str | None = None) -> pd.DataFrame:
    """Metrics `names` over the range per unit (unit_code, unit_name, town_code, *names): flows
    summed, stocks at the last reported month, ratios sum/sum. `level="community"` gives one
    row per community whatever the selection's level."""
    code, name = UNIT_COLUMNS[level or f.level]
    sql, params = where(f)
    cols = ",\n".join(f"{metric_sql(n, 'range')} AS {metric(n).name}" for n in names)
    if "$month_last" in cols:  # DuckDB rejects a bound parameter the statement does not use
        params = params | {"month_last": last_month(f)}
    return query(
        f"""
        SELECT {code} AS unit_code, any_value({name}) AS unit_name, any_value(town_code) AS town_code,
               any_value(town_name) AS town_name, {cols}
        FROM community_month
        WHERE {sql}
        GROUP BY {code}
        ORDER BY {code}
        """,  # noqa: S608  (identifiers from UNIT_COLUMNS and core.metrics)
        params,
    )


def coverage_by_unit(f: Filters) -> pd.DataFrame:
    """Per unit at the range's last month: neighborhoods, neighborhoods_with_party_org,
    party_org_coverage (NULL where no 小区 are reported)."""
    return per_unit(f, ("neighborhoods", "neighborhoods_with_party_org", "party_org_coverage"))


def coverage_by_month(f: Filters) -> pd.DataFrame:
    """Per month of the range, the whole selection: neighborhoods, with org, coverage."""
    sql, params = where(f)
    m = metric("party_org_coverage")
    return query(
        f"""
        SELECT month, SUM(neighborhoods) AS neighborhoods,
               SUM(neighborhoods_with_party_org) AS neighborhoods_with_party_org,
               {m.sql()} AS party_org_coverage
        FROM community_month
        WHERE {sql}
        GROUP BY month
        ORDER BY month
        """,  # noqa: S608
        params,
    )


def _roster_cte(f: Filters) -> tuple[str, dict[str, Any]]:
    """Each community's latest 小区 roster on or before the range's last month (a roster is a
    snapshot: it holds until the community sends a newer one)."""
    sql, params = scope_sql(f)
    cte = f"""
        roster AS (
          SELECT * FROM neighborhood_month
          WHERE {sql} AND month < $month_end
          QUALIFY month = max(month) OVER (PARTITION BY community_code)
        )"""  # noqa: S608
    return cte, params | {"month_end": next_month(f.month_to)}


def levels_by_unit(f: Filters) -> pd.DataFrame:
    """Per unit, from the latest rosters: communities (社区党总支), neighborhoods,
    neighborhood_branches (小区 with a party org), building_party_groups, party_hub_households,
    vanguard_posts, property_party_orgs, owners_committees, roster_month."""
    code, name = unit_columns(f)
    cte, params = _roster_cte(f)
    return query(
        f"""
        WITH {cte}
        SELECT {code} AS unit_code, any_value({name}) AS unit_name, any_value(town_code) AS town_code,
               COUNT(DISTINCT community_code) AS communities,
               COUNT(*) AS neighborhoods,
               COUNT(*) FILTER (WHERE has_party_org) AS neighborhood_branches,
               SUM(building_party_groups) AS building_party_groups,
               SUM(party_hub_households) AS party_hub_households,
               SUM(vanguard_posts) AS vanguard_posts,
               COUNT(*) FILTER (WHERE has_property_party_org) AS property_party_orgs,
               COUNT(*) FILTER (WHERE has_owners_committee) AS owners_committees,
               max(month) AS roster_month
        FROM roster
        GROUP BY {code}
        ORDER BY {code}
        """,  # noqa: S608
        params,
    )


def level_totals(levels: pd.DataFrame) -> dict[str, float | None]:
    """Whole-selection totals of levels_by_unit's counts (None where nothing is reported)."""
    out: dict[str, float | None] = {}
    for col in levels.columns:
        if col in ("unit_code", "unit_name", "town_code", "roster_month"):
            continue
        s = levels[col]
        out[col] = None if s.isna().all() else float(s.sum())
    return out


def without_org(f: Filters) -> pd.DataFrame:
    """小区 still without a party organisation in the latest rosters: town_name,
    community_name, neighborhood_name, households, has_party_org (false or not reported),
    has_property_party_org,
    has_owners_committee, month."""
    cte, params = _roster_cte(f)
    return query(
        f"""
        WITH {cte}
        SELECT town_name, community_name, neighborhood_name, households, has_party_org,
               has_property_party_org, has_owners_committee, month
        FROM roster
        WHERE has_party_org IS NOT TRUE
        ORDER BY town_code, community_code, neighborhood_name
        """,  # noqa: S608
        params,
    )


def unit_table(df: pd.DataFrame, level: str) -> pd.DataFrame:
    """A per-unit frame as a table: codes dropped, unit_name shown as town_name (county level)
    or as community_name after its town_name (below)."""
    out = df.drop(columns=[c for c in ("unit_code", "town_code") if c in df.columns])
    if UNIT_COLUMNS[level][1] == "town_name":
        out = out.drop(columns=[c for c in ("town_name",) if c in out.columns]).rename(
            columns={"unit_name": "town_name"}
        )
        return out[["town_name", *[c for c in out.columns if c != "town_name"]]]
    out = out.rename(columns={"unit_name": "community_name"})
    first = [c for c in ("town_name", "community_name") if c in out.columns]
    return out[[*first, *[c for c in out.columns if c not in first]]]
