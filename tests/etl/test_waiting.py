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
from tests.etl.test_cli import etl

ROOT = Path(__file__).resolve().parents[2]
HOLD = """
import sys, time
from etl.warehouse import writer
with writer(sys.argv[1], what="a test holding the warehouse"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@pytest.fixture
def held(tmp_path: Path):  # noqa: ANN201
    """A second process holding the warehouse's write lock for a few seconds."""
    db = tmp_path / "w.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(db), "2.5"], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "held"
    yield db, proc
    proc.wait(timeout=30)


def _report(tmp_path: Path) -> Path:
    f = tmp_path / "r.csv"
    f.write_text("报告月份,乡镇(街道),村(社区),户数\n2024-03,新政镇,东北社区,3000\n", encoding="utf-8")
    return f


def test_a_load_is_told_who_holds_the_warehouse_and_then_loads(held, tmp_path: Path) -> None:  # noqa: ANN001
    db, proc = held
    told: list[Waiting] = []
    start = time.monotonic()
    (result,) = load_paths([_report(tmp_path)], db=db, on_wait=told.append)
    assert result.status == "loaded" and time.monotonic() - start > 1
    assert told and {w.pid for w in told} == {proc.pid} and told[-1].waited > 1
    assert told[0].what == "a test holding the warehouse"
    assert f"进程 {proc.pid}" in told[-1].message() and "another load is running" in told[-1].message()


def test_the_cli_says_it_is_waiting(held, tmp_path: Path) -> None:  # noqa: ANN001
    db, proc = held
    run = etl("load", str(_report(tmp_path)), "--db", str(db))
    assert run.returncode == 0, run.stderr
    assert "另一个装载正在进行" in run.stderr and str(proc.pid) in run.stderr
