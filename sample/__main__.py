"""`python -m sample [--out DIR] [--scale N] [--seed S] [--first YYYY-MM] [--last YYYY-MM]`."""

from __future__ import annotations

import argparse
import sys

from sample.cli import DESCRIPTION, add_arguments, run


def main(argv: list[str] | None = None) -> int:
    """Parse `argv` (default: the command line), generate, return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m sample", description=DESCRIPTION)
    add_arguments(parser)
    return run(parser.parse_args(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
