"""Loading while the dashboard is open: a separate process keeps querying the warehouse through
the dashboard's query layer while `python -m etl load` writes to the same file. Neither side
may fail, the reader sees the old data until the load is done and the new data after it,
without being restarted."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from core.contract import MONTHLY
from tests.conftest import build_tiny

ROOT = Path(__file__).resolve().parents[2]
NEW_M2 = 2500.0  # 东北社区's service-centre area in the new report (1,800 in the tiny warehouse)

READER = textwrap.dedent(
    """
    import json, sys, time, traceback
    from pathlib import Path
    from oversight.db import query

    stop = Path(sys.argv[1])
    sql = '''SELECT COUNT(*) AS n, SUM(service_center_m2) FILTER (WHERE community_name = '东北社区'
             AND month = DATE '2024-03-01') AS m2 FROM community_month'''
    cached = True
    while not stop.exists():
        started = time.time()
        try:  # alternately through the cache (keyed by the file's version) and straight from the file
            row = query(sql, cached=cached).iloc[0]
            out = {"t0": started, "t1": time.time(), "n": int(row["n"]), "m2": float(row["m2"]), "cached": cached}
        except Exception:
            out = {"t0": started, "error": traceback.format_exc()}
        print(json.dumps(out), flush=True)
        cached = not cached
        time.sleep(0.005)
    """
)


def _write_report(path: Path) -> int:
    """A township-style monthly CSV: every registered community × 2023-01..2024-12 (8,352 rows,
    enough that the load takes a while), 东北社区 with a new service-centre area."""
    reg = pd.read_csv(ROOT / "data" / "reference" / "communities.csv", dtype=str)
    rows = []
    for month in pd.period_range("2023-01", "2024-12", freq="M"):
        reported = (month.end_time + pd.Timedelta(days=5)).date().isoformat()
        for town, name in zip(reg["town_name"], reg["community_name"], strict=True):
            m2 = NEW_M2 if name == "东北社区" else 500
            rows.append(
                [str(month), town, name, reported, 1000, 3000, 50, 4, 3, 5, 5, 10, m2, 10, 40, 100, 3]
                + [20, 19, 18, 17, 19, 1]
            )
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.zh for c in MONTHLY.columns])
        writer.writerows(rows)
    return len(rows)


@pytest.mark.slow
def test_reader_process_keeps_working_through_a_load(tmp_path: Path) -> None:
    db = build_tiny(tmp_path / "warehouse.duckdb")
    report = tmp_path / "reports" / "全县_2023-2024.csv"
    report.parent.mkdir()
    n_new = _write_report(report)
    stop = tmp_path / "stop"
    env = {**os.environ, "OVERSIGHT_DB": str(db), "PYTHONPATH": str(ROOT)}

    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(stop)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    collector = threading.Thread(target=lambda: lines.extend(reader.stdout), daemon=True)
    collector.start()
    try:
        deadline = time.time() + 60
        while len(lines) < 20 and time.time() < deadline and reader.poll() is None:
            time.sleep(0.1)  # until the reader is up and has read the old warehouse a few times
        load_start = time.time()
        load = subprocess.run(
            [sys.executable, "-m", "etl", "load", str(report), "--db", str(db)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        load_end = time.time()
        time.sleep(2)  # let the same reader process query the new file
    finally:
        stop.touch()
        reader.wait(timeout=60)
        collector.join(timeout=10)
        err = reader.stderr.read()

    assert load.returncode == 0, load.stdout + load.stderr
    assert reader.returncode == 0, err
    seen = [json.loads(line) for line in lines]
    errors = [s["error"] for s in seen if "error" in s]
    assert not errors, errors[0]

    old, new = (12, 1800.0), (n_new, NEW_M2)  # the tiny rows (2024-01..03) are replaced, not added
    states = [(s["n"], s["m2"]) for s in seen]
    assert set(states) <= {old, new}, "the reader saw a half-loaded warehouse"
    before = [st for s, st in zip(seen, states, strict=True) if s["t1"] < load_start]
    after = [st for s, st in zip(seen, states, strict=True) if s["t0"] > load_end]
    during = [st for s, st in zip(seen, states, strict=True) if s["t0"] >= load_start and s["t1"] <= load_end]
    assert before and set(before) == {old}
    assert after and set(after) == {new}, "the reader did not pick up the new load without a restart"
    assert during, "the reader did not query while the load was running"
    opened = [s["t1"] - s["t0"] for s in seen if not s["cached"]]
    print(
        f"reader queries: {len(before)} before, {len(during)} during, {len(after)} after the load; "
        f"uncached query median {sorted(opened)[len(opened) // 2] * 1000:.1f} ms"
    )
    first_new = states.index(new)
    assert all(st == new for st in states[first_new:]), "old data came back after the swap"
