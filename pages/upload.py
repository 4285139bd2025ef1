"""上传报表 Upload reports: load this month's files from the browser."""

from __future__ import annotations

import streamlit as st

from oversight import frame, upload
from oversight.db import db_path, writable
from oversight.i18n import one_language, register
from oversight.queries import upload as q

register(
    {
        "upload.intro": (
            "选择本月的报表文件（.xlsx / .xls / .csv，每个不超过 {mb} MB），先预览再确认装入仓库。"
            "有问题的行会被隔离并说明原因，其余行照常装入；同一文件重复上传不会重复计数。",
            "Choose this month's report files (.xlsx / .xls / .csv, at most {mb} MB each), preview, then confirm "
            "to load them. Rows with problems are set aside with a reason, the rest load; the same file twice "
            "is not counted twice.",
        ),
        "upload.pick": ("选择报表文件", "Choose report files"),
        # Streamlit's own dropzone texts, which st.file_uploader cannot set (streamlit/streamlit#13500)
        "upload.browse": ("选择文件", "Upload"),
        "upload.limit": ("每个文件不超过 {mb} MB · {types}", "{mb}MB per file • {types}"),
        "upload.drop_here": ("将文件拖放到此处", "Drag and drop files here"),
        "upload.preview": ("预览", "Preview"),
        "upload.by_sheet": ("各工作表识别的报表类型与行数", "Each sheet: the report kind recognised and its rows"),
        "upload.preview_title": ("预览（尚未写入）", "Preview (nothing written yet)"),
        "upload.would": (
            "{files} 个文件：将装入 {loaded} 行（其中替换 {replaced} 行，更改 {changed} 个值），隔离 {quarantined} 行。",
            "{files} file(s): {loaded} rows would load ({replaced} replacing stored rows, {changed} values "
            "changed), {quarantined} set aside.",
        ),
        "upload.changes": ("将更改的值（前若干项）", "Values that would change (the first ones)"),
        "upload.confirm": ("确认装载", "Confirm and load"),
        "upload.cancel": ("取消", "Cancel"),
        "upload.cancelled": ("已取消，未装载任何数据。", "Cancelled; nothing was loaded."),
        "upload.stale": (
            "预览之后仓库已有新的装载，预览已失效，请重新预览。",
            "The warehouse changed after the preview (another load); preview again.",
        ),
        "upload.loaded_title": ("装载结果", "Load results"),
        "upload.force": (
            "比已装载数据旧的行也装载（强制）",
            "Also load rows older than the stored ones (force)",
        ),
        "upload.only_towns": (
            "您只能装载本乡镇的数据；其他乡镇的行会被隔离并说明原因。",
            "You can load your own townships' rows only; rows of other townships are set aside with a reason.",
        ),
        "upload.status.loaded": ("已装载", "loaded"),
        "upload.status.partial": ("部分装载", "partly loaded"),
        "upload.status.rejected": ("未装载", "rejected"),
        "upload.status.unchanged": ("无变化", "unchanged"),
        # in the preview nothing is written yet: what each file would do
        "upload.would_status.loaded": ("将装载", "will load"),
        "upload.would_status.partial": ("将部分装载", "will partly load"),
        "upload.would_status.rejected": ("不会装载", "will not load"),
        "upload.would_status.unchanged": ("无变化", "unchanged"),
        "upload.large": (
            "有 {n} 个已装载的数值将变化一半以上（例：{unit} {what} {column} {old} → {new}）。"
            "这样大的改动常是报错了月份或列错位，请与报送单位核对后再确认装载。",
            "{n} stored values would change by more than half (e.g. {unit} {what} {column} {old} → {new}). "
            "A change this large is often the wrong month's sheet or a shifted column: check with the sender before you confirm.",
        ),
        "col.values_changed": ("更改的值", "Values changed"),
        "col.reasons": ("隔离原因", "Reasons set aside"),
        "col.unit": ("村(社区)", "Community"),
        "col.what": ("月份或编号", "Month or number"),
        "col.column": ("列", "Column"),
        "col.old": ("原值", "Old"),
        "col.new": ("新值", "New"),
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

STAGED = "upload_staged"  # session key: the upload.Staged preview waiting for confirm or cancel

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

user = frame.current_user()
towns = frozenset(user.towns) if user.role == "town" else None  # a town user writes only its townships
if towns is not None:
    st.info(frame.tr("upload.only_towns"))
db = db_path()
suffixes = [s.lstrip(".") for s in upload.SUPPORTED_SUFFIXES]
if f.lang == "zh":
    # Streamlit 1.67 has no parameter for the dropzone's "Upload" button, its "20MB per file •
    # XLSX…" line or the "Drag and drop files here" shown while dragging (open request
    # streamlit/streamlit#13500; PR #10042 was closed unmerged). Their text is hidden (font-size 0)
    # and ours drawn with ::after, keyed to the data-testids of the 1.67 dropzone; a style-only
    # st.html takes no room on the page. tests/browser/test_e2e.py checks it in Chromium.
    limit = frame.tr(
        "upload.limit", mb=st.get_option("server.maxUploadSize"), types="、".join(x.upper() for x in suffixes)
    )
    zone = '[data-testid="stFileUploaderDropzone"]'
    # the drag overlay's text; the chosen files' chips sit in a div of the same shape, left alone
    drag = f'{zone} > div:not([data-testid]):not(:has([data-testid="stFileChips"])) > span'
    st.html(
        f"""<style>
{zone} button [data-testid="stMarkdownContainer"] p,
[data-testid="stFileUploaderDropzoneInstructions"] span,
{drag} {{ font-size: 0; }}
{zone} button [data-testid="stMarkdownContainer"] p::after {{ content: "{frame.tr("upload.browse")}"; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{ content: "{limit}"; font-size: 0.875rem; }}
{drag}::after {{ content: "{frame.tr("upload.drop_here")}"; font-size: 1rem; }}
</style>"""
    )
files = st.file_uploader(frame.tr("upload.pick"), type=suffixes, accept_multiple_files=True)
force = user.role == "admin" and st.checkbox(frame.tr("upload.force"), key="upload_force")
notice = st.empty()


def waiting(w: object) -> None:
    notice.warning(w.message(f.lang))


def show(results: list, done_key: str, would: bool = False) -> None:
    """The per-file results (preview or load) with translated statuses — in a preview (`would`)
    what each file would do, not 已装载 — and their totals."""
    summary, counts = upload.summary(results, f.lang)
    key = "upload.would_status" if would else "upload.status"
    summary["status"] = summary["status"].map(lambda s: frame.tr(f"{key}.{s}"))
    changed = int(summary["values_changed"].sum())
    st.markdown(frame.tr(done_key, files=len(results), changed=changed, **counts))
    frame.table(summary)


if files and st.button(frame.tr("upload.preview"), type="primary"):
    old = st.session_state.pop(STAGED, None)
    if old is not None:
        upload.discard(old)
    st.session_state[STAGED] = upload.stage(
        [(u.name, u.getvalue()) for u in files], db, on_wait=waiting, towns=towns, force=force
    )
    notice.empty()

staged = st.session_state.get(STAGED)
if staged is not None:
    for name, reason in staged.refused:
        st.error(frame.tr("upload.refused", name=name, reason=one_language(reason, f.lang)))
    if staged.results:
        preview = st.container()  # drawn above the buttons, filled only while the preview stands
        buttons = st.empty()  # gone once clicked: the result stands below without them
        go, stop, _ = buttons.container().columns([1, 1, 3])
        confirmed = go.button(frame.tr("upload.confirm"), type="primary", key="upload_confirm")
        cancelled = stop.button(frame.tr("upload.cancel"), key="upload_cancel")
        if confirmed or cancelled:
            buttons.empty()
        if cancelled:
            del st.session_state[STAGED]
            upload.discard(staged)
            st.info(frame.tr("upload.cancelled"))
        elif confirmed:
            del st.session_state[STAGED]
            try:
                results, refused = upload.confirm(staged, db, on_wait=waiting, who=user.name)
            except upload.StalePreview:
                upload.discard(staged)
                st.warning(frame.tr("upload.stale"))
                st.stop()
            notice.empty()
            for name, reason in refused:
                st.error(frame.tr("upload.refused", name=name, reason=one_language(reason, f.lang)))
            if results:
                st.subheader(frame.tr("upload.loaded_title"))
                show(results, "upload.done")
                bad = q.quarantined([str(r.path) for r in results])
                bad["reason"] = bad["reason"].map(lambda text: one_language(text, f.lang))
                if not bad.empty:
                    st.subheader(frame.tr("upload.quarantine"))
                    frame.table(bad)
                    frame.download(bad, frame.tr("upload.quarantine"), key="upload_quarantine")
        else:
            with preview:
                st.subheader(frame.tr("upload.preview_title"))
                show(staged.results, "upload.would", would=True)
                changed = upload.changes(staged.results, f.lang, q.community_names())
                large = upload.large_changes(staged.results, changed)
                if not large.empty:
                    st.warning(frame.tr("upload.large", n=len(large), **large.iloc[0].to_dict()))
                st.markdown(f"**{frame.tr('upload.by_sheet')}**")
                frame.table(upload.by_sheet(staged.results, f.lang))
                if not changed.empty:
                    st.markdown(f"**{frame.tr('upload.changes')}**")
                    frame.table(changed)
