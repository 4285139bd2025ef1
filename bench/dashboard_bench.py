"""Dashboard speed at ×1, ×10 and ×50: every page through AppTest, cold and warm, for the whole
county and for one township, against an empty page's rerun (the floor); each page's heaviest
aggregation against pandas on frames in memory; the ETL on the sample county against a bare
read-and-append of the same files.

    .venv/bin/python bench/dashboard_bench.py                  # ×1, ×10, ×50 → docs/benchmarks.md
    .venv/bin/python bench/dashboard_bench.py --scales 1,10    # fewer scales
    .venv/bin/python bench/dashboard_bench.py --quick --db X --scales 1,2   # smoke run on warehouse X

×1 is the sample county generated and loaded by the real ETL into bench/out/ (reused while the
generator, the contract, the schema and the reference data are unchanged; `--rebuild`). ×k copies
×1's loaded rows k − 1 times under distinct codes and names (see `_replicate`) and checks every
public view at exactly k × its rows (`verify_replication`). Each warehouse's pages run in a fresh
interpreter: first every page once (imports), then per page, scope and run: caches cleared and the
held warehouse connection dropped, a new AppTest, `run()` (cold), `run()` again (warm). Every call
of `oversight.db._run` is timed and attributed to the query function that made it.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import inspect
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._common import (  # noqa: E402
    OUT,
    REPORT,
    child_result,
    code_fingerprint,
    fmt_s,
    machine,
    machine_md,
    md_table,
    peak_rss_mb,
    run_child,
    text_table,
    write_section,
)

PAGES = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]
TARGET_COLD_S = 1.5  # per page, whole county, at the largest scale (issue 13)
TARGET_WARM_S = 0.3
PROFILE_OVER_S = 0.3  # warm reruns above this get a sampling profile
DEFAULT_SCALES = "1,10,50"
DEFAULT_REPEATS = 3
TOWN = "511324101000"  # 新政镇
TIMEOUT_S = 600


# --------------------------------------------------------------------------- warehouses


def _fingerprint(scale: int, mode: str) -> str:
    """What the warehouse's contents depend on: the generator, the contract, the schema, the reference data."""
    h = hashlib.sha256(f"{scale}|{mode}".encode())
    files = [*(ROOT / "sample").glob("*.py"), ROOT / "core" / "contract.py", *(ROOT / "etl" / "sql").glob("**/*.sql")]
    files += (ROOT / "data" / "reference").glob("*.csv")
    for p in sorted(files):
        h.update(p.relative_to(ROOT).as_posix().encode() + p.read_bytes())
    if mode == "replicate":  # how the copies are made
        h.update(inspect.getsource(_replicate).encode())
    return h.hexdigest()[:16]


def _merged_registry(files: Path, folder: Path) -> Path:
    """data/reference plus the generator's registry extension for the synthetic counties."""
    from sample import REFERENCE, REGISTRY_DIR

    folder.mkdir(parents=True, exist_ok=True)
    for ref in REFERENCE.glob("*.csv"):
        text = ref.read_text(encoding="utf-8")
        ext = files / REGISTRY_DIR / ref.name
        if ext.exists():
            extra = ext.read_text(encoding="utf-8").splitlines()[1:]
            text = text.rstrip("\n") + "\n" + "\n".join(extra) + "\n"
        (folder / ref.name).write_text(text, encoding="utf-8")
    return folder


def _child_build(scale: int, folder: str, mode: str, base: str = "") -> dict[str, Any]:
    """Generate and load the sample at `scale` (mode "generate"), or replicate the scale-1
    warehouse's rows under the generator's scale-`scale` registry (mode "replicate")."""
    import etl.warehouse as warehouse
    from etl.load import load_paths
    from sample import REGISTRY_DIR, generate

    work = Path(folder)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = work / "warehouse.duckdb"
    out: dict[str, Any] = {"scale": scale, "mode": mode}
    if mode == "replicate":
        return {**out, **_replicate(scale, work, db, Path(base))}
    t = time.perf_counter()
    manifest = generate(work / "files", scale=scale)
    out["generate_s"] = time.perf_counter() - t
    out["files"] = len(manifest["files"])
    os.environ.pop("OVERSIGHT_REGISTRY_EXTRA", None)
    if scale > 1 and hasattr(warehouse, "reference_dirs"):
        os.environ["OVERSIGHT_REGISTRY_EXTRA"] = str(work / "files" / REGISTRY_DIR)
    elif scale > 1:  # older ETL without registry extensions
        warehouse.REFERENCE = _merged_registry(work / "files", work / "registry")
    t = time.perf_counter()
    results = load_paths([work / "files"], db=db)
    out["load_s"] = time.perf_counter() - t
    out["statuses"] = {s: sum(r.status == s for r in results) for s in {r.status for r in results}}
    out["rows_loaded"] = sum(r.rows_loaded for r in results)
    out["rows_quarantined"] = sum(r.rows_quarantined for r in results)
    return out


def _replicate(scale: int, work: Path, db: Path, base_db: Path) -> dict[str, Any]:
    """The scale-1 warehouse `base_db` with its loaded rows copied `scale` − 1 times under the
    generator's synthetic counties (community codes 90000k + the real code's last six digits,
    names 东北1社区 …, case ids `R…-k`), registry rows added alike with their name forms (so a
    load into the copy matches the synthetic names, not quarantines them), and the corrections
    of those rows; then the marts rebuilt. Loads and quarantine are not copied (they describe
    loads, not communities)."""
    import duckdb

    from etl import normalize
    from etl.warehouse import refresh_marts
    from sample import load_registry, registry_rows

    t = time.perf_counter()
    shutil.copyfile(base_db, db)
    towns, units = load_registry(scale)
    trows, crows = registry_rows(towns, units)
    with duckdb.connect(str(db)) as con:
        con.executemany("INSERT INTO ref_town VALUES (?, ?, ?)", [list(r.values()) for r in trows])
        con.executemany(
            "INSERT INTO ref_community VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [r["community_code"], r["community_name"], r["town_code"], r["community_type"], r["group_name"],
                 r["urban"] == "true", True, r["aliases"]]
                for r in crows
            ],
        )  # fmt: skip
        if hasattr(normalize, "store_name_forms"):  # the registry's name forms (ref_community_form)
            normalize.store_name_forms(con)
        for table in ("stg_monthly", "stg_roster", "stg_project", "stg_activity", "stg_request", "etl_correction"):
            cols = [c[0] for c in con.execute(f"DESCRIBE {table}").fetchall()]
            for k in range(1, scale):
                exprs = [
                    f"'{900000 + k:06d}' || substr(community_code, 7)"
                    if c == "community_code"
                    else f"case_id || '-{k}'"
                    if c == "case_id"
                    else c
                    for c in cols
                ]
                con.execute(
                    f"INSERT INTO {table} SELECT {', '.join(exprs)} FROM {table} "  # noqa: S608 (our identifiers)
                    "WHERE community_code LIKE '511324%'"
                )
        refresh_marts(con)
        con.execute("CHECKPOINT")
    return {"replicate_s": time.perf_counter() - t, "verified": verify_replication(base_db, db, scale)}


def verify_replication(base_db: Path, db: Path, scale: int) -> dict[str, list[int]]:
    """Rows of every public view (etl.export.PUBLIC_VIEWS, but load_log and quarantine) in
    `base_db` and in `db`: {view: [base rows, rows]}. AssertionError unless each is exactly `scale` ×."""
    import duckdb

    from etl.export import PUBLIC_VIEWS

    out = {}
    for v in PUBLIC_VIEWS:
        if v.name in ("load_log", "quarantine"):
            continue
        n = []
        for path in (base_db, db):
            with duckdb.connect(str(path), read_only=True) as con:
                n.append(con.execute(f"SELECT count(*) FROM {v.name}").fetchall()[0][0])  # noqa: S608 (allow-list)
        assert n[1] == scale * n[0], (v.name, n, scale)
        out[v.name] = n
    return out


def warehouse_for(
    scale: int, mode: str, out: Path, rebuild: bool, reuse_any: bool = False, base: str = ""
) -> dict[str, Any]:
    """The built warehouse for `scale` (reused when its fingerprint matches, or any with `reuse_any`)."""
    folder = out / f"dash_s{scale}_{mode}"
    stamp = folder / "stamp.json"
    fp = _fingerprint(scale, mode)
    if not rebuild and stamp.exists() and (folder / "warehouse.duckdb").exists():
        info = json.loads(stamp.read_text(encoding="utf-8"))
        if info.get("fingerprint") == fp or reuse_any:
            # the folder's own file: a stamp written from another checkout names that checkout's path
            db = str(folder / "warehouse.duckdb")
            # brought up to this version (etl.warehouse.upgrade; nothing written when current):
            # the dashboard refuses a warehouse an older version wrote, so its pages would time a refusal
            upgraded = run_child(Path(__file__), ["upgrade", db], timeout=3600).get("upgraded")
            info = {**info, "db": db, "reused": True, "stale": info.get("fingerprint") != fp}
            return {**info, **({"upgraded": upgraded} if upgraded else {})}
    print(f"building the scale-{scale} warehouse ({mode}) …", flush=True)
    t = time.perf_counter()
    info = run_child(Path(__file__), ["build", str(scale), str(folder), mode, base], timeout=4 * 3600)
    info.update(fingerprint=fp, build_s=time.perf_counter() - t, db=str(folder / "warehouse.duckdb"))
    stamp.write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    return {**info, "reused": False}


# --------------------------------------------------------------------------- pages


def _caller() -> str:
    """The query function (oversight/queries/*, frame, db helpers) that issued the current query."""
    f = sys._getframe(2)
    while f is not None:
        name = f.f_code.co_filename
        if "/oversight/" in name and not name.endswith("/oversight/db.py"):
            return f"{Path(name).stem}.{f.f_code.co_name}"
        f = f.f_back
    return "?"


class Sampler(threading.Thread):
    """A small sampling profiler for the script thread AppTest runs pages in (cProfile only sees
    the calling thread): every few ms, the stacks of all other Python threads, counted per function."""

    def __init__(self, interval: float = 0.004) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.inclusive: collections.Counter[str] = collections.Counter()
        self.leaf: collections.Counter[str] = collections.Counter()
        self.samples = 0
        self._stop_event = threading.Event()

    @staticmethod
    def _label(code: Any) -> str:
        path = Path(code.co_filename)
        try:
            shown = path.relative_to(ROOT).as_posix()
        except ValueError:
            parts = path.parts
            shown = "/".join(parts[parts.index("site-packages") + 1 :]) if "site-packages" in parts else path.name
        return f"{shown}:{code.co_name}"

    def run(self) -> None:
        skip = {threading.main_thread().ident, threading.get_ident()}
        while not self._stop_event.is_set():
            for tid, frame in sys._current_frames().items():
                if tid in skip:
                    continue
                seen: set[str] = set()
                f, leaf = frame, True
                while f is not None:
                    key = self._label(f.f_code)
                    if leaf:
                        self.leaf[key] += 1
                        leaf = False
                    if key not in seen:
                        self.inclusive[key] += 1
                        seen.add(key)
                    f = f.f_back
            self.samples += 1
            time.sleep(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def summary(self, seconds: float, top: int = 12) -> str:
        """Project functions by inclusive time, then the hottest leaf functions anywhere."""
        per = seconds / max(1, self.samples)
        ours = [
            (k, n) for k, n in self.inclusive.most_common() if k.startswith(("dashboard.py", "pages/", "oversight/"))
        ]
        lines = [f"{self.samples} samples over {seconds:.2f} s of warm reruns", "inclusive (project code):"]
        lines += [f"  {n * per:7.3f} s {100 * n / max(1, self.samples):5.1f}%  {k}" for k, n in ours[:top]]
        lines.append("self (leaf, anywhere):")
        lines += [
            f"  {n * per:7.3f} s {100 * n / max(1, self.samples):5.1f}%  {k}" for k, n in self.leaf.most_common(8)
        ]
        return "\n".join(lines)


FLOOR = "(empty page: page_setup only)"
# The floor of every aggregation: the cheapest query through oversight.db.query (cache cleared).
FLOOR_SQL = "SELECT month FROM quality_flag LIMIT 1"
TARGET_PANDAS_RATIO = 3.0  # issue 13: the warehouse path ≥ 3× faster than pandas on frames in memory


def _floor_page() -> Path:
    """A page that only calls page_setup (sidebar, filters, header): its rerun is the floor no
    page can go below."""
    path = Path(tempfile.mkdtemp(prefix="bench-floor-")) / "floor_page.py"
    path.write_text('from oversight import frame\n\nframe.page_setup("data")\n', encoding="utf-8")
    return path


def _child_pages(db: str, repeats: int, profile_over: float, town: str = "") -> dict[str, Any]:
    """Run every page (and the floor page) cold and warm `repeats` times over `db`, for the whole
    county and (if `town` is given) for that township (`?town=` in the URL); per-query timings
    of the cold runs; peak RSS of the process."""
    settings = Path(tempfile.mkdtemp(prefix="bench-settings-")) / "arena_presets.json"
    os.environ["OVERSIGHT_DB"] = db
    os.environ["OVERSIGHT_SETTINGS"] = str(settings)
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # bare-mode warnings on every cache clear
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    import oversight.db as odb

    calls: list[tuple[str, str, float]] = []
    original = odb._run

    def timed_run(*a: Any, **k: Any) -> Any:
        t = time.perf_counter()
        try:
            return original(*a, **k)
        finally:
            sql = " ".join(str(a[1] if len(a) > 1 else k.get("sql", "")).split())
            calls.append((_caller(), sql[:90], time.perf_counter() - t))

    odb._run = timed_run

    def cold_start() -> None:
        st.cache_data.clear()
        st.cache_resource.clear()
        for forget in ("_forget",):  # a held warehouse connection keeps DuckDB's buffers warm
            if hasattr(odb, forget):
                getattr(odb, forget)(db)

    def run(at: AppTest) -> tuple[float, list[str]]:
        t = time.perf_counter()
        at.run()
        return time.perf_counter() - t, [str(e.value)[:300] for e in at.exception]

    floor = _floor_page()
    pages = [*PAGES, floor]
    for page in pages:  # imports and Streamlit's own first-run setup, not measured
        AppTest.from_file(str(page), default_timeout=TIMEOUT_S).run()
    scopes = {"county": {}, **({"town": {"town": town}} if town else {})}
    results: dict[str, Any] = {}
    for page in pages:
        name = FLOOR if page == floor else page.relative_to(ROOT).as_posix()
        for scope, params in scopes.items():
            r: dict[str, Any] = {"cold": [], "warm": [], "errors": [], "queries": []}
            for _ in range(repeats):
                cold_start()
                at = AppTest.from_file(str(page), default_timeout=TIMEOUT_S)
                for k, v in params.items():
                    at.query_params[k] = v
                calls.clear()
                sec, errors = run(at)
                r["cold"].append(sec)
                r["queries"] = sorted(calls, key=lambda c: -c[2])
                r["errors"] += errors
                calls.clear()
                sec, errors = run(at)
                r["warm"].append(sec)
                r["warm_queries"] = len(calls)
                r["errors"] += errors
            if scope == "county" and statistics.median(r["warm"]) >= profile_over and not r["errors"]:
                sampler = Sampler()
                sampler.start()
                t = time.perf_counter()
                for _ in range(3):
                    at.run()
                sampler.stop()
                r["profile"] = sampler.summary(time.perf_counter() - t)
            r["errors"] = sorted(set(r["errors"]))
            results.setdefault(name, {})[scope] = r
            print(
                f"  {name} {scope}: cold {min(r['cold']):.2f} s, warm {min(r['warm']):.2f} s",
                file=sys.stderr,
                flush=True,
            )
    return {"pages": results, "peak_rss_mb": peak_rss_mb()}


def _child_bare(folder: str) -> dict[str, Any]:
    """The floor for the ETL: every report file under `folder` read as text cells (calamine for
    workbooks, the csv module for CSV, GBK where UTF-8 fails) and appended to one DuckDB table,
    no header recognition, typing, checks or keys."""
    import csv
    import io

    import duckdb
    import pandas as pd
    from python_calamine import CalamineWorkbook

    files = sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() in (".xlsx", ".xls", ".csv"))
    db = Path(tempfile.mkdtemp(prefix="bench-bare-")) / "bare.duckdb"
    t = time.perf_counter()
    rows = 0
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE raw (file VARCHAR, sheet VARCHAR, r INTEGER, cells VARCHAR[])")
        for path in files:
            if path.suffix.lower() == ".csv":
                data = path.read_bytes()
                try:
                    text = data.decode("utf-8-sig")
                except UnicodeDecodeError:
                    text = data.decode("gbk", errors="replace")
                sheets = {"csv": list(csv.reader(io.StringIO(text)))}
            else:
                wb = CalamineWorkbook.from_path(str(path))
                sheets = {n: wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names}
            for sheet, cells in sheets.items():
                frame = pd.DataFrame(  # noqa: F841 (read by the SQL below)
                    {
                        "file": path.name,
                        "sheet": sheet,
                        "r": range(len(cells)),
                        "cells": [[None if c == "" else str(c) for c in row] for row in cells],
                    }
                )
                con.execute("INSERT INTO raw SELECT * FROM frame")
                rows += len(cells)
        con.execute("CHECKPOINT")
    return {"files": len(files), "rows": rows, "bare_s": time.perf_counter() - t}


def same_result(warehouse: Any, pandas: Any, keys: tuple[str, ...] = (), ordered: bool = False) -> str:
    """Whether pandas' result equals the warehouse's: "yes", else "NO: " and the first difference.
    Frames: every column of `warehouse` must be in `pandas` (by name), rows aligned by `keys`
    (sorted on both sides) or, with `ordered`, compared in the order given; numbers within rtol
    1e-9 (numpy.isclose, atol 0), missing equal to missing; dates and text as text. Anything
    else (a count) compared with ==."""
    import datetime

    import numpy as np
    import pandas as pd

    if not isinstance(warehouse, pd.DataFrame):
        return "yes" if warehouse == pandas else f"NO: warehouse {warehouse!r}, pandas {pandas!r}"
    missing = [c for c in warehouse.columns if c not in pandas.columns]
    if missing:
        return f"NO: pandas lacks {missing}"
    if len(warehouse) != len(pandas):
        return f"NO: {len(warehouse)} rows, pandas {len(pandas)}"
    w, p = warehouse.reset_index(drop=True), pandas[list(warehouse.columns)].reset_index(drop=True)
    if not ordered and keys:
        w, p = (x.sort_values(list(keys), kind="stable").reset_index(drop=True) for x in (w, p))

    def text(s: pd.Series) -> pd.Series:
        given = s.dropna()
        if pd.api.types.is_datetime64_any_dtype(s) or (len(given) and isinstance(given.iloc[0], datetime.date)):
            s = pd.to_datetime(s).dt.strftime("%Y-%m-%d")  # a month as datetime64 or as a date
        return s.astype(object).map(lambda v: None if pd.isna(v) else str(v))

    def number(s: pd.Series) -> np.ndarray | None:
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            return s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        return None

    for col in w.columns:
        a, b = number(w[col]), number(p[col])
        if a is not None and b is not None:
            bad = ~np.isclose(a, b, rtol=1e-9, atol=0.0, equal_nan=True)
        else:
            ta, tb = text(w[col]), text(p[col])
            bad = ~((ta == tb) | (ta.isna() & tb.isna())).to_numpy()
        if bad.any():
            i = int(np.argmax(bad))
            at = ", ".join(f"{k}={w.at[i, k]}" for k in keys) or f"row {i}"
            return f"NO: {col} at {at}: warehouse {w.at[i, col]!r}, pandas {p.at[i, col]!r}"
    return "yes"


# Runs of each aggregation, the best kept: on a shared 2-core machine three runs moved a ratio by
# up to 1.3 between two bench runs minutes apart (overview.ranking 2.88× and 1.62×).
BASELINE_REPEATS = 7


def _child_baselines(db: str, repeats: int = BASELINE_REPEATS) -> dict[str, Any]:
    """Each page's heaviest aggregation two ways over the whole county's last 12 months: the
    page's query function on the warehouse (Streamlit's cache cleared before each call, so the
    query really runs), and pandas computing the same result — the same rows and values: flows
    summed, stocks per the carry rule (each community's latest report at most
    core.settings.carry_months() old, as oversight.queries.common.range_rows flags it), ratios
    sum/sum, the page's ranks, flags and order — on frames already in memory (community_month,
    request_case and the community registry read once, not timed). Best of `repeats`, seconds;
    after timing each pair's results are compared (`same_result`)."""
    os.environ["OVERSIGHT_DB"] = db
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    import numpy as np
    import pandas as pd
    import streamlit as st

    from core.metrics import cases_of, is_stock, metric
    from core.months import add_months, next_month
    from core.settings import carry_months, min_cases
    from oversight.db import query
    from oversight.filters import Filters
    from oversight.queries import area, common, data, overview, party, profile, requests, volunteers

    months = common.months()
    f = Filters("zh", (), None, (), months[max(0, len(months) - 12)], months[-1])
    end = pd.Timestamp(next_month(f.month_to))
    cm = query("SELECT * FROM community_month", cached=False)
    rc = query("SELECT received_on, resolved_on, category, source FROM request_case", cached=False)
    reg = query("SELECT community_code, community_name, town_code, town_name FROM community", cached=False)
    cm["month"] = pd.to_datetime(cm["month"])
    rc["received_on"], rc["resolved_on"] = pd.to_datetime(rc["received_on"]), pd.to_datetime(rc["resolved_on"])
    lo, last = pd.Timestamp(f.month_from), pd.Timestamp(f.month_to)
    counts = list(requests.COUNTS)
    code = str(cm["community_code"].iloc[0])

    def parts(names: tuple[str, ...]) -> list[str]:
        return list(dict.fromkeys(c for n in names for c in metric(n).columns))

    def range_rows(first: pd.Timestamp, cols: list[str], stocks: bool = True) -> pd.DataFrame:
        """common.range_rows: the rows from min(first, carry_from) to the last month, flagged
        in_range, at_end (latest report per community, not before carry_from), reporter."""
        carry_from = pd.Timestamp(add_months(last.date(), -carry_months()))
        keep = ["community_code", "town_code", "month", *cols]
        r = cm.loc[(cm["month"] >= min(first, carry_from)) & (cm["month"] <= last), keep]
        r["in_range"] = r["month"] >= first
        if stocks:
            latest = r.groupby("community_code")["month"].transform("max")
            r["at_end"] = (r["month"] >= carry_from) & (r["month"] == latest)
            r["reporter"] = latest >= first
        return r

    def range_metrics(r: pd.DataFrame, by: str, names: tuple[str, ...]) -> pd.DataFrame:
        """core.metrics.sql(over="range") per `by`: flows over in_range rows, stocks over at_end
        rows (and reporter where a ratio mixes a flow and a stock), ratios sum/sum."""

        def key(m: Any, c: str) -> tuple[str, bool]:  # a stock in a ratio with a flow is read apart
            return c, is_stock(c) and len({is_stock(x) for x in m.columns}) > 1

        cols = {}
        for m in map(metric, names):
            for c in m.columns:
                k = key(m, c)
                mask = r["at_end"] & r["reporter"] if k[1] else r["at_end"] if is_stock(c) else r["in_range"]
                cols[k] = r[c].where(mask)
        g = pd.concat(cols, axis=1).groupby(r[by]).sum(min_count=1).astype(float)
        out = pd.DataFrame(index=g.index)
        for m in map(metric, names):
            if m.agg == "sum":
                out[m.name] = g[key(m, m.column)]
            else:
                den = g[key(m, m.denominator)]
                out[m.name] = g[key(m, m.numerator)] * m.scale / den.where(den != 0)
        return out

    def units(level: str) -> pd.DataFrame:
        if level == "town":
            u = reg.drop_duplicates("town_code")[["town_code", "town_name"]]
            return u.assign(unit_code=u["town_code"], unit_name=u["town_name"]).set_index("unit_code")
        u = reg.rename(columns={"community_name": "unit_name"})
        return u.assign(unit_code=u["community_code"]).set_index("unit_code")[["unit_name", "town_code", "town_name"]]

    def per_unit(names: tuple[str, ...], level: str) -> pd.DataFrame:
        """common.per_unit over the range for the whole county, by township or community."""
        stocks = any(is_stock(c) for c in parts(names))
        by = "town_code" if level == "town" else "community_code"
        r = range_rows(lo, parts(names), stocks)
        out = range_metrics(r, by, names)
        if not stocks:  # flows alone: only units with a report in the range (per_unit's HAVING)
            out = out[r.groupby(by)["in_range"].any()]
        named = units(level)[["unit_name", "town_code", "town_name"]].join(out, how="inner")
        return named.rename_axis("unit_code").sort_index().reset_index()

    def pd_requests_by_month() -> object:
        g = (
            cm.loc[(cm["month"] >= lo) & (cm["month"] <= last)]
            .groupby("month")[counts]
            .sum(min_count=1)
            .astype("Float64")
        )
        for n in requests.RATES:
            m = metric(n)
            g[n] = (g[m.numerator] * m.scale / g[m.denominator].where(g[m.denominator] != 0)).astype(float)
        flow = g["requests_received"] - g["requests_resolved"]
        g["backlog"] = flow.cumsum().where(flow.notna())
        # open at the end of month M: received by then, not resolved by then (+1 at the opening month, −1 at the closing)
        c = rc[(rc["received_on"] < end) & (rc["resolved_on"].isna() | (rc["resolved_on"] >= lo))]
        opened = c["received_on"].to_numpy().astype("datetime64[M]")
        closed = c["resolved_on"].to_numpy().astype("datetime64[M]")
        later = closed > opened  # NaT compares False
        plus = np.sort(opened[np.isnat(closed) | later])
        minus = np.sort(closed[later])
        at = g.index.to_numpy().astype("datetime64[M]")
        opens = np.searchsorted(plus, at, "right") - np.searchsorted(minus, at, "right")
        g["open_cases"] = pd.array(opens, dtype="Int64") if len(rc) else pd.NA
        return g.reset_index()

    def pd_by_community() -> object:
        df = per_unit((*counts, *requests.RATES), "community")
        for col, name in requests.FLAGS.items():
            m = metric(name)
            v = df[name].astype("Float64")
            df[col] = (v < m.line) if m.higher_is_better else (v > m.line)
        flagged = df["below_resolution"].fillna(False) | df["below_satisfaction"].fillna(False)
        order = df.assign(_any=flagged).sort_values(
            ["_any", "resolution_rate"], ascending=[False, True], kind="stable", na_position="last"
        )
        return order.drop(columns="_any").reset_index(drop=True)

    def pd_ranking() -> object:
        sort_by = "resolution_rate"
        names = tuple(dict.fromkeys(c for n in overview.KPI_METRICS for c in (n, cases_of(n)) if c))
        r = range_rows(last, parts(names))
        vals = range_metrics(r, "town_code", names)
        df = units("town")[["unit_name"]].join(vals, how="left").rename_axis("unit_code").reset_index()
        best = metric(sort_by).higher_is_better
        df = df.sort_values([sort_by, "unit_code"], ascending=[not best, True], na_position="last", kind="stable")
        value = df[sort_by].where(df[cases_of(sort_by)] >= min_cases())
        ranks = value.rank(method="min", ascending=not best).astype("Int64")
        df.insert(0, "rank", ranks)
        df.insert(1, "tied", ranks.notna() & ranks.duplicated(keep=False))
        return df.reset_index(drop=True)

    def pd_party() -> object:
        return per_unit(("neighborhoods", "neighborhoods_with_party_org", "party_org_coverage"), "town")

    def pd_area() -> object:
        return per_unit(("service_center_m2", "households", "service_platforms", "m2_per_100_households"), "town")

    def pd_volunteers() -> object:
        cols = ["volunteer_hours", "volunteer_activities"]
        g = cm.loc[(cm["month"] >= lo) & (cm["month"] <= last)].groupby(["month", "town_code"])[cols].sum(min_count=1)
        g = g.reset_index()
        return g.assign(unit_code=g["town_code"], unit_name=g["town_code"].map(units("town")["town_name"]))

    def pd_profile() -> object:
        u = per_unit(profile.KEY_METRICS, "community")
        me = u[u["unit_code"] == code].iloc[0]
        town = u["town_code"] == me["town_code"]
        rows = []
        for name in profile.KEY_METRICS:  # seven metrics, each over every community at once
            m, v, mine = metric(name), u[name], me[name]
            better = v > mine if m.higher_is_better else v < mine
            worse = v < mine if m.higher_is_better else v > mine
            row = {"metric": name, "value": None if pd.isna(mine) else float(mine), "target": m.target}
            row |= {"higher_is_better": m.higher_is_better}
            for scope, inside in (("town", town), ("county", True)):
                row[f"{scope}_rank"] = None if pd.isna(mine) else 1 + int((better & inside).sum())
                row[f"{scope}_n"] = int((v.notna() & inside).sum())
                row[f"{scope}_beats"] = None if pd.isna(mine) else int((worse & inside).sum())
            rows.append(row)
        out = pd.DataFrame(rows)
        for col in ("town_rank", "county_rank", "town_beats", "county_beats"):
            out[col] = out[col].astype("Int64")
        return out

    def pd_data_count() -> object:
        return int(((rc["received_on"] >= lo) & (rc["received_on"] < end)).sum())

    def pd_categories() -> object:
        r = rc[(rc["received_on"] >= lo) & (rc["received_on"] < end)]
        g = r.groupby(["category", "source"], dropna=False)
        return g.agg(cases=("received_on", "size"), resolved=("resolved_on", "count")).reset_index()

    # name: (warehouse, pandas, keys the rows are aligned by, whether their order is compared too)
    cases = {
        "诉求 requests.by_month (+ open cases)": (lambda: requests.by_month(f), pd_requests_by_month, ("month",), True),
        "诉求 requests.by_community": (lambda: requests.by_community(f), pd_by_community, ("unit_code",), True),
        "诉求 requests.by_category_source": (
            lambda: requests.by_category_source(f), pd_categories, ("category", "source"), False,
        ),
        "总览 overview.ranking": (lambda: overview.ranking(f, "resolution_rate"), pd_ranking, ("unit_code",), True),
        "党组织 party.coverage_by_unit": (lambda: party.coverage_by_unit(f), pd_party, ("unit_code",), True),
        "阵地 area.per_households": (lambda: area.per_households(f), pd_area, ("unit_code",), True),
        "志愿 volunteers.hours_by_month": (
            lambda: volunteers.hours_by_month(f), pd_volunteers, ("month", "unit_code"), False,
        ),
        "社区档案 profile.ranks": (lambda: profile.ranks(f, code), pd_profile, ("metric",), True),
        "数据 data.count(request_case)": (lambda: data.count("request_case", f), pd_data_count, (), False),
    }  # fmt: skip
    floor = []  # the cheapest statement through the same path: one row of a 300-row table
    for _ in range(10 * repeats):
        st.cache_data.clear()
        t = time.perf_counter()
        query(FLOOR_SQL)
        floor.append(time.perf_counter() - t)
    out = {}
    for name, (warehouse, pandas_fn, keys, ordered) in cases.items():
        w, pdt = [], []
        for _ in range(repeats):
            st.cache_data.clear()
            t = time.perf_counter()
            got = warehouse()
            w.append(time.perf_counter() - t)
            t = time.perf_counter()
            mine = pandas_fn()
            pdt.append(time.perf_counter() - t)
        try:
            same = same_result(got, mine, keys, ordered)
        except Exception as e:  # a comparison that cannot be made is a difference, not a crash
            same = f"NO: {type(e).__name__}: {e}"
        out[name] = {"warehouse_s": min(w), "pandas_s": min(pdt), "same": same}
    return {"baselines": out, "floor_s": min(floor), "months": [str(f.month_from), str(f.month_to)]}


def child_main(argv: list[str]) -> None:
    kind, *args = argv
    if kind == "build":
        scale, folder, mode, base = args
        child_result(_child_build(int(scale), folder, mode, base))
    elif kind == "baselines":
        (db,) = args
        child_result(_child_baselines(db))
    elif kind == "bare":
        (folder,) = args
        child_result(_child_bare(folder))
    elif kind == "upgrade":
        import etl.warehouse as warehouse

        (db,) = args
        child_result({"upgraded": warehouse.upgrade(db)})
    else:
        db, repeats, profile_over, town = args
        child_result(_child_pages(db, int(repeats), float(profile_over), town))


# --------------------------------------------------------------------------- report


def _counts(db: str) -> dict[str, int]:
    import duckdb

    with duckdb.connect(db, read_only=True) as con:
        out = {}
        for t in ("ref_community", "stg_monthly", "stg_roster", "stg_project", "stg_activity", "stg_request"):
            out[t] = con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]  # noqa: S608
    out["MB"] = round(Path(db).stat().st_size / 1e6)
    return out


def _med(xs: list[float]) -> str:
    return fmt_s(statistics.median(xs))


def report(res: dict[str, Any]) -> tuple[str, str]:
    """(plain-text summary, markdown section) of a run."""
    args, labels = res["args"], res["labels"]
    scopes = ["county", "town"]
    header = ["page", *[f"{lab} {s} {p}" for lab in labels for s in scopes for p in ("cold", "warm")]]
    header += [f"{labels[-1]} county warm − floor", f"{labels[-1]} county warm SQL statements", "exceptions"]
    rows, errors, slow = [], [], []
    first = res["runs"][labels[0]]["pages"]
    for page in first:
        row = [page]
        for lab in labels:
            for scope in scopes:
                r = res["runs"][lab]["pages"][page].get(scope)
                row += [_med(r["cold"]), _med(r["warm"])] if r else ["-", "-"]
                if r and r["errors"]:
                    errors.append(f"- {lab} {scope} `{page}`: " + "; ".join(r["errors"]))
        big = res["runs"][labels[-1]]["pages"]
        warm = statistics.median(big[page]["county"]["warm"])
        row.append(fmt_s(warm - statistics.median(big[FLOOR]["county"]["warm"])))
        row.append(str(big[page]["county"].get("warm_queries", "-")))  # cache misses on the rerun
        raised = [lab for lab in labels if any(r["errors"] for r in res["runs"][lab]["pages"][page].values())]
        row.append(", ".join(raised) or "-")
        rows.append(row)
        cold = statistics.median(big[page]["county"]["cold"])
        if page != FLOOR and (cold >= TARGET_COLD_S or warm >= TARGET_WARM_S):
            slow.append((page, cold, warm, big[page]["county"]))
    wh_header = ["warehouse", "how", "communities", "monthly rows", "roster", "projects", "activities", "requests"]
    wh_header += ["MB", "public views ×k", "pages peak RSS MiB"]
    wh_rows = []
    for lab in labels:
        w = res["warehouses"][lab]
        c = w["counts"]
        ok = "checked: every view exactly ×k" if w.get("verified") else "-"
        wh_rows.append(
            [lab, w["how"], c["ref_community"], c["stg_monthly"], c["stg_roster"], c["stg_project"],
             c["stg_activity"], c["stg_request"], c["MB"], ok, f"{res['runs'][lab]['peak_rss_mb']:.0f}"]
        )  # fmt: skip
    base_header = ["aggregation (whole county, 12 months)"]
    parts = ("warehouse s", "pandas s", "pandas ÷ warehouse", "warehouse − floor s", "pandas ÷ 3 above floor")
    parts += ("same result",)
    base_header += [f"{lab} {p}" for lab in labels for p in parts]
    base_rows, differs = [], []
    for name in res["baselines"][labels[0]]["baselines"]:
        row = [name]
        for lab in labels:
            b, floor = res["baselines"][lab]["baselines"][name], res["baselines"][lab].get("floor_s", 0.0)
            need = b["pandas_s"] / TARGET_PANDAS_RATIO  # the time the target allows
            row += [fmt_s(b["warehouse_s"]), fmt_s(b["pandas_s"]), f"{b['pandas_s'] / b['warehouse_s']:.2f}×"]
            row += [fmt_s(b["warehouse_s"] - floor), "yes" if need > floor else f"**no** ({fmt_s(need)} s)"]
            same = b.get("same", "-").replace("|", "/")
            row.append(same if same in ("yes", "-") else f"**{same}**")
            if same.startswith("NO"):
                differs.append(f"{lab} {name}: {same}")
        base_rows.append(row)
    floors = ", ".join(f"{lab} {fmt_s(res['baselines'][lab].get('floor_s', 0.0))} s" for lab in labels)
    last = res["baselines"][labels[-1]]["baselines"]
    short = [
        f"{name} ({b['pandas_s'] / b['warehouse_s']:.2f}×)"
        for name, b in last.items()
        if b["pandas_s"] / b["warehouse_s"] < TARGET_PANDAS_RATIO
    ]
    text = "\n\n".join(text_table(h, r) for h, r in ((header, rows), (wh_header, wh_rows), (base_header, base_rows)))
    cmd = ".venv/bin/python bench/dashboard_bench.py" + (" --quick" if args["quick"] else "")
    cmd += f" --scales {args['scales']}" if args["scales"] != DEFAULT_SCALES else ""
    cmd += f" --repeats {args['repeats']}" if args["repeats"] != (1 if args["quick"] else DEFAULT_REPEATS) else ""
    md = [
        "## Dashboard",
        "",
        f"Command: `{cmd}` (this run: {res['elapsed'] / 60:.0f} min including warehouse builds;"
        " `make bench` runs it with the ETL bench).",
        "",
        "Machine (read during the run):",
        "",
        machine_md(res["info"]),
        "",
        "Warehouses. ×1 is the sample county loaded by the real ETL; ×k copies its loaded rows k − 1 times"
        " under the generator's synthetic counties (`sample.load_registry(k)`: community codes 90000k + the"
        " real code's last six digits, names 东北1社区 …, case ids `R…-k`) with their registry rows;"
        " `verify_replication` checks every public view but load_log and quarantine (which describe loads,"
        " not communities) at exactly k × its ×1 rows:",
        "",
        md_table(wh_header, wh_rows),
        "",
        *res["notes"],
        "",
        f"Each page script through `streamlit.testing.v1.AppTest`, one interpreter per warehouse, {args['repeats']}"
        " runs, medians in seconds of server-side script time. *cold*: `st.cache_data.clear()`,"
        " `st.cache_resource.clear()`, the held warehouse connection dropped, a new AppTest, `run()`; *warm*:"
        f" `run()` again (the rerun a click causes). *county*: the whole county; *town*: `?town={args['town']}`"
        f" (one township). `{FLOOR}` is a page that only calls `page_setup()`: its rerun is the floor"
        " (sidebar, filters, header) under every page. *warm SQL statements*: the statements the last warm"
        " rerun sent to the warehouse (0: every query came from the cache, so what a warm rerun costs is"
        " the page's Python and Streamlit, not SQL).",
        "",
        md_table(header, rows),
        "",
        f"Targets at {labels[-1]}, whole county: cold < {TARGET_COLD_S:g} s, warm < {TARGET_WARM_S:g} s — "
        + (
            "met by every page."
            if not slow
            else "**not met** by " + ", ".join(f"`{p}` ({fmt_s(c)} / {fmt_s(w)} s)" for p, c, w, _ in slow) + "."
        ),
        "",
        "Each page's heaviest aggregation: the page's query function on the warehouse (cache cleared, best of"
        f" {BASELINE_REPEATS}) against pandas computing the same result on frames already in memory (`community_month`,"
        " `request_case` and the `community` registry read once, not timed): the same rows and values —"
        " flows summed, stocks per the carry rule (each community's latest report at most"
        " `core.settings.carry_months()` old, as `common.range_rows` flags it), ratios sum/sum, the page's"
        " ranks, flags and order — with groupby/merge, no loop over rows. *same result*: after timing, each"
        " pandas result compared with the warehouse's (rows aligned by their keys, numbers within rtol 1e-9;"
        f" `same_result`), *NO* with the first difference. Target: pandas ÷ warehouse ≥ {TARGET_PANDAS_RATIO:g}. The floor"
        f" under every one of them is the cheapest query through the same path (`{FLOOR_SQL}` by"
        f" `oversight.db.query`, cache cleared, best of 10 × repeats): {floors}. Where pandas ÷"
        f" {TARGET_PANDAS_RATIO:g} is not above the floor (*no*, with the time the target allows), no SQL can"
        " meet the target for that aggregation: the cost of asking is already more.",
        "",
        md_table(base_header, base_rows),
        "",
        f"Target at {labels[-1]}: pandas ÷ warehouse ≥ {TARGET_PANDAS_RATIO:g} — "
        + (
            "met by every aggregation."
            if not short
            else f"**not met** by {len(short)} of {len(base_rows)}: " + ", ".join(short) + "."
        ),
    ]
    if differs:
        md += ["", "**pandas did not compute what the warehouse did** (no ratio above is a baseline for these):", ""]
        md += [f"- {d}" for d in differs]
    if "etl" in res:
        e = res["etl"]
        md += [
            "",
            f"ETL on the sample county ({e['files']} files, {e['rows']:,} raw rows): `load_paths` {fmt_s(e['load_s'])} s"
            f" (from the ×1 build) against a bare read-and-append of the same files {fmt_s(e['bare_s'])} s"
            f" (calamine / csv → one DuckDB table of text cells): **{e['load_s'] / e['bare_s']:.1f}×** (target ≤ 2×).",
        ]
    if errors:
        md += ["", "Exceptions raised by pages during the runs:", "", *errors]
    for page, cold, warm, r in slow:
        md += ["", f"- `{page}` at {labels[-1]} (cold {fmt_s(cold)} s, warm {fmt_s(warm)} s): slowest queries", ""]
        md += [f"  - {fmt_s(sec)} s `{fn}`: `{sql}…`" for fn, sql, sec in r["queries"][:4]]
        if "profile" in r:
            md += ["", "  ```", *("  " + line for line in r["profile"].strip().splitlines()), "  ```"]
    return text, "\n".join(md)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        child_main(argv[1:])
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="one run per page")
    p.add_argument("--repeats", type=int, help=f"runs per page (default {DEFAULT_REPEATS}; quick 1)")
    p.add_argument("--scales", default=DEFAULT_SCALES, help=f"comma-separated scales (default {DEFAULT_SCALES})")
    p.add_argument("--town", default=TOWN, help=f"the township of the one-township runs (default {TOWN}, 新政镇)")
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--report", type=Path, help="markdown report (default docs/benchmarks.md; quick: bench/out/…)")
    p.add_argument("--rebuild", action="store_true", help="rebuild the warehouses even if unchanged")
    p.add_argument("--db", type=Path, help="use this warehouse as ×1 instead of loading the sample (smoke tests)")
    args = p.parse_args(argv)
    args.repeats = args.repeats or (1 if args.quick else DEFAULT_REPEATS)
    args.report = args.report or (args.out / "benchmarks-quick.md" if args.quick else REPORT)
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    before = code_fingerprint()
    res: dict[str, Any] = {"info": machine(), "args": vars(args), "labels": [], "runs": {}, "warehouses": {}}
    res |= {"notes": [], "baselines": {}}
    base = ""
    for scale in (int(x) for x in args.scales.split(",")):
        label = f"×{scale}"
        if scale == 1 and args.db:
            w = {"db": str(args.db.resolve()), "how": f"`{args.db.name}` (--db)"}
        elif scale == 1:
            w = warehouse_for(1, "generate", args.out, args.rebuild)
            w["how"] = "`generate(scale=1)` + `load_paths`"
            res["notes"].append(
                f"- ×1: {w['files']} files loaded in {w['load_s']:.0f} s" + (" (reused)." if w.get("reused") else ".")
            )
        else:
            if args.db:  # the given warehouse's copies live beside the run's output
                w = run_child(Path(__file__), ["build", str(scale), str(args.out / f"s{scale}"), "replicate", base])
                w["db"] = str(args.out / f"s{scale}" / "warehouse.duckdb")
            else:
                # the copies are made from the ×1 warehouse, also when ×1 is not among the scales run
                base = base or warehouse_for(1, "generate", args.out, args.rebuild)["db"]
                w = warehouse_for(scale, "replicate", args.out, args.rebuild, base=base)
            w["how"] = f"×1 rows ×{scale}"
            res["notes"].append(f"- {label}: replicated in {w['replicate_s']:.0f} s.")
        base = base or w["db"]
        w["counts"] = _counts(w["db"])
        res["warehouses"][label] = w
        res["labels"].append(label)
        print(f"pages on {label} …", flush=True)
        res["runs"][label] = run_child(
            Path(__file__), ["pages", w["db"], str(args.repeats), str(PROFILE_OVER_S), args.town],
            timeout=4 * 3600, show_stderr=True,
        )  # fmt: skip
        print(f"baselines on {label} …", flush=True)
        res["baselines"][label] = run_child(Path(__file__), ["baselines", w["db"]], timeout=3600)
        for name, b in res["baselines"][label]["baselines"].items():
            if b["same"] != "yes":
                print(
                    f"\n!!! {label} {name}: pandas and the warehouse differ — {b['same']}\n",
                    file=sys.stderr,
                    flush=True,
                )
    w1 = res["warehouses"].get("×1", {})  # --scales without 1: no ETL comparison
    if "load_s" in w1:
        files = Path(w1["db"]).parent / "files"
        res["etl"] = {**run_child(Path(__file__), ["bare", str(files)], timeout=3600), "load_s": w1["load_s"]}
    res["elapsed"] = time.perf_counter() - t0
    if code_fingerprint() != before:
        res["notes"].append("- Note: the code under test was edited by someone else during this run.")
    text, md = report(res)
    print(text)
    write_section(args.report, "dashboard", md)
    (args.out / "dashboard_bench.json").write_text(json.dumps(res, ensure_ascii=False, default=str, indent=1))
    print(f"\nreport: {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
