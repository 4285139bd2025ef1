"""Queries of the 数据 page: any public view, filtered in DuckDB by the global selection, with
the columns the user picks; a row count, a capped page for the screen, all rows for download."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.metrics import METRICS
from core.sql import Fragment, compose, ident, join
from oversight.db import query
from oversight.filters import Filters
from oversight.i18n import one_language
from oversight.queries.common import file_name_sql, month_sql, per_month, per_unit, scope_sql, totals


@dataclass(frozen=True)
class View:
    """A public view the page can browse: how the month range and the selection apply."""

    name: str
    date_column: str | None  # filtered by the month range; None = not by month
    scoped: bool  # filtered by township / 片区 / community
    order: tuple[str, ...]  # default order


VIEWS: dict[str, View] = {
    v.name: v
    for v in (
        View("community_month", "month", True, ("month", "town_code", "community_code")),
        View("neighborhood_month", "month", True, ("month", "town_code", "community_code", "neighborhood_name")),
        View("service_center_project", "completed_on", True, ("completed_on", "community_code")),
        View("volunteer_activity", "activity_date", True, ("activity_date", "community_code")),
        View("request_case", "received_on", True, ("received_on", "case_id")),
        View("community", None, True, ("town_code", "community_code")),
        View("load_log", None, False, ("load_id",)),
        View("quarantine", None, False, ("load_id", "file", "row_number")),
        View("correction", None, True, ("load_id", "community_code", "column_name")),
    )
}
LINEAGE = ("source_file", "source_sheet", "source_row")
SCREEN_ROWS = 1000
# Columns holding a file as the warehouse stored it (the path it was loaded from): shown and
# downloaded as the file's name only, never the server's folders.
FILE_COLUMNS = frozenset({"source_file", "path", "file"})
# The ETL's messages, stored "中文 / English" (quarantine.reason, load_log.message and notes):
# shown and downloaded in the user's language only (oversight.i18n.one_language).
MESSAGE_COLUMNS = frozenset({"reason", "message", "notes"})


def view(name: str) -> View:
    """The view called `name` (the allow-list); KeyError for anything else."""
    return VIEWS[name]


def views_for(f: Filters) -> list[str]:
    """The views the page offers under `f`: a user limited to some townships
    (`f.allowed_towns`) gets only the views filtered by township (the load log and the
    quarantine are not)."""
    return [v.name for v in VIEWS.values() if v.scoped or f.allowed_towns is None]


def columns(name: str) -> list[str]:
    """The view's columns, in order."""
    v = view(name)
    df = query(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $t ORDER BY ordinal_position",
        {"t": v.name},
    )
    return df["column_name"].tolist()


def default_columns(name: str) -> list[str]:
    """The columns the 数据 page shows first for view `name`: all but the lineage (LINEAGE), with
    the quarantine's raw cells (`original`, a JSON object of the row) last, so its reason stands
    beside the file, sheet and row instead of off the right edge."""
    cols = [c for c in columns(name) if c not in LINEAGE]
    return [c for c in cols if c != "original"] + [c for c in cols if c == "original"]


def _where(v: View, f: Filters) -> tuple[Fragment, dict]:
    parts, params = [], {}
    if not v.scoped and f.allowed_towns is not None:
        return Fragment("FALSE"), {}  # not filtered by township: nothing for a limited user
    if v.scoped:
        s, p = scope_sql(f)
        parts.append(s)
        params |= p
    if v.date_column:
        s, p = month_sql(f, v.date_column)
        parts.append(s)
        params |= p
    return (join(parts, " AND ") if parts else Fragment("TRUE")), params


def _shown(col: str) -> Fragment:
    if col not in FILE_COLUMNS:
        return ident(col)
    return compose("{e} AS {c}", e=file_name_sql(ident(col)), c=ident(col))


def count(name: str, f: Filters) -> int:
    """Rows of the view within the filters."""
    v = view(name)
    where, params = _where(v, f)
    sql = compose("SELECT COUNT(*) AS n FROM {view} WHERE {w}", view=ident(v.name), w=where)
    return int(query(sql, params).iloc[0]["n"])


def rows(
    name: str,
    f: Filters,
    cols: list[str] | tuple[str, ...],
    limit: int | None = SCREEN_ROWS,
    sort: str | None = None,
    descending: bool = False,
    cached: bool = True,
) -> pd.DataFrame:
    """The chosen columns of the view within the filters, ordered by `sort` (else the view's
    default order), at most `limit` rows (None = all); a file column (FILE_COLUMNS) holds the
    file's name without its folder, a message column (MESSAGE_COLUMNS) the text in `f.lang`.
    Unknown columns raise ValueError."""
    v = view(name)
    allowed = set(columns(name))
    picked = [_shown(c) for c in cols if c in allowed]
    if len(picked) != len(cols) or not picked:
        raise ValueError(f"unknown columns for {name}: {sorted(set(cols) - allowed)}")
    if sort is not None and sort not in allowed:
        raise ValueError(f"cannot sort {name} by {sort!r}")
    direction = Fragment("DESC" if descending else "ASC")
    order = [compose("{c} {d} NULLS LAST", c=ident(sort), d=direction)] if sort else []
    order += [ident(c) for c in v.order if c in allowed and c != sort]
    where, params = _where(v, f)
    sql = compose(
        "SELECT {cols} FROM {view} WHERE {w} ORDER BY {order}{limit}",
        cols=join(picked),
        view=ident(v.name),
        w=where,
        order=join(order),
        limit=Fragment(" LIMIT $limit" if limit is not None else ""),
    )
    if limit is not None:
        params = params | {"limit": int(limit)}
    out = query(sql, params, cached=cached)
    said = [c for c in cols if c in MESSAGE_COLUMNS]
    if said:
        out = out.copy()  # the cached frame stays as stored
        for c in said:
            out[c] = out[c].map(lambda text: text if not isinstance(text, str) else one_language(text, f.lang))
    return out


# The groupings of the monthly indicators the page offers (issue 16.3): per township or
# community over the whole range, or per month.
GROUPINGS = ("town", "community", "month")


def summary(f: Filters, by: str) -> pd.DataFrame:
    """Every metric of the catalogue over `f`, grouped `by` one of GROUPINGS, with a last row of
    totals for the whole selection: per township or community (unit_code, unit_name,
    town_name, then the metrics over the range: flows summed, stocks at the last reported month,
    ratios sum/sum — `common.per_unit`), or per month (month, then each month's metrics, stocks
    carried as `common.per_month` reads them). The
    totals row has unit_name (or month) "合计"/"Total" and the range's figures (`common.totals`).
    ValueError for another `by`."""
    if by not in GROUPINGS:
        raise ValueError(f"cannot group by {by!r}")
    names = tuple(METRICS)
    total = totals(f, names)
    label = "合计" if f.lang == "zh" else "Total"
    if by == "month":
        out = per_month(f, names)
        out["month"] = [pd.Timestamp(m).strftime("%Y-%m") for m in out["month"]]
        return pd.concat([out, pd.DataFrame([{"month": label, **total}])], ignore_index=True)
    out = per_unit(f, names, level="community" if by == "community" else "county").drop(columns=["town_code"])
    if by == "town":
        out = out.drop(columns=["town_name"])
    row = {"unit_code": None, "unit_name": label, **total}
    return pd.concat([out, pd.DataFrame([row])], ignore_index=True)
