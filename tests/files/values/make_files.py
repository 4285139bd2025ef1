"""Write the report files that tests/etl/test_office_values.py loads: the siblings of the real-world
cases in tests/files/cases/ (invisible characters, Excel error values and formulas without a
result, months and dates as offices write them) in other report kinds and other file formats.

Run from the repo root: `.venv/bin/python tests/files/values/make_files.py`. Deterministic: the
same bytes every run. Workbooks are written with openpyxl (.xlsx) and xlwt (.xls); CSVs as UTF-8
with BOM, the way Chinese Excel saves them.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import xlwt

HERE = Path(__file__).resolve().parent

ZWSP, BOM, WJ, NBSP, NNBSP = "\u200b", "\ufeff", "\u2060", "\u00a0", "\u202f"

MONTHLY = ["报告月份", "乡镇(街道)", "村(社区)", "填报日期", "户数", "常住人口", "党员人数", "诉求受理数", "诉求办结数"]
PROJECT = ["完成日期", "村(社区)", "项目类型", "新增面积(㎡)", "整合功能场所数"]
ACTIVITY = ["日期", "村(社区)", "活动名称", "服务类别", "参与人数", "服务时长(小时)"]
REQUEST = ["诉求编号", "受理日期", "村(社区)", "诉求类别", "来源", "办结日期", "是否按时办结", "回访结果"]


def _save_xlsx(wb: openpyxl.Workbook, name: str) -> None:
    """Save with fixed document times and zip entry dates, so the bytes do not change between runs."""
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2022-08-05T09:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(item.filename, date_time=(2022, 8, 5, 9, 0, 0)), data)
    (HERE / name).write_bytes(out.getvalue())


def _csv(name: str, rows: list[list[str]]) -> None:
    (HERE / name).write_bytes(("\r\n".join(",".join(r) for r in rows) + "\r\n").encode("utf-8-sig"))


def invisible_csv() -> None:
    """Monthly CSV: invisible characters in a header cell, numbers, a name, a month and a date."""
    _csv(
        "invisible_monthly.csv",
        [
            [f"{BOM}报告月份", "乡镇(街道)", f"村(社区){ZWSP}", "填报日期", f"户{WJ}数", "常住人口", "党员人数"]
            + ["诉求受理数", "诉求办结数"],
            ["2022-07", "新政镇", "东北社区", "2022-08-05", f"1{ZWSP}466", f"5{NNBSP}140", f"150{ZWSP}", "20", "19"],
            [
                f"2022-07{ZWSP}",
                f"新政镇{NBSP}",
                f"临江{ZWSP}社区",
                f"2022-08-06{BOM}",
                f"{NBSP}980{NBSP}",
                "3 010",
                "95",
            ]
            + [f"1{WJ}2", "12"],
            ["2022-07", "新政镇", f"东南社区{ZWSP}", "2022-08-06", f"约{ZWSP}300", "3900", "88", "9", "9"],
        ],
    )


def invisible_activity_xlsx() -> None:
    """Volunteer activities: invisible characters in a header, a text key, a category and numbers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "志愿服务"
    ws.append([f"日期{ZWSP}", "村(社区)", f"{BOM}活动名称", "服务类别", "参与人数", "服务时长(小时)"])
    ws.append(["2022-07-02", f"{ZWSP}东北社区", f"义诊{ZWSP}", f"便民服务{ZWSP}", f"1{NBSP}200", f"2{NNBSP}400.5"])
    ws.append(["2022-07-03", "东北社区", f"防汛{NBSP}巡查", "平安服务", f"{WJ}44", "88"])
    _save_xlsx(wb, "invisible_activity.xlsx")


def errors_xlsx() -> None:
    """Monthly and request sheets (openpyxl) with Excel error values, formulas openpyxl saves without
    a result, an error value calamine does not know (#SPILL!), and a formula-only row below the data."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "月度指标"
    ws.append(MONTHLY)
    ws.append(["2022-07", "新政镇", "东北社区", "2022-08-05", 1466, "=E2*3", 150, 20, 19])
    ws.append(["2022-07", "新政镇", "临江社区", "2022-08-05", 980, 3010, 95, "#N/A", 12])
    ws.append(["2022-07", "新政镇", "#N/A", "2022-08-05", 700, 3000, 90, 9, 9])
    ws.append(["2022-07", "新政镇", "平山社区", "2022-08-05", 650, 3000, "#SPILL!", 12, "#DIV/0!"])
    ws.append(["2022-07", "新政镇", "鹤坡社区", "2022-08-05", 640, 3000, 90, 12, 12])
    ws.append([None, None, None, None, None, "=E7*3"])
    for ref in ("H3", "C4", "G5", "I5"):
        ws[ref].data_type = "e"
    ws2 = wb.create_sheet("民情诉求")
    ws2.append(REQUEST)
    ws2.append(["20220001", "2022-07-01", "东北社区", "便民服务", "网格", "2022-07-03", "是", "满意"])
    ws2.append(["20220002", "#VALUE!", "东北社区", "#N/A", "电话", None, None, "未回访"])
    ws2["B3"].data_type = "e"
    ws2["D3"].data_type = "e"
    _save_xlsx(wb, "errors.xlsx")


def errors_xls() -> None:
    """An old .xls: error cells (BOOLERR) and a formula whose saved result is an error."""
    wb = xlwt.Workbook()
    ws = wb.add_sheet("月度指标")
    header = ["报告月份", "村(社区)", "户数", "常住人口", "党员人数"]
    for col, text in enumerate(header):
        ws.write(0, col, text)
    rows = [("2022-07", "东北社区", 1466, None, 150), ("2022-07", "临江社区", 980, 3010, None)]
    rows += [("2022-07", "白溪社区", 700, 3000, 90), ("2022-07", "平山社区", 650, None, 80)]
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is not None:
                ws.write(r, col, value)
    ws.row(1).set_cell_error(3, "#DIV/0!")
    ws.row(2).set_cell_error(4, "#REF!")
    ws.write(4, 3, xlwt.Formula("1/0"))
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    # xlwt saves a formula with an empty text as its result; make it what Excel saves for 1/0:
    # the error #DIV/0! (result bytes 02 00 07 00 00 00 FF FF).
    empty_result = bytes.fromhex("030000000000ffff")
    assert data.count(empty_result) == 1
    (HERE / "errors.xls").write_bytes(data.replace(empty_result, bytes.fromhex("020007000000ffff")))


def errors_csv() -> None:
    """A CSV holding what Excel and LibreOffice export for error cells, and a formula as text."""
    _csv(
        "errors_monthly.csv",
        [
            MONTHLY,
            ["2022-07", "新政镇", "东北社区", "2022-08-05", "1466", "#N/A", "150", "20", "19"],
            ["2022-07", "新政镇", "临江社区", "#VALUE!", "980", "3010", "95", "Err:502", "12"],
            ["2022-07", "新政镇", "白溪社区", "2022-08-05", "700", "=E4*3", "90", "9", "9"],
            ["#REF!", "新政镇", "平山社区", "2022-08-05", "650", "3000", "90", "12", "12"],
            ["2022-07", "新政镇", "鹤坡社区", "2022-08-05", "640", "3000", "90", "12", "12"],
        ],
    )


def months_csv() -> None:
    """Monthly CSV: months as serials, with a time fraction, 2022.1 (ambiguous), 2022.10, Chinese."""
    cells = ["44743", "44757.5", "2022.1", "2022.10", "22年7月", "二〇二二年八月", "2022年9月份", "2022.7"]
    names = ["东北社区", "临江社区", "白溪社区", "平山社区", "鹤坡社区", "黄堰社区", "凤井社区", "黄桥社区"]
    dates = [
        "44778",
        "2022年8月5日",
        "二〇二二年八月五日",
        "22年8月5日",
        "2022/8/5",
        "20220805",
        "44778.75",
        "2022-8-5",
    ]
    rows = [[m, "新政镇", n, d, "600", "3000", "90", "12", "12"] for m, n, d in zip(cells, names, dates, strict=True)]
    _csv("months_monthly.csv", [MONTHLY, *rows])


def dates_xlsx() -> None:
    """Projects, activities and requests with dates as General numbers (serials, one with a time),
    serial text, and Chinese spellings."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "阵地建设"
    ws.append(PROJECT)
    ws.append([44757, "东北社区", "新建", 800, 3])
    ws.append([44757.5, "东北社区", "改扩建", 200, 1])
    ws.append(["二〇二二年七月二十日", "临江社区", "新建", 300, 2])
    ws.append(["22年7月31日", "临江社区", "改扩建", 100, 1])
    ws.append([2022.7, "白溪社区", "新建", 100, 1])
    ws2 = wb.create_sheet("志愿服务")
    ws2.append(ACTIVITY)
    ws2.append(["二〇二二年十月二日", "东北社区", "疫情防控卡点值守", "平安服务", 180, 1440])
    ws2.append(["44836", "东北社区", "敬老院慰问", "文化服务", 12, 24])
    ws3 = wb.create_sheet("民情诉求")
    ws3.append(REQUEST)
    ws3.append(["20220101", 44743, "东北社区", "便民服务", "网格", 44745.6, "是", "满意"])
    ws3.append(["20220102", "2022年7月1号", "东北社区", "民情服务", "来访", "二〇二二年七月十二日", "否", "基本满意"])
    _save_xlsx(wb, "dates.xlsx")


if __name__ == "__main__":
    invisible_csv()
    invisible_activity_xlsx()
    errors_xlsx()
    errors_xls()
    errors_csv()
    months_csv()
    dates_xlsx()
