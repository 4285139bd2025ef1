"""Queries of the 阵地 page: service-centre area per unit and month, ㎡ per 100 households,
and the service-centre projects."""

from __future__ import annotations

import pandas as pd

from core.sql import compose
from oversight.db import query
from oversight.filters import Filters
from oversight.queries.common import monthly_mart, per_unit, unit_columns, where


def area_by_month(f: Filters) -> pd.DataFrame:
    """Per unit and month: service_center_m2 (sum over the unit's reports; NULL if none gave one)."""
    code, name = unit_columns(f)
    sql, params = where(f)
    return query(
        compose(
            """
        SELECT month, {code} AS unit_code, any_value({name}) AS unit_name, any_value(town_code) AS town_code,
               SUM(service_center_m2) AS service_center_m2
        FROM {mart}
        WHERE {sql}
        GROUP BY month, {code}
        ORDER BY month, {code}
        """,
            code=code,
            name=name,
            mart=monthly_mart(f, per_community=f.level != "county"),
            sql=sql,
        ),
        params,
    )


def per_households(f: Filters) -> pd.DataFrame:
    """Per unit at the range's last month: service_center_m2, households, service_platforms,
    m2_per_100_households."""
    return per_unit(f, ("service_center_m2", "households", "service_platforms", "m2_per_100_households"))


def projects(f: Filters) -> pd.DataFrame:
    """Projects completed in the range: completed_on, town_name, community_name, project_type,
    area_added_m2, rooms_integrated, service_platforms, note (+ unit_code, unit_name, town_code)."""
    code, name = unit_columns(f)
    sql, params = where(f, "completed_on")
    return query(
        compose(
            """
        SELECT completed_on, town_name, community_name, project_type, area_added_m2, rooms_integrated,
               service_platforms, note, {code} AS unit_code, {name} AS unit_name, town_code
        FROM service_center_project
        WHERE {sql}
        ORDER BY completed_on, town_code, community_code
        """,
            code=code,
            name=name,
            sql=sql,
        ),
        params,
    )


def rooms_by_unit(projects_df: pd.DataFrame) -> pd.DataFrame:
    """Rooms integrated and area added per unit and project type, from `projects`."""
    if projects_df.empty:
        return pd.DataFrame(
            columns=["unit_code", "unit_name", "town_code", "project_type", "projects", "rooms_integrated"]
        )
    return projects_df.groupby(["unit_code", "unit_name", "town_code", "project_type"], as_index=False).agg(
        projects=("completed_on", "size"),
        rooms_integrated=("rooms_integrated", lambda s: s.sum(min_count=1)),
        area_added_m2=("area_added_m2", lambda s: s.sum(min_count=1)),
    )


def project_totals(projects_df: pd.DataFrame) -> pd.DataFrame:
    """Per project type: projects, area_added_m2, rooms_integrated (sums; NULL where none given)."""
    return projects_df.groupby("project_type", as_index=False).agg(
        projects=("completed_on", "size"),
        area_added_m2=("area_added_m2", lambda s: s.sum(min_count=1)),
        rooms_integrated=("rooms_integrated", lambda s: s.sum(min_count=1)),
    )
