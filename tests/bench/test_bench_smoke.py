"""The benchmark scripts still run end to end and write a report with a number in every
measurement row (no timing is asserted: the machine is shared and noisy)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.warehouse import refresh_marts
from tests.pages_fixtures import build_pages_db

ROOT = Path(__file__).resolve().parents[2]
NUMBER = re.compile(r"^\d[\d,]*(\.\d+)?(×| MiB.*)?$")


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    return proc


def _table(md: str, first_header: str) -> list[list[str]]:
    """Body rows of the markdown table whose first header cell is `first_header`."""
    lines = md.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


@pytest.mark.slow
def test_etl_bench_quick_reports_every_measurement(tmp_path: Path) -> None:
    report = tmp_path / "bench.md"
    _run(
        "etl_bench.py",
        "--quick",
        *("--rows", "20000", "--xlsx-rows", "300", "--naive-rows", "30", "--repeats", "1"),
        *("--sample", str(ROOT / "data" / "sample" / "2022" / "2022-01")),
        *("--out", str(tmp_path / "out"), "--report", str(report)),
    )
    md = report.read_text(encoding="utf-8")
    assert "<!-- etl:begin -->" in md and "## ETL" in md
    rows = {r[0]: r for r in _table(md, "measurement")}
    assert [k[:3] for k in rows] == ["(a)", "(a'", "(b)", "(c)", "(d)", "(d'", "(f)", "(g)", "(h1", "(h5"]
    for name, cells in rows.items():
        assert all(NUMBER.match(c) for c in cells[1:5]), (name, cells)
    targets = {r[0]: r for r in _table(md, "target")}
    assert len(targets) == 7
    for name, cells in targets.items():
        assert re.match(r"^\d[\d,.]*(×| MiB)", cells[1]), (name, cells)
    stages = _table(md, "stage")
    assert stages and all(NUMBER.match(r[1]) and NUMBER.match(r[3]) and NUMBER.match(r[5]) for r in stages), stages


def _one_late_community(db: Path) -> None:
    """One community's report of the last month removed (marts rebuilt): its stocks are then
    carried forward from the month before (core.settings.carry_months), so a pandas baseline that
    reads only the last month's rows no longer computes what the pages do."""
    with duckdb.connect(str(db)) as con:
        (last,) = con.execute("SELECT max(month) FROM stg_monthly").fetchone()
        (code,) = con.execute("SELECT min(community_code) FROM stg_monthly WHERE month = ?", [last]).fetchone()
        con.execute("DELETE FROM stg_monthly WHERE community_code = ? AND month = ?", [code, last])
        refresh_marts(con)
        con.execute("CHECKPOINT")


@pytest.mark.slow
def test_dashboard_bench_tiny_scale_reports_every_page(tmp_path: Path) -> None:
    """The whole harness at tiny scale: the page test warehouse (one community late with its last
    month) as ×1 and replicated ×2 (checked at exactly twice the rows), every page for county and
    township, the floor, the baselines — each computing what the warehouse computes."""
    db = build_pages_db(tmp_path / "pages.duckdb")
    _one_late_community(db)
    report = tmp_path / "bench.md"
    _run(
        "dashboard_bench.py",
        *("--quick", "--db", str(db), "--scales", "1,2"),
        *("--out", str(tmp_path / "out"), "--report", str(report)),
    )
    md = report.read_text(encoding="utf-8")
    assert "<!-- dashboard:begin -->" in md and "## Dashboard" in md
    rows = {r[0]: r for r in _table(md, "page")}
    pages = {"dashboard.py", *(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))}
    assert set(rows) == pages | {"(empty page: page_setup only)"}
    for page, cells in rows.items():
        assert all(NUMBER.match(c) for c in cells[1:9]), (page, cells)  # ×1 and ×2, county and town
        assert re.match(r"^-?\d+\.\d+$", cells[9]), (page, cells)  # against the floor: may be below it
        assert cells[-1] == "-", (page, cells)  # no page raised
    warehouses = {r[0]: r for r in _table(md, "warehouse")}
    assert warehouses["×2"][2] == str(2 * int(warehouses["×1"][2]))  # communities
    assert warehouses["×2"][9] == "checked: every view exactly ×k"
    baselines = _table(md, "aggregation (whole county, 12 months)")
    assert len(baselines) >= 8 and all(re.match(r"^\d+\.\d+×$", r[3]) for r in baselines)
    # pandas computed the same rows and values as the page's query function, at ×1 and at ×2
    assert all(r[6] == "yes" and r[12] == "yes" for r in baselines), [(r[0], r[6], r[12]) for r in baselines]


def test_the_query_comparison_times_every_query_and_finds_a_tree_equal_to_itself(
    sample_db: Path, tmp_path: Path
) -> None:
    import json

    out = tmp_path / "a.pkl"
    proc = _run("query_ab.py", str(ROOT), str(sample_db), str(out), "--repeats", "1")
    times = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(times) >= 10 and all(ms > 0 for ms in times.values())
    same = _run("query_ab.py", "--compare", str(out), str(out))
    assert set(json.loads(same.stdout).values()) == {"same"}, same.stdout
