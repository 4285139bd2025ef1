"""The tables of a competition, built once for the page and the pack: the scoreboard (one row per
community, best first), what is missing said in words, and the side-by-side comparison with the
best and the worst of each row marked."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from pandas.io.formats.style import Styler

from core.settings import min_cases
from oversight.arena.indicators import indicator
from oversight.arena.scoring import (
    COVERAGE,
    ArenaResult,
    Method,
    deltas_to_median,
    movement,
    rank_band,
    side_by_side,
    strengths_and_gaps,
)
from oversight.i18n import bracket, fmt_month, joined, register, t

BEST_COLOUR, WORST_COLOUR = "#D5F5E3", "#FADBD8"  # the background of the best and the worst of a row
FEW_COLOUR, FEW_MARK = "#9E9E9E", " *"  # a rate on too few cases: shown, greyed, not scored

STRINGS = {
    "arena.missing_note": (
        "缺失数据不按0分计，也不会抬高得分：缺项按该村(社区)其他指标的加权平均分与组内中位数中较低者补分；"
        "有数据的指标不足权重的{coverage:.0%}的不参与排名；比率所依据的案件少于{min_cases}件的只显示、不计分。",
        "Missing data never counts as 0 and never raises a score: a gap is filled with the lower of the "
        "community's own weighted mean score and the group's median on that indicator; a community with data "
        "for less than {coverage:.0%} of the weight is not ranked; a rate on fewer than {min_cases} cases is "
        "shown but not scored.",
    ),
    # the parts of a community's line: its name once, then each part (zh each a sentence, en joined by "; ")
    "arena.named_line": ("{name}：{parts}", "{name}: {parts}."),
    "arena.missing_line": (
        "缺{items}（占权重{share:.0%}），按不抬高得分的规则补分。",
        "no {items} ({share:.0%} of the weight), filled so that it cannot raise the score",
    ),
    "arena.few_line": (
        "{items}案件不足{min_cases}件，只显示、不计分。",
        "{items} on fewer than {min_cases} cases, shown but not scored",
    ),
    "arena.unranked_line": (
        "有数据的指标不足权重的{coverage:.0%}，不参与排名。",
        "data for less than {coverage:.0%} of the weight, not ranked",
    ),
    "arena.board.group": ("同类组", "Peer group"),
    "arena.board.movement": ("较上期", "Since last period"),
    "arena.same_place": ("持平", "same"),
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
    "arena.board.rank_range": ("名次区间", "Rank band"),
    "arena.board.share_first": ("权重浮动时排第一的比例", "Ranked first as weights vary"),
    "arena.board.missing": ("缺失指标", "Missing"),
    "arena.board.redistributed": ("补分权重", "Weight filled"),
    "arena.board.other_rank": ("按“{method}”的名次", "Rank by “{method}”"),
    "arena.board.indicator": ("指标", "Indicator"),
    "arena.board.stock_note": ("存量沿用", "Stocks carried from"),
    "arena.board.median": ("组中位数", "Group median"),
    "arena.corr.a": ("指标一", "Indicator"),
    "arena.corr.b": ("指标二", "Indicator"),
    "arena.corr.rho": ("相关系数ρ", "ρ"),
    "arena.corr.n": ("村(社区)数", "Communities"),
}
register(STRINGS)


def display_names(info: pd.DataFrame) -> dict[str, str]:
    """community_code → name, with the township added where two chosen communities share a name."""
    names = info["community_name"].astype(str)
    dup = names.duplicated(keep=False)
    return {code: (f"{info.at[code, 'town_name']}{name}" if dup[code] else name) for code, name in names.items()}


def missing_items(result: ArenaResult, code: str, lang: str) -> str:
    """The weighted indicators `code` has no value for, in words ("" when none is missing)."""
    return joined([indicator(k).label(lang) for k in result.missing[code]], lang)


def board(
    result: ArenaResult,
    sens: pd.DataFrame,
    info: pd.DataFrame,
    lang: str,
    other: ArenaResult | None = None,
    previous: ArenaResult | None = None,
) -> pd.DataFrame:
    """The scoreboard, one row per community, best first (index: community code): rank, name,
    town, group (the peer group), composite, rank_range (the rank with its band from the
    sensitivity test in words: "第1–2名"; "未排名" for a community the coverage rule leaves out,
    "—" without data), share_first, missing (in words; "no data" for a community without any
    report), redistributed, the points each weighted indicator adds (a column per indicator
    key), stock_note (the month a community's stocks are carried from, "" when they are of the
    period's last month; with info's `carried`), with `other` (the same values under the other method) other_rank, and with `previous`
    (the same rules over the previous period) movement (places gained)."""
    order = pd.Index(result.table().index, name="community_code")
    names = display_names(info)
    lo, hi = sens["rank_min"], sens["rank_max"]
    out = pd.DataFrame(index=order)
    out["rank"] = result.rank
    out["name"] = [names[c] for c in order]
    out["town"] = info["town_name"].astype(str)
    out["group"] = result.group if result.group is not None else "all"
    out["composite"] = result.composite
    out["rank_range"] = [
        t("arena.unranked", lang)
        if pd.isna(result.rank[c]) and not pd.isna(result.composite[c])
        else rank_band(result.rank[c], lo[c], hi[c], lang)
        for c in order
    ]
    out["share_first"] = sens["share_first"]
    out["missing"] = [
        t("arena.no_data", lang) if pd.isna(result.composite[c]) else missing_items(result, c, lang) for c in order
    ]
    out["redistributed"] = result.redistributed
    if "carried" in info:  # stocks carried forward from an earlier report (common.range_rows)
        carried = info["carried"].reindex(order).fillna(False).astype(bool)
        months = info["stock_month"].reindex(order)
        out["stock_note"] = [fmt_month(m.date(), lang) if c else "" for c, m in zip(carried, months, strict=True)]
    for key in result.weights.index[result.weights > 0]:
        out[key] = result.contributions[key]
    if other is not None:
        out["other_rank"] = other.rank
    if previous is not None:
        out["movement"] = movement(result, previous)
    return out


def movement_text(x: float, lang: str) -> str:
    """↑2 / ↓1 / 持平 (same), "—" without a rank in either period."""
    if pd.isna(x):
        return "—"
    return t("arena.same_place", lang) if x == 0 else (f"↑{x:.0f}" if x > 0 else f"↓{-x:.0f}")


def ranking_table(scoreboard: pd.DataFrame, lang: str, other_method: Method) -> Styler:
    """The scoreboard as the page shows it: the communities with a score, headers in `lang`,
    composite to one decimal, shares as %."""
    scored = scoreboard[scoreboard["composite"].notna()].reset_index(drop=True)
    columns = ["rank", "name", "town", "composite", "rank_range", "share_first", "missing", "redistributed"]
    if scored["group"].nunique() > 1:
        columns.insert(3, "group")
    if "movement" in scored:
        columns.insert(columns.index("rank_range") + 1, "movement")
    if "stock_note" in scored and scored["stock_note"].ne("").any():
        columns.insert(columns.index("missing") + 1, "stock_note")
    heads = {c: t(f"arena.board.{c}", lang) for c in columns}
    heads["other_rank"] = t("arena.board.other_rank", lang, method=t(f"arena.method.{other_method}", lang))
    shown = scored[list(heads)].assign(
        composite=scored["composite"].round(1), missing=scored["missing"].replace("", "—")
    )
    if "stock_note" in shown:
        shown["stock_note"] = shown["stock_note"].replace("", "—")
    if "movement" in shown:
        shown["movement"] = [movement_text(x, lang) for x in shown["movement"]]
    shown = shown.rename(columns=heads)
    formats = {"rank": "{:.0f}", "composite": "{:.1f}", "share_first": "{:.0%}", "redistributed": "{:.0%}"}
    formats["other_rank"] = "{:.0f}"
    return shown.style.format({heads[c]: f for c, f in formats.items()}, na_rep="—")


def few_cases(result: ArenaResult, code: str) -> list[str]:
    """The weighted rates of `code` shown but not scored: on fewer than min_cases cases."""
    if result.few_cases is None:
        return []
    return [k for k in result.missing[code] if bool(result.few_cases.at[code, k])]


def missing_note(lang: str) -> str:
    """The paragraph that says how missing data, coverage and few cases are handled."""
    return t("arena.missing_note", lang, coverage=COVERAGE, min_cases=min_cases())


def missing_line(result: ArenaResult, code: str, names: Mapping[str, str], lang: str) -> str | None:
    """What `code` lacks, in one line naming it once (None when it lacks nothing): no data at
    all; the rates on too few cases; the other gaps, filled so they cannot raise the score; not
    ranked."""
    name = names[code]
    if pd.isna(result.composite[code]):
        return t("arena.no_data_line", lang, name=name)
    parts = []
    few = few_cases(result, code)
    gaps = [k for k in result.missing[code] if k not in few]
    if few:
        items = joined([indicator(k).label(lang) for k in few], lang)
        parts.append(t("arena.few_line", lang, items=items, min_cases=min_cases()))
    if gaps:
        items = joined([indicator(k).label(lang) for k in gaps], lang)
        share = result.weights[gaps].sum() / result.weights.sum()
        parts.append(t("arena.missing_line", lang, items=items, share=share))
    if result.ranked is not None and not result.ranked[code]:
        parts.append(t("arena.unranked_line", lang, coverage=COVERAGE))
    if not parts:
        return None
    return t("arena.named_line", lang, name=name, parts=("" if lang == "zh" else "; ").join(parts))


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
    """长处：…；短板：… — the (up to three) indicators on which `code` is furthest above and below its
    group's median score (`scoring.strengths_and_gaps`)."""
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
    the row, ▼ and red on the worst; a rate on too few cases to be scored is greyed with a *
    (FEW_MARK). `styled(comparison_cells(…))`."""
    return styled(comparison_cells(result, names, lang, deltas))


def comparison_cells(
    result: ArenaResult, names: Mapping[str, str], lang: str, deltas: bool = False
) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """`comparison`'s table as plain data, which pickles (the page caches it with the scores):
    the cells, and per row each community column's shade — "best", "worst", "few" or ""."""
    order = list(result.table().index)
    active = [indicator(k) for k in result.weights.index if result.weights[k] > 0]
    values = result.values[[i.key for i in active]].loc[order]
    sbs, diffs = side_by_side(values), deltas_to_median(values)
    marks = {"best": " ▲", "worst": " ▼", "": ""}
    rows, shades = [], []
    for ind in active:
        k = ind.key
        unit = ind.delta_unit(lang) if deltas else ind.unit(lang)
        row = {t("arena.board.indicator", lang): ind.label(lang) + bracket(unit, lang)}
        for c in order:
            text = ind.format_delta(diffs.at[k, c], lang, with_unit=False) if deltas else ind.format(sbs.at[k, c])
            few = result.few_cases is not None and bool(result.few_cases.at[c, k])
            row[names[c]] = text + (FEW_MARK if few else marks[standing(sbs, k, c)])
        row[t("arena.board.median", lang)] = ind.format(sbs.at[k, "median"])
        rows.append(row)
        shades.append(
            {
                names[c]: "few"
                if result.few_cases is not None and bool(result.few_cases.at[c, k])
                else standing(sbs, k, c)
                for c in order
            }
        )
    return pd.DataFrame(rows), shades


def styled(cells: tuple[pd.DataFrame, list[dict[str, str]]]) -> Styler:
    """`comparison_cells` with the shades as cell styles (green best, red worst, grey few)."""
    table, shades = cells
    colour = {
        "best": f"background-color: {BEST_COLOUR}",
        "worst": f"background-color: {WORST_COLOUR}",
        "few": f"color: {FEW_COLOUR}",
    }

    def shade(row: pd.Series) -> list[str]:
        return [colour.get(shades[row.name].get(col, ""), "") for col in row.index]

    return table.style.apply(shade, axis=1)


def correlation_table(pairs: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Pairs of `scoring.correlations` with the indicators named in `lang`, ρ to two decimals."""
    return pd.DataFrame(
        {
            t("arena.corr.a", lang): [indicator(k).label(lang) for k in pairs["a"]],
            t("arena.corr.b", lang): [indicator(k).label(lang) for k in pairs["b"]],
            t("arena.corr.rho", lang): pairs["rho"].round(2).to_numpy(),
            t("arena.corr.n", lang): pairs["n"].to_numpy(),
        }
    )
