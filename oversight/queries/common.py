"""SQL pieces every page shares: the filters as a WHERE clause with bound parameters, the
community registry and month list behind the filter widgets, which column a chart breaks down
by (the township for the whole county, the community below that), the rows a range of months
is read from (`range_rows`: the carry rule of stocks, core.settings.carry_months), and metrics
per unit or over the whole selection. Metrics become SQL in `core.metrics.sql` only."""

from __future__ import annotations

from datetime import date
from pathlib import PurePath
from typing import Any

import pandas as pd

from core.metrics import is_stock, metric
from core.metrics import sql as metric_sql
from core.months import add_months, next_month
from core.settings import carry_months, complete_share, min_cases
from core.sql import Fragment, compose, ident, join, param, qualified
from etl.warehouse import version
from oversight import db
from oversight.db import query
from oversight.filters import Filters


def _in_list(column: Fragment, values: tuple[str, ...], stem: str) -> tuple[Fragment, dict[str, Any]]:
    names = [f"{stem}_{i}" for i in range(len(values))]
    return compose("{c} IN ({p})", c=column, p=join(param(n) for n in names)), dict(zip(names, values, strict=True))


def file_name_sql(column: Fragment) -> Fragment:
    """SQL giving a stored file column (the path the ETL loaded it from) as users see it: the
    file's name, never the server's folders (`regexp_extract(col, '[^/]+$', 0)`; the server runs
    Linux; runs on Spark too). Python frames: file_name."""
    return compose("regexp_extract({c}, '[^/]+$', 0)", c=column)


def file_name(path: object) -> object:
    """A stored file path as users see it, in Python (as file_name_sql): its name; other values as they are."""
    return PurePath(str(path)).name if isinstance(path, str) else path


def allowed_sql(allowed: tuple[str, ...] | None, alias: str = "") -> tuple[Fragment, dict[str, Any]]:
    """WHERE-clause text keeping the rows of the townships a user may see (`allowed`, the
    user's scope from oversight.auth; None = every township → "TRUE"; () = none → "FALSE"),
    and its bound parameters. Works on every public view with a town_code column."""
    if allowed is None:
        return Fragment("TRUE"), {}
    if not allowed:
        return Fragment("FALSE"), {}
    return _in_list(qualified(alias, "town_code"), tuple(allowed), "allowed_town")


def scope_sql(f: Filters, alias: str = "") -> tuple[Fragment, dict[str, Any]]:
    """WHERE-clause text for the township / 片区 / community selection ("TRUE" for the whole
    county) within the user's scope (`f.allowed_towns`, always applied: a selection naming
    another township yields no rows), and its bound parameters. Works on every public view
    with town_code and community_code (the 片区 goes through the community view)."""
    parts: list[Fragment] = []
    params: dict[str, Any] = {}
    if f.allowed_towns is not None:
        sql, pr = allowed_sql(f.allowed_towns, alias)
        parts.append(sql)
        params |= pr
    if f.town_codes:
        sql, pr = _in_list(qualified(alias, "town_code"), f.town_codes, "scope_town")
        parts.append(sql)
        params |= pr
    if f.group:
        parts.append(
            compose(
                "{c} IN (SELECT community_code FROM community WHERE group_name = $scope_group)",
                c=qualified(alias, "community_code"),
            )
        )
        params["scope_group"] = f.group
    if f.community_codes:
        sql, pr = _in_list(qualified(alias, "community_code"), f.community_codes, "scope_comm")
        parts.append(sql)
        params |= pr
    return (join(parts, " AND ") if parts else Fragment("TRUE")), params


def month_sql(f: Filters, col: str = "month", alias: str = "") -> tuple[Fragment, dict[str, Any]]:
    """`col` within the filters' month range, inclusive of both months; works for month columns
    (first of month) and for day dates (received_on, activity_date, completed_on)."""
    return compose("{c} >= $month_from AND {c} < $month_end", c=qualified(alias, col)), {
        "month_from": f.month_from,
        "month_end": next_month(f.month_to),
    }


def where(f: Filters, col: str | None = "month", alias: str = "") -> tuple[Fragment, dict[str, Any]]:
    """scope_sql and (unless col is None) month_sql joined with AND."""
    s, p = scope_sql(f, alias)
    if col is None:
        return s, p
    m, mp = month_sql(f, col, alias)
    return join((s, m), " AND "), p | mp


def data_version() -> str:
    """The identity of what queries read now (the warehouse file, or the Parquet export's
    manifest: a new load changes it) and of the settings they apply (core.settings carry_months,
    complete_share, min_cases). Part of the key of anything a page works out once from query
    results and keeps (st.cache_data), as oversight.db keys every query by the file's version."""
    return f"{version(db._source())}|{carry_months()}|{complete_share()}|{min_cases()}"


def communities(allowed: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The communities of the registry within the user's scope `allowed` (townships; None =
    every one): code, name, town, type, 片区 group (for the filters)."""
    scope, params = allowed_sql(allowed)
    return query(
        compose(
            """
        SELECT community_code, community_name, town_code, town_name, community_type, group_name
        FROM community
        WHERE {scope}
        ORDER BY town_code, community_code
        """,
            scope=scope,
        ),
        params,
    )


def month_coverage(allowed: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Per month with reports, within the user's scope `allowed` (townships; None = every one):
    month, reporting (communities with a monthly report) and expected (communities with a
    report in the 12 months up to it), and complete (reporting ≥
    core.contract.complete_share() × expected). Read from the mart month_coverage (per
    township, etl/sql/marts/month_coverage.sql)."""
    scope, params = allowed_sql(allowed)
    df = query(
        compose(
            """
        SELECT month, CAST(SUM(reporting) AS BIGINT) AS reporting, CAST(SUM(expected) AS BIGINT) AS expected
        FROM month_coverage
        WHERE {scope}
        GROUP BY month
        HAVING SUM(reporting) > 0
        ORDER BY month
        """,
            scope=scope,
        ),
        params,
    )
    df["month"] = [pd.Timestamp(m).date() for m in df["month"]]
    df["complete"] = df["reporting"] >= complete_share() * df["expected"]
    return df


def default_end(coverage: pd.DataFrame) -> date | None:
    """The month a fresh visit shows: the latest complete one (else the latest with reports)."""
    if coverage.empty:
        return None
    done = coverage.loc[coverage["complete"], "month"]
    return done.iloc[-1] if len(done) else coverage["month"].iloc[-1]


def months(allowed: tuple[str, ...] | None = None) -> list[date]:
    """Months with at least one monthly report within the user's scope `allowed` (townships;
    None = every one), oldest first."""
    scope, params = allowed_sql(allowed)
    df = query(compose("SELECT DISTINCT month FROM town_month WHERE {s} ORDER BY month", s=scope), params)
    return [pd.Timestamp(m).date() for m in df["month"]]


# Breakdown by level (allow-list of identifiers): the whole county by township, a township (or
# 片区) by community, a community shows itself.
UNIT_COLUMNS = {
    "county": ("town_code", "town_name"),
    "town": ("community_code", "community_name"),
    "community": ("community_code", "community_name"),
}


def monthly_mart(f: Filters, per_community: bool = False) -> Fragment:
    """The mart a query of the monthly figures reads, as an identifier: `town_month` (one row
    per township and month, a ninth of community_month's rows on the sample) when the
    selection is whole townships (no 片区, no communities chosen) and the rows are not wanted per
    community; `community_month` otherwise. For flows of a month and their ratios only: every
    summed column and both parts of every ratio add up per township, so those are the same from
    either. Stocks over a range follow the carry rule per community (range_rows, per_month) and
    are read from community_month; so is what only community rows carry (names, counts)."""
    town_rows = not per_community and not f.group and not f.community_codes
    return ident("town_month" if town_rows else "community_month")


def unit_columns(f: Filters, level: str | None = None) -> tuple[Fragment, Fragment]:
    """(code column, name column) that the selection's charts break down by, as identifiers."""
    code, name = UNIT_COLUMNS[level or f.level]
    return ident(code), ident(name)


def metric_columns(names: tuple[str, ...], over: str = "range", alias: str = "") -> Fragment:
    """`<metric SQL> AS "name"` for each metric name, comma-separated."""
    return join((compose("{e} AS {n}", e=metric_sql(n, over, alias), n=ident(metric(n).name)) for n in names), ",\n")


def range_rows(
    scope: Fragment, month_from: date, month_to: date, alias: str = "m", stocks: bool = True
) -> tuple[Fragment, dict[str, Any]]:
    """A FROM item `(…) AS <alias>`: the community_month rows (columns `r.*`, `scope` written on
    alias r) a range of months is read from, with core.metrics.RANGE_FLAGS — in_range (month
    from `month_from` to `month_to`), at_end (the community's latest report up to `month_to`,
    at most core.settings.carry_months() older: where its stocks are read) and reporter (the
    community has a report in the range) — and its bound parameters. Every over="range" metric
    (core.metrics.sql) is read from these rows, so a stock carried forward, or withheld, is the
    same on every page, in the arena and in the 通报. `stocks=False` is for a statement that
    reads flows alone (core.metrics.is_stock false for every column it sums): at_end and
    reporter are then NULL, and only the range's own months are read.

    The flags are filters on each row, not windows over a community's months: a row is its
    community's latest report up to `month_to` when its next report (community_month.next_month,
    kept by every load) is after `month_to` or there is none, so at_end needs no max() over the
    community (×50, party per township: 23 → 11 ms); where a row is at_end, its community
    reported in the range exactly when the row's month is in it, so reporter is in_range (a
    statement reads reporter only with at_end, or as max() over a community's rows)."""
    carry_from = add_months(month_to, -carry_months())
    flags = Fragment(
        """r.month >= $carry_from AND (r.next_month IS NULL OR r.next_month >= $range_end) AS at_end,
                 r.month >= $range_from AS reporter"""
        if stocks
        else "CAST(NULL AS BOOLEAN) AS at_end, CAST(NULL AS BOOLEAN) AS reporter"
    )
    sql = compose(
        """(
          SELECT r.*, r.month >= $range_from AS in_range,
                 {flags}
          FROM community_month AS r
          WHERE {scope} AND r.month >= $rows_from AND r.month < $range_end
        ) AS {alias}""",
        scope=scope,
        flags=flags,
        alias=ident(alias),
    )
    return sql, {
        "range_from": month_from,
        "carry_from": carry_from,
        # flows alone are read from the range's own months: the carry window's are for stocks
        "rows_from": min(month_from, carry_from) if stocks else month_from,
        "range_end": next_month(month_to),
    }


def as_of_rows(f: Filters, months: Fragment, first: date, last: date) -> tuple[Fragment, dict[str, Any]]:
    """WITH-clause items ending in `m`: for each month `as_of` that the statement `months`
    (a SELECT of an as_of DATE column and any labels, none before `first` or after `last`)
    gives, and each community in scope with a report at most core.settings.carry_months()
    before it, the one community_month row (columns as_of, r.*) its figures at that month are
    read from — its latest report up to the month — flagged as range_rows flags them for a
    one-month range (core.metrics.RANGE_FLAGS: in_range and reporter when the report is of the
    month itself, at_end always); and the bound parameters. A report is the latest at `as_of`
    when it is not after it and its community's next report (community_month.next_month) is:
    one join of the months with the reports, no max() over the community's months."""
    scope, params = scope_sql(f, "r")
    carry = carry_months()
    sql = compose(
        """months AS ({months}),
        m AS (
          SELECT mo.*, r.*, r.month = mo.as_of AS in_range, TRUE AS at_end, r.month = mo.as_of AS reporter
          FROM months AS mo
          JOIN community_month AS r
            ON r.month <= mo.as_of AND r.month >= CAST(mo.as_of - INTERVAL {carry} MONTH AS DATE)
               AND (r.next_month IS NULL OR r.next_month > mo.as_of)
          WHERE {scope} AND r.month >= $rows_from AND r.month < $range_end
        )""",
        months=months,
        scope=scope,
        carry=Fragment(str(int(carry))),
    )
    return sql, params | {"rows_from": add_months(first, -carry), "range_end": next_month(last)}


def per_month(f: Filters, names: tuple[str, ...], by_unit: bool = False) -> pd.DataFrame:
    """Metrics `names` for each month of the range (month, [unit_code, unit_name, town_code,]
    *names; with `by_unit` one row per month and unit of the selection's level), each month read
    as a one-month range by the same carry rule as range_rows (as_of_rows): stocks of each
    community's latest report at or before the month (at most core.settings.carry_months()
    older), flows of the month's reports, ratios sum/sum — so a month still coming in does not
    dip in a trend. A month with neither a report nor a carried stock has no row."""
    code, name = unit_columns(f)
    keys = compose(", {code}", code=code) if by_unit else Fragment("")
    unit = (
        compose(
            "{code} AS unit_code, any_value({name}) AS unit_name, any_value(town_code) AS town_code, ",
            code=code,
            name=name,
        )
        if by_unit
        else Fragment("")
    )
    months = Fragment(
        "SELECT CAST(d AS DATE) AS as_of FROM (SELECT unnest(generate_series(CAST($range_from AS DATE),"
        " CAST($range_to AS DATE), INTERVAL 1 MONTH)) AS d) AS series"
    )
    rows, params = as_of_rows(f, months, f.month_from, f.month_to)
    return query(
        compose(
            """
        WITH {rows}
        SELECT as_of AS month, {unit}{cols}
        FROM m
        GROUP BY as_of{keys}
        ORDER BY as_of{keys}
        """,
            rows=rows,
            unit=unit,
            cols=metric_columns(names),
            keys=keys,
        ),
        params | {"range_from": f.month_from, "range_to": f.month_to},
    )


def _rows(f: Filters, alias: str = "m", stocks: bool = True) -> tuple[Fragment, dict[str, Any]]:
    scope, params = scope_sql(f, "r")
    rows, rparams = range_rows(scope, f.month_from, f.month_to, alias, stocks)
    return rows, params | rparams


def _has_stock(names: tuple[str, ...]) -> bool:
    """Whether any of metrics `names` reads a stock (core.metrics.is_stock)."""
    return any(is_stock(c) for n in names for c in metric(n).columns)


def per_unit(f: Filters, names: tuple[str, ...], level: str | None = None, stock_month: bool = False) -> pd.DataFrame:
    """Metrics `names` over the range per unit (unit_code, unit_name, town_code, town_name,
    *names): flows summed, stocks per the carry rule (range_rows), ratios sum/sum.
    `level="community"` gives one row per community whatever the selection's level. A unit
    whose communities have only carried stocks in the range has a row (its flows missing) when
    `names` hold a stock; with flows alone, only units with a report in the range have one.
    With `stock_month` (for one row per community), a last column stock_month: the month its
    stocks are read from (missing when withheld), as stock_sources gives it."""
    return query(*per_unit_sql(f, names, level, stock_month))


def per_unit_sql(
    f: Filters, names: tuple[str, ...], level: str | None = None, stock_month: bool = False
) -> tuple[Fragment, dict[str, Any]]:
    """The statement per_unit runs (its rows and columns as there) and its bound parameters,
    for a query that reads the units' figures in SQL rather than in pandas (profile.ranks)."""
    code, name = unit_columns(f, level)
    stocks = _has_stock(names)
    rows, params = _rows(f, stocks=stocks or stock_month)
    return (
        compose(
            """
            SELECT {code} AS unit_code, any_value({name}) AS unit_name, any_value(town_code) AS town_code,
                   any_value(town_name) AS town_name, {cols}{source}
            FROM {rows}
            GROUP BY {code}
            {having}
            ORDER BY {code}
            """,
            code=code,
            name=name,
            cols=metric_columns(names),
            source=Fragment(",\n max(CASE WHEN at_end THEN month END) AS stock_month" if stock_month else ""),
            rows=rows,
            having=Fragment("" if stocks else "HAVING max(CASE WHEN in_range THEN 1 ELSE 0 END) = 1"),
        ),
        params,
    )


def totals(f: Filters, names: tuple[str, ...]) -> dict[str, float | None]:
    """Metrics `names` over the whole selection and range, read as per_unit reads them (flows
    summed, stocks per the carry rule, ratios sum/sum): name → value, None where nothing is
    reported. These are the figures on a page's KPI cards."""
    rows, params = _rows(f, stocks=_has_stock(names))
    row = query(compose("SELECT {cols} FROM {rows}", cols=metric_columns(names), rows=rows), params).iloc[0]
    return {n: None if pd.isna(row[n]) else float(row[n]) for n in names}


def _dates(months: pd.Series) -> pd.Series:
    """A column of months (datetime64 or dates) as datetime.date objects, None where missing:
    converted as one column (a pd.Timestamp per row was 0.1 s for ×50's 17,400 communities)."""
    stamps = pd.to_datetime(months)
    return stamps.dt.date.astype(object).where(stamps.notna(), None)


def stock_sources(f: Filters, not_current: bool = False) -> pd.DataFrame:
    """Where each community's stocks over the range come from, per community in scope with a
    report in the range or one carried into it: community_code, community_name, town_code,
    town_name, stock_month (the month of the report its stocks are read from; missing =
    withheld, older than core.settings.carry_months()), carried (True when stock_month is
    before the range's last month) and reported (it has a report in the range). By township
    and community code. With `not_current`, only the carried and withheld ones (what a note
    names: at ×50 the others are 17,400 rows read and cached for nothing)."""
    rows, params = _rows(f)
    having = Fragment("HAVING stock_month IS NULL OR stock_month < CAST($month_to AS DATE)" if not_current else "")
    df = query(
        compose(
            """
            SELECT community_code, any_value(community_name) AS community_name, any_value(town_code) AS town_code,
                   any_value(town_name) AS town_name, max(CASE WHEN at_end THEN month END) AS stock_month,
                   max(CASE WHEN reporter THEN 1 ELSE 0 END) = 1 AS reported
            FROM {rows}
            GROUP BY community_code
            {having}
            ORDER BY community_code
            """,
            rows=rows,
            having=having,
        ),
        params | ({"month_to": f.month_to} if not_current else {}),
    )
    df.insert(5, "carried", (df["stock_month"] < pd.Timestamp(f.month_to)).fillna(False).astype(bool))
    df["stock_month"] = _dates(df["stock_month"])
    return df


def below_mask(values: pd.Series, name: str) -> pd.Series:
    """Per value of metric `name`: True where it misses the metric's line (below it, or above
    it when lower is better), False where it meets it, missing where the value is."""
    m = metric(name)
    v = values.astype("Float64")
    return v < m.line if m.higher_is_better else v > m.line


def below_line(df: pd.DataFrame, name: str) -> tuple[int, int]:
    """(units below metric `name`'s line, units with a value) in a per-unit frame."""
    return int(below_mask(df[name], name).fillna(False).sum()), int(df[name].notna().sum())


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


def community_table(f: Filters, names: tuple[str, ...]) -> pd.DataFrame:
    """One row per community in scope over the range, as a table: town_name, community_name,
    then metrics `names` (flows summed, stocks per the carry rule, ratios sum/sum — per_unit)
    and, when a stock is among them, stock_month (the month its stocks are read from; before
    the range's last month when carried, missing when withheld). Communities with no report
    in or carried into the range have no row."""
    df = per_unit(f, names, level="community", stock_month=_has_stock(names))
    if "stock_month" in df.columns:
        df["stock_month"] = _dates(df["stock_month"])
    return unit_table(df, "community")
