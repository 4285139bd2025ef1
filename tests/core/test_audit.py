"""The audit record: appended, read back, beside the warehouse and untouched by a load's swap."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from core import audit
from etl.warehouse import writer


def test_events_are_appended_and_read_back_in_order(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    audit.record("sign_in", "wang", path, client="10.0.0.5", via="password")
    audit.record("download", "wang", path, table="诉求", filters={"town": "511324101000"}, rows=12)
    events = audit.read(path)
    assert [(e["event"], e["who"]) for e in events] == [("sign_in", "wang"), ("download", "wang")]
    assert events[1]["rows"] == 12 and events[1]["filters"] == {"town": "511324101000"}
    assert "诉求" in path.read_text(encoding="utf-8")  # written as text an auditor can read
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2


def test_an_unknown_event_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown audit event"):
        audit.record("delete_everything", "x", tmp_path / "a.jsonl")
    assert not (tmp_path / "a.jsonl").exists()


def test_a_load_records_the_os_user_files_with_sha256_and_result(tmp_path: Path) -> None:
    report = tmp_path / "新政镇_2024年1月.csv"
    report.write_bytes("社区,户数\n东北社区,3000\n".encode())
    path = tmp_path / "audit.jsonl"
    entry = audit.record_load([report], [{"path": str(report), "status": "loaded", "rows_loaded": 1}], path=path)
    assert entry["who"] == audit.os_user() and entry["via"] == "cli"
    assert entry["files"] == [{"file": report.name, "sha256": hashlib.sha256(report.read_bytes()).hexdigest()}]
    assert entry["result"] == [{"status": "loaded", "rows_loaded": 1, "file": report.name}]
    assert str(tmp_path) not in path.read_text(encoding="utf-8")  # names, never server folders


def test_the_record_lives_beside_the_warehouse_and_survives_a_load(tiny_db: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("OVERSIGHT_AUDIT", raising=False)
    path = audit.audit_path(tiny_db)
    assert path.parent.parent == tiny_db.parent and path.parent != tiny_db
    audit.record("sign_in", "li", path)
    with writer(tiny_db) as con:  # a load: copy, change, swap
        con.execute("DELETE FROM stg_monthly WHERE month = DATE '2024-01-01'")
    assert [e["who"] for e in audit.read(path)] == ["li"]
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[0])["event"] == "sign_in"


def test_a_load_is_recorded_with_the_hash_the_load_computed_without_reading_the_file_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from etl.load import load_paths

    report = tmp_path / "新政镇_2024年1月.csv"
    report.write_text("报告月份,乡镇(街道),村(社区),户数\n2024-01,新政镇,东北社区,3000\n", encoding="utf-8")
    (result,) = load_paths([report], db=tmp_path / "w.duckdb")
    assert result.sha256 == hashlib.sha256(report.read_bytes()).hexdigest()

    def read_again(path: Path) -> str:
        raise AssertionError(f"{path.name} hashed a second time")

    monkeypatch.setattr(audit, "sha256", read_again)
    entry = audit.record_load([report], [result.as_dict()], path=tmp_path / "audit.jsonl")
    assert entry["files"] == [{"file": report.name, "sha256": result.sha256}]
