"""The bulletin as a .docx: the content of `content.build` poured into the office's template
(data/templates/bulletin.docx), whose page set-up, styles and footers it keeps.

Charts are rendered to PNG offline by plotly's kaleido driving Debian's chromium (`charts.py`).
Every run carries its style's fonts, w:eastAsia included (style.follow_style): Chinese text is
set in the named font in any viewer, and follows the template when the office edits a style.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from core.paths import ROOT
from oversight.bulletin import style as s
from oversight.bulletin.charts import png
from oversight.bulletin.content import Block, Bulletin, Section

TEMPLATE = ROOT / "data" / "templates" / "bulletin.docx"
MASTHEAD = {"zh": "仪陇县社区治理工作通报", "en": "Yilong County Community Governance Bulletin"}
CHART_WIDTH = Mm(150)
KEEP_ROWS = 2  # a table's first and last rows kept on one page with their neighbours


def _clear_body(doc: DocumentObject) -> None:
    """Drop the template's specimen paragraphs and tables, keeping the section properties."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _para(doc: DocumentObject, role: str, text: str = "") -> object:
    """A paragraph of style `role`; a "\n" in `text` is a line break within it."""
    p = doc.add_paragraph(style=doc.styles[s.STYLES[role]])
    lines = text.split("\n") if text else []
    for i, line in enumerate(lines):
        run = p.add_run(line)
        s.follow_style(run, p.style)
        if i < len(lines) - 1:
            run.add_break()
    return p


def _text_width(text: str) -> float:
    """Width of `text` in em: a Chinese character is one, a Latin letter or digit about half."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in text)


def column_widths(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...], total: int) -> list[int]:
    """Column widths (EMU) summing to `total`: each column's share follows its widest cell (a
    header counts at half, since it may wrap onto two lines), at least 3 em."""
    need = [max([_text_width(h) / 2, 3.0, *(_text_width(r[i]) for r in rows)]) for i, h in enumerate(header)]
    return [int(total * n / sum(need)) for n in need]


def _table(doc: DocumentObject, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> None:
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    if s.TABLE_STYLE in [x.name for x in doc.styles]:
        table.style = doc.styles[s.TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = column_widths(header, rows, s.TEXT_WIDTH)
    for col, width in zip(table.columns, widths, strict=True):
        col.width = width
        for cell in col.cells:
            cell.width = width
    style = doc.styles[s.STYLES["table"]]
    for i, cells in enumerate((header, *rows)):
        row = table.rows[i]
        for cell, text in zip(row.cells, cells, strict=True):
            p = cell.paragraphs[0]
            p.style = style
            run = p.add_run(text)
            if i == 0:
                s.set_font(run, s.HEADING1_FONT)  # header cells in 黑体
            else:
                s.follow_style(run, style)
    # the header row repeats on every page the table runs over
    trpr = table.rows[0]._tr.get_or_add_trPr()
    header_flag = trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
    trpr.append(header_flag)
    # No header with a single row at the foot of a page, no last row alone atop the next: the
    # header and the first KEEP_ROWS rows hold together, so do the last KEEP_ROWS (a row's
    # "keep with next" keeps it on the page of the row below); no row splits across pages.
    n = len(table.rows)
    for i, row in enumerate(table.rows):
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if i < min(KEEP_ROWS + 1, n - 1) or n - 1 - KEEP_ROWS <= i < n - 1:
            for cell in row.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.keep_with_next = True


def _block(doc: DocumentObject, block: Block, charts: dict[int, bytes]) -> None:
    if block.kind == "heading2":  # a sub-heading stays on the page of what it heads
        _para(doc, "heading2", block.text).paragraph_format.keep_with_next = True
    elif block.kind == "para":
        _para(doc, "body", block.text)
    elif block.kind == "note":
        _para(doc, "note", block.text)
    elif block.kind == "table" and block.table is not None:
        _table(doc, block.table.header, block.table.rows)
        _para(doc, "note")  # a little space after a table
    elif block.kind == "chart" and block.figure is not None:
        p = _para(doc, "chart")
        p.add_run().add_picture(io.BytesIO(charts[id(block)]), width=CHART_WIDTH)


def _section(doc: DocumentObject, section: Section, charts: dict[int, bytes], annex: bool = False) -> None:
    if annex:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _para(doc, "heading1", section.heading).paragraph_format.first_line_indent = None
    else:
        _para(doc, "heading1", section.heading)
    for block in section.blocks:
        _block(doc, block, charts)


def render_charts(b: Bulletin) -> dict[int, bytes]:
    """Every chart of the bulletin as PNG bytes, keyed by id() of its block."""
    return {id(bl): png(bl.figure) for sec in b.sections for bl in sec.blocks if bl.kind == "chart" and bl.figure}


def write(
    b: Bulletin,
    template: Path = TEMPLATE,
    charts: dict[int, bytes] | None = None,
    progress: Callable[[str], None] | None = None,
) -> bytes:
    """The .docx file of bulletin `b` as bytes. `charts` (from `render_charts`) saves rendering
    them twice; `progress` is told each step ("charts", "document"). Raises FileNotFoundError
    when the template is missing and charts.ChartError when a chart cannot be rendered."""
    if charts is None:
        if progress:
            progress("charts")
        charts = render_charts(b)
    if progress:
        progress("document")
    doc = Document(str(template))
    _clear_body(doc)
    _para(doc, "masthead", MASTHEAD.get(b.lang, MASTHEAD["zh"]))
    _para(doc, "doc_number", b.doc_number)
    _para(doc, "title", b.title)
    _para(doc, "body", b.addressee).paragraph_format.first_line_indent = 0
    _para(doc, "body", b.intro)
    for section in b.sections:
        _section(doc, section, charts)
    # GB/T 9704: the signature and date never stand alone on a page; the last lines come along
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    _para(doc, "body").paragraph_format.keep_with_next = True
    _para(doc, "signature", b.issuer).paragraph_format.keep_with_next = True
    _para(doc, "signature", b.date_text)
    for annex in b.annexes:
        _section(doc, annex, charts, annex=True)
    doc.core_properties.title = b.title
    doc.core_properties.author = b.issuer
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
