"""Write data/templates/bulletin.docx, the template of the monthly bulletin (工作通报).

    .venv/bin/python scripts/build_bulletin_template.py [OUT.docx]

The template holds what the office may change in Word — page set-up, the paragraph styles
(`oversight.bulletin.style.STYLES`: 红头, 发文字号, title, body, headings, table text, notes,
signature), the footer's page numbers — and a short specimen of each style. The writer
(`oversight.bulletin.docx`) keeps the page set-up, styles and footers and replaces the
specimen with the month's content. Re-run it only to start the template afresh: an edited
template is meant to be committed as it is.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from oversight.bulletin import style as s  # noqa: E402

OUT = ROOT / "data" / "templates" / "bulletin.docx"
RED = RGBColor(0xC0, 0x00, 0x00)
BLACK = RGBColor(0, 0, 0)


def _paragraph_style(doc, name: str, font: str, size: Pt, *, base: str | None = "Normal"):  # noqa: ANN001, ANN202
    styles = doc.styles
    st = styles[name] if name in [x.name for x in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base and name != base:
        st.base_style = styles[base]
    s.set_font(st, font, size)
    st.font.bold = False
    st.font.italic = False
    st.font.color.rgb = BLACK
    pf = st.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = s.LINE_PITCH
    pf.first_line_indent = Pt(0)  # explicit: only the body indents (a style inherits Normal's)
    return st


def _styles(doc) -> None:  # noqa: ANN001
    body = _paragraph_style(doc, s.STYLES["body"], s.BODY_FONT, s.BODY_SIZE, base=None)
    body.paragraph_format.first_line_indent = s.BODY_SIZE * 2  # 首行缩进二字
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.widow_control = False

    mast = _paragraph_style(doc, s.STYLES["masthead"], s.TITLE_FONT, Pt(36))
    mast.font.color.rgb = RED
    mast.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    mast.paragraph_format.line_spacing = Pt(60)

    num = _paragraph_style(doc, s.STYLES["doc_number"], s.BODY_FONT, s.BODY_SIZE)
    num.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    num.paragraph_format.space_after = Pt(4)
    _red_rule(num)  # the red line under the 发文字号 (版头中的分隔线)

    title = _paragraph_style(doc, s.STYLES["title"], s.TITLE_FONT, s.TITLE_SIZE)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.space_before = Pt(28)
    title.paragraph_format.space_after = Pt(28)
    _no_border(title)

    for key, font in (("heading1", s.HEADING1_FONT), ("heading2", s.HEADING2_FONT)):
        h = _paragraph_style(doc, s.STYLES[key], font, s.BODY_SIZE)
        h.paragraph_format.first_line_indent = s.BODY_SIZE * 2
        h.paragraph_format.keep_with_next = True

    table = _paragraph_style(doc, s.STYLES["table"], s.BODY_FONT, s.TABLE_SIZE)
    table.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    table.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    note = _paragraph_style(doc, s.STYLES["note"], s.BODY_FONT, s.TABLE_SIZE)
    note.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    note.paragraph_format.space_after = Pt(6)

    sign = _paragraph_style(doc, s.STYLES["signature"], s.BODY_FONT, s.BODY_SIZE)
    sign.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sign.paragraph_format.right_indent = s.BODY_SIZE * 4  # 右空四字

    chart = _paragraph_style(doc, s.STYLES["chart"], s.BODY_FONT, s.BODY_SIZE)
    chart.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    chart.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    chart.paragraph_format.space_before = Pt(6)
    chart.paragraph_format.space_after = Pt(6)


# Children of w:pPr that come after w:pBdr (ECMA-376 CT_PPrBase), as python-docx orders them.
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def _red_rule(st) -> None:  # noqa: ANN001
    ppr = st.element.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("val", "single"), ("sz", "18"), ("space", "8"), ("color", "C00000")):
        bottom.set(qn(f"w:{k}"), v)
    bdr.append(bottom)
    ppr.insert_element_before(bdr, *_AFTER_PBDR)  # the schema fixes the order of pPr's children


def _no_border(st) -> None:  # noqa: ANN001
    ppr = st.element.get_or_add_pPr()
    for old in ppr.findall(qn("w:pBdr")):
        ppr.remove(old)


def _page_number(paragraph, align) -> None:  # noqa: ANN001
    """ "— N —" in 宋体 四号: a PAGE field between two dashes."""
    paragraph.alignment = align
    pf = paragraph.paragraph_format
    pf.first_line_indent = None
    pf.left_indent = pf.right_indent = s.PAGE_NUMBER_SIZE if align != WD_ALIGN_PARAGRAPH.CENTER else None
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE

    def run(text: str = ""):  # noqa: ANN202
        r = paragraph.add_run(text)
        s.set_font(r, s.PAGE_NUMBER_FONT, s.PAGE_NUMBER_SIZE)
        return r

    run("— ")
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        r = run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._r.append(fld)
        elif text == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            r._r.append(instr)
        else:
            r.text = text
    run(" —")


def build(out: Path = OUT) -> Path:
    """Write the template to `out` and return it."""
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = s.PAGE_WIDTH, s.PAGE_HEIGHT
    sec.top_margin, sec.bottom_margin = s.MARGINS["top"], s.MARGINS["bottom"]
    sec.left_margin, sec.right_margin = s.MARGINS["left"], s.MARGINS["right"]
    sec.header_distance = s.MARGINS["top"] - s.BODY_SIZE * 2
    sec.footer_distance = s.MARGINS["bottom"] - s.BODY_SIZE * 3  # the number ~7 mm below the text block
    _styles(doc)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(sec.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)  # odd pages: right, one character in
    _page_number(sec.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)  # even pages: left

    specimen = (
        ("masthead", "仪陇县社区治理工作通报"),
        ("doc_number", "仪社治通〔2026〕　号"),
        ("title", "关于2026年9月全县社区治理工作情况的通报（标题：方正小标宋简体 二号）"),
        ("body", "各乡镇（街道）党（工）委、政府（办事处）："),
        ("body", "正文：仿宋_GB2312 三号，首行缩进二字，每页22行。修改本模板的样式即可改变生成的通报。"),
        ("heading1", "一、一级标题（黑体 三号）"),
        ("heading2", "（一）二级标题（楷体_GB2312 三号）"),
        ("table", "表格文字（仿宋_GB2312 五号）"),
        ("note", "注：说明文字（仿宋_GB2312 五号）"),
        ("signature", "（发文单位）"),
    )
    body = doc.paragraphs[0] if doc.paragraphs else None
    for role, text in specimen:
        p = body if body is not None and not body.text else doc.add_paragraph()
        body = None
        p.style = doc.styles[s.STYLES[role]]
        s.set_font(p.add_run(text), p.style.font.name)
    doc.core_properties.title = "仪陇县社区治理工作通报模板"
    doc.core_properties.author = "仪陇县社区治理监督看板"
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
