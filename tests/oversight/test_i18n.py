"""oversight.i18n: conflicting registrations raise in tests and never crash a running app;
every page's strings, registered together in one process, agree."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from oversight import i18n
from tests.pages_fixtures import pages_db  # noqa: F401  (a fixture)

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ["dashboard.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]


@pytest.fixture
def scratch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registrations made by the test are forgotten afterwards."""
    monkeypatch.setattr(i18n, "_STRINGS", dict(i18n._STRINGS))
    monkeypatch.setattr(i18n, "_CONFLICTS", list(i18n._CONFLICTS))


def test_a_conflicting_key_raises_in_tests(scratch: None) -> None:
    i18n.register({"test.word": ("词", "word")})
    i18n.register({"test.word": ("词", "word")})  # the same text again is fine
    with pytest.raises(ValueError, match="test.word"):
        i18n.register({"test.word": ("词", "term")})


def test_outside_tests_the_latest_text_wins(scratch: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    monkeypatch.delenv("OVERSIGHT_I18N_STRICT", raising=False)
    monkeypatch.setattr(i18n, "STRICT", False)
    i18n.register({"test.word": ("词", "word")})
    i18n.register({"test.word": ("词", "term")})
    assert i18n.t("test.word", "en") == "term"
    assert "test.word" in i18n.conflicts()


def test_every_page_registers_its_strings_without_conflicts(pages_db: Path) -> None:  # noqa: F811
    """All pages in one process, as on a server: no key is registered with two texts (also
    none of the import-time registrations that ran before the test, outside strict mode)."""
    for script in SCRIPTS:
        at = AppTest.from_file(str(ROOT / script), default_timeout=60).run()
        assert not at.exception, (script, [e.value for e in at.exception])
    assert i18n.conflicts() == []


def test_every_fixed_choice_of_the_reports_has_an_english_name() -> None:
    from core.contract import KINDS
    from oversight.i18n import choice_label

    choices = {c for k in KINDS for col in k.columns for c in col.choices}
    untranslated = {c for c in choices if choice_label(c, "en") == c}
    assert not untranslated
    assert all(choice_label(c, "zh") == c for c in choices)


def test_report_kinds_read_as_the_sender_knows_them() -> None:
    """The 数据 page's 隔离数据 showed 报表类型 monthly / request (new-user pass)."""
    from core.contract import KINDS
    from oversight.i18n import kind_label

    assert [kind_label(k.name, "zh") for k in KINDS] == [k.zh for k in KINDS]
    assert all(kind_label(k.name, "en") != k.name for k in KINDS)  # every kind has an English name
    assert kind_label("community_month", "zh") == "community_month"  # anything else unchanged


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        (
            "文件是空的，请检查后重新上传 / the file is empty: check it",
            "文件是空的，请检查后重新上传",
            "The file is empty: check it",
        ),
        (
            "月份不明确（2022-01 / 2022-10）/ ambiguous (2022-01 / 2022-10)",
            "月份不明确（2022-01 / 2022-10）",
            "Ambiguous (2022-01 / 2022-10)",
        ),
        (
            "装载 296 行（替换 1 行），隔离 1 行 / loaded 296 rows (1 replaced), 1 quarantined；"
            "例 / e.g. 月度指标 第 67 行 / row 67: 报告月份 2032-07 晚于装载日期 2026-12-02 / month is after the load date",
            "装载 296 行（替换 1 行），隔离 1 行；例：月度指标 第 67 行：报告月份 2032-07 晚于装载日期 2026-12-02",
            "Loaded 296 rows (1 replaced), 1 quarantined; e.g. 月度指标 row 67: Month is after the load date",
        ),
        ("only English here", "only English here", "only English here"),
        ("只有中文", "只有中文", "只有中文"),
    ],
)
def test_a_two_language_message_in_one_language(text: str, zh: str, en: str) -> None:
    from oversight.i18n import one_language

    assert (one_language(text, "zh"), one_language(text, "en")) == (zh, en)
