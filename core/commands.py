"""One command-line dispatcher for `python -m etl …` and `python -m oversight …`."""

from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> (module with add_arguments(parser, name) and run(args) -> exit code, help text)
Commands = dict[str, tuple[str, str]]


def dispatch(prog: str, description: str, commands: Commands, argv: list[str] | None = None) -> int:
    """Parse `argv` (default sys.argv[1:]) into one of `commands` and run it; its exit code.
    Only the chosen subcommand's module is imported, so one command never depends on another
    (`etl load` does not import Spark, `oversight users` does not import the bulletin)."""
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog=prog, description=description)
    sub = parser.add_subparsers(dest="command", required=True)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, (module, help_text) in commands.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            importlib.import_module(module).add_arguments(p, name)
    args = parser.parse_args(argv)
    return importlib.import_module(commands[args.command][0]).run(args)
