"""管理 Administration: the audit record (留痕) and the users; admins only (oversight.frame.shell.PERMITTED)."""

from __future__ import annotations

import streamlit as st

from core import audit
from oversight.auth import records, session
from oversight.frame import download, empty_notice, page_setup, table, tr
from oversight.i18n import register

register(
    {
        "admin.audit": ("操作记录（留痕）", "Audit record"),
        "admin.audit_note": (
            "登录（成功与失败）、装载、下载和用户变更，按时间倒序；时间为北京时间。",
            "Sign-ins (success and failure), loads, downloads and user changes, newest first; times are Beijing time.",
        ),
        "admin.audit_file": ("操作记录", "audit"),
        "admin.users": ("用户", "Users"),
        "admin.users_note": (
            "用命令行管理用户：python -m oversight users add|remove|passwd|list（见 docs/deployment.md）。",
            "Users are managed on the command line: python -m oversight users add|remove|passwd|list "
            "(see docs/deployment.md).",
        ),
        "col.at": ("时间（北京时间）", "Time (Beijing time)"),
        "col.event": ("事件", "Event"),
        "col.who": ("用户", "User"),
        "col.client": ("来源地址", "Client"),
        "col.details": ("详情", "Details"),
        "col.user_name": ("用户名", "User name"),
        "col.role": ("角色", "Role"),
        "col.towns": ("乡镇代码", "Townships"),
        "col.upload": ("可上传", "May upload"),
        "col.sign_in": ("登录方式", "Signs in by"),
        "admin.no_users": (
            "尚未配置用户：看板处于演示模式，仅限本机访问（见 docs/deployment.md）。",
            "No users configured: the dashboard is an open demo, bound to this computer (see docs/deployment.md).",
        ),
        "audit.sign_in": ("登录", "sign-in"),
        "audit.sign_in_failed": ("登录失败", "failed sign-in"),
        "audit.sign_out": ("退出", "sign-out"),
        "audit.load": ("装载", "load"),
        "audit.download": ("下载", "download"),
        "audit.user_add": ("新增用户", "user added"),
        "audit.user_remove": ("删除用户", "user removed"),
        "audit.user_passwd": ("修改密码", "password changed"),
    }
)

page_setup("admin", require_data=False)
st.title(tr("page.admin"))

st.subheader(tr("admin.audit"))
st.caption(tr("admin.audit_note"))
log = records.audit_table()
log["event"] = log["event"].map(lambda e: tr(f"audit.{e}") if e in audit.EVENTS else e)
if not empty_notice(log):
    table(log, height=min(600, 38 + 35 * len(log)))
    download(log, tr("admin.audit_file"), key="admin_audit_dl")

st.subheader(tr("admin.users"))
st.caption(tr("admin.users_note"))
people = records.users_table(session.users_file())
if people.empty:
    st.info(tr("admin.no_users"))
else:
    table(people)
