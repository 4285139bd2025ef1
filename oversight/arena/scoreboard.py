"""The tables of a competition, built once for the page and the pack: the scoreboard (one row per
community, best first), what is missing said in words, and the side-by-side comparison with the
best and the worst of each row marked."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from pandas.io.formats.style import Styler

from oversight.arena.indicators import indicator
from oversight.arena.scoring import ArenaResult, Method, deltas_to_median, side_by_side, strengths_and_gaps
from oversight.i18n import register, t

BEST_COLOUR, WORST_COLOUR = "#D5F5E3", "#FADBD8"  # the background of the best and the worst of a row

STRINGS = {
    "arena.missing_note": (
        "缺失数据不按0分计：该村(社区)的综合得分只在有数据的指标上按权重重新分配。",
        "Missing data never counts as 0: the community's composite re-weights over the indicators it has.",
    ),
    "arena.missing_line": (
        "{name}：缺{items}，其权重{share:.0%}已分配到其他指标。",
        "{name}: no {items}; their {share:.0%} of the weight moved to the other indicators.",
    ),
    "arena.no_data_line": (
        "{name}：统计期内没有报送数据，未参与排名。",
        "{name}: no reports in the period, not ranked.",
    ),
    "arena.nobody_has": (
        "“{label}”全组都没有数据，其权重已分配到其他指标。",
        "Nobody has data for “{label}”; its weight moved to the other indicators for everyone.",
    ),
    "arena.strong_weak": ("长处：{strong}；短板：{weak}", "strong: {strong}; weak: {weak}"),
    "arena.board.rank": ("名次", "Rank"),
    "arena.board.name": ("村(社区)", "Community"),
    "arena.board.town": ("乡镇(街道)", "Township"),
    "arena.board.composite": ("综合得分", "Composite"),
    "arena.board.rank_range": ("名次范围", "Rank range"),
    "arena.board.share_first": ("第一名占比", "First in"),
    "arena.board.missing": ("缺失指标", "Missing"),
    "arena.board.redistributed": ("转移权重", "Weight moved"),
    "arena.board.other_rank": ("按“{method}”的名次", "Rank by “{method}”"),
    "arena.board.indicator": ("指标", "Indicator"),
    "arena.board.median": ("组中位数", "Group median"),
}
register(STRINGS)


def display_names(info: pd.DataFrame) -> dict[str, str]:
    """community_code → name, with the township added where two chosen communities share a name."""
    names = info["community_name"].astype(str)
    dup = names.duplicated(keep=False)
    return {code: (f"{info.at[code, 'town_name']}{name}" if dup[code] else name) for code, name in names.items()}


def joined(labels: list[str], lang: str) -> str:
    """每百户党员人数、满意率 / party members per 100 households, satisfaction rate."""
    return ("、" if lang == "zh" else ", ").join(labels)


def missing_items(result: ArenaResult, code: str, lang: str) -> str:
    """The weighted indicators `code` has no value for, in words ("" when none is missing)."""
    return joined([indicator(k).label(lang) for k in result.missing[code]], lang)


def board(
    result: ArenaResult, sens: pd.DataFrame, info: pd.DataFrame, lang: str, other: ArenaResult | None = None
) -> pd.DataFrame:
    """The scoreboard, one row per community, best first (index: community code): rank, name,
    town, composite, rank_range ("1–3"), share_first, missing (in words; "no data" for a community
    without any report), redistributed, the points each weighted indicator adds (a column per
    indicator key), and with `other` (the same values under the other method) other_rank."""
    order = pd.Index(result.table().index, name="community_code")
    names = display_names(info)
    lo, hi = sens["rank_min"], sens["rank_max"]
    out = pd.DataFrame(index=order)
    out["rank"] = result.rank
    out["name"] = [names[c] for c in order]
    out["town"] = info["town_name"].astype(str)
    out["composite"] = result.composite
    out["rank_range"] = ["—" if pd.isna(lo[c]) else f"{lo[c]:.0f}–{hi[c]:.0f}" for c in order]
    out["share_first"] = sens["share_first"]
    out["missing"] = [
        t("arena.no_data", lang) if pd.isna(result.composite[c]) else missing_items(result, c, lang) for c in order
    ]
    out["redistributed"] = result.redistributed
    for key in result.weights.index[result.weights > 0]:
        out[key] = result.contributions[key]
    if other is not None:
        out["other_rank"] = other.rank
    return out


def ranking_table(scoreboard: pd.DataFrame, lang: str, other_method: Method) -> Styler:
    """The scoreboard as the page shows it: the communities with a score, headers in `lang`,
    composite to one decimal, shares as %."""
    scored = scoreboard[scoreboard["composite"].notna()].reset_index(drop=True)
    columns = ("rank", "name", "town", "composite", "rank_range", "share_first", "missing", "redistributed")
    heads = {c: t(f"arena.board.{c}", lang) for c in columns}
    heads["other_rank"] = t("arena.board.other_rank", lang, method=t(f"arena.method.{other_method}", lang))
    shown = (
        scored[list(heads)]
        .assign(composite=scored["composite"].round(1), missing=scored["missing"].replace("", "—"))
        .rename(columns=heads)
    )
    formats = {"rank": "{:.0f}", "composite": "{:.1f}", "share_first": "{:.0%}", "redistributed": "{:.0%}"}
    formats["other_rank"] = "{:.0f}"
    return shown.style.format({heads[c]: f for c, f in formats.items()}, na_rep="—")


def missing_line(result: ArenaResult, code: str, names: Mapping[str, str], lang: str) -> str | None:
    """What `code` lacks, in a sentence (None when it lacks nothing)."""
    if pd.isna(result.composite[code]):
        return t("arena.no_data_line", lang, name=names[code])
    if result.missing[code]:
        items = missing_items(result, code, lang)
        return t("arena.missing_line", lang, name=names[code], items=items, share=result.redistributed[code])
    return None


def missing_lines(result: ArenaResult, names: Mapping[str, str], lang: str) -> list[str]:
    """A sentence for each community that lacks data, best first."""
    lines = (missing_line(result, c, names, lang) for c in result.table().index)
    return [line for line in lines if line]


def nobody_lines(result: ArenaResult, lang: str) -> list[str]:
    """A sentence for each weighted indicator no community has a value for (its weight moved for
    everyone)."""
    keys = [k for k in result.weights.index if result.weights[k] > 0 and result.values[k].isna().all()]
    return [t("arena.nobody_has", lang, label=indicator(k).label(lang)) for k in keys]


def strengths(result: ArenaResult, code: str, lang: str) -> str:
    """长处：…；短板：… — the indicators `code` scores highest and lowest on (`scoring.strengths_and_gaps`)."""
    strong, weak = strengths_and_gaps(result, code)
    labels = [joined([indicator(k).label(lang) for k in keys], lang) or "—" for keys in (strong, weak)]
    return t("arena.strong_weak", lang, strong=labels[0], weak=labels[1])


def standing(sbs: pd.DataFrame, key: str, code: str) -> str:
    """ "best" or "worst" where `code` is the best or the worst of the group on indicator `key`
    (rows of `scoring.side_by_side`), else ""."""
    return "best" if code in sbs.at[key, "best"] else "worst" if code in sbs.at[key, "worst"] else ""


def comparison(result: ArenaResult, names: Mapping[str, str], lang: str, deltas: bool = False) -> Styler:
    """The weighted indicators as rows, the communities as columns (best first) and the group
    median: each value, or with `deltas` its difference to the median, ▲ and green on the best of
    the row, ▼ and red on the worst."""
    order = list(result.table().index)
    active = [indicator(k) for k in result.weights.index if result.weights[k] > 0]
    values = result.values[[i.key for i in active]].loc[order]
    sbs, diffs = side_by_side(values), deltas_to_median(values)
    marks = {"best": " ▲", "worst": " ▼", "": ""}
    rows, shades = [], []
    for ind in active:
        k = ind.key
        unit = ind.delta_unit(lang) if deltas else ind.unit(lang)
        row = {t("arena.board.indicator", lang): f"{ind.label(lang)}（{unit}）"}
        for c in order:
            text = ind.format_delta(diffs.at[k, c], lang, with_unit=False) if deltas else ind.format(sbs.at[k, c])
            row[names[c]] = text + marks[standing(sbs, k, c)]
        row[t("arena.board.median", lang)] = ind.format(sbs.at[k, "median"])
        rows.append(row)
        shades.append({names[c]: standing(sbs, k, c) for c in order})
    colour = {"best": f"background-color: {BEST_COLOUR}", "worst": f"background-color: {WORST_COLOUR}"}

    def shade(row: pd.Series) -> list[str]:
        return [colour.get(shades[row.name].get(col, ""), "") for col in row.index]

    return pd.DataFrame(rows).style.apply(shade, axis=1)
