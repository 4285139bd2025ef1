"""`python -m oversight <command>`: the dashboard side's command line (`users`: the users file)."""

from __future__ import annotations

import argparse
import sys

from oversight.auth import cli as users_cli


def main(argv: list[str] | None = None) -> int:
    """Parse `argv` and run the command; its exit code."""
    parser = argparse.ArgumentParser(prog="python -m oversight")
    sub = parser.add_subparsers(dest="command", required=True)
    users_cli.add_parser(sub)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
