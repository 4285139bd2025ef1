"""The overview on a phone (issue 16.7), 390×844 in Debian's chromium: the KPI cards stand two to
a row instead of one per line, each card's 同比 inside it, and the ranking is still there below them. A screenshot of the
top of the page goes to docs/screenshots/phone.png (with `make screenshots`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import UI_TIMEOUT
from tests.browser.test_e2e import assert_no_error, wait_idle

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
# Whether an element below the caption's column draws a border around it (the card's frame).
_IN_BORDER = """e => { for (let a = e; a && a.dataset.testid !== 'stColumn'; a = a.parentElement)
  if (parseFloat(getComputedStyle(a).borderTopWidth) > 0) return true; return false; }"""


def test_kpi_cards_stand_two_to_a_row_on_a_phone(browser: object, app_url: str, shots: Path) -> None:
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", is_mobile=True)
    ctx.set_default_timeout(UI_TIMEOUT)
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    try:
        page.goto(app_url + "/")
        page.locator("h1").first.wait_for()
        wait_idle(page)
        metrics = page.locator("[data-testid=stMain] [data-testid=stMetric]")
        assert metrics.count() == 9
        cards = page.locator("[data-testid=stMain] [data-testid=stColumn]:has([data-testid=stMetric])")
        first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
        framed = cards.nth(0).get_by_text("同比").evaluate(_IN_BORDER)
        assert framed, "the card's border encloses its 同比, not only the figure above it"
        assert abs(first["y"] - second["y"]) < 2, "the first two cards are on one line"
        assert second["x"] > first["x"] + first["width"] - 1, "side by side, not overlapping"
        assert 140 < first["width"] < 200, f"half the phone's width each, not {first['width']:.0f} px"
        page.locator("[data-testid=stMain] [data-testid=stDataFrame]").first.scroll_into_view_if_needed()
        assert_no_error(page)
        page.evaluate("document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
        page.screenshot(path=str(shots / "phone.png"), animations="disabled")
    finally:
        ctx.close()
