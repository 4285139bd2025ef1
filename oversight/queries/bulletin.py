"""Queries of the monthly bulletin (工作通报): every unit's figures for one month, its peer
group, its rank within the group, the red and black lists, the units below a standard and
who reported late or not at all.

The figures are the catalogue's metrics (core.metrics) read by `common.per_unit` as every page
reads them; peer groups are core.peers' (townships by TOWN_RULE, communities by the default
community rule); a case-based rate on fewer than core.settings.min_cases() cases is shown but
neither ranked nor listed. Equal values share a rank (1, 1, 3), printed "并列不分先后".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from core.metrics import cases_of, metric
from core.peers import DEFAULT_COMMUNITY_RULE, TOWN_RULE, PeerRule, community_rule, peer_sql
from core.settings import min_cases
from core.sql import compose
from oversight.db import query
from oversight.filters import Filters
from oversight.queries.common import below_mask, per_unit
from oversight.queries.overview import submissions

# The four figures with a standard, in the order of 一、总体情况 (names from core.metrics).
STANDARD_METRICS = ("party_org_coverage", "m2_per_100_households", "resolution_rate", "satisfaction_rate")
# Ranked in 二、排名 (the standards' metrics) and listed in 三、红黑榜.
RANKED_METRICS = STANDARD_METRICS
BOARD_METRICS = ("resolution_rate", "satisfaction_rate", "m2_per_100_households")
# A rate whose denominator is a count of cases: the minimum-case rule applies to it.
CASE_RATES = ("resolution_rate", "satisfaction_rate")
BOARD_SIZE = 5  # top and bottom five per peer group (12345 通报 practice, DOMAIN.md)


def filters(month: date, town_code: str | None = None, lang: str = "zh") -> Filters:
    """The selection of a bulletin: one month, the whole county or one township."""
    return Filters(lang, (town_code,) if town_code else (), None, (), month, month)


def level(town_code: str | None) -> str:
    """What the bulletin ranks: "town" (townships, for the county) or "community" (the
    communities of one township)."""
    return "community" if town_code else "town"


def peer_rule(town_code: str | None) -> PeerRule:
    """The peer rule of the ranked units: 街道/镇/乡 for townships, 社区/村 for communities."""
    return community_rule(DEFAULT_COMMUNITY_RULE) if town_code else TOWN_RULE


def case_column(name: str) -> str | None:
    """The case count a rate stands on (its denominator: requests_received for 办结率,
    followups_total for 满意率), None for a figure the minimum-case rule does not apply to."""
    return cases_of(name) if name in CASE_RATES else None


def _peers(town_code: str | None) -> pd.DataFrame:
    """unit_code → peer (the value of the peer rule's registry column)."""
    if town_code:
        sql = compose(
            "SELECT community_code AS unit_code, {p} AS peer FROM community AS c",
            p=peer_sql(peer_rule(town_code), "c"),
        )
    else:
        sql = compose("SELECT town_code AS unit_code, {p} AS peer FROM ref_town AS t", p=peer_sql(TOWN_RULE, "t"))
    return query(sql)


def units(month: date, town_code: str | None = None) -> pd.DataFrame:
    """One row per reporting unit of the month (townships of the county, or the communities of
    township `town_code`): unit_code, unit_name, town_code, town_name, peer, the
    STANDARD_METRICS (shares 0–1, ㎡ per 100 households) and the case counts they stand on
    (requests_received, followups_total). A unit without a report that month has a row only
    when its stocks are carried into it (common.range_rows; its rates on cases are then missing)."""
    counts = tuple(dict.fromkeys(c for n in CASE_RATES if (c := case_column(n))))
    f = filters(month, town_code)
    df = per_unit(f, (*STANDARD_METRICS, *counts), level="community" if town_code else None)
    df = df.merge(_peers(town_code), on="unit_code", how="left")
    return df.reset_index(drop=True)


def eligible(df: pd.DataFrame, name: str, cases: int | None = None) -> pd.Series:
    """Per row of `units()`: whether its `name` value may be ranked — it has one and, for a
    case-based rate, stands on at least `cases` (default core.settings.min_cases()) cases."""
    ok = df[name].notna()
    col = case_column(name)
    if col is not None:
        ok &= df[col].fillna(0) >= (min_cases() if cases is None else cases)
    return ok.astype(bool)


def ranks(df: pd.DataFrame, name: str, cases: int | None = None) -> pd.DataFrame:
    """`df` (from `units()`) with `rank` (best = 1) and `rank_from_bottom` (worst = 1) of metric
    `name` within each peer group, both shared by equal values (method "min"), and `n_ranked`
    (units ranked in the group); missing where the unit is not ranked (no value, too few cases)."""
    out = df.copy()
    ok = eligible(out, name, cases)
    best_first = not metric(name).higher_is_better
    values = out[name].astype("Float64").where(ok)
    grouped = values.groupby(out["peer"], dropna=False)
    out["rank"] = grouped.rank(method="min", ascending=best_first).astype("Int64")
    out["rank_from_bottom"] = grouped.rank(method="min", ascending=not best_first).astype("Int64")
    out["n_ranked"] = ok.groupby(out["peer"], dropna=False).transform("sum").astype("Int64")
    return out


def board_size(n_ranked: int, size: int = BOARD_SIZE) -> int:
    """How many places each list takes in a group of `n_ranked` ranked units: `size`, or half
    the group (rounded down) when it has fewer than 2 × `size`, so nobody is on both lists."""
    return min(size, n_ranked // 2)


@dataclass(frozen=True)
class Board:
    """The red and black list of one metric in one peer group: rows of `ranks()` (unit_name,
    value, rank …), best first on the red list and worst first on the black list."""

    metric: str
    peer: object
    n_ranked: int
    places: int
    red: pd.DataFrame
    black: pd.DataFrame


def boards(df: pd.DataFrame, name: str, size: int = BOARD_SIZE, cases: int | None = None) -> list[Board]:
    """The red list (rank ≤ places) and black list (rank from the bottom ≤ places) of metric
    `name` in each peer group of `df` (from `units()`); places = board_size(units ranked).
    Equal values are listed together ("并列不分先后"), so a list may hold more than `places`
    units; a unit on the red list is never also on the black one. A unit not ranked (no value,
    fewer cases than the minimum) is on neither."""
    ranked = ranks(df, name, cases)
    out = []
    for peer, g in ranked.groupby("peer", sort=True, dropna=False):
        n = int(g["rank"].notna().sum())
        places = board_size(n, size)
        red = g[g["rank"].notna() & (g["rank"] <= places)].sort_values(["rank", "unit_code"])
        black = g[g["rank_from_bottom"].notna() & (g["rank_from_bottom"] <= places)]
        black = black[~black["unit_code"].isin(red["unit_code"])].sort_values(["rank_from_bottom", "unit_code"])
        out.append(Board(name, peer, n, places, red.reset_index(drop=True), black.reset_index(drop=True)))
    return out


def below_standard(df: pd.DataFrame, name: str, cases: int | None = None) -> pd.DataFrame:
    """Rows of `df` whose `name` misses the metric's line (core.metrics: below the standard or
    the alert, above it when lower is better), among those that may be ranked; worst first."""
    ok = eligible(df, name, cases)
    below = below_mask(df[name], name).fillna(False).astype(bool) & ok
    return df[below].sort_values(name, ascending=metric(name).higher_is_better, kind="stable").reset_index(drop=True)


def few_cases(df: pd.DataFrame, name: str, cases: int | None = None) -> pd.DataFrame:
    """Rows of `df` that have a `name` value but too few cases to rank it (a data-quality flag
    of the bulletin): unit_name, the value and the case count."""
    return df[df[name].notna() & ~eligible(df, name, cases)].reset_index(drop=True)


def reporting(month: date, town_code: str | None = None, today: date | None = None) -> pd.DataFrame:
    """Every community in scope for `month` with its status (overview.submissions): on_time,
    late, missing or pending, reported_on, due_on, town_name, community_name."""
    return submissions(filters(month, town_code), today)
