"""The sign-in gate every page passes (oversight.frame.shell.page_setup calls `require()`).

How a user is known, in this order:
- a trusted reverse-proxy header (`$OVERSIGHT_TRUSTED_HEADER`, e.g. X-Remote-User, set by a
  proxy that has authenticated the user — docs/deployment.md): its value is the user's name;
- an OpenID Connect provider (an `[auth]` section in st.secrets): `st.login()`; the identity's
  e-mail (else its `sub`) is the user's name;
- a password form, checked against the users file (Argon2id), failures throttled
  (oversight.auth.throttle).
In every case the users file gives the role and townships; a name not in it is refused. With
no users file (no `$OVERSIGHT_USERS`, no `users_file` in st.secrets' `[oversight]`) the app
is an open demo for this computer only: a banner says so, and a client from another address
or through a reverse proxy is refused. A users file that is named but missing, unreadable or
empty lets nobody in. A session ends after `$OVERSIGHT_SESSION_MINUTES` (default 30) minutes without a
click. Every sign-in, failure and sign-out goes to the audit record (core.audit).
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import streamlit as st

from core import audit
from oversight.auth import throttle
from oversight.auth import users as users_mod
from oversight.auth.users import User
from oversight.frame.state import tr
from oversight.i18n import register

register(
    {
        "auth.title": ("登录", "Sign in"),
        "auth.name": ("用户名", "User name"),
        "auth.password": ("密码", "Password"),
        "auth.submit": ("登录", "Sign in"),
        "auth.wrong": ("用户名或密码不正确。", "Wrong user name or password."),
        "auth.throttled": (
            "登录失败次数过多，请 {minutes} 分钟后再试。",
            "Too many failed sign-ins; try again in {minutes} minutes.",
        ),
        "auth.expired": (
            "长时间未操作，已自动退出，请重新登录。",
            "Signed out after a period of inactivity; sign in again.",
        ),
        "auth.oidc": ("使用单位账号登录", "Sign in with your organisation account"),
        "auth.unknown": (
            "账号 {name} 未获授权使用本系统，请联系管理员。",
            "The account {name} may not use this dashboard; ask an administrator.",
        ),
        "auth.no_header": (
            "未收到代理服务器传来的用户身份，请通过单位门户访问。",
            "No user identity came from the proxy; open the dashboard through the office portal.",
        ),
        "auth.signed_in": ("已登录：{name}（{role}）", "Signed in: {name} ({role})"),
        "auth.sign_out": ("退出登录", "Sign out"),
        "auth.role.admin": ("管理员", "administrator"),
        "auth.role.county": ("县级", "county"),
        "auth.role.town": ("乡镇", "township"),
        "auth.demo": (
            "演示模式：未配置用户，任何人无需登录即可查看和上传，仅限本机访问。"
            "在办公网络上使用前请按 docs/deployment.md 配置用户。",
            "Open demo: no users are configured, so anyone can view and upload without signing in; "
            "it answers this computer only. Configure users (docs/deployment.md) before using it on a network.",
        ),
        "auth.demo_remote": (
            "未配置用户的演示模式只允许本机访问。请管理员配置用户后再从网络访问。",
            "The open demo (no users configured) answers this computer only; an administrator must "
            "configure users first.",
        ),
        "auth.forbidden": ("您的账号无权打开此页面。", "Your account may not open this page."),
        "auth.broken": (
            "用户文件无法读取或没有用户，暂时无法登录。请管理员检查 OVERSIGHT_USERS。",
            "The users file cannot be read or holds no users, so nobody can sign in; an administrator "
            "must check OVERSIGHT_USERS.",
        ),
    }
)

_log = logging.getLogger("oversight.auth")
_AUTH = "auth_session"  # session key: {"user": User, "via": str, "seen": float}
DEMO = User("demo", "admin")


def session_minutes() -> float:
    """Minutes without a click after which a session ends: $OVERSIGHT_SESSION_MINUTES, else 30
    (OWASP Session Management Cheat Sheet: 15–30 minutes for an application of this kind)."""
    try:
        return max(1.0, float(os.environ.get("OVERSIGHT_SESSION_MINUTES") or 30))
    except ValueError:
        return 30.0


def _secret(section: str, key: str | None = None) -> object:
    try:
        value = st.secrets[section] if section in st.secrets else None
    except Exception:  # noqa: BLE001 - no secrets file, or an unreadable one: nothing configured
        return None
    if key is None or value is None:
        return value
    return value.get(key) if hasattr(value, "get") else None


def users_file() -> Path | None:
    """The users file: $OVERSIGHT_USERS, else st.secrets["oversight"]["users_file"], else None."""
    path = os.environ.get("OVERSIGHT_USERS") or _secret("oversight", "users_file")
    return Path(str(path)) if path else None


def mode() -> str:
    """How users sign in: "header", "oidc", "password", "demo" (no users file configured) or
    "broken" (one is configured but missing, unreadable or empty: nobody gets in — a typo in
    the path must not open the dashboard to everyone)."""
    path = users_file()
    if path is None:
        return "demo"
    try:
        if not users_mod.load(path):
            return "broken"
    except (users_mod.UsersError, OSError):
        return "broken"
    if os.environ.get("OVERSIGHT_TRUSTED_HEADER"):
        return "header"
    if _secret("auth") is not None:
        return "oidc"
    return "password"


def client() -> str | None:
    """The client's address (None when it connects from this computer)."""
    try:
        ip = st.context.ip_address
    except Exception:  # noqa: BLE001 - outside a browser session
        return None
    return ip if isinstance(ip, str) and ip else None  # AppTest's runtime answers with a mock


_PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")


def _proxied() -> bool:
    """Whether the request came through a reverse proxy (which makes every client look local)."""
    try:
        headers = st.context.headers
        return any(isinstance(headers.get(h), str) and headers.get(h) for h in _PROXY_HEADERS)
    except Exception:  # noqa: BLE001 - outside a browser session
        return False


def _note(event: str, who: str | None, **fields: object) -> None:
    try:
        audit.record(event, who, client=client(), **fields)
    except OSError:
        _log.exception("audit record could not be written: %s %s", event, who)


def current() -> User | None:
    """The signed-in user of this session (DEMO in the open demo), None when signed out."""
    held = st.session_state.get(_AUTH)
    return held["user"] if held else None


def is_live(held: dict | None) -> bool:
    """Whether a session record (as kept under _AUTH) is signed in and not expired; a download
    made later checks the record it was offered under."""
    return bool(held) and time.time() - held["seen"] <= session_minutes() * 60


def held_session() -> dict | None:
    """This session's record (see is_live), None when signed out."""
    return st.session_state.get(_AUTH)


def _start(user: User, via: str) -> None:
    st.session_state[_AUTH] = {"user": user, "via": via, "seen": time.time()}
    if via != "demo":
        _note("sign_in", user.name, via=via)


def sign_out(reason: str = "user") -> None:
    """End this session (audit: sign_out with `reason`, "user" or "expired")."""
    held = st.session_state.pop(_AUTH, None)
    if held:
        name = held["user"].name
        held.clear()  # downloads offered under it stop working too
        _note("sign_out", name, reason=reason)


def _password_form(path: Path) -> None:
    st.title(tr("auth.title"))
    with st.form("auth_form"):
        name = st.text_input(tr("auth.name"), key="auth_name")
        password = st.text_input(tr("auth.password"), type="password", key="auth_password")
        submitted = st.form_submit_button(tr("auth.submit"), type="primary")
    if not submitted:
        return
    name = (name or "").strip()
    who = client()
    wait = throttle.wait_seconds(path, name, who)
    if wait:
        _log.warning("sign-in refused (throttled): %r from %s", name, who or "localhost")
        _note("sign_in_failed", name, reason="throttled")
        st.error(tr("auth.throttled", minutes=max(1, round(wait / 60))))
        return
    user = users_mod.verify(path, name, password or "")
    if user is None:
        throttle.failed(path, name, who)
        _log.warning("sign-in failed: %r from %s", name, who or "localhost")
        _note("sign_in_failed", name, reason="wrong name or password")
        st.error(tr("auth.wrong"))
        return
    throttle.succeeded(path, name)
    _start(user, "password")
    st.rerun()


def _identity_user(path: Path, name: str | None, via: str) -> User | None:
    """The users-file entry of an identity from the proxy or the provider; refuses (and
    records) a name without one."""
    user = users_mod.load(path).get(name or "")
    if user is None:
        _note("sign_in_failed", name, reason="not in the users file", via=via)
        st.error(tr("auth.unknown", name=name or "?"))
    return user


def _sidebar(user: User, via: str) -> None:
    side = st.sidebar
    side.caption(tr("auth.signed_in", name=user.name, role=tr(f"auth.role.{user.role}")))
    if via in ("password", "oidc") and side.button(tr("auth.sign_out"), key="auth_sign_out", type="tertiary"):
        sign_out()
        if via == "oidc":
            st.logout()
        st.rerun()


def require() -> User:
    """The signed-in user; draws the sign-in form (or the provider's button) and stops the page
    when there is none. Ends a session idle longer than session_minutes()."""
    how = mode()
    if how == "broken":
        _log.error("the users file %s is missing, unreadable or empty: nobody can sign in", users_file())
        st.error(tr("auth.broken"))
        st.stop()
    if how == "demo":
        if client() is not None or _proxied():
            st.error(tr("auth.demo_remote"))
            st.stop()
        if current() is None:
            _start(DEMO, "demo")
        st.warning(tr("auth.demo"), icon=":material/lock_open:")
        st.session_state[_AUTH]["seen"] = time.time()
        return DEMO
    path = users_file()
    held = st.session_state.get(_AUTH)
    if held and held.get("via") == "demo":  # users were configured while this session was open
        sign_out("users configured")
        held = None
    if held and not is_live(held):
        sign_out("expired")
        if how == "oidc":
            st.logout()
        st.info(tr("auth.expired"))
        held = None
    if held:
        fresh = users_mod.load(path).get(held["user"].name)  # removed or changed since sign-in
        if fresh is None:
            sign_out("removed")
            held = None
        else:
            held["user"], held["seen"] = fresh, time.time()
            _sidebar(fresh, held["via"])
            return fresh
    if how == "header":
        name = st.context.headers.get(os.environ["OVERSIGHT_TRUSTED_HEADER"])
        if not name:
            st.error(tr("auth.no_header"))
            st.stop()
        user = _identity_user(path, name.strip(), "header")
        if user is not None:
            _start(user, "header")
            _sidebar(user, "header")
            return user
    elif how == "oidc":
        if not getattr(st.user, "is_logged_in", False):  # missing until the provider answers
            st.title(tr("auth.title"))
            provider = _secret("oversight", "oidc_provider")
            st.button(tr("auth.oidc"), on_click=st.login, args=(provider,) if provider else (), type="primary")
        else:
            name = st.user.get("email") or st.user.get("sub")
            user = _identity_user(path, str(name) if name else None, "oidc")
            if user is not None:
                _start(user, "oidc")
                _sidebar(user, "oidc")
                return user
            st.button(tr("auth.sign_out"), on_click=st.logout)
    else:
        _password_form(path)
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises
