"""The whole app in a real browser: the sample warehouse, the real Streamlit server on a free
port, and Debian's chromium driven by playwright.

Every test in this folder is marked `browser`. Nothing here downloads a browser: the tests use
/usr/bin/chromium (installed by `bash scripts/setup.sh`, which `make test` runs) and fail loudly
when it is missing. `OVERSIGHT_E2E_DB=<warehouse>` reuses an existing warehouse instead of
building the sample one (handy when iterating on these tests).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WIDTH, HEIGHT = 1400, 900
START_TIMEOUT = 90  # s for the server to answer /_stcore/health on a slow, busy machine
UI_TIMEOUT = 60_000  # ms for one page run (first runs fill the query caches)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark everything in this folder `browser` (so `pytest -m browser` selects exactly it)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:  # noqa: S310 - localhost
            return r.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def e2e_db(request: pytest.FixtureRequest) -> Path:
    """The warehouse the app shows: the sample county (or $OVERSIGHT_E2E_DB)."""
    env = os.environ.get("OVERSIGHT_E2E_DB")
    if env:
        return Path(env)
    return request.getfixturevalue("sample_db")


@pytest.fixture(scope="session")
def app_url(e2e_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the real dashboard (`streamlit run dashboard.py`), stopped at the end."""
    tmp = tmp_path_factory.mktemp("server")
    port = _free_port()
    log = (tmp / "streamlit.log").open("w")
    env = dict(os.environ, OVERSIGHT_DB=str(e2e_db), OVERSIGHT_SETTINGS=str(tmp / "arena_presets.json"))
    cmd = [
        str(Path(sys.executable).with_name("streamlit")),
        "run",
        "dashboard.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"streamlit did not come up on {url}:\n{(tmp / 'streamlit.log').read_text()[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium, headless. Fails (never skips) when it is not installed."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium. "
            "Run `make test` (or `bash scripts/setup.sh`) once to install it and fonts-noto-cjk."
        )
    from playwright.sync_api import expect, sync_playwright

    # An assertion waits as long as a page run may take, like every other wait here (the
    # context's default): expect's own 5 s failed a first page on a fresh server under load.
    expect.set_options(timeout=UI_TIMEOUT)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser: object) -> Iterator[object]:
    """A fresh browser profile (no cookies, a new Streamlit session) 1400 px wide, in Chinese."""
    ctx = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        accept_downloads=True,
    )
    ctx.set_default_timeout(UI_TIMEOUT)
    yield ctx
    ctx.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Keep each phase's report on the test item, so fixtures can tell a failed test."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(context: object, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A page in a fresh context; uncaught JavaScript errors are collected on `page.errors`.
    When the test fails, a screenshot of the page goes next to the server log."""
    p = context.new_page()
    p.errors = []
    p.on("pageerror", lambda e: p.errors.append(str(e)))
    yield p
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        shot = tmp_path_factory.mktemp("failed") / f"{request.node.name}.png"
        try:
            p.screenshot(path=str(shot), full_page=True)
            print(f"\nscreenshot of the failed page: {shot}  ({p.url})")
        except Exception as e:  # noqa: BLE001 - best effort: the test has already failed
            print(f"\nno screenshot of the failed page: {e}")


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the tests save what a user sees: docs/screenshots with OVERSIGHT_SCREENSHOTS=1
    (`make screenshots`), else a temporary folder, so `make test` leaves the tree clean."""
    if os.environ.get("OVERSIGHT_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        return SHOTS
    return tmp_path_factory.mktemp("screenshots")
