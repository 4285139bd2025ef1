"""The fairness rules of the 擂台比武 score (OECD/JRC handbook, COINr defaults; docs/arena.md), each
on a group small enough to work out by hand, and the sample county's 城乡融合片区一组, whose leader
used to be a village with a gap and rates on eight cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oversight import arena
from oversight.arena import scoreboard
from oversight.arena.scoring import correlations, movement, rank_band, score, sensitivity, winsorise


def frame(rows: dict[str, dict[str, float | None]]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index").astype(float)


def test_a_gap_never_lifts_a_community_above_one_that_reported() -> None:
    v = frame(
        {
            "A": {"resolution_rate": 1.0, "m2_per_100_households": 45},
            "B": {"resolution_rate": 0.6, "m2_per_100_households": 10},
            "C": {"resolution_rate": None, "m2_per_100_households": 50},
        }
    )
    r = score(v, {"resolution_rate": 1, "m2_per_100_households": 2})
    # C is best on area (100) but has no rate: re-weighting alone would give it 100 and the lead.
    # Its gap is filled with min(own mean 100, group median 50) = 50: (50 + 2 × 100) / 3
    assert r.composite["C"] == pytest.approx(250 / 3)
    assert r.composite["A"] == pytest.approx((100 + 2 * 87.5) / 3)
    assert r.rank.to_dict() == {"A": 1, "C": 2, "B": 3}
    assert r.ranked["C"]  # 33% of the weight missing: still ranked (the rule is more than 35%)


def test_coverage_rule_more_than_35_percent_missing_is_not_ranked() -> None:
    v = frame(
        {
            "A": {"resolution_rate": 0.9, "satisfaction_rate": 0.9, "on_time_rate": 0.9},
            "B": {"resolution_rate": 1.0, "satisfaction_rate": None, "on_time_rate": None},
            "C": {"resolution_rate": 0.8, "satisfaction_rate": 0.8, "on_time_rate": None},
        }
    )
    r = score(v, {"resolution_rate": 60, "satisfaction_rate": 25, "on_time_rate": 15})
    assert not r.ranked["B"] and np.isnan(r.rank["B"]) and not np.isnan(r.composite["B"])  # 40% missing
    assert r.ranked["C"] and r.rank["C"] == 2  # exactly 15% missing
    sens = sensitivity(r, draws=30)
    assert np.isnan(sens.loc["B", "rank_max"])  # not ranked in any draw either
    b = scoreboard.board(
        r, sens, pd.DataFrame({"community_name": list("ABC"), "town_name": "镇"}, index=list("ABC")), "zh"
    )
    assert b.loc["B", "rank_range"] == "未排名"
    names = {c: c for c in "ABC"}
    line = scoreboard.missing_line(r, "B", names, "zh")
    assert line.startswith("B：") and line.endswith("有数据的指标不足权重的65%，不参与排名。")
    assert line.count("B：") == 1  # the name once, not before each part (新井村：… 新井村：… 新井村：…)
    en = scoreboard.missing_line(r, "B", names, "en")
    assert en.startswith("B: ") and en.count("B:") == 1 and en.endswith("not ranked.")


def test_a_rate_on_too_few_cases_is_shown_but_not_scored() -> None:
    v = frame(
        {
            "A": {"resolution_rate": 1.0, "households_per_grid": 300},
            "B": {"resolution_rate": 0.9, "households_per_grid": 300},
            "C": {"resolution_rate": 0.8, "households_per_grid": 400},
        }
    )
    cases = pd.DataFrame({"requests_received": [3, 40, 50]}, index=list("ABC"))
    r = score(v, {"resolution_rate": 1, "households_per_grid": 1}, cases=cases, min_cases=10)
    assert r.few_cases["resolution_rate"].tolist() == [True, False, False]
    assert r.values.at["A", "resolution_rate"] == 1.0  # shown as reported …
    assert np.isnan(r.scores.at["A", "resolution_rate"])  # … but not scored
    # B and C are normalised without A's 100% on three cases: B 100, C 0; A's gap: min(own 100, median 50)
    assert r.scores["resolution_rate"].tolist()[1:] == pytest.approx([100, 0])
    assert r.composite.to_dict() == pytest.approx({"A": 75, "B": 100, "C": 0})
    names = {c: c for c in "ABC"}
    assert scoreboard.missing_line(r, "A", names, "zh").startswith("A：办结率案件不足10件，只显示、不计分。")
    # without counts the rule cannot apply
    assert not score(v, {"resolution_rate": 1}).few_cases.any().any()


def test_skewed_indicators_are_winsorised_as_coinr_does() -> None:
    growth = pd.Series([0.05, 0.10, 0.08, 0.12, 0.07, 0.09, 3.2], index=list("ABCDEFG"))
    clipped, hit = winsorise(growth)
    assert hit.tolist() == [False] * 6 + [True]
    assert clipped["G"] == pytest.approx(0.12)  # the +320% from a small base takes the next value
    normal = pd.Series([0.05, 0.10, 0.08, 0.12, 0.07, 0.09, 0.11])
    assert not winsorise(normal)[1].any()
    r = score(frame({k: {"volunteers_growth": x} for k, x in growth.items()}), {"volunteers_growth": 1})
    assert r.winsorised["volunteers_growth"].sum() == 1
    assert r.scores.at["C", "volunteers_growth"] == pytest.approx(100 * 0.03 / 0.07)  # spread kept for the rest
    assert r.values.at["G", "volunteers_growth"] == 3.2  # the table still shows what was reported


def test_peer_groups_normalise_and_rank_within_each_group() -> None:
    v = frame(
        {
            "s1": {"resolution_rate": 0.99},
            "s2": {"resolution_rate": 0.95},
            "v1": {"resolution_rate": 0.90},
            "v2": {"resolution_rate": 0.80},
        }
    )
    groups = pd.Series({"s1": "社区", "s2": "社区", "v1": "村", "v2": "村"})
    r = score(v, {"resolution_rate": 1}, groups=groups)
    assert r.rank.to_dict() == {"s1": 1, "s2": 2, "v1": 1, "v2": 2}
    assert r.composite["v1"] == pytest.approx(100)  # best of the villages, whatever the communities do
    assert sensitivity(r, draws=20)["share_first"].to_dict() == {"s1": 1.0, "v1": 1.0, "s2": 0.0, "v2": 0.0}


def test_correlated_indicators_are_pointed_out() -> None:
    rates = [0.80, 0.85, 0.90, 0.95, 0.97]
    v = pd.DataFrame(
        {
            "resolution_rate": rates,
            "on_time_rate": [r - 0.1 for r in rates],
            "households_per_grid": [400, 300, 500, 350, 450],
        },
        index=list("ABCDE"),
    )
    c = correlations(score(v, {"resolution_rate": 1, "on_time_rate": 1, "households_per_grid": 1}))
    top = c.iloc[0]
    assert {top["a"], top["b"]} == {"resolution_rate", "on_time_rate"}
    assert top["rho"] == pytest.approx(1.0) and top["n"] == 5 and top["double"]
    assert c["double"].sum() == 1
    assert correlations(score(v.iloc[:4], {"resolution_rate": 1, "on_time_rate": 1})).empty  # 4 pairs say nothing


def test_rank_bands_in_words_movement_and_strengths_against_the_group() -> None:
    assert rank_band(1, 1, 2, "zh") == "第1–2名" and rank_band(3, 3, 3, "zh") == "第3名"
    assert rank_band(2, 1, 4, "en") == "rank 1–4" and rank_band(np.nan, np.nan, np.nan, "zh") == "—"
    now = frame({"A": {"resolution_rate": 0.9}, "B": {"resolution_rate": 0.8}, "C": {"resolution_rate": None}})
    before = frame({"A": {"resolution_rate": 0.7}, "B": {"resolution_rate": 0.8}, "C": {"resolution_rate": 0.9}})
    m = movement(score(now, {"resolution_rate": 1}), score(before, {"resolution_rate": 1}))
    assert m["A"] == 2 and m["B"] == 0 and np.isnan(m["C"])  # A from third to first
    assert scoreboard.movement_text(2, "zh") == "↑2" and scoreboard.movement_text(0, "en") == "same"

    keys = [i.key for i in arena.INDICATORS]
    rng = np.random.default_rng(3)
    v = pd.DataFrame(rng.uniform(1, 2, size=(5, len(keys))), index=list("ABCDE"), columns=keys)
    v.loc["A"] = v.median() * 1.01  # A just above the median everywhere …
    v.loc["A", ["resolution_rate", "satisfaction_rate", "m2_per_100_households"]] = 5  # … far ahead on three
    v.loc["A", ["on_time_rate", "volunteers_growth", "party_org_coverage"]] = 0  # … far behind on three
    r = score(v, arena.DEFAULT_WEIGHTS, winsor=False)
    strong, weak = arena.strengths_and_gaps(r, "A")
    assert set(strong) == {"resolution_rate", "satisfaction_rate", "m2_per_100_households"}
    assert set(weak) == {"on_time_rate", "volunteers_growth", "party_org_coverage"}


def test_the_leader_of_the_sample_group_no_longer_leads_on_a_gap_and_eight_cases(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVERSIGHT_DB", str(sample_db))
    from core.settings import min_cases
    from oversight.queries import arena as q
    from oversight.queries.common import communities

    reg = communities()
    codes = reg.loc[reg["group_name"] == "城乡融合片区一组", "community_code"].tolist()
    info = q.indicator_values(codes, date(2025, 11, 1), date(2026, 10, 1)).set_index("community_name")
    values = info[[i.key for i in arena.INDICATORS]]
    before = arena.score(values, arena.DEFAULT_WEIGHTS, winsor=False, coverage=0.0)  # the old rules
    assert before.rank["新井村"] == 1 and before.missing["新井村"] == ["party_org_coverage"]
    now = arena.score(values, arena.DEFAULT_WEIGHTS, cases=info, min_cases=min_cases())
    assert info.loc["新井村", "requests_received"] == 8
    assert now.few_cases.loc["新井村", ["resolution_rate", "on_time_rate", "satisfaction_rate"]].all()
    assert np.isnan(now.rank["新井村"])  # 40% of the weight without a scored value: not ranked
    leader = now.rank.idxmin()
    assert leader == "鹿门社区" and now.missing[leader] == []
