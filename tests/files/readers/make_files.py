"""Write the messy report files that tests/etl/test_readers.py reads, as real offices produce them.

Run from the repo root: `.venv/bin/python tests/files/readers/make_files.py`. Deterministic: the
same bytes every run (fixed timestamps), except encrypted.xlsx, which is only rewritten when
msoffcrypto-tool is importable (it is not a project dependency; the committed file is kept).
Workbooks are written with openpyxl (.xlsx, merged cells) and xlwt (.xls), not xlsxwriter, so the
reader is tested on another library's output; CSVs are encoded the way Chinese Excel saves them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import xlwt

HERE = Path(__file__).resolve().parent
FIXED = dt.datetime(2022, 8, 5, 9, 0, 0)

MONTHLY_HEADER = ["报告月份", "乡镇(街道)", "村(社区)", "户数", "党群服务中心面积(㎡)", "服务平台数", "网格数"]


def _save_xlsx(wb: openpyxl.Workbook, name: str) -> None:
    """Save with fixed document times and zip entry dates, so the bytes do not change between runs."""
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                # openpyxl stamps the save time over properties.modified
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2022-08-05T09:00:00Z", data)
            info = zipfile.ZipInfo(item.filename, date_time=(2022, 8, 5, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)
    (HERE / name).write_bytes(out.getvalue())


def monthly_messy_xlsx() -> None:
    """Title, filler line, header in its own order with units in brackets, unit row, blank, total and note rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "月度指标"
    rows: list[list[object]] = [
        ["仪陇县社区治理月报表"],  # 1, merged A1:I1
        ["填报单位：新政镇  2022年7月"],  # 2
        [],  # 3 blank
        [
            "序号",
            "村（社区）",
            "报告月份",
            "乡镇（街道）",
            "户数（户）",
            "党群服务中心面积（㎡）",
            "志愿服务时长（小时）",
            "网格数",
            "备注2",
        ],  # 4
        ["", "", "", "", "户", "㎡", "（小时）", "单位：个", "—"],  # 5 unit row
        [1, "东北社区", dt.datetime(2022, 7, 1), "新政镇", 3000, 1800.0, 12.5, 6, "无"],  # 6
        [],  # 7 blank
        [2, " 临江社区 ", "2022年7月", "新政镇", "1,800", "400㎡", 0.85, 5],  # 8
        ["注：补报", "金新社区", "2022-07", "金城镇", 1018, None, None, 4],  # 9: note-like text but real values: kept
        ["合 计", None, None, None, 5818, 2200, 13.35, 15],  # 10, A10:D10 merged
        [],  # 11 blank
        ["填表人：张三  审核人：李四"],  # 12, merged A12:I12
        ["注：本表数据截至月底。"],  # 13
    ]
    for r in rows:
        ws.append(r)
    ws["C6"].number_format = "yyyy-mm-dd"
    ws.merge_cells("A1:I1")
    ws.merge_cells("A10:D10")
    ws.merge_cells("A12:I12")
    _save_xlsx(wb, "monthly_messy.xlsx")


def two_row_header_xlsx() -> None:
    """A two-row header: plain columns merged down over both rows, grouped ones under a merged group label."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["仪陇县民情诉求办理情况月报"])  # 1
    ws.append(["报告月份", "村(社区)", "诉求办理", None, "满意度回访", None])  # 2
    ws.append([None, None, "诉求受理数", "诉求办结数", "回访满意数", "回访总数"])  # 3
    ws.append(["2022-07", "东北社区", 40, 39, 30, 31])  # 4
    ws.append(["2022-07", "临江社区", 12, 12, 10, 10])  # 5
    ws.merge_cells("A1:F1")
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:D2")
    ws.merge_cells("E2:F2")
    _save_xlsx(wb, "two_row_header.xlsx")


def roster_merged_xlsx() -> None:
    """A roster where the community cell is merged down over its neighbourhoods, and one count is merged too."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "小区党组织"
    ws.append(["报告月份", "村(社区)", "小区名称", "户数", "是否建立党组织", "楼院党小组数"])  # 1
    ws.append(["2022-11", "东北社区", "锦绣花园", 420, True, 3])  # 2
    ws.append([None, None, "滨江苑", 310, False])  # 3
    ws.append([None, None, "东城小区", 128, "是"])  # 4
    ws.append(["2022-11", "临江社区", "临江一号", 512, "否", 2])  # 5
    ws.merge_cells("A2:A4")
    ws.merge_cells("B2:B4")
    ws.merge_cells("F2:F3")
    _save_xlsx(wb, "roster_merged.xlsx")


def workbook_multi_xlsx() -> None:
    """Instructions sheet, a project sheet, an activity sheet with English headers, and a header-only roster."""
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = "填表说明"
    info.append(["填表说明"])
    info.append(["1. 每月10日前报送上月数据。"])
    info.append(["2. 村(社区)填写全称，报告月份填写如 2022-07。"])
    project = wb.create_sheet("阵地建设")
    project.append(["完成日期", "村(社区)", "项目类型", "新增面积(㎡)", "整合功能场所数", "说明"])
    project.append([dt.date(2022, 7, 20), "东北社区", "亲民化改造", 0, 3, "图书室、调解室、儿童之家"])
    project.append([dt.date(2022, 9, 2), "临江社区", "改扩建", 650.5, 2, None])
    project["A2"].number_format = "yyyy/m/d"
    project["A3"].number_format = "yyyy/m/d"
    activity = wb.create_sheet("Sheet3")
    activity.append(["activity_date", "Community_Name", "activity name", "service_category", "participants", "hours"])
    activity.append(["2022-10-15", "东北社区", "疫情防控卡点值守", "平安服务", 180, 1440])
    roster = wb.create_sheet("小区")
    roster.append(["报告月份", "村(社区)", "小区名称", "户数"])
    _save_xlsx(wb, "workbook_multi.xlsx")


def monthly_xls() -> None:
    """An old .xls (xlwt): merged title, Excel date, int, float and boolean cells, a total row."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("月报")
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    ws.write_merge(0, 0, 0, 6, "仪陇县社区治理月报表")
    for c, text in enumerate(MONTHLY_HEADER):
        ws.write(1, c, text)
    for c, value in enumerate([dt.date(2022, 7, 1), "新政镇", "东北社区", 3000, 1800.0, 26, 6]):
        ws.write(2, c, value, date if isinstance(value, dt.date) else xlwt.Style.default_style)
    for c, value in enumerate([dt.date(2022, 7, 1), "新政镇", "临江社区", 2000, 400.25, 10, True]):
        ws.write(3, c, value, date if isinstance(value, dt.date) else xlwt.Style.default_style)
    ws.write(4, 0, "合计")
    ws.write(4, 3, 5000)
    wb.save(str(HERE / "monthly.xls"))


def _csv(rows: list[list[str]], width: int) -> str:
    """CSV text as Excel writes it: every row padded to the table width, CRLF line ends."""
    return "".join(",".join((r + [""] * width)[:width]) + "\r\n" for r in rows)


def csv_files() -> None:
    """GBK ("CSV (逗号分隔)"), UTF-8 with BOM ("CSV UTF-8"), GB18030-only characters, tab-separated."""
    header = [*MONTHLY_HEADER, "总户数"]
    rows = [
        ["仪陇县社区治理月报表"],
        ["填报单位：新政镇", "", "", "", "", "", "2022年7月"],
        header,
        ["", "", "", "户", "㎡", "个", "个", "户"],
        ["2022-07", "新政镇", "东北社区", "3000", "1800", "26", "6", "3001"],
        ["2022/7", "新政镇", "临江社区", '"1,800"', "１８００", "10", "5", ""],
        ["", "", "", "", "", "", "", ""],
        ["合计", "", "", "4800", "3600", "36", "11", ""],
    ]
    text = _csv(rows, len(header))
    (HERE / "monthly_gbk.csv").write_bytes(text.encode("gbk"))
    (HERE / "monthly_utf8bom.csv").write_bytes(text.encode("utf-8-sig"))
    rare = text.replace("临江社区", "䶮𠀀社区")  # neither character exists in GBK
    (HERE / "monthly_gb18030.csv").write_bytes(rare.encode("gb18030"))
    tab = "报告月份\t村(社区)\t户数\r\n2022-07\t东北社区\t3000\r\n"
    (HERE / "monthly_tab.csv").write_bytes(tab.encode("utf-8"))
    # Blank lines and a line break inside a quoted cell: row numbers must still be line numbers.
    lines = (
        "志愿服务活动登记表\n"
        "\n"
        "日期,村(社区),活动名称,服务类别,参与人数,服务时长(小时)\n"
        "2022-10-15,东北社区,疫情防控卡点值守,平安服务,180,1440\n"
        "\n"
        '2022-10-20,东北社区,"敬老院探访\n（重阳节）",文化服务,25,50\n'
        "2022-10-28,临江社区,义诊,便民服务,12,24\n"
    )
    (HERE / "activity_lines.csv").write_bytes(lines.encode("utf-8"))


def bad_files() -> None:
    """Files that cannot be read: truncated workbook, text renamed .xlsx, empty, unsupported, .xls renamed."""
    good = (HERE / "monthly_messy.xlsx").read_bytes()
    (HERE / "corrupt.xlsx").write_bytes(good[: len(good) // 2])
    (HERE / "renamed_text.xlsx").write_bytes("报告月份,村(社区)\n2022-07,东北社区\n".encode())
    (HERE / "empty.csv").write_bytes(b"")
    (HERE / "report.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    (HERE / "xls_named_xlsx.xlsx").write_bytes((HERE / "monthly.xls").read_bytes())


def encrypted_xlsx() -> None:
    """A workbook with an open password (msoffcrypto-tool, when installed; the committed file otherwise)."""
    try:
        from msoffcrypto.format.ooxml import OOXMLFile  # type: ignore[import-not-found]
    except ImportError:
        return
    plain = io.BytesIO((HERE / "two_row_header.xlsx").read_bytes())
    out = io.BytesIO()
    office = OOXMLFile(plain)
    office.encrypt("1234", out)
    (HERE / "encrypted.xlsx").write_bytes(out.getvalue())


if __name__ == "__main__":
    monthly_messy_xlsx()
    two_row_header_xlsx()
    roster_merged_xlsx()
    workbook_multi_xlsx()
    monthly_xls()
    csv_files()
    bad_files()
    encrypted_xlsx()
