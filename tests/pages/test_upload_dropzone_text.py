"""The 上传报表 page puts Chinese over Streamlit's own dropzone texts ("Upload", "20MB per file
…", "Drag and drop files here") in the Chinese UI only; tests/browser/test_uploader_zh.py checks
in Chromium that the CSS lands on the 1.67 dropzone."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from oversight.auth.users import User

ROOT = Path(__file__).resolve().parents[2]


def _styles(at: AppTest) -> str:
    return " ".join(str(getattr(h, "proto", h)) for h in at.get("html"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dropzone_texts_follow_the_language(tiny_db: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    monkeypatch.setenv("OVERSIGHT_DB", str(tiny_db))
    monkeypatch.delenv("OVERSIGHT_USERS", raising=False)
    at = AppTest.from_file(str(ROOT / "pages" / "upload.py"), default_timeout=120)
    at.session_state["auth_session"] = {"user": User("demo", "admin"), "via": "demo", "seen": time.time()}
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("file_uploader")
    css = _styles(at)
    if lang == "zh":
        assert "stFileUploaderDropzone" in css and "选择文件" in css and "将文件拖放到此处" in css
        assert "每个文件不超过 20 MB" in css  # .streamlit/config.toml's maxUploadSize
    else:
        assert "stFileUploaderDropzone" not in css  # Streamlit's own English stays
