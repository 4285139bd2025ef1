"""A small warehouse for the page tests: conftest's tiny monthly indicators (4 communities ×
2024-01..03) plus hand-written 小区 rosters, projects, volunteer activities and request cases,
each small enough to compute every figure by hand (expected values in tests/oversight/test_queries_pages.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.contract import MONTHLY
from etl.load import load_paths
from etl.warehouse import writer
from tests.conftest import build_tiny

D = date
# (community, month, neighbourhood, households, has_org, form, property_org, owners, groups, hubs, posts)
ROSTER = [
    ("东北社区", D(2024, 3, 1), "锦绣苑", 800, True, "党支部", True, True, 3, 5, 2),
    ("东北社区", D(2024, 3, 1), "滨江花园", 600, True, "党支部", False, True, 2, 4, 1),
    ("东北社区", D(2024, 3, 1), "老街院落", 300, False, None, False, False, 0, 0, 0),
    ("临江社区", D(2024, 3, 1), "临江小区", 500, True, "联合党支部", True, True, 1, 2, 1),
    ("临江社区", D(2024, 3, 1), "北门院落", 400, False, None, False, True, 0, 1, 0),
    # 金新社区: January's roster is superseded by February's.
    ("金新社区", D(2024, 1, 1), "金新苑", 700, False, None, False, False, 0, 0, 0),
    ("金新社区", D(2024, 2, 1), "金新苑", 700, True, "党小组", False, False, 2, 3, 2),
]
# (community, completed_on, type, area added, rooms, platforms)
PROJECTS = [
    ("东北社区", D(2024, 2, 15), "改扩建", 600.0, 3, 4),
    ("临江社区", D(2024, 3, 10), "亲民化改造", None, 2, 1),
    ("金新社区", D(2024, 1, 20), "新建", 300.0, 4, 2),
    ("华堂村", D(2023, 12, 1), "功能整合", 50.0, 1, 0),  # before the range
]
# (community, date, name, category, participants, hours)
ACTIVITIES = [
    ("东北社区", D(2024, 1, 5), "党课进小区", "党建服务", 10, 20.0),
    ("东北社区", D(2024, 2, 5), "夜间巡逻", "平安服务", 15, 30.0),
    ("临江社区", D(2024, 3, 5), "义诊", "便民服务", 5, 10.0),
    ("金新社区", D(2024, 3, 7), "坝坝电影", "文化服务", 8, 16.0),
    ("华堂村", D(2024, 2, 2), "清扫", None, 4, 8.0),
]
# (case, community, received, category, source, resolved, on_time, follow-up)
CASES = [
    ("R1", "东北社区", D(2024, 1, 2), "民情服务", "网格", D(2024, 1, 5), True, "满意"),  # 3 working days
    ("R2", "东北社区", D(2024, 1, 10), "便民服务", "电话", D(2024, 1, 24), False, "不满意"),  # 10
    ("R3", "临江社区", D(2024, 2, 1), "平安服务", "12345", None, None, "未回访"),  # open
    ("R4", "金新社区", D(2024, 3, 4), "协商服务", "线上", D(2024, 3, 6), True, "基本满意"),  # 2
    ("R5", "华堂村", D(2024, 3, 20), "便民服务", "来访", None, None, None),  # open
    ("R6", "临江社区", D(2023, 12, 28), "便民服务", "网格", D(2024, 1, 3), True, "满意"),  # 4
]


def _insert(con, table: str, df: pd.DataFrame) -> None:  # noqa: ANN001
    df = df.assign(load_id=0, source_file="pages.xlsx", source_sheet=table, source_row=range(4, 4 + len(df)))
    cols = ", ".join(df.columns)
    con.register("frame_in", df)
    con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM frame_in")
    con.unregister("frame_in")


def build_pages_db(db: Path) -> Path:
    """The tiny warehouse plus the rows above, at `db`."""
    build_tiny(db)
    with writer(db) as con:
        code = dict(con.execute("SELECT community_name, community_code FROM ref_community").fetchall())
        roster = pd.DataFrame(
            ROSTER,
            columns=[
                "community_code", "month", "neighborhood_name", "households", "has_party_org", "party_org_form",
                "has_property_party_org", "has_owners_committee", "building_party_groups", "party_hub_households",
                "vanguard_posts",
            ],
        )  # fmt: skip
        projects = pd.DataFrame(
            PROJECTS,
            columns=[
                "community_code",
                "completed_on",
                "project_type",
                "area_added_m2",
                "rooms_integrated",
                "service_platforms",
            ],
        )
        activities = pd.DataFrame(
            ACTIVITIES,
            columns=["community_code", "activity_date", "activity_name", "service_category", "participants", "hours"],
        )
        cases = pd.DataFrame(
            CASES,
            columns=[
                "case_id",
                "community_code",
                "received_on",
                "category",
                "source",
                "resolved_on",
                "on_time",
                "followup_result",
            ],
        )
        for table, df in (
            ("stg_roster", roster),
            ("stg_project", projects),
            ("stg_activity", activities),
            ("stg_request", cases),
        ):
            df["community_code"] = df["community_code"].map(code)
            _insert(con, table, df)
    return db


# ------------------------------------------------- the states a county is in (issue 16.1b)

PINGSHAN, BAIXI = "511324101004", "511324101003"  # 新政镇: never reported; a roster only
# 东北社区's April: the whole template, as an office sends it (hours and requests of a month
# that has only begun for everyone else).
APRIL = {
    "month": "2024-04",
    "town_name": "新政镇",
    "community_name": "东北社区",
    "reported_on": "2024-05-06",
    "households": 3000,
    "population": 9000,
    "party_members": 150,
    "neighborhoods": 4,
    "neighborhoods_with_party_org": 4,
    "grids": 6,
    "grid_workers_fulltime": 6,
    "grid_workers_parttime": 12,
    "service_center_m2": 1800,
    "service_platforms": 10,
    "volunteers_registered": 50,
    "volunteer_hours": 20,
    "volunteer_activities": 1,
    "requests_received": 10,
    "requests_resolved": 9,
    "requests_on_time": 8,
    "followups_satisfied": 7,
    "followups_total": 9,
    "disputes_mediated": 0,
}


def build_states(folder: Path) -> Path:
    """The page test warehouse in `folder` with a month just begun (东北社区's whole 2024-04
    report APRIL, loaded by the real ETL; the others have not sent April), 平山社区 never
    reporting, 度门街道 without data and 白溪社区 with a 小区 roster (2024-03) but no monthly
    report. tests/conftest.py `states_db` builds it once per session."""
    db = build_pages_db(folder / "states.duckdb")
    csv = folder / "新政镇_2024年4月.csv"
    header = [MONTHLY.column(c).zh for c in APRIL]
    csv.write_text(",".join(header) + "\n" + ",".join(str(v) for v in APRIL.values()) + "\n", encoding="utf-8")
    (r,) = load_paths([csv], db=db)
    assert r.status == "loaded" and r.rows_loaded == 1
    with writer(db) as con:
        roster = pd.DataFrame(
            [(BAIXI, date(2024, 3, 1), "白溪苑", 420, True, "党支部", False, True, 1, 2, 1)],
            columns=[
                "community_code", "month", "neighborhood_name", "households", "has_party_org", "party_org_form",
                "has_property_party_org", "has_owners_committee", "building_party_groups", "party_hub_households",
                "vanguard_posts",
            ],
        )  # fmt: skip
        _insert(con, "stg_roster", roster)
    return db


# ---------------------------------------------------------------- pytest helpers for page tests

XINZHENG, JINCHENG, DUMEN = "511324101000", "511324100000", "511324001000"  # 新政镇, 金城镇, 度门街道 (no data)
PAGES = Path(__file__).resolve().parents[1] / "pages"


@pytest.fixture
def pages_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The page test warehouse as OVERSIGHT_DB, with Streamlit's caches cleared around the test."""
    db = build_pages_db(tmp_path / "pages.duckdb")
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield db
    st.cache_data.clear()
    st.cache_resource.clear()


def run_page(name: str) -> AppTest:
    """pages/<name>.py run once through AppTest, with no exception."""
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=30).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> str:
    """Every title, header, caption, markdown and notice on the page, joined."""
    parts = [
        e.value for kind in ("title", "subheader", "caption", "markdown", "info", "success") for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def chart_titles(at: AppTest) -> list[str]:
    """Titles of the plotly charts on the page, as read: a long title wrapped onto several lines
    (figures.base.wrap_title) is joined with spaces."""
    out = []
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        out.append(spec["layout"]["title"]["text"].replace("<br>", " "))
    return out


def set_towns(at: AppTest, codes: list[str]) -> AppTest:
    at.multiselect(key="w_f_towns").set_value(codes).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def set_lang(at: AppTest, lang: str) -> AppTest:
    at.radio(key="w_f_lang").set_value(lang).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def empty_shown(at: AppTest) -> bool:
    return any("当前筛选条件下没有数据" in i.value or "No data for this selection" in i.value for i in at.info)
