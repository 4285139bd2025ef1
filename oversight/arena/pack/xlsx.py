"""The pack as an Excel workbook: 汇总 (ranking, composite, contributions, missing flags, rank
ranges, weights and method), then one sheet per community (its figures, its place in the group,
its monthly trends). Text is written as text, never as a formula."""

from __future__ import annotations

import io
import re

import pandas as pd
import xlsxwriter

from oversight.arena.indicators import Indicator, indicator, part_label
from oversight.arena.pack import Pack, colon, missing_text, number
from oversight.arena.scoring import deltas_to_median, indicator_ranks, method_text
from oversight.i18n import t


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", "", name)[:28] or "sheet"
    out, i = base, 2
    while out.lower() in used:
        out = f"{base[:26]}_{i}"
        i += 1
    used.add(out.lower())
    return out


def build_xlsx(p: Pack) -> bytes:
    """The workbook: 汇总 (ranking, composite, contributions, missing flags, rank ranges, weights
    and method), then one sheet per community (its figures, places in the group, trends)."""
    lang, r, names = p.lang, p.result, p.names
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "nan_inf_to_errors": False})
    wb.set_properties({"title": f"{t('arena.pack.title', lang)} {p.title}", "comments": p.period})
    f_title = wb.add_format({"bold": True, "font_size": 14})
    f_head = wb.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True, "valign": "top"})
    f_text = wb.add_format({"border": 1})
    f_wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    f_1 = wb.add_format({"border": 1, "num_format": "0.0"})
    f_int = wb.add_format({"border": 1, "num_format": "0"})
    f_pct = wb.add_format({"border": 1, "num_format": "0.0%"})
    f_pct0 = wb.add_format({"border": 1, "num_format": "0%"})
    f_2 = wb.add_format({"border": 1, "num_format": "#,##0.0"})
    pp = "个百分点" if lang == "zh" else " pp"
    f_pp = wb.add_format({"border": 1, "num_format": f'+0.0"{pp}";-0.0"{pp}";0.0"{pp}"'})
    f_delta = wb.add_format({"border": 1, "num_format": "+#,##0.0;-#,##0.0;0.0"})
    f_best = wb.add_format({"border": 1, "bg_color": "#D5F5E3"})
    f_worst = wb.add_format({"border": 1, "bg_color": "#FADBD8"})
    f_missing = wb.add_format({"border": 1, "font_color": "#C62828"})
    used: set[str] = set()

    def cell(ws, row: int, col: int, value: object, fmt=f_1) -> None:  # noqa: ANN001
        v = number(value) if not isinstance(value, str) else value
        if v is None:
            ws.write_string(row, col, "—", f_missing)
        elif isinstance(v, str):
            ws.write_string(row, col, v, fmt if fmt is not f_1 else f_text)  # never a formula
        else:
            ws.write_number(row, col, v, fmt)

    def value_fmt(ind: Indicator):  # noqa: ANN202
        return f_pct if ind.transform == "growth" or ind.is_rate else f_2

    # --- summary
    ws = wb.add_worksheet(_sheet_name(t("arena.pack.summary_sheet", lang), used))
    ws.write_string(0, 0, f"{t('arena.pack.title', lang)} · {p.title}", f_title)
    ws.write_string(1, 0, f"{t('arena.pack.period', lang)}{colon(lang)}{p.period}")
    ws.write_string(2, 0, f"{t('arena.pack.method', lang)}{colon(lang)}{t('arena.method.' + r.method, lang)}")
    ws.write_string(3, 0, f"{t('arena.pack.generated', lang)}{colon(lang)}{p.when()}")
    ws.write_string(4, 0, t("arena.pack.objective_note", lang))
    active = p.active
    heads = [
        t("arena.pack.rank", lang),
        t("arena.pack.community", lang),
        t("arena.pack.town", lang),
        t("arena.pack.composite", lang),
        *[t("arena.pack.contrib", lang, label=i.label(lang)) for i in active],
        t("arena.pack.missing", lang),
        t("arena.pack.redistributed", lang),
        t("arena.pack.rank_range", lang, spread=p.spread),
        t("arena.pack.first_share", lang),
    ]
    top = 6
    for j, h in enumerate(heads):
        ws.write_string(top, j, h, f_head)
    ws.set_row(top, 48)
    sens = p.sensitivity
    for i, code in enumerate(p.order, start=top + 1):
        cell(ws, i, 0, r.rank[code], f_int)
        ws.write_string(i, 1, names[code], f_text)
        ws.write_string(i, 2, str(p.info.at[code, "town_name"]), f_text)
        cell(ws, i, 3, r.composite[code])
        for j, ind in enumerate(active, start=4):
            cell(ws, i, j, r.contributions.at[code, ind.key])
        j = 4 + len(active)
        ws.write_string(i, j, missing_text(p, code), f_missing if r.missing[code] else f_text)
        cell(ws, i, j + 1, r.redistributed[code], f_pct0)
        lo, hi = sens.at[code, "rank_min"], sens.at[code, "rank_max"]
        ws.write_string(i, j + 2, "—" if pd.isna(lo) else f"{lo:.0f}–{hi:.0f}", f_text)
        cell(ws, i, j + 3, sens.at[code, "share_first"], f_pct0)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 2, 12)
    ws.set_column(3, 3 + len(active), 10)
    ws.set_column(4 + len(active), 4 + len(active), 28)
    ws.set_column(5 + len(active), 7 + len(active), 12)
    ws.freeze_panes(top + 1, 2)

    row = top + len(p.order) + 3
    ws.write_string(row, 0, t("arena.pack.weights", lang), f_title)
    row += 1
    w_heads = ["arena.pack.indicator", "arena.pack.part", "arena.pack.unit", "arena.pack.weight", "arena.pack.share"]
    w_heads.append("arena.pack.standard")
    for j, h in enumerate(w_heads):
        ws.write_string(row, j, t(h, lang), f_head)
    for ind in [indicator(k) for k in r.weights.index]:
        row += 1
        ws.write_string(row, 0, ind.label(lang), f_text)
        ws.write_string(row, 1, part_label(ind, lang), f_text)
        ws.write_string(row, 2, ind.unit(lang), f_text)
        cell(ws, row, 3, r.weights[ind.key])
        cell(ws, row, 4, r.shares[ind.key], f_pct)
        ws.write_string(row, 5, ind.standard_text(lang), f_text)
    row += 2
    ws.merge_range(row, 0, row + 4, 9, method_text(r.method, lang), f_wrap)
    row += 6
    ws.merge_range(
        row, 0, row + 2, 9, t("arena.pack.sensitivity_text", lang, spread=p.spread, draws=p.draws, seed=p.seed), f_wrap
    )
    row += 4
    ws.merge_range(row, 0, row + 1, 9, t("arena.pack.missing_note", lang), f_wrap)

    # --- one sheet per community
    ranks = indicator_ranks(r.values)
    deltas = deltas_to_median(r.values)
    for code in p.order:
        ws = wb.add_worksheet(_sheet_name(names[code], used))
        ws.write_string(0, 0, f"{names[code]}（{p.info.at[code, 'town_name']}）", f_title)
        facts = [
            (t("arena.pack.rank", lang), r.rank[code], f_int),
            (t("arena.pack.composite", lang), r.composite[code], f_1),
            (t("arena.pack.households", lang), p.info.at[code, "households"], f_int),
            (t("arena.pack.months_reported", lang), p.info.at[code, "months_reported"], f_int),
            (t("arena.pack.redistributed", lang), r.redistributed[code], f_pct0),
        ]
        for j, (label, value, fmt) in enumerate(facts):
            ws.write_string(1, j * 2, label, f_head)
            cell(ws, 1, j * 2 + 1, value, fmt)
        ws.write_string(2, 0, f"{t('arena.pack.period', lang)}{colon(lang)}{p.period}")
        heads = [
            "arena.pack.indicator",
            "arena.pack.part",
            "arena.pack.value",
            "arena.pack.unit",
            "arena.pack.score",
            "arena.pack.group_rank",
            "arena.pack.median",
            "arena.pack.delta",
            "arena.pack.weight",
            "arena.pack.points",
        ]
        top = 4
        for j, h in enumerate(heads):
            ws.write_string(top, j, t(h, lang), f_head)
        median = r.values.median()
        for i, ind in enumerate(active, start=top + 1):
            k = ind.key
            best_worst = f_text
            vals = r.values[k].dropna()
            if len(vals) > 1 and vals.min() != vals.max() and not pd.isna(r.values.at[code, k]):
                if ranks.at[code, k] == 1:
                    best_worst = f_best
                elif ranks.at[code, k] == ranks[k].max():
                    best_worst = f_worst
            ws.write_string(i, 0, ind.label(lang), best_worst)
            ws.write_string(i, 1, part_label(ind, lang), f_text)
            cell(ws, i, 2, r.values.at[code, k], value_fmt(ind))
            ws.write_string(i, 3, ind.unit(lang), f_text)
            cell(ws, i, 4, r.scores.at[code, k])
            cell(ws, i, 5, ranks.at[code, k], f_int)
            cell(ws, i, 6, median[k], value_fmt(ind))
            d = number(deltas.at[k, code])
            if ind.transform == "growth" or ind.is_rate:
                cell(ws, i, 7, None if d is None else 100 * d, f_pp)
            else:
                cell(ws, i, 7, d, f_delta)
            cell(ws, i, 8, r.weights[k])
            cell(ws, i, 9, r.contributions.at[code, k])
        last = top + len(active)
        if len(active) and r.scores.loc[code, [i.key for i in active]].notna().any():
            chart = wb.add_chart({"type": "bar"})
            chart.add_series(
                {
                    "name": t("arena.pack.score", lang),
                    "categories": [ws.name, top + 1, 0, last, 0],
                    "values": [ws.name, top + 1, 4, last, 4],
                    "fill": {"color": "#2E86C1"},
                    "data_labels": {"value": True, "num_format": "0"},
                }
            )
            chart.set_title({"name": f"{names[code]} · {t('arena.pack.scores_chart', lang)}"})
            chart.set_x_axis({"min": 0, "max": 100})
            chart.set_y_axis({"reverse": True})
            chart.set_legend({"none": True})
            chart.set_size({"width": 620, "height": 40 + 28 * len(active)})
            ws.insert_chart(last + 2, 0, chart)
        ws.set_column(0, 0, 22)
        ws.set_column(1, 1, 20)
        ws.set_column(2, 9, 11)

        # monthly trends below the chart
        m = p.monthly[p.monthly["community_code"] == code].sort_values("month") if len(p.monthly) else p.monthly
        trend_keys = [i.key for i in active if i.key in p.monthly.columns]
        row = last + 4 + int((40 + 28 * len(active)) / 20)
        ws.write_string(row, 0, t("arena.pack.trends", lang), f_title)
        row += 1
        ws.write_string(row, 0, t("arena.pack.month", lang), f_head)
        for j, k in enumerate(trend_keys, start=1):
            ws.write_string(row, j, f"{indicator(k).label(lang)}（{indicator(k).unit(lang, monthly=True)}）", f_head)
        ws.set_row(row, 48)
        for _, rec in m.iterrows():
            row += 1
            ws.write_string(row, 0, pd.Timestamp(rec["month"]).strftime("%Y-%m"), f_text)
            for j, k in enumerate(trend_keys, start=1):
                cell(ws, row, j, rec[k], value_fmt(indicator(k)))
    wb.close()
    return buf.getvalue()
