"""Time `read_file` on a 1,000,000-row x 22-column monthly CSV against bare DuckDB `read_csv` of the same file.

Run from the repo root: `.venv/bin/python tests/files/readers/bench_csv.py [/tmp/monthly_1m.csv] [runs]`.
The file (UTF-8 with BOM, CRLF, title and unit rows, as Excel's "CSV UTF-8") is generated once if missing.
Prints the best wall time and the CPU time (all threads) of each way, runs interleaved.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from core.contract import MONTHLY  # noqa: E402
from etl.readers import read_file  # noqa: E402


def generate(path: Path, rows: int = 1_000_000) -> None:
    """Write the benchmark file: 22 monthly columns, deterministic values."""
    rnd = random.Random(7)
    cols = [c for c in MONTHLY.columns if c.name != "reported_on"][:22]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        f.write("仪陇县社区治理月报表" + "," * (len(cols) - 1) + "\r\n")
        f.write(",".join(c.zh for c in cols) + "\r\n")
        f.write(",".join(c.unit if c.type in ("int", "float") else "" for c in cols) + "\r\n")
        for i in range(rows):
            row = [f"{2022 + i % 5}-{1 + i % 12:02d}", "新政镇", f"社区{i % 400}"]
            row += [str(rnd.randint(0, 5000)) for _ in cols[3:]]
            f.write(",".join(row) + "\r\n")


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/monthly_1m.csv")
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    if not path.exists():
        generate(path)
    bare = "SELECT * FROM read_csv(?, all_varchar = true, header = false)"

    def duckdb_arrow() -> int:
        with duckdb.connect() as con:
            return con.sql(bare, params=[str(path)]).to_arrow_table().num_rows

    def duckdb_df() -> int:
        with duckdb.connect() as con:
            return len(con.sql(bare, params=[str(path)]).df())

    def readers_read_file() -> int:
        result = read_file(path)
        assert result.error is None, result.error
        return len(result.sheets[0].frame)

    ways: list[Callable[[], int]] = [duckdb_arrow, duckdb_df, readers_read_file]
    times: dict[str, list[tuple[float, float]]] = {f.__name__: [] for f in ways}
    for _ in range(runs):
        for f in ways:
            wall, cpu = time.perf_counter(), time.process_time()
            n = f()
            times[f.__name__].append((time.perf_counter() - wall, time.process_time() - cpu))
            print(f"  {f.__name__}: {n:,} rows", file=sys.stderr)
    for name, t in times.items():
        print(f"{name:18s} wall {min(w for w, _ in t):6.2f}s   cpu {min(c for _, c in t):6.2f}s")


if __name__ == "__main__":
    main()
