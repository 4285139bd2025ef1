"""The pack as one printable HTML file: a summary, then one A4 page per community, in a CJK font
stack. Self-contained: charts are inline SVG, no script, no external address, no web font."""

from __future__ import annotations

from html import escape

import pandas as pd

from oversight.arena.indicators import Indicator, indicator, part_label
from oversight.arena.pack import Pack, colon, number, svg
from oversight.arena.scoreboard import BEST_COLOUR, WORST_COLOUR, missing_line, missing_lines, missing_note, standing
from oversight.arena.scoring import method_text
from oversight.i18n import bracket, t

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
.best { background: BEST_COLOUR; }
.worst { background: WORST_COLOUR; }
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
""".replace("BEST_COLOUR", BEST_COLOUR).replace("WORST_COLOUR", WORST_COLOUR)


def _fmt(ind: Indicator, x: object) -> str:
    v = number(x)
    return "—" if v is None else ind.format(v)


def _summary(p: Pack) -> str:
    lang, r = p.lang, p.result
    rows = []
    grouped = p.board["group"].nunique() > 1  # ranks count within each peer group: say which
    for _, row in p.board.iterrows():
        rank, comp, share = row["rank"], row["composite"], row["share_first"]
        group = f'<td class="l n">{escape(str(row["group"]))}</td>' if grouped else ""
        rows.append(
            "<tr>"
            f"<td>{'—' if pd.isna(rank) else f'{rank:.0f}'}</td>"
            f"{group}"
            f'<td class="l n">{escape(row["name"])}</td>'
            f'<td class="l n">{escape(row["town"])}</td>'
            f"<td><b>{'—' if pd.isna(comp) else f'{comp:.1f}'}</b></td>"
            f"<td>{escape(row['rank_range'])}</td>"
            f"<td>{'—' if pd.isna(share) else f'{share:.0%}'}</td>"
            f'<td class="l{" missing" if row["missing"] else ""}">{escape(row["missing"]) or "—"}</td>'
            f"<td>{row['redistributed']:.0%}</td>"
            "</tr>"
        )
    keys = ("rank", *(("group",) if grouped else ()), "community", "town", "composite", "rank_range")
    keys += ("first_share", "missing", "redistributed")
    head = "".join(
        f"<th{' class=l' if k in ('group', 'community', 'town', 'missing') else ''}>"
        f"{escape(t('arena.board.group' if k == 'group' else 'arena.pack.' + k, lang, spread=p.spread))}</th>"
        for k in keys
    )
    weights = "".join(
        "<tr>"
        f'<td class="l">{escape(i.label(lang))}</td><td class="l">{escape(part_label(i, lang))}</td>'
        f'<td class="l">{escape(i.unit(lang))}</td><td>{r.weights[i.key]:g}</td><td>{r.shares[i.key]:.0%}</td>'
        f'<td class="l">{escape(i.standard_text(lang))}</td>'
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
    missing_html = "".join(f'<p class="note missing">{escape(x)}</p>' for x in missing_lines(r, p.names, lang))
    return f"""
<section>
<h1>{escape(t("arena.pack.title", lang))} · {escape(p.title)}</h1>
<p class="meta">{escape(t("arena.pack.period", lang))}{colon(lang)}{escape(p.period)}　|　{escape(t("arena.pack.method", lang))}{colon(lang)}{escape(t("arena.method." + r.method, lang))}　|　{escape(t("arena.pack.generated", lang))}{colon(lang)}{escape(p.when())}</p>
<p class="note">{escape(t("arena.pack.objective_note", lang))}</p>
<h2>{escape(t("arena.pack.scoreboard", lang))}</h2>
<div class="keep">{svg.contributions(p)}</div>
<table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>
<p class="note">{escape(missing_note(lang))}</p>
{missing_html}
<div class="keep">
<h2>{escape(t("arena.pack.sensitivity", lang))}</h2>
<p class="note">{escape(t("arena.pack.sensitivity_text", lang, spread=p.spread, draws=p.draws, seed=p.seed))}</p>
{svg.ranks(p)}
</div>
<div class="keep">
<h2>{escape(t("arena.pack.weights", lang))}</h2>
<table><thead><tr>{w_head}</tr></thead><tbody>{weights}</tbody></table>
<p class="note">{escape(method_text(r.method, lang))}</p>
</div>
</section>"""


def _community(p: Pack, code: str, colours: dict[str, str]) -> str:
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
    median = p.standings["median"]
    rows = []
    for ind in p.active:
        k = ind.key
        cls = standing(p.standings, k, code)
        mark = {"best": " ▲", "worst": " ▼"}.get(cls, "")
        delta_text = ind.format_delta(number(p.deltas.at[k, code]), lang)
        score_v = number(r.scores.at[code, k])
        pts = number(r.contributions.at[code, k])
        place = number(p.places.at[code, k])
        rows.append(
            f'<tr class="{cls}">'
            f'<td class="l">{escape(ind.label(lang))}{mark}</td>'
            f'<td class="l">{escape(part_label(ind, lang, short=True))}</td>'
            f'<td class="{"missing" if number(r.values.at[code, k]) is None else ""}">{escape(_fmt(ind, r.values.at[code, k]))}</td>'
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
            ys.append(number(v))
        sparks.append(
            f'<div class="spark">{escape(ind.label(lang) + bracket(ind.unit(lang, monthly=True), lang))}'
            f"{svg.spark([pd.Timestamp(x) for x in months], ys, colours.get(code, '#1F77B4'), ind)}</div>"
        )
    line = missing_line(r, code, names, lang)
    miss = f'<p class="note missing">{escape(line)}</p>' if line else ""
    return f"""
<section class="community">
<h1>{escape(names[code])} <span class="meta">{escape(str(p.info.at[code, "town_name"]))} · {escape(p.title)}</span></h1>
<p class="meta">{escape(t("arena.pack.period", lang))}{colon(lang)}{escape(p.period)}　|　{escape(t("arena.pack.method", lang))}{colon(lang)}{escape(t("arena.method." + r.method, lang))}</p>
<div class="facts">{facts_html}</div>
{miss}
<table class="ind"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>
<p class="note"><span class="best">&nbsp;▲ {escape(t("arena.pack.best", lang))}&nbsp;</span>　<span class="worst">&nbsp;▼ {escape(t("arena.pack.worst", lang))}&nbsp;</span></p>
<div class="keep"><h3>{escape(t("arena.pack.scores_chart", lang))} <span class="note">{escape(bracket(t("arena.pack.median_tick", lang), lang))}</span></h3>
{svg.scores(p, code)}</div>
<div class="keep"><h3>{escape(t("arena.pack.trends", lang))}</h3>
<div class="sparks">{"".join(sparks)}</div></div>
</section>"""


def build_html(p: Pack, colours: dict[str, str] | None = None) -> str:
    """The printable pack: the summary, then one A4 page per community. Self-contained."""
    colours = colours or {}
    pages = "".join(_community(p, c, colours) for c in p.order)
    lang_attr = "zh-CN" if p.lang == "zh" else "en"
    title = f"{t('arena.pack.title', p.lang)} · {p.title} · {p.period}"
    return (
        f'<!doctype html>\n<html lang="{lang_attr}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
        f"<body>{_summary(p)}{pages}</body></html>"
    )
