"""数据 through AppTest: any view within the filters, chosen columns, row count, screen cap."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from oversight.queries import data as dataq

ROOT = Path(__file__).resolve().parents[2]
XINZHENG = "511324101000"


def _clear() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def page(tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The 数据 page opened directly by its URL (no visit to the overview first)."""
    monkeypatch.setenv("OVERSIGHT_DB", str(tiny_db))
    _clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.switch_page("pages/data.py").run()
    assert not at.exception
    yield at
    _clear()


def _count(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**共"))


def test_monthly_indicators_within_the_filters(page: AppTest) -> None:
    assert page.title[0].value == "数据"
    assert _count(page) == "**共 12 行**"
    table = page.dataframe[0].value
    assert "source_file" not in table.columns  # lineage columns are off by default
    page.sidebar.multiselect(key="w_f_towns").set_value([XINZHENG]).run()
    assert _count(page) == "**共 6 行**"
    assert set(page.dataframe[0].value["town_name"]) == {"新政镇"}


def test_choose_columns_and_sort(page: AppTest) -> None:
    page.multiselect(key="data_cols_community_month").set_value(["community_name", "households"]).run()
    page.selectbox(key="data_sort_community_month").set_value("households").run()
    page.toggle(key="data_desc_community_month").set_value(True).run()
    table = page.dataframe[0].value
    assert table.columns.tolist() == ["community_name", "households"]
    assert table["households"].tolist()[:3] == [3000, 3000, 3000]


def test_other_views_and_an_empty_one(page: AppTest) -> None:
    page.selectbox(key="data_view").set_value("community").run()
    assert _count(page) == "**共 348 行**"  # the registry: every village and community
    assert set(page.dataframe[0].value["community_type"]) == {"社区", "村"}
    page.sidebar.radio(key="w_f_lang").set_value("en").run()
    assert set(page.dataframe[0].value["community_type"]) == {"Urban community", "Village"}
    page.sidebar.radio(key="w_f_lang").set_value("zh").run()
    page.selectbox(key="data_view").set_value("request_case").run()
    assert any("当前筛选条件下没有数据" in i.value for i in page.info)


def test_screen_shows_a_capped_page_but_counts_everything(page: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dataq, "SCREEN_ROWS", 5)
    page.run()
    assert _count(page) == "**共 12 行**"
    assert len(page.dataframe[0].value) == 5
    assert "屏幕上显示前 5 行；下载包含全部 12 行。" in [c.value for c in page.caption]
    labels = [b.label for b in page.get("download_button")]
    assert labels == ["下载 Excel", "下载 CSV"]


def test_english_labels(page: AppTest) -> None:
    page.sidebar.radio(key="w_f_lang").set_value("en").run()
    assert page.title[0].value == "Data"
    assert "**12 rows**" in [m.value for m in page.markdown]
    assert page.selectbox(key="data_view").value == "community_month"
    assert "Monthly indicators" in page.selectbox(key="data_view").options
    assert "Service-centre area (m²)" in page.multiselect(key="data_cols_community_month").options


def test_language_switch_relabels_the_chosen_table(page: AppTest) -> None:
    page.selectbox(key="data_view").set_value("request_case").run()
    page.sidebar.radio(key="w_f_lang").set_value("en").run()
    box = page.selectbox(key="data_view")
    assert box.value == "request_case"
    assert box.proto.set_value and box.proto.raw_value == "Resident requests"


def test_monthly_indicators_summed_per_community_with_a_total_row(page: AppTest) -> None:
    page.radio(key="data_group_by").set_value("community").run()
    assert not page.exception
    table = page.dataframe[0].value.set_index("unit_name")
    # three months of the tiny county (tests/conftest.py): hours summed, households at the last month
    assert table.loc["东北社区", "volunteer_hours"] == 600 and table.loc["临江社区", "volunteer_hours"] == 300
    assert pd.isna(table.loc["华堂村", "volunteer_hours"])  # never reported: missing, not 0
    assert table.loc["东北社区", "households"] == 3000
    assert table.loc["东北社区", "resolution_rate"] == pytest.approx(95.0)  # shown in %
    assert table.loc["合计", "volunteer_hours"] == 1050 and table.loc["合计", "households"] == 6500
    assert table.loc["合计", "resolution_rate"] == pytest.approx(100 * 164 / 180)  # sum ÷ sum, not a mean
    page.radio(key="data_group_by").set_value("month").run()
    months = page.dataframe[0].value
    assert months["month"].tolist() == ["2024-01", "2024-02", "2024-03", "合计"]
    assert months["volunteer_hours"].tolist() == [350, 350, 350, 1050]


def test_the_etl_messages_read_in_the_language_of_the_ui(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The quarantine's reasons and the load log's messages are stored "中文 / English"; the page
    and its download showed both halves to everyone."""
    monkeypatch.setenv("OVERSIGHT_DB", str(sample_db))
    _clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.switch_page("pages/data.py").run()
    at.selectbox(key="data_view").set_value("quarantine").run()
    shown = list(at.dataframe[0].value.columns)
    assert shown.index("reason") < shown.index("original") == len(shown) - 1  # the reason in view, raw cells last
    zh = at.dataframe[0].value["reason"]
    assert len(zh) >= 5 and not zh.str.contains(" / ").any(), zh.head().tolist()
    assert zh.str.contains("不是数字").any()
    at.sidebar.radio(key="w_f_lang").set_value("en").run()
    en = at.dataframe[0].value["reason"]
    assert en.str.contains("is not a number").any() and not en.str.contains("不是数字").any()
    at.selectbox(key="data_view").set_value("load_log").run()
    messages = at.dataframe[0].value["message"]
    assert messages.str.startswith("Loaded").any() and not messages.str.contains("装载").any()
    # The load time is shown to the second (as in the file), not cut to its day.
    config = json.loads(at.dataframe[0].proto.columns)["loaded_at"]
    assert config["type_config"] == {"type": "datetime", "format": "YYYY-MM-DD HH:mm:ss"}, config
    _clear()
