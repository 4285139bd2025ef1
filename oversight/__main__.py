"""`python -m oversight {bulletin,users} …` — the command line of the read side (`users`: the users file)."""

from __future__ import annotations

import sys

from core.commands import dispatch

# subcommand -> (module with add_arguments(parser, name) and run(args) -> exit code, help)
COMMANDS = {
    "bulletin": ("oversight.bulletin.cli", "生成月度工作通报（.docx / PDF）/ write the monthly bulletin"),
    "users": ("oversight.auth.cli", "管理用户 / manage users ($OVERSIGHT_USERS)"),
}


def main(argv: list[str] | None = None) -> int:
    return dispatch("python -m oversight", "仪陇县社区治理监督 / oversight", COMMANDS, argv)


if __name__ == "__main__":
    sys.exit(main())
