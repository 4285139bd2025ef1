"""The bulletin's typography after GB/T 9704-2012 (党政机关公文格式), in one place for the
template script (scripts/build_bulletin_template.py) and the .docx writer.

A4 with margins 上 37 mm, 下 35 mm, 左 28 mm, 右 26 mm; title 方正小标宋简体 二号 (22 pt); body
仿宋_GB2312 三号 (16 pt), 22 lines a page (fixed line pitch 28.95 pt); 一级标题 黑体, 二级标题
楷体_GB2312, both 三号; page numbers 宋体 四号 (14 pt) as "— 1 —", odd pages on the right and
even pages on the left. The .docx names the fonts office PCs have; where they are missing (here,
on Debian) LibreOffice takes the fontconfig substitutes of data/fonts/bulletin-fonts.conf.

python-docx sets only the Latin font (w:ascii, w:hAnsi); Chinese text takes the East-Asian one
(w:eastAsia), so `set_font` writes all four and drops the theme fonts that would override them.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
TABLE_SIZE = Pt(10.5)  # 五号: tables and notes (GB/T 9704 leaves table text to the drafter)
LINE_PITCH = Pt(28.95)  # 225 mm of text block / 22 lines
TEXT_WIDTH = Mm(156)  # 210 − 28 − 26

# Paragraph styles of the template, by role (the writer uses only these names).
STYLES = {
    "masthead": "Bulletin Masthead",
    "doc_number": "Bulletin Doc Number",
    "title": "Title",
    "body": "Normal",
    "heading1": "Heading 1",
    "heading2": "Heading 2",
    "table": "Bulletin Table",
    "note": "Bulletin Note",
    "signature": "Bulletin Signature",
    "chart": "Bulletin Chart",
}
TABLE_STYLE = "Table Grid"


def set_font(element: object, name: str, size: Pt | None = None) -> None:
    """Give a style or run (anything with `.font` and an rPr element) the font `name` for Latin
    and East-Asian text alike (w:ascii, w:hAnsi, w:eastAsia, w:cs), without theme fonts."""
    font = element.font  # type: ignore[attr-defined]
    font.name = name
    if size is not None:
        font.size = size
    rpr = element.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), name)


def style_fonts(st: object) -> dict[str, str]:
    """The fonts a paragraph style sets (ascii, hAnsi, eastAsia, cs), its own or inherited from
    its base styles, as edited in the template; eastAsia falls back to the Latin name."""
    fonts: dict[str, str] = {}
    while st is not None:
        rpr = st.element.rPr  # type: ignore[attr-defined]
        found = None if rpr is None else rpr.find(qn("w:rFonts"))
        for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
            value = None if found is None else found.get(qn(f"w:{attr}"))
            if value and attr not in fonts:
                fonts[attr] = value
        st = st.base_style  # type: ignore[attr-defined]
    if "eastAsia" not in fonts and "ascii" in fonts:
        fonts["eastAsia"] = fonts["ascii"]
    return fonts


def follow_style(run: object, st: object) -> None:
    """Write `st`'s fonts (style_fonts) on `run`, so its Chinese text has w:eastAsia set
    explicitly and follows whatever the office chose for the style in the template."""
    fonts = style_fonts(st)
    if not fonts:
        return
    rpr = run.element.get_or_add_rPr()  # type: ignore[attr-defined]
    el = rpr.find(qn("w:rFonts"))
    if el is None:
        el = OxmlElement("w:rFonts")
        rpr.insert(0, el)
    for attr, value in fonts.items():
        el.set(qn(f"w:{attr}"), value)


def east_asia_font(element: object) -> str | None:
    """The w:eastAsia font of a style or run, None where it is unset (for the tests)."""
    rpr = element.element.rPr  # type: ignore[attr-defined]
    fonts = None if rpr is None else rpr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))
