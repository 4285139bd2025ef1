"""Limits before expansion (issue 11.2): a workbook that unpacks to hundreds of megabytes, a
CSV 10,000 columns wide, a 200,000-character cell, a sheet wider than 500 columns — each is
refused with a clear reason, by a real `python -m etl load` whose peak memory stays bounded,
and the good file of the same command still loads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from core.settings import Limits, limits

ROOT = Path(__file__).resolve().parents[2]
MAX_RSS_MIB = 400  # python + duckdb + pandas imported is ~150 MiB; expanding any of these files is far more


def _zip_bomb(path: Path, unpacked_mb: int) -> Path:
    """A real .xlsx (xlsxwriter) whose first sheet's XML is padded to `unpacked_mb` with
    whitespace: a few hundred kB on disk."""
    with xlsxwriter.Workbook(path) as wb:
        wb.add_worksheet("月报").write_row(0, 0, ["报告月份", "村(社区)", "户数"])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("xl/media/padding.xml", "w") as f:
            chunk = b" " * (1 << 20)
            for _ in range(unpacked_mb):
                f.write(chunk)
    return path


def _files(tmp_path: Path) -> dict[str, Path]:
    d = tmp_path / "in"
    d.mkdir()
    good = d / "good.csv"
    good.write_text("报告月份,乡镇(街道),村(社区),户数\n2024-03,新政镇,东北社区,3000\n", encoding="utf-8")
    wide = d / "wide.csv"
    wide.write_text(",".join(f"列{i}" for i in range(10_000)) + "\n" + ",".join("1" * 10_000) + "\n", encoding="utf-8")
    cell = d / "long_cell.csv"
    cell.write_text("报告月份,村(社区),户数\n2024-03,东北社区," + "9" * 200_000 + "\n", encoding="utf-8")
    with xlsxwriter.Workbook(d / "wide.xlsx") as wb:
        wb.add_worksheet().write_row(0, 0, [f"列{i}" for i in range(600)])
    _zip_bomb(d / "bomb.xlsx", unpacked_mb=limits().unpacked_bytes // 2**20 + 20)
    return {p.name: p for p in d.iterdir()}


def test_over_limit_files_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    files = _files(tmp_path)
    assert files["bomb.xlsx"].stat().st_size < 2 * 2**20
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("OVERSIGHT_DB", None)
    # A wrapper process whose only child is the load, so its children's peak RSS is the load's.
    measure = (
        "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)"
    )
    cmd = [sys.executable, "-m", "etl", "load", str(tmp_path / "in"), "--db", str(tmp_path / "w.duckdb"), "--json"]
    run = subprocess.run([sys.executable, "-c", measure, *cmd], capture_output=True, text=True, env=env, timeout=300)
    peak_mib = int(run.stderr.strip().splitlines()[-1]) / 1024
    assert run.returncode == 1, run.stderr
    results = {Path(f["path"]).name: f for f in json.loads(run.stdout)["files"]}
    assert results["good.csv"]["status"] == "loaded"
    assert "解压后" in results["bomb.xlsx"]["message"] and "over the limit of 200 MB" in results["bomb.xlsx"]["message"]
    assert "10,000 列" in results["wide.csv"]["message"]
    assert "600 列" in results["wide.xlsx"]["message"]
    assert "单元格最多 32,767 个字符" in results["long_cell.csv"]["message"]
    assert all(results[n]["status"] == "rejected" for n in ("bomb.xlsx", "wide.csv", "wide.xlsx", "long_cell.csv"))
    assert peak_mib < MAX_RSS_MIB, f"peak RSS {peak_mib:.0f} MiB"


def test_limits_come_from_one_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    assert limits() == Limits()
    monkeypatch.setenv("OVERSIGHT_MAX_COLUMNS", "50")
    monkeypatch.setenv("OVERSIGHT_MAX_UNPACKED_MB", "5")
    assert (limits().columns, limits().unpacked_bytes) == (50, 5 * 2**20)
    monkeypatch.setenv("OVERSIGHT_MAX_ROWS", "not a number")
    assert limits().rows == Limits().rows
