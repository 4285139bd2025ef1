"""The benchmark scripts still run end to end and write a report with a number in every
measurement row (no timing is asserted: the machine is shared and noisy)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pages_fixtures import build_pages_db

ROOT = Path(__file__).resolve().parents[2]
NUMBER = re.compile(r"^\d[\d,]*(\.\d+)?(×| MiB.*)?$")


def _run(script: str, *args: str) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


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
        *("--out", str(tmp_path / "out"), "--report", str(report)),
    )
    md = report.read_text(encoding="utf-8")
    assert "<!-- etl:begin -->" in md and "## ETL" in md
    rows = {r[0]: r for r in _table(md, "measurement")}
    assert [k[:3] for k in rows] == ["(a)", "(b)", "(c)", "(d)", "(d'"]
    for name, cells in rows.items():
        assert all(NUMBER.match(c) for c in cells[1:5]), (name, cells)
    targets = {r[0]: r for r in _table(md, "target")}
    assert len(targets) == 4
    for name, cells in targets.items():
        assert re.match(r"^\d[\d,.]*(×| MiB)", cells[1]), (name, cells)
    stages = _table(md, "stage")
    assert stages and all(NUMBER.match(r[1]) and NUMBER.match(r[3]) for r in stages), stages


@pytest.mark.slow
def test_dashboard_bench_quick_reports_every_page(tmp_path: Path) -> None:
    db = build_pages_db(tmp_path / "pages.duckdb")
    report = tmp_path / "bench.md"
    _run("dashboard_bench.py", "--quick", "--db", str(db), "--out", str(tmp_path / "out"), "--report", str(report))
    md = report.read_text(encoding="utf-8")
    assert "<!-- dashboard:begin -->" in md and "## Dashboard" in md
    rows = {r[0]: r for r in _table(md, "page")}
    pages = {"dashboard.py", *(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))}
    assert set(rows) == pages
    for page, cells in rows.items():
        assert all(NUMBER.match(c) for c in cells[1:5]), (page, cells)
        assert cells[-1] in ("met", "**missed**", "error"), (page, cells)
