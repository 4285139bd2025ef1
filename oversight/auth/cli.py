"""`python -m oversight users add|remove|list|passwd`: manage the users file ($OVERSIGHT_USERS).

    python -m oversight users add wang --role town --town 511324101000 [--upload] [--password-stdin]
    python -m oversight users add li --role county          # asks for the password twice
    python -m oversight users add zhang@county.gov.cn --role admin --no-password   # signs in by OIDC / proxy
    python -m oversight users passwd wang
    python -m oversight users remove wang
    python -m oversight users list

A password is read without echo (getpass), or as one line from standard input with
`--password-stdin` (for scripts); it is never printed, logged or put on the command line.
Every change goes to the audit record (core.audit) with the operating-system user who made it.
Exit codes: 0 done, 2 the change could not be made (the message says why).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from core import audit
from core.paths import ROOT
from oversight.auth import users

MIN_LENGTH = 8  # NIST SP 800-63B §3.1.1.2: at least 8 characters for a password a user chooses


def add_arguments(p: argparse.ArgumentParser, name: str = "users") -> None:
    """The `users` command's options and subcommands, on its parser `p` (oversight.__main__)."""
    p.add_argument("--file", type=Path, help="用户文件（默认 $OVERSIGHT_USERS）/ the users file")
    cmds = p.add_subparsers(dest="users_command", required=True)
    a = cmds.add_parser("add", help="添加或替换用户 / add or replace a user")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=users.ROLES)
    a.add_argument("--town", action="append", default=[], metavar="CODE", help="乡镇代码，可多次 / township code")
    a.add_argument("--upload", action="store_true", help="乡镇用户可上传本乡镇报表 / a town user may upload")
    how = a.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true", help="从标准输入读一行密码 / read it from stdin")
    how.add_argument("--no-password", action="store_true", help="只经身份提供方或代理登录 / OIDC or proxy only")
    r = cmds.add_parser("remove", help="删除用户 / remove a user")
    r.add_argument("name")
    w = cmds.add_parser("passwd", help="修改密码 / change a password")
    w.add_argument("name")
    w.add_argument("--password-stdin", action="store_true")
    cmds.add_parser("list", help="列出用户 / list users")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("密码 / password: ")
        if getpass.getpass("再输一次 / again: ") != password:
            raise users.UsersError("两次输入不一致 / the two entries differ")
    if len(password) < MIN_LENGTH:
        raise users.UsersError(f"密码至少 {MIN_LENGTH} 个字符 / at least {MIN_LENGTH} characters")
    return password


def users_path(given: Path | None) -> Path:
    """The users file to change: --file, else $OVERSIGHT_USERS; UsersError when neither is set
    or it lies inside the project folder (it must never be committed)."""
    path = given or (Path(os.environ["OVERSIGHT_USERS"]) if os.environ.get("OVERSIGHT_USERS") else None)
    if path is None:
        raise users.UsersError("请设置 OVERSIGHT_USERS 或 --file / set OVERSIGHT_USERS or --file")
    path = path.expanduser().resolve()
    if path.is_relative_to(ROOT):
        raise users.UsersError("用户文件不能放在项目目录内 / keep the users file outside the project folder")
    return path


def run(args: argparse.Namespace) -> int:
    """Carry out one `users` command; prints what changed (never a password or hash)."""
    try:
        path = users_path(args.file)
        cmd = args.users_command
        where = audit.audit_path()
        if cmd == "list":
            for u in sorted(users.load(path).values(), key=lambda u: u.name):
                extra = " upload" if u.upload else ""
                sign_in = "password" if u.hash else "oidc/proxy"
                print(f"{u.name}\t{u.role}\t{','.join(u.towns) or '-'}\t{sign_in}{extra}")
            return 0
        if cmd == "add":
            password = None if args.no_password else _password(args.password_stdin)
            u = users.add(path, args.name, args.role, tuple(args.town), password, upload=args.upload)
            audit.record("user_add", audit.os_user(), where, user=u.name, role=u.role, towns=list(u.towns),
                         upload=u.upload, via="cli")  # fmt: skip
            print(f"已保存用户 {u.name}（{u.role}）/ saved user {u.name} ({u.role})")
        elif cmd == "remove":
            users.remove(path, args.name)
            audit.record("user_remove", audit.os_user(), where, user=args.name, via="cli")
            print(f"已删除用户 {args.name} / removed {args.name}")
        elif cmd == "passwd":
            if args.name not in users.load(path):
                raise users.UsersError(f"没有用户 {args.name} / no user {args.name}")
            users.set_password(path, args.name, _password(args.password_stdin))
            audit.record("user_passwd", audit.os_user(), where, user=args.name, via="cli")
            print(f"已修改 {args.name} 的密码 / password changed for {args.name}")
        return 0
    except (users.UsersError, OSError) as e:
        print(f"错误 / error: {e}", file=sys.stderr)
        return 2
