"""`python -m oversight {bulletin,users} …` — the command line of the read side (`users`: the users file)."""

from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> module with add_arguments(parser, name) and run(args) -> exit code
COMMANDS = {
    "bulletin": ("oversight.bulletin.cli", "生成月度工作通报（.docx / PDF）/ write the monthly bulletin"),
    "users": ("oversight.auth.cli", "管理用户 / manage users ($OVERSIGHT_USERS)"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m oversight", description="仪陇县社区治理监督 / oversight")
    sub = parser.add_subparsers(dest="command", required=True)
    # Only the chosen subcommand's module is imported, so one command never depends on another.
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            importlib.import_module(module).add_arguments(p, name)
    args = parser.parse_args(argv)
    return importlib.import_module(COMMANDS[args.command][0]).run(args)


if __name__ == "__main__":
    sys.exit(main())
