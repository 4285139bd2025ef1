"""The 上传报表 page through AppTest: choose a file, preview (nothing written), confirm (loaded
as previewed) or cancel (nothing loaded); statuses in words, no server path on screen."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from oversight.auth.users import User
from tests.conftest import FILES
from tests.pages.test_page_auth import _shown_text

ROOT = Path(__file__).resolve().parents[2]
CORRECTED = FILES / "load" / "monthly_xinzheng_2022-07_corrected.xlsx"
REPORT = FILES / "load" / "monthly_xinzheng_2022-07.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _months(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT COUNT(*) FROM community_month").fetchall()[0][0]


@pytest.fixture
def page(tiny_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("OVERSIGHT_DB", str(tiny_db))
    monkeypatch.setenv("OVERSIGHT_AUDIT", str(tmp_path / "audit.jsonl"))
    monkeypatch.delenv("OVERSIGHT_USERS", raising=False)  # the open demo: an admin
    at = AppTest.from_file(str(ROOT / "pages" / "upload.py"), default_timeout=120)
    at.session_state["auth_session"] = {"user": User("demo", "admin"), "via": "demo", "seen": time.time()}
    return at.run()


def _preview(at: AppTest, path: Path) -> AppTest:
    at.file_uploader[0].set_value([(path.name, path.read_bytes(), XLSX)]).run()
    next(b for b in at.button if b.label == "预览").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_preview_then_confirm_loads_what_was_shown(page: AppTest, tiny_db: Path) -> None:
    before = _months(tiny_db)
    at = _preview(page, REPORT)
    assert _months(tiny_db) == before  # the preview wrote nothing
    (would,) = [m.value for m in at.markdown if "将装入" in m.value]
    shown = at.dataframe[0].value
    assert shown["status"].tolist() == ["将装载"]  # nothing is loaded yet (it said 已装载)
    n = int(shown["rows_loaded"].iloc[0])
    assert f"将装入 {n} 行" in would and n > 0
    assert str(tiny_db.parent) not in _shown_text(at)
    at.button(key="upload_confirm").click().run()
    assert not at.exception
    assert _months(tiny_db) == before + n
    assert any(f"装入 {n} 行" in m.value for m in at.markdown if "已处理" in m.value)
    assert at.dataframe[0].value["status"].tolist() == ["已装载"]
    assert not [b for b in at.button if b.key in ("upload_confirm", "upload_cancel")]  # done: no buttons left


def test_cancel_loads_nothing(page: AppTest, tiny_db: Path) -> None:
    before = _months(tiny_db)
    at = _preview(page, REPORT)
    at.button(key="upload_cancel").click().run()
    assert "已取消，未装载任何数据。" in [i.value for i in at.info]
    assert _months(tiny_db) == before and not at.get("dataframe")
    assert not [b for b in at.button if b.key in ("upload_confirm", "upload_cancel")]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", "未接受 新政镇.xlsx：文件内容不是 Excel 工作簿（.xlsx），请在 Excel 中另存为 .xlsx 后重新上传"),
        (
            "en",
            "Not accepted 新政镇.xlsx: The content is not an Excel workbook (.xlsx): save it from Excel as .xlsx and upload again",
        ),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused_in_the_users_language_with_what_to_do(
    page: AppTest, lang: str, expected: str
) -> None:
    """The English UI said 'Not accepted …: 文件内容不是 Excel 工作簿（.xlsx）/ not an Excel workbook'
    and neither half said what to do (new-user pass: a .png renamed .xlsx)."""
    if lang == "en":
        page.radio(key="w_f_lang").set_value("en").run()
    page.file_uploader[0].set_value([("新政镇.xlsx", b"\x89PNG\r\n\x1a\n fake", XLSX)]).run()
    next(b for b in page.button if b.label in ("预览", "Preview")).click().run()
    assert [e.value for e in page.error] == [expected]


def test_the_english_preview_reads_in_english(page: AppTest) -> None:
    """The per-file message came bilingual into the English UI ("装载 … / loaded …"), as the
    refusal did: the ETL's "中文 / English" texts are shown in the user's language."""
    page.radio(key="w_f_lang").set_value("en").run()
    page.file_uploader[0].set_value([(REPORT.name, REPORT.read_bytes(), XLSX)]).run()
    next(b for b in page.button if b.label == "Preview").click().run()
    assert not page.exception
    message = page.dataframe[0].value["message"].iloc[0]
    assert message.startswith("Loaded ") and "装载" not in message


def test_a_preview_warns_before_a_stored_number_changes_by_more_than_half(page: AppTest, tmp_path: Path) -> None:
    """A clerk previewing a file that halved 2022年7月's 户数 saw only the list of changes and a
    status that read 已装载 (new-user pass): a change of more than half is named before the confirm;
    ordinary corrections (1,800 → 1,850) are not."""
    import openpyxl

    at = _preview(page, REPORT)
    at.button(key="upload_confirm").click().run()
    at = _preview(at, CORRECTED)
    assert not [w for w in at.warning if "一半以上" in w.value]  # small corrections: no warning
    at.button(key="upload_cancel").click().run()
    wb = openpyxl.load_workbook(REPORT)
    ws = wb.active
    households = next(c.column for c in ws[2] if c.value == "户数")
    ws.cell(4, households).value = 600  # 东北社区: 1,800 stored
    halved = tmp_path / "monthly_xinzheng_2022-07_halved.xlsx"
    wb.save(halved)
    at = _preview(at, halved)
    print([w.value for w in at.warning], [m.value for m in at.markdown][:5], [e.value for e in at.error])
    [warning] = [w.value for w in at.warning if "一半以上" in w.value]
    assert warning.startswith("有 1 个已装载的数值将变化一半以上") and "户数(户)" in warning and "2022年7月" in warning
