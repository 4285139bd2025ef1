"""A lower bound for the CSV load (docs/benchmarks.md): the bare `read_csv` → table of (a) against
the least a load does — every cell read as text, typed, the community names joined to a registry
of codes, and one mart sorted by month with each row's next report month — with no checks,
quarantine, upsert or flags. Fresh interpreter per run, 3 rounds interleaved; prints minima.

    .venv/bin/python bench/csv_floor.py [CSV]   (default: the etl bench's 1 M-row CSV, generated if absent)
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

KINDS = ("bare", "stage", "mart")
CHILD = len(sys.argv) > 2 and sys.argv[1] in KINDS
DEFAULT = Path(__file__).parent / "out" / "floor" / "monthly_1000000_20221102.csv"  # as the etl bench generates it
CSV = sys.argv[2] if CHILD else sys.argv[1] if len(sys.argv) > 1 else str(DEFAULT)
SCRATCH = Path(__file__).parent / "out"


def bare(db):
    t = time.perf_counter()
    con = duckdb.connect(db)
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [CSV])
    con.execute("CHECKPOINT")
    con.close()
    return time.perf_counter() - t


def minimal(db, marts):
    # setup (untimed): registry of names -> codes
    con = duckdb.connect(db)
    con.execute(
        """CREATE TABLE reg AS SELECT "乡镇(街道)" AS town, "村(社区)" AS name, row_number() OVER () AS code
                   FROM (SELECT DISTINCT "乡镇(街道)", "村(社区)" FROM read_csv(?, all_varchar=true))""",
        [CSV],
    )
    con.execute("CHECKPOINT")
    con.close()
    t = time.perf_counter()
    con = duckdb.connect(db)
    cols = [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM (DESCRIBE SELECT * FROM read_csv(?, all_varchar=true))", [CSV]
        ).fetchall()
    ]
    nums = cols[4:]
    typed = ", ".join(f'TRY_CAST(s."{c}" AS DOUBLE) AS "{c}"' for c in nums)
    con.execute(
        f"""CREATE TABLE stg AS SELECT r.code, CAST(strptime(s."报告月份", '%Y-%m') AS DATE) AS month,
        TRY_CAST(s."填报日期" AS DATE) AS reported_on, {typed}
        FROM read_csv(?, all_varchar=true) s JOIN reg r ON r.town = s."乡镇(街道)" AND r.name = s."村(社区)" """,  # noqa: S608 (the file's own header, quoted)
        [CSV],
    )
    t_stage = time.perf_counter() - t
    if marts:
        con.execute(
            "CREATE TABLE mart AS SELECT *, lead(month) OVER (PARTITION BY code ORDER BY month) AS next_month FROM stg ORDER BY month, code"
        )
    con.execute("CHECKPOINT")
    con.close()
    return time.perf_counter() - t, t_stage


if __name__ == "__main__":
    if CHILD:
        kind = sys.argv[1]
        db = str(SCRATCH / f"floor_{kind}.duckdb")
        for p in (db, db + ".wal"):
            if os.path.exists(p):
                os.unlink(p)
        r = bare(db) if kind == "bare" else minimal(db, kind == "mart")
        print(json.dumps(r))
        sys.exit()
    if not Path(CSV).exists():
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from bench.data import write_csv

        Path(CSV).parent.mkdir(parents=True, exist_ok=True)
        write_csv(Path(CSV), 1_000_000, 20221102)
    res = {"bare": [], "stage": [], "mart": []}
    for _ in range(3):
        for k in res:
            out = subprocess.run([sys.executable, __file__, k, CSV], capture_output=True, text=True, check=True).stdout
            res[k].append(json.loads(out))
    b = min(res["bare"])
    print("bare read_csv -> table  min", round(b, 3), res["bare"])
    for k in ("stage", "mart"):
        m = min(x[0] for x in res[k])
        print(f"{k}: min {m:.3f} s = {m / b:.2f}x bare", res[k])
