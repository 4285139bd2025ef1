"""通报 through AppTest: the preview shows the bulletin's sections for the chosen month and
scope; building it shows progress and then both downloads."""

from __future__ import annotations

from pathlib import Path

from tests.pages_fixtures import XINZHENG, pages_db, run_page, texts  # noqa: F401  (a fixture)


def test_preview_then_build_gives_docx_and_pdf(pages_db: Path) -> None:  # noqa: F811
    at = run_page("bulletin")
    shown = texts(at)
    for heading in ("一、总体情况", "二、排名情况", "三、红黑榜", "四、存在问题", "五、下步工作"):
        assert heading in shown
    assert "关于2024年3月全县社区治理工作情况的通报" in shown
    at.selectbox(key="bulletin_town").set_value(XINZHENG).run()
    assert "关于2024年3月新政镇社区治理工作情况的通报" in texts(at)
    assert not at.get("download_button")
    at.button(key="bulletin_build").click().run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    assert [s.label for s in at.status] == ["通报已生成"]
    assert sorted(b.proto.label for b in at.get("download_button")) == ["下载 PDF", "下载 Word 文档（.docx）"]
