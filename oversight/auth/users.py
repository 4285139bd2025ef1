"""The users file: who may sign in, with which role and townships. No Streamlit here (the
command line `python -m oversight users …` uses it too).

The file lives outside the repository, where `$OVERSIGHT_USERS` (or `users_file` in
st.secrets' `[oversight]` section, read by oversight.auth.session) points; it is JSON:

    {"users": {"wang": {"role": "town", "towns": ["511324101000"], "upload": false,
                        "hash": "$argon2id$v=19$m=65536,t=3,p=4$…"}}}

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106's second recommended
option: 64 MiB, 3 passes, 4 lanes, a random 16-byte salt per hash); the file never holds a
password. A user signed in through an identity provider or a trusted proxy header needs an
entry too (its name is the identity's e-mail or the header's value) — that entry gives the
role — and may have no hash.

Roles: `admin` (everything: uploads, users, audit), `county` (all data, read only), `town`
(its townships only; read only, uploads for its townships if `upload` is true).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ROLES = ("admin", "county", "town")
_NAME = re.compile(r"^[A-Za-z0-9_.@+\-]{1,64}$")
_TOWN = re.compile(r"^\d{12}$")
_HASHER = PasswordHasher()
# Verified when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY = _HASHER.hash("not a password of anyone")


class UsersError(ValueError):
    """A users-file change that cannot be made (bad name, role, township, unknown user)."""


@dataclass(frozen=True)
class User:
    """One user: name, role (one of ROLES), towns (12-digit township codes; a town user's
    scope), upload (a town user may load its townships' reports), hash (Argon2id, or "" for an
    identity-provider or proxy user)."""

    name: str
    role: str
    towns: tuple[str, ...] = ()
    upload: bool = False
    hash: str = ""

    @property
    def allowed_towns(self) -> tuple[str, ...] | None:
        """The townships this user may see: None (every one) for admin and county."""
        return None if self.role in ("admin", "county") else self.towns

    @property
    def can_upload(self) -> bool:
        """Whether this user may load reports (admins; town users with `upload`)."""
        return self.role == "admin" or (self.role == "town" and self.upload)


def hash_password(password: str) -> str:
    """The Argon2id hash of `password` (a new random salt each time)."""
    if not password:
        raise UsersError("空密码 / empty password")
    return _HASHER.hash(password)


def load(path: Path) -> dict[str, User]:
    """The users in the file at `path` by name ({} when the file does not exist). Raises
    UsersError when it is not a users file."""
    path = Path(path)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
        return {
            name: User(name, u["role"], tuple(u.get("towns", ())), bool(u.get("upload", False)), u.get("hash", ""))
            for name, u in data.get("users", {}).items()
        }
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as e:
        raise UsersError(f"用户文件格式不对 / not a users file: {type(e).__name__}") from None


@contextmanager
def _locked(path: Path) -> Iterator[dict[str, User]]:
    """The users of `path`, under an exclusive lock; written back atomically (mode 600) on exit."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        users = load(path)
        yield users
        body = {
            "users": {
                u.name: {"role": u.role, "towns": list(u.towns), "upload": u.upload, "hash": u.hash}
                for u in sorted(users.values(), key=lambda u: u.name)
            }
        }
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(body, f, ensure_ascii=False, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)


def _check(name: str, role: str, towns: tuple[str, ...]) -> None:
    if not _NAME.match(name):
        raise UsersError(f"用户名只能含字母、数字和 _.@+- / a user name is letters, digits and _.@+-: {name!r}")
    if role not in ROLES:
        raise UsersError(f"角色须为 {'/'.join(ROLES)} / role must be one of {', '.join(ROLES)}")
    if role == "town" and not towns:
        raise UsersError("乡镇用户须至少指定一个乡镇 (--town) / a town user needs --town CODE")
    if role != "town" and towns:
        raise UsersError("只有乡镇用户按乡镇限定 / only town users have townships")
    bad = [t for t in towns if not _TOWN.match(t)]
    if bad:
        raise UsersError(f"乡镇代码为12位数字 / a township code is 12 digits: {bad}")


def add(
    path: Path, name: str, role: str, towns: tuple[str, ...] = (), password: str | None = None, upload: bool = False
) -> User:
    """Add (or replace) user `name`; `password` None for an identity-provider / proxy user.
    Raises UsersError for a bad name, role or township list."""
    towns = tuple(dict.fromkeys(towns))
    _check(name, role, towns)
    user = User(name, role, towns, bool(upload) and role == "town", hash_password(password) if password else "")
    with _locked(path) as users:
        users[name] = user
    return user


def remove(path: Path, name: str) -> None:
    """Remove user `name`; UsersError when there is none."""
    with _locked(path) as users:
        if name not in users:
            raise UsersError(f"没有用户 {name} / no user {name}")
        del users[name]


def set_password(path: Path, name: str, password: str) -> None:
    """Give user `name` a new password; UsersError when there is no such user."""
    with _locked(path) as users:
        if name not in users:
            raise UsersError(f"没有用户 {name} / no user {name}")
        u = users[name]
        users[name] = User(u.name, u.role, u.towns, u.upload, hash_password(password))


def verify(path: Path, name: str, password: str) -> User | None:
    """The user when `password` is theirs, else None (unknown name, no password set, wrong
    password: all take one Argon2 verification, so timing does not tell them apart)."""
    user = load(path).get(name)
    try:
        _HASHER.verify(user.hash if user and user.hash else _DUMMY, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return user if user and user.hash else None
