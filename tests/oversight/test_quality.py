"""The 数据质量 queries on the planted warehouse (tests/quality_fixtures.py): flags in words, by
township and community, the rows behind a flag, and each community's reporting quality with its
score and rank worked out by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from oversight.filters import Filters


@pytest.fixture
def q(quality_db: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    monkeypatch.setenv("OVERSIGHT_DB", str(quality_db))
    from oversight.queries import quality

    return quality


def _f(
    lang: str = "zh", towns: tuple[str, ...] = (), frm: date = date(2024, 1, 1), to: date = date(2024, 7, 1)
) -> Filters:
    return Filters(lang, towns, None, (), frm, to)


def test_flags_in_scope_in_words_and_without_server_paths(q) -> None:  # noqa: ANN001
    df = q.flags(_f())
    assert len(df) == 11
    assert df["severity"].iloc[:5].eq("error").all() and df["severity"].iloc[5:].eq("warning").all()
    assert set(df["source_file"]) >= {"东北社区_2024.xlsx", "c_cases.xlsx"}  # the name, never /srv/reports/…
    assert not df["source_file"].str.contains("/").any()
    jinxin = df.loc[df["community_name"] == "金新社区", "town_code"].iloc[0]
    only = q.flags(_f(towns=(jinxin,)))
    assert set(only["community_name"]) == {"金新社区", "华堂村"}  # 金城镇
    march = q.flags(_f(frm=date(2024, 3, 1), to=date(2024, 3, 1)))
    assert sorted(march["rule"]) == ["impossible_case", "impossible_case", "perfect_rate", "stock_jump"]

    en = q.described(df, "en").set_index(["community_name", "rule"])
    assert en.loc[("东北社区", "Always exactly 100%"), "detail"] == (
        "resolution rate at exactly 100% for 3 months running (43 cases this month): check the case book; "
        "perfect figures are often estimates"
    )
    assert en.loc[("金新社区", "Report ≠ case list"), "severity"] == "Contradiction"
    assert "case JX-2403-03 has no resolution date but has an on-time mark" in set(en["detail"])


def test_flags_counted_by_township_and_community(q) -> None:  # noqa: ANN001
    df = q.flags(_f())
    towns = q.by_unit(df, "town").set_index("town_name")
    assert towns.loc["金城镇"].to_dict() == {"communities_flagged": 2, "errors": 3, "warnings": 3, "flags": 6}
    assert towns.loc["新政镇"].to_dict() == {"communities_flagged": 2, "errors": 2, "warnings": 3, "flags": 5}
    comm = q.by_unit(df, "community")
    assert comm["community_name"].tolist()[0] == "金新社区"  # most contradictions first
    assert comm.set_index("community_name").loc["华堂村", ["errors", "warnings"]].tolist() == [0, 1]


def test_drill_down_to_the_rows_behind_a_flag(q) -> None:  # noqa: ANN001
    df = q.flags(_f()).set_index("rule")
    hours = df.loc["hours_vs_activities"]
    rows = q.flag_rows(hours["community_code"], hours["month"], "hours_vs_activities")
    assert rows["community_month"][["volunteer_hours", "source_file", "source_row"]].values.tolist() == [
        [102.5, "东北社区_2024.xlsx", 5]
    ]
    assert rows["volunteer_activity"]["hours"].tolist() == [50.0]
    roster = df.loc["roster_mismatch"]
    assert len(q.flag_rows(roster["community_code"], roster["month"], "roster_mismatch")["neighborhood_month"]) == 3
    cases = df.loc["cases_mismatch"]
    got = q.flag_rows(cases["community_code"], cases["month"], "cases_mismatch")["request_case"]
    assert got["case_id"].tolist() == ["JX-2402-01", "JX-2402-02", "JX-2402-03"]
    jump = df.loc["stock_jump"].iloc[0]
    months = q.flag_rows(jump["community_code"], jump["month"], "stock_jump")["community_month"]
    assert months["service_center_m2"].tolist() == [400.0, 1000.0]  # the month before and the month
    run = df.loc["round_values"].iloc[0]  # six round months: all six rows
    rows = q.flag_rows(run["community_code"], run["month"], "round_values", run=run["n"])["community_month"]
    assert rows["volunteer_hours"].tolist() == [20.0, 30.0, 40.0, 50.0, 60.0, 70.0]
    case = df.loc["impossible_case"].iloc[0]
    one = q.flag_rows(case["community_code"], case["month"], "impossible_case", case["case_id"])
    assert list(one) == ["request_case"] and one["request_case"]["source_row"].tolist() == [7]
    with pytest.raises(ValueError):
        q.flag_rows(case["community_code"], case["month"], "DROP TABLE")


def test_reporting_quality_scores_and_ranks_by_hand(q) -> None:  # noqa: ANN001
    u = q.unit_quality(_f()).set_index("community_name")
    assert u.loc["临江社区", ["months_due", "on_time", "late", "missing"]].tolist() == [7, 6, 1, 0]
    assert u.loc["华堂村", ["months_due", "on_time", "late", "missing"]].tolist() == [7, 6, 0, 1]
    assert u.loc["金新社区", "on_time"] == 7  # January's blank report date: loaded on 8 February, in time
    assert u.loc["华堂村", "completeness"] == pytest.approx(11 / 12)  # no volunteer hours
    assert u.loc["金新社区", "completeness_optional"] == pytest.approx(55 / 56)  # one blank 填报日期
    assert u.loc["临江社区", "corrections"] == pytest.approx(1)
    assert u.loc["金新社区", ["flags", "flagged_months"]].tolist() == [5, 4]
    # 40 timeliness + 20 required + 10 optional + 20 consistency + 10 corrections
    assert u.loc["东北社区", "quality_score"] == pytest.approx(80 + 20 * 5 / 7)
    assert u.loc["临江社区", "quality_score"] == pytest.approx(40 * 6.5 / 7 + 30 + 20 * 4 / 7 + 10 * 6 / 7)
    assert u.loc["金新社区", "quality_score"] == pytest.approx(70 + 10 * 55 / 56 + 20 * 3 / 7)
    assert u.loc["华堂村", "quality_score"] == pytest.approx(40 * 6 / 7 + 20 * 11 / 12 + 10 + 20 * 5 / 6 + 10)
    # ranked within peer groups: 社区 against 社区, the village alone
    assert u.loc[["东北社区", "金新社区", "临江社区", "华堂村"], "quality_rank"].tolist() == [1, 2, 3, 1]
    one = q.unit_quality(_f(), peers="none").set_index("community_name")
    assert one["quality_rank"].head(4).to_dict() == {"东北社区": 1, "华堂村": 2, "金新社区": 3, "临江社区": 4}
    # a community of the registry that never reported: every month missing, score 0, last
    never = one.loc["鹿门社区"]
    assert (never["missing"], never["quality_score"], never["quality_rank"]) == (7, 0, 5)
