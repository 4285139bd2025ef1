"""No server path reaches a user: the 数据 page's views show and download a source file by its
name only (the ETL stores the path it loaded from), on the sample county loaded by the real ETL
from data/sample/ — so the paths held are this checkout's absolute ones."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from core.paths import ROOT
from oversight.filters import Filters
from oversight.queries import data
from tests.conftest import serving


@pytest.fixture
def on_sample(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with serving(sample_db, monkeypatch) as db:
        yield db


def test_the_data_page_names_files_without_the_servers_folders(on_sample: Path) -> None:
    f = Filters("zh", (), None, (), date(2020, 1, 1), date(2030, 12, 1), None)
    checked = 0
    for name in data.views_for(f):
        cols = data.columns(name)
        shown = data.rows(name, f, cols, limit=None, cached=False)
        text = shown.astype(str).to_csv()
        assert str(ROOT) not in text and str(on_sample.parent) not in text, name
        for col in data.FILE_COLUMNS & set(cols):
            files = shown[col].dropna()
            assert len(files) and not files.str.contains("/").any(), (name, col)
            assert files.str.endswith((".xlsx", ".xls", ".csv")).all(), (name, col)  # still the file's name
            checked += 1
    assert checked >= 3  # the monthly rows, the load log and the quarantine at least


def test_the_quarantine_table_names_each_report_kind_in_the_senders_terms(
    on_sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """隔离数据 on the 数据 page: 报表类型 月度指标, not monthly (new-user pass)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=60).run()
    at.selectbox(key="data_view").set_value("quarantine").run()
    assert not at.exception
    (shown,) = [d.value for d in at.dataframe]
    kinds = set(shown["kind"].dropna())
    assert kinds and kinds <= {"月度指标", "小区党组织", "阵地建设", "志愿服务", "民情诉求"}
