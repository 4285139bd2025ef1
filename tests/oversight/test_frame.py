"""The frame every page shares, driven through AppTest on the tiny warehouse: filters in the
URL, kept across pages, language switch, empty and missing-data messages."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from oversight import frame
from oversight.filters import Filters

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = str(ROOT / "dashboard.py")
XINZHENG, DONGBEI, BAIXI = "511324101000", "511324101001", "511324101003"


def _clear() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app(tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("OVERSIGHT_DB", str(tiny_db))
    _clear()
    yield AppTest.from_file(DASHBOARD, default_timeout=30)
    _clear()


def _caption(at: AppTest) -> str:
    return at.caption[0].value  # breadcrumb | period | data as of


def _links(at: AppTest) -> list[str]:
    return [e.proto.label for e in at.sidebar.get("page_link")]


def test_filters_come_from_the_url_and_go_back_into_it(app: AppTest) -> None:
    app.query_params.update({"town": XINZHENG, "comm": DONGBEI, "from": "2024-02", "to": "2024-03"})
    app.run()
    assert not app.exception
    assert app.sidebar.multiselect(key="w_f_towns").value == [XINZHENG]
    assert app.sidebar.multiselect(key="w_f_comms").value == [DONGBEI]
    assert app.sidebar.select_slider(key="w_f_months").value == (date(2024, 2, 1), date(2024, 3, 1))
    assert _caption(app).startswith("全县 › 新政镇 › 东北社区")
    assert "2024年2月 – 2024年3月" in _caption(app)
    assert app.query_params == {"town": XINZHENG, "comm": DONGBEI, "from": "2024-02", "to": "2024-03"}

    app.sidebar.multiselect(key="w_f_comms").set_value([]).run()
    assert app.query_params == {"town": XINZHENG, "from": "2024-02", "to": "2024-03"}
    assert _caption(app).startswith("全县 › 新政镇　")


def test_a_long_community_list_waits_for_a_township(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    # The registry's 348 communities over a limit of 40 (a province's 17,400 over 2,000): none
    # offered until a township narrows the list (新政镇: 36); one named in a link stays chosen.
    monkeypatch.setattr(frame.shell, "COMMUNITY_OPTIONS", 40)
    app.run()
    comms = app.sidebar.multiselect(key="w_f_comms")
    assert comms.options == [] and comms.disabled
    assert comms.placeholder == "先选乡镇(街道)或片区，再选村(社区)"
    app.sidebar.multiselect(key="w_f_towns").set_value([XINZHENG]).run()
    comms = app.sidebar.multiselect(key="w_f_comms")
    assert len(comms.options) == 36 and comms.options[:2] == ["东北社区", "临江社区"] and not comms.disabled

    linked = AppTest.from_file(DASHBOARD, default_timeout=30)
    linked.query_params["comm"] = DONGBEI
    linked.run()
    comms = linked.sidebar.multiselect(key="w_f_comms")
    assert comms.value == [DONGBEI] and comms.options == ["新政镇 · 东北社区"] and not comms.disabled
    assert linked.query_params["comm"] == DONGBEI
    assert _caption(linked).startswith("全县 › 新政镇 › 东北社区")


def test_filters_are_kept_when_moving_to_another_page(app: AppTest) -> None:
    app.run()
    app.sidebar.multiselect(key="w_f_towns").set_value([XINZHENG]).run()
    app.sidebar.select_slider(key="w_f_months").set_range(date(2024, 2, 1), date(2024, 2, 1)).run()
    app.switch_page("pages/data.py").run()
    assert not app.exception
    assert app.title[0].value == "数据"
    assert app.sidebar.multiselect(key="w_f_towns").value == [XINZHENG]
    assert _caption(app).startswith("全县 › 新政镇　|　2024年2月")
    assert app.query_params == {"town": XINZHENG, "from": "2024-02", "to": "2024-02"}
    assert "**共 2 行**" in [m.value for m in app.markdown]  # 东北 + 临江 in February


def test_language_switch_changes_labels_and_url(app: AppTest) -> None:
    app.run()
    assert app.title[0].value == "总览"
    assert "数据" in _links(app)
    app.sidebar.radio(key="w_f_lang").set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "Overview"
    assert app.sidebar.multiselect(key="w_f_towns").label == "Townships"
    assert "Data" in _links(app) and "数据" not in _links(app)
    assert _caption(app).startswith("Whole county　|　Jan 2024 – Mar 2024　|　Data as of Mar 2024")
    assert app.query_params["lang"] == "en"
    assert "Resolution rate" in [m.label for m in app.metric]


def test_english_link_opens_in_english(app: AppTest) -> None:
    app.query_params["lang"] = "en"
    app.run()
    assert app.title[0].value == "Overview"
    assert app.sidebar.radio(key="w_f_lang").value == "en"


def test_selection_without_data_says_so(app: AppTest) -> None:
    app.query_params.update({"town": XINZHENG, "comm": BAIXI})  # 白溪社区 sent no reports
    app.run()
    assert not app.exception
    assert any("当前筛选条件下没有数据" in i.value for i in app.info)


def test_bad_url_values_fall_back_to_the_whole_county(app: AppTest) -> None:
    app.query_params.update({"town": "999,<script>", "comm": "x", "group": "nope", "from": "2024-13", "to": "abc"})
    app.run()
    assert not app.exception
    assert _caption(app).startswith("全县　|　2024年1月 – 2024年3月")
    assert app.query_params == {"from": "2024-01", "to": "2024-03"}


def test_missing_warehouse_says_how_to_build_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERSIGHT_DB", str(tmp_path / "nothing-here.duckdb"))
    _clear()
    at = AppTest.from_file(DASHBOARD, default_timeout=30).run()
    assert not at.exception
    assert "找不到数据仓库文件 `nothing-here.duckdb`" in at.error[0].value
    assert str(tmp_path) not in at.error[0].value  # never a server path
    assert at.code[0].value == "python -m etl load data/sample"
    at.sidebar.radio(key="w_f_lang").set_value("en").run()
    assert "was not found" in at.error[0].value


def test_level() -> None:
    d = date(2024, 1, 1)
    assert Filters("zh", (), None, (), d, d).level == "county"
    assert Filters("zh", (XINZHENG,), None, (), d, d).level == "town"
    assert Filters("zh", (XINZHENG,), None, (DONGBEI,), d, d).level == "community"
    assert Filters("zh", (XINZHENG, "511324100000"), None, (), d, d).level == "county"


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        ("0", "off"),
        ("+0.0%", "off"),
        ("-0.0个百分点", "off"),
        ("+0.0 pts", "off"),
        ("+0.1 pp", "normal"),
        ("-1,200", "normal"),
    ],
)
def test_zero_change_is_neutral(delta: str, expected: str) -> None:
    assert frame.delta_style(delta)["delta_color"] == expected
    assert (frame.change_colour(delta) == "gray") == (expected == "off")


def test_card_labels_are_short_in_english() -> None:
    assert frame.card_label("party_org_coverage", "en") == "Party-org coverage"
    assert frame.card_label("service_center_m2", "en") == "Centre area (m²)"
    assert frame.card_label("m2_per_100_households", "zh") == "每百户服务设施面积(㎡/百户)"


def test_table_shows_months_as_year_month_and_shares_with_one_decimal() -> None:
    def script() -> None:
        from datetime import date

        import pandas as pd

        from oversight.frame import table

        table(pd.DataFrame({"roster_month": [date(2026, 10, 1)], "resolution_rate": [0.90909]}))

    at = AppTest.from_function(script, default_timeout=30).run()
    assert not at.exception
    config = at.dataframe[0].proto.columns
    assert '"format":"YYYY-MM"' in config.replace(" ", "")
    assert '"format":"%.1f%%"' in config.replace(" ", "")
    assert at.dataframe[0].value["resolution_rate"].iloc[0] == pytest.approx(90.909)


def test_clicking_a_bar_narrows_the_filters_to_it() -> None:
    """The on_select callback every per-unit chart uses: a township's bar drills into that
    township (and clears picked communities); a community's bar picks that community; a click
    beside the bars changes nothing."""

    def script() -> None:
        from types import SimpleNamespace

        import streamlit as st

        from oversight.frame import components

        def click(key: str, points: list[dict], by_town: bool) -> None:
            st.session_state[key] = SimpleNamespace(selection=SimpleNamespace(points=points))
            components._drill_from_chart(key, by_town)

        st.session_state["f_comms"] = ["511324100012"]
        click("bar_towns", [{"customdata": ["511324101000"]}], True)
        st.session_state["after_town"] = (list(st.session_state["f_towns"]), list(st.session_state["f_comms"]))
        click("bar_comms", [{"customdata": ["511324101001"]}], False)
        st.session_state["after_comm"] = (list(st.session_state["f_towns"]), list(st.session_state["f_comms"]))
        click("off_bars", [], True)
        st.session_state["after_miss"] = (list(st.session_state["f_towns"]), list(st.session_state["f_comms"]))

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(script, default_timeout=30).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["after_town"] == (["511324101000"], [])
    assert at.session_state["after_comm"] == (["511324101000"], ["511324101001"])
    assert at.session_state["after_miss"] == at.session_state["after_comm"]


def test_the_browser_never_gets_a_traceback() -> None:
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["enableXsrfProtection"] is True


def test_the_breadcrumb_goes_back_up_with_a_click(app: AppTest) -> None:
    app.query_params.update({"town": XINZHENG, "comm": DONGBEI, "from": "2024-02", "to": "2024-03"})
    app.run()
    assert [b.label for b in app.button if b.key.startswith("crumb_")] == ["↰ 全县", "↰ 新政镇"]
    app.button(key="crumb_town").click().run()
    assert app.query_params == {"town": XINZHENG, "from": "2024-02", "to": "2024-03"}
    assert _caption(app).startswith("全县 › 新政镇　")
    app.button(key="crumb_county").click().run()
    assert "town" not in app.query_params and _caption(app).startswith("全县　")
    assert not [b for b in app.button if b.key.startswith("crumb_")]  # at the top: nothing above


def test_table_writes_counts_with_thousands_separators_but_not_ids() -> None:
    """各类别办结用时 showed 2274 件 and 阵地's project table 1800 ㎡ beside metric columns reading
    3,900 (new-user pass): a whole-number column gets the separators, a row number does not."""

    def script() -> None:
        import pandas as pd

        from oversight.frame import table

        table(pd.DataFrame({"cases": [2274, 3], "area_added": [1800.0, 2100.0], "row_number": [1204, 5]}))

    at = AppTest.from_function(script, default_timeout=30).run()
    assert not at.exception
    columns = json.loads(at.dataframe[0].proto.columns)
    assert columns["cases"]["type_config"]["format"] == "%,.0f"
    assert columns["area_added"]["type_config"]["format"] == "%,.0f"
    assert "format" not in columns["row_number"].get("type_config", {})
