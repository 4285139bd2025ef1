"""Shared fixtures: a tiny hand-written warehouse, and the sample warehouse built by the real ETL."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from etl.warehouse import writer

ROOT = Path(__file__).resolve().parents[1]
FILES = Path(__file__).with_name("files")

# Four communities in two townships, three months: small enough to compute every figure by hand.
# 东北社区 and 临江社区 are in 新政镇 (城乡融合片区一组), 金新社区 and 华堂村 in 金城镇.
TINY_COMMUNITIES = ("东北社区", "临江社区", "金新社区", "华堂村")


def _code(con, name: str) -> str:  # noqa: ANN001
    return con.execute("SELECT community_code FROM ref_community WHERE community_name = ?", [name]).fetchall()[0][0]


def build_tiny(db: Path) -> Path:
    """Write the tiny warehouse to `db` (see TINY_* above for its contents)."""
    with writer(db) as con:
        codes = {n: _code(con, n) for n in TINY_COMMUNITIES}
        rows = []
        for i, month in enumerate(["2024-01-01", "2024-02-01", "2024-03-01"]):
            for name, hh, m2, recv, res, vol_h in [
                ("东北社区", 3000, 1800.0, 100, 95, 200.0),
                ("临江社区", 2000, 400.0, 50, 40, 100.0),
                ("金新社区", 1000, 300.0, 20, 20, 50.0),
                ("华堂村", 500, 100.0, 10, 9, None),
            ]:
                rows.append(
                    {
                        "community_code": codes[name],
                        "month": pd.Timestamp(month).date(),
                        "reported_on": pd.Timestamp(month).date() + pd.Timedelta(days=35),
                        "households": hh,
                        "population": hh * 3,
                        "party_members": hh // 20,
                        "neighborhoods": 4 if name != "华堂村" else 0,
                        "neighborhoods_with_party_org": (3 + (i == 2)) if name != "华堂村" else 0,
                        "grids": 6,
                        "grid_workers_fulltime": 6,
                        "grid_workers_parttime": 12,
                        "service_center_m2": m2,
                        "service_platforms": 10,
                        "volunteers_registered": 50,
                        "volunteer_hours": vol_h,
                        "volunteer_activities": 3,
                        "requests_received": recv,
                        "requests_resolved": res,
                        "requests_on_time": res - 1,
                        "followups_satisfied": res - 2,
                        "followups_total": res,
                        "disputes_mediated": 1,
                        "load_id": 0,
                        "source_file": "tiny.xlsx",
                        "source_sheet": "月度指标",
                        "source_row": len(rows) + 4,
                    }
                )
        df = pd.DataFrame(rows)  # noqa: F841  (read by the SQL below)
        cols = ", ".join(df.columns)
        con.execute(f"INSERT INTO stg_monthly ({cols}) SELECT {cols} FROM df")
    return db


@contextmanager
def serving(db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The dashboard's queries read `db` (OVERSIGHT_DB), with Streamlit's caches empty on the way
    in and out, so no other test's results or figures are served from them."""
    import streamlit as st

    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        yield db
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


@pytest.fixture
def tiny_db(tmp_path: Path) -> Path:
    """A fresh tiny warehouse file (path)."""
    return build_tiny(tmp_path / "tiny.duckdb")


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], Path]) -> Path:
    """The path `build(folder)` returns, built once for the whole run: alone, in a fresh temp
    folder; under pytest-xdist (`make test` runs two processes), by the first process to take the
    lock in the run's shared temp folder, the others waiting and reading the same file. Only for
    warehouses that tests read and never write (a shared file written by one process would change
    under the other's tests)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return build(tmp_path_factory.mktemp(name))
    folder = tmp_path_factory.getbasetemp().parent / f"shared-{name}"
    folder.mkdir(exist_ok=True)
    with (folder.parent / f"shared-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        done = folder / ".built"
        if not done.exists():
            done.write_text(str(build(folder)), encoding="utf-8")
        return Path(done.read_text(encoding="utf-8"))


def _load_sample(folder: Path) -> Path:
    from etl.load import load_paths

    db = folder / "warehouse.duckdb"
    load_paths([ROOT / "data" / "sample"], db=db)
    return db


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample county (data/sample/, what `make run` loads) loaded by the real ETL,
    once per run (built_once). tests/sample/test_sample.py checks data/sample is what the generator writes."""
    return built_once(tmp_path_factory, "sample", _load_sample)


@pytest.fixture(scope="session")
def quality_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse with a planted contradiction for every credibility rule (tests/quality_fixtures.py), once per run."""
    from tests.quality_fixtures import build_quality

    return built_once(tmp_path_factory, "quality", lambda folder: build_quality(folder / "quality.duckdb"))


@pytest.fixture(scope="session")
def states_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse in the states a county is in — a month just begun, a community that never
    reported, a township without data, a roster without a monthly report
    (tests/pages_fixtures.py build_states), once per run."""
    from tests.pages_fixtures import build_states

    return built_once(tmp_path_factory, "states", build_states)
