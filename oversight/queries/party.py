"""Queries of the 党组织 page: 小区 coverage per unit and month, the five-level system from the
小区 roster, property-company party organisations, owners' committees, 小区 without an org.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from core.months import next_month
from core.sql import compose
from oversight.db import query
from oversight.filters import Filters
from oversight.queries.common import metric_columns, monthly_mart, per_unit, scope_sql, unit_columns, where


def coverage_by_unit(f: Filters) -> pd.DataFrame:
    """Per unit at the range's last month: neighborhoods, neighborhoods_with_party_org,
    party_org_coverage (NULL where no 小区 are reported)."""
    return per_unit(f, ("neighborhoods", "neighborhoods_with_party_org", "party_org_coverage"))


def coverage_by_month(f: Filters) -> pd.DataFrame:
    """Per month of the range, the whole selection: neighborhoods, with org, coverage."""
    sql, params = where(f)
    return query(
        compose(
            """
            SELECT month, {cols}
            FROM {mart}
            WHERE {w}
            GROUP BY month
            ORDER BY month
            """,
            mart=monthly_mart(f),
            cols=metric_columns(("neighborhoods", "neighborhoods_with_party_org", "party_org_coverage"), "group"),
            w=sql,
        ),
        params,
    )


def _roster_cte(f: Filters) -> tuple[str, dict[str, Any]]:
    """Each community's latest 小区 roster on or before the range's last month (a roster is a
    snapshot: it holds until the community sends a newer one)."""
    sql, params = scope_sql(f)
    cte = compose(
        """
        roster AS (
          SELECT * FROM neighborhood_month
          WHERE {sql} AND month < $month_end
          QUALIFY month = max(month) OVER (PARTITION BY community_code)
        )""",
        sql=sql,
    )
    return cte, params | {"month_end": next_month(f.month_to)}


def levels_by_unit(f: Filters) -> pd.DataFrame:
    """Per unit, from the latest rosters: communities (社区党总支), neighborhoods,
    neighborhood_branches (小区 with a party org), building_party_groups, party_hub_households,
    vanguard_posts, property_party_orgs, owners_committees, roster_month."""
    code, name = unit_columns(f)
    cte, params = _roster_cte(f)
    return query(
        compose(
            """
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
        """,
            cte=cte,
            code=code,
            name=name,
        ),
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
        compose(
            """
        WITH {cte}
        SELECT town_name, community_name, neighborhood_name, households, has_party_org,
               has_property_party_org, has_owners_committee, month
        FROM roster
        WHERE has_party_org IS NOT TRUE
        ORDER BY town_code, community_code, neighborhood_name
        """,
            cte=cte,
        ),
        params,
    )
