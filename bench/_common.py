"""Shared pieces of the benchmark scripts: the machine, repeated timings, child processes, the report."""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
REPORT = ROOT / "docs" / "benchmarks.md"
REPORT_TITLE = (
    "# Benchmarks\n\nWritten by the scripts in `bench/`; each section is replaced by its script's last run.\n"
)


def machine() -> dict[str, str]:
    """What the figures were measured on, read during the run."""
    import duckdb
    import pandas as pd

    mem_kb = 0
    with open("/proc/meminfo", encoding="ascii") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "?",
    )
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = (
        " (+ uncommitted changes)"
        if _git("status", "--porcelain", "--untracked-files=no", "etl", "oversight", "pages")
        else ""
    )
    info = {
        "cpu": f"{cpu}, nproc {os.cpu_count()} (usable {len(os.sched_getaffinity(0))})",
        "ram": f"{mem_kb / 1024**2:.1f} GiB",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
        "os": f"{platform.system()} {platform.release()}",
        "commit": f"{commit}{dirty}",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    try:
        import streamlit

        info["streamlit"] = streamlit.__version__
    except ImportError:
        pass
    return info


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "?"


@dataclass
class Sample:
    """Repeated measurements of one thing (seconds), with optional extras from the last run."""

    seconds: list[float] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def min(self) -> float:
        return min(self.seconds)


def repeat(fn: Callable[[], float | tuple[float, dict[str, Any]]], times: int) -> Sample:
    """Call `fn` `times` times; it returns its own elapsed seconds (and optionally extras)."""
    s = Sample()
    for _ in range(times):
        r = fn()
        if isinstance(r, tuple):
            s.seconds.append(r[0])
            s.extra = r[1]
        else:
            s.seconds.append(r)
    return s


@contextmanager
def timer(into: dict[str, float], name: str) -> Iterator[None]:
    """Add the block's wall time to `into[name]`."""
    t = time.perf_counter()
    try:
        yield
    finally:
        into[name] = into.get(name, 0.0) + time.perf_counter() - t


def peak_rss_mb() -> float:
    """This process's resident-set high-water mark (VmHWM), MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def code_fingerprint() -> str:
    """A hash of the code under test (etl/, oversight/, pages/, dashboard.py), to notice edits mid-run."""
    import hashlib

    h = hashlib.sha256()
    files = [ROOT / "dashboard.py", *(p for d in ("etl", "oversight", "pages") for p in (ROOT / d).rglob("*"))]
    for p in sorted(files):
        if p.is_file() and p.suffix in (".py", ".sql"):
            h.update(p.relative_to(ROOT).as_posix().encode() + p.read_bytes())
    return h.hexdigest()[:12]


def run_child(
    script: Path, args: list[str], timeout: float = 3600, retries: int = 2, show_stderr: bool = False
) -> dict[str, Any]:
    """Run `script --child ...` in a fresh interpreter; its last stdout line is a JSON result.

    A failed child is retried (the tree is shared: a half-saved file can break one run).
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for attempt in range(retries + 1):
        proc = subprocess.run(
            [sys.executable, str(script), "--child", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=None if show_stderr else subprocess.PIPE,
            text=True,
            timeout=timeout,
            check=False,
        )
        if proc.returncode == 0:
            return json.loads(proc.stdout.strip().splitlines()[-1])
        err = (proc.stderr or "")[-4000:]
        if attempt == retries:
            raise RuntimeError(f"child {args} failed ({proc.returncode}):\n{err}")
        print(f"child {args[0]} failed ({proc.returncode}), retrying in 20 s:\n{err[-800:]}", file=sys.stderr)
        time.sleep(20)
    raise AssertionError("unreachable")


def child_result(result: dict[str, Any]) -> None:
    """Print a child's result as the last stdout line (with its memory high-water mark)."""
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result, ensure_ascii=False), flush=True)


def md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def text_table(header: list[str], rows: list[list[str]]) -> str:
    """The same table for a terminal (widths by character count; CJK is wider, good enough)."""
    cells = [header, *[[str(c) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    out = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def machine_md(info: dict[str, str]) -> str:
    return "\n".join(f"- {k}: {v}" for k, v in info.items())


def write_section(report: Path, name: str, body: str) -> None:
    """Replace the `name` section of the report (between its markers), keeping the others."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    block = f"{begin}\n{body.strip()}\n{end}\n"
    text = report.read_text(encoding="utf-8") if report.exists() else REPORT_TITLE
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(text, encoding="utf-8")


def fmt_s(x: float) -> str:
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"
