"""The 擂台比武 pack officials bring to the competition: an Excel workbook (a summary sheet, then one
sheet per community) and a printable, self-contained HTML file (A4, one page per community,
charts as inline SVG: no script, no external address, no web font, works offline)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

import pandas as pd
import xlsxwriter

from oversight.arena.indicators import INDICATOR_COLOURS, Indicator, indicator, part_label
from oversight.arena.scoring import ArenaResult, deltas_to_median, indicator_ranks
from oversight.i18n import fmt_month, register, t

STRINGS = {
    "arena.pack.title": ("擂台比武对比材料", "Arena competition comparison pack"),
    "arena.pack.period": ("统计期", "Period"),
    "arena.pack.method": ("计分方法", "Scoring method"),
    "arena.pack.generated": ("生成时间", "Generated"),
    "arena.pack.objective_note": (
        "本材料为擂台比武的客观指标部分（满分100），现场述职评分另计。",
        "This pack is the objective-indicator half of the competition (out of 100); the on-stage "
        "presentation is scored separately.",
    ),
    "arena.pack.rank": ("名次", "Rank"),
    "arena.pack.community": ("村(社区)", "Community"),
    "arena.pack.town": ("乡镇(街道)", "Township"),
    "arena.pack.composite": ("综合得分", "Composite"),
    "arena.pack.missing": ("缺失指标", "Missing indicators"),
    "arena.pack.redistributed": ("转移权重", "Weight moved"),
    "arena.pack.rank_range": ("名次范围(权重±{spread:.0%})", "Rank range (weights ±{spread:.0%})"),
    "arena.pack.first_share": ("第一名占比", "Share of draws first"),
    "arena.pack.contrib": ("{label}贡献", "{label}: points"),
    "arena.pack.scoreboard": ("排名与得分构成", "Ranking and what makes up each score"),
    "arena.pack.weights": ("指标、365归属与权重", "Indicators, their part of 365 and weights"),
    "arena.pack.indicator": ("指标", "Indicator"),
    "arena.pack.part": ("365归属", "Part of 365"),
    "arena.pack.unit": ("单位", "Unit"),
    "arena.pack.weight": ("权重(分)", "Weight (points)"),
    "arena.pack.share": ("权重占比", "Weight share"),
    "arena.pack.standard": ("标准值", "Standard"),
    "arena.pack.no_standard": ("无公认标准，组内比较", "no standard: compared within the group"),
    "arena.pack.value": ("数值", "Value"),
    "arena.pack.score": ("得分(0–100)", "Score (0–100)"),
    "arena.pack.group_rank": ("组内名次", "Place in group"),
    "arena.pack.median": ("组中位数", "Group median"),
    "arena.pack.delta": ("与中位数之差", "Difference to median"),
    "arena.pack.points": ("贡献(分)", "Points"),
    "arena.pack.households": ("户数(期末)", "Households (end)"),
    "arena.pack.months_reported": ("报送月数", "Months reported"),
    "arena.pack.sensitivity": ("名次稳健性", "How robust the ranking is"),
    "arena.pack.sensitivity_text": (
        "每项权重在±{spread:.0%}范围内随机变动，重算{draws}次（随机种子{seed}）。名次范围短说明排名稳健；"
        "范围长说明名次取决于权重设定，差距在误差之内。",
        "Every weight was moved at random within ±{spread:.0%} and the ranking recomputed {draws} times "
        "(seed {seed}). A short range is a robust rank; a long one means the order depends on the "
        "weights and the gap is within the noise.",
    ),
    "arena.pack.missing_note": (
        "缺失数据不按0分计：该村(社区)的综合得分只在有数据的指标上按权重重新分配。",
        "Missing data never counts as 0: the community's composite re-weights over the indicators it has.",
    ),
    "arena.pack.missing_line": (
        "{name}：缺{items}，其权重{share:.0%}已分配到其他指标。",
        "{name}: no {items}; their {share:.0%} of the weight moved to the other indicators.",
    ),
    "arena.pack.no_data_line": (
        "{name}：统计期内没有报送数据，未参与排名。",
        "{name}: no reports in the period, not ranked.",
    ),
    "arena.pack.trends": ("月度走势", "Monthly trends"),
    "arena.pack.month": ("月份", "Month"),
    "arena.pack.summary_sheet": ("汇总", "Summary"),
    "arena.pack.scores_chart": ("各指标得分", "Indicator scores"),
    "arena.pack.best": ("组内最好", "best in group"),
    "arena.pack.worst": ("组内最差", "worst in group"),
    "arena.pack.median_tick": ("竖线为组中位数", "tick = group median"),
}
register(STRINGS)


@dataclass(frozen=True)
class Pack:
    """What the pack shows: the scored result and its context."""

    title: str  # the group, e.g. 城乡融合片区一组, or a description of the hand-picked list
    month_from: date
    month_to: date
    lang: str
    result: ArenaResult
    sensitivity: pd.DataFrame  # oversight.arena.sensitivity
    info: pd.DataFrame  # index community_code: community_name, town_name, households, months_reported
    monthly: pd.DataFrame  # oversight.queries.arena.monthly_values
    draws: int
    spread: float
    seed: int
    generated: datetime | None = None

    @property
    def names(self) -> dict[str, str]:
        return display_names(self.info)

    @property
    def period(self) -> str:
        a, b = fmt_month(self.month_from, self.lang), fmt_month(self.month_to, self.lang)
        return a if a == b else f"{a} – {b}"

    @property
    def order(self) -> list[str]:
        return list(self.result.table().index)

    @property
    def active(self) -> list[Indicator]:
        return [indicator(k) for k in self.result.weights.index if self.result.weights[k] > 0]

    def when(self) -> str:
        return (self.generated or datetime.now()).strftime("%Y-%m-%d %H:%M")


def display_names(info: pd.DataFrame) -> dict[str, str]:
    """community_code → name, with the township added where two chosen communities share a name."""
    names = info["community_name"].astype(str)
    dup = names.duplicated(keep=False)
    return {code: (f"{info.at[code, 'town_name']}{name}" if dup[code] else name) for code, name in names.items()}


def _colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def _num(x: object) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _missing_text(p: Pack, code: str) -> str:
    if pd.isna(p.result.composite[code]):
        return t("arena.no_data", p.lang)
    return (
        "、".join(indicator(k).label(p.lang) for k in p.result.missing[code])
        if p.lang == "zh"
        else ", ".join(indicator(k).label(p.lang) for k in p.result.missing[code])
    )


def _standard_text(ind: Indicator, lang: str) -> str:
    if ind.standard is None:
        return t("arena.pack.no_standard", lang)
    s = ind.standard
    text = format(s, ".0%") if ind.is_rate else format(s, ",.0f")
    return ("≤ " if not ind.higher_is_better else "≥ ") + text


# ---------------------------------------------------------------------------------------------
# Excel


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
        v = _num(value) if not isinstance(value, str) else value
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
    ws.write_string(1, 0, f"{t('arena.pack.period', lang)}{_colon(lang)}{p.period}")
    ws.write_string(2, 0, f"{t('arena.pack.method', lang)}{_colon(lang)}{t('arena.method.' + r.method, lang)}")
    ws.write_string(3, 0, f"{t('arena.pack.generated', lang)}{_colon(lang)}{p.when()}")
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
        ws.write_string(i, j, _missing_text(p, code), f_missing if r.missing[code] else f_text)
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
        ws.write_string(row, 5, _standard_text(ind, lang), f_text)
    row += 2
    ws.merge_range(row, 0, row + 4, 9, t(f"arena.method.{r.method}_text", lang), f_wrap)
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
        ws.write_string(2, 0, f"{t('arena.pack.period', lang)}{_colon(lang)}{p.period}")
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
            d = _num(deltas.at[k, code])
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


# ---------------------------------------------------------------------------------------------
# HTML (inline SVG charts; nothing fetched from anywhere)

_CSS = """
@page { size: A4; margin: 14mm 12mm 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif;
       color: #222; font-size: 10.5pt; line-height: 1.45; margin: 0 auto; max-width: 186mm; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 5mm 0 2mm; border-bottom: 1.5px solid #1F4E79; padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 3mm 0 1mm; }
p { margin: 1mm 0 2mm; }
.meta { color: #555; font-size: 9.5pt; }
.note { color: #555; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 2mm; font-size: 8.5pt; }
th, td { border: 0.6px solid #999; padding: 0.5mm 1.2mm; text-align: right; vertical-align: top; }
td.n, table.ind td { white-space: nowrap; }
th { background: #E8EEF4; font-weight: bold; text-align: center; }
td.l, th.l { text-align: left; }
tr { break-inside: avoid; page-break-inside: avoid; }
.best { background: #D5F5E3; }
.worst { background: #FADBD8; }
.missing { color: #C62828; }
.community { break-before: page; page-break-before: always; }
.keep { break-inside: avoid; page-break-inside: avoid; }
.facts { display: flex; gap: 3mm; flex-wrap: wrap; margin: 1mm 0 2mm; }
.fact { border: 0.6px solid #999; padding: 1mm 2.5mm; }
.fact b { font-size: 13pt; }
.sparks { display: grid; grid-template-columns: repeat(4, 1fr); gap: 1mm 3mm; }
.spark { font-size: 8pt; line-height: 1.25; break-inside: avoid; }
svg { display: block; width: 100%; height: auto; }
svg text { font-family: inherit; }
.legend span { display: inline-block; margin: 0 3mm 1mm 0; font-size: 8.5pt; }
.legend i { display: inline-block; width: 3mm; height: 3mm; margin-right: 1mm; vertical-align: -0.3mm; }
@media print { a { color: inherit; text-decoration: none; } }
"""


def _fmt(ind: Indicator, x: object) -> str:
    v = _num(x)
    return "—" if v is None else ind.format(v)


def _svg(width: int, height: int, body: list[str]) -> str:
    return f'<svg viewBox="0 0 {width} {height}" role="img" preserveAspectRatio="xMinYMin meet">{"".join(body)}</svg>'


def _text(x: float, y: float, s: str, size: float = 11, anchor: str = "start", colour: str = "#222", bold=False) -> str:  # noqa: ANN001
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{colour}"{weight}>'
        f"{escape(s)}</text>"
    )


def _svg_contributions(p: Pack) -> str:
    r, names = p.result, p.names
    label_w, bar_w, row_h, width = 120, 500, 22, 700
    order = p.order
    height = 24 + row_h * len(order) + 10
    body = []
    for x in range(0, 101, 20):
        gx = label_w + bar_w * x / 100
        body.append(f'<line x1="{gx:.1f}" y1="14" x2="{gx:.1f}" y2="{height - 8}" stroke="#ddd" stroke-width="0.8"/>')
        body.append(_text(gx, 10, str(x), 9, "middle", "#777"))
    for i, code in enumerate(order):
        y = 20 + i * row_h
        body.append(_text(label_w - 6, y + 14, names[code], 11, "end"))
        x = float(label_w)
        for ind in p.active:
            v = _num(r.contributions.at[code, ind.key])
            if not v:
                continue
            w = bar_w * v / 100
            body.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
                f'fill="{INDICATOR_COLOURS[ind.key]}"><title>{escape(ind.label(p.lang))} +{v:.1f}</title></rect>'
            )
            x += w
        comp = _num(r.composite[code])
        n_miss = len(r.missing[code])
        if comp is None:
            body.append(_text(label_w + 4, y + 14, t("arena.no_data", p.lang), 10, colour="#C62828"))
        else:
            tail = f"{comp:.1f}" + (f"  ({t('arena.missing_n', p.lang, n=n_miss)})" if n_miss else "")
            body.append(_text(x + 4, y + 14, tail, 10.5, colour="#C62828" if n_miss else "#222", bold=True))
    legend = "".join(
        f'<span><i style="background:{INDICATOR_COLOURS[i.key]}"></i>{escape(i.label(p.lang))}</span>' for i in p.active
    )
    return _svg(width, height, body) + f'<div class="legend">{legend}</div>'


def _svg_ranks(p: Pack) -> str:
    s = p.sensitivity.dropna(subset=["rank"])
    names = p.names
    n = max(len(p.sensitivity), 1)
    label_w, plot_w, row_h, width = 120, 470, 20, 700
    height = 26 + row_h * len(s) + 6

    def x(rank: float) -> float:
        return label_w + plot_w * (rank - 0.5) / n

    body = []
    for k in range(1, n + 1):
        body.append(
            f'<line x1="{x(k):.1f}" y1="16" x2="{x(k):.1f}" y2="{height - 4}" stroke="#eee" stroke-width="0.8"/>'
        )
        body.append(_text(x(k), 11, str(k), 9, "middle", "#777"))
    for i, (code, rec) in enumerate(s.iterrows()):
        y = 20 + i * row_h
        body.append(_text(label_w - 6, y + 13, names[code], 11, "end"))
        lo, hi = x(rec["rank_min"] - 0.35), x(rec["rank_max"] + 0.35)
        colour = "#2E7D32" if rec["stable"] else "#F5B041"
        body.append(
            f'<rect x="{lo:.1f}" y="{y + 4}" width="{hi - lo:.1f}" height="{row_h - 8}" fill="{colour}" opacity="0.55"/>'
        )
        body.append(f'<circle cx="{x(rec["rank_median"]):.1f}" cy="{y + row_h / 2:.1f}" r="3.2" fill="#333"/>')
        bx, by = x(rec["rank"]), y + row_h / 2
        body.append(
            f'<path d="M{bx:.1f} {by - 5:.1f} L{bx + 5:.1f} {by:.1f} L{bx:.1f} {by + 5:.1f} L{bx - 5:.1f} {by:.1f} Z" '
            'fill="none" stroke="#C62828" stroke-width="1.6"/>'
        )
        share = rec["share_first"]
        if share and share > 0:
            body.append(_text(hi + 6, y + 13, t("arena.first_share", p.lang, share=share), 9.5, colour="#555"))
    legend = (
        f'<span><i style="background:#2E7D32;opacity:.55"></i>{escape(t("arena.rank_range", p.lang))}</span>'
        f"<span>● {escape(t('arena.rank_median', p.lang))}</span>"
        f'<span style="color:#C62828">◇ {escape(t("arena.rank_base", p.lang))}</span>'
    )
    return _svg(width, height, body) + f'<div class="legend">{legend}</div>'


def _svg_scores(p: Pack, code: str) -> str:
    """Per indicator: this community's score (bar) and the group median score (tick)."""
    r = p.result
    med = r.scores.median()
    label_w, bar_w, row_h, width = 190, 430, 17, 700
    body = []
    for x in range(0, 101, 25):
        gx = label_w + bar_w * x / 100
        body.append(_text(gx, 10, str(x), 9, "middle", "#777"))
        body.append(f'<line x1="{gx:.1f}" y1="14" x2="{gx:.1f}" y2="{16 + row_h * len(p.active)}" stroke="#eee"/>')
    for i, ind in enumerate(p.active):
        y = 16 + i * row_h
        body.append(_text(label_w - 6, y + 13, ind.label(p.lang), 10.5, "end"))
        v = _num(r.scores.at[code, ind.key])
        if v is None:
            body.append(
                _text(
                    label_w + 4,
                    y + 13,
                    t("missing", p.lang) + " " + t("arena.pack.missing", p.lang),
                    10,
                    colour="#C62828",
                )
            )
        else:
            body.append(
                f'<rect x="{label_w}" y="{y + 3}" width="{bar_w * v / 100:.1f}" height="{row_h - 6}" '
                f'fill="{INDICATOR_COLOURS[ind.key]}"/>'
            )
            body.append(_text(label_w + bar_w * v / 100 + 4, y + 13, f"{v:.0f}", 9.5, colour="#333"))
        m = _num(med[ind.key])
        if m is not None:
            mx = label_w + bar_w * m / 100
            body.append(
                f'<line x1="{mx:.1f}" y1="{y + 1}" x2="{mx:.1f}" y2="{y + row_h - 1}" stroke="#222" stroke-width="2"/>'
            )
    return _svg(width, 20 + row_h * len(p.active), body)


def _svg_spark(months: list[pd.Timestamp], ys: list[float | None], colour: str, ind: Indicator) -> str:
    width, height, pad = 200, 60, 6
    vals = [y for y in ys if y is not None]
    if not vals:
        return _svg(width, height, [_text(width / 2, height / 2, "—", 12, "middle", "#C62828")])
    lo, hi = min(vals), max(vals)
    span = (hi - lo) or (abs(hi) or 1.0)
    n = max(len(months) - 1, 1)

    def pt(i: int, y: float) -> tuple[float, float]:
        return pad + (width - 2 * pad) * i / n, height - 14 - (height - 24) * (y - lo) / span

    body, seg = [], []
    for i, y in enumerate(ys):
        if y is None:
            if len(seg) > 1:
                body.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" stroke-width="1.8"/>')
            seg = []
            continue
        px, py = pt(i, y)
        seg.append(f"{px:.1f},{py:.1f}")
        body.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="1.8" fill="{colour}"/>')
    if len(seg) > 1:
        body.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" stroke-width="1.8"/>')
    first = months[0].strftime("%Y-%m") if months else ""
    last = months[-1].strftime("%Y-%m") if months else ""
    body.append(_text(pad, height - 2, first, 8.5, colour="#777"))
    body.append(_text(width - pad, height - 2, last, 8.5, "end", "#777"))
    body.append(_text(width - pad, 9, f"↑{ind.format(hi)} ↓{ind.format(lo)}", 8.5, "end", "#777"))
    return _svg(width, height, body)


def _html_summary(p: Pack) -> str:
    lang, r, names = p.lang, p.result, p.names
    rows = []
    for code in p.order:
        miss = _missing_text(p, code)
        lo, hi = p.sensitivity.at[code, "rank_min"], p.sensitivity.at[code, "rank_max"]
        share = p.sensitivity.at[code, "share_first"]
        rank = r.rank[code]
        comp = r.composite[code]
        rows.append(
            "<tr>"
            f"<td>{'—' if pd.isna(rank) else f'{rank:.0f}'}</td>"
            f'<td class="l n">{escape(names[code])}</td>'
            f'<td class="l n">{escape(str(p.info.at[code, "town_name"]))}</td>'
            f"<td><b>{'—' if pd.isna(comp) else f'{comp:.1f}'}</b></td>"
            f"<td>{'—' if pd.isna(lo) else f'{lo:.0f}–{hi:.0f}'}</td>"
            f"<td>{'—' if pd.isna(share) else f'{share:.0%}'}</td>"
            f'<td class="l{" missing" if miss else ""}">{escape(miss) or "—"}</td>'
            f"<td>{r.redistributed[code]:.0%}</td>"
            "</tr>"
        )
    head = "".join(
        f"<th{' class=l' if k in ('community', 'town', 'missing') else ''}>{escape(t('arena.pack.' + k, lang, spread=p.spread))}</th>"
        for k in ("rank", "community", "town", "composite", "rank_range", "first_share", "missing", "redistributed")
    )
    weights = "".join(
        "<tr>"
        f'<td class="l">{escape(i.label(lang))}</td><td class="l">{escape(part_label(i, lang))}</td>'
        f'<td class="l">{escape(i.unit(lang))}</td><td>{r.weights[i.key]:g}</td><td>{r.shares[i.key]:.0%}</td>'
        f'<td class="l">{escape(_standard_text(i, lang))}</td>'
        "</tr>"
        for i in (indicator(k) for k in r.weights.index)
    )
    w_head = "".join(
        f'<th class="l">{escape(t(k, lang))}</th>'
        for k in (
            "arena.pack.indicator",
            "arena.pack.part",
            "arena.pack.unit",
            "arena.pack.weight",
            "arena.pack.share",
            "arena.pack.standard",
        )
    )
    missing_lines = []
    for code in p.order:
        if pd.isna(r.composite[code]):
            missing_lines.append(t("arena.pack.no_data_line", lang, name=names[code]))
        elif r.missing[code]:
            missing_lines.append(
                t(
                    "arena.pack.missing_line",
                    lang,
                    name=names[code],
                    items=_missing_text(p, code),
                    share=r.redistributed[code],
                )
            )
    missing_html = "".join(f'<p class="note missing">{escape(x)}</p>' for x in missing_lines)
    return f"""
<section>
<h1>{escape(t("arena.pack.title", lang))} · {escape(p.title)}</h1>
<p class="meta">{escape(t("arena.pack.period", lang))}{_colon(lang)}{escape(p.period)}　|　{escape(t("arena.pack.method", lang))}{_colon(lang)}{escape(t("arena.method." + r.method, lang))}　|　{escape(t("arena.pack.generated", lang))}{_colon(lang)}{escape(p.when())}</p>
<p class="note">{escape(t("arena.pack.objective_note", lang))}</p>
<h2>{escape(t("arena.pack.scoreboard", lang))}</h2>
<div class="keep">{_svg_contributions(p)}</div>
<table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>
<p class="note">{escape(t("arena.pack.missing_note", lang))}</p>
{missing_html}
<div class="keep">
<h2>{escape(t("arena.pack.sensitivity", lang))}</h2>
<p class="note">{escape(t("arena.pack.sensitivity_text", lang, spread=p.spread, draws=p.draws, seed=p.seed))}</p>
{_svg_ranks(p)}
</div>
<div class="keep">
<h2>{escape(t("arena.pack.weights", lang))}</h2>
<table><thead><tr>{w_head}</tr></thead><tbody>{weights}</tbody></table>
<p class="note">{escape(t(f"arena.method.{r.method}_text", lang))}</p>
</div>
</section>"""


def _html_community(p: Pack, code: str, ranks: pd.DataFrame, deltas: pd.DataFrame, colours: dict[str, str]) -> str:
    lang, r, names = p.lang, p.result, p.names
    n_ranked = int(r.rank.notna().sum())
    rank = r.rank[code]
    comp = r.composite[code]
    facts = [
        (t("arena.pack.rank", lang), "—" if pd.isna(rank) else f"{rank:.0f} / {n_ranked}"),
        (t("arena.pack.composite", lang), "—" if pd.isna(comp) else f"{comp:.1f}"),
        (
            t("arena.pack.households", lang),
            "—" if pd.isna(p.info.at[code, "households"]) else f"{p.info.at[code, 'households']:,.0f}",
        ),
        (t("arena.pack.months_reported", lang), f"{int(p.info.at[code, 'months_reported'])}"),
    ]
    facts_html = "".join(f'<div class="fact">{escape(k)}<br><b>{escape(v)}</b></div>' for k, v in facts)
    median = r.values.median()
    rows = []
    for ind in p.active:
        k = ind.key
        cls = ""
        vals = r.values[k].dropna()
        if len(vals) > 1 and vals.min() != vals.max() and not pd.isna(r.values.at[code, k]):
            cls = "best" if ranks.at[code, k] == 1 else ("worst" if ranks.at[code, k] == ranks[k].max() else "")
        mark = {"best": " ▲", "worst": " ▼"}.get(cls, "")
        delta_text = ind.format_delta(_num(deltas.at[k, code]), lang)
        score_v = _num(r.scores.at[code, k])
        pts = _num(r.contributions.at[code, k])
        place = _num(ranks.at[code, k])
        rows.append(
            f'<tr class="{cls}">'
            f'<td class="l">{escape(ind.label(lang))}{mark}</td>'
            f'<td class="l">{escape(part_label(ind, lang, short=True))}</td>'
            f'<td class="{"missing" if _num(r.values.at[code, k]) is None else ""}">{escape(_fmt(ind, r.values.at[code, k]))}</td>'
            f'<td class="l">{escape(ind.unit(lang))}</td>'
            f"<td>{'—' if score_v is None else f'{score_v:.0f}'}</td>"
            f"<td>{'—' if place is None else f'{place:.0f}'}</td>"
            f"<td>{escape(_fmt(ind, median[k]))}</td>"
            f"<td>{escape(delta_text)}</td>"
            f"<td>{'—' if pts is None else f'{pts:.1f}'}</td>"
            "</tr>"
        )
    head = "".join(
        f"<th{' class=l' if k in ('indicator', 'part', 'unit') else ''}>{escape(t('arena.pack.' + k, lang))}</th>"
        for k in ("indicator", "part", "value", "unit", "score", "group_rank", "median", "delta", "points")
    )
    m = p.monthly[p.monthly["community_code"] == code] if len(p.monthly) else p.monthly
    months = sorted(pd.to_datetime(p.monthly["month"]).unique()) if len(p.monthly) else []
    sparks = []
    by_month = m.set_index(pd.to_datetime(m["month"])) if len(m) else None
    for ind in p.active:
        if ind.key not in p.monthly.columns:
            continue
        ys = []
        for mo in months:
            v = by_month[ind.key].get(mo) if by_month is not None and mo in by_month.index else None
            ys.append(_num(v))
        sparks.append(
            f'<div class="spark">{escape(ind.label(lang))}（{escape(ind.unit(lang, monthly=True))}）'
            f"{_svg_spark([pd.Timestamp(x) for x in months], ys, colours.get(code, '#1F77B4'), ind)}</div>"
        )
    miss = ""
    if pd.isna(comp):
        miss = f'<p class="note missing">{escape(t("arena.pack.no_data_line", lang, name=names[code]))}</p>'
    elif r.missing[code]:
        miss = (
            '<p class="note missing">'
            + escape(
                t(
                    "arena.pack.missing_line",
                    lang,
                    name=names[code],
                    items=_missing_text(p, code),
                    share=r.redistributed[code],
                )
            )
            + "</p>"
        )
    return f"""
<section class="community">
<h1>{escape(names[code])} <span class="meta">{escape(str(p.info.at[code, "town_name"]))} · {escape(p.title)}</span></h1>
<p class="meta">{escape(t("arena.pack.period", lang))}{_colon(lang)}{escape(p.period)}　|　{escape(t("arena.pack.method", lang))}{_colon(lang)}{escape(t("arena.method." + r.method, lang))}</p>
<div class="facts">{facts_html}</div>
{miss}
<table class="ind"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>
<p class="note"><span class="best">&nbsp;▲ {escape(t("arena.pack.best", lang))}&nbsp;</span>　<span class="worst">&nbsp;▼ {escape(t("arena.pack.worst", lang))}&nbsp;</span></p>
<div class="keep"><h3>{escape(t("arena.pack.scores_chart", lang))} <span class="note">（{escape(t("arena.pack.median_tick", lang))}）</span></h3>
{_svg_scores(p, code)}</div>
<div class="keep"><h3>{escape(t("arena.pack.trends", lang))}</h3>
<div class="sparks">{"".join(sparks)}</div></div>
</section>"""


def build_html(p: Pack, colours: dict[str, str] | None = None) -> str:
    """The printable pack: the summary, then one A4 page per community. Self-contained."""
    colours = colours or {}
    ranks = indicator_ranks(p.result.values)
    deltas = deltas_to_median(p.result.values)
    pages = "".join(_html_community(p, c, ranks, deltas, colours) for c in p.order)
    lang_attr = "zh-CN" if p.lang == "zh" else "en"
    title = f"{t('arena.pack.title', p.lang)} · {p.title} · {p.period}"
    return (
        f'<!doctype html>\n<html lang="{lang_attr}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
        f"<body>{_html_summary(p)}{pages}</body></html>"
    )
