"""Uploads from the browser: refused before reading unless size and type check out; accepted
ones load through the real ETL and their quarantined rows can be shown."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from oversight import upload
from tests.conftest import build_tiny


def _report_with_one_bad_row() -> bytes:
    """A monthly sheet as Excel saves it: two rows, the second resolves more than it received."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "月度指标"
    ws.append(["报告月份", "乡镇(街道)", "村(社区)", "户数", "诉求受理数", "诉求办结数"])
    ws.append(["2024-01", "新政镇", "东北社区", 3000, 20, 19])
    ws.append(["2024-01", "新政镇", "临江社区", 2000, 20, 25])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("report.pdf", b"%PDF-1.4", "不支持的文件类型 .pdf"),
        ("report", b"a,b\n", "不支持的文件类型 (无扩展名)"),
        ("empty.csv", b"", "文件是空的"),
        ("fake.xlsx", b"just some text, renamed", "不是 Excel 工作簿"),
        ("fake.xls", b"PK\x03\x04 a zip, not an OLE file", "不是旧版 Excel 工作簿"),
        ("binary.csv", b"PK\x03\x04\x00\x00binary", "不是 CSV 文本"),
    ],
)
def test_refused_uploads_say_why(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(upload.UploadRejected, match=reason.replace("(", r"\(").replace(")", r"\)")):
        upload.check(name, data)


def test_too_large_upload_is_refused_before_it_is_read() -> None:
    data = b"PK\x03\x04" + b"\x00" * upload.MAX_BYTES
    with pytest.raises(upload.UploadRejected, match="文件太大"):
        upload.check("big.xlsx", data)


def test_file_name_cannot_escape_the_upload_folder(tmp_path: Path) -> None:
    stored = upload.store("../../etc/新政镇报表.csv", "报告月份,村(社区)\n".encode(), tmp_path)
    assert stored.path.parent.parent == tmp_path / "uploads"
    assert stored.path.name == "新政镇报表.csv"


def test_upload_loads_good_rows_and_lists_the_quarantined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = build_tiny(tmp_path / "w.duckdb")
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    results, refused = upload.load_uploads([("新政镇.xlsx", _report_with_one_bad_row()), ("notes.pdf", b"%PDF")], db)
    assert [name for name, _ in refused] == ["notes.pdf"]
    assert len(results) == 1
    r = results[0]
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined) == (2, 1, 1)
    assert r.path.is_file() and r.path.parent.parent == tmp_path / "uploads"

    from oversight.queries.upload import quarantined

    bad = quarantined([str(r.path)])
    assert bad["row_number"].tolist() == [3]
    assert "诉求办结数 25 > 诉求受理数 20" in bad["reason"].iloc[0]
    assert bad["file"].tolist() == ["新政镇.xlsx"]  # the sender's file name, not where the server stored it


def test_browser_limit_matches_the_server_check() -> None:
    import tomllib

    config = tomllib.loads((Path(__file__).parents[2] / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 2**20 == upload.MAX_BYTES


def test_upload_page_opens_without_a_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page that can create the warehouse must not be blocked by its absence."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("OVERSIGHT_DB", str(tmp_path / "none.duckdb"))
    st.cache_data.clear()
    at = AppTest.from_file(str(Path(__file__).parents[2] / "pages" / "upload.py"), default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "上传报表"
    assert any("20 MB" in m.value for m in at.markdown)


def test_the_upload_summary_shows_notes_and_no_server_path(tmp_path: Path) -> None:
    db = build_tiny(tmp_path / "w.duckdb")
    csv = "报告月份,村(社区),户数,备注\n2024-03,东北社区,3000,新建小区2个\n".encode()
    results, _ = upload.load_uploads([("新政镇.csv", csv)], db)
    table, counts = upload.summary(results)
    row = table.iloc[0]
    assert row["file"] == "新政镇.csv" and str(tmp_path) not in " ".join(map(str, row.tolist()))
    assert row["status"] == "partial" and "忽略未知列: 备注" in row["notes"] and row["notes"].startswith("！")
    assert counts == {"loaded": 1, "replaced": 1, "quarantined": 0}  # the tiny warehouse has 东北社区 2024-03


def test_an_unexpected_error_is_an_incident_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = build_tiny(tmp_path / "w.duckdb")

    def broken(*args, **kw):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("disk on fire at /srv/secret/path")

    monkeypatch.setattr(upload, "load_paths", broken)
    results, refused = upload.load_uploads(
        [("新政镇.csv", "报告月份,村(社区),户数\n2024-03,东北社区,3000\n".encode())], db
    )
    assert results == [] and len(refused) == 1
    name, reason = refused[0]
    assert name == "新政镇.csv" and "编号" in reason and "/srv/secret" not in reason
    assert "disk on fire" in (tmp_path / "logs" / "incidents.log").read_text(encoding="utf-8")


def test_the_page_says_who_it_waits_for_in_its_language() -> None:
    from etl.warehouse import Waiting

    w = Waiting(pid=4321, what="load of 3 files", since=None, waited=12.4)
    assert w.message("zh") == "另一个装载正在进行（进程 4321），已等待 12 秒"
    assert w.message("en") == "another load is running (pid 4321); waited 12 s"
    assert w.message() == f"{w.message('zh')} / {w.message('en')}"  # the CLI prints both
