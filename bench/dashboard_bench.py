"""Dashboard speed: every page script through AppTest, cold and warm, on the sample and a ×10 warehouse.

    .venv/bin/python bench/dashboard_bench.py            # scale 1 and ×10 → docs/benchmarks.md
    .venv/bin/python bench/dashboard_bench.py --quick    # scale 1 only, 1 run → bench/out/benchmarks-quick.md

Warehouses are built by the real ETL from `sample.generate(dir, scale)` into bench/out/ and
reused while the ETL code, the reference data and the generator are unchanged (`--rebuild`).
Each warehouse's pages run in a fresh interpreter: first every page once (imports), then per
page and run: st.cache_data / st.cache_resource cleared and the held warehouse connection
dropped, a new AppTest, `run()` (cold), `run()` again in the same session (warm). Every call of
`oversight.db._run` is timed and attributed to the query function that made it.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
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
    run_child,
    text_table,
    write_section,
)

PAGES = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]
TARGET_WARM_S = 1.0  # per page, warm, on the sample (scale 1)
SLOW_COLD_S = 2.0  # cold runs above this also get their slowest queries listed
TIMEOUT_S = 600


# --------------------------------------------------------------------------- warehouses


def _fingerprint(scale: int, mode: str) -> str:
    """What the warehouse's contents depend on: the generator, the contract, the schema, the reference data."""
    h = hashlib.sha256(f"{scale}|{mode}".encode())
    files = [*(ROOT / "sample").glob("*.py"), ROOT / "core" / "contract.py", *(ROOT / "etl" / "sql").glob("*.sql")]
    files += (ROOT / "data" / "reference").glob("*.csv")
    for p in sorted(files):
        h.update(p.relative_to(ROOT).as_posix().encode() + p.read_bytes())
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


def _child_build(scale: int, folder: str, mode: str) -> dict[str, Any]:
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
        return {**out, **_replicate(scale, work, db)}
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


def _replicate(scale: int, work: Path, db: Path) -> dict[str, Any]:
    import duckdb

    from sample import load_registry, registry_rows

    base = run_child(Path(__file__), ["build", "1", str(work / "base"), "generate"], timeout=7200)
    t = time.perf_counter()
    shutil.copyfile(work / "base" / "warehouse.duckdb", db)
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
        for table in ("stg_monthly", "stg_roster", "stg_project", "stg_activity", "stg_request"):
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
        con.execute("CHECKPOINT")
    return {"base": base, "replicate_s": time.perf_counter() - t}


def warehouse_for(scale: int, mode: str, out: Path, rebuild: bool, reuse_any: bool = False) -> dict[str, Any]:
    """The built warehouse for `scale` (reused when its fingerprint matches, or any with `reuse_any`)."""
    folder = out / f"dash_s{scale}_{mode}"
    stamp = folder / "stamp.json"
    fp = _fingerprint(scale, mode)
    if not rebuild and stamp.exists() and (folder / "warehouse.duckdb").exists():
        info = json.loads(stamp.read_text(encoding="utf-8"))
        if info.get("fingerprint") == fp or reuse_any:
            return {**info, "reused": True, "stale": info.get("fingerprint") != fp}
    print(f"building the scale-{scale} warehouse ({mode}) …", flush=True)
    t = time.perf_counter()
    info = run_child(Path(__file__), ["build", str(scale), str(folder), mode], timeout=4 * 3600)
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


def _child_pages(db: str, repeats: int, profile_over: float) -> dict[str, Any]:
    """Run every page cold and warm `repeats` times over `db`; per-query timings of the cold runs."""
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

    for page in PAGES:  # imports and Streamlit's own first-run setup, not measured
        AppTest.from_file(str(page), default_timeout=TIMEOUT_S).run()
    results: dict[str, Any] = {}
    for page in PAGES:
        name = page.relative_to(ROOT).as_posix()
        r: dict[str, Any] = {"cold": [], "warm": [], "errors": [], "queries": []}
        for _ in range(repeats):
            cold_start()
            at = AppTest.from_file(str(page), default_timeout=TIMEOUT_S)
            calls.clear()
            s, errors = run(at)
            r["cold"].append(s)
            r["queries"] = sorted(calls, key=lambda c: -c[2])
            r["errors"] += errors
            calls.clear()
            s, errors = run(at)
            r["warm"].append(s)
            r["warm_queries"] = len(calls)
            r["errors"] += errors
        if statistics.median(r["warm"]) >= profile_over and not r["errors"]:
            sampler = Sampler()
            sampler.start()
            t = time.perf_counter()
            for _ in range(3):
                at.run()
            sampler.stop()
            r["profile"] = sampler.summary(time.perf_counter() - t)
        r["errors"] = sorted(set(r["errors"]))
        results[name] = r
        print(f"  {name}: cold {min(r['cold']):.2f} s, warm {min(r['warm']):.2f} s", file=sys.stderr, flush=True)
    return {"pages": results}


def child_main(argv: list[str]) -> None:
    kind, *args = argv
    if kind == "build":
        scale, folder, mode = args
        child_result(_child_build(int(scale), folder, mode))
    else:
        db, repeats, profile_over = args
        child_result(_child_pages(db, int(repeats), float(profile_over)))


# --------------------------------------------------------------------------- report


def _counts(db: str) -> dict[str, int]:
    import duckdb

    with duckdb.connect(db, read_only=True) as con:
        out = {}
        for t in ("ref_community", "stg_monthly", "stg_roster", "stg_project", "stg_activity", "stg_request"):
            out[t] = con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]  # noqa: S608
    out["MB"] = round(Path(db).stat().st_size / 1e6)
    return out


def report(res: dict[str, Any]) -> tuple[str, str]:
    args = res["args"]
    labels = res["labels"]
    header = ["page", *[f"{lab} {p}" for lab in labels for p in ("cold med", "cold min", "warm med", "warm min")]]
    header += ["queries (cold, sample)", "exceptions", "target warm < 1 s (sample)"]
    rows = []
    misses, slow_sections, errors = [], [], []
    for page in res["runs"][labels[0]]["pages"]:
        row = [page]
        for lab in labels:
            r = res["runs"][lab]["pages"][page]
            row += [fmt_s(statistics.median(r["cold"])), fmt_s(min(r["cold"]))]
            row += [fmt_s(statistics.median(r["warm"])), fmt_s(min(r["warm"]))]
            if r["errors"]:
                errors.append(f"- {lab} `{page}`: " + "; ".join(r["errors"]))
            warm, cold = statistics.median(r["warm"]), statistics.median(r["cold"])
            if (warm >= TARGET_WARM_S or cold >= SLOW_COLD_S) and not r["errors"]:
                slow_sections.append((lab, page, warm, cold, r))
        s1 = res["runs"][labels[0]]["pages"][page]
        warm1 = statistics.median(s1["warm"])
        qsum = sum(q[2] for q in s1["queries"])
        raised = [lab for lab in labels if res["runs"][lab]["pages"][page]["errors"]]
        verdict = "error" if s1["errors"] else "met" if warm1 < TARGET_WARM_S else "**missed**"
        row += [f"{len(s1['queries'])} ({fmt_s(qsum)} s)", ", ".join(raised) or "-", verdict]
        if verdict != "met":
            misses.append(page)
        rows.append(row)
    wh_header = [
        "warehouse",
        "how",
        "communities",
        "monthly rows",
        "roster",
        "projects",
        "activities",
        "requests",
        "MB",
    ]
    wh_rows = []
    for lab in labels:
        w = res["warehouses"][lab]
        c = w["counts"]
        wh_rows.append(
            [lab, w["how"], c["ref_community"], c["stg_monthly"], c["stg_roster"], c["stg_project"],
             c["stg_activity"], c["stg_request"], c["MB"]]
        )  # fmt: skip
    text = text_table(header, rows) + "\n\n" + text_table(wh_header, wh_rows)
    cmd = ".venv/bin/python bench/dashboard_bench.py" + (" --quick" if args["quick"] else "")
    md = [
        "## Dashboard",
        "",
        f"Command: `{cmd}` (this run: {res['elapsed'] / 60:.0f} min including warehouse builds;"
        " `--quick` for scale 1 and one run).",
        "",
        "Machine (read during the run):",
        "",
        machine_md(res["info"]),
        "",
        "Warehouses:",
        "",
        md_table(wh_header, wh_rows),
        "",
        *res["notes"],
        "",
        f"Each page script through `streamlit.testing.v1.AppTest` in one interpreter per warehouse; {args['repeats']}"
        " runs per page. *cold*: `st.cache_data.clear()`, `st.cache_resource.clear()`, the held warehouse"
        " connection dropped, a new AppTest, `run()`; *warm*: `run()` again in the same session (the"
        " rerun a click causes). Every page was run once before measuring, so module imports are not"
        " counted; the OS file cache is warm. Seconds of server-side script time (AppTest), not browser"
        " rendering.",
        "",
        md_table(header, rows),
        "",
        f"Target (< {TARGET_WARM_S:g} s warm per page on the sample): "
        + ("met by every page." if not misses else f"**not met** by {', '.join(f'`{m}`' for m in misses)}."),
    ]
    if errors:
        md += ["", "Exceptions raised by pages during the runs (their times are not a page's real cost):", "", *errors]
    if slow_sections:
        md += ["", f"Slowest queries (cold run) of pages with warm ≥ {TARGET_WARM_S:g} s or cold ≥ {SLOW_COLD_S:g} s:"]
        for lab, page, warm, cold, r in slow_sections:
            md += [
                "",
                f"- {lab} `{page}` (cold {fmt_s(cold)} s, warm {fmt_s(warm)} s, {len(r['queries'])} queries):",
                "",
            ]
            md += [f"  - {fmt_s(s)} s `{fn}`: `{sql}…`" for fn, sql, s in r["queries"][:5]]
            if "profile" in r:
                md += ["", "  Where a warm rerun's time goes (sampling the script thread):", "", "  ```"]
                md += ["  " + line for line in r["profile"].strip().splitlines()]
                md += ["  ```"]
    return text, "\n".join(md)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        child_main(argv[1:])
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="scale 1 only, one run per page")
    p.add_argument("--repeats", type=int, help="runs per page (default 3; quick 1)")
    p.add_argument(
        "--x10",
        choices=("generate", "replicate"),
        default="generate",
        help="×10 warehouse: the generator's scale 10 loaded by the ETL (default), or the sample's rows"
        " replicated under the scale-10 registry (faster to build)",
    )
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--report", type=Path, help="markdown report (default docs/benchmarks.md; quick: bench/out/…)")
    p.add_argument("--rebuild", action="store_true", help="rebuild the warehouses even if unchanged")
    p.add_argument(
        "--reuse-any", action="store_true", help="reuse built warehouses even if the generator has changed since"
    )
    p.add_argument("--db", type=Path, help="time the pages on this warehouse only (no sample build; smoke tests)")
    args = p.parse_args(argv)
    args.repeats = args.repeats or (1 if args.quick else 3)
    args.report = args.report or (args.out / "benchmarks-quick.md" if args.quick else REPORT)
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    before = code_fingerprint()
    info = machine()
    plan = [("sample (scale 1)", 1, "generate")]
    if args.db:
        plan = [("given", 0, "given")]
    elif not args.quick:
        plan.append(("×10", 10, args.x10))
    res: dict[str, Any] = {"info": info, "args": vars(args), "labels": [], "runs": {}, "warehouses": {}, "notes": []}
    for label, scale, mode in plan:
        if mode == "given":
            w = {"db": str(args.db.resolve()), "reused": False}
        else:
            w = warehouse_for(scale, mode, args.out, args.rebuild, args.reuse_any)
        w["counts"] = _counts(w["db"])
        if mode == "given":
            how = f"`{args.db.name}` (--db)"
            built = "given with --db"
        elif mode == "generate":
            how = f"`generate(scale={scale})` + `load_paths`"
            built = f"{w['files']} files, generated in {w['generate_s']:.0f} s, loaded in {w['load_s']:.0f} s"
            built += f" ({w['rows_quarantined']} rows quarantined, statuses {w['statuses']})"
        else:
            how = f"scale-1 rows ×{scale} under `load_registry({scale})`"
            built = f"replicated in {w['replicate_s']:.0f} s from the scale-1 build"
        if scale > 1 and mode == "generate":
            built += "; the synthetic counties' registry (`.registry/`) given to the load as a registry extension"
        if w.get("reused"):
            built += " (reused from an earlier run" + (", built by an older generator" if w.get("stale") else "") + ")"
        res["notes"].append(f"- {label}: {built}.")
        w["how"] = how
        res["warehouses"][label] = w
        res["labels"].append(label)
        print(f"pages on {label} …", flush=True)
        res["runs"][label] = run_child(
            Path(__file__),
            ["pages", w["db"], str(args.repeats), str(TARGET_WARM_S)],
            timeout=4 * 3600,
            show_stderr=True,
        )
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
