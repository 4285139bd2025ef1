"""Unexpected errors, recorded where an administrator can read them and never shown raw.

A user sees one line with an incident id ("意外错误，编号 3f9a2c1b / unexpected error, incident
3f9a2c1b"); the traceback, with the same id, goes to a log file beside the warehouse
(`<warehouse folder>/logs/incidents.log`). Both the ETL and the dashboard record here.
"""

from __future__ import annotations

import logging
import secrets
import traceback
from datetime import datetime
from pathlib import Path

from core.paths import db_path

_log = logging.getLogger("oversight.incidents")


def log_file(db: Path | None = None) -> Path:
    """The incident log for the warehouse at `db` (default: the configured one)."""
    return Path(db or db_path()).parent / "logs" / "incidents.log"


def record(context: str, db: Path | None = None) -> str:
    """Write the exception being handled (call from an `except` block) with `context` (what was
    being done, e.g. the file's name) to the incident log; return the incident id (8 hex
    digits). Never raises: if the log cannot be written, the traceback goes to the Python log."""
    incident = secrets.token_hex(4)
    text = (
        f"[{datetime.now().isoformat(timespec='seconds')}] incident {incident}: {context}\n{traceback.format_exc()}\n"
    )
    try:
        path = log_file(db)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(text)
    except OSError:
        _log.error(text)
    return incident


def user_message(incident: str) -> str:
    """The line a user sees for an incident."""
    return f"意外错误，已记录（编号 {incident}），请联系管理员 / unexpected error, recorded as incident {incident}"
