"""The upload page's dropzone speaks Chinese in the Chinese UI: Streamlit 1.67 draws its own
"Upload" button, "20MB per file • XLSX…" line and "Drag and drop files here" with no parameter
to set them (streamlit/streamlit#13500), so pages/upload.py hides them and draws ours with CSS
keyed to the dropzone's data-testids. A Streamlit upgrade that renames those ids fails here."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from oversight.upload import SUPPORTED_SUFFIXES
from tests.browser.test_e2e import open_page

ZONE = "[data-testid=stFileUploaderDropzone]"
DRAG = f"{ZONE} > div:not([data-testid]) > span"  # the text Streamlit shows while a file is dragged over
_DRAG_OVER = """z => { const dt = new DataTransfer(); dt.items.add(new File(['a'], 'a.csv', {type: 'text/csv'}));
    z.dispatchEvent(new DragEvent('dragenter', {dataTransfer: dt, bubbles: true})); }"""


def _after(page: Page, selector: str) -> tuple[str, str]:
    """The ::after content and the element's own font size (0px when its text is hidden)."""
    content, size = page.locator(selector).first.evaluate(
        "e => [getComputedStyle(e, '::after').content, getComputedStyle(e).fontSize]"
    )
    return content, size


def test_the_dropzone_reads_in_chinese(page: Page, app_url: str) -> None:
    open_page(page, app_url + "/upload")
    page.locator(ZONE).wait_for()
    assert _after(page, f"{ZONE} button [data-testid=stMarkdownContainer] p") == ('"选择文件"', "0px")
    content, size = _after(page, "[data-testid=stFileUploaderDropzoneInstructions] span")
    types = "、".join(s.lstrip(".").upper() for s in SUPPORTED_SUFFIXES)  # XLSX、XLSM、XLS、CSV
    assert size == "0px" and content.startswith('"每个文件不超过 ') and content.endswith(f'{types}"')
    page.locator(ZONE).evaluate(_DRAG_OVER)
    page.locator(DRAG).wait_for()
    assert _after(page, DRAG) == ('"将文件拖放到此处"', "0px")


def test_a_chosen_file_is_not_written_over(page: Page, app_url: str, tmp_path: Path) -> None:
    """Once a file is chosen its chip sits where the drag text was: no Chinese drawn over it (it
    was, three times, over the chip's name and the add-files button)."""
    open_page(page, app_url + "/upload")
    report = tmp_path / "新政镇_2026年10月_月度指标.csv"
    report.write_text("村(社区)\n", encoding="utf-8")
    page.locator("input[type=file]").set_input_files(str(report))
    page.locator(f"{ZONE} [data-testid=stFileChip]").wait_for()
    drawn = page.locator(ZONE).evaluate(
        "z => Array.from(z.querySelectorAll('span')).map(e => getComputedStyle(e, '::after').content)"
        ".filter(c => c.includes('拖放'))"
    )
    assert drawn == []
    assert page.locator(f"{ZONE} [data-testid=stFileChipName]").inner_text().endswith(".csv")
