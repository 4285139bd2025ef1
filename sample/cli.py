"""`python -m sample` (also `python -m etl sample`): write the sample county's report files.

    python -m sample [--out data/sample] [--scale N] [--seed S] [--first YYYY-MM] [--last YYYY-MM]

Exit code 0 when written; `generate` raises FileExistsError for an `--out` folder that is not a
sample folder (not empty and no manifest.json).
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from sample.county import DEFAULT_OUT, DEFAULT_SEED, generate
from sample.registry import REGISTRY_DIR
from sample.span import FIRST_MONTH, LAST_MONTH

DESCRIPTION = "生成示例县数据 / generate the sample county's report files"


def _month_arg(text: str) -> date:
    y, m = text.replace("/", "-").split("-")[:2]
    return date(int(y), int(m), 1)


def add_arguments(parser: argparse.ArgumentParser, name: str = "sample") -> None:
    """The options of `python -m sample` and `python -m etl sample` (`name` is the subcommand's, unused)."""
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="输出目录 / output folder (default data/sample)")
    parser.add_argument("--scale", type=int, default=1, help="县的份数 / number of county copies (benchmarks)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子 / random seed")
    parser.add_argument("--first", type=_month_arg, default=FIRST_MONTH, help="首月 / first month (YYYY-MM)")
    parser.add_argument("--last", type=_month_arg, default=LAST_MONTH, help="末月 / last month (YYYY-MM)")


def run(args: argparse.Namespace) -> int:
    """Generate as `args` say and print one summary line (two with --scale > 1); returns 0."""
    t0 = time.perf_counter()
    manifest = generate(args.out, scale=args.scale, seed=args.seed, first=args.first, last=args.last)
    size = sum(p.stat().st_size for p in Path(args.out).rglob("*") if p.is_file())
    print(
        f"示例数据 / sample: {len(manifest['files'])} 个文件 files, {size / 1e6:.1f} MB, "
        f"{len(manifest['bad_rows'])} 行坏数据 bad rows → {args.out} ({time.perf_counter() - t0:.1f} s)"
    )
    if args.scale > 1:
        print(
            f"名录扩展 / registry extension for the copies: {Path(args.out) / REGISTRY_DIR} (towns.csv, communities.csv)"
        )
    return 0
