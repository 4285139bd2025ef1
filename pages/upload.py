"""上传报表 Upload reports: load this month's files from the browser."""

from __future__ import annotations

import streamlit as st

from oversight import frame, upload
from oversight.db import db_path, writable
from oversight.i18n import register
from oversight.queries import upload as q

register(
    {
        "upload.intro": (
            "选择本月的报表文件（.xlsx / .xls / .csv，每个不超过 {mb} MB），装入仓库。"
            "有问题的行会被隔离并说明原因，其余行照常装入；同一文件重复上传不会重复计数。",
            "Choose this month's report files (.xlsx / .xls / .csv, at most {mb} MB each) to load them. "
            "Rows with problems are set aside with a reason, the rest load; the same file twice is not counted twice.",
        ),
        "upload.pick": ("选择报表文件", "Choose report files"),
        "upload.button": ("装入仓库", "Load into the warehouse"),
        "upload.refused": ("未接受 {name}：{reason}", "Not accepted {name}: {reason}"),
        "upload.done": (
            "已处理 {files} 个文件：装入 {loaded} 行，替换 {replaced} 行，隔离 {quarantined} 行。",
            "{files} file(s): {loaded} rows loaded, {replaced} replaced, {quarantined} set aside.",
        ),
        "upload.quarantine": ("被隔离的行及原因", "Rows set aside and why"),
        "upload.template": ("下载空白报表模板", "Download the blank report template"),
        "upload.read_only": (
            "看板正在读取 Parquet 导出（只读），此处不能上传。请用 python -m etl load 装入仓库，再重新导出。",
            "The dashboard is reading a Parquet export (read-only): reports cannot be uploaded here. "
            "Load them into the warehouse with python -m etl load, then export again.",
        ),
    }
)

f = frame.page_setup("upload", require_data=False)
st.title(frame.tr("page.upload"))
if not writable():
    st.info(frame.tr("upload.read_only"))
    st.stop()
st.markdown(frame.tr("upload.intro", mb=upload.MAX_BYTES // 2**20))

template = upload.TEMPLATE
if template.exists():
    st.download_button(
        frame.tr("upload.template"), data=template.read_bytes(), file_name=template.name, on_click="ignore"
    )

files = st.file_uploader(
    frame.tr("upload.pick"), type=[s.lstrip(".") for s in upload.SUPPORTED_SUFFIXES], accept_multiple_files=True
)
if files and st.button(frame.tr("upload.button"), type="primary"):
    notice = st.empty()
    results, refused = upload.load_uploads(
        [(u.name, u.getvalue()) for u in files],
        db_path(),
        on_wait=lambda w: notice.warning(w.message(f.lang)),
    )
    notice.empty()
    for name, reason in refused:
        st.error(frame.tr("upload.refused", name=name, reason=reason))
    if results:
        summary, counts = upload.summary(results)
        st.success(frame.tr("upload.done", files=len(results), **counts))
        frame.table(summary)
        bad = q.quarantined([str(r.path) for r in results])
        if not bad.empty:
            st.subheader(frame.tr("upload.quarantine"))
            frame.table(bad)
            frame.download(bad, frame.tr("upload.quarantine"), key="upload_quarantine")
