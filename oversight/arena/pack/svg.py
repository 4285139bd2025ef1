"""The pack's charts as inline SVG (nothing fetched from anywhere): contributions to the
composite, rank ranges under weight perturbation, one community's scores against the group
median, and a sparkline of one indicator."""

from __future__ import annotations

from html import escape

import pandas as pd

from oversight.arena.indicators import INDICATOR_COLOURS, Indicator
from oversight.arena.pack import Pack, number
from oversight.i18n import t


def _svg(width: int, height: int, body: list[str]) -> str:
    return f'<svg viewBox="0 0 {width} {height}" role="img" preserveAspectRatio="xMinYMin meet">{"".join(body)}</svg>'


def _text(x: float, y: float, s: str, size: float = 11, anchor: str = "start", colour: str = "#222", bold=False) -> str:  # noqa: ANN001
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{colour}"{weight}>'
        f"{escape(s)}</text>"
    )


def contributions(p: Pack) -> str:
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
            v = number(r.contributions.at[code, ind.key])
            if not v:
                continue
            w = bar_w * v / 100
            body.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
                f'fill="{INDICATOR_COLOURS[ind.key]}"><title>{escape(ind.label(p.lang))} +{v:.1f}</title></rect>'
            )
            x += w
        comp = number(r.composite[code])
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


def ranks(p: Pack) -> str:
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


def scores(p: Pack, code: str) -> str:
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
        v = number(r.scores.at[code, ind.key])
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
        m = number(med[ind.key])
        if m is not None:
            mx = label_w + bar_w * m / 100
            body.append(
                f'<line x1="{mx:.1f}" y1="{y + 1}" x2="{mx:.1f}" y2="{y + row_h - 1}" stroke="#222" stroke-width="2"/>'
            )
    return _svg(width, 20 + row_h * len(p.active), body)


def spark(months: list[pd.Timestamp], ys: list[float | None], colour: str, ind: Indicator) -> str:
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
