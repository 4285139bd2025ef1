"""Users, passwords and failed sign-ins: Argon2id hashes, the command line (never echoing a
password), and throttling kept on disk."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core import audit
from oversight.auth import throttle, users

ROOT = Path(__file__).resolve().parents[2]


def test_a_password_is_stored_only_as_a_salted_argon2id_hash(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    users.add(path, "wang", "town", ("511324101000",), "s3cret-pass")
    users.add(path, "li", "town", ("511324101000",), "s3cret-pass")
    text = path.read_text(encoding="utf-8")
    assert "s3cret-pass" not in text
    a, b = users.load(path)["wang"].hash, users.load(path)["li"].hash
    assert a.startswith("$argon2id$") and a != b  # a salt of its own
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert users.verify(path, "wang", "s3cret-pass").allowed_towns == ("511324101000",)
    assert users.verify(path, "wang", "s3cret-pasS") is None
    assert users.verify(path, "nobody", "s3cret-pass") is None


def test_roles_and_townships_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    with pytest.raises(users.UsersError, match="--town"):
        users.add(path, "wang", "town", (), "s3cret-pass")
    with pytest.raises(users.UsersError, match="12 digits"):
        users.add(path, "wang", "town", ("5113",), "s3cret-pass")
    with pytest.raises(users.UsersError, match="role"):
        users.add(path, "wang", "root", (), "s3cret-pass")
    county = users.add(path, "li", "county", (), "s3cret-pass")
    assert county.allowed_towns is None and not county.can_upload
    assert users.add(path, "zh", "town", ("511324101000",), "s3cret-pass", upload=True).can_upload


def _cli(*args: str, stdin: str = "", env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "oversight", "users", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ | env,
        timeout=60,
    )


def test_the_command_line_adds_lists_changes_and_removes_users_without_echoing(tmp_path: Path) -> None:
    env = {"OVERSIGHT_USERS": str(tmp_path / "users.json"), "OVERSIGHT_AUDIT": str(tmp_path / "audit.jsonl")}
    done = _cli("add", "wang", "--role", "town", "--town", "511324101000", "--password-stdin",
                stdin="first-pass-1\n", env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "first-pass-1" not in done.stdout + done.stderr
    assert users.verify(tmp_path / "users.json", "wang", "first-pass-1")
    listed = _cli("list", env=env)
    assert listed.stdout.split("\t")[:3] == ["wang", "town", "511324101000"]
    assert "argon2" not in listed.stdout
    assert _cli("passwd", "wang", "--password-stdin", stdin="second-pass-2\n", env=env).returncode == 0
    assert users.verify(tmp_path / "users.json", "wang", "second-pass-2")
    assert not users.verify(tmp_path / "users.json", "wang", "first-pass-1")
    short = _cli("passwd", "wang", "--password-stdin", stdin="short\n", env=env)
    assert short.returncode == 2 and "至少 8" in short.stderr
    assert _cli("remove", "wang", env=env).returncode == 0
    assert users.load(tmp_path / "users.json") == {}
    events = [(e["event"], e["user"], e["who"]) for e in audit.read(tmp_path / "audit.jsonl")]
    me = audit.os_user()
    assert events == [("user_add", "wang", me), ("user_passwd", "wang", me), ("user_remove", "wang", me)]
    inside = _cli("list", env={"OVERSIGHT_USERS": str(ROOT / "users.json")})
    assert inside.returncode == 2 and "项目目录" in inside.stderr


def test_failed_sign_ins_are_throttled_per_user_and_per_client_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    for _ in range(throttle.MAX_PER_USER - 1):
        throttle.failed(path, "wang", "10.0.0.5")
    assert throttle.wait_seconds(path, "wang", "10.0.0.9") == 0
    throttle.failed(path, "wang", "10.0.0.5")
    # Blocked for the name from any address; read back from the file, as after a restart.
    assert 0 < throttle.wait_seconds(path, "WANG", "10.0.0.9") <= throttle.WINDOW
    assert throttle.wait_seconds(path, "li", "10.0.0.9") == 0
    for i in range(throttle.MAX_PER_CLIENT):  # one address trying many names
        throttle.failed(path, f"guess{i}", "10.0.0.7")
    assert throttle.wait_seconds(path, "li", "10.0.0.7") > 0
    assert throttle.wait_seconds(path, "li", "10.0.0.8") == 0
    throttle.succeeded(path, "wang")
    assert throttle.wait_seconds(path, "wang", "10.0.0.9") == 0


def test_an_upload_from_the_page_is_in_the_audit_record(tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    from oversight import upload

    monkeypatch.delenv("OVERSIGHT_AUDIT", raising=False)
    report = ROOT / "tests" / "files" / "load" / "monthly_xinzheng_2022-07.xlsx"
    results, refused = upload.load_uploads([(report.name, report.read_bytes())], tiny_db, who="admin1")
    assert not refused and results[0].rows_loaded > 0
    (event,) = audit.read(audit.audit_path(tiny_db))
    assert (event["event"], event["who"], event["via"]) == ("load", "admin1", "upload")
    assert event["files"] == [{"file": report.name, "sha256": hashlib.sha256(report.read_bytes()).hexdigest()}]
    assert event["result"][0]["rows_loaded"] == results[0].rows_loaded
    assert event["result"][0]["status"] == results[0].status
