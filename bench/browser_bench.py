"""Speed a person feels (issue 16.8): each page in Debian's chromium, from navigation to idle,
on the sample county, against the real Streamlit server started as tests/browser/conftest.py does.

    .venv/bin/python bench/browser_bench.py [--db WAREHOUSE] [--repeats 2]

Two ways in: (1) one session clicking through every sidebar link, `--repeats` rounds (what a
person moving around feels; the issue's target is < 2 s); (2) a pasted link: each visit a fresh
browser context and Streamlit session. For (2), "cold" is the first visit of a page after the
server started (its queries fill the caches), "warm" the median of the next visits, each split
where the script finished (the app's data-test-script-state turns notRunning for good):
"server" = navigation → script finished (the frontend's scripts, the session, the script's run
and its messages), "render" = script finished → idle (tables and charts drawn, nothing running,
no skeleton left). Two floor pages (st.title only; a title, one plotly chart and one table), each on
its own server, are measured in the same run.
Also timed: an arena weight change (a fragment rerun) against the arena's full rerun (the
normalisation-method radio that follows it is in the same fragment, so a full rerun is forced
with the sidebar's language switch). Prints a table and writes the "browser" section of
docs/benchmarks.md. The warehouse is built from data/sample when --db is not given.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # also as `python bench/browser_bench.py`
    sys.path.insert(0, str(ROOT))

from bench._common import REPORT, machine, machine_md, md_table, text_table, write_section  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, _healthy  # noqa: E402

PAGES = [  # (name, path) — every page a signed-in official opens (tests/browser/test_e2e.py PAGES)
    ("overview", "/"),
    ("party", "/party"),
    ("area", "/area"),
    ("volunteers", "/volunteers"),
    ("requests", "/requests"),
    ("profile", "/profile"),
    ("arena", "/arena"),
    ("data", "/data"),
    ("quality", "/quality"),
    ("bulletin", "/bulletin"),
]
TARGET = 2.0  # s, navigation to idle (issue 16.8)
SETTLE = 300  # ms the app must stay idle to count as idle (tests/browser/test_e2e.py _IDLE_JS)

# Timestamps (performance.now(), ms since navigation) of the app's script-state changes.
_WATCH = """
window.__states = [];
new MutationObserver(() => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app) return;
  const s = app.getAttribute('data-test-script-state');
  const last = window.__states[window.__states.length - 1];
  if (!last || last[0] !== s) window.__states.push([s, performance.now()]);
}).observe(document, {subtree: true, attributes: true, childList: true});
"""
# Idle as in the browser tests; returns the moment idle began (ms since navigation) once it held.
_IDLE = f"""() => {{
  const app = document.querySelector('[data-testid=stApp]');
  const idle = app !== null
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('[data-testid=stStatusWidget]') === null
    && document.querySelector('[data-testid=stSkeleton]') === null
    && document.querySelector('[data-testid=stMain] h1') !== null;
  const now = performance.now();
  if (!idle) {{ window.__idleSince = null; return false; }}
  if (window.__idleSince == null) window.__idleSince = now;
  return now - window.__idleSince >= {SETTLE} ? window.__idleSince : false;
}}"""


def _build_sample(db: Path) -> None:
    from etl.load import load_paths

    load_paths([ROOT / "data" / "sample"], db=db)


# The floors: what any Streamlit page costs here (the frontend's scripts, the session, one title),
# and what a page with one plotly chart and one table costs (the frontend then also loads and
# compiles its plotly and data-grid bundles, 4.7 and 1.3 MB here, on every fresh visit).
FLOOR = 'import streamlit as st\n\nst.set_page_config(layout="wide")\nst.title("floor")\n'
CHART_FLOOR = FLOOR + (
    "import pandas as pd\nimport plotly.graph_objects as go\n\n"
    'df = pd.DataFrame({"month": [f"2025-{m:02d}" for m in range(1, 13)], "value": range(12)})\n'
    'st.plotly_chart(go.Figure(go.Bar(x=df["month"], y=df["value"])), key="chart")\n'
    "st.dataframe(df)\n"
)
FLOORS = {"floor (st.title only)": FLOOR, "floor (title, 1 chart, 1 table)": CHART_FLOOR}


def _server(db: Path, tmp: Path, script: str = "dashboard.py") -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = dict(os.environ, OVERSIGHT_DB=str(db), OVERSIGHT_SETTINGS=str(tmp / "arena_presets.json"))
    cmd = [str(Path(sys.executable).with_name("streamlit")), "run", script, "--server.headless", "true"]
    cmd += ["--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    log = (tmp / f"streamlit-{port}.log").open("w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while not _healthy(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"streamlit did not start:\n{(tmp / f'streamlit-{port}.log').read_text()[-2000:]}")
        time.sleep(0.3)
    return proc, url


def _idle(page: Any) -> float:
    """Wait for idle; the ms since navigation at which it began."""
    page.evaluate("window.__idleSince = null")
    return float(page.wait_for_function(_IDLE, timeout=120_000, polling=50).json_value())


def _context(browser: Any) -> Any:
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    ctx.add_init_script(_WATCH)
    return ctx


def _visit(browser: Any, url: str, ctx: Any = None) -> dict[str, float]:
    """One new Streamlit session opening `url` — in a fresh browser profile, or with `ctx` in a
    new tab of that profile (its HTTP cache warm: a returning user pasting a link): total,
    server and render seconds."""
    own = ctx is None
    ctx = _context(browser) if own else ctx
    page = ctx.new_page()
    try:
        page.goto(url)
        total = _idle(page)
        states = page.evaluate("window.__states")
        done = max((t for s, t in states if s == "notRunning"), default=total)
        return {"total": total / 1000, "server": done / 1000, "render": (total - done) / 1000}
    finally:
        page.close()
        if own:
            ctx.close()


def _rerun_times(browser: Any, url: str, repeats: int) -> dict[str, list[float]]:
    """In one arena session: seconds from a weight change to idle (fragment) and from a
    language switch to idle (the whole page)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    out: dict[str, list[float]] = {"weight": [], "full": []}
    try:
        page.goto(url + "/arena")
        _idle(page)
        box = page.locator("[data-testid=stMain] [data-testid=stNumberInput] input").first
        for i in range(repeats):
            t0 = page.evaluate("performance.now()")
            box.fill(str(20 + i))
            box.press("Enter")
            page.wait_for_timeout(50)
            out["weight"].append((_idle(page) - t0) / 1000)
            t0 = page.evaluate("performance.now()")
            label = "English" if i % 2 == 0 else "中文"
            page.locator("[data-testid=stSidebar] [data-testid=stRadio] label").filter(has_text=label).click()
            page.wait_for_timeout(50)
            out["full"].append((_idle(page) - t0) / 1000)
    finally:
        ctx.close()
    return out


def _sidebar_times(browser: Any, url: str, rounds: int) -> dict[str, list[float]]:
    """In one session (as a person moves around): seconds from a click on each sidebar link to
    idle, every page `rounds` times, by page path."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    out: dict[str, list[float]] = {}
    try:
        page.goto(url + "/")
        _idle(page)
        links = page.locator("[data-testid=stSidebar] [data-testid=stPageLink] a")
        n = links.count()
        for _ in range(rounds):
            for i in [*range(1, n), 0]:
                href = links.nth(i).get_attribute("href") or ""
                path = "/" if href.startswith("?") else "/" + href.split("?")[0].rsplit("/", 1)[-1]
                t0 = page.evaluate("performance.now()")
                links.nth(i).click()
                page.wait_for_url(lambda u, path=path: urlparse(u).path == path)
                out.setdefault(path, []).append((_idle(page) - t0) / 1000)
    finally:
        ctx.close()
    return out


def run(db: Path, repeats: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        floors = {}
        for i, (name, script) in enumerate(FLOORS.items()):
            (Path(tmp) / f"floor{i}.py").write_text(script, encoding="utf-8")
            floors[name] = _server(db, Path(tmp), str(Path(tmp) / f"floor{i}.py"))
        proc, url = _server(db, Path(tmp))
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
                links = {}
                returning = _context(browser)  # one profile whose cache every page's scripts fill
                for name, (_, floor_url) in floors.items():
                    floor = [_visit(browser, floor_url) for _ in range(repeats + 1)]
                    _visit(browser, floor_url, returning)
                    tab = [_visit(browser, floor_url, returning) for _ in range(repeats)]
                    links[name] = {"cold": floor[0], "warm": floor[1:], "tab": tab}
                for name, path in PAGES:
                    visits = [_visit(browser, url + path) for _ in range(repeats + 1)]
                    _visit(browser, url + path, returning)
                    tab = [_visit(browser, url + path, returning) for _ in range(repeats)]
                    links[name] = {"cold": visits[0], "warm": visits[1:], "tab": tab}
                    w = [v["total"] for v in visits[1:]]
                    print(
                        f"{name:<11} link: cold {visits[0]['total']:.2f} s, warm {statistics.median(w):.2f} s",
                        flush=True,
                    )
                returning.close()
                sidebar = _sidebar_times(browser, url, repeats)
                print({k: _med(v) for k, v in sidebar.items()}, flush=True)
                reruns = _rerun_times(browser, url, repeats)
                browser.close()
        finally:
            for p in (proc, *(p for p, _ in floors.values())):
                p.terminate()
                p.wait(timeout=15)
    return {"links": links, "sidebar": sidebar, "reruns": reruns}


def _med(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f}"


def _span(xs: list[float]) -> str:
    return f"{min(xs):.2f}–{max(xs):.2f}"


def report(res: dict[str, Any], info: dict[str, str], command: str) -> tuple[str, str]:
    header = ["page", "sidebar click → idle s (median)", "range s", "< 2 s"]
    header += ["link, fresh profile s: cold", "warm", "warm server", "warm render", "link, new tab s", "< 2 s"]
    rows = []
    paths = dict(PAGES)
    for name, r in res["links"].items():
        nav = res["sidebar"].get(paths.get(name, ""), [])
        ok = "—" if not nav else ("yes" if statistics.median(nav) < TARGET else "**no**")
        warm = r["warm"]
        rows.append(
            [
                name,
                _med(nav) if nav else "—",
                _span(nav) if nav else "—",
                ok,
                f"{r['cold']['total']:.2f}",
                _med([v["total"] for v in warm]),
                _med([v["server"] for v in warm]),
                _med([v["render"] for v in warm]),
                _med([v["total"] for v in r["tab"]]),
                "—"
                if name in FLOORS
                else "yes"
                if statistics.median(v["total"] for v in r["tab"]) < TARGET
                else "**no**",
            ]
        )
    for path, nav in res["sidebar"].items():  # pages only some users see (upload, admin): the frame's floor
        if path not in paths.values():
            rows.append([path.strip("/"), _med(nav), _span(nav), "—", "", "", "", "", "", ""])
    w, full = res["reruns"]["weight"], res["reruns"]["full"]
    rerun = (
        f"Arena, one session: a weight change to idle {_med(w)} s ({_span(w)}; the weights' fragment reruns), "
        f"a whole-page rerun (language switch) {_med(full)} s ({_span(full)}); "
        f"ratio {statistics.median(w) / statistics.median(full):.2f}."
    )
    md = "\n\n".join(
        [
            "## Browser: navigation to idle (issue 16.8)",
            f"Written by `bench/browser_bench.py`. Command: `{command}`. Debian's chromium (1400×900, headless) "
            "against `streamlit run dashboard.py` on the sample county. Idle = connected, script not running, no "
            f"status widget or skeleton, held for {SETTLE} ms (not counted). **Sidebar click → idle**: one session "
            "moving through every sidebar link (what a person feels; the target is < 2 s). **Link, fresh "
            "profile**: a pasted URL in a new browser profile (downloads and parses Streamlit's scripts again); "
            "**link, new tab**: the same URL in a new tab of a browser that has opened the dashboard before (a "
            "new Streamlit session; the scripts come from its cache but are compiled again); "
            "cold = the page's first visit after the server started; server = navigation → the script's run "
            "finished, render = that → idle. The floor rows are a page holding only st.title and one holding a "
            "title, one plotly bar chart and one 12-row st.dataframe, each on its own server, measured in the same "
            "run: what Streamlit and plotly cost on a fresh visit before any of this product's work.",
            machine_md(info),
            md_table(header, rows),
            rerun,
        ]
    )
    return text_table(header, rows) + "\n" + rerun, md


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, help="warehouse to serve (default: data/sample loaded into a temporary one)")
    ap.add_argument("--repeats", type=int, default=2, help="warm visits per page, rounds of the sidebar")
    ap.add_argument("--report", type=Path, default=REPORT)
    args = ap.parse_args(argv)
    info = machine()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "warehouse.duckdb"
            _build_sample(db)
        res = run(db, args.repeats)
    command = "python bench/browser_bench.py " + " ".join(argv if argv is not None else sys.argv[1:])
    text, md = report(res, info, command.strip())
    print(text)
    write_section(args.report, "browser", md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
