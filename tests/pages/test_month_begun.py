"""A month that has only begun to come in (issue 16.1, first part): one community has sent
2024-04 while the other three have not. A fresh visit still shows the last complete month; the
begun month is shown only when picked, with a banner saying how many reported; the profile of a
community without a report that month opens (its rank is missing, not an error)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from etl.load import load_paths

ROOT = Path(__file__).resolve().parents[2]
XINZHENG, LINJIANG = "511324101000", "511324101002"


@pytest.fixture
def begun(tiny_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    april = tmp_path / "新政镇_2024年4月.csv"
    april.write_text(
        "报告月份,乡镇(街道),村(社区),户数,诉求受理数,诉求办结数\n2024-04,新政镇,东北社区,3000,10,9\n", encoding="utf-8"
    )
    (r,) = load_paths([april], db=tiny_db)
    assert r.status == "loaded"
    monkeypatch.setenv("OVERSIGHT_DB", str(tiny_db))
    st.cache_data.clear()
    yield tiny_db
    st.cache_data.clear()


def _run(script: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / script), default_timeout=30)
    at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_fresh_visit_shows_the_last_complete_month(begun: Path) -> None:
    at = _run("dashboard.py")
    assert "2024年1月 – 2024年3月" in at.caption[0].value
    assert not any("尚不完整" in w.value for w in at.warning)


def test_the_begun_month_when_picked_says_how_many_reported(begun: Path) -> None:
    at = _run("dashboard.py", **{"from": "2024-04", "to": "2024-04"})
    assert any("2024年4月 仅 1/4 个村(社区)报送" in w.value for w in at.warning)
    en = _run("dashboard.py", **{"from": "2024-04", "to": "2024-04", "lang": "en"})
    assert any("only 1 of 4 communities have reported" in w.value for w in en.warning)


def test_the_profile_of_a_community_that_has_not_reported_opens(begun: Path) -> None:
    at = _run("pages/profile.py", town=XINZHENG, comm=LINJIANG, **{"from": "2024-01", "to": "2024-04"})
    assert any("尚不完整" in w.value for w in at.warning)
