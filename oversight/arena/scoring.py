"""擂台比武 scoring: a transparent composite of fair indicators, organised by the 365 method.

Steps follow the OECD/JRC Handbook on Constructing Composite Indicators: pick indicators
(`oversight.arena.indicators`), normalise them to 0–100, weight, aggregate, and test how much
the ranking depends on the weights. No Streamlit here.

Missing data stays missing: a community's composite re-weights over the indicators it has,
and the result says which indicators were missing and how much weight moved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from oversight.arena.indicators import BY_KEY, indicator, standards_text
from oversight.i18n import register, t

Method = Literal["minmax", "standard"]
METHODS: tuple[Method, ...] = ("minmax", "standard")
DRAWS, SPREAD, SEED = 500, 0.2, 20221102  # the sensitivity test: draws of weights ±20%, a fixed seed


# ---------------------------------------------------------------------------------------------
# Normalise, weight, aggregate


def normalise(values: pd.DataFrame, method: Method) -> pd.DataFrame:
    """Each indicator column of `values` (rows = communities) as a 0–100 score; NaN stays NaN.

    minmax: 100 × (x − worst) / (best − worst) within the compared communities; when every
    present value is the same, each scores 100 (nobody is behind anybody).
    standard: 100 × x / standard, capped at 100 (for "lower is better", standard / x); an
    indicator without a national standard is scored min–max.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    out = pd.DataFrame(index=values.index, columns=values.columns, dtype=float)
    for key in values.columns:
        ind = indicator(key)
        x = pd.to_numeric(values[key], errors="coerce").astype(float)
        if method == "standard" and ind.standard is not None:
            s = ind.standard
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = (x / s) if ind.higher_is_better else (s / x)
            out[key] = (100.0 * ratio.clip(lower=0.0, upper=1.0)).where(x.notna())
            continue
        lo, hi = x.min(), x.max()
        if pd.isna(lo):
            out[key] = np.nan
        elif hi == lo:
            out[key] = np.where(x.notna(), 100.0, np.nan)
        else:
            frac = (x - lo) / (hi - lo) if ind.higher_is_better else (hi - x) / (hi - lo)
            out[key] = 100.0 * frac
    return out


def check_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """The weights as floats, keyed by known indicators; raises ValueError if any is negative
    or none is positive."""
    clean = {indicator(k).key: float(v) for k, v in weights.items()}
    if any(v < 0 or not np.isfinite(v) for v in clean.values()):
        raise ValueError("weights must be finite and not negative")
    if sum(clean.values()) <= 0:
        raise ValueError("at least one weight must be positive")
    return clean


def _composite(scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Composite per community (rows) for each weight vector (rows of `weights`): the weighted
    mean over the indicators the community has. Shape (communities, draws)."""
    have = ~np.isnan(scores)
    num = np.where(have, scores, 0.0) @ weights.T
    den = have.astype(float) @ weights.T
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _rank(composite: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """Rank 1 = best; ties share the best rank of their group ("min"); missing stays missing.
    Composites are rounded to 1e-6 so float noise never breaks a tie."""
    return composite.round(6).rank(ascending=False, method="min")


@dataclass(frozen=True)
class ArenaResult:
    """Everything the scoreboard, the side-by-side table and the pack show."""

    method: Method
    values: pd.DataFrame  # raw indicator values (rows = communities, columns = indicator keys)
    scores: pd.DataFrame  # 0–100 per indicator
    weights: pd.Series  # the weights as given (points)
    shares: pd.Series  # weights ÷ their sum
    contributions: pd.DataFrame  # points each indicator adds to the composite (sum = composite)
    composite: pd.Series  # 0–100
    rank: pd.Series  # 1 = best, ties share; NaN when a community has no data at all
    missing: pd.Series  # per community: list of indicator keys with no value (weight > 0)
    redistributed: pd.Series  # per community: share of the total weight moved to other indicators

    def table(self) -> pd.DataFrame:
        """One row per community, best first: rank, composite, contributions, missing flags."""
        out = pd.DataFrame({"rank": self.rank, "composite": self.composite})
        out = out.join(self.contributions)
        out["missing"] = self.missing
        out["redistributed"] = self.redistributed
        return out.sort_values(["rank", "composite"], na_position="last", kind="stable")


def score(values: pd.DataFrame, weights: Mapping[str, float], method: Method = "minmax") -> ArenaResult:
    """Score the communities (rows of `values`, one column per indicator key) with `weights`
    (indicator key → points; indicators absent from `weights` count 0)."""
    w = check_weights(weights)
    keys = [k for k in values.columns if k in BY_KEY]
    values = values[keys].apply(pd.to_numeric, errors="coerce").astype(float)
    weights_s = pd.Series({k: w.get(k, 0.0) for k in keys}, dtype=float)
    shares = weights_s / weights_s.sum()
    scores = normalise(values, method)

    s = scores.to_numpy(dtype=float)
    wv = weights_s.to_numpy(dtype=float)
    have = ~np.isnan(s)
    den = have.astype(float) @ wv  # weight present per community
    with np.errstate(divide="ignore", invalid="ignore"):
        eff = np.where(den[:, None] > 0, np.where(have, wv[None, :], 0.0) / den[:, None], np.nan)
    contrib = pd.DataFrame(np.where(have, eff * np.nan_to_num(s), np.nan), index=values.index, columns=keys)
    composite = pd.Series(_composite(s, wv[None, :])[:, 0], index=values.index, name="composite")

    active = weights_s[weights_s > 0].index
    missing = pd.Series([[k for k in active if pd.isna(scores.at[c, k])] for c in values.index], index=values.index)
    redistributed = pd.Series(
        [weights_s[m].sum() / weights_s.sum() for m in missing], index=values.index, dtype=float, name="redistributed"
    )
    return ArenaResult(
        method=method,
        values=values,
        scores=scores,
        weights=weights_s,
        shares=shares,
        contributions=contrib,
        composite=composite,
        rank=_rank(composite).rename("rank"),
        missing=missing.rename("missing"),
        redistributed=redistributed,
    )


# ---------------------------------------------------------------------------------------------
# Sensitivity


def sensitivity(result: ArenaResult, draws: int = DRAWS, spread: float = SPREAD, seed: int = SEED) -> pd.DataFrame:
    """How much each community's rank depends on the weights: every weight is multiplied by an
    independent uniform factor in [1 − spread, 1 + spread], `draws` times (numpy Generator with
    `seed`, so the same inputs give the same answer). Normalised scores do not depend on the
    weights and are kept. Returns per community: rank (at the given weights), rank_min,
    rank_median, rank_max, share_first (fraction of draws ranked 1, ties included), stable."""
    rng = np.random.Generator(np.random.PCG64(seed))
    w = result.weights.to_numpy(dtype=float)
    factors = rng.uniform(1.0 - spread, 1.0 + spread, size=(draws, len(w)))
    comp = _composite(result.scores.to_numpy(dtype=float), factors * w[None, :])
    ranks = _rank(pd.DataFrame(comp, index=result.scores.index))
    out = pd.DataFrame(
        {
            "rank": result.rank,
            "rank_min": ranks.min(axis=1),
            "rank_median": ranks.median(axis=1),
            "rank_max": ranks.max(axis=1),
            "share_first": (ranks == 1).mean(axis=1).where(ranks.notna().any(axis=1)),
        }
    )
    out["stable"] = out["rank_min"] == out["rank_max"]
    return out.sort_values(["rank", "rank_median"], na_position="last", kind="stable")


# ---------------------------------------------------------------------------------------------
# Side by side


def side_by_side(values: pd.DataFrame) -> pd.DataFrame:
    """Indicators as rows, communities as columns, plus the group median, and which communities
    are best and worst on each row by the indicator's direction (tuples: ties are all marked;
    empty when fewer than 2 values or all equal)."""
    t = values.T.astype(float)
    out = t.copy()
    out["median"] = t.median(axis=1)
    best, worst = [], []
    for key, row in t.iterrows():
        row = row.dropna()
        if len(row) < 2 or row.min() == row.max():
            best.append(())
            worst.append(())
            continue
        hi, lo = tuple(row.index[row == row.max()]), tuple(row.index[row == row.min()])
        hib = indicator(str(key)).higher_is_better
        best.append(hi if hib else lo)
        worst.append(lo if hib else hi)
    out["best"] = best
    out["worst"] = worst
    return out


def indicator_ranks(values: pd.DataFrame) -> pd.DataFrame:
    """Each community's place on each indicator within the group (1 = best by the indicator's
    direction, ties share); NaN where the value is missing."""
    out = pd.DataFrame(index=values.index)
    for key in values.columns:
        out[key] = values[key].astype(float).rank(ascending=not indicator(key).higher_is_better, method="min")
    return out


def strengths_and_gaps(result: ArenaResult, code: str, n: int = 2) -> tuple[list[str], list[str]]:
    """The `n` weighted indicators a community scores highest on and the `n` it scores lowest
    on (0–100 scores; missing ones are neither)."""
    keys = [k for k in result.scores.columns if result.weights[k] > 0]
    s = result.scores.loc[code, keys].dropna().sort_values(ascending=False, kind="stable")
    if len(s) < 2:
        return list(s.index), []
    k = min(n, len(s) // 2)
    return list(s.index[:k]), list(s.index[::-1][:k])


def deltas_to_median(values: pd.DataFrame) -> pd.DataFrame:
    """Each community's value minus the group median, per indicator (rows = indicators)."""
    t = values.T.astype(float)
    return t.sub(t.median(axis=1), axis=0)


STRINGS = {
    "arena.no_data": ("无数据", "no data"),
    "arena.missing_n": ("缺{n}项", "{n} missing"),
    "arena.rank_range": ("名次范围", "Rank range"),
    "arena.rank_median": ("中位名次", "Median rank"),
    "arena.rank_base": ("当前权重名次", "Rank at these weights"),
    "arena.first_share": ("第一名占比 {share:.0%}", "first in {share:.0%}"),
    "arena.method.minmax": ("组内最小–最大", "Min–max within the group"),
    "arena.method.standard": ("对标标准值", "Distance to standard"),
    "arena.method.minmax_text": (
        "组内最小–最大：每项指标在参赛村(社区)之间比较，最好的得100分、最差的得0分，其余按差距线性给分"
        "（格均户数越少越好）。所有指标都按每百户、比率或期内增长计算，大社区和小社区可以公平比较。"
        "这种方法只说明谁比谁好，不说明是否达标：全组都很好时，最后一名也可能已经达标。"
        "某项指标全组数值相同时，每个村(社区)该项都得100分。",
        "Min–max within the group: on each indicator the best community in the group scores 100, the "
        "worst 0, the rest in proportion (fewer households per grid is better). Every indicator is per 100 "
        "households, a rate or growth over the period, so large and small communities compare fairly. It "
        "says who is ahead, not who meets the standard: in a strong group the last may still meet it. "
        "When every community has the same value, each scores 100 on it.",
    ),
    "arena.method.standard_text": (
        "对标标准值：每项指标与标准值比较，达到或超过标准得100分，未达到按比例给分（不超过100分）。"
        "标准值：{standards}。没有公认标准的指标（如每百户党员数、志愿者增长率）"
        "仍按组内最小–最大计分，并在指标表中注明。",
        "Distance to standard: each indicator is compared with its standard; meeting or beating it scores "
        "100, falling short scores in proportion (capped at 100). Standards: {standards}. Indicators "
        "without an accepted standard (e.g. party members per 100 households, volunteer growth) are still "
        "scored min–max within the group, as the indicator table says.",
    ),
}
register(STRINGS)


def method_text(method: Method, lang: str) -> str:
    """The paragraph that explains `method`, with today's standards from core.metrics."""
    return t(f"arena.method.{method}_text", lang, standards=standards_text(lang))
