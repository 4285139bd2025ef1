"""The dashboard as a county official uses it, in Debian's chromium against the real server and
the sample county: every page opens (by URL and from the sidebar) with its charts and no error,
the township filter changes the figures and travels in a copied link, the English switch works,
the data page's Excel opens with Chinese headers and every row, and an arena comparison ends in
a downloadable pack. Full-page screenshots of what the user saw go to docs/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import openpyxl
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import HEIGHT, UI_TIMEOUT, WIDTH

pytestmark = pytest.mark.browser

# (screenshot name, URL path, title in Chinese, title in English, has plotly charts)
PAGES = [
    ("overview", "/", "总览", "Overview", True),
    ("party", "/party", "党组织", "Party organisations", True),
    ("area", "/area", "阵地", "Service centres", True),
    ("volunteers", "/volunteers", "志愿", "Volunteers", True),
    ("requests", "/requests", "诉求", "Resident requests", True),
    ("profile", "/profile", "社区档案", "Community profile", True),
    ("arena", "/arena", "擂台比武", "Arena competition", True),
    ("data", "/data", "数据", "Data", False),  # a table browser: no chart on this page
    ("quality", "/quality", "数据质量", "Data quality", False),  # flags and scores: tables
    ("bulletin", "/bulletin", "通报", "Bulletin", True),
]
TOWN = "新政镇"
GROUP = "城乡融合片区一组"
MAX_SHOT_HEIGHT = 16_000  # px; a taller page is cut there

# The app is idle: connected, its script not running, no "Running…" widget — for 0.3 s,
# so a rerun that is about to start is not mistaken for the end of the last one.
_IDLE_JS = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  const idle = app !== null
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('[data-testid=stStatusWidget]') === null
    && document.querySelector('[data-testid=stSkeleton]') === null;
  const now = performance.now();
  if (!idle) { window.__e2eIdleSince = null; return false; }
  if (window.__e2eIdleSince == null) window.__e2eIdleSince = now;
  return now - window.__e2eIdleSince >= 300;
}"""


def wait_idle(page: Page, timeout: int = UI_TIMEOUT) -> None:
    """Until the current run of the page's script has finished and the app has settled."""
    page.evaluate("window.__e2eIdleSince = null")
    page.wait_for_function(_IDLE_JS, timeout=timeout, polling=100)


def open_page(page: Page, url: str) -> None:
    """Go to `url` and wait until its script has run and the title is drawn."""
    page.goto(url)
    page.locator("h1").first.wait_for()
    wait_idle(page)


def title(page: Page) -> Locator:
    return page.locator("[data-testid=stMain] h1").first


def charts(page: Page) -> Locator:
    """Plotly charts that have drawn their SVG."""
    return page.locator("[data-testid=stPlotlyChart] .js-plotly-plot .main-svg")


def assert_no_error(page: Page) -> None:
    """No traceback box, no red error alert, no uncaught JavaScript error."""
    for sel in ("[data-testid=stException]", "[data-testid=stAlertContentError]"):
        boxes = page.locator(sel)
        assert boxes.count() == 0, f"{page.url}: {boxes.first.inner_text()[:500]}"
    assert not page.errors, f"{page.url}: JavaScript errors {page.errors}"


# KPI card texts Streamlit cut to one line with an ellipsis ("较…", "Property-company party o…").
_CUT_KPI_TEXTS = """() => [...document.querySelectorAll('[data-testid=stMain] [data-testid=stMetric] *')]
  .filter(e => e.innerText && e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""


def assert_kpis_whole(page: Page) -> None:
    """Every KPI card's label, figure, delta and what the delta compares are shown whole."""
    cut = page.evaluate(_CUT_KPI_TEXTS)
    assert not cut, f"{page.url}: KPI texts cut off: {cut}"


def metric_values(page: Page) -> list[str]:
    """The values on the page's KPI cards, in order."""
    return page.locator("[data-testid=stMain] [data-testid=stMetricValue]").all_inner_texts()


def screenshot(page: Page, path: Path) -> None:
    """The whole page, 1400 px wide: Streamlit scrolls inside its main block, not the document,
    so the viewport is made as tall as the content for the shot."""
    height = page.evaluate(
        "() => Math.max(...['[data-testid=stMain]', '[data-testid=stSidebarContent]']"
        ".map(s => document.querySelector(s)?.scrollHeight || 0))"
    )
    page.set_viewport_size({"width": WIDTH, "height": min(max(height, HEIGHT), MAX_SHOT_HEIGHT)})
    try:
        wait_idle(page)
        page.wait_for_timeout(200)  # plotly redraws on the resize event
        page.screenshot(path=str(path), animations="disabled")
    finally:
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})


def pick_town(page: Page, town: str) -> None:
    """Type a township into the sidebar's township multiselect and pick it."""
    box = page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first
    box.locator("input").click()
    page.keyboard.type(town)
    page.get_by_role("option", name=town, exact=True).click()
    page.keyboard.press("Escape")


# ---------------------------------------------------------------- every page


@pytest.mark.parametrize(("name", "path", "zh", "en", "has_chart"), PAGES, ids=[p[0] for p in PAGES])
def test_page_opens_by_url(
    page: Page, app_url: str, shots: Path, name: str, path: str, zh: str, en: str, has_chart: bool
) -> None:
    """Opened directly by its URL (no visit to the overview first): title, a chart, no error."""
    open_page(page, app_url + path)
    expect(title(page)).to_have_text(zh)
    if has_chart:
        expect(charts(page).first).to_be_visible()
    else:
        expect(page.locator("[data-testid=stMain] [data-testid=stDataFrame]").first).to_be_visible()
    expect(page.locator("[data-testid=stSidebar]")).to_contain_text("仪陇县社区治理监督")
    assert_no_error(page)
    assert_kpis_whole(page)
    screenshot(page, shots / f"{name}.png")


def test_sidebar_navigation_reaches_every_page(page: Page, app_url: str) -> None:
    """Each sidebar link (including pages added later) opens its page without an error, and the
    filters travel along in the URL."""
    titles = {path.strip("/"): zh for _, path, zh, _, _ in PAGES}
    open_page(page, app_url + "/")
    links = page.locator("[data-testid=stSidebar] [data-testid=stPageLink] a")
    n = links.count()
    assert n >= len(PAGES), f"{n} sidebar links"
    seen = set()
    for i in [*range(1, n), 0]:  # every page, then back to the overview
        href = links.nth(i).get_attribute("href") or ""
        # The main page's link is just "?query" (Streamlit routes it to "/").
        target = "/" if href.startswith("?") else urlparse(urljoin(app_url + "/", href)).path
        links.nth(i).click()
        page.wait_for_url(lambda url, target=target: urlparse(url).path == target)
        wait_idle(page)
        assert_no_error(page)
        path = target.strip("/")
        seen.add(path)
        if path in titles:
            expect(title(page)).to_have_text(titles[path])
        assert re.search(r"[?&]from=\d{4}-\d{2}", page.url), page.url
    assert set(titles) <= seen, f"not reached from the sidebar: {set(titles) - seen}"


# ---------------------------------------------------------------- filters and links


def test_township_filter_changes_figures_and_travels_in_the_link(page: Page, app_url: str, browser: object) -> None:
    open_page(page, app_url + "/")
    county = metric_values(page)
    pick_town(page, TOWN)
    page.wait_for_url(re.compile(r"[?&]town="))
    wait_idle(page)
    expect(page.locator("[data-testid=stMain] [data-testid=stCaptionContainer]").first).to_contain_text(TOWN)
    town_values = metric_values(page)
    assert town_values != county, f"no KPI changed for {TOWN}: {county}"

    # The link a user copies from the address bar opens the same selection in a new session.
    link = page.url
    other = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN")
    try:
        other.set_default_timeout(UI_TIMEOUT)
        fresh = other.new_page()
        open_page(fresh, link)
        sidebar_towns = fresh.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first
        expect(sidebar_towns).to_contain_text(TOWN)
        assert metric_values(fresh) == town_values
        # ... and on another page, the filter still holds.
        fresh.locator("[data-testid=stSidebar] [data-testid=stPageLink]").get_by_text("诉求", exact=True).click()
        expect(title(fresh)).to_have_text("诉求")
        wait_idle(fresh)
        expect(fresh.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first).to_contain_text(TOWN)
        assert "town=" in fresh.url
    finally:
        other.close()


# ---------------------------------------------------------------- language


def test_english_switch_and_back(page: Page, app_url: str, shots: Path) -> None:
    open_page(page, app_url + "/")
    zh_label = page.locator("[data-testid=stMain] [data-testid=stMetricLabel]").first.inner_text()
    page.locator("[data-testid=stSidebar]").get_by_text("English", exact=True).click()
    expect(title(page)).to_have_text("Overview")
    wait_idle(page)
    en_label = page.locator("[data-testid=stMain] [data-testid=stMetricLabel]").first.inner_text()
    assert en_label != zh_label and not re.search(r"[\u4e00-\u9fff]", en_label), en_label
    assert "lang=en" in page.url
    rank_by = page.locator(".st-key-ov_sort").get_by_role("combobox").input_value()  # checked at the end
    assert_no_error(page)
    screenshot(page, shots / "overview_en.png")

    # The language holds on the next page.
    page.locator("[data-testid=stSidebar] [data-testid=stPageLink]").get_by_text("Resident requests").click()
    expect(title(page)).to_have_text("Resident requests")
    wait_idle(page)
    expect(charts(page).first).to_be_visible()
    assert_no_error(page)
    assert_kpis_whole(page)  # "vs minimum 92%" beside the delta of five cards to a row
    screenshot(page, shots / "requests_en.png")

    page.locator("[data-testid=stSidebar]").get_by_text("中文", exact=True).click()
    expect(title(page)).to_have_text("诉求")
    wait_idle(page)
    assert "lang=en" not in page.url
    assert not re.search(r"[\u4e00-\u9fff]", rank_by), f"'Rank by' still in Chinese after the switch: {rank_by}"


def test_chinese_text_is_set_in_a_plain_sans_not_the_bulletins_kaiti(page: Page, app_url: str) -> None:
    """Without a CJK font in the app's font stack Chromium fell back per character through
    fontconfig, which ranks AR PL KaitiM GB (installed for the 通报) first: captions and tables
    came out in 楷体 beside Noto headings (new-user pass). The theme names Noto Sans CJK SC."""
    open_page(page, app_url + "/")
    family = page.locator("[data-testid=stMain] [data-testid=stCaptionContainer]").first.evaluate(
        "e => getComputedStyle(e).fontFamily"
    )
    assert "Noto Sans CJK SC" in family and "Kai" not in family, family
    assert family.index("Source Sans") < family.index("Noto Sans CJK SC"), family  # Latin stays Source Sans


@pytest.mark.parametrize("path", ["/party", "/area", "/profile"])
def test_english_kpi_cards_show_their_texts_whole(page: Page, app_url: str, path: str) -> None:
    """The English labels are longer ("Property-company party orgs", "vs standard 30 m² per 100
    households"): they wrap in the card instead of being cut."""
    open_page(page, app_url + path + "?lang=en")
    expect(page.locator("[data-testid=stMain] [data-testid=stMetric]").first).to_be_visible()
    assert_no_error(page)
    assert_kpis_whole(page)


def test_arena_in_english_by_url(page: Page, app_url: str, shots: Path) -> None:
    open_page(page, app_url + "/arena?lang=en")
    expect(title(page)).to_have_text("Arena competition")
    expect(page.locator(".st-key-arena_contrib .main-svg").first).to_be_visible()
    assert_no_error(page)
    screenshot(page, shots / "arena_en.png")


# ---------------------------------------------------------------- downloads


def test_data_page_excel_has_every_row_with_chinese_headers(page: Page, app_url: str, tmp_path: Path) -> None:
    open_page(page, app_url + "/data")
    count = page.locator("[data-testid=stMain]").get_by_text(re.compile(r"^共 [\d,]+ 行$")).first
    n = int(re.sub(r"\D", "", count.inner_text()))
    assert n > 0
    with page.expect_download(timeout=UI_TIMEOUT) as dl:
        page.get_by_role("button", name=re.compile("下载 Excel")).first.click()
    download = dl.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    assert "仪陇县" in download.suggested_filename and "月度指标" in download.suggested_filename
    path = tmp_path / "data.xlsx"
    download.save_as(path)

    ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    assert {"乡镇(街道)", "村(社区)", "月份", "户数(户)"} <= set(header), header
    assert all(re.search(r"[\u4e00-\u9fff]", h) for h in header), f"headers not in Chinese: {header}"
    assert len(rows) - 1 == n, f"the page says {n} rows, the Excel file has {len(rows) - 1}"
    assert_no_error(page)


def test_arena_comparison_and_pack(page: Page, app_url: str, tmp_path: Path) -> None:
    open_page(page, app_url + "/arena")
    main = page.locator("[data-testid=stMain]")
    page.locator(".st-key-arena_who_w").get_by_text("按片区", exact=True).click()
    wait_idle(page)
    group_box = page.locator(".st-key-arena_group_w").get_by_role("combobox")
    if group_box.input_value() != GROUP:  # 城乡融合片区一组 is also the default
        group_box.click()
        page.get_by_role("option", name=GROUP, exact=True).click()
        wait_idle(page)
    expect(group_box).to_have_value(GROUP)

    expect(main.get_by_role("heading", name="排名与得分构成")).to_be_visible()
    expect(page.locator(".st-key-arena_contrib .main-svg").first).to_be_visible()
    board = main.locator("[data-testid=stDataFrame]").first  # the scoreboard table
    expect(board).to_be_visible()
    expect(board).to_contain_text("综合得分")
    assert_no_error(page)

    with page.expect_download(timeout=UI_TIMEOUT) as dl:
        page.get_by_role("button", name=re.compile("Excel 材料")).click()
    xlsx = tmp_path / dl.value.suggested_filename
    dl.value.save_as(xlsx)
    assert GROUP in xlsx.name
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    assert len(wb.sheetnames) >= 3, wb.sheetnames  # the summary, then one sheet per community
    summary = [c for row in wb.worksheets[0].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(GROUP in c for c in summary), summary[:20]

    with page.expect_download(timeout=UI_TIMEOUT) as dl:
        page.get_by_role("button", name=re.compile("打印版")).click()
    html_path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(html_path)
    html = html_path.read_text(encoding="utf-8")
    assert html_path.suffix == ".html" and GROUP in html and "综合得分" in html
    urls = re.findall(r"https?://[^\s\"'<>)]+", html)
    assert not urls, f"the printable pack must open offline, but names {sorted(set(urls))[:5]}"
