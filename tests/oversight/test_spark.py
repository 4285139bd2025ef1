"""The hand-over beyond one machine: every page query gives the same rows on Apache Spark (local
mode, over `python -m etl export-parquet`) as on DuckDB, from the one SQL text sqlglot
transpiles; and the dashboard's Parquet mode (OVERSIGHT_PARQUET) gives exactly the warehouse's
results. One Spark session and one export for the whole run; Java is required (no skip)."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
import sqlglot
import streamlit as st

import oversight.db as odb
from etl.export import PUBLIC_VIEWS, export_parquet, read_manifest
from oversight import spark as osp
from oversight.filters import Filters
from oversight.queries import area, arena, common, data, overview, party, profile, requests, volunteers
from tests.pages_fixtures import XINZHENG, build_pages_db

MODULES = (area, arena, common, data, overview, party, profile, requests, volunteers)
COUNTY = Filters("zh", (), None, (), date(2024, 1, 1), date(2024, 3, 1))
# One township's 片区, across a year boundary: the township level (breakdown by community) and
# every scope clause at once.
GROUP = Filters("en", (XINZHENG,), "城乡融合片区一组", (), date(2023, 12, 1), date(2024, 2, 1))
TODAY = date(2024, 4, 20)


def _calls(f: Filters, codes: list[str]) -> dict[str, Callable[[], object]]:
    """Every query function of the pages, called as its page calls it."""
    one = codes[0]
    return {
        "area.area_by_month": lambda: area.area_by_month(f),
        "area.per_households": lambda: area.per_households(f),
        "area.projects": lambda: area.projects(f),
        "area.by_community": lambda: area.by_community(f),
        "arena.indicator_values": lambda: arena.indicator_values(codes, f.month_from, f.month_to),
        "arena.monthly_values": lambda: arena.monthly_values(codes, f.month_from, f.month_to),
        "common.communities": common.communities,
        "common.month_coverage": common.month_coverage,
        "common.months": common.months,
        "common.stock_sources": lambda: [common.stock_sources(f, named) for named in (False, True)],
        "common.per_month": lambda: common.per_month(f, ("households", "volunteer_hours", "hours_per_volunteer"), True),
        "common.community_table": lambda: common.community_table(f, ("households", "volunteer_hours")),
        "common.per_unit": lambda: common.per_unit(f, ("households", "resolution_rate", "party_org_coverage")),
        "common.totals": lambda: common.totals(f, ("households", "volunteer_hours", "m2_per_100_households")),
        "data.count": lambda: [data.count(v, f) for v in data.VIEWS],
        "data.rows": lambda: [data.rows(v, f, data.columns(v)) for v in data.VIEWS],
        "data.summary": lambda: [data.summary(f, by) for by in data.GROUPINGS],
        "overview.kpis": lambda: overview.kpis(f),
        "overview.roster_counts": lambda: overview.roster_counts(f),
        "overview.ranking": lambda: overview.ranking(f, "resolution_rate"),
        "overview.submissions": lambda: overview.submissions(f, TODAY),
        "overview.not_reported": lambda: overview.not_reported(f, TODAY),
        "overview.submission_counts": lambda: [overview.submission_counts(f, by, TODAY) for by in ("town", "month")],
        "party.coverage_by_unit": lambda: party.coverage_by_unit(f),
        "party.coverage_by_month": lambda: party.coverage_by_month(f),
        "party.levels_by_unit": lambda: party.levels_by_unit(f),
        "party.without_org": lambda: party.without_org(f),
        "party.by_community": lambda: party.by_community(f),
        "profile.options": lambda: profile.options(f),
        "profile.values": lambda: profile.values(f, one),
        "profile.trend": lambda: profile.trend(f, one),
        "profile.ranks": lambda: profile.ranks(f, one),
        "profile.sources": lambda: profile.sources(f, one),
        "profile.reported": lambda: profile.reported(f, one)[1],
        "requests.by_unit": lambda: requests.by_unit(f),
        "requests.by_community": lambda: requests.by_community(f),
        "requests.community_table": lambda: requests.community_table(f),
        "requests.by_month": lambda: requests.by_month(f),
        "requests.by_category_source": lambda: requests.by_category_source(f),
        "requests.days_counts": lambda: requests.days_counts(f),
        "requests.open_cases": lambda: requests.open_cases(f),
        "volunteers.hours_by_month": lambda: volunteers.hours_by_month(f),
        "volunteers.by_unit": lambda: volunteers.by_unit(f),
        "volunteers.by_category": lambda: volunteers.by_category(f),
        "volunteers.leaders_laggards": lambda: volunteers.leaders_laggards(f),
        "volunteers.by_community": lambda: volunteers.by_community(f),
    }


# Query functions of the read side not compared here, and why.
NOT_COMPARED = {
    "common.month_sql": "SQL text, no query",
    "common.scope_sql": "SQL text, no query",
    "common.where": "SQL text, no query",
    "common.unit_columns": "SQL text, no query",
    "common.monthly_mart": "SQL text, no query",
    "common.metric_columns": "SQL text, no query",
    "data.columns": "catalogue metadata (information_schema); the Spark views' columns are compared instead",
    "profile.community_filters": "builds Filters, no query",
    "profile.picker_filters": "builds Filters, no query",
    "overview.compare_months": "months arithmetic, no query",
    "overview.ranking_level": "no query",
    "overview.month_filters": "builds Filters, no query",
    "data.views_for": "the list of views a user may browse, no query",
    "common.allowed_sql": "SQL text, no query",
    "common.range_rows": "SQL text, no query",
    "common.as_of_rows": "SQL text, no query",
    "common.per_unit_sql": "SQL text, no query (per_unit and profile.ranks run it)",
    "arena.data_quality": "reads oversight.queries.quality over the quality_flag view, whose rules are DuckDB SQL "
    "not yet transpiled for Spark (the export carries quality_flag itself as data)",
}


@pytest.fixture(scope="session")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the page test warehouse, its Parquet export), built once."""
    root = tmp_path_factory.mktemp("spark")
    db = build_pages_db(root / "pages.duckdb")
    export_parquet(db, root / "parquet")
    return db, root / "parquet"


@pytest.fixture(scope="session")
def spark(export: tuple[Path, Path]) -> Iterator[object]:
    """One local Spark session for the run, with the export's views registered."""
    session = osp.session("oversight-tests")
    osp.register(session, export[1])
    yield session
    session.stop()


def _cell(v: object) -> object:
    """A value as both engines must agree on it: missing as None, dates as dates, numbers to 9
    significant digits (Spark and DuckDB may sum floats in another order)."""
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, pd.Timestamp | datetime):
        ts = pd.Timestamp(v)
        return ts.date() if ts == ts.normalize() else ts.to_pydatetime()
    if isinstance(v, date | str):
        return v
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return float(f"{float(v):.9g}")
    return v


def _rows(df: pd.DataFrame) -> list[tuple]:
    return [tuple(_cell(v) for v in row) for row in df.astype(object).itertuples(index=False)]


def _ordered(sql: str) -> bool:
    return sqlglot.parse_one(sql, read="duckdb").args.get("order") is not None


def _record(monkeypatch: pytest.MonkeyPatch, db: Path) -> list[tuple[str, dict, pd.DataFrame]]:
    """Statements the query functions send to DuckDB, with DuckDB's answer (the real _run runs)."""
    seen: list[tuple[str, dict, pd.DataFrame]] = []
    run = odb._run

    def spy(source: str, sql: str, params: dict) -> pd.DataFrame:
        out = run(source, sql, params)
        seen.append((sql, params, out.copy()))  # the caller may add columns to its frame
        return out

    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    monkeypatch.delenv(odb.PARQUET_ENV, raising=False)
    monkeypatch.setattr(odb, "_run", spy)
    st.cache_data.clear()
    return seen


def _codes(db: Path) -> list[str]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return [r[0] for r in con.execute("SELECT DISTINCT community_code FROM community_month ORDER BY 1").fetchall()]


def test_every_query_function_is_compared() -> None:
    """A new page query must join the comparison (or say here why not)."""
    listed = set(_calls(COUNTY, ["x"])) | set(NOT_COMPARED)
    for module in MODULES:
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            params = list(inspect.signature(fn).parameters.values())
            takes_filters = params and params[0].annotation in ("Filters", Filters)
            takes_codes = module is arena
            if takes_filters or takes_codes or name in ("communities", "month_coverage", "months"):
                assert f"{module.__name__.rsplit('.', 1)[1]}.{name}" in listed, name


def test_page_queries_give_the_same_rows_on_spark(
    export: tuple[Path, Path], spark: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each distinct statement (text and parameters) the pages send for the whole county and for
    a 片区, run on Spark: the same columns and the same rows, in the same order where the
    statement orders them. One Spark job per statement (the order must be Spark's own)."""
    db, _ = export
    seen = _record(monkeypatch, db)
    codes = _codes(db)
    for f in (COUNTY, GROUP):
        for fn in _calls(f, codes).values():
            fn()
    statements = {(sql, tuple(sorted(p.items()))): out for sql, p, out in seen if "information_schema" not in sql}
    assert len(statements) >= 30
    nonempty = 0
    for (sql, params), duck in statements.items():
        on_spark = osp.run(spark, sql, dict(params))
        assert list(on_spark.columns) == list(duck.columns), sql
        got, want = _rows(on_spark), _rows(duck)
        if not _ordered(sql):  # without ORDER BY neither engine promises an order
            got, want = sorted(got, key=repr), sorted(want, key=repr)
        assert got == want, sql
        nonempty += not duck.empty
    assert nonempty >= 0.8 * len(statements)  # the comparison is about rows, not empty frames


def test_spark_views_have_the_warehouse_columns(export: tuple[Path, Path], spark: object) -> None:
    manifest = read_manifest(export[1])
    assert [v.name for v in PUBLIC_VIEWS] == list(manifest["views"])
    for name, spec in manifest["views"].items():
        assert spark.table(name).columns == [c for c, _ in spec["columns"]], name  # type: ignore[attr-defined]
        assert spark.table(name).count() == spec["rows"], name  # type: ignore[attr-defined]


def test_parquet_mode_gives_the_warehouse_results(export: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page query function, once on the warehouse file and once with OVERSIGHT_PARQUET set:
    the same frames, column types included."""
    db, folder = export
    codes = _codes(db)
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    for f in (COUNTY, GROUP):
        monkeypatch.delenv(odb.PARQUET_ENV, raising=False)
        st.cache_data.clear()
        assert odb.writable()
        on_file = {name: fn() for name, fn in _calls(f, codes).items()}
        monkeypatch.setenv(odb.PARQUET_ENV, str(folder))
        monkeypatch.setenv("OVERSIGHT_DB", str(folder / "no-such.duckdb"))  # nothing may read the file now
        st.cache_data.clear()
        assert not odb.writable() and odb.warehouse_exists()
        for name, fn in _calls(f, codes).items():
            got, want = fn(), on_file[name]
            for g, w in zip(
                got if isinstance(got, list | tuple) else [got],
                want if isinstance(want, list | tuple) else [want],
                strict=True,
            ):
                if isinstance(w, pd.DataFrame):
                    pd.testing.assert_frame_equal(g, w, obj=name)
                else:
                    assert g == w, name
        monkeypatch.setenv("OVERSIGHT_DB", str(db))
    st.cache_data.clear()
