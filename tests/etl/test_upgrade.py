"""A warehouse an older version of the ETL wrote: the dashboard refuses it with the command that
fixes it (not a CatalogException, not figures from marts built by other queries), and
`python -m etl upgrade` — which `make run` calls — brings it up to date without changing its data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

import etl.warehouse as warehouse
from core.sql import ident
from etl.warehouse import MARTS, reader
from tests.etl.test_marts import _fresh, _rows

ROOT = Path(__file__).resolve().parents[2]


def _marts_were_views(con: duckdb.DuckDBPyConnection) -> None:  # before the marts were stored
    for mart in reversed(MARTS):
        con.execute(f"DROP TABLE {ident(mart)}")
    for mart in MARTS:
        con.execute(f"CREATE VIEW {ident(mart)} AS SELECT * FROM {ident(mart + '_definition')}")
    con.execute("DROP TABLE etl_marts")


def _other_queries(con: duckdb.DuckDBPyConnection) -> None:  # the marts' SQL changed since
    con.execute("UPDATE etl_marts SET definition = 'an older digest'")
    con.execute("UPDATE community_month SET households = households + 1")  # what the old queries gave


def _rebuild_pending(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE etl_marts SET stale = true")
    con.execute("DELETE FROM town_month")


def _mart_missing(con: duckdb.DuckDBPyConnection) -> None:  # a version before quality_flag existed
    con.execute("DROP TABLE quality_flag")


def _other_tables(con: duckdb.DuckDBPyConnection) -> None:  # tables.sql or views.sql changed since
    con.execute("UPDATE etl_schema SET digest = 'an older schema'")


OLD: dict[str, Callable[[duckdb.DuckDBPyConnection], None]] = {
    "tables of another version": _other_tables,
    "no etl_marts": _marts_were_views,
    "marts built by other queries": _other_queries,
    "rebuild pending": _rebuild_pending,
    "missing mart quality_flag": _mart_missing,
}


def _outdated(db: Path) -> str | None:
    con = reader(db)
    try:
        return warehouse.outdated(con)
    finally:
        con.close()


def _data(db: Path) -> list[tuple]:
    return _rows(db, "SELECT * FROM stg_monthly ORDER BY community_code, month")


@pytest.fixture(params=sorted(OLD))
def old_db(request: pytest.FixtureRequest, tiny_db: Path) -> tuple[Path, str]:
    with duckdb.connect(str(tiny_db)) as con:
        OLD[request.param](con)
    return tiny_db, request.param


def test_a_current_warehouse_is_not_outdated(tiny_db: Path) -> None:
    assert _outdated(tiny_db) is None


def test_each_kind_of_old_warehouse_is_told_apart(old_db: tuple[Path, str]) -> None:
    db, reason = old_db
    assert _outdated(db) == reason


def test_upgrade_brings_it_up_to_date_and_changes_no_data(old_db: tuple[Path, str]) -> None:
    db, reason = old_db
    before = _data(db)
    out = subprocess.run(
        [sys.executable, "-m", "etl", "upgrade", "--db", str(db), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"upgraded": True, "reason": reason}
    assert _outdated(db) is None and _fresh(db)
    assert _data(db) == before
    version = warehouse.version(db)
    assert warehouse.upgrade(db) is None  # current now: nothing is written
    assert warehouse.version(db) == version


@pytest.mark.parametrize("page", ["dashboard.py", "pages/requests.py", "pages/upload.py"])
def test_the_dashboard_refuses_an_old_warehouse_with_the_command_that_fixes_it(
    tiny_db: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    with duckdb.connect(str(tiny_db)) as con:
        _marts_were_views(con)  # the pages would read month_coverage, which it lacks
    monkeypatch.setenv("OVERSIGHT_DB", str(tiny_db))
    at = AppTest.from_file(str(ROOT / page), default_timeout=60).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "数据仓库由旧版本程序写成，需先更新才能正确显示。请在服务器的项目目录中运行（不改动数据，约需几秒到几分钟）："
    ]
    assert [c.value for c in at.code] == ["python -m etl upgrade"]
    assert str(tiny_db.parent) not in " ".join(m.value for m in at.markdown)
    warehouse.upgrade(tiny_db)
    at = AppTest.from_file(str(ROOT / page), default_timeout=60).run()
    assert not at.exception and not at.error


def test_make_run_upgrades_an_existing_warehouse(tiny_db: Path) -> None:
    with duckdb.connect(str(tiny_db)) as con:
        _mart_missing(con)
    env = dict(os.environ, OVERSIGHT_DB=str(tiny_db))
    out = subprocess.run(
        ["bash", "scripts/build_warehouse.sh"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert _outdated(tiny_db) is None


def test_make_run_builds_the_sample_warehouse_with_a_short_report(tmp_path: Path) -> None:
    """The first `make run` printed ~4,400 lines of per-file results, burying the dashboard's
    address: the terminal gets the totals, the file-by-file report goes to a JSON beside the
    warehouse."""
    db = tmp_path / "warehouse.duckdb"
    out = subprocess.run(
        ["bash", "scripts/build_warehouse.sh"],
        cwd=ROOT,
        env=dict(os.environ, OVERSIGHT_DB=str(db)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) <= 5 and "531 files: 88,628 rows loaded, 7 quarantined" in out.stdout, out.stdout
    report = json.loads((tmp_path / "warehouse_sample_load.json").read_text(encoding="utf-8"))
    assert len(report["files"]) == 531 and _outdated(db) is None
