"""Waiting is visible (issue 11.6): while another process holds the warehouse, a load says so —
who holds it and for how long — instead of sitting silent, then loads when it is free."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl.load import load_paths
from etl.warehouse import Waiting

ROOT = Path(__file__).resolve().parents[2]
HOLD = """
import sys, time
from pathlib import Path
from etl.warehouse import writer
release = Path(sys.argv[2])
with writer(sys.argv[1], what="a test holding the warehouse"):
    print("held", flush=True)
    deadline = time.monotonic() + 60
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
"""


@pytest.fixture
def held(tmp_path: Path):  # noqa: ANN201
    """A second process holding the warehouse's write lock until the test touches the release
    file (at most 60 s): a fixed hold raced the CLI's start-up on a busy machine."""
    db, release = tmp_path / "w.duckdb", tmp_path / "release"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-c", HOLD, str(db), str(release)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "held"
    yield db, proc, release
    release.touch()
    proc.wait(timeout=30)


def _report(tmp_path: Path) -> Path:
    f = tmp_path / "r.csv"
    f.write_text("报告月份,乡镇(街道),村(社区),户数\n2024-03,新政镇,东北社区,3000\n", encoding="utf-8")
    return f


def test_a_load_is_told_who_holds_the_warehouse_and_then_loads(held, tmp_path: Path) -> None:  # noqa: ANN001
    db, proc, release = held
    told: list[Waiting] = []

    def on_wait(w: Waiting) -> None:
        told.append(w)
        if w.waited > 1.2:  # told more than once: let the holder go
            release.touch()

    start = time.monotonic()
    (result,) = load_paths([_report(tmp_path)], db=db, on_wait=on_wait)
    assert result.status == "loaded" and time.monotonic() - start > 1
    assert told and {w.pid for w in told} == {proc.pid} and told[-1].waited > 1
    assert told[0].what == "a test holding the warehouse"
    assert f"进程 {proc.pid}" in told[-1].message() and "another load is running" in told[-1].message()


def test_the_cli_says_it_is_waiting(held, tmp_path: Path) -> None:  # noqa: ANN001
    db, proc, release = held
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "160"}
    env.pop("OVERSIGHT_DB", None)
    cli = subprocess.Popen(
        [sys.executable, "-m", "etl", "load", str(_report(tmp_path)), "--db", str(db)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = cli.stderr.readline()  # blocks until the CLI, however slow to start, says something
    release.touch()
    out, rest = cli.communicate(timeout=120)
    assert cli.returncode == 0, first + rest
    assert "另一个装载正在进行" in first + rest and str(proc.pid) in first + rest
