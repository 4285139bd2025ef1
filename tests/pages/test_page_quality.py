"""数据质量 through AppTest on the planted warehouse (tests/quality_fixtures.py): the counts, the
flags by township, a flag's rows, the reporting-quality ranking, English."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def page(quality_db: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    monkeypatch.setenv("OVERSIGHT_DB", str(quality_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.query_params["from"] = "2024-01"
    at.query_params["to"] = "2024-07"
    at.switch_page("pages/quality.py").run()
    assert not at.exception, at.exception
    yield at
    st.cache_data.clear()
    st.cache_resource.clear()


def _frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe if isinstance(d.value, pd.DataFrame)]


def test_flags_by_township_and_community_and_the_ranking(page: AppTest) -> None:
    assert page.title[0].value == "数据质量"
    assert [m.value for m in page.metric] == ["11", "5", "6", "4"]
    towns = next(f for f in _frames(page) if "communities_flagged" in f.columns)
    assert towns.set_index("town_name").loc["金城镇", ["errors", "warnings"]].tolist() == [3, 3]
    flags = next(f for f in _frames(page) if "detail" in f.columns)
    assert "月报诉求办结数3件，民情诉求台账2件" in set(flags["detail"])
    assert not flags["source_file"].str.contains("/").any()  # never a server folder
    score = next(f for f in _frames(page) if "quality_score" in f.columns).set_index("community_name")
    assert score.loc["东北社区", "quality_rank"] == 1 and score.loc["华堂村", "peer_group"] == "村"
    assert len(page.get("download_button")) >= 4  # flags and scores, Excel and CSV


def test_english(page: AppTest) -> None:
    page.sidebar.radio(key="w_f_lang").set_value("en").run()
    assert not page.exception, page.exception
    assert page.title[0].value == "Data quality"
    flags = next(f for f in _frames(page) if "detail" in f.columns)
    assert "Same as last month" in set(flags["rule"])
    assert any(d.startswith("monthly report: requests resolved 3") for d in flags["detail"])


def test_months_without_flags_say_where_the_flags_are(quality_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample's flags are all older than the default twelve months, so a new user saw only
    "没有数据质量提示" and concluded the page does nothing (new-user pass)."""
    monkeypatch.setenv("OVERSIGHT_DB", str(quality_db))
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.query_params["from"] = "2024-04"  # the one month without a planted flag
    at.query_params["to"] = "2024-04"
    at.switch_page("pages/quality.py").run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["所选范围和月份内没有数据质量提示。"]
    [info] = [i.value for i in at.info if "其他月份" in i.value]
    assert info == "其他月份有 11 条提示（最近一条在 2024年7月）：在侧栏把月份范围放宽即可看到。"
    st.cache_data.clear()
