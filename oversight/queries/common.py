"""SQL pieces every page shares: the filters as a WHERE clause with bound parameters, and the
community registry and month list behind the filter widgets. Metrics become SQL in
`core.metrics.sql` only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from core.months import next_month
from core.sql import ident
from oversight.db import query
from oversight.filters import Filters


def _prefix(alias: str) -> str:
    return f"{ident(alias)}." if alias else ""


def _in_list(column: str, values: tuple[str, ...], stem: str) -> tuple[str, dict[str, Any]]:
    names = [f"{stem}_{i}" for i in range(len(values))]
    return f"{column} IN ({', '.join('$' + n for n in names)})", dict(zip(names, values, strict=True))


def scope_sql(f: Filters, alias: str = "") -> tuple[str, dict[str, Any]]:
    """WHERE-clause text for the township / 片区 / community selection ("TRUE" for the whole
    county) and its bound parameters. Works on every public view with town_code and
    community_code (the 片区 goes through the community view)."""
    p = _prefix(alias)
    parts: list[str] = []
    params: dict[str, Any] = {}
    if f.town_codes:
        sql, pr = _in_list(f"{p}town_code", f.town_codes, "scope_town")
        parts.append(sql)
        params |= pr
    if f.group:
        parts.append(f"{p}community_code IN (SELECT community_code FROM community WHERE group_name = $scope_group)")  # noqa: S608 - alias checked by ident()
        params["scope_group"] = f.group
    if f.community_codes:
        sql, pr = _in_list(f"{p}community_code", f.community_codes, "scope_comm")
        parts.append(sql)
        params |= pr
    return (" AND ".join(parts) or "TRUE"), params


def month_sql(f: Filters, col: str = "month", alias: str = "") -> tuple[str, dict[str, Any]]:
    """`col` within the filters' month range, inclusive of both months; works for month columns
    (first of month) and for day dates (received_on, activity_date, completed_on)."""
    c = f"{_prefix(alias)}{ident(col)}"
    return f"{c} >= $month_from AND {c} < $month_end", {
        "month_from": f.month_from,
        "month_end": next_month(f.month_to),
    }


def where(f: Filters, col: str | None = "month", alias: str = "") -> tuple[str, dict[str, Any]]:
    """scope_sql and (unless col is None) month_sql joined with AND."""
    s, p = scope_sql(f, alias)
    if col is None:
        return s, p
    m, mp = month_sql(f, col, alias)
    return f"{s} AND {m}", p | mp


def communities() -> pd.DataFrame:
    """Every community in the registry: code, name, town, type, 片区 group (for the filters)."""
    return query(
        """
        SELECT community_code, community_name, town_code, town_name, community_type, group_name
        FROM community
        ORDER BY town_code, community_code
        """
    )


def months() -> list[date]:
    """Months with at least one monthly report, oldest first."""
    df = query("SELECT DISTINCT month FROM community_month ORDER BY month")
    return [pd.Timestamp(m).date() for m in df["month"]]
