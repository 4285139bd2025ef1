"""The carry rule's cost (issue 16.1): per_unit, totals and the overview's kpis on a warehouse,
the median of 7 cold calls (Streamlit's cache cleared each time). Run it from a project tree
(this one, and a baseline tree such as `git archive <commit> | tar -x -C /tmp/old`) against the
same warehouse, alternating, and compare in the same run:

    OVERSIGHT_DB=/tmp/bench_sample/warehouse.duckdb python bench/carry_bench.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date

sys.path.insert(0, os.getcwd())

import streamlit as st  # noqa: E402

from oversight.filters import Filters  # noqa: E402
from oversight.queries import common, overview  # noqa: E402

F = Filters("zh", (), None, (), date(2025, 11, 1), date(2026, 10, 1))
NAMES = (
    "households",
    "service_center_m2",
    "m2_per_100_households",
    "volunteer_hours",
    "hours_per_volunteer",
    "resolution_rate",
)


def cold(fn: Callable[[], object], runs: int = 7) -> float:
    """Median seconds of `fn` with the query cache cleared before each call."""
    out = []
    for _ in range(runs):
        st.cache_data.clear()
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return statistics.median(out)


if __name__ == "__main__":
    print(
        os.path.basename(os.getcwd()),
        f"per_unit {cold(lambda: common.per_unit(F, NAMES, level='community')):.3f} s",
        f"totals {cold(lambda: common.totals(F, NAMES)):.3f} s",
        f"kpis {cold(lambda: overview.kpis(F)):.3f} s",
    )
