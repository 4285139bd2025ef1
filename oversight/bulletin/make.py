"""One call that builds a bulletin: content, charts, .docx and (when asked) PDF."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from oversight.bulletin import content, pdf, word
from oversight.bulletin.charts import ChartError
from oversight.bulletin.content import Bulletin
from oversight.bulletin.pdf import PdfError

__all__ = ["Bulletin", "ChartError", "Made", "PdfError", "make"]

STEPS = ("content", "charts", "document", "pdf")  # what `progress` is told, in order


@dataclass(frozen=True)
class Made:
    """A built bulletin: its content, the .docx bytes and (when asked) the PDF bytes."""

    bulletin: Bulletin
    docx: bytes
    pdf: bytes | None = None


def make(
    month: date,
    town_code: str | None = None,
    lang: str = "zh",
    with_pdf: bool = False,
    progress: Callable[[str], None] | None = None,
    today: date | None = None,
) -> Made:
    """Build the bulletin of `month` (first of month) for the county or township `town_code`.
    `progress(step)` is called before each of STEPS. Raises ValueError (unknown township, month
    without reports), ChartError, PdfError, FileNotFoundError (template missing)."""
    tell = progress or (lambda _step: None)
    tell("content")
    b = content.build(month, town_code, lang, today)
    tell("charts")
    charts = word.render_charts(b)
    tell("document")
    docx = word.write(b, charts=charts)
    if not with_pdf:
        return Made(b, docx)
    tell("pdf")
    return Made(b, docx, pdf.to_pdf(docx))
