"""Failed sign-ins slow an attacker down: after MAX_PER_USER failures for one user name, or
MAX_PER_CLIENT from one client address, within WINDOW seconds, that name or address may not
try again until the oldest of those failures is WINDOW old. The failures are kept in a file
beside the users file (`<users file>.failures.json`), so restarting the server does not reset
them. Following OWASP's Authentication Cheat Sheet (account lockout / throttling): counted per
account and per source, lifted by time, not by an administrator.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path

MAX_PER_USER = 5
MAX_PER_CLIENT = 20
WINDOW = 15 * 60  # seconds


def _file(users_file: Path) -> Path:
    users_file = Path(users_file)
    return users_file.with_name(users_file.name + ".failures.json")


def _keys(name: str, client: str | None) -> list[tuple[str, int]]:
    keys = [("user:" + name.strip().lower(), MAX_PER_USER)]
    if client:
        keys.append(("client:" + client, MAX_PER_CLIENT))
    return keys


def _update(users_file: Path, change) -> dict[str, list[float]]:  # noqa: ANN001 - a function of the table
    path = _file(users_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            table = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        except (json.JSONDecodeError, OSError):
            table = {}
        now = time.time()
        table = {k: [t for t in v if now - t < WINDOW] for k, v in table.items()}
        if change is not None:
            change(table, now)
            table = {k: v for k, v in table.items() if v}
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(table), encoding="utf-8")
            os.replace(tmp, path)
        return table


def wait_seconds(users_file: Path, name: str, client: str | None) -> int:
    """Seconds until `name` from `client` may try to sign in again (0: now)."""
    table = _update(users_file, None)
    now = time.time()
    wait = 0.0
    for key, limit in _keys(name, client):
        times = sorted(table.get(key, []))
        if len(times) >= limit:
            wait = max(wait, times[-limit] + WINDOW - now)
    return max(0, int(wait + 0.999))


def failed(users_file: Path, name: str, client: str | None) -> None:
    """Count one failed sign-in of `name` from `client`."""

    def add(table: dict[str, list[float]], now: float) -> None:
        for key, _ in _keys(name, client):
            table.setdefault(key, []).append(now)

    _update(users_file, add)


def succeeded(users_file: Path, name: str) -> None:
    """Forget the user name's failures after a successful sign-in (the client's stay)."""
    _update(users_file, lambda table, now: table.pop(_keys(name, None)[0][0], None))
