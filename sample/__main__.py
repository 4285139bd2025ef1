"""`python -m sample [--out DIR] [--scale N] [--seed S] [--first YYYY-MM] [--last YYYY-MM]`."""

from __future__ import annotations

import argparse
import sys

from sample.cli import add_arguments, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample", description="生成示例县数据 / generate the sample county's report files"
    )
    add_arguments(parser)
    return run(parser.parse_args(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
