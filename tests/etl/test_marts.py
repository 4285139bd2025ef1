"""The marts' data contracts (etl/sql/marts/contracts.toml), checked on the sample county loaded
by the real ETL: each mart's grain is unique, its required columns are never NULL, its codes
exist in the registry, and town_month adds up to community_month."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from core.metrics import METRICS
from core.sql import ident
from etl.warehouse import MARTS, SQL_DIR, reader

CONTRACTS = tomllib.loads((SQL_DIR / "marts" / "contracts.toml").read_text(encoding="utf-8"))


def test_every_mart_has_a_contract() -> None:
    assert set(CONTRACTS) == set(MARTS)


def _one(db: Path, sql: str) -> object:
    con = reader(db)
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


@pytest.mark.parametrize("mart", MARTS)
def test_grain_is_unique_and_required_columns_are_filled(sample_db: Path, mart: str) -> None:
    c = CONTRACTS[mart]
    grain = ", ".join(ident(k) for k in c["grain"])
    assert _one(sample_db, f"SELECT COUNT(*) FROM {ident(mart)}") > 0
    assert (
        _one(sample_db, f"SELECT COUNT(*) FROM (SELECT {grain} FROM {ident(mart)} GROUP BY ALL HAVING COUNT(*) > 1)")
        == 0
    )
    for col in c["not_null"]:
        assert _one(sample_db, f"SELECT COUNT(*) FROM {ident(mart)} WHERE {ident(col)} IS NULL") == 0, col
    for col, parent in c.get("references", {}).items():
        orphans = (
            f"SELECT COUNT(*) FROM {ident(mart)} WHERE {ident(col)} NOT IN (SELECT {ident(col)} FROM {ident(parent)})"
        )
        assert _one(sample_db, orphans) == 0, col


def test_town_month_adds_up_to_its_communities(sample_db: Path) -> None:
    sums = [m.name for m in METRICS.values() if m.agg == "sum"]
    diff = " OR ".join(f"t.{ident(n)} IS DISTINCT FROM c.{ident(n)}" for n in sums)
    by_town = ", ".join(f"SUM({ident(n)}) AS {ident(n)}" for n in sums)
    sql = f"""
        WITH c AS (SELECT town_code, month, COUNT(*) AS n, {by_town} FROM community_month GROUP BY ALL)
        SELECT COUNT(*) FROM town_month AS t FULL JOIN c USING (town_code, month)
        WHERE t.communities_reporting IS DISTINCT FROM c.n OR {diff}
    """
    assert _one(sample_db, sql) == 0
    # A ratio is sum over sum, not an average of community rates.
    assert (
        _one(
            sample_db,
            """SELECT COUNT(*) FROM town_month
           WHERE abs(resolution_rate - requests_resolved / NULLIF(requests_received, 0)) > 1e-12""",
        )
        == 0
    )
