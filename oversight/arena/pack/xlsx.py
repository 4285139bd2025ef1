"""The pack as an Excel workbook: 汇总 (ranking, composite, contributions, missing flags, rank
ranges, weights and method), then one sheet per community (its figures, its place in the group,
its monthly trends). Text is written as text, never as a formula."""

from __future__ import annotations

import io
import re

import pandas as pd
import xlsxwriter

from oversight.arena.indicators import Indicator, indicator, part_label
from oversight.arena.pack import Pack, colon, number
from oversight.arena.scoreboard import BEST_COLOUR, WORST_COLOUR, missing_note, standing
from oversight.arena.scoring import method_text
from oversight.exports import FORMULA_START
from oversight.i18n import bracket, t


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", "", name)[:28] or "sheet"
    out, i = base, 2
    while out.lower() in used:
        out = f"{base[:26]}_{i}"
        i += 1
    used.add(out.lower())
    return out


class _Cells:
    """The workbook's formats, and the one way a value goes into a cell: missing as a red —,
    text always as text (never run as a formula)."""

    def __init__(self, wb: xlsxwriter.Workbook, lang: str) -> None:
        def fmt(**kw: object) -> object:
            return wb.add_format(kw)

        self.title = fmt(bold=True, font_size=14)
        self.head = fmt(bold=True, bg_color="#E8EEF4", border=1, text_wrap=True, valign="top")
        self.text = fmt(border=1)
        self.wrap = fmt(text_wrap=True, valign="top")
        self.one = fmt(border=1, num_format="0.0")
        self.int = fmt(border=1, num_format="0")
        self.pct = fmt(border=1, num_format="0.0%")
        self.pct0 = fmt(border=1, num_format="0%")
        self.amount = fmt(border=1, num_format="#,##0.0")
        pp = "个百分点" if lang == "zh" else " pp"
        self.pp = fmt(border=1, num_format=f'+0.0"{pp}";-0.0"{pp}";0.0"{pp}"')
        self.delta = fmt(border=1, num_format="+#,##0.0;-#,##0.0;0.0")
        self.best = fmt(border=1, bg_color=BEST_COLOUR)
        self.worst = fmt(border=1, bg_color=WORST_COLOUR)
        self.missing = fmt(border=1, font_color="#C62828")
        self.quoted = fmt(border=1, quote_prefix=True)  # formula-like text: Excel's own escape

    def write(self, ws, row: int, col: int, value: object, fmt: object = None) -> None:  # noqa: ANN001
        """A number in `fmt` (default one decimal), text as text (quote-prefixed when it starts
        like a formula: = + - @, oversight.exports), missing as a red —."""
        v = value if isinstance(value, str) else number(value)
        if v is None:
            ws.write_string(row, col, "—", self.missing)
        elif isinstance(v, str):
            ws.write_string(row, col, v, self.quoted if v.startswith(FORMULA_START) else fmt or self.text)
        else:
            ws.write_number(row, col, v, fmt or self.one)

    def value(self, ind: Indicator) -> object:
        """The format of an indicator's value: % for rates and growth, else one decimal."""
        return self.pct if ind.transform == "growth" or ind.is_rate else self.amount


def build_xlsx(p: Pack) -> bytes:
    """The workbook: 汇总 (ranking, composite, contributions, missing flags, rank ranges, weights
    and method), then one sheet per community (its figures, places in the group, trends)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "nan_inf_to_errors": False})
    wb.set_properties({"title": f"{t('arena.pack.title', p.lang)} {p.title}", "comments": p.period})
    cells = _Cells(wb, p.lang)
    used: set[str] = set()
    _summary(wb.add_worksheet(_sheet_name(t("arena.pack.summary_sheet", p.lang), used)), cells, p)
    for code in p.order:
        _community(wb, wb.add_worksheet(_sheet_name(p.names[code], used)), cells, p, code)
    wb.close()
    return buf.getvalue()


def _summary(ws, c: _Cells, p: Pack) -> None:  # noqa: ANN001
    lang, r = p.lang, p.result
    ws.write_string(0, 0, f"{t('arena.pack.title', lang)} · {p.title}", c.title)
    ws.write_string(1, 0, f"{t('arena.pack.period', lang)}{colon(lang)}{p.period}")
    ws.write_string(2, 0, f"{t('arena.pack.method', lang)}{colon(lang)}{t('arena.method.' + r.method, lang)}")
    ws.write_string(3, 0, f"{t('arena.pack.generated', lang)}{colon(lang)}{p.when()}")
    ws.write_string(4, 0, t("arena.pack.objective_note", lang))
    active = p.active
    grouped = p.board["group"].nunique() > 1  # ranks count within each peer group: say which
    heads = [
        t("arena.pack.rank", lang),
        *([t("arena.board.group", lang)] if grouped else []),
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
        ws.write_string(top, j, h, c.head)
    ws.set_row(top, 48)
    g = int(grouped)
    for i, (code, row) in enumerate(p.board.iterrows(), start=top + 1):
        c.write(ws, i, 0, row["rank"], c.int)
        if grouped:
            c.write(ws, i, 1, str(row["group"]), c.text)
        c.write(ws, i, 1 + g, row["name"], c.text)  # names are data: escaped
        c.write(ws, i, 2 + g, row["town"], c.text)
        c.write(ws, i, 3 + g, row["composite"])
        for j, ind in enumerate(active, start=4 + g):
            c.write(ws, i, j, row[ind.key])
        j = 4 + g + len(active)
        ws.write_string(i, j, row["missing"], c.missing if r.missing[code] else c.text)
        c.write(ws, i, j + 1, row["redistributed"], c.pct0)
        ws.write_string(i, j + 2, row["rank_range"], c.text)
        c.write(ws, i, j + 3, row["share_first"], c.pct0)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 2 + g, 12)
    ws.set_column(3 + g, 3 + g + len(active), 10)
    ws.set_column(4 + g + len(active), 4 + g + len(active), 28)
    ws.set_column(5 + g + len(active), 7 + g + len(active), 12)
    ws.freeze_panes(top + 1, 2 + g)

    row = top + len(p.order) + 3
    ws.write_string(row, 0, t("arena.pack.weights", lang), c.title)
    row += 1
    w_heads = ["indicator", "part", "unit", "weight", "share", "standard"]
    for j, h in enumerate(w_heads):
        ws.write_string(row, j, t(f"arena.pack.{h}", lang), c.head)
    for ind in [indicator(k) for k in r.weights.index]:
        row += 1
        ws.write_string(row, 0, ind.label(lang), c.text)
        ws.write_string(row, 1, part_label(ind, lang), c.text)
        ws.write_string(row, 2, ind.unit(lang), c.text)
        c.write(ws, row, 3, r.weights[ind.key])
        c.write(ws, row, 4, r.shares[ind.key], c.pct)
        ws.write_string(row, 5, ind.standard_text(lang), c.text)
    row += 2
    ws.merge_range(row, 0, row + 4, 9, method_text(r.method, lang), c.wrap)
    row += 6
    sensitivity = t("arena.pack.sensitivity_text", lang, spread=p.spread, draws=p.draws, seed=p.seed)
    ws.merge_range(row, 0, row + 2, 9, sensitivity, c.wrap)
    row += 4
    ws.merge_range(row, 0, row + 1, 9, missing_note(lang), c.wrap)


def _community(wb: xlsxwriter.Workbook, ws, c: _Cells, p: Pack, code: str) -> None:  # noqa: ANN001
    lang, r, names, active = p.lang, p.result, p.names, p.active
    c.write(ws, 0, 0, names[code] + bracket(p.info.at[code, "town_name"], lang), c.title)
    facts = [
        (t("arena.pack.rank", lang), r.rank[code], c.int),
        (t("arena.pack.composite", lang), r.composite[code], c.one),
        (t("arena.pack.households", lang), p.info.at[code, "households"], c.int),
        (t("arena.pack.months_reported", lang), p.info.at[code, "months_reported"], c.int),
        (t("arena.pack.redistributed", lang), r.redistributed[code], c.pct0),
    ]
    for j, (label, value, fmt) in enumerate(facts):
        ws.write_string(1, j * 2, label, c.head)
        c.write(ws, 1, j * 2 + 1, value, fmt)
    ws.write_string(2, 0, f"{t('arena.pack.period', lang)}{colon(lang)}{p.period}")
    heads = ["indicator", "part", "value", "unit", "score", "group_rank", "median", "delta", "weight", "points"]
    top = 4
    for j, h in enumerate(heads):
        ws.write_string(top, j, t(f"arena.pack.{h}", lang), c.head)
    for i, ind in enumerate(active, start=top + 1):
        k = ind.key
        shade = {"best": c.best, "worst": c.worst}.get(standing(p.standings, k, code), c.text)
        ws.write_string(i, 0, ind.label(lang), shade)
        ws.write_string(i, 1, part_label(ind, lang), c.text)
        c.write(ws, i, 2, r.values.at[code, k], c.value(ind))
        ws.write_string(i, 3, ind.unit(lang), c.text)
        c.write(ws, i, 4, r.scores.at[code, k])
        c.write(ws, i, 5, p.places.at[code, k], c.int)
        c.write(ws, i, 6, p.standings.at[k, "median"], c.value(ind))
        d = number(p.deltas.at[k, code])
        if ind.transform == "growth" or ind.is_rate:
            c.write(ws, i, 7, None if d is None else 100 * d, c.pp)
        else:
            c.write(ws, i, 7, d, c.delta)
        c.write(ws, i, 8, r.weights[k])
        c.write(ws, i, 9, r.contributions.at[code, k])
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
    trend = [i for i in active if i.key in p.monthly.columns]
    row = last + 4 + int((40 + 28 * len(active)) / 20)
    ws.write_string(row, 0, t("arena.pack.trends", lang), c.title)
    row += 1
    ws.write_string(row, 0, t("arena.pack.month", lang), c.head)
    for j, ind in enumerate(trend, start=1):
        ws.write_string(row, j, ind.label(lang) + bracket(ind.unit(lang, monthly=True), lang), c.head)
    ws.set_row(row, 48)
    for _, rec in m.iterrows():
        row += 1
        ws.write_string(row, 0, pd.Timestamp(rec["month"]).strftime("%Y-%m"), c.text)
        for j, ind in enumerate(trend, start=1):
            c.write(ws, row, j, rec[ind.key], c.value(ind))
