"""Time the dashboard's heaviest page queries from one source tree on one warehouse, for an
old-against-new comparison of a change (docs/benchmarks.md, "Carry rule and case list").

    git worktree add /tmp/old <commit>
    .venv/bin/python bench/query_ab.py /tmp/old  bench/out/dash_s50_replicate/warehouse.duckdb /tmp/old.pkl
    .venv/bin/python bench/query_ab.py .         bench/out/dash_s50_replicate/warehouse.duckdb /tmp/new.pkl
    .venv/bin/python bench/query_ab.py --compare /tmp/old.pkl /tmp/new.pkl

Each query function runs with Streamlit's cache cleared, best of --repeats (default 5); the
whole county, the warehouse's last 12 months. Prints one JSON line of milliseconds per query and
pickles the results, which --compare checks equal (`assert_frame_equal`, rtol 1e-12). Run the
two trees alternately, twice, on a quiet machine: a single pair on a shared 2-core machine moves
by tens of percent.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pickle
import sys
import time
from pathlib import Path


def measure(root: Path, db: Path, out: Path, repeats: int) -> dict[str, float]:
    """Milliseconds per query (best of `repeats`) of the tree at `root` on warehouse `db`; the
    results pickled to `out` as {name: DataFrame or value}."""
    os.environ["OVERSIGHT_DB"] = str(db)
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    sys.path.insert(0, str(root.resolve()))
    logging.disable(logging.WARNING)
    import streamlit as st

    from oversight.filters import Filters
    from oversight.queries import area, common, data, overview, party, profile, requests, volunteers

    months = common.months()
    f = Filters("zh", (), None, (), months[max(0, len(months) - 12)], months[-1])
    code = sorted(common.communities()["community_code"])[0]
    cases = {
        "requests.by_month": lambda: requests.by_month(f),
        "requests.by_community": lambda: requests.by_community(f),
        "requests.by_category_source": lambda: requests.by_category_source(f),
        "requests.days_counts": lambda: requests.days_counts(f),
        "requests.open_cases": lambda: requests.open_cases(f),
        "overview.ranking": lambda: overview.ranking(f, "resolution_rate"),
        "overview.kpis": lambda: overview.kpis(f),
        "party.coverage_by_unit": lambda: party.coverage_by_unit(f),
        "party.coverage_by_month": lambda: party.coverage_by_month(f),
        "area.per_households": lambda: area.per_households(f),
        "volunteers.by_unit": lambda: volunteers.by_unit(f),
        "profile.ranks": lambda: profile.ranks(f, code),
        "common.stock_sources": lambda: common.stock_sources(f),
        "data.count(request_case)": lambda: data.count("request_case", f),
    }
    results, times = {}, {}
    for name, fn in cases.items():
        best = float("inf")
        for _ in range(repeats):
            st.cache_data.clear()
            t = time.perf_counter()
            got = fn()
            best = min(best, time.perf_counter() - t)
        results[name], times[name] = got, round(best * 1000, 1)
    out.write_bytes(pickle.dumps(results))
    return times


def compare(old: Path, new: Path) -> dict[str, str]:
    """Per query of both files: "same", or "DIFF: …" with the first difference."""
    import pandas as pd

    a, b = pickle.loads(old.read_bytes()), pickle.loads(new.read_bytes())
    out = {}
    for name in a.keys() & b.keys():
        x, y = a[name], b[name]
        try:
            if isinstance(x, pd.DataFrame):
                pd.testing.assert_frame_equal(x.reset_index(drop=True), y.reset_index(drop=True), rtol=1e-12)
            elif x != y:
                raise AssertionError(f"{x!r} != {y!r}")
            out[name] = "same"
        except AssertionError as e:
            out[name] = f"DIFF: {str(e)[:300]}"
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"), help="compare two result files")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("args", nargs="*", help="ROOT DB OUT: the source tree, the warehouse, the results file")
    a = p.parse_args(argv)
    if a.compare:
        report = compare(*a.compare)
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0 if all(v == "same" for v in report.values()) else 1
    if len(a.args) != 3:
        p.error("give ROOT DB OUT, or --compare OLD NEW")
    root, db, out = (Path(x) for x in a.args)
    print(json.dumps(measure(root, db, out, a.repeats), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
