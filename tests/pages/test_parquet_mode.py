"""The dashboard on a Parquet export (OVERSIGHT_PARQUET): the reading pages show the warehouse's
figures, the upload page says it cannot load in that mode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

from etl.export import export_parquet
from tests.pages_fixtures import build_pages_db, metrics, run_page


@pytest.fixture
def parquet_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    db = build_pages_db(tmp_path / "pages.duckdb")
    export_parquet(db, tmp_path / "parquet")
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield db
    st.cache_data.clear()
    st.cache_resource.clear()


def test_requests_page_reads_the_export_with_the_warehouse_figures(
    parquet_mode: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_file = metrics(run_page("requests"))
    monkeypatch.setenv("OVERSIGHT_PARQUET", str(parquet_mode.parent / "parquet"))
    monkeypatch.setenv("OVERSIGHT_DB", str(parquet_mode.parent / "gone.duckdb"))
    st.cache_data.clear()
    on_export = metrics(run_page("requests"))
    assert on_export == on_file and len(on_file) >= 3


def test_upload_page_says_it_is_unavailable(parquet_mode: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERSIGHT_PARQUET", str(parquet_mode.parent / "parquet"))
    at = run_page("upload")
    assert any("Parquet" in i.value and "python -m etl load" in i.value for i in at.info)
    assert not at.get("file_uploader")
