"""Shared fixtures: a tiny hand-written warehouse, and the sample warehouse built by the real ETL."""

from __future__ import annotations

from collections.abc import Iterator
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


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample county (data/sample/, what `make run` loads) loaded by the real ETL,
    once per session. tests/sample/test_sample.py checks data/sample is what the generator writes."""
    from etl.load import load_paths

    db = tmp_path_factory.mktemp("sample") / "warehouse.duckdb"
    load_paths([ROOT / "data" / "sample"], db=db)
    return db


@pytest.fixture(scope="session")
def quality_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse with a planted contradiction for every credibility rule (tests/quality_fixtures.py)."""
    from tests.quality_fixtures import build_quality

    return build_quality(tmp_path_factory.mktemp("quality") / "quality.duckdb")


@pytest.fixture(scope="session")
def states_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse in the states a county is in — a month just begun, a community that never
    reported, a township without data, a roster without a monthly report
    (tests/pages_fixtures.py build_states), once per session."""
    from tests.pages_fixtures import build_states

    return build_states(tmp_path_factory.mktemp("states"))
