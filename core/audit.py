"""The audit record (留痕): who signed in (or failed to), loaded which files, downloaded what and
changed which user — for the ETL and the dashboard alike, so it lives below both.

An append-only JSON-lines file, one event per line, beside the warehouse
(`<warehouse folder>/audit/audit.jsonl`, or `$OVERSIGHT_AUDIT`). It is never inside the
warehouse file, which a load replaces by an atomic swap, so no load ever loses it. Lines are
only ever appended (under an exclusive lock, flushed to disk); nothing here rewrites or
deletes one. Back it up with the warehouse (docs/deployment.md); `chattr +a` on the file makes
the operating system refuse anything but appends.

Each event: `at` (UTC, ISO 8601 to the second), `event` (one of EVENTS), `who` (the user name;
for a load from the command line the operating-system user), `client` (address, where known)
and the event's own fields (`files` with sha256, `result`, `table`, `filters`, `rows`, …).
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.paths import db_path

EVENTS = (
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "load",
    "download",
    "user_add",
    "user_remove",
    "user_passwd",
)


def audit_path(db: Path | None = None) -> Path:
    """The audit file: $OVERSIGHT_AUDIT, else audit/audit.jsonl beside the warehouse `db`
    (default: the configured one)."""
    env = os.environ.get("OVERSIGHT_AUDIT")
    if env:
        return Path(env)
    return Path(db or db_path()).parent / "audit" / "audit.jsonl"


def os_user() -> str:
    """The operating-system user running this process (who ran a command-line load)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (e.g. a container)
        return f"uid:{os.getuid()}"


def record(event: str, who: str | None, path: Path | None = None, **fields: Any) -> dict[str, Any]:
    """Append one event to the audit file `path` (default `audit_path()`) and return it.
    `event` must be one of EVENTS (ValueError otherwise); `fields` must be JSON-serialisable
    (dates and paths are written as text). Raises OSError when the file cannot be written: an
    action that must leave a trace should not go ahead silently without one."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "event": event, "who": who, **fields}
    line = json.dumps(entry, ensure_ascii=False, default=str, sort_keys=False) + "\n"
    target = Path(path or audit_path())
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)  # closing releases the lock
    return entry


def read(path: Path | None = None) -> list[dict[str, Any]]:
    """Every event of the audit file, oldest first ([] when there is none yet). A line that is
    not JSON (a torn write after a crash) is returned as {"event": "unreadable", "line": n}."""
    target = Path(path or audit_path())
    if not target.is_file():
        return []
    out = []
    with target.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                out.append({"event": "unreadable", "line": n})
    return out


def sha256(path: Path) -> str:
    """The SHA-256 of the file at `path`, hex (what a load records of each file)."""
    h = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def record_load(
    files: Iterable[Path],
    results: Iterable[dict[str, Any]],
    who: str | None = None,
    via: str = "cli",
    path: Path | None = None,
) -> dict[str, Any]:
    """Append a `load` event: `files` (name and sha256 of each, no folders), `results` (per file:
    status and row counts, from etl's FileResult.as_dict()), `who` (default: the operating-system
    user, for a command-line load) and `via` ("cli" or "upload"). A file's sha256 is the one its
    result carries (the load hashed it already), else it is read and hashed here."""
    keep = ("status", "rows_read", "rows_loaded", "rows_replaced", "rows_quarantined")
    results = list(results)
    hashed = {Path(str(r["path"])).resolve(): r["sha256"] for r in results if r.get("sha256") and r.get("path")}
    listed = []
    for p in files:
        p = Path(p)
        digest = hashed.get(p.resolve()) or (sha256(p) if p.is_file() else None)
        listed.append({"file": p.name, "sha256": digest})
    summary = [{k: r.get(k) for k in keep if k in r} | {"file": Path(str(r.get("path", ""))).name} for r in results]
    return record("load", who or os_user(), path, via=via, files=listed, result=summary)
