"""Sign-in in a real browser: a second dashboard server on the sample county with a users
file; a 新政镇 user opens a link naming another township, signs in, and sees — on the page
and in the CSV it downloads — only 新政镇."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from oversight.auth import users
from tests.browser.conftest import ROOT, START_TIMEOUT, UI_TIMEOUT, _free_port, _healthy
from tests.browser.test_e2e import assert_no_error, wait_idle

XINZHENG, JINCHENG = "511324101000", "511324100000"  # 新政镇, 金城镇
PASSWORD = "xinzheng-2026"


@contextmanager
def _serve(db: Path, tmp: Path, **env: str) -> Iterator[str]:
    """The dashboard on the warehouse `db` with a users file (a town user `xz` of 新政镇) and
    the environment `env`, on a free port; stopped at the end."""
    users.add(tmp / "users.json", "xz", "town", (XINZHENG,), PASSWORD)
    port = _free_port()
    env = dict(
        os.environ,
        OVERSIGHT_DB=str(db),
        OVERSIGHT_USERS=str(tmp / "users.json"),
        OVERSIGHT_AUDIT=str(tmp / "audit.jsonl"),
        OVERSIGHT_SETTINGS=str(tmp / "arena_presets.json"),
        **env,
    )
    cmd = [str(Path(sys.executable).with_name("streamlit")), "run", "dashboard.py", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1"]  # fmt: skip
    with (tmp / "streamlit.log").open("w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not _healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not come up:\n{(tmp / 'streamlit.log').read_text()[-3000:]}")
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=15)


@pytest.fixture(scope="module")
def signed_url(e2e_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard with users signing in by password."""
    with _serve(e2e_db, tmp_path_factory.mktemp("signed")) as url:
        yield url


@pytest.fixture(scope="module")
def proxied_url(e2e_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard behind a (pretend) proxy that names the user in X-Remote-User."""
    with _serve(e2e_db, tmp_path_factory.mktemp("proxied"), OVERSIGHT_TRUSTED_HEADER="X-Remote-User") as url:
        yield url


def test_a_town_user_signs_in_and_sees_and_downloads_only_its_township(page: Page, signed_url: str) -> None:
    page.goto(f"{signed_url}/data?town={JINCHENG}")
    main = page.locator("[data-testid=stMain]")
    expect(main.get_by_role("heading", name="登录")).to_be_visible()
    expect(main.locator("[data-testid=stDataFrame]")).to_have_count(0)
    page.get_by_label("用户名").fill("xz")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(main.locator("h1").first).to_have_text("数据", timeout=UI_TIMEOUT)
    wait_idle(page)
    expect(main).to_contain_text("链接中的乡镇或村(社区)不在您的权限范围内")
    expect(main.locator("[data-testid=stCaptionContainer]").first).to_contain_text("全县 › 新政镇")
    expect(page.locator("[data-testid=stSidebar]")).to_contain_text("已登录：xz（乡镇）")

    with page.expect_download(timeout=UI_TIMEOUT) as dl:
        page.get_by_role("button", name="下载 CSV").first.click()
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_bytes().decode("utf-8-sig"))))
    assert rows and {r["乡镇(街道)"] for r in rows} == {"新政镇"}
    assert "新政镇" in dl.value.suggested_filename
    assert not page.errors
    # On to the overview through the sidebar: still signed in, the ranking holds only 新政镇.
    page.locator("[data-testid=stSidebar] [data-testid=stPageLink]").get_by_text("总览", exact=True).click()
    expect(main.locator("h1").first).to_have_text("总览", timeout=UI_TIMEOUT)
    wait_idle(page)
    with page.expect_download(timeout=UI_TIMEOUT) as dl:
        page.get_by_role("button", name="下载 CSV").first.click()
    ranking = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_bytes().decode("utf-8-sig"))))
    assert ranking and {r["乡镇(街道)"] for r in ranking} == {"新政镇"}
    assert_no_error(page)


def test_behind_a_trusted_proxy_the_header_names_the_user(browser: object, proxied_url: str) -> None:
    # The proxy's header reaches the WebSocket handshake (Chromium ≥ 151 applies extra headers to it).
    for name, expected in (("xz", "已登录：xz（乡镇）"), ("stranger", "账号 stranger 未获授权使用本系统")):
        ctx = browser.new_context(locale="zh-CN", extra_http_headers={"X-Remote-User": name})
        ctx.set_default_timeout(UI_TIMEOUT)
        try:
            page = ctx.new_page()
            page.goto(proxied_url + "/data")
            expect(page.locator("[data-testid=stApp]")).to_contain_text(expected)
            wait_idle(page)
            tables = page.locator("[data-testid=stMain] [data-testid=stDataFrame]")
            if name == "xz":
                expect(page.locator("[data-testid=stMain] [data-testid=stCaptionContainer]").first).to_contain_text(
                    "全县 › 新政镇"
                )
                expect(tables.first).to_be_visible()
            else:
                expect(tables).to_have_count(0)
        finally:
            ctx.close()
