"""Backups of the warehouse, audit record and users file, and a restore from one (the scripts
docs/deployment.md tells an office to run)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb

from core import audit
from oversight.auth import users

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / script), *args], capture_output=True, text=True, env=os.environ | env,
        timeout=120,
    )  # fmt: skip


def _months(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT COUNT(*) FROM community_month").fetchall()[0][0]


def test_a_backup_restores_the_warehouse_audit_and_users(tiny_db: Path, tmp_path: Path) -> None:
    env = {
        "OVERSIGHT_DB": str(tiny_db),
        "OVERSIGHT_AUDIT": str(tmp_path / "audit" / "audit.jsonl"),
        "OVERSIGHT_USERS": str(tmp_path / "etc" / "users.json"),
    }
    users.add(Path(env["OVERSIGHT_USERS"]), "wang", "county", (), "s3cret-pass")
    audit.record("sign_in", "wang", Path(env["OVERSIGHT_AUDIT"]))
    before = _months(tiny_db)
    made = _run("backup.sh", str(tmp_path / "backups"), env=env)
    assert made.returncode == 0, made.stderr
    folder = Path(made.stdout.strip().splitlines()[-1])
    assert sorted(p.name for p in folder.iterdir()) == ["SHA256SUMS", "audit.jsonl", "users.json", "warehouse.duckdb"]

    # The disaster: the warehouse is lost, the users file and the audit record too.
    tiny_db.unlink()
    Path(env["OVERSIGHT_USERS"]).unlink()
    Path(env["OVERSIGHT_AUDIT"]).write_text("", encoding="utf-8")
    done = _run("restore.sh", str(folder), env=env)
    assert done.returncode == 0, done.stderr
    assert _months(tiny_db) == before > 0
    assert users.verify(Path(env["OVERSIGHT_USERS"]), "wang", "s3cret-pass") is not None
    assert [e["who"] for e in audit.read(Path(env["OVERSIGHT_AUDIT"]))] == ["wang"]
    assert list(Path(env["OVERSIGHT_AUDIT"]).parent.glob("audit.jsonl.before-restore-*"))  # nothing lost

    # A damaged backup is refused before anything is touched.
    (folder / "warehouse.duckdb").write_bytes(b"not a warehouse")
    bad = _run("restore.sh", str(folder), env=env)
    assert bad.returncode == 2 and "SHA256SUMS" in bad.stderr
    assert _months(tiny_db) == before
