"""The overview on a phone (issue 16.7), 390×844 in Debian's chromium: the KPI cards stand two to
a row instead of one per line, and the ranking is still there below them. A screenshot of the
top of the page goes to docs/screenshots/phone.png (with `make screenshots`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import UI_TIMEOUT
from tests.browser.test_e2e import assert_no_error, wait_idle

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


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
        cards = page.locator("[data-testid=stMain] [data-testid=stMetric]")
        assert cards.count() == 9
        first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
        assert abs(first["y"] - second["y"]) < 2, "the first two cards are on one line"
        assert second["x"] > first["x"] + first["width"] - 1, "side by side, not overlapping"
        assert 140 < first["width"] < 200, f"half the phone's width each, not {first['width']:.0f} px"
        page.locator("[data-testid=stMain] [data-testid=stDataFrame]").first.scroll_into_view_if_needed()
        assert_no_error(page)
        page.evaluate("document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
        page.screenshot(path=str(shots / "phone.png"), animations="disabled")
    finally:
        ctx.close()
