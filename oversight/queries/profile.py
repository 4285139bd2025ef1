"""Queries of the 社区档案 page: one community's key metrics, their monthly trend, its rank
among the communities of its township and of the county, and where its figures come from."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd

from core.contract import MONTHLY
from core.metrics import metric
from core.sql import Fragment, compose, ident, join
from oversight.db import query
from oversight.filters import Filters
from oversight.queries.common import file_name_sql, per_unit, per_unit_sql, scope_sql, where

# The key metric of each of the four areas (party, area, volunteers, requests), in page order.
KEY_METRICS = (
    "party_org_coverage",
    "m2_per_100_households",
    "volunteer_hours",
    "hours_per_volunteer",
    "resolution_rate",
    "on_time_rate",
    "satisfaction_rate",
)
CONTEXT = ("households", "neighborhoods", "service_center_m2", "volunteers_registered", "requests_received")


def community_filters(f: Filters, code: str) -> Filters:
    """The same months and language, narrowed to the one community `code`."""
    return dataclasses.replace(f, town_codes=(), group=None, community_codes=(code,))


def picker_filters(f: Filters) -> Filters:
    """The selection the community picker offers from: `f` without its chosen communities (so
    the picker still lists the township's others once one is chosen)."""
    return dataclasses.replace(f, community_codes=())


def options(f: Filters) -> pd.DataFrame:
    """Communities in the selection (community_code, community_name, town_code, town_name),
    those with monthly reports in the range first, each group in registry order."""
    scope, params = scope_sql(f, alias="c")
    months, mparams = where(f)
    return query(
        compose(
            """
        SELECT c.community_code, c.community_name, c.town_code, c.town_name
        FROM community AS c
        LEFT JOIN (SELECT DISTINCT community_code FROM community_month WHERE {months}) AS r
          ON r.community_code = c.community_code
        WHERE {scope}
        ORDER BY r.community_code IS NULL, c.town_code, c.community_code
        """,
            scope=scope,
            months=months,
        ),
        params | mparams,
    )


def values(f: Filters, code: str) -> dict[str, float | None]:
    """The community's KEY_METRICS and CONTEXT over the range (None where missing)."""
    df = per_unit(community_filters(f, code), (*KEY_METRICS, *CONTEXT), level="community")
    if df.empty:
        return dict.fromkeys((*KEY_METRICS, *CONTEXT))
    row = df.iloc[0]
    return {n: None if pd.isna(row[n]) else float(row[n]) for n in (*KEY_METRICS, *CONTEXT)}


def trend(f: Filters, code: str) -> pd.DataFrame:
    """The community's monthly rows in the range: month, KEY_METRICS and CONTEXT columns
    (ratios per month from community_month's derived columns)."""
    sql, params = where(community_filters(f, code))
    cols = join(ident(c) for c in dict.fromkeys((*KEY_METRICS, *CONTEXT)))
    return query(
        compose("SELECT month, {cols} FROM community_month WHERE {sql} ORDER BY month", cols=cols, sql=sql),
        params,
    )


def ranks(f: Filters, code: str) -> pd.DataFrame:
    """Per key metric: value, target, town_rank / town_n and county_rank / county_n among the
    communities with a value over the same months (1 = best; ties share the better rank;
    rank missing where the community's value is), and town_beats / county_beats: how many of
    them have a worse value (strictly: a community tied with others at 100% beats none of them). For a user limited to some townships
    (f.allowed_towns) the county rank is missing and county_n 0: the county is not theirs to see.
    Counted in SQL over every community's figures (common.per_unit_sql): a rank is one more than
    the communities with a better value, so only one row leaves the warehouse, not 17,400."""
    county = dataclasses.replace(f, town_codes=(), group=None, community_codes=())
    units, params = per_unit_sql(county, KEY_METRICS, level="community")
    cols = []
    town = Fragment("u.town_code = me.town_code")
    for name in KEY_METRICS:
        v = ident(name)
        up = metric(name).higher_is_better
        cols += [
            compose("max(me.{v}) AS {a}", v=v, a=ident(f"{name}__value")),
            compose("COUNT(u.{v}) AS {a}", v=v, a=ident(f"{name}__county_n")),
            compose(
                "SUM(CASE WHEN {t} AND u.{v} IS NOT NULL THEN 1 ELSE 0 END) AS {a}",
                t=town,
                v=v,
                a=ident(f"{name}__town_n"),
            ),
        ]
        # _b: communities with a better value than this one's (its rank − 1); _w: with a worse one
        for suffix, op in (("b", ">" if up else "<"), ("w", "<" if up else ">")):
            for scope, inside in (("county", Fragment("TRUE")), ("town", town)):
                cols.append(
                    compose(
                        "SUM(CASE WHEN {t} AND u.{v} {op} me.{v} THEN 1 ELSE 0 END) AS {a}",
                        t=inside,
                        v=v,
                        op=Fragment(op),
                        a=ident(f"{name}__{scope}_{suffix}"),
                    )
                )
    got = query(
        compose(
            """
            WITH u AS ({units}),
            me AS (SELECT * FROM u WHERE unit_code = $code)
            SELECT {cols}
            FROM u LEFT JOIN me ON TRUE
            """,
            units=units,
            cols=join(cols),
        ),
        params | {"code": code},
    ).iloc[0]

    def count(key: str) -> int:
        return 0 if pd.isna(got[key]) else int(got[key])

    rows = []
    for name in KEY_METRICS:
        m = metric(name)
        value = None if pd.isna(got[f"{name}__value"]) else float(got[f"{name}__value"])
        row = {"metric": name, "value": value, "target": m.target, "higher_is_better": m.higher_is_better}
        for scope in ("town", "county"):
            row[f"{scope}_rank"] = 1 + count(f"{name}__{scope}_b") if value is not None else None
            row[f"{scope}_n"] = count(f"{name}__{scope}_n")
            row[f"{scope}_beats"] = count(f"{name}__{scope}_w") if value is not None else None
        rows.append(row)
    out = pd.DataFrame(rows)
    if f.allowed_towns is not None:  # a user who sees only some townships has no county standing
        out["county_rank"], out["county_n"], out["county_beats"] = None, 0, None
    for col in ("town_rank", "county_rank", "town_beats", "county_beats"):
        out[col] = out[col].astype("Int64")
    return out


def sources(f: Filters, code: str) -> pd.DataFrame:
    """Every file, sheet and row behind the community's monthly figures in the range: one row
    per month for the report that first gave it (column_name NULL), then one per value a later
    report changed (column_name, old_value, new_value). Columns: month, column_name, old_value,
    new_value, file (the file's name, never a server path), source_sheet, source_row, loaded_at;
    by month, first reports before corrections, in load order."""
    months, params = where(community_filters(f, code), alias="cm")
    return query(
        compose(
            """
        WITH first AS (
          SELECT cm.month, CAST(NULL AS VARCHAR) AS column_name, CAST(NULL AS VARCHAR) AS old_value,
                 CAST(NULL AS VARCHAR) AS new_value, cm.source_file, cm.source_sheet, cm.source_row,
                 0 AS step, CAST(NULL AS TIMESTAMP) AS loaded_at
          FROM community_month AS cm WHERE {months}
        ),
        later AS (
          SELECT CAST(json_extract_string(x.row_key, '$.month') AS DATE) AS month, x.column_name, x.old_value,
                 x.new_value, x.source_file, x.source_sheet, x.source_row, x.load_id AS step, x.loaded_at
          FROM correction AS x
          WHERE x.kind = 'monthly' AND x.community_code = $code
        )
        SELECT month, column_name, old_value, new_value,
               {file} AS file, source_sheet, source_row, loaded_at
        FROM (SELECT * FROM first UNION ALL
              SELECT l.* FROM later AS l WHERE l.month IN (SELECT month FROM first))
        ORDER BY month, step, column_name
        """,
            months=months,
            file=file_name_sql(Fragment("source_file")),
        ),
        params | {"code": code},
    )


# Everything a monthly report carries besides its keys and names, in the report's order.
REPORTED = tuple(c.name for c in MONTHLY.columns if c.name not in ("month", "town_name", "community_name"))


def reported(f: Filters, code: str) -> tuple[date | None, pd.DataFrame]:
    """The community's latest monthly report in the range, whole: (its month, a frame of
    column (a name of REPORTED), value) in the report's order, NULLs included — what the
    community said it has, 服务平台数 and 网格数 as much as 户数. (None, empty) without a report."""
    sql, params = where(community_filters(f, code))
    cols = join(ident(c) for c in ("month", *REPORTED))
    df = query(
        compose("SELECT {cols} FROM community_month WHERE {sql} ORDER BY month DESC LIMIT 1", cols=cols, sql=sql),
        params,
    )
    if df.empty:
        return None, pd.DataFrame(columns=["column", "value"])
    row = df.iloc[0]
    out = pd.DataFrame({"column": list(REPORTED), "value": [row[c] for c in REPORTED]})
    return pd.Timestamp(row["month"]).date(), out
