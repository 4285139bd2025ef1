"""The upload preview: the ETL's dry run writes nothing, and the confirmed load does exactly
what it showed; a town user's upload cannot touch another township; a preview outrun by
another load is refused."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from core import audit
from oversight import upload
from tests.conftest import FILES

XINZHENG, JINCHENG = "511324101000", "511324100000"
REPORT = FILES / "load" / "monthly_xinzheng_2022-07.xlsx"
CORRECTED = FILES / "load" / "monthly_xinzheng_2022-07_corrected.xlsx"
COUNTS = ("status", "rows_read", "rows_loaded", "rows_replaced", "rows_quarantined", "values_changed")


def _rows(db: Path, town: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT * FROM community_month WHERE town_code = ? ORDER BY ALL", [town]).fetchall()


@pytest.fixture
def db(tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("OVERSIGHT_AUDIT", raising=False)
    upload.load_uploads([(REPORT.name, REPORT.read_bytes())], tiny_db, who="admin1")
    return tiny_db


def test_the_preview_writes_nothing_and_the_confirmed_load_does_what_it_showed(db: Path) -> None:
    before = _rows(db, XINZHENG)
    staged = upload.stage([(CORRECTED.name, CORRECTED.read_bytes())], db)
    assert _rows(db, XINZHENG) == before  # nothing written by the preview
    (shown,) = staged.results
    assert shown.rows_replaced > 0 and shown.values_changed > 0 and shown.changes
    assert len(audit.read(audit.audit_path(db))) == 1  # a preview is not a load
    loaded, refused = upload.confirm(staged, db, who="admin1")
    assert not refused
    assert [getattr(loaded[0], k) for k in COUNTS] == [getattr(shown, k) for k in COUNTS]
    assert loaded[0].changes == shown.changes
    assert _rows(db, XINZHENG) != before
    last = audit.read(audit.audit_path(db))[-1]
    assert (last["event"], last["who"], last["result"][0]["rows_replaced"]) == ("load", "admin1", shown.rows_replaced)
    table = upload.changes(staged.results, "zh", {c["key"]["community_code"]: "东北社区" for c in shown.changes})
    assert list(table.columns) == ["file", "kind", "unit", "what", "column", "old", "new"]
    assert len(table) == len(shown.changes)
    # in the sender's terms: the kind, the community's name, the month, the report's header; 600 not 600.0
    assert set(table["kind"]) == {"月度指标"} and set(table["unit"]) == {"东北社区"}
    assert set(table["what"]) == {"2022年7月"}
    assert not any("_" in c for c in table["column"]) and not any(v.endswith(".0") for v in table["old"])
    assert str(db.parent) not in table.to_csv() + upload.summary(staged.results)[0].to_csv()


def test_a_town_users_upload_cannot_touch_another_township(db: Path) -> None:
    before = _rows(db, XINZHENG)
    staged = upload.stage([(CORRECTED.name, CORRECTED.read_bytes())], db, towns=frozenset({JINCHENG}))
    (shown,) = staged.results
    assert shown.rows_loaded == 0 and shown.rows_quarantined == shown.rows_read > 0
    assert "不属于可上传的乡镇" in shown.reasons[0]["reason"]
    loaded, _ = upload.confirm(staged, db, who="jc")
    assert loaded[0].rows_loaded == 0 and _rows(db, XINZHENG) == before


def test_a_preview_outrun_by_another_load_is_refused_and_cancel_deletes_the_files(db: Path) -> None:
    staged = upload.stage([(CORRECTED.name, CORRECTED.read_bytes())], db)
    upload.load_uploads([(CORRECTED.name, CORRECTED.read_bytes())], db, who="other")
    with pytest.raises(upload.StalePreview):
        upload.confirm(staged, db, who="admin1")
    assert all(p.is_file() for p in staged.paths)
    upload.discard(staged)
    assert not any(p.exists() for p in staged.paths)


def test_the_preview_shows_each_sheet_s_kind_and_rows_and_the_load_then_does_the_same(tiny_db: Path) -> None:
    book = FILES / "load" / "workbook_2022-11.xlsx"
    staged = upload.stage([(book.name, book.read_bytes())], tiny_db)
    sheets = upload.by_sheet(staged.results)
    assert dict(zip(sheets["sheet"], sheets["kind"], strict=True)) == {
        "月度指标": "月度指标",
        "月报(补报)": "月度指标",
        "小区党组织": "小区党组织",
        "阵地建设": "阵地建设",
        "志愿服务": "志愿服务",
        "民情诉求": "民情诉求",
    }
    (shown,) = staged.results
    for k in ("rows_read", "rows_loaded", "rows_quarantined"):
        assert sheets[k].sum() == getattr(shown, k)
    assert upload.by_sheet(staged.results, "en")["kind"].tolist()[0] == "Monthly indicators"
    loaded, _ = upload.confirm(staged, tiny_db, who="admin1")
    assert loaded[0].sheets == shown.sheets
