"""Sign-in and township scope on every page, through AppTest on the page-test warehouse.

The pages come from oversight.frame.shell.PAGES, so a page added there is covered here too.
A town user of 金城镇 must see nothing of 新政镇 (东北社区, 临江社区 hold its data) — asserted on
the tables shown, on the charts' data, on every text, and on every download the page offers
(called as the download button would) — also when the URL names 新政镇 or one of its
communities. Signed out, every page shows only the sign-in form.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from core import audit
from core.settings import COUNTY_TIMEZONE
from oversight.auth import users
from oversight.auth.users import User
from oversight.frame.components import OFFERED
from oversight.frame.shell import PAGES
from tests.pages_fixtures import DUMEN, JINCHENG, XINZHENG, pages_db  # noqa: F401 - a fixture

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = [script for script, _, _ in PAGES if (ROOT / script).is_file()]
NAMES = {script: key.removeprefix("page.") for script, key, _ in PAGES}
OTHER = ("新政镇", "东北社区", "临江社区")  # the other township and its communities with data
DONGBEI = "511324101001"
PASSWORD = "correct horse 42"
pytestmark = pytest.mark.usefixtures("pages_db")


@pytest.fixture
def users_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A users file (an admin; a town user of 金城镇 and 度门街道, which has no data, so the
    page shows both townships and the scope, not the township picked, must keep 新政镇 out)
    as OVERSIGHT_USERS; the audit in tmp."""
    path = tmp_path / "etc" / "users.json"
    users.add(path, "admin1", "admin", password=PASSWORD)
    users.add(path, "jc", "town", (JINCHENG, DUMEN), password=PASSWORD)
    monkeypatch.setenv("OVERSIGHT_USERS", str(path))
    monkeypatch.setenv("OVERSIGHT_AUDIT", str(tmp_path / "audit.jsonl"))
    return path


def _app(script: str, user: User | None = None, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    if user is not None:  # what a successful sign-in leaves in the session (the form: below)
        at.session_state["auth_session"] = {"user": user, "via": "password", "seen": time.time()}
    if params:
        at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _walk(node: object) -> Iterator[object]:
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _walk(child)
    else:
        yield node


def _shown_text(at: AppTest) -> str:
    """Every element's content as text (charts: their data; tables: every cell)."""
    parts = []
    for el in _walk(at._tree):
        if el.type == "dataframe":
            parts.append(el.value.astype(str).to_csv())
        elif el.type == "plotly_chart":
            parts.append(json.dumps(json.loads(el.proto.spec), ensure_ascii=False))
        elif getattr(el, "proto", None) is not None:
            parts.append(text_format.MessageToString(el.proto, as_utf8=True))
    return "\n".join(parts)


def _download_text(made: object) -> str:
    """What a download holds, as text: a table's cells, a workbook's cells, an HTML page."""
    if isinstance(made, pd.DataFrame):
        if "town_code" in made.columns:
            assert set(made["town_code"].dropna()) <= {JINCHENG, DUMEN}
        return made.astype(str).to_csv()
    if isinstance(made, bytes) and made.startswith(b"PK"):
        book = openpyxl.load_workbook(io.BytesIO(made), read_only=True)
        return "\n".join(str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row)
    return made.decode("utf-8") if isinstance(made, bytes) else str(made)


@pytest.mark.parametrize("script", SCRIPTS)
def test_signed_out_every_page_shows_only_the_sign_in_form(users_file: Path, script: str) -> None:
    at = _app(script)
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert at.title[0].value == "登录"
    for kind in ("dataframe", "plotly_chart", "metric", "download_button", "page_link", "multiselect"):
        assert not at.get(kind), (script, kind)
    assert "东北社区" not in _shown_text(at) and "新政镇" not in _shown_text(at)


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_town_user_sees_only_its_township_on_every_page_and_download(users_file: Path, script: str) -> None:
    town_user = users.load(users_file)["jc"]
    # The link names the other township and one of its communities: refused, with a message.
    at = _app(script, town_user, {"town": XINZHENG, "comm": DONGBEI, "from": "2024-01", "to": "2024-03"})
    page = NAMES[script]
    if page in ("upload", "admin"):  # a town user without uploads may not open these at all
        assert [e.value for e in at.error] == ["您的账号无权打开此页面。"]
        assert not at.get("dataframe") and not at.get("file_uploader")
        return
    assert "链接中的乡镇或村(社区)不在您的权限范围内" in " ".join(e.value for e in at.error)
    assert at.sidebar.multiselect(key="w_f_towns").options == ["度门街道", "金城镇"]
    shown = _shown_text(at)
    assert not [name for name in OTHER if name in shown], script
    assert "全县第" not in shown  # no standing in a county the user may not see (profile)
    # Something of its own township is there (the page is not just empty).
    assert "金城镇" in shown or "金新社区" in shown, script
    offered = at.session_state[OFFERED]
    for key, make in offered.items():
        held = _download_text(make())
        assert not [name for name in OTHER if name in held], (script, key)
    downloads = [e for e in audit.read() if e["event"] == "download"]
    assert len(downloads) == len(offered)
    assert all(e["who"] == "jc" for e in downloads)


def test_the_arena_cuts_a_cross_township_group_to_the_users_communities(users_file: Path) -> None:
    # 城乡融合片区一组 holds 新政镇's 东北社区 and 临江社区 and communities of other townships:
    # for the 金城镇 user only the group's 金城镇 communities (if any) compete.
    town_user = users.load(users_file)["jc"]
    at = _app("pages/arena.py", town_user)
    reg = pd.read_csv(ROOT / "data" / "reference" / "communities.csv", dtype=str)
    mine = set(reg.loc[reg["town_code"].isin([JINCHENG, DUMEN]), "group_name"])
    groups = at.selectbox[0].options if at.radio[0].value == "group" else []
    assert groups and set(groups) <= mine


def test_the_sign_in_form_signs_in_refuses_a_wrong_password_and_throttles(users_file: Path) -> None:
    at = _app("pages/data.py")
    at.text_input(key="auth_name").set_value("jc")
    at.text_input(key="auth_password").set_value("wrong password")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["用户名或密码不正确。"]
    assert not at.get("dataframe")
    at.text_input(key="auth_password").set_value(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "数据" and at.get("dataframe")
    events = [(e["event"], e["who"]) for e in audit.read()]
    assert events == [("sign_in_failed", "jc"), ("sign_in", "jc")]

    for _ in range(5):  # five failures for one name: even the right password waits
        again = _app("pages/data.py")
        again.text_input(key="auth_name").set_value("admin1")
        again.text_input(key="auth_password").set_value("nope nope")
        again.button[0].click().run()
    again.text_input(key="auth_password").set_value(PASSWORD)
    again.button[0].click().run()
    assert "登录失败次数过多" in again.error[0].value
    assert not again.get("dataframe")


def test_an_idle_session_ends(users_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERSIGHT_SESSION_MINUTES", "5")
    at = AppTest.from_file(str(ROOT / "pages/data.py"), default_timeout=60)
    admin = users.load(users_file)["admin1"]
    at.session_state["auth_session"] = {"user": admin, "via": "password", "seen": time.time() - 6 * 60}
    at.run()
    assert "长时间未操作，已自动退出" in at.info[0].value
    assert [t.label for t in at.text_input] == ["用户名", "密码"] and not at.get("dataframe")
    assert audit.read()[-1] | {"at": None} == {"at": None, "event": "sign_out", "who": "admin1", "client": None,
                                               "reason": "expired"}  # fmt: skip


def test_with_no_users_the_demo_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OVERSIGHT_USERS", raising=False)
    at = _app("dashboard.py")
    assert "演示模式：未配置用户" in at.warning[0].value
    at.radio(key="w_f_lang").set_value("en").run()
    assert "Open demo: no users are configured" in at.warning[0].value


def test_the_admin_page_shows_the_audit_record_and_the_users(users_file: Path) -> None:
    users.add(users_file, "li", "county", (), PASSWORD)
    county = _app("pages/admin.py", users.load(users_file)["li"])
    assert [e.value for e in county.error] == ["您的账号无权打开此页面。"] and not county.get("dataframe")
    upload = _app("pages/upload.py", users.load(users_file)["li"])
    assert not upload.get("file_uploader")
    audit.record("load", "admin1", files=[{"file": "新政镇.xlsx", "sha256": "ab"}], result=[{"status": "loaded"}])
    at = _app("pages/admin.py", users.load(users_file)["admin1"])
    log, people = (d.value for d in at.dataframe)
    assert log["event"].tolist() == ["装载"] and "新政镇.xlsx" in log["details"][0]  # the event in words
    stamped = datetime.fromisoformat(audit.read()[-1]["at"])  # the record keeps UTC …
    assert log["at"][0] == pd.Timestamp(stamped.astimezone(COUNTY_TIMEZONE).replace(tzinfo=None))  # … shown in 北京时间
    assert people["user_name"].tolist() == ["admin1", "jc", "li"]
    assert "argon2" not in people.astype(str).to_csv()
    assert "admin_audit_dl" in at.session_state[OFFERED]


def test_with_an_identity_provider_the_sign_in_is_its_button(users_file: Path) -> None:
    at = AppTest.from_file(str(ROOT / "pages/requests.py"), default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "https://oversight.example/oauth2callback", "cookie_secret": "x" * 32}
    at.run()
    assert [b.label for b in at.button] == ["使用单位账号登录"]
    assert not at.text_input and not at.get("dataframe") and not at.get("plotly_chart")


def test_a_town_user_allowed_to_upload_gets_the_page_held_to_its_township(users_file: Path) -> None:
    users.add(users_file, "up", "town", (JINCHENG,), PASSWORD, upload=True)
    at = _app("pages/upload.py", users.load(users_file)["up"])
    assert at.get("file_uploader") and not at.checkbox  # no forcing older rows in
    assert "您只能装载本乡镇的数据" in at.info[0].value


def test_a_users_file_named_but_missing_or_empty_lets_nobody_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVERSIGHT_USERS", str(tmp_path / "typo" / "users.json"))
    at = _app("dashboard.py")
    assert [e.value for e in at.error] == ["用户文件无法读取或没有用户，暂时无法登录。请管理员检查 OVERSIGHT_USERS。"]
    assert not at.warning and not at.get("dataframe") and not at.text_input  # no demo, no form
    (tmp_path / "typo").mkdir()
    (tmp_path / "typo" / "users.json").write_text('{"users": {}}', encoding="utf-8")
    assert _app("dashboard.py").error[0].value.startswith("用户文件无法读取或没有用户")


def test_an_admin_gets_the_upload_page(users_file: Path) -> None:
    at = _app("pages/upload.py", users.load(users_file)["admin1"])
    assert at.title[0].value == "上传报表" and at.get("file_uploader")


def test_the_open_demo_s_admin_page_says_there_are_no_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not an empty grid reading "empty" in the Chinese UI (new-user pass)."""
    monkeypatch.delenv("OVERSIGHT_USERS", raising=False)
    monkeypatch.setenv("OVERSIGHT_AUDIT", str(tmp_path / "audit.jsonl"))
    at = _app("pages/admin.py")
    assert any(i.value.startswith("尚未配置用户") for i in at.info)
