"""通报 Bulletin: the month's 工作通报 for the county or one township — a preview of its
sections, then the .docx (from the office's template) and the PDF to download."""

from __future__ import annotations

import dataclasses
from datetime import date

import streamlit as st

from core import incidents
from oversight.bulletin.content import Bulletin, build
from oversight.bulletin.make import ChartError, Made, PdfError, make
from oversight.bulletin.pdf import to_pdf
from oversight.frame import guarded, kept, page_setup, tr
from oversight.i18n import fmt_month, register, t
from oversight.queries.common import communities, data_version, months

register(
    {
        "bp.month": ("通报月份", "Month"),
        "bp.scope": ("范围", "Scope"),
        "bp.county": ("全县", "Whole county"),
        "bp.build": ("生成通报", "Build the bulletin"),
        "bp.building": ("正在生成通报…", "Building the bulletin…"),
        "bp.step_content": ("读取数据", "Reading the figures"),
        "bp.step_charts": ("绘制图表", "Drawing the charts"),
        "bp.step_document": ("写入 Word 文档", "Writing the Word document"),
        "bp.step_pdf": ("转换为 PDF", "Converting to PDF"),
        "bp.done": ("通报已生成", "The bulletin is ready"),
        "bp.failed": ("通报未能生成", "The bulletin could not be built"),
        "bp.no_chart": (
            "无法绘制图表（需要 chromium，见 scripts/setup.sh）。",
            "The charts could not be drawn (chromium is needed; see scripts/setup.sh).",
        ),
        "bp.no_pdf": (
            "Word 文档已生成，PDF 未能生成（需要 LibreOffice，见 scripts/setup.sh）。",
            "The Word document is ready; the PDF could not be made (LibreOffice is needed; see scripts/setup.sh).",
        ),
        "bp.error": ("生成通报时出错（{incident}）", "The bulletin failed ({incident})"),
        "bp.docx": ("下载 Word 文档（.docx）", "Download Word (.docx)"),
        "bp.pdf": ("下载 PDF", "Download PDF"),
        "bp.preview": ("预览", "Preview"),
        "bp.hint": (
            "预览与下载的文档内容相同；Word 文档可直接修改（“五、下步工作”留待填写），样式见 data/templates/bulletin.docx。",
            "The preview shows what the document holds; the Word file is editable (section 5 is left to fill in).",
        ),
    }
)


@st.cache_resource(ttl=3600, max_entries=32, show_spinner=False)
def _preview(version: str, month: date, town: str | None, lang: str, today: date) -> Bulletin:
    """The bulletin previewed for (month, town, lang), built once per data `version`
    (common.data_version) and day `today` (which reports are overdue): a rerun rebuilt the whole
    document, 3.5 s at ×50. Shared by every session; the page only shows it."""
    return build(month, town, lang, today)


f = page_setup("bulletin")
st.title(tr("page.bulletin"))
lang = f.lang

reg = communities(f.allowed_towns)  # a township user writes its own township's bulletin only
towns = dict(zip(reg["town_code"].tolist(), reg["town_name"].tolist(), strict=False))
month_list = list(reversed(months(f.allowed_towns)))
if not month_list:
    st.stop()  # page_setup has said there are no monthly reports yet
left, right = st.columns(2)
month = left.selectbox(
    tr("bp.month"),
    month_list,
    format_func=lambda m: fmt_month(m, lang),
    placeholder=tr("frame.choose"),
    **kept("bulletin_month", f.month_to if f.month_to in month_list else month_list[0], month_list),
)
scopes = [*([""] if f.allowed_towns is None else []), *sorted(towns)]
scope = right.selectbox(
    tr("bp.scope"),
    scopes,
    format_func=lambda c: towns.get(c) or t("bp.county", lang),
    placeholder=tr("frame.choose"),
    **kept("bulletin_town", f.town_codes[0] if len(f.town_codes) == 1 else scopes[0], scopes),
)
town = scope or None
wanted = (month, town, lang)

# (wanted, Made): the documents last built in this session, for the month, scope and language asked
kept_made = st.session_state.get("bulletin_made")
made: Made | None = kept_made[1] if kept_made is not None and kept_made[0] == wanted else None
if st.button(tr("bp.build"), type="primary", icon=":material/description:", key="bulletin_build"):
    with st.status(tr("bp.building"), expanded=True) as status:
        try:
            result = make(month, town, lang, progress=lambda step: status.write(tr(f"bp.step_{step}")))
            status.write(tr("bp.step_pdf"))
            try:
                made = dataclasses.replace(result, pdf=to_pdf(result.docx))
                status.update(label=tr("bp.done"), state="complete", expanded=False)
            except PdfError:
                made = result
                status.update(label=tr("bp.no_pdf"), state="error")
        except ChartError:
            made = None
            status.update(label=tr("bp.failed"), state="error")
            st.error(tr("bp.no_chart"))
        except Exception as e:  # noqa: BLE001 - the user sees an incident id, the log the traceback
            made = None
            status.update(label=tr("bp.failed"), state="error")
            st.error(tr("bp.error", incident=incidents.user_message(incidents.record(f"bulletin: {e}"))))
    st.session_state["bulletin_made"] = None if made is None else (wanted, made)

# The preview: the content the documents were made from, else built for the preview alone.
b: Bulletin = made.bulletin if made is not None else _preview(data_version(), month, town, lang, date.today())
if made is not None:
    name = f"工作通报_{towns.get(town or '', t('bul.county', 'zh'))}_{month:%Y-%m}"
    row = st.container(horizontal=True, gap="small")
    files = (
        ("docx", made.docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("pdf", made.pdf, "application/pdf"),
    )
    for ext, data, mime in files:
        if data is None:  # the PDF could not be made: the .docx alone
            continue
        row.download_button(
            tr(f"bp.{ext}"),
            data=guarded(lambda d=data: d, f"bulletin_{ext}", f"bulletin_{ext}", rows=lambda _: 1),
            file_name=f"{name}.{ext}",
            mime=mime,
            key=f"bulletin_{ext}",
            on_click="ignore",
            icon=":material/download:",
        )

st.subheader(tr("bp.preview"))
st.caption(tr("bp.hint"))
st.caption(b.doc_number)
st.markdown(f"### {b.title.replace(chr(10), '')}")
st.write(b.addressee)
st.write(b.intro)
charts = 0
for section in (*b.sections, *b.annexes):
    st.markdown(f"#### {section.heading}")
    for block in section.blocks:
        if block.kind == "heading2":
            st.markdown(f"**{block.text}**")
        elif block.kind in ("para", "note"):
            (st.caption if block.kind == "note" else st.write)(block.text)
        elif block.kind == "table" and block.table is not None:
            st.dataframe(
                {h: [r[i] for r in block.table.rows] for i, h in enumerate(block.table.header)},
                hide_index=True,
                placeholder="—",
            )
        elif block.kind == "chart" and block.figure is not None:
            charts += 1
            st.plotly_chart(block.figure, key=f"bulletin_chart_{charts}")
