"""擂台比武 scoring: a transparent composite of fair indicators, organised by the 365 method.

Steps follow the OECD/JRC Handbook on Constructing Composite Indicators: pick indicators
(`oversight.arena.indicators`), normalise them to 0–100, weight, aggregate, and test how much
the ranking depends on the weights. No Streamlit here.

Missing data stays missing in the scores and is never 0; in the composite a gap is imputed so
that it can never raise a community's score, and a community with too little data is not
ranked (`score`). Rules, thresholds and sources: docs/arena.md.
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
# OECD/JRC Handbook (2008) and COINr: a unit with less than 65% of the (weighted) data is not
# ranked; an indicator with |skewness| > 2 and kurtosis > 3.5 is winsorised, at most 5 points.
COVERAGE = 0.65
WINSOR_SKEW, WINSOR_KURT, WINSOR_MAX = 2.0, 3.5, 5
CORR_DOUBLE, CORR_MIN_N = 0.9, 5  # |Spearman rho| that suggests double counting; fewest pairs to say


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


def winsorise(values: pd.Series, max_points: int = WINSOR_MAX) -> tuple[pd.Series, pd.Series]:
    """COINr's rule for a skewed indicator: while |skewness| > WINSOR_SKEW and excess kurtosis >
    WINSOR_KURT (pandas' sample estimates; at least 4 values), the most extreme value on the
    side of the skew takes the value of its nearest neighbour, at most `max_points` times.
    Returns (values, True where a value was clipped). Growth from a small base (10 → 32
    volunteers is +220%) is the usual case; an ordinary spread is left alone."""
    x = values.astype(float).copy()
    clipped = pd.Series(False, index=x.index)
    for _ in range(max_points):
        v = x.dropna()
        if len(v) < 4 or v.nunique() < 3:
            break
        skew, kurt = v.skew(), v.kurt()
        if not (abs(skew) > WINSOR_SKEW and kurt > WINSOR_KURT):
            break
        order = v.sort_values(kind="stable")
        if skew > 0:
            top, nxt = order.iloc[-1], order[order < order.iloc[-1]].iloc[-1]
            hit = x == top
        else:
            top, nxt = order.iloc[0], order[order > order.iloc[0]].iloc[0]
            hit = x == top
        x[hit] = nxt
        clipped |= hit
    return x, clipped


def _composite(scores: np.ndarray, medians: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Composite per community (rows) for each weight vector (rows of `weights`), shape
    (communities, draws): the weighted mean over the indicators the group has (a median is
    known), a missing score imputed as the lower of the community's own weighted mean of the
    scores it has and the group's median score on that indicator — so a gap never raises a
    composite above what the community earns elsewhere, nor above an ordinary value of its
    group. NaN for a community with no score at all."""
    have = ~np.isnan(scores)
    avail = ~np.isnan(medians)
    num = np.where(have, scores, 0.0) @ weights.T
    den = have.astype(float) @ weights.T
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(den > 0, num / den, np.nan)
    total_num, total_den = num.copy(), den.copy()
    for k in range(scores.shape[1]):
        gap = (~have[:, k]) & avail[:, k]
        if not gap.any():
            continue
        fill = np.minimum(own, medians[:, [k]])  # (communities, draws)
        wk = weights[:, k][None, :]
        total_num += np.where(gap[:, None], fill * wk, 0.0)
        total_den += np.where(gap[:, None], wk, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((den > 0) & (total_den > 0), total_num / total_den, np.nan)


def _rank(composite: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """Rank 1 = best; ties share the best rank of their group ("min"); missing stays missing.
    Composites are rounded to 1e-6 so float noise never breaks a tie."""
    return composite.round(6).rank(ascending=False, method="min")


def _rank_in_groups(composite: pd.Series | pd.DataFrame, group: pd.Series) -> pd.Series | pd.DataFrame:
    """`_rank` within each peer group."""
    parts = [_rank(composite.loc[idx]) for _, idx in group.groupby(group, sort=False).groups.items()]
    return pd.concat(parts).reindex(composite.index) if parts else _rank(composite)


@dataclass(frozen=True)
class ArenaResult:
    """Everything the scoreboard, the side-by-side table and the pack show."""

    method: Method
    values: pd.DataFrame  # raw indicator values as reported (rows = communities, columns = indicator keys)
    scores: pd.DataFrame  # 0–100 per indicator; NaN where missing or on too few cases (never 0)
    weights: pd.Series  # the weights as given (points)
    shares: pd.Series  # weights ÷ their sum
    contributions: pd.DataFrame  # points each indicator adds to the composite (sum = composite), imputed ones too
    composite: pd.Series  # 0–100
    rank: pd.Series  # 1 = best within the peer group; NaN without data or below the coverage rule
    missing: pd.Series  # per community: weighted indicator keys without a scored value
    redistributed: pd.Series  # per community: share of the total weight on those indicators
    imputed: pd.DataFrame | None = None  # the score imputed for a missing one (NaN elsewhere)
    few_cases: pd.DataFrame | None = None  # True: a rate on fewer than min_cases cases, shown but not scored
    winsorised: pd.DataFrame | None = None  # True: the value was clipped before normalising
    used: pd.DataFrame | None = None  # the values as scored (after the min-case rule and winsorising)
    ranked: pd.Series | None = None  # True: ranked (has data and passes the coverage rule)
    group: pd.Series | None = None  # the peer group of each community ("all" without peer groups)
    medians: pd.DataFrame | None = None  # per community: its group's median score on each indicator

    def table(self) -> pd.DataFrame:
        """One row per community, best first (by peer group, when there are several): rank,
        composite, contributions, missing flags; the unranked after the ranked, by composite."""
        out = pd.DataFrame({"rank": self.rank, "composite": self.composite})
        out = out.join(self.contributions)
        out["missing"] = self.missing
        out["redistributed"] = self.redistributed
        keys, ascending = ["rank", "composite"], [True, False]
        if self.group is not None and self.group.nunique() > 1:
            out.insert(0, "group", self.group)
            keys, ascending = ["group", *keys], [True, *ascending]
        return out.sort_values(keys, ascending=ascending, na_position="last", kind="stable")


def score(
    values: pd.DataFrame,
    weights: Mapping[str, float],
    method: Method = "minmax",
    *,
    cases: pd.DataFrame | None = None,
    min_cases: int | None = None,
    groups: pd.Series | None = None,
    coverage: float = COVERAGE,
    winsor: bool = True,
) -> ArenaResult:
    """Score the communities (rows of `values`, one column per indicator key) with `weights`
    (indicator key → points; indicators absent from `weights` count 0), by the OECD/JRC steps
    with COINr's defaults:

    - a rate on fewer than `min_cases` cases (`cases`: the case counts per community, columns
      named as each indicator's `cases_column`) is shown but not scored: it counts as missing;
    - with `winsor`, each indicator is winsorised within its group (`winsorise`);
    - normalised (`method`) and ranked within each peer group of `groups` (community → group
      label; everyone in one group without it);
    - a missing score is imputed as the lower of the community's own weighted mean and its
      group's median on that indicator (`_composite`): a gap never raises a score;
    - a community missing more than 1 − `coverage` of the weight its group has data for (35%
      by default) keeps its composite but is not ranked.
    """
    w = check_weights(weights)
    keys = [k for k in values.columns if k in BY_KEY]
    raw = values[keys].apply(pd.to_numeric, errors="coerce").astype(float)
    weights_s = pd.Series({k: w.get(k, 0.0) for k in keys}, dtype=float)
    shares = weights_s / weights_s.sum()
    group = (
        pd.Series("all", index=raw.index, dtype=object)
        if groups is None
        else groups.reindex(raw.index).astype(object).where(lambda g: g.notna(), "—").astype(str)
    )

    few = pd.DataFrame(False, index=raw.index, columns=keys)
    if cases is not None and min_cases:
        for k in keys:
            col = indicator(k).cases_column
            if col and col in cases.columns:
                n = pd.to_numeric(cases[col].reindex(raw.index), errors="coerce")
                few[k] = raw[k].notna() & ~(n >= min_cases)
    used = raw.mask(few)
    clipped = pd.DataFrame(False, index=raw.index, columns=keys)
    scores = pd.DataFrame(np.nan, index=raw.index, columns=keys)
    medians = pd.DataFrame(np.nan, index=raw.index, columns=keys)
    for _, idx in group.groupby(group, sort=False).groups.items():
        part = used.loc[idx].copy()
        if winsor:
            for k in keys:
                part[k], clipped.loc[idx, k] = winsorise(part[k])
        used.loc[idx] = part
        scores.loc[idx] = normalise(part, method)
        medians.loc[idx] = np.tile(scores.loc[idx].median().to_numpy(dtype=float), (len(idx), 1))

    s = scores.to_numpy(dtype=float)
    med = medians.to_numpy(dtype=float)
    wv = weights_s.to_numpy(dtype=float)
    composite = pd.Series(_composite(s, med, wv[None, :])[:, 0], index=raw.index, name="composite")

    have = ~np.isnan(s)
    avail = ~np.isnan(med)
    with np.errstate(divide="ignore", invalid="ignore"):
        den = have.astype(float) @ wv
        own = np.where(den > 0, (np.where(have, s, 0.0) @ wv) / den, np.nan)
    imputed_v = np.where(~have & avail & (wv[None, :] > 0), np.minimum(own[:, None], med), np.nan)
    filled = np.where(have, s, imputed_v)
    counted = ~np.isnan(filled) & (wv[None, :] > 0)
    weight_in = counted.astype(float) @ wv
    with np.errstate(divide="ignore", invalid="ignore"):
        eff = np.where(weight_in[:, None] > 0, np.where(counted, wv[None, :], 0.0) / weight_in[:, None], np.nan)
    contrib = pd.DataFrame(np.where(counted, eff * np.nan_to_num(filled), np.nan), index=raw.index, columns=keys)

    active = weights_s[weights_s > 0].index
    missing = pd.Series([[k for k in active if pd.isna(scores.at[c, k])] for c in raw.index], index=raw.index)
    redistributed = pd.Series(
        [weights_s[m].sum() / weights_s.sum() for m in missing], index=raw.index, dtype=float, name="redistributed"
    )
    avail_weight = (avail & (wv[None, :] > 0)).astype(float) @ wv
    with np.errstate(divide="ignore", invalid="ignore"):
        present_share = np.where(avail_weight > 0, den / avail_weight, 0.0)
    ranked = pd.Series(composite.notna().to_numpy() & (present_share >= coverage - 1e-9), index=raw.index)
    rank = _rank_in_groups(composite.where(ranked), group)
    return ArenaResult(
        method=method,
        values=raw,
        scores=scores,
        weights=weights_s,
        shares=shares,
        contributions=contrib,
        composite=composite,
        rank=rank.rename("rank"),
        missing=missing.rename("missing"),
        redistributed=redistributed,
        imputed=pd.DataFrame(imputed_v, index=raw.index, columns=keys),
        few_cases=few,
        winsorised=clipped,
        used=used,
        ranked=ranked.rename("ranked"),
        group=group.rename("group"),
        medians=medians,
    )


# ---------------------------------------------------------------------------------------------
# Sensitivity


def sensitivity(result: ArenaResult, draws: int = DRAWS, spread: float = SPREAD, seed: int = SEED) -> pd.DataFrame:
    """How much each community's rank depends on the weights: every weight is multiplied by an
    independent uniform factor in [1 − spread, 1 + spread], `draws` times (numpy Generator with
    `seed`, so the same inputs give the same answer). Normalised scores do not depend on the
    weights and are kept; imputation and peer groups are as in `score`, and a community that is
    not ranked stays unranked. Returns per community: rank (at the given weights), rank_min,
    rank_median, rank_max, share_first (fraction of draws ranked 1, ties included), stable."""
    rng = np.random.Generator(np.random.PCG64(seed))
    w = result.weights.to_numpy(dtype=float)
    factors = rng.uniform(1.0 - spread, 1.0 + spread, size=(draws, len(w)))
    medians = result.medians if result.medians is not None else _medians(result)
    comp = _composite(result.scores.to_numpy(dtype=float), medians.to_numpy(dtype=float), factors * w[None, :])
    frame = pd.DataFrame(comp, index=result.scores.index)
    if result.ranked is not None:
        frame = frame.where(result.ranked, np.nan, axis=0)
    group = result.group if result.group is not None else pd.Series("all", index=frame.index)
    ranks = _rank_in_groups(frame, group)
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


def _medians(result: ArenaResult) -> pd.DataFrame:
    return pd.DataFrame(
        np.tile(result.scores.median().to_numpy(dtype=float), (len(result.scores), 1)),
        index=result.scores.index,
        columns=result.scores.columns,
    )


def rank_band(rank: float, lo: float, hi: float, lang: str) -> str:
    """A rank with its band from the sensitivity test, in words: 第1名 / 第1–2名 (rank 1, rank
    1–2 in English); "—" without a rank. The band always contains the rank itself."""
    if pd.isna(rank):
        return "—"
    lo, hi = min(lo, rank) if not pd.isna(lo) else rank, max(hi, rank) if not pd.isna(hi) else rank
    span = f"{lo:.0f}" if lo == hi else f"{lo:.0f}–{hi:.0f}"
    return f"第{span}名" if lang == "zh" else f"rank {span}"


def movement(current: ArenaResult, previous: ArenaResult) -> pd.Series:
    """Places gained since the previous period (previous rank − current rank: +2 = up two
    places), per community of `current`; NaN where either period has no rank."""
    return (previous.rank.reindex(current.rank.index) - current.rank).rename("movement")


def correlations(result: ArenaResult, min_pairs: int = CORR_MIN_N) -> pd.DataFrame:
    """Spearman's rank correlation between every two weighted indicators over the communities
    that have both (as scored: after the min-case rule and winsorising), for pairs with at
    least `min_pairs` communities: columns a, b, rho, n, double (|rho| ≥ CORR_DOUBLE: the two
    may count the same thing twice, as 办结率 and 按时办结率 can), strongest first. The OECD/JRC
    handbook asks for this check before weights are set."""
    used = result.used if result.used is not None else result.values
    keys = [k for k in result.weights.index if result.weights[k] > 0]
    rows = []
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            both = used[[a, b]].dropna()
            if len(both) < min_pairs or both[a].nunique() < 2 or both[b].nunique() < 2:
                continue
            rho = float(both[a].rank().corr(both[b].rank()))
            if not indicator(a).higher_is_better:
                rho = -rho
            if not indicator(b).higher_is_better:
                rho = -rho
            rows.append({"a": a, "b": b, "rho": rho, "n": len(both)})
    out = pd.DataFrame(rows, columns=["a", "b", "rho", "n"])
    out["double"] = out["rho"].abs() >= CORR_DOUBLE
    return out.reindex(out["rho"].abs().sort_values(ascending=False, kind="stable").index).reset_index(drop=True)


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


def strengths_and_gaps(result: ArenaResult, code: str, n: int = 3) -> tuple[list[str], list[str]]:
    """The `n` weighted indicators on which a community is furthest above its group's median
    score and the `n` furthest below it (0–100 scores; missing ones are neither; at most half of
    its scored indicators each way)."""
    keys = [k for k in result.scores.columns if result.weights[k] > 0]
    medians = result.medians if result.medians is not None else _medians(result)
    d = (result.scores.loc[code, keys] - medians.loc[code, keys]).dropna().sort_values(ascending=False, kind="stable")
    if len(d) < 2:
        return list(d.index), []
    k = min(n, len(d) // 2)
    return list(d.index[:k]), list(d.index[::-1][:k])


def deltas_to_median(values: pd.DataFrame) -> pd.DataFrame:
    """Each community's value minus the group median, per indicator (rows = indicators)."""
    t = values.T.astype(float)
    return t.sub(t.median(axis=1), axis=0)


STRINGS = {
    "arena.no_data": ("无数据", "no data"),
    "arena.unranked": ("未排名", "not ranked"),
    "arena.missing_n": ("缺{n}项", "{n} missing"),
    "arena.rank_range": ("名次范围", "Rank range"),
    "arena.rank_median": ("中位名次", "Median rank"),
    "arena.rank_base": ("当前权重名次", "Rank at these weights"),
    "arena.first_share": ("权重浮动时 {share:.0%} 排第一", "first in {share:.0%} of weight draws"),
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
