"""Queries of the 志愿 page: hours per month and per unit, hours per registered volunteer,
hours by service category, and the communities that lead and lag."""

from __future__ import annotations

import pandas as pd

from core.sql import compose
from oversight.db import query
from oversight.filters import Filters
from oversight.queries.common import community_table, monthly_mart, per_unit, unit_columns, where

UNIT_METRICS = ("volunteer_hours", "volunteer_activities", "volunteers_registered", "hours_per_volunteer")


def hours_by_month(f: Filters) -> pd.DataFrame:
    """Per month and unit: volunteer_hours and volunteer_activities from the monthly reports."""
    code, name = unit_columns(f)
    sql, params = where(f)
    return query(
        compose(
            """
        SELECT month, {code} AS unit_code, any_value({name}) AS unit_name, any_value(town_code) AS town_code,
               SUM(volunteer_hours) AS volunteer_hours, SUM(volunteer_activities) AS volunteer_activities
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


def by_unit(f: Filters) -> pd.DataFrame:
    """Per unit over the range: hours and activities summed, registered volunteers at the last
    month, hours_per_volunteer = hours ÷ registered volunteers."""
    return per_unit(f, UNIT_METRICS)


def by_category(f: Filters) -> pd.DataFrame:
    """Per unit and service category, from the activity reports in the range: activities,
    participants, hours."""
    code, name = unit_columns(f)
    sql, params = where(f, "activity_date")
    return query(
        compose(
            """
        SELECT {code} AS unit_code, any_value({name}) AS unit_name, any_value(town_code) AS town_code,
               service_category, COUNT(*) AS activities, SUM(participants) AS participants, SUM(hours) AS hours
        FROM volunteer_activity
        WHERE {sql}
        GROUP BY {code}, service_category
        ORDER BY {code}, service_category
        """,
            code=code,
            name=name,
            sql=sql,
        ),
        params,
    )


def leaders_laggards(f: Filters, n: int = 10) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(top n, bottom n, unranked) communities in scope by hours per registered volunteer;
    the `unranked` communities without a value are in neither. Columns: rank, town_name, unit_name,
    hours_per_volunteer (the ranking's measure, first: the tables stand half a page wide),
    volunteer_hours, volunteers_registered."""
    everyone = per_unit(f, UNIT_METRICS, level="community")
    df = everyone.dropna(subset=["hours_per_volunteer"]).sort_values(
        ["hours_per_volunteer", "volunteer_hours"], ascending=False, kind="stable"
    )
    df.insert(0, "rank", range(1, len(df) + 1))
    cols = ["rank", "town_name", "unit_name", "hours_per_volunteer", "volunteer_hours", "volunteers_registered"]
    df = df[cols].reset_index(drop=True)
    # A small selection is split in two halves so no community is both a leader and a laggard.
    k = n if len(df) >= 2 * n else (len(df) + 1) // 2
    bottom = df.iloc[k:].tail(n).iloc[::-1].reset_index(drop=True)
    return df.head(k), bottom, len(everyone) - len(df)


def by_community(f: Filters) -> pd.DataFrame:
    """Every community in scope over the range (hours, activities, registered volunteers and hours per volunteer), one row each, with the month its
    stocks are read from (common.community_table): the page's per-community table for any
    period."""
    return community_table(f, UNIT_METRICS)
