"""A range of months in words: the period ("2024年1月 – 2024年3月") and, under a page's KPI
cards, the carry rule said where the figures are (issue 16.1) — how many communities' stocks
are carried forward from an earlier report and how many are withheld
(`oversight.queries.common.stock_sources`, `core.settings.carry_months`)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from core.settings import carry_months
from oversight.filters import Filters
from oversight.i18n import fmt_month, register, t
from oversight.queries.common import stock_sources

STRINGS = {
    "carry.carried": (
        "存量指标（户数、面积、志愿者人数等）含 {n} 个村(社区)沿用此前月报（最多沿用 {k} 个月）：{names}",
        "Stocks (households, floor area, volunteers …) include {n} communities carried from an earlier report "
        "(at most {k} months): {names}",
    ),
    "carry.withheld": (
        "{n} 个村(社区)最近一次月报早于 {k} 个月，其存量未计入：{names}",
        "{n} communities last reported more than {k} months before the end; their stocks are left out: {names}",
    ),
    "carry.more": ("等", " and others"),
    "carry.from": ("{name}（{month}）", "{name} ({month})"),
    "col.stock_month": ("存量数据月份", "Stocks as of"),
}
register(STRINGS)

SHOWN_NAMES = 8  # names listed in the note; the rest are "等"


def period_label(f: Filters) -> str:
    """The selection's months in words: "2024年1月 – 2024年3月", "2024年3月", "Jan 2024 – Mar 2024"."""
    text = fmt_month(f.month_from, f.lang)
    return text if f.month_to == f.month_from else f"{text} – {fmt_month(f.month_to, f.lang)}"


def _names(df: pd.DataFrame, lang: str, with_month: bool) -> str:
    parts = [
        t("carry.from", lang, name=r.community_name, month=fmt_month(r.stock_month, lang))
        if with_month
        else str(r.community_name)
        for r in df.head(SHOWN_NAMES).itertuples()
    ]
    text = ("、" if lang == "zh" else ", ").join(parts)
    return text + (t("carry.more", lang) if len(df) > SHOWN_NAMES else "")


def carry_lines(f: Filters, end_month: bool = False) -> list[str]:
    """The sentences of the note for selection `f` (none when every community's stocks are of
    the range's last month): carried communities with the month each is read from, then the
    withheld ones. With `end_month`, for the range's last month alone (the overview's cards)."""
    if end_month:
        f = dataclasses.replace(f, month_from=f.month_to)
    src = stock_sources(f, not_current=True)
    lang, k = f.lang, carry_months()
    lines = []
    carried = src[src["carried"]]
    if len(carried):
        lines.append(t("carry.carried", lang, n=len(carried), k=k, names=_names(carried, lang, True)))
    withheld = src[src["stock_month"].isna()]
    if len(withheld):
        lines.append(t("carry.withheld", lang, n=len(withheld), k=k, names=_names(withheld, lang, False)))
    return lines


def carry_note(f: Filters, end_month: bool = False) -> None:
    """A caption under the KPI cards saying which stocks are carried or withheld (nothing when
    none is); `end_month` as in carry_lines."""
    for line in carry_lines(f, end_month):
        st.caption(line)
