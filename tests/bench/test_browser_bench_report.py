"""bench/browser_bench.py's report, on made-up timings (the real run needs chromium and minutes):
a page over 2 s is marked, the floor and the pages only some users see are not judged."""

from __future__ import annotations

from bench.browser_bench import PAGES, report


def test_report_marks_pages_over_two_seconds() -> None:
    visit = {"total": 3.0, "server": 2.0, "render": 1.0}
    quick = {"total": 1.5, "server": 1.0, "render": 0.5}
    links = {"floor (st.title only)": {"cold": visit, "warm": [visit, visit], "tab": [visit]}}
    links |= {name: {"cold": visit, "warm": [visit, visit], "tab": [quick]} for name, _ in PAGES}
    links["requests"]["tab"] = [visit, visit]
    sidebar = {path: [0.5, 0.7] for _, path in PAGES} | {"/arena": [2.1, 2.3], "/upload": [0.4, 0.6]}
    text, md = report({"links": links, "sidebar": sidebar, "reruns": {"weight": [1.0], "full": [2.0]}}, {}, "cmd")
    rows = {line.split(" | ")[0].strip("| "): line for line in md.splitlines() if line.startswith("| ")}
    assert "**no**" in rows["arena"] and "2.20" in rows["arena"]
    assert "| yes |" in rows["data"] and "0.60" in rows["data"]
    assert "**no**" not in rows["floor (st.title only)"] and "yes" not in rows["upload"]
    assert "ratio 0.50" in md and "arena" in text
    assert rows["requests"].rstrip(" |").endswith("3.00 | **no**")  # a pasted link in a new tab: 3 s
    assert rows["data"].rstrip(" |").endswith("1.50 | yes")
