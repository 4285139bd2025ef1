"""The read side's shared SQL, overview and data queries on the tiny warehouse, against
figures computed by hand from tests/conftest.py (4 communities × 2024-01..03):

  东北社区 (新政镇, 城乡融合片区一组)  3000 households, 1800 ㎡, 100 received / 95 resolved, 200 h
  临江社区 (新政镇, 城乡融合片区一组)  2000 households,  400 ㎡,  50 / 40,  100 h
  金新社区 (金城镇, 金城片区三组)      1000 households,  300 ㎡,  20 / 20,   50 h
  华堂村   (金城镇, 金城片区二组)       500 households,  100 ㎡,  10 /  9, hours missing
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st

from core.metrics import metric
from etl.warehouse import writer
from oversight import db
from oversight.filters import Filters
from oversight.queries import common, overview
from oversight.queries import data as dataq
from tests.conftest import serving

XINZHENG, JINCHENG = "511324101000", "511324100000"
DONGBEI, LINJIANG, JINXIN, HUATANG = "511324101001", "511324101002", "511324100012", "511324100200"


@pytest.fixture
def tiny(tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with serving(tiny_db, monkeypatch) as db:
        yield db


def flt(towns=(), group=None, comms=(), start=date(2024, 1, 1), end=date(2024, 3, 1)) -> Filters:  # noqa: ANN001
    return Filters("zh", tuple(towns), group, tuple(comms), start, end)


def one(sql: str, f: Filters, col: str | None = "month", extra: dict | None = None) -> object:
    where, params = common.where(f, col)
    return db.query(f"SELECT {sql} AS v FROM community_month WHERE {where}", params | (extra or {})).iloc[0]["v"]


def test_county_service_area_per_100_households(tiny: Path) -> None:
    m = metric("m2_per_100_households")
    f = flt(start=date(2024, 3, 1))
    assert one(m.sql(), f) == pytest.approx(100 * (1800 + 400 + 300 + 100) / (3000 + 2000 + 1000 + 500))


def test_scope_by_town_group_and_community(tiny: Path) -> None:
    m = metric("m2_per_100_households")
    march = {"start": date(2024, 3, 1)}
    assert one(m.sql(), flt((XINZHENG,), **march)) == pytest.approx(100 * 2200 / 5000)
    assert one(m.sql(), flt((JINCHENG,), **march)) == pytest.approx(100 * 400 / 1500)
    assert one(m.sql(), flt(group="城乡融合片区一组", **march)) == pytest.approx(44.0)
    assert one(m.sql(), flt(comms=(HUATANG,), **march)) == pytest.approx(20.0)
    assert one("COUNT(*)", flt((XINZHENG, JINCHENG))) == 12


def test_user_values_are_bound_not_spliced(tiny: Path) -> None:
    sql, params = common.scope_sql(flt(group="x' OR 1=1 --", comms=("'; DROP TABLE x; --",)))
    assert "OR 1=1" not in sql and "DROP" not in sql
    assert one("COUNT(*)", flt(group="x' OR 1=1 --")) == 0
    with pytest.raises(ValueError):
        common.month_sql(flt(), col="month; DROP TABLE stg_monthly")


def test_month_range_is_inclusive_for_day_dates(tiny: Path) -> None:
    where, params = common.month_sql(flt(end=date(2024, 3, 1)), col="d")
    days = "(VALUES (DATE '2023-12-31'), (DATE '2024-01-01'), (DATE '2024-03-31'), (DATE '2024-04-01')) AS t(d)"
    got = db.query(f"SELECT d FROM {days} WHERE {where} ORDER BY d", params)["d"].dt.date.tolist()
    assert got == [date(2024, 1, 1), date(2024, 3, 31)]


def test_range_metric_sums_flows_and_reads_stocks_at_the_last_month(tiny: Path) -> None:
    t = common.totals(flt(), ("volunteer_hours", "households", "resolution_rate", "party_org_coverage"))
    assert t["volunteer_hours"] == 3 * 350
    assert t["households"] == 6500
    assert t["resolution_rate"] == pytest.approx(164 / 180)
    # coverage: 9 of 12 小区 in Jan and Feb, 12 of 12 in March — a stock, so March's
    assert t["party_org_coverage"] == pytest.approx(1.0)


def test_kpis_end_month_and_previous_month(tiny: Path) -> None:
    k = overview.kpis(flt()).set_index("period")
    assert k.at["cur", "party_org_coverage"] == pytest.approx(1.0)
    assert k.at["prev", "party_org_coverage"] == pytest.approx(9 / 12)
    assert k.at["cur", "resolution_rate"] == pytest.approx(164 / 180)
    assert k.at["cur", "satisfaction_rate"] == pytest.approx((93 + 38 + 18 + 7) / 164)
    assert k.at["cur", "volunteer_hours"] == 350  # 华堂村's missing hours are not counted as 0
    assert "year" not in k.index  # no 2023-03 data: 同比 is missing, not 0


def test_ranking_of_townships_then_communities(tiny: Path) -> None:
    towns = overview.ranking(flt(), "m2_per_100_households")
    assert towns["unit_name"].tolist()[:2] == ["新政镇", "金城镇"]
    assert towns["rank"].tolist()[:2] == [1, 2]
    assert towns["rank"].iloc[2] is None or towns["rank"].isna().iloc[2]  # no report: unranked, listed last
    assert len(towns) == 37  # every township is listed
    comms = overview.ranking(flt((JINCHENG,)), "resolution_rate")
    assert comms["unit_name"].tolist()[:2] == ["金新社区", "华堂村"]  # 100% before 90%
    assert comms["resolution_rate"].tolist()[:2] == pytest.approx([1.0, 0.9])
    with pytest.raises(ValueError):
        overview.ranking(flt(), "households; DROP TABLE x")


def test_submissions_on_time_late_missing_pending(tiny: Path) -> None:
    with writer(tiny) as con:  # 临江社区 sends March's report on 11 April: after the 10th, late
        con.execute(
            "UPDATE stg_monthly SET reported_on = DATE '2024-04-11' WHERE community_code = ? AND month = DATE '2024-03-01'",
            [LINJIANG],
        )
    sub = overview.submissions(flt((XINZHENG,)), today=date(2024, 4, 5))
    status = sub.set_index(["community_code", sub["month"].dt.strftime("%Y-%m")])["status"]
    assert status[(DONGBEI, "2024-01")] == "on_time"
    assert status[(LINJIANG, "2024-03")] == "late"
    assert status[("511324101003", "2024-02")] == "missing"  # 白溪社区 sent nothing, past due
    assert status[("511324101003", "2024-03")] == "pending"  # due 10 April, today is 5 April
    assert sub["community_code"].nunique() == 36  # 新政镇: 24 社区 + 12 村
    missing = overview.not_reported(flt((XINZHENG,), end=date(2024, 3, 1)), today=date(2024, 4, 5))
    assert DONGBEI not in missing["community_code"].tolist()
    assert len(missing) == 35  # 临江 late, named first with its report date; 34 missing or not yet due
    first = missing.iloc[0]
    assert (first["community_code"], first["status"]) == (LINJIANG, "late")
    assert pd.Timestamp(first["reported_on"]).date() == date(2024, 4, 11)


def test_data_view_rows_count_and_allow_list(tiny: Path) -> None:
    f = flt((JINCHENG,))
    assert dataq.count("community_month", f) == 6
    rows = dataq.rows("community_month", f, ["community_name", "households"], limit=4, sort="households")
    assert rows.columns.tolist() == ["community_name", "households"]
    assert rows["households"].tolist() == [500, 500, 500, 1000]
    assert dataq.count("community", flt((XINZHENG,))) == 36
    with pytest.raises(ValueError):
        dataq.rows("community_month", f, ["households", "1; DROP TABLE stg_monthly"])
    with pytest.raises(KeyError):
        dataq.count("stg_monthly", f)


def test_new_load_shows_without_clearing_the_cache(tiny: Path) -> None:
    m = metric("service_center_m2")
    f = flt(comms=(DONGBEI,), start=date(2024, 3, 1))
    assert one(m.sql(), f) == 1800
    with writer(tiny) as con:
        con.execute("UPDATE stg_monthly SET service_center_m2 = 2000 WHERE community_code = ?", [DONGBEI])
    assert one(m.sql(), f) == 2000


def test_data_as_of(tiny: Path) -> None:
    month, _ = db.data_as_of()
    assert month == date(2024, 3, 1)


def test_month_coverage_counts_a_community_as_expected_for_twelve_months(tiny: Path) -> None:
    with writer(tiny) as con:  # 华堂村 reports January only; 东北社区 reports again in February 2025
        con.execute("DELETE FROM stg_monthly WHERE community_code = ? AND month > DATE '2024-01-01'", [HUATANG])
        con.execute(
            "INSERT INTO stg_monthly SELECT * REPLACE (DATE '2025-02-01' AS month) FROM stg_monthly "
            "WHERE community_code = ? AND month = DATE '2024-03-01'",
            [DONGBEI],
        )
    cov = common.month_coverage()
    assert [(m.isoformat(), r, e) for m, r, e in cov[["month", "reporting", "expected"]].itertuples(index=False)] == [
        ("2024-01-01", 4, 4),
        ("2024-02-01", 3, 4),
        ("2024-03-01", 3, 4),
        ("2025-02-01", 1, 3),  # 华堂村's January 2024 no longer expects a report; 临江, 金新's March 2024 do
    ]
    jincheng = common.month_coverage((JINCHENG,))  # a township's own months only
    assert jincheng[["reporting", "expected"]].values.tolist() == [[2, 2], [1, 2], [1, 2]]
    assert common.month_coverage(()).empty


def test_county_figures_from_the_township_mart_are_the_community_rows_figures(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole county's monthly flows read town_month (one row per township and month); a sum
    or a ratio of flows must come out as community_month gives it. (Stocks follow the carry rule
    per community — common.range_rows — so they are read from community_month.)"""
    from core.sql import ident
    from oversight.queries import requests, volunteers

    monkeypatch.setenv("OVERSIGHT_DB", str(sample_db))
    calls = {"hours_by_month": volunteers.hours_by_month, "requests_by_month": requests.by_month}
    selections = (flt(start=date(2025, 1, 1), end=date(2025, 12, 1)), flt((XINZHENG, JINCHENG)))

    def run() -> list[pd.DataFrame]:
        st.cache_data.clear()
        return [fn(f) for f in selections for fn in calls.values()]

    via_towns = run()
    for module in (requests, volunteers):
        monkeypatch.setattr(module, "monthly_mart", lambda f, per_community=False: ident("community_month"))
    via_communities = run()
    st.cache_data.clear()
    for a, b in zip(via_towns, via_communities, strict=True):
        assert len(a) > 0
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)


def test_submission_counts_each_status_per_township_and_month(tiny: Path) -> None:
    """The report-submission chart's counts, made in SQL: per township and month (or per month)
    each status a column (0 where none) and expected the communities of the row — the same as
    counting `submissions`' rows, which the page no longer fetches for a whole county."""
    from oversight.queries.overview import STATUSES, submission_counts

    with writer(tiny) as con:  # 临江社区 sends March's report on 11 April: after the 10th, late
        con.execute(
            "UPDATE stg_monthly SET reported_on = DATE '2024-04-11' WHERE community_code = ? AND month = DATE '2024-03-01'",
            [LINJIANG],
        )
    today = date(2024, 4, 5)
    sub = overview.submissions(flt(), today=today)
    got = submission_counts(flt(), today=today)
    assert list(got.columns) == ["town_code", "town_name", "month", *STATUSES, "expected"]
    want = sub.groupby(["town_code", "town_name", "month"])["status"].value_counts().unstack(fill_value=0)
    rows = {
        (r.town_code, r.town_name, r.month): tuple(int(r[s]) for s in (*STATUSES, "expected"))
        for _, r in got.iterrows()
    }
    assert rows == {k: (*(int(want.loc[k].get(s, 0)) for s in STATUSES), int(want.loc[k].sum())) for k in want.index}
    march = got[(got["town_code"] == XINZHENG) & (got["month"] == pd.Timestamp(2024, 3, 1))].iloc[0]
    assert (int(march["late"]), int(march["pending"]), int(march["expected"])) == (1, 34, 36)
    by_month = submission_counts(flt(), by="month", today=today).set_index("month")
    assert int(by_month.loc[pd.Timestamp(2024, 3, 1), "expected"]) == int((sub["month"] == "2024-03-01").sum())
    with pytest.raises(ValueError):
        submission_counts(flt(), by="community")
