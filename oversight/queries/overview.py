"""Queries of the 总览 page: headline figures for the end month with 环比/同比, the ranking of
townships (or of communities within a township / 片区), and who reported on time."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd

from core.contract import REPORT_DUE_DAY
from core.metrics import cases_of, is_stock, metric
from core.months import add_months
from core.settings import min_cases
from core.sql import Fragment, compose, join, qualified
from oversight.db import query
from oversight.filters import Filters
from oversight.queries.common import as_of_rows, metric_columns, month_coverage, range_rows, scope_sql

# The headline metrics, in card order (names from core.metrics).
KPI_METRICS = (
    "party_org_coverage",
    "service_center_m2",
    "m2_per_100_households",
    "volunteer_hours",
    "resolution_rate",
    "satisfaction_rate",
)
# Counts from the 小区 roster (each community's latest roster on or before the month).
ROSTER_COUNTS = ("party_orgs", "property_party_orgs", "owners_committees")
STATUSES = ("on_time", "late", "missing", "pending")


def compare_months(f: Filters) -> dict[str, date]:
    """The end month, the month before (环比) and the same month a year earlier (同比)."""
    return {"cur": f.month_to, "prev": add_months(f.month_to, -1), "year": add_months(f.month_to, -12)}


def month_filters(f: Filters, month: date) -> Filters:
    """`f` for the one month `month`."""
    return dataclasses.replace(f, month_from=month, month_to=month)


def kpis(f: Filters) -> pd.DataFrame:
    """One row per compared month with reports in scope (columns period ∈ cur/prev/year, month,
    *KPI_METRICS, reporting — communities that reported that month —, carried — communities
    whose stocks are carried from an earlier report, core.settings.carry_months —, complete —
    common.month_coverage's verdict on the month): each month read as a one-month range, in one
    statement over common.as_of_rows (stocks per the carry rule, flows of the reports in; the
    same figures common.totals gives for the month, where six statements were 0.7 s of a cold
    overview at ×50). A month without reports has no row. When the end month or the compared
    month is not complete, the compared month's figures that rest on flows (hours, requests)
    are withheld (missing): a handful of reports is never set against a full month; stocks,
    carried, still compare."""
    cov = month_coverage(f.allowed_towns).set_index("month")["complete"]
    compared = compare_months(f)
    months = Fragment(
        "SELECT 'cur' AS period, 0 AS pos, CAST($cur AS DATE) AS as_of"
        " UNION ALL SELECT 'prev', 1, CAST($prev AS DATE) UNION ALL SELECT 'year', 2, CAST($year AS DATE)"
    )
    rows, params = as_of_rows(f, months, min(compared.values()), max(compared.values()))
    df = query(
        compose(
            """
            WITH {rows}
            SELECT period, as_of AS month, {cols},
                   CAST(SUM(CASE WHEN reporter THEN 1 ELSE 0 END) AS BIGINT) AS reporting,
                   CAST(SUM(CASE WHEN month < as_of THEN 1 ELSE 0 END) AS BIGINT) AS carried
            FROM m
            GROUP BY period, pos, as_of
            HAVING SUM(CASE WHEN reporter THEN 1 ELSE 0 END) > 0
            ORDER BY pos
            """,
            rows=rows,
            cols=metric_columns(KPI_METRICS),
        ),
        params | compared,
    )
    df["month"] = pd.to_datetime(df["month"]).dt.date
    df[list(KPI_METRICS)] = df[list(KPI_METRICS)].astype("float64")
    df["complete"] = [bool(cov.get(m, True)) for m in df["month"]]
    if len(df) and "cur" in df["period"].values:
        cur_complete = bool(df.loc[df["period"] == "cur", "complete"].iloc[0])
        flows = [n for n in KPI_METRICS if not all(is_stock(c) for c in metric(n).columns)]
        withheld = (df["period"] != "cur") & ~(df["complete"] & cur_complete)
        df.loc[withheld, flows] = None
    return df.reset_index(drop=True)


def roster_counts(f: Filters) -> pd.DataFrame:
    """Per compared month (period, month): party_orgs, property_party_orgs, owners_committees —
    小区 with each, from every community's latest roster on or before that month."""
    scope, params = scope_sql(f, "r")
    months = compare_months(f)
    df = query(
        compose(
            """
        WITH as_of AS (
          SELECT CAST($cur AS DATE) AS month UNION ALL SELECT CAST($prev AS DATE) UNION ALL SELECT CAST($year AS DATE)
        ),
        roster AS (
          SELECT r.community_code, r.month, r.has_party_org, r.has_property_party_org, r.has_owners_committee
          FROM neighborhood_month AS r
          WHERE {scope}
        ),
        latest AS (
          SELECT a.month AS as_of, r.community_code, max(r.month) AS roster_month
          FROM as_of AS a JOIN roster AS r ON r.month <= a.month
          GROUP BY a.month, r.community_code
        )
        SELECT l.as_of AS month,
               SUM(CASE WHEN r.has_party_org THEN 1 ELSE 0 END) AS party_orgs,
               SUM(CASE WHEN r.has_property_party_org THEN 1 ELSE 0 END) AS property_party_orgs,
               SUM(CASE WHEN r.has_owners_committee THEN 1 ELSE 0 END) AS owners_committees
        FROM latest AS l
        JOIN roster AS r ON r.community_code = l.community_code AND r.month = l.roster_month
        GROUP BY l.as_of
        """,
            scope=scope,
        ),
        params | months,
    )
    df["month"] = pd.to_datetime(df["month"]).dt.date
    period = {m: p for p, m in months.items()}
    df.insert(0, "period", df["month"].map(period))
    return df


def ranking_level(f: Filters) -> str:
    """ "town" ranks townships (whole county, or several townships); "community" ranks the
    communities of one township, a 片区 or a picked set."""
    if f.level == "county" and not f.group and not f.community_codes:
        return "town"
    return "community"


def ranking(f: Filters, sort_by: str) -> pd.DataFrame:
    """Every township (or community) in scope for the end month (stocks per the carry rule,
    common.range_rows), best first by `sort_by` (one of KPI_METRICS): rank, tied (the rank is shared: 并列), unit_code, unit_name, [town_name],
    then KPI_METRICS, each rate on cases followed by its case count (core.metrics.cases_of).
    Units without a report that month are listed last with empty values and no rank; so is a
    rate on fewer cases than core.settings.min_cases() (shown, not ranked)."""
    if sort_by not in KPI_METRICS:
        raise ValueError(f"cannot rank by {sort_by!r}")
    level = ranking_level(f)
    code, name = ("town_code", "town_name") if level == "town" else ("community_code", "community_name")
    scope_c, params = scope_sql(f, "c")
    rows, rparams = range_rows(scope_sql(f, "r")[0], f.month_to, f.month_to)
    # each rate on cases stands next to its count (办结率 beside 诉求受理数)
    columns = tuple(dict.fromkeys(c for n in KPI_METRICS for c in (n, cases_of(n)) if c))
    shown = [qualified("v", n) for n in columns]
    if level != "town":
        shown.insert(0, qualified("u", "town_name"))
    df = query(
        compose(
            """
            WITH units AS (
              SELECT {c_code} AS unit_code, any_value({c_name}) AS unit_name, any_value(c.town_name) AS town_name
              FROM community AS c WHERE {scope_c} GROUP BY {c_code}
            ),
            vals AS (
              SELECT {m_code} AS unit_code, {cols}
              FROM {rows}
              GROUP BY {m_code}
            )
            SELECT u.unit_code, u.unit_name, {shown}
            FROM units AS u LEFT JOIN vals AS v ON v.unit_code = u.unit_code
            ORDER BY {sort} {direction} NULLS LAST, u.unit_code
            """,
            c_code=qualified("c", code),
            c_name=qualified("c", name),
            m_code=qualified("m", code),
            cols=metric_columns(columns, "range", "m"),
            scope_c=scope_c,
            rows=rows,
            shown=join(shown),
            sort=qualified("v", sort_by),
            direction=Fragment("DESC" if metric(sort_by).higher_is_better else "ASC"),
        ),
        params | rparams,
    )
    # Equal values share a rank (1, 1, 3), marked tied; units without a value — or with a rate on
    # fewer cases than core.settings.min_cases() — have none.
    value = df[sort_by].astype("Float64")
    if (cases := cases_of(sort_by)) is not None:
        value = value.where(df[cases].astype("Float64") >= min_cases())
    ranks = value.rank(method="min", ascending=not metric(sort_by).higher_is_better).astype("Int64")
    df.insert(0, "rank", ranks)
    df.insert(1, "tied", ranks.notna() & ranks.duplicated(keep=False))
    return df


def _submission_rows(f: Filters, today: date | None) -> tuple[Fragment, dict[str, object]]:
    """A FROM item `(…) AS s`: every community in scope × every month of the range with its
    status (as `submissions` gives it), and its bound parameters."""
    scope, params = scope_sql(f, "c")
    sql = compose(
        """(
        WITH series AS (
          SELECT unnest(generate_series(CAST($month_from AS DATE), CAST($month_to AS DATE), INTERVAL 1 MONTH)) AS m
        ),
        months AS (SELECT CAST(m AS DATE) AS month FROM series),
        grid AS (
          SELECT c.community_code, c.community_name, c.town_code, c.town_name, mo.month,
                 CAST(mo.month + INTERVAL 1 MONTH AS DATE) + ($due_day - 1) AS due_on
          FROM community AS c CROSS JOIN months AS mo
          WHERE {scope}
        )
        SELECT g.community_code, g.community_name, g.town_code, g.town_name, g.month,
               cm.first_reported_on AS reported_on, g.due_on,
               CASE WHEN cm.community_code IS NULL AND g.due_on >= $today THEN 'pending'
                    WHEN cm.community_code IS NULL THEN 'missing'
                    WHEN cm.first_reported_on > g.due_on THEN 'late'
                    ELSE 'on_time' END AS status
        FROM grid AS g
        LEFT JOIN community_month AS cm ON cm.community_code = g.community_code AND cm.month = g.month
        ) AS s""",
        scope=scope,
    )
    return sql, params | {
        "month_from": f.month_from,
        "month_to": f.month_to,
        "due_day": REPORT_DUE_DAY,
        "today": today or date.today(),
    }


def submissions(f: Filters, today: date | None = None) -> pd.DataFrame:
    """Every community in scope × every month of the range: community_code, community_name,
    town_code, town_name, month, reported_on (填报日期 of the month's first report: a later
    correction does not make a report late), due_on, status — on_time (by day REPORT_DUE_DAY of
    the following month), late, missing (past due, no report) or pending (not yet due)."""
    rows, params = _submission_rows(f, today)
    return query(compose("SELECT * FROM {rows} ORDER BY s.town_code, s.community_code, s.month", rows=rows), params)


def submission_counts(f: Filters, by: str = "town", today: date | None = None) -> pd.DataFrame:
    """How many of `submissions`' community-months have each status, counted in SQL: per
    town_code, town_name, month (`by="town"`) or per month (`by="month"`); columns *STATUSES
    (0 where none) and expected (the community-months counted), ordered by the keys. Counted
    from the reports of the range per township and month (on time or late) and the registry's
    communities per township (expected; the rest are missing, or pending while the month is not
    yet due): the same counts as grouping `submissions`' grid, which at ×50 was 208,800
    community-months joined to their reports for 22,200 counts."""
    if by not in ("town", "month"):
        raise ValueError(f"cannot count submissions by {by!r}")
    scope_c, params = scope_sql(f, "c")
    scope_m, _ = scope_sql(f, "cm")
    keys = Fragment("g.town_code, g.town_name, g.month" if by == "town" else "g.month")
    return query(
        compose(
            """
        WITH series AS (
          SELECT unnest(generate_series(CAST($month_from AS DATE), CAST($month_to AS DATE), INTERVAL 1 MONTH)) AS m
        ),
        months AS (
          SELECT CAST(m AS DATE) AS month, CAST(CAST(m AS DATE) + INTERVAL 1 MONTH AS DATE) + ($due_day - 1) AS due_on
          FROM series
        ),
        towns AS (
          SELECT c.town_code, any_value(c.town_name) AS town_name, COUNT(*) AS communities
          FROM community AS c WHERE {scope_c} GROUP BY c.town_code
        ),
        reports AS (
          SELECT cm.town_code, cm.month, COUNT(*) AS reported,
                 SUM(CASE WHEN cm.first_reported_on > mo.due_on THEN 1 ELSE 0 END) AS late
          FROM community_month AS cm JOIN months AS mo ON mo.month = cm.month
          WHERE {scope_m}
          GROUP BY cm.town_code, cm.month
        ),
        g AS (
          SELECT t.town_code, t.town_name, mo.month, mo.due_on >= $today AS not_due, t.communities,
                 coalesce(r.reported, 0) AS reported, coalesce(r.late, 0) AS late
          FROM towns AS t CROSS JOIN months AS mo
          LEFT JOIN reports AS r ON r.town_code = t.town_code AND r.month = mo.month
        )
        SELECT {keys},
               CAST(SUM(g.reported - g.late) AS BIGINT) AS on_time,
               CAST(SUM(g.late) AS BIGINT) AS late,
               CAST(SUM(CASE WHEN g.not_due THEN 0 ELSE g.communities - g.reported END) AS BIGINT) AS missing,
               CAST(SUM(CASE WHEN g.not_due THEN g.communities - g.reported ELSE 0 END) AS BIGINT) AS pending,
               CAST(SUM(g.communities) AS BIGINT) AS expected
        FROM g
        GROUP BY {keys}
        ORDER BY {keys}
        """,
            keys=keys,
            scope_c=scope_c,
            scope_m=scope_m,
        ),
        params
        | {
            "month_from": f.month_from,
            "month_to": f.month_to,
            "due_day": REPORT_DUE_DAY,
            "today": today or date.today(),
        },
    )


def not_reported(f: Filters, today: date | None = None) -> pd.DataFrame:
    """Who in scope has not reported on time for the range's last month (f.month_to), by name —
    late first (with the date of the first report), then missing, then not yet due: town_name,
    community_name, community_code, due_on, reported_on, status (as `submissions` gives it).
    Picked in SQL: at ×50 the month's grid is 17,400 rows, the names a few dozen."""
    rows, params = _submission_rows(month_filters(f, f.month_to), today)
    return query(
        compose(
            """
            SELECT s.town_name, s.community_name, s.community_code, s.due_on, s.reported_on, s.status
            FROM {rows}
            WHERE s.status IN ('late', 'missing', 'pending')
            ORDER BY CASE s.status WHEN 'late' THEN 0 WHEN 'missing' THEN 1 ELSE 2 END, s.town_code, s.community_code
            """,
            rows=rows,
        ),
        params,
    )
