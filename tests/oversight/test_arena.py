"""擂台比武 scoring: small cases computed by hand, presets on disk, sensitivity, the query."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core import metrics
from oversight import arena
from oversight.arena import INDICATORS, normalise, score, sensitivity

ROOT = Path(__file__).resolve().parents[2]


def frame(rows: dict[str, dict[str, float | None]]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index").astype(float)


# --- normalisation --------------------------------------------------------------------------


def test_minmax_scores_best_100_worst_0_and_respects_direction() -> None:
    v = frame(
        {
            "A": {"resolution_rate": 0.90, "households_per_grid": 300},
            "B": {"resolution_rate": 0.95, "households_per_grid": 400},
            "C": {"resolution_rate": 1.00, "households_per_grid": 500},
        }
    )
    s = normalise(v, "minmax")
    assert s["resolution_rate"].tolist() == pytest.approx([0, 50, 100])
    # fewer households per grid is better
    assert s["households_per_grid"].tolist() == pytest.approx([100, 50, 0])


def test_standard_scores_distance_to_standard_capped_at_100() -> None:
    v = frame(
        {
            "A": {
                "m2_per_100_households": 15,
                "households_per_grid": 250,
                "resolution_rate": 0.46,
                "on_time_rate": 0.8,
            },
            "B": {
                "m2_per_100_households": 30,
                "households_per_grid": 500,
                "resolution_rate": 0.92,
                "on_time_rate": 0.9,
            },
            "C": {
                "m2_per_100_households": 45,
                "households_per_grid": 1000,
                "resolution_rate": 1.0,
                "on_time_rate": 1.0,
            },
        }
    )
    s = normalise(v, "standard")
    assert s["m2_per_100_households"].tolist() == pytest.approx([50, 100, 100])  # 30 ㎡ per 100 households
    assert s["households_per_grid"].tolist() == pytest.approx([100, 100, 50])  # ≤ 500 per grid
    assert s["resolution_rate"].tolist() == pytest.approx([50, 100, 100])  # 92%
    # no national standard for the on-time rate: min–max within the group
    assert s["on_time_rate"].tolist() == pytest.approx([0, 50, 100])


def test_a_standard_follows_the_metric_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    v = frame({"A": {"resolution_rate": 0.93}, "B": {"resolution_rate": 0.96}})
    assert normalise(v, "standard")["resolution_rate"].tolist() == pytest.approx([100, 100])  # ≥ 92%
    assert "办结率92%" in arena.method_text("standard", "zh")

    raised = dataclasses.replace(metrics.METRICS["resolution_rate"], target=0.95, alert=0.95)
    monkeypatch.setitem(metrics.METRICS, "resolution_rate", raised)
    s = normalise(v, "standard")["resolution_rate"]
    assert s["A"] == pytest.approx(100 * 0.93 / 0.95) and s["A"] < 100
    assert s["B"] == pytest.approx(100)
    assert "办结率95%（四川县级底线）" in arena.method_text("standard", "zh")
    assert "95% resolution" in arena.method_text("standard", "en")
    assert arena.indicator("resolution_rate").standard_text("zh") == "≥ 95%"  # the pack's standard column


def test_standards_as_officials_read_them() -> None:
    texts = {i.key: i.standard_text("zh") for i in INDICATORS}
    assert texts["households_per_grid"] == "≤ 500"  # fewer is better
    assert texts["m2_per_100_households"] == "≥ 30"
    assert texts["satisfaction_rate"] == "≥ 85%"
    assert texts["party_members_per_100hh"] == texts["volunteers_growth"] == "无公认标准，组内比较"
    assert (
        "标准值：每百户服务设施面积30㎡（十四五规划）、小区党组织覆盖率100%（应建尽建）、办结率92%（四川县级底线）、"
        "满意率85%（预警线）、格均户数不超过500户。"
    ) in arena.method_text("standard", "zh")
    assert "at most 500 households per grid" in arena.method_text("standard", "en")
    assert "{" not in arena.method_text("minmax", "en")


def test_a_new_standard_in_the_catalogue_is_named_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    on_time = dataclasses.replace(metrics.METRICS["on_time_rate"], target=0.9)
    monkeypatch.setitem(metrics.METRICS, "on_time_rate", on_time)
    assert arena.method_text("standard", "zh").endswith(
        "格均户数不超过500户、按时办结率 ≥ 90%。没有公认标准的指标（如每百户党员数、志愿者增长率）仍按组内最小–最大计分，并在指标表中注明。"
    )


# --- weighting and aggregation ----------------------------------------------------------------


def test_weights_aggregate_and_contributions_add_up() -> None:
    v = frame(
        {
            "A": {"resolution_rate": 1.0, "m2_per_100_households": 10},
            "B": {"resolution_rate": 0.8, "m2_per_100_households": 50},
            "C": {"resolution_rate": 0.9, "m2_per_100_households": 30},
        }
    )
    r = score(v, {"resolution_rate": 3, "m2_per_100_households": 1}, "minmax")
    # A: 0.75 × 100 + 0.25 × 0 = 75; B: 0 + 25 = 25; C: 0.75 × 50 + 0.25 × 50 = 50
    assert r.composite.to_dict() == pytest.approx({"A": 75, "B": 25, "C": 50})
    assert r.rank.to_dict() == {"A": 1, "C": 2, "B": 3}
    assert r.contributions.loc["A"].to_dict() == pytest.approx({"resolution_rate": 75, "m2_per_100_households": 0})
    assert r.contributions.sum(axis=1).to_numpy() == pytest.approx(r.composite.to_numpy())
    assert r.shares.to_dict() == pytest.approx({"resolution_rate": 0.75, "m2_per_100_households": 0.25})
    # change the weights: the area leader goes first
    r2 = score(v, {"resolution_rate": 1, "m2_per_100_households": 3}, "minmax")
    assert r2.rank.to_dict() == {"B": 1, "C": 2, "A": 3}
    assert list(r2.table().index) == ["B", "C", "A"]


def test_ties_share_the_best_rank() -> None:
    v = frame(
        {
            "A": {"resolution_rate": 1.0, "satisfaction_rate": 0.9},
            "B": {"resolution_rate": 1.0, "satisfaction_rate": 0.9},
            "C": {"resolution_rate": 0.8, "satisfaction_rate": 0.8},
            "D": {"resolution_rate": 0.7, "satisfaction_rate": 0.7},
        }
    )
    r = score(v, {"resolution_rate": 1, "satisfaction_rate": 1})
    assert r.rank.to_dict() == {"A": 1, "B": 1, "C": 3, "D": 4}


def test_one_community() -> None:
    v = frame({"A": {"resolution_rate": 0.46, "m2_per_100_households": 45}})
    r = score(v, {"resolution_rate": 1, "m2_per_100_households": 1}, "minmax")
    assert r.composite["A"] == pytest.approx(100)  # nobody to be behind
    assert r.rank["A"] == 1
    s = score(v, {"resolution_rate": 1, "m2_per_100_households": 1}, "standard")
    assert s.composite["A"] == pytest.approx((50 + 100) / 2)
    assert sensitivity(s, draws=20).loc["A", ["rank_min", "rank_max", "share_first"]].tolist() == [1, 1, 1.0]


def test_identical_communities_all_rank_first() -> None:
    row = {"resolution_rate": 0.9, "m2_per_100_households": 25, "households_per_grid": 400}
    v = frame({"A": row, "B": row, "C": row})
    r = score(v, arena.DEFAULT_WEIGHTS)
    assert r.composite.tolist() == pytest.approx([100, 100, 100])
    assert r.rank.tolist() == [1, 1, 1]
    sens = sensitivity(r, draws=50)
    assert (sens["share_first"] == 1.0).all()


def test_missing_indicator_is_imputed_never_upwards_and_too_little_data_is_not_ranked() -> None:
    v = frame(
        {
            "A": {"resolution_rate": 1.0, "m2_per_100_households": 10},
            "B": {"resolution_rate": 0.8, "m2_per_100_households": 50},
            "C": {"resolution_rate": None, "m2_per_100_households": 30},
        }
    )
    r = score(v, {"resolution_rate": 3, "m2_per_100_households": 1}, "minmax")
    # C has only the area (score 50); its missing rate is imputed as the lower of its own mean (50)
    # and the group's median rate score (50): composite 50, the imputed part shown as such
    assert r.composite["C"] == pytest.approx(50)
    assert np.isnan(r.scores.at["C", "resolution_rate"])  # missing stays missing in the scores, never 0
    assert r.imputed.at["C", "resolution_rate"] == pytest.approx(50)
    assert r.contributions.at["C", "resolution_rate"] == pytest.approx(37.5)
    assert r.contributions.at["C", "m2_per_100_households"] == pytest.approx(12.5)
    assert r.missing["C"] == ["resolution_rate"]
    assert r.redistributed["C"] == pytest.approx(0.75)
    assert r.missing["A"] == [] and r.redistributed["A"] == 0
    # A and B are normalised without C: A = 75, B = 25; C lacks 75% of the weight (> 35%): not ranked
    assert r.composite[["A", "B"]].tolist() == pytest.approx([75, 25])
    assert r.rank.tolist()[:2] == [1, 2] and np.isnan(r.rank["C"]) and not r.ranked["C"]


def test_indicator_missing_for_everyone_moves_its_weight_for_everyone() -> None:
    v = frame(
        {
            "A": {"resolution_rate": 1.0, "satisfaction_rate": None},
            "B": {"resolution_rate": 0.8, "satisfaction_rate": None},
        }
    )
    for method in ("minmax", "standard"):
        r = score(v, {"resolution_rate": 1, "satisfaction_rate": 1}, method)
        assert r.scores["satisfaction_rate"].isna().all()
        assert r.redistributed.tolist() == pytest.approx([0.5, 0.5])
        assert r.rank.tolist() == [1, 2]
    assert score(v, {"resolution_rate": 1, "satisfaction_rate": 1}).composite.tolist() == pytest.approx([100, 0])


def test_community_without_any_data_has_no_score_and_no_rank() -> None:
    v = frame({"A": {"resolution_rate": 1.0}, "B": {"resolution_rate": 0.5}, "Z": {"resolution_rate": None}})
    r = score(v, {"resolution_rate": 1})
    assert np.isnan(r.composite["Z"]) and np.isnan(r.rank["Z"])
    assert r.redistributed["Z"] == pytest.approx(1.0)
    assert list(r.table().index) == ["A", "B", "Z"]


def test_zero_weight_indicator_is_not_flagged_and_bad_weights_are_refused() -> None:
    v = frame(
        {
            "A": {"resolution_rate": 1.0, "satisfaction_rate": None},
            "B": {"resolution_rate": 0.5, "satisfaction_rate": 0.9},
        }
    )
    r = score(v, {"resolution_rate": 1, "satisfaction_rate": 0})
    assert r.missing["A"] == [] and r.redistributed["A"] == 0
    with pytest.raises(ValueError):
        score(v, {"resolution_rate": 0, "satisfaction_rate": 0})
    with pytest.raises(ValueError):
        score(v, {"resolution_rate": -1, "satisfaction_rate": 2})
    with pytest.raises(KeyError):
        score(v, {"DROP TABLE": 1})


def test_default_weights_sum_to_100_and_every_indicator_is_a_metric_in_365() -> None:
    assert sum(arena.DEFAULT_WEIGHTS.values()) == 100
    for ind in INDICATORS:
        assert ind.base.name == ind.metric  # defined in core.metrics
        assert ind.part in arena.FAMILIES[ind.family]
        assert ind.label("zh") and ind.label("en") and ind.unit("zh")
    assert {i.family for i in INDICATORS} == {"force", "service", "mechanism"}


# --- sensitivity -------------------------------------------------------------------------------


def _random_values(seed: int, n: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    keys = [i.key for i in INDICATORS]
    return pd.DataFrame(rng.uniform(0.1, 1.0, size=(n, len(keys))), index=[f"c{i}" for i in range(n)], columns=keys)


def test_sensitivity_is_deterministic_for_a_seed() -> None:
    r = score(_random_values(1), arena.DEFAULT_WEIGHTS)
    a = sensitivity(r, draws=300, seed=7)
    b = sensitivity(r, draws=300, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert (a["rank_min"] <= a["rank"]).all() and (a["rank"] <= a["rank_max"]).all()
    assert a["share_first"].sum() >= 1.0 - 1e-12  # every draw has a first
    fixed = sensitivity(r, draws=10, spread=0.0)  # no perturbation: every draw is the base ranking
    assert fixed["stable"].all() and (fixed["rank_min"] == fixed["rank"]).all()


@pytest.mark.parametrize("method", ["minmax", "standard"])
def test_a_community_that_dominates_every_indicator_is_first_in_every_draw(method: str) -> None:
    v = _random_values(3)
    for key in v.columns:
        best = v[key].max() if arena.indicator(key).higher_is_better else v[key].min()
        v.loc["champion", key] = best
    v.loc["champion", "resolution_rate"] = 1.0  # strictly ahead on at least one
    r = score(v, arena.DEFAULT_WEIGHTS, method)
    sens = sensitivity(r, draws=500, seed=1)
    assert sens.loc["champion", "rank_max"] == 1
    assert sens.loc["champion", "share_first"] == 1.0


# --- presets ------------------------------------------------------------------------------------


def test_presets_are_saved_atomically_and_read_by_a_new_process(tmp_path: Path) -> None:
    settings = tmp_path / "settings"
    weights = {**arena.DEFAULT_WEIGHTS, "resolution_rate": 40.0}
    arena.save_preset("民情优先", weights, "standard", path=settings / "arena_presets.json")
    arena.save_preset("平均", {k: 1.0 for k in arena.DEFAULT_WEIGHTS}, "minmax", path=settings / "arena_presets.json")
    assert sorted(p.name for p in settings.iterdir()) == ["arena_presets.json", "arena_presets.json.lock"]

    code = (
        "import json; from oversight import arena; "
        "print(json.dumps({k: {'w': arena.preset_weights(v), 'm': v['method']} for k, v in arena.load_presets().items()}))"
    )
    env = {"OVERSIGHT_SETTINGS": str(settings), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded["民情优先"] == {"w": weights, "m": "standard"}
    assert loaded["平均"]["m"] == "minmax"

    arena.delete_preset("平均", path=settings / "arena_presets.json")
    assert list(arena.load_presets(settings / "arena_presets.json")) == ["民情优先"]


def test_presets_path_follows_the_warehouse_unless_overridden(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("OVERSIGHT_SETTINGS", raising=False)
    monkeypatch.setenv("OVERSIGHT_DB", str(tmp_path / "w.duckdb"))
    assert arena.presets_path() == tmp_path / "settings" / "arena_presets.json"
    monkeypatch.setenv("OVERSIGHT_SETTINGS", str(tmp_path / "x.json"))
    assert arena.presets_path() == tmp_path / "x.json"
    assert arena.load_presets() == {}  # no file yet: no presets
    with pytest.raises(ValueError):
        arena.save_preset("  ", arena.DEFAULT_WEIGHTS, "minmax")


# --- the query, on the tiny warehouse -------------------------------------------------------------


def test_indicator_values_from_the_tiny_warehouse(tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERSIGHT_DB", str(tiny_db))
    from oversight.queries import arena as q
    from oversight.queries.common import communities

    reg = communities().set_index("community_name")["community_code"]
    codes = [reg[n] for n in ("东北社区", "临江社区", "华堂村", "鹿门社区")]
    df = q.indicator_values(codes, date(2024, 1, 1), date(2024, 3, 1)).set_index("community_name")
    assert df.loc["东北社区", "m2_per_100_households"] == pytest.approx(1800 / 3000 * 100)
    assert df.loc["东北社区", "resolution_rate"] == pytest.approx(285 / 300)
    assert df.loc["临江社区", "households_per_grid"] == pytest.approx(2000 / 6)
    assert df.loc["东北社区", "party_members_per_100hh"] == pytest.approx(150 / 3000 * 100)
    assert df.loc["东北社区", "volunteer_hours_per_100hh"] == pytest.approx(600 / 3000 * 100)
    assert df.loc["东北社区", "party_org_coverage"] == pytest.approx(1.0)  # at the last month (4 of 4)
    assert df.loc["东北社区", "volunteers_growth"] == pytest.approx(0.0)
    assert np.isnan(df.loc["华堂村", "volunteer_hours_per_100hh"])  # not reported: missing, not 0
    assert np.isnan(df.loc["华堂村", "party_org_coverage"])  # no neighbourhoods
    assert df.loc["鹿门社区", "months_reported"] == 0 and df.loc["鹿门社区"].isna()["resolution_rate"]

    one = q.indicator_values(codes, date(2024, 2, 1), date(2024, 2, 1)).set_index("community_name")
    assert one.loc["东北社区", "party_org_coverage"] == pytest.approx(0.75)
    monthly = q.monthly_values(codes, date(2024, 1, 1), date(2024, 3, 1))
    assert len(monthly) == 9 and "volunteers_growth" not in monthly
    # each month's rates stand next to their cases, so the trends can say "n=…" (issue 16.6)
    jan = monthly.set_index(["community_name", "month"]).loc[("东北社区", pd.Timestamp(2024, 1, 1))]
    assert (jan["requests_received"], jan["requests_resolved"]) == (100, 95)
    from oversight.figures.arena import trends

    fig = trends(monthly, ["resolution_rate"], {}, {}, "zh")
    assert all("n=" in tr.hovertemplate and tr.customdata is not None for tr in fig.data)


def test_side_by_side_marks_best_and_worst_by_direction_and_deltas_in_points() -> None:
    v = frame(
        {
            "A": {"resolution_rate": 0.90, "households_per_grid": 300},
            "B": {"resolution_rate": 0.95, "households_per_grid": 500},
            "C": {"resolution_rate": None, "households_per_grid": 400},
        }
    )
    sbs = arena.side_by_side(v)
    assert (sbs.at["resolution_rate", "best"], sbs.at["resolution_rate", "worst"]) == (("B",), ("A",))
    assert (sbs.at["households_per_grid", "best"], sbs.at["households_per_grid", "worst"]) == (("A",), ("B",))
    tied = arena.side_by_side(
        frame({"A": {"party_org_coverage": 1.0}, "B": {"party_org_coverage": 1.0}, "C": {"party_org_coverage": 0.5}})
    )
    assert tied.at["party_org_coverage", "best"] == ("A", "B")
    assert sbs.at["households_per_grid", "median"] == 400
    d = arena.deltas_to_median(v)
    rate = arena.indicator("resolution_rate")
    assert rate.format_delta(d.at["resolution_rate", "B"], "zh") == "+2.5个百分点"
    assert rate.format_delta(d.at["resolution_rate", "B"], "en", with_unit=False) == "+2.5"
    assert arena.indicator("households_per_grid").format_delta(d.at["households_per_grid", "A"], "zh") == "-100.0"
    assert rate.format_delta(-0.0001, "zh") == "+0.0个百分点"  # never "-0.0"
    assert np.isnan(arena.indicator_ranks(v).at["C", "resolution_rate"])
    assert arena.indicator_ranks(v)["households_per_grid"].tolist() == [1, 3, 2]
    r = score(v, {"resolution_rate": 1, "households_per_grid": 1})
    assert arena.strengths_and_gaps(r, "A") == (["households_per_grid"], ["resolution_rate"])
