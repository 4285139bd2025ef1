"""Write the report files the load and CLI tests use, as communities send them.

Run from the repo root: `.venv/bin/python tests/files/load/make_files.py`. Deterministic; the
files are committed, so this only needs rerunning when the expected contents change (update
EXPECTED in tests/etl/test_load.py with them).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).resolve().parent

MONTHLY_HEADER = [
    "报告月份",
    "乡镇(街道)",
    "村(社区)",
    "户数",
    "常住人口",
    "党员人数",
    "小区数",
    "已建党组织小区数",
    "网格数",
    "党群服务中心面积(㎡)",
    "服务平台数",
    "注册志愿者数",
    "志愿服务时长(小时)",
    "诉求受理数",
    "诉求办结数",
    "按时办结数",
    "回访满意数",
    "回访总数",
]
MONTHLY_UNITS = ["", "", "", "户", "人", "人", "个", "个", "个", "㎡", "个", "人", "小时", "件", "件", "件", "件", "件"]


def _titled(ws: Worksheet, title: str, header: list[str], units: list[str] | None = None) -> None:
    """Title row merged across the header, optional unit row, then the header (as the template prints)."""
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    if units:
        ws.append(units)


def monthly_xinzheng() -> None:
    """新政镇, July 2022: four good rows in four month spellings, messy numbers, blanks, a 合计 row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "月度指标"
    _titled(ws, "仪陇县社区治理月报表（新政镇）", MONTHLY_HEADER, MONTHLY_UNITS)
    ws.append(
        [dt.datetime(2022, 7, 1), "新政镇", "东北社区", "1,800", 5400, 120, 4, 3, 6, "1800㎡", 26, 80, "120小时"]
        + [20, 18, 17, 15, 16]
    )
    ws.append(
        ["2022年7月", "新政镇", "新政镇临江社区", "１２００", 3600, 80, 3, 3, 4, "600平方米", 12, 40, None]
        + [10, 10, 9, None, None]
    )
    ws.append([])  # a blank row between communities
    ws.append(["2022/8", None, "东北", None, None, None, None, None, None, None, None, None, None] + [None] * 5)
    ws.append(["202207", "新政镇", "白溪社区", "900户", 2700, 50, 2, 1, 3, "300", 8, 30, "45.5"] + [5, 5, 5, 4, 5])
    ws.append(["合计", None, None, 3900, 11700, 250, 9, 7, 13, 2700, 46, 150, 165.5] + [35, 33, 31, 19, 21])
    wb.save(HERE / "monthly_xinzheng_2022-07.xlsx")


def monthly_xinzheng_corrected() -> None:
    """A corrected file for the same month: 东北社区 and 临江社区 again, with new figures."""
    wb = Workbook()
    ws = wb.active
    ws.title = "月度指标"
    _titled(ws, "仪陇县社区治理月报表（新政镇，更正）", MONTHLY_HEADER, MONTHLY_UNITS)
    ws.append(["2022-07", "新政镇", "东北社区", 1850, 5500, 121, 4, 4, 6, 1800, 26, 82, 130, 20, 19, 18, 16, 17])
    ws.append(["2022-07", "新政镇", "临江社区", 1210, 3600, 80, 3, 3, 4, 600, 12, 41, 60, 10, 10, 9, 8, 9])
    wb.save(HERE / "monthly_xinzheng_2022-07_corrected.xlsx")


def monthly_jincheng_gbk() -> None:
    """金城镇, July 2022, as Chinese Excel saves "CSV (逗号分隔)": GBK, CRLF; two good rows, three bad."""
    header = ["报告月份", "乡镇(街道)", "村(社区)", "户数", "网格数", "诉求受理数", "诉求办结数"]
    rows = [
        ["2022-07", "金城镇", "金新社区", "1,018", "3", "12", "12"],
        ["2022.07", "金城镇", "西寺", "800", "2", "", ""],
        ["2022-07", "金城镇", "华堂村", "500", "2", "20", "25"],
        ["2022-07", "金城镇", "东南社区", "300", "1", "", ""],
        ["2022-07", "金城镇", "石榴村", "约300", "1", "", ""],
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])  # quotes "1,018" as Excel does
    (HERE / "monthly_jincheng_2022-07_gbk.csv").write_bytes(out.getvalue().encode("gbk"))


def duplicates_csv() -> None:
    """UTF-8 CSV where line 3 repeats line 2's community and month."""
    text = "报告月份,村(社区),户数\n2022-08,东北社区,1800\n2022-08,新政镇东北社区,1801\n2022-08,临江社区,1200\n"
    (HERE / "monthly_duplicates.csv").write_text(text, encoding="utf-8")


def workbook_all_kinds() -> None:
    """One township workbook for November 2022: all five kinds, a notes sheet, and one sheet of bad rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = "月度指标"
    _titled(ws, "仪陇县社区治理月报表", MONTHLY_HEADER)
    ws.append(["2022-11", "新政镇", "东北社区", 1850, 5500, 121, 4, 4, 6, 1800, 26, 85, 140, 22, 21, 20, 18, 19])
    ws.append(["2022-11", "新政镇", "临江社区", 1210, 3600, 80, 3, 3, 4, 600, 12, 41, 60, 10, 10, 9, 8, 9])

    ws = wb.create_sheet("小区党组织")
    _titled(
        ws,
        "小区党组织情况",
        ["报告月份", "村(社区)", "小区名称", "户数", "是否建立党组织", "党组织形式", "物业党组织", "业(院)委会"]
        + ["楼院党小组数", "党员中心户数", "党员先锋岗数"],
    )
    ws.append(["2022-11", "东北社区", "锦绣花园", 320, "是", "党支部", "√", "有", 4, 12, 6])
    ws.append(["2022-11", "东北社区", "滨江小区", 210, "√", "党小组", "×", "无", 2, 6, 3])
    ws.append(["2022-11", "东北社区", "老街院落", 90, "否", None, "否", "N", 0, 0, 0])

    ws = wb.create_sheet("阵地建设")
    _titled(
        ws, "阵地建设项目", ["完成日期", "村(社区)", "项目类型", "新增面积(㎡)", "整合功能场所数", "服务平台数", "说明"]
    )
    ws.append([dt.datetime(2022, 7, 15), "东北社区", "亲民化改造", None, 5, 26, "图书室、调解室、儿童之家"])
    ws.append(["2022年8月20日", "临江社区", "改扩建", "650㎡", 3, 12, None])

    ws = wb.create_sheet("志愿服务")
    _titled(ws, "志愿服务活动", ["日期", "村(社区)", "活动名称", "服务类别", "参与人数", "服务时长(小时)"])
    ws.append(["2022/10/8", "东北社区", "疫情防控卡点值守", "平安服务", 180, "720h"])
    ws.append([dt.datetime(2022, 11, 2), "临江社区", "擂台比武观摩", "党建服务", 30, 60])

    ws = wb.create_sheet("民情诉求")
    _titled(
        ws,
        "民情诉求台账",
        ["诉求编号", "受理日期", "村(社区)", "诉求类别", "来源", "办结日期", "是否按时办结", "回访结果"],
    )
    ws.append(["XZ-2022-001", "2022-11-01", "东北社区", "便民服务", "网格", "2022-11-03", "是", "满意"])
    ws.append(["XZ-2022-002", "2022-11-02", "东北社区", "民情服务", 12345, None, None, "未回访"])
    ws.append(["XZ-2022-003", "2022-11-10", "临江社区", "平安服务", "来访", "2022-11-05", "否", "不满意"])

    ws = wb.create_sheet("填表说明")
    ws.append(["填表说明：每月10日前报送。"])

    ws = wb.create_sheet("月报(补报)")
    _titled(ws, "补报", ["报告月份", "村(社区)", "户数", "网格数"])
    ws.append(["下个月", "东北社区", 1850, 6])
    ws.append(["2022-10", "不存在社区", 100, 1])
    wb.save(HERE / "workbook_2022-11.xlsx")


def broken_xlsx() -> None:
    """Bytes that are not a workbook, with an Excel name (a half-downloaded attachment)."""
    (HERE / "broken.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)


def main() -> None:
    monthly_xinzheng()
    monthly_xinzheng_corrected()
    monthly_jincheng_gbk()
    duplicates_csv()
    workbook_all_kinds()
    broken_xlsx()


if __name__ == "__main__":
    main()
