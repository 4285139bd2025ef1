"""The marts' data contracts (etl/sql/marts/contracts.toml), checked on the sample county loaded
by the real ETL: each mart's grain is unique, its required columns are never NULL, its codes
exist in the registry, and town_month adds up to community_month. And the marts, stored as
tables, equal their queries after every kind of write: a load, a correction, a registry
change, a failed file, a crash in the refresh, a warehouse from before they were stored."""

from __future__ import annotations

import shutil
import tomllib
from datetime import date
from pathlib import Path

import pytest

import etl.load as load
import etl.warehouse as warehouse
from core.metrics import METRICS
from core.paths import REFERENCE
from core.sql import ident
from etl.load import load_paths
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


# The marts are tables refreshed by every write (etl.warehouse.refresh_marts): after each kind
# of write they must hold exactly what their queries (the <mart>_definition views) give.
MONTHLY = "报告月份,乡镇(街道),村(社区),填报日期,户数,常住人口,诉求受理数,诉求办结数\n"
TODAY = date(2024, 6, 1)


def _csv(path: Path, *rows: str, header: str = MONTHLY) -> Path:
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _stale(db: Path) -> dict[str, tuple[int, int]]:
    """Per mart: (rows, rows that differ from its query, either way)."""
    con = reader(db)
    try:
        out = {}
        for mart in MARTS:
            m, d = ident(mart), ident(f"{mart}_definition")
            n = con.execute(f"SELECT count(*) FROM {m}").fetchall()[0][0]
            differ = con.execute(
                f"SELECT (SELECT count(*) FROM (SELECT * FROM {m} EXCEPT ALL SELECT * FROM {d})) "
                f"+ (SELECT count(*) FROM (SELECT * FROM {d} EXCEPT ALL SELECT * FROM {m}))"
            ).fetchall()[0][0]
            out[mart] = (n, differ)
        return out
    finally:
        con.close()


def _fresh(db: Path) -> bool:
    return all(differ == 0 for _, differ in _stale(db).values())


def _rows(db: Path, sql: str) -> list[tuple]:
    con = reader(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def recomputed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The (community, month) pairs each refresh recomputed, in order."""
    calls: list[int] = []
    real = warehouse.refresh_marts

    def spy(con, since_load=None):  # noqa: ANN001, ANN202
        calls.append(real(con, since_load))
        return calls[-1]

    monkeypatch.setattr(warehouse, "refresh_marts", spy)
    return calls


def test_the_loaded_sample_and_the_hand_built_warehouses_are_fresh(
    sample_db: Path, quality_db: Path, tiny_db: Path, tmp_path: Path
) -> None:
    from tests.pages_fixtures import build_pages_db

    for db in (sample_db, quality_db, tiny_db, build_pages_db(tmp_path / "pages.duckdb")):
        stale = _stale(db)
        # few flags is fine; a warehouse without a case list has no cases
        filled = [n > 0 for mart, (n, _) in stale.items() if mart not in ("quality_flag", "request_case")]
        [(cases,)] = _rows(db, "SELECT count(*) FROM stg_request")
        assert all(filled) and stale["request_case"][0] == cases and _fresh(db), (db.name, stale)


def test_a_load_and_a_correction_recompute_only_their_own_rows(tmp_path: Path, recomputed: list[int]) -> None:
    db = tmp_path / "w.duckdb"
    first = _csv(
        tmp_path / "1-2月.csv",
        "2024-01,新政镇,东北社区,2024-02-05,3000,9000,40,38",
        "2024-02,新政镇,东北社区,2024-03-05,3000,9000,30,30",
        "2024-01,金城镇,金新社区,2024-02-05,1000,3000,10,9",
    )
    load_paths([first], db=db, today=TODAY)
    fix = _csv(tmp_path / "1月_更正.csv", "2024-01,新政镇,东北社区,2024-02-20,3050,9100,40,39")
    [result] = load_paths([fix], db=db, today=TODAY)
    assert result.rows_replaced == 1
    assert recomputed == [3, 1]  # the second load recomputed 东北社区's January, nothing else
    assert _fresh(db)
    assert _rows(
        db, "SELECT households, requests_resolved FROM community_month WHERE month = '2024-01-01' ORDER BY 1"
    ) == [
        (1000, 9),
        (3050, 39),
    ]
    assert _rows(db, "SELECT town_name, households FROM town_month WHERE month = '2024-01-01' ORDER BY 1") == [
        ("新政镇", 3050),
        ("金城镇", 1000),
    ]
    assert _rows(db, "SELECT sum(reporting) FROM month_coverage WHERE month = '2024-02-01'") == [(1,)]


def test_a_month_sent_late_moves_the_next_report_of_the_month_before_it(tmp_path: Path) -> None:
    # next_month is where the carry rule reads how long a report's stocks hold: a load of one
    # month changes the row of the community's earlier month, which that load did not write.
    db = tmp_path / "w.duckdb"
    for month, sent in (("2024-01", "2024-02-05"), ("2024-03", "2024-04-05"), ("2024-02", "2024-03-05")):
        load_paths(
            [_csv(tmp_path / f"{month}.csv", f"{month},新政镇,东北社区,{sent},3000,9000,40,38")], db=db, today=TODAY
        )
    assert _rows(db, "SELECT month, next_month FROM community_month ORDER BY month") == [
        (date(2024, 1, 1), date(2024, 2, 1)),
        (date(2024, 2, 1), date(2024, 3, 1)),
        (date(2024, 3, 1), None),
    ]
    assert _fresh(db)


def test_a_registry_change_reaches_every_mart_row(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_paths([_csv(tmp_path / "1月.csv", "2024-01,新政镇,东北社区,2024-02-05,3000,9000,40,38")], db=db, today=TODAY)
    folder = tmp_path / "registry"
    folder.mkdir()
    shutil.copy(REFERENCE / "towns.csv", folder / "towns.csv")
    text = (REFERENCE / "communities.csv").read_text(encoding="utf-8")
    assert text.count(",东北社区,") == 1
    (folder / "communities.csv").write_text(text.replace(",东北社区,", ",东北新区社区,"), encoding="utf-8")
    with warehouse.writer(db, what="registry update") as con:
        assert warehouse.update_registry(con, [folder])["communities_updated"] == 1
    assert _rows(db, "SELECT community_name FROM community_month") == [("东北新区社区",)]
    assert _fresh(db)


def test_a_failed_file_or_a_crash_in_the_refresh_leaves_the_marts_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "w.duckdb"
    load_paths([_csv(tmp_path / "1月.csv", "2024-01,新政镇,东北社区,2024-02-05,3000,9000,40,38")], db=db, today=TODAY)
    # One file of two fails while it is written: it is rolled back, the other is loaded.
    real_apply = load._apply

    def failing(con, kind, files, *args):  # noqa: ANN001, ANN002, ANN202
        if any(Path(f.p.name).name == "b.csv" for f in files):
            raise RuntimeError("disk trouble")
        return real_apply(con, kind, files, *args)

    monkeypatch.setattr(load, "_apply", failing)
    done = load_paths(
        [
            _csv(tmp_path / "a.csv", "2024-02,新政镇,东北社区,2024-03-05,3000,9000,30,30"),
            _csv(tmp_path / "b.csv", "2024-02,金城镇,金新社区,2024-03-05,1000,3000,10,9"),
        ],
        db=db,
        today=TODAY,
    )
    assert sorted(r.status for r in done) == ["loaded", "rejected"]
    assert _rows(db, "SELECT count(*) FROM community_month") == [(2,)] and _fresh(db)
    before = _rows(db, "SELECT * FROM community_month ORDER BY ALL")
    monkeypatch.setattr(load, "_apply", real_apply)
    # The refresh itself fails after it has changed the marts: the live warehouse is untouched.
    real_refresh = warehouse.refresh_marts

    def crash(con, since_load=None):  # noqa: ANN001, ANN202
        real_refresh(con, since_load)
        raise RuntimeError("killed")

    monkeypatch.setattr(warehouse, "refresh_marts", crash)
    with pytest.raises(RuntimeError, match="killed"):
        load_paths([_csv(tmp_path / "3月.csv", "2024-03,新政镇,东北社区,2024-04-05,1,1,1,1")], db=db, today=TODAY)
    assert _rows(db, "SELECT * FROM community_month ORDER BY ALL") == before and _fresh(db)


def test_a_warehouse_whose_marts_were_views_gets_them_as_tables(tiny_db: Path) -> None:
    import duckdb

    with duckdb.connect(str(tiny_db)) as con:  # as a warehouse written before the marts were stored
        for mart in reversed(MARTS):
            con.execute(f"DROP TABLE {ident(mart)}")
        for mart in MARTS:
            con.execute(f"CREATE VIEW {ident(mart)} AS SELECT * FROM {ident(mart + '_definition')}")
        con.execute("DROP TABLE etl_marts")
    with warehouse.writer(tiny_db):
        pass
    kinds = _rows(
        tiny_db,
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_name IN ('community_month', 'town_month', 'month_coverage') ORDER BY 1",
    )
    assert kinds == [("community_month", "BASE TABLE"), ("month_coverage", "BASE TABLE"), ("town_month", "BASE TABLE")]
    assert _stale(tiny_db)["community_month"] == (12, 0) and _fresh(tiny_db)


def test_a_roster_or_case_list_alone_refreshes_the_credibility_flags(tmp_path: Path) -> None:
    """quality_flag reads every report kind: a 小区 roster sent after the monthly report flags
    the 小区数 it contradicts, and a corrected roster clears the flag — with no monthly row written."""
    db = tmp_path / "w.duckdb"
    load_paths(
        [_csv(tmp_path / "1月.csv", "2024-01,新政镇,东北社区,2024-02-05,4,3000,40,38", header=ROSTER_MONTHLY)],
        db=db,
        today=TODAY,
    )
    roster = "报告月份,村(社区),小区名称,户数,是否建立党组织\n"
    two = _csv(
        tmp_path / "小区.csv", "2024-01,东北社区,锦绣苑,800,是", "2024-01,东北社区,滨江花园,600,是", header=roster
    )
    load_paths([two], db=db, today=TODAY)
    flags = "SELECT rule, field, value, other FROM quality_flag ORDER BY field"
    assert ("roster_mismatch", "neighborhoods", 4.0, 2.0) in _rows(db, flags) and _fresh(db)
    more = _csv(
        tmp_path / "小区_补报.csv",
        "2024-01,东北社区,老街院落,300,是",
        "2024-01,东北社区,临江小区,500,是",
        header=roster,
    )
    load_paths([more], db=db, today=TODAY)
    assert not [r for r in _rows(db, flags) if r[1] == "neighborhoods"] and _fresh(db)


ROSTER_MONTHLY = "报告月份,乡镇(街道),村(社区),填报日期,小区数,户数,诉求受理数,诉求办结数\n"


def test_a_warehouse_whose_schema_changed_gets_its_views_again(tiny_db: Path) -> None:
    """The DDL is re-applied only when its digest (etl_schema) differs: a warehouse written by an
    older version — here a public view missing and another digest — gets every view back on the
    next write, while one written by this version keeps its own."""
    import duckdb

    with warehouse.writer(tiny_db):  # stamps this version's digest
        pass
    with duckdb.connect(str(tiny_db)) as con:
        con.execute("DROP VIEW community")
        con.execute("UPDATE etl_schema SET digest = 'an older version'")
    with warehouse.writer(tiny_db):
        pass
    assert _rows(tiny_db, "SELECT count(*) FROM community")[0][0] > 0 and _fresh(tiny_db)
