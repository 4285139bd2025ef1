"""What the 管理 page shows: the audit record and the users, as tables (never a hash)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from core import audit
from core.settings import COUNTY_TIMEZONE
from oversight.auth import users

AUDIT_COLUMNS = ("at", "event", "who", "client", "details")


def audit_table(path: Path | None = None, newest_first: bool = True) -> pd.DataFrame:
    """Every event of the audit record (core.audit.read): at (北京时间, naive datetime to the
    second; the record keeps UTC), event, who, client, details (the event's other fields as JSON
    text); newest first unless told otherwise."""
    rows = []
    for e in audit.read(path):
        rest = {k: v for k, v in e.items() if k not in AUDIT_COLUMNS}
        rows.append({**{k: e.get(k) for k in AUDIT_COLUMNS[:-1]}, "details": json.dumps(rest, ensure_ascii=False)})
    df = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
    at = pd.to_datetime(df["at"], utc=True, errors="coerce", format="ISO8601")
    df["at"] = at.dt.tz_convert(COUNTY_TIMEZONE).dt.tz_localize(None)  # the clock the rest of the app shows
    return df.iloc[::-1].reset_index(drop=True) if newest_first else df


def users_table(path: Path | None) -> pd.DataFrame:
    """The users of the users file: user_name, role, towns (codes, comma-separated), upload,
    sign_in ("password", or "oidc/proxy" for a user without one)."""
    rows = [
        {
            "user_name": u.name,
            "role": u.role,
            "towns": ",".join(u.towns),
            "upload": u.upload,
            "sign_in": "password" if u.hash else "oidc/proxy",
        }
        for u in sorted((users.load(path) if path else {}).values(), key=lambda u: u.name)
    ]
    return pd.DataFrame(rows, columns=["user_name", "role", "towns", "upload", "sign_in"])
