"""The monthly bulletin (工作通报): the generated .docx says what the queries say (key figures,
red and black lists by the stated rule), is set in the GB/T 9704 fonts with w:eastAsia, and
its PDF holds the Chinese headings. Built once per session on the sample county (CLI for the
county with --pdf, `make` for one township)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import streamlit as st
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from core.metrics import metric
from core.settings import min_cases
from oversight.bulletin import style
from oversight.figures.base import metric_format
from oversight.filters import Filters
from oversight.queries import bulletin as q
from oversight.queries.common import per_unit
from oversight.queries.overview import KPI_METRICS, kpis

MONTH = date(2026, 9, 1)
XINZHENG = "511324101000"
HEADINGS = ("一、总体情况", "二、排名情况", "三、红黑榜", "四、存在问题", "五、下步工作", "附件1", "附件2")


@dataclass
class Built:
    db: Path
    county: Document
    county_pdf: Path
    town: Document


def _text(doc: Document) -> list[str]:
    return [p.text.replace("\n", "") for p in doc.paragraphs]


@pytest.fixture(scope="session")
def built(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The county bulletin of MONTH through the CLI (with --pdf) and 新政镇's through `make`."""
    from oversight.__main__ import main
    from oversight.bulletin.make import make

    out = tmp_path_factory.mktemp("bulletin") / "county.docx"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OVERSIGHT_DB", str(sample_db))
        st.cache_data.clear()
        assert main(["bulletin", MONTH.strftime("%Y-%m"), "--db", str(sample_db), "--out", str(out), "--pdf"]) == 0
        town = out.with_name("town.docx")
        town.write_bytes(make(MONTH, XINZHENG).docx)
    st.cache_data.clear()
    return Built(sample_db, Document(str(out)), out.with_suffix(".pdf"), Document(str(town)))


@pytest.fixture
def on_sample(built: Built, monkeypatch: pytest.MonkeyPatch) -> Built:
    monkeypatch.setenv("OVERSIGHT_DB", str(built.db))
    st.cache_data.clear()
    yield built
    st.cache_data.clear()


def test_key_figures_are_the_overview_figures_with_their_standards(on_sample: Built) -> None:
    table = on_sample.county.tables[0]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    cur = kpis(Filters("zh", (), None, (), MONTH, MONTH)).set_index("period").loc["cur"]
    for name in KPI_METRICS:
        m = metric(name)
        row = rows[m.zh]
        assert row[1].startswith(format(float(cur[name]), metric_format(m))), (name, row)
        assert row[4] == (m.standard_text("zh") or "—")
        if m.line is not None:
            assert row[5] == ("未达标" if m.below(float(cur[name])) else "达标")
    reporting = next(p for p in _text(on_sample.county) if "按时报送" in p)
    status = q.reporting(MONTH).value_counts("status")
    assert f"按时报送{status['on_time']}个" in reporting and f"逾期报送{status.get('late', 0)}个" in reporting


def _boards_in(doc: Document) -> dict[tuple[str, str], tuple[list[str], list[str]]]:
    """(metric label, peer group) → (red names, black names), read from 三、红黑榜."""
    text = _text(doc)
    part = text[text.index("三、红黑榜") : text.index("四、存在问题")]
    out, label = {}, None
    for p in part:
        if m := re.match(r"^（[一二三四五]）(.+)$", p):
            label = m.group(1)
        elif m := re.match(r"^(.+?)（参与排名\d+个）：红榜：(.*)；黑榜：(.*)。$", p):
            names = [re.findall(r"([^、（]+)（", s) for s in (m.group(2), m.group(3))]
            out[(label, m.group(1))] = (names[0], names[1])
    return out


def _expected_boards(df: pd.DataFrame, name: str) -> dict[str, tuple[set[str], set[str]]]:
    """The rule as docs/bulletin.md states it, computed afresh: per peer group, among units with
    at least min_cases() cases, the red list holds every unit at least as good as the k-th best
    (k = min(5, n // 2)), the black list every other unit at most as good as the k-th worst."""
    m, case = metric(name), q.case_column(name)
    out = {}
    for peer, g in df.groupby("peer"):
        ok = g[g[name].notna() & ((g[case] >= min_cases()) if case else True)]
        k = min(5, len(ok) // 2)
        if k == 0:
            continue
        best = sorted(ok[name], reverse=m.higher_is_better)
        red = ok[ok[name] >= best[k - 1]] if m.higher_is_better else ok[ok[name] <= best[k - 1]]
        worst = best[::-1][k - 1]
        black = ok[ok[name] <= worst] if m.higher_is_better else ok[ok[name] >= worst]
        out[str(peer)] = (set(red["unit_name"]), set(black["unit_name"]) - set(red["unit_name"]))
    return out


def test_red_and_black_lists_follow_the_stated_rule(on_sample: Built) -> None:
    found = _boards_in(on_sample.county)
    names = (*q.STANDARD_METRICS, "requests_received", "followups_total")
    df = per_unit(Filters("zh", (), None, (), MONTH, MONTH), names)
    with duckdb.connect(str(on_sample.db), read_only=True) as con:
        peers = dict(con.execute("SELECT town_code, town_type FROM ref_town").fetchall())
    df["peer"] = df["unit_code"].map(peers)
    cases = dict(zip(df["unit_name"], df["requests_received"], strict=True))
    listed = 0
    for name in q.BOARD_METRICS:
        expected = _expected_boards(df, name)
        for peer, (red, black) in expected.items():
            got_red, got_black = found[(metric(name).zh, peer)]
            assert set(got_red) == red and set(got_black) == black, (name, peer)
            listed += len(red) + len(black)
        if name == "resolution_rate":
            black_listed = [n for p in expected for n in found[(metric(name).zh, p)][1]]
            assert black_listed and all(cases[n] >= min_cases() for n in black_listed)
    assert listed > 10  # the sample month does put units on the lists


def test_a_rate_on_few_cases_is_never_ranked_and_ties_share_a_rank() -> None:
    df = pd.DataFrame(
        {
            "unit_code": list("abcdef"),
            "unit_name": ["甲", "乙", "丙", "丁", "戊", "己"],
            "peer": ["镇"] * 6,
            "resolution_rate": [0.99, 0.99, 0.95, 0.90, 0.80, 0.10],
            "requests_received": [50, 40, 30, 20, 12, 3],  # 己: worst rate on 3 cases
        }
    )
    (board,) = q.boards(df, "resolution_rate", size=2, cases=10)
    assert board.n_ranked == 5 and board.places == 2
    assert list(board.red["unit_name"]) == ["甲", "乙"] and list(board.red["rank"]) == [1, 1]  # 并列
    assert list(board.black["unit_name"]) == ["戊", "丁"]
    assert "己" not in set(q.below_standard(df, "resolution_rate", cases=10)["unit_name"])
    assert list(q.few_cases(df, "resolution_rate", cases=10)["unit_name"]) == ["己"]


def test_fonts_page_and_east_asian_font_follow_gb_t_9704(built: Built) -> None:
    doc = built.county
    wanted = {"Normal": "仿宋_GB2312", "Title": "方正小标宋简体", "Heading 1": "黑体", "Heading 2": "楷体_GB2312"}
    for name, font in wanted.items():
        assert style.east_asia_font(doc.styles[name]) == font, name
    assert doc.styles["Title"].font.size.pt == 22 and doc.styles["Normal"].font.size.pt == 16
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    runs += [r for t in doc.tables for c in t._cells for p in c.paragraphs for r in p.runs if r.text.strip()]
    assert runs and all(style.east_asia_font(r) for r in runs)
    heading = next(p for p in doc.paragraphs if p.text == "一、总体情况")
    assert heading.style.name == "Heading 1" and style.east_asia_font(heading.runs[0]) == "黑体"
    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    margins = (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)
    assert [round(x.mm) for x in margins] == [37, 35, 28, 26]
    footer = sec.footer._element.xml + sec.even_page_footer._element.xml
    assert footer.count("PAGE") == 2  # page numbers on odd and even pages
    assert len(doc.inline_shapes) == 2 and all(s.width <= Mm(156) for s in doc.inline_shapes)  # charts
    assert doc.element.body.find(qn("w:sectPr")) is not None


def test_an_edited_template_style_reaches_the_text(on_sample: Built, tmp_path: Path) -> None:
    """The office changes the body font in the template; the next bulletin's body follows."""
    from PIL import Image

    from oversight.bulletin import content, word

    template = Document(str(word.TEMPLATE))
    style.set_font(template.styles["Normal"], "华文仿宋")
    edited = tmp_path / "edited.docx"
    template.save(str(edited))
    b = content.build(MONTH, XINZHENG)
    blank = tmp_path / "blank.png"
    Image.new("RGB", (20, 10), "white").save(blank)  # the charts are not what this test is about
    charts = {id(bl): blank.read_bytes() for sec in b.sections for bl in sec.blocks if bl.kind == "chart"}
    out = tmp_path / "out.docx"
    out.write_bytes(word.write(b, template=edited, charts=charts))
    doc = Document(str(out))
    body = [r for p in doc.paragraphs if p.style.name == "Normal" for r in p.runs if r.text.strip()]
    assert body and {style.east_asia_font(r) for r in body} == {"华文仿宋"}
    heading = next(p for p in doc.paragraphs if p.text == "一、总体情况")
    assert style.east_asia_font(heading.runs[0]) == "黑体"


def test_pdf_holds_the_chinese_headings_in_embedded_fonts(built: Built) -> None:
    text = subprocess.run(["pdftotext", str(built.county_pdf), "-"], capture_output=True, text=True, check=True).stdout
    squeezed = re.sub(r"\s+", "", text)
    for heading in HEADINGS:
        assert heading in squeezed, heading
    assert "仪陇县社区治理工作通报" in squeezed
    fonts = subprocess.run(["pdffonts", str(built.county_pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSerifCJK" in fonts and "NotoSansCJK" in fonts and "ZenKai" in fonts  # 仿宋, 黑体, 楷体 substitutes
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded


def test_a_town_bulletin_covers_only_that_township(on_sample: Built) -> None:
    doc = on_sample.town
    text = "\n".join(_text(doc))
    assert "关于2026年9月新政镇社区治理工作情况的通报" in text
    annex = next(t for t in doc.tables if t.rows[0].cells[0].text == "单位" and len(t.rows[0].cells) == 7)
    names = {r.cells[0].text for r in annex.rows[1:]}
    communities = per_unit(Filters("zh", (XINZHENG,), None, (), MONTH, MONTH), ("households",), level="community")
    assert names == set(communities["unit_name"]) and len(names) > 20
    assert set(communities["town_name"]) == {"新政镇"}
    assert "金城镇" not in text and "（一）社区" in text and "（二）村" in text  # peer groups 社区 / 村


def test_cli_errors_are_one_line_with_exit_code_2(sample_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from oversight.__main__ import main

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OVERSIGHT_DB", str(sample_db))
        assert main(["bulletin", "2031-01", "--db", str(sample_db)]) == 2
        assert "该月没有月度报表" in capsys.readouterr().err
        assert main(["bulletin", "2026-09", "--town", "不存在镇", "--db", str(sample_db)]) == 2
        err = capsys.readouterr().err
        assert "名录中没有该乡镇" in err and "Traceback" not in err
        assert main(["bulletin", "2026-09", "--db", str(sample_db.with_name("none.duckdb"))]) == 2
        assert "none.duckdb" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["bulletin", "2026-13"])
    assert exit_.value.code == 2


def test_problems_name_the_flagged_communities_with_the_data_quality_page_s_counts(
    quality_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oversight.bulletin.content import build
    from oversight.queries import quality

    monkeypatch.setenv("OVERSIGHT_DB", str(quality_db))
    st.cache_data.clear()
    seen = 0
    for month in (date(2024, m, 1) for m in range(1, 8)):  # the planted warehouse's months
        found = quality.flags(Filters("zh", (), None, (), month, month))
        section = next(s for s in build(month).sections if s.heading.startswith("四、"))
        texts = [b.text for b in section.blocks if b.text]
        if found.empty:
            assert "本月未发现数据可信度问题。" in texts
            continue
        seen += 1
        para = next(t for t in texts if t.startswith("数据可信度存疑"))
        errors = int((found["severity"] == "error").sum())
        assert para.startswith(f"数据可信度存疑（{len(found)}条，其中矛盾{errors}条）")
        for r in quality.by_unit(found, "community").itertuples():
            assert f"{r.town_name}{r.community_name}（矛盾{r.errors}、存疑{r.warnings}）" in para
    assert seen >= 3  # the planted flags fall in several months
    st.cache_data.clear()


def test_a_township_bulletin_says_how_complete_its_own_month_is(
    states_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """2024-04 has begun with 东北社区's report alone: 新政镇's bulletin counts its own two
    communities (1 of 2), not the county's four."""
    from oversight.bulletin.content import build

    monkeypatch.setenv("OVERSIGHT_DB", str(states_db))
    st.cache_data.clear()
    paras = [blk.text for s in build(date(2024, 4, 1), XINZHENG).sections for blk in s.blocks if blk.kind == "para"]
    assert any("已报送1个，近12个月报送过的2个" in p for p in paras), paras
    county = [blk.text for s in build(date(2024, 4, 1)).sections for blk in s.blocks if blk.kind == "para"]
    assert any("已报送1个，近12个月报送过的4个" in p for p in county), county
    st.cache_data.clear()


def test_no_table_leaves_its_header_alone_at_the_foot_of_a_page(built: Built) -> None:
    """The 新政镇 PDF broke the 社区 ranking after its header and one row, its heading above them
    (new-user pass): every table's header and first rows, and its last rows, keep with the
    next row, no row splits, and a sub-heading keeps with what it heads."""
    from oversight.bulletin.word import KEEP_ROWS

    for doc in (built.county, built.town):
        assert doc.tables
        for table in doc.tables:
            rows = table.rows
            kept = [all(p.paragraph_format.keep_with_next for c in r.cells for p in c.paragraphs) for r in rows]
            n = len(rows)
            assert all(kept[: min(KEEP_ROWS + 1, n - 1)]) and all(kept[max(n - 1 - KEEP_ROWS, 0) : n - 1])
            assert not kept[-1] or n == 1  # the last row ends the chain
            assert all(r._tr.trPr is not None and r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows)
        subheads = [p for p in doc.paragraphs if p.style.name == "Heading 2" and p.text.strip()]
        assert subheads and all(p.paragraph_format.keep_with_next for p in subheads)


def test_a_rate_held_to_an_alert_line_is_said_to_be_above_or_below_it(on_sample: Built) -> None:
    """满意率 has an alert line, not a standard: the 通报 said "达到标准（预警线 85%）" (in English
    "meets the standard (Alert below 85%)", new-user pass)."""
    [line] = [p for p in _text(on_sample.county) if p.startswith("满意率") and "（预警线 85%）" in p]
    assert "高于预警线（预警线 85%）" in line or "低于预警线（预警线 85%）" in line
    assert "达到标准" not in line and "未达到标准" not in line
    assert any(p.startswith("办结率") and "达到标准（最低标准 92%）" in p for p in _text(on_sample.county))
