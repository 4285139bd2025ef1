"""ETL speed: the report ETL against bare DuckDB, against the naive pandas + row-by-row path, on
the sample county's 531 small files against a bare read-and-append of the same files, and one
township's new file loaded into a ×1 and a ×50 warehouse.

    .venv/bin/python bench/etl_bench.py            # 1,000,000-row CSV, 10,000-row xlsx → docs/benchmarks.md
    .venv/bin/python bench/etl_bench.py --quick    # 100,000-row CSV, smoke run → bench/out/benchmarks-quick.md

Every measurement runs in a fresh interpreter (no warm caches, its own memory high-water
mark), repeated and interleaved with its baseline so that drift on a busy machine hits both.
Inputs are generated deterministically into bench/out/ (see bench/data.py for the keys).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._common import (  # noqa: E402
    OUT,
    REPORT,
    Sample,
    child_result,
    code_fingerprint,
    fmt_s,
    machine,
    machine_md,
    md_table,
    run_child,
    text_table,
    write_section,
)

TODAY = date(2026, 12, 31)  # load date: every generated month and date is before it
TARGET_RATIO_CSV = 2.0  # (b) / (a) at most
TARGET_RATIO_XLSX = 50.0  # (d) / (c) at least
TARGET_RSS_MB = 1536.0  # (e) below 1.5 GB
TARGET_RATIO_SCALE = 1.5  # (h) one file into ×50 / the same file into ×1, at most
SCALE = 50  # (h) the big warehouse: the ×1 one's rows replicated (bench.dashboard_bench._replicate)
# (h) the new file: one township's latest workbook, left out of the warehouses it is loaded into
HELD_OUT = Path("2026") / "新政镇_2026年度社区治理报表.xlsx"


def held_out(folder: Path | str) -> Path:
    """(h)'s new file in `folder`, relative to it: HELD_OUT, or (another --sample) its last report file."""
    from etl.readers import iter_report_files

    if (Path(folder) / HELD_OUT).is_file():
        return HELD_OUT
    return iter_report_files([Path(folder)])[-1].relative_to(folder)


SECTION_ORDER = (
    "open+schema",
    "registry (names → codes)",
    "sha256",
    "read_file: DuckDB read+shape",
    "read_file: to pandas",
    "read_file: other",
    "stage (type+check)",
    "apply (upsert)",
    "refresh marts",
    "checkpoint+swap",
)


# --------------------------------------------------------------------------- children


def _child_read_csv(csv_path: str, db: str) -> dict[str, Any]:
    """(a) bare DuckDB: read_csv (auto-detect) into a table of a fresh database file."""
    import duckdb

    Path(db).unlink(missing_ok=True)
    t = time.perf_counter()
    con = duckdb.connect(db)
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [csv_path])
    rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    con.execute("CHECKPOINT")
    con.close()
    return {"seconds": time.perf_counter() - t, "rows": rows}


def _child_floor(csv_path: str, db: str) -> dict[str, Any]:
    """(a') the least any load of the CSV does, with none of the ETL's checks, quarantine, upsert
    or flags: every cell read as text, typed, the community names joined to a registry of codes
    (built before the clock starts), and one mart sorted by month with each row's next report
    month — a floor to read b / a's target against."""
    import duckdb

    from core.contract import MONTHLY

    Path(db).unlink(missing_ok=True)
    town, name, month, reported = (
        MONTHLY.column(c).zh for c in ("town_name", "community_name", "month", "reported_on")
    )
    with duckdb.connect(db) as con:
        con.execute(
            f'CREATE TABLE reg AS SELECT "{town}" AS town, "{name}" AS name, row_number() OVER () AS code '  # noqa: S608
            f'FROM (SELECT DISTINCT "{town}", "{name}" FROM read_csv(?, all_varchar = true))',
            [csv_path],
        )
    t = time.perf_counter()
    with duckdb.connect(db) as con:
        header = con.execute("DESCRIBE SELECT * FROM read_csv(?, all_varchar = true)", [csv_path]).fetchall()
        figures = [c for (c, *_) in header if c not in (town, name, month, reported)]
        typed = ", ".join(f'TRY_CAST(s."{c}" AS DOUBLE) AS "{c}"' for c in figures)
        con.execute(
            f"""CREATE TABLE stg AS SELECT r.code, CAST(strptime(s."{month}", '%Y-%m') AS DATE) AS month,
                TRY_CAST(s."{reported}" AS DATE) AS reported_on, {typed}
            FROM read_csv(?, all_varchar = true) AS s JOIN reg AS r ON r.town = s."{town}" AND r.name = s."{name}" """,  # noqa: S608 (the generated file's own header)
            [csv_path],
        )
        con.execute(
            "CREATE TABLE mart AS SELECT *, lead(month) OVER (PARTITION BY code ORDER BY month) AS next_month "
            "FROM stg ORDER BY month, code"
        )
        con.execute("CHECKPOINT")
    return {"seconds": time.perf_counter() - t}


@contextmanager
def _sections() -> Any:
    """Wrap the ETL's stages with timers; yields the dict they add to."""
    import etl.load as load
    import etl.readers as readers
    from etl.readers import shaping

    times: dict[str, float] = {}
    saved: list[tuple[object, str, object]] = []

    def wrap(module: object, name: str, label: str) -> None:
        fn = getattr(module, name)

        def timed(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                times[label] = times.get(label, 0.0) + time.perf_counter() - t

        saved.append((module, name, fn))
        setattr(module, name, timed)

    orig_writer = load.writer

    @contextmanager
    def timed_writer(*a: Any, **k: Any) -> Any:
        t = time.perf_counter()
        with orig_writer(*a, **k) as con:
            times["open+schema"] = times.get("open+schema", 0.0) + time.perf_counter() - t
            yield con
            t = time.perf_counter()
        times["checkpoint+swap"] = times.get("checkpoint+swap", 0.0) + time.perf_counter() - t

    import etl.warehouse as warehouse

    wrap(warehouse, "refresh_marts", "refresh marts")  # writer calls it by its module name
    wrap(load, "sha256", "sha256")
    # load.py may import read_file by name or call it through etl.readers: wrap the one it uses
    wrap(load if hasattr(load, "read_file") else readers, "read_file", "read_file")
    wrap(shaping, "shape", "read_file: DuckDB read+shape")
    wrap(shaping, "finish", "read_file: finish")
    wrap(load, "stage", "stage (type+check)")
    wrap(load, "_apply", "apply (upsert)")
    saved.append((load, "writer", orig_writer))
    load.writer = timed_writer
    from etl.normalize import Registry

    orig_registry = Registry.from_connection

    def timed_registry(con: Any) -> Any:
        t = time.perf_counter()
        try:
            return orig_registry(con)
        finally:
            times["registry (names → codes)"] = time.perf_counter() - t

    saved.append((Registry, "from_connection", classmethod(orig_registry.__func__)))
    Registry.from_connection = staticmethod(timed_registry)
    try:
        yield times
    finally:
        for module, name, fn in saved:
            setattr(module, name, fn)
    # _finish includes the DuckDB → pandas conversion; the rest of read_file is header sniffing etc.
    finish = times.pop("read_file: finish", 0.0)
    times["read_file: to pandas"] = finish
    times["read_file: other"] = times.pop("read_file", 0.0) - finish - times.get("read_file: DuckDB read+shape", 0.0)
    # the writer's exit refreshes the marts, then checkpoints and swaps the file in
    times["checkpoint+swap"] = times.get("checkpoint+swap", 0.0) - times.get("refresh marts", 0.0)


def _child_etl(path: str, folder: str, registry: str, expect: int, profile: str = "") -> dict[str, Any]:
    """(b)/(c) the ETL: load_paths of one file into a fresh warehouse, with stage timings."""
    import etl.warehouse as warehouse

    os.environ.pop("OVERSIGHT_REGISTRY_EXTRA", None)
    extension = Path(registry) / "extension"
    if hasattr(warehouse, "reference_dirs"):  # the ETL takes registry extensions: use that, as a user would
        if extension.is_dir():
            os.environ["OVERSIGHT_REGISTRY_EXTRA"] = str(extension)
    else:  # older ETL: point it at Yilong plus the synthetic counties, merged
        warehouse.REFERENCE = Path(registry)
    from etl.load import load_paths

    work = Path(folder)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = work / "warehouse.duckdb"
    prof = cProfile.Profile() if profile else None
    with _sections() as times:
        t = time.perf_counter()
        if prof:
            prof.enable()
        results = load_paths([Path(path)], db=db, today=TODAY)
        if prof:
            prof.disable()
        seconds = time.perf_counter() - t
    r = results[0]
    if r.status != "loaded" or r.rows_loaded != expect:
        raise SystemExit(f"ETL did not load every row: {r.status} {r.rows_loaded}/{expect}: {r.message[:500]}")
    out: dict[str, Any] = {"seconds": seconds, "rows": r.rows_loaded, "sections": times}
    if prof:
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(25)
        out["profile"] = s.getvalue()
    return out


def _child_naive(xlsx: str, db: str, limit: int, transaction: bool) -> dict[str, Any]:
    """(d) naive: pandas.read_excel(engine="openpyxl"), then one INSERT per row (executemany).

    Inserts the first `limit` rows and extrapolates linearly to all rows (said in the report).
    """
    import duckdb
    import pandas as pd

    Path(db).unlink(missing_ok=True)
    t = time.perf_counter()
    df = pd.read_excel(xlsx, engine="openpyxl")
    read_s = time.perf_counter() - t
    con = duckdb.connect(db)
    cols = ", ".join(
        f'"{c}" {"DOUBLE" if df[c].dtype.kind == "f" else "BIGINT" if df[c].dtype.kind == "i" else "VARCHAR"}'
        for c in df.columns
    )
    con.execute(f"CREATE TABLE t ({cols})")
    sub = df.head(limit).astype(object).where(df.head(limit).notna(), None)
    rows = [
        tuple(v.item() if hasattr(v, "item") else (str(v) if isinstance(v, pd.Timestamp) else v) for v in r)
        for r in sub.itertuples(index=False)
    ]
    sql = f"INSERT INTO t VALUES ({', '.join('?' for _ in df.columns)})"  # noqa: S608
    t = time.perf_counter()
    if transaction:
        con.execute("BEGIN TRANSACTION")
    con.executemany(sql, rows)
    if transaction:
        con.execute("COMMIT")
    insert_s = time.perf_counter() - t
    n = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    con.close()
    assert n == len(rows)
    per_row = insert_s / len(rows)
    return {
        "seconds": read_s + per_row * len(df),
        "read_seconds": read_s,
        "insert_seconds_measured": insert_s,
        "inserted": len(rows),
        "rows": len(df),
    }


def _child_bare_folder(folder: str) -> dict[str, Any]:
    """(f) the floor for many small files: bench.dashboard_bench's bare read-and-append."""
    from bench.dashboard_bench import _child_bare

    out = _child_bare(folder)
    return {"seconds": out["bare_s"], "files": out["files"], "rows": out["rows"]}


def _child_etl_folder(folder: str, work: str) -> dict[str, Any]:
    """(g) the ETL: load_paths of every report file under `folder` into a fresh warehouse."""
    from etl.load import load_paths

    os.environ.pop("OVERSIGHT_REGISTRY_EXTRA", None)
    shutil.rmtree(work, ignore_errors=True)
    Path(work).mkdir(parents=True)
    with _sections() as times:
        t = time.perf_counter()
        results = load_paths([Path(folder)], db=Path(work) / "warehouse.duckdb", today=TODAY)
        seconds = time.perf_counter() - t
    return {
        "seconds": seconds,
        "files": len(results),
        "rows": sum(r.rows_read for r in results),
        "rows_loaded": sum(r.rows_loaded for r in results),
        "sections": times,
    }


def _child_scale_build(folder: str, work: str, scale: str) -> dict[str, Any]:
    """(h) the warehouses: every file of `folder` but HELD_OUT loaded into a fresh ×1 warehouse,
    then its rows replicated `scale` − 1 times under the generator's synthetic counties (as the
    dashboard bench builds ×50), with the registry's name forms stored for all of them."""
    import duckdb

    from bench.dashboard_bench import _replicate
    from etl.load import load_paths
    from etl.normalize import store_name_forms
    from etl.readers import iter_report_files

    os.environ.pop("OVERSIGHT_REGISTRY_EXTRA", None)
    held = (Path(folder) / held_out(folder)).resolve()
    files = [f for f in iter_report_files([Path(folder)]) if f.resolve() != held]
    root = Path(work)
    shutil.rmtree(root, ignore_errors=True)
    (root / "x1").mkdir(parents=True)
    (root / "big").mkdir()
    t = time.perf_counter()
    results = load_paths(files, db=root / "x1" / "warehouse.duckdb", today=TODAY)
    base_s = time.perf_counter() - t
    t = time.perf_counter()
    _replicate(int(scale), root / "big", root / "big" / "warehouse.duckdb", root / "x1" / "warehouse.duckdb")
    with duckdb.connect(str(root / "big" / "warehouse.duckdb")) as con:
        store_name_forms(con)  # _replicate adds registry rows without their forms
        con.execute("CHECKPOINT")
        rows = con.execute("SELECT count(*) FROM stg_monthly").fetchall()[0][0]
    return {
        "seconds": time.perf_counter() - t,
        "base_s": base_s,
        "files": len(results),
        "monthly_rows": rows,
        "mb": [(root / d / "warehouse.duckdb").stat().st_size / 1e6 for d in ("x1", "big")],
    }


def _child_one_file(folder: str, db: str, work: str) -> dict[str, Any]:
    """(h) HELD_OUT loaded into a copy of the warehouse `db` (the copy not timed), with stage timings."""
    from etl.load import load_paths

    os.environ.pop("OVERSIGHT_REGISTRY_EXTRA", None)
    shutil.rmtree(work, ignore_errors=True)
    Path(work).mkdir(parents=True)
    target = Path(work) / "warehouse.duckdb"
    shutil.copyfile(db, target)
    with _sections() as times:
        t = time.perf_counter()
        (r,) = load_paths([Path(folder) / held_out(folder)], db=target, today=TODAY)
        seconds = time.perf_counter() - t
    if r.status not in ("loaded", "partial"):
        raise SystemExit(f"the held-out file did not load: {r.status}: {r.message[:500]}")
    return {
        "seconds": seconds,
        "rows": r.rows_loaded,
        "replaced": r.rows_replaced,
        "sections": times,
        "file": held_out(folder).as_posix(),
    }


CHILDREN = {
    "scale_build": _child_scale_build,
    "one_file": _child_one_file,
    "read_csv": _child_read_csv,
    "floor": _child_floor,
    "etl": _child_etl,
    "naive": _child_naive,
    "bare_folder": _child_bare_folder,
    "etl_folder": _child_etl_folder,
}


def child_main(argv: list[str]) -> None:
    kind, *args = argv
    fn = CHILDREN[kind]
    if kind == "etl":
        path, folder, registry, expect, *profile = args
        child_result(fn(path, folder, registry, int(expect), *profile))
    elif kind == "naive":
        xlsx, db, limit, transaction = args
        child_result(fn(xlsx, db, int(limit), transaction == "1"))
    else:
        child_result(fn(*args))


# --------------------------------------------------------------------------- the run


def _sample(results: list[dict[str, Any]]) -> Sample:
    s = Sample(seconds=[r["seconds"] for r in results], extra=dict(results[-1]))
    s.extra["all"] = results
    return s


def run(args: argparse.Namespace) -> dict[str, Any]:
    from bench import data

    inputs: Path = args.out
    inputs.mkdir(parents=True, exist_ok=True)
    out = inputs / f"run-{os.getpid()}"  # scratch databases: two runs at once must not share them
    out.mkdir()
    me = Path(__file__)
    info = machine()
    gen: dict[str, float] = {}
    csv_path = out / f"monthly_{args.rows}_{args.seed}.csv"
    xlsx_path = out / f"monthly_{args.xlsx_rows}_{args.seed}.xlsx"
    registry = out / "registry"
    t = time.perf_counter()
    data.write_csv(csv_path, args.rows, args.seed)
    gen["csv"] = time.perf_counter() - t
    t = time.perf_counter()
    data.write_xlsx(xlsx_path, args.xlsx_rows, args.seed)
    gen["xlsx"] = time.perf_counter() - t
    data.write_registry(registry, args.rows)
    county = data.REFERENCE  # the xlsx names Yilong's own units: the county's registry
    print(
        f"inputs: {csv_path.name} {csv_path.stat().st_size / 1e6:.0f} MB ({gen['csv']:.1f} s), "
        f"{xlsx_path.name} {xlsx_path.stat().st_size / 1e6:.1f} MB ({gen['xlsx']:.1f} s)",
        flush=True,
    )

    a, a_floor, b, c, d, d_txn, f, g = [], [], [], [], [], [], [], []
    for i in range(args.repeats):
        print(f"round {i + 1}/{args.repeats}", flush=True)
        a.append(run_child(me, ["read_csv", str(csv_path), str(out / "baseline.duckdb")]))
        a_floor.append(run_child(me, ["floor", str(csv_path), str(out / "floor.duckdb")]))
        b.append(run_child(me, ["etl", str(csv_path), str(out / "etl_csv"), str(registry), str(args.rows)]))
        c.append(run_child(me, ["etl", str(xlsx_path), str(out / "etl_xlsx"), str(county), str(args.xlsx_rows)]))
        if i < args.naive_repeats:
            d.append(run_child(me, ["naive", str(xlsx_path), str(out / "naive.duckdb"), str(args.naive_rows), "0"]))
            d_txn.append(run_child(me, ["naive", str(xlsx_path), str(out / "naive.duckdb"), str(args.naive_rows), "1"]))
        if i < args.sample_repeats:
            f.append(run_child(me, ["bare_folder", str(args.sample)]))
            g.append(run_child(me, ["etl_folder", str(args.sample), str(out / "etl_sample")]))
            print(f"  f: {f[-1]['seconds']:.2f} s, g: {g[-1]['seconds']:.2f} s", flush=True)
        for name, r in (("a", a), ("a'", a_floor), ("b", b), ("c", c)):
            print(f"  {name}: {r[-1]['seconds']:.2f} s, peak {r[-1]['peak_rss_mb']:.0f} MiB", flush=True)
    print(f"building the ×1 and ×{SCALE} warehouses for (h) …", flush=True)
    built = run_child(me, ["scale_build", str(args.sample), str(out / "scale"), str(SCALE)], timeout=3 * 3600)
    h1, h50 = [], []
    for i in range(args.repeats):
        for name, acc, db in (("h1", h1, "x1"), (f"h{SCALE}", h50, "big")):
            wh = str(out / "scale" / db / "warehouse.duckdb")
            acc.append(run_child(me, ["one_file", str(args.sample), wh, str(out / "scale" / "run")]))
            print(f"  {name} round {i + 1}: {acc[-1]['seconds']:.2f} s", flush=True)
    sizes = {"csv_mb": csv_path.stat().st_size / 1e6, "xlsx_mb": xlsx_path.stat().st_size / 1e6}
    res = {
        **sizes,
        "info": info,
        "gen": gen,
        "args": vars(args),
        "a": _sample(a),
        "a_floor": _sample(a_floor),
        "b": _sample(b),
        "c": _sample(c),
        "d": _sample(d),
        "d_txn": _sample(d_txn),
        "f": _sample(f),
        "g": _sample(g),
        "h1": _sample(h1),
        "h50": _sample(h50),
        "built": built,
        "load_average_end": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    res["ratio_csv"] = res["b"].median / res["a"].median
    res["ratio_xlsx"] = res["d"].median / res["c"].median
    res["ratio_sample"] = _paired_ratio(g, f)
    res["ratio_scale"] = _paired_ratio(h50, h1)
    res["rss"] = [r["peak_rss_mb"] for r in b]
    missed = (
        res["ratio_sample"] > TARGET_RATIO_CSV
        or res["ratio_csv"] > TARGET_RATIO_CSV
        or res["ratio_scale"] > TARGET_RATIO_SCALE
        or res["ratio_xlsx"] < TARGET_RATIO_XLSX
        or max(res["rss"]) >= TARGET_RSS_MB
    )
    if args.profile or (missed and not args.quick):
        print("profiling the CSV load (cProfile) …", flush=True)
        res["profile"] = run_child(
            me, ["etl", str(csv_path), str(out / "etl_prof"), str(registry), str(args.rows), "1"]
        )["profile"]
    shutil.rmtree(out, ignore_errors=True)
    return res


def _paired_ratio(etl: list[dict[str, Any]], bare: list[dict[str, Any]]) -> float:
    """Median over the rounds of ETL / floor, each pair measured back to back (drift on a busy
    machine hits both)."""
    ratios = sorted(e["seconds"] / b["seconds"] for e, b in zip(etl, bare, strict=True))
    return ratios[len(ratios) // 2]


def _sections_rows(*samples: Sample) -> list[list[str]]:
    """Per stage: for each sample, the stage's time in its fastest run and its share of that run."""
    rows = [[name] for name in (*SECTION_ORDER, "other (log, Python)")]
    for sample in samples:
        best = min(sample.extra["all"], key=lambda r: r["seconds"])
        secs = best["sections"]
        rest = best["seconds"] - sum(secs.get(n, 0.0) for n in SECTION_ORDER)
        for row, v in zip(rows, [*(secs.get(n, 0.0) for n in SECTION_ORDER), rest], strict=True):
            row += [fmt_s(v), f"{100 * v / best['seconds']:.0f}%"]
    return rows


def report(res: dict[str, Any]) -> tuple[str, str]:
    """(terminal text, markdown section)."""
    args = res["args"]
    a, a_floor, b, c = res["a"], res["a_floor"], res["b"], res["c"]
    d, d_txn, f, g = res["d"], res["d_txn"], res["f"], res["g"]
    h1, h50, built = res["h1"], res["h50"], res["built"]
    n, nx = f"{args['rows']:,}", f"{args['xlsx_rows']:,}"
    extrap = d.extra["inserted"] < d.extra["rows"]
    naive_note = f" (INSERT of first {d.extra['inserted']:,} rows, extrapolated)" if extrap else ""
    ok = lambda good: "met" if good else "**missed**"  # noqa: E731
    rss = res["rss"]
    header = ["measurement", "median s", "min s", "runs", "peak RSS MiB", "note"]
    rows = [
        ["(a) DuckDB read_csv → table", fmt_s(a.median), fmt_s(a.min), len(a.seconds), f"{a.extra['peak_rss_mb']:.0f}",
         f"{n} rows, {res['csv_mb']:.0f} MB, fresh db file, CHECKPOINT; baseline"],
        ["(a') the least a load does", fmt_s(a_floor.median), fmt_s(a_floor.min), len(a_floor.seconds),
         f"{a_floor.extra['peak_rss_mb']:.0f}",
         "text → typed, names → codes, one mart sorted by month with next_month; no checks, quarantine, upsert or flags"],
        ["(b) ETL load_paths(CSV)", fmt_s(b.median), fmt_s(b.min), len(b.seconds), f"{max(rss):.0f}",
         "fresh warehouse, every row loaded"],
        ["(c) ETL load_paths(xlsx)", fmt_s(c.median), fmt_s(c.min), len(c.seconds), f"{c.extra['peak_rss_mb']:.0f}",
         f"{nx} rows, {res['xlsx_mb']:.1f} MB"],
        ["(d) naive: read_excel(openpyxl) + executemany", fmt_s(d.median), fmt_s(d.min), len(d.seconds),
         f"{d.extra['peak_rss_mb']:.0f}", f"autocommit per row{naive_note}"],
        ["(d') naive, executemany in one transaction", fmt_s(d_txn.median), fmt_s(d_txn.min), len(d_txn.seconds),
         f"{d_txn.extra['peak_rss_mb']:.0f}", f"for reference{naive_note}"],
        ["(f) bare read-and-append of the sample county", fmt_s(f.median), fmt_s(f.min), len(f.seconds),
         f"{f.extra['peak_rss_mb']:.0f}", f"{f.extra['files']} files, {f.extra['rows']:,} raw rows (calamine / csv → one DuckDB table of text cells); baseline"],
        ["(g) ETL load_paths(sample county)", fmt_s(g.median), fmt_s(g.min), len(g.seconds),
         f"{g.extra['peak_rss_mb']:.0f}", f"fresh warehouse, {g.extra['rows_loaded']:,} of {g.extra['rows']:,} rows loaded"],
        ["(h1) one township's new file into ×1", fmt_s(h1.median), fmt_s(h1.min), len(h1.seconds),
         f"{h1.extra['peak_rss_mb']:.0f}", f"`{h1.extra['file']}`, {h1.extra['rows']:,} rows ({h1.extra['replaced']} replaced), into a {built['mb'][0]:.0f} MB warehouse; baseline"],
        [f"(h{SCALE}) the same file into ×{SCALE}", fmt_s(h50.median), fmt_s(h50.min), len(h50.seconds),
         f"{h50.extra['peak_rss_mb']:.0f}", f"{built['monthly_rows']:,} monthly rows, {built['mb'][1]:.0f} MB warehouse"],
    ]  # fmt: skip
    targets_header = ["target", "figure", "goal", "result"]
    targets = [
        ["b / a (CSV: ETL vs bare DuckDB)", f"{res['ratio_csv']:.2f}× (of mins {b.min / a.min:.2f}×)",
         f"≤ {TARGET_RATIO_CSV:g}×", ok(res["ratio_csv"] <= TARGET_RATIO_CSV)],
        ["a' / a (the least a load does vs bare DuckDB)", f"{a_floor.median / a.median:.2f}× (of mins {a_floor.min / a.min:.2f}×)",
         "(info)", "-"],
        ["g / f (sample county: ETL vs bare read-and-append)",
         f"{res['ratio_sample']:.2f}× (median of the rounds' ratios; of mins {g.min / f.min:.2f}×)",
         f"≤ {TARGET_RATIO_CSV:g}×", ok(res["ratio_sample"] <= TARGET_RATIO_CSV)],
        ["d / c (xlsx: naive vs ETL)", f"{res['ratio_xlsx']:.0f}× (of mins {d.min / c.min:.0f}×)",
         f"≥ {TARGET_RATIO_XLSX:g}×", ok(res["ratio_xlsx"] >= TARGET_RATIO_XLSX)],
        ["d' / c (naive in one transaction vs ETL)", f"{d_txn.median / c.median:.0f}× (of mins {d_txn.min / c.min:.0f}×)",
         "(info)", "-"],
        [f"h{SCALE} / h1 (one file: ×{SCALE} vs ×1 warehouse)",
         f"{res['ratio_scale']:.2f}× (median of the rounds' ratios; of mins {h50.min / h1.min:.2f}×)",
         f"≤ {TARGET_RATIO_SCALE:g}×", ok(res["ratio_scale"] <= TARGET_RATIO_SCALE)],
        ["(e) peak RSS of the ETL on the CSV", f"{max(rss):.0f} MiB (median {sorted(rss)[len(rss) // 2]:.0f})",
         f"< {TARGET_RSS_MB:.0f} MiB", ok(max(rss) < TARGET_RSS_MB)],
    ]  # fmt: skip
    sec_header = ["stage", "(b) CSV s", "(b) share", "(c) xlsx s", "(c) share", "(g) sample s", "(g) share",
                  "(h1) s", "(h1) share", f"(h{SCALE}) s", f"(h{SCALE}) share"]  # fmt: skip
    sec_rows = _sections_rows(b, c, g, h1, h50)
    text = "\n\n".join(
        [text_table(header, rows), text_table(targets_header, targets), text_table(sec_header, sec_rows)]
    )
    info = res["info"]
    cmd = ".venv/bin/python bench/etl_bench.py" + (" --quick" if args["quick"] else "")
    md = [
        "## ETL",
        "",
        f"Command: `{cmd}` (about {res.get('elapsed', 0) / 60:.0f} min; `--quick` for a 100,000-row smoke run).",
        "",
        "Machine (read during the run):",
        "",
        machine_md(info),
        f"- load average at the end: {res['load_average_end']} (other helpers' tests and browsers share the 2 cores:"
        " medians are noisy, mins are the better estimate of the code's own speed)",
        "",
        f"Inputs (generated deterministically into `bench/out/`, seed {args['seed']}; see `bench/data.py`):",
        f"a {n}-row monthly-indicator CSV ({res['csv_mb']:.0f} MB, UTF-8, the MONTHLY contract's Chinese headers)"
        f" over Yilong's 348 real units plus the sample generator's synthetic counties"
        f" (`load_registry(scale={res['args'].get('scale', '?')})`: 东北1社区 in 新政1镇 …), month-major over 2022-01..2026-10,"
        f" so (community, month) is unique and every row loads; and a {nx}-row `.xlsx` (xlsxwriter; numbers as numbers,"
        f" 填报日期 as Excel dates) of the 348 real units × 29 months. The synthetic counties' registry rows are"
        f" given to the ETL as a registry extension (`OVERSIGHT_REGISTRY_EXTRA`; with an ETL older than that,"
        f" `etl.warehouse.REFERENCE` is pointed at a merged copy).",
        "",
        f"Each figure: {args['repeats']} runs, each in a fresh interpreter, (a)/(b)/(c) interleaved; the naive path"
        f" {args['naive_repeats']} run(s). Times include opening the database and the final CHECKPOINT.",
        "",
        md_table(header, rows),
        "",
        md_table(targets_header, targets),
        *(
            ["", "Note: the code under test (etl/, oversight/) was edited by someone else during this run."]
            if res.get("code_changed")
            else []
        ),
        "",
        f"The sample county (f, g): `{os.path.relpath(res['args']['sample'], ROOT)}`, the bundled county of `python -m sample`,"
        f" {args['sample_repeats']} round(s), (f) and (g) back to back in each.",
        "",
        f"One new file (h1, h{SCALE}): every file of the sample but `{h1.extra['file']}` loaded into a fresh"
        f" warehouse ({built['base_s']:.0f} s), then its rows replicated ×{SCALE} under the generator's synthetic"
        f" counties as the dashboard bench does (`bench.dashboard_bench._replicate`, {built['seconds']:.0f} s, with the"
        f" registry's name forms stored for all {SCALE} counties); the held-out workbook is then loaded into a copy"
        f" of each (the copy not timed), {len(h1.seconds)} rounds, ×1 and ×{SCALE} back to back in each.",
        "",
        "Where the ETL's time goes (timers around its stages, in the fastest run of (b), (c), (g), (h1) and"
        f" (h{SCALE}); `refresh marts` is `etl.warehouse.refresh_marts`, a full rebuild for a fresh warehouse):",
        "",
        md_table(sec_header, sec_rows),
    ]
    if "profile" in res:
        md += ["", "cProfile of one CSV load (cumulative, top 25):", "", "```", res["profile"].strip()[-6000:], "```"]
    return text, "\n".join(md)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        child_main(argv[1:])
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="100,000-row CSV, 2,000-row xlsx, 2 runs")
    p.add_argument("--rows", type=int, help="CSV data rows (default 1,000,000; quick 100,000)")
    p.add_argument("--xlsx-rows", type=int, help="xlsx data rows (default 10,000; quick 2,000)")
    p.add_argument("--repeats", type=int, help="runs per measurement (default 5; quick 2)")
    p.add_argument("--naive-rows", type=int, help="rows the naive path really INSERTs (default 1,000; quick 200)")
    p.add_argument("--naive-repeats", type=int, help="runs of the naive path (default 3; quick 1)")
    p.add_argument(
        "--sample", type=Path, default=ROOT / "data" / "sample", help="a folder of report files (the sample county)"
    )
    p.add_argument("--sample-repeats", type=int, help="rounds of (f)/(g) on --sample (default 3; quick 1)")
    p.add_argument("--seed", type=int, default=20221102)
    p.add_argument("--out", type=Path, default=OUT, help="generated inputs and scratch databases (bench/out)")
    p.add_argument("--report", type=Path, help="markdown report (default docs/benchmarks.md; quick: bench/out/…)")
    p.add_argument("--profile", action="store_true", help="add a cProfile of the CSV load to the report")
    args = p.parse_args(argv)
    quick = args.quick
    args.rows = args.rows or (100_000 if quick else 1_000_000)
    args.xlsx_rows = args.xlsx_rows or (2_000 if quick else 10_000)
    args.repeats = args.repeats or (2 if quick else 5)
    args.naive_rows = min(args.naive_rows or (200 if quick else 1_000), args.xlsx_rows)
    args.naive_repeats = min(args.naive_repeats or (1 if quick else 3), args.repeats)
    args.sample_repeats = min(args.sample_repeats or (1 if quick else 3), args.repeats)
    args.report = args.report or (args.out / "benchmarks-quick.md" if quick else REPORT)
    from bench.data import scale_for

    args.scale = scale_for(args.rows)
    t = time.perf_counter()
    before = code_fingerprint()
    res = run(args)
    res["elapsed"] = time.perf_counter() - t
    res["code_changed"] = code_fingerprint() != before
    text, md = report(res)
    print(text)
    write_section(args.report, "etl", md)
    (args.out / "etl_bench.json").write_text(
        json.dumps(res, default=lambda o: getattr(o, "__dict__", str(o)), indent=1)
    )
    print(f"\nreport: {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
