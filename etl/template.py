"""The official report workbook: `python -m etl template OUT.xlsx`.

One sheet per report kind (title row, the contract's Chinese headers, a unit row, frozen panes,
Excel data validation: dropdowns for 是/否, categories and the registry's community names,
whole numbers ≥ 0 for counts, decimals ≥ 0 for ㎡ and hours, dates for date columns), a
填表说明 sheet in front, and a hidden 名录 sheet the name dropdowns read from.
"""

from __future__ import annotations

import argparse
import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from core.contract import KINDS, REPORT_DUE_DAY, Column, Kind
from core.paths import REFERENCE, ROOT

DEFAULT_OUT = ROOT / "data" / "templates" / "仪陇县社区治理月报模板.xlsx"
TITLE = "仪陇县社区治理月报表"
INSTRUCTIONS = "填表说明"
REGISTRY_SHEET = "名录"
HEADER_ROW, UNIT_ROW, FIRST_DATA_ROW = 1, 2, 3  # 0-based; the title is row 0
DATA_ROWS = 2000  # rows carrying validation
CREATED = datetime(2026, 1, 1, 9, 0, 0)  # fixed, so the file is the same bytes every time
EARLIEST, LATEST = date(2020, 1, 1), date(2035, 12, 31)

WHAT_EACH_ROW_IS = {
    "monthly": "每个村(社区)每月一行(必报)",
    "roster": "每个小区每月一行(有小区的社区填报,报当月状况)",
    "project": "每个完工项目一行(党群服务中心新建、改扩建、亲民化改造、功能整合)",
    "activity": "每场志愿服务活动一行",
    "request": "每件民情诉求一行(诉求编号不重复)",
}
COLUMN_NOTES = {
    "month": "统计月份,如 2022-07、2022年7月",
    "reported_on": "本表报送日期;次月10日前报送",
    "neighborhoods_with_party_org": "不大于小区数",
    "requests_resolved": "不大于诉求受理数",
    "requests_on_time": "不大于诉求办结数",
    "followups_satisfied": "满意+基本满意,不大于回访总数",
    "followups_total": "有效回访数(不含未回访)",
    "service_center_m2": "月末面积;项目完工当月起计入",
    "volunteer_hours": "当月各场活动服务时长之和",
    "hours": "参与人数×每人时长",
    "case_id": "全县唯一,如 101001-2207-01",
    "resolved_on": "未办结的留空",
    "area_added_m2": "亲民化改造、功能整合一般为 0",
    "service_platforms": "项目完成后服务平台总数",
}


def units_of(col: Column) -> str:
    return col.unit if col.type in ("int", "float") else ""


def read_registry() -> list[dict[str, str]]:
    with (REFERENCE / "communities.csv").open(encoding="utf-8", newline="") as f:
        return sorted(csv.DictReader(f), key=lambda r: r["community_code"])


def _validation(col: Column, lists: dict[str, str]) -> dict[str, Any] | None:
    """The Excel data validation for a column (None for free text)."""
    if col.type == "bool":
        return {"validate": "list", "source": ["是", "否"], "error_message": "请选择 是 或 否"}
    if col.choices:
        return {"validate": "list", "source": list(col.choices), "error_message": "请从下拉列表中选择"}
    if col.name in lists:
        return {
            "validate": "list",
            "source": lists[col.name],
            "error_type": "warning",  # short forms (东北、新政镇东北社区) are accepted too
            "error_message": "名录中没有这个名称;请核对,或从下拉列表中选择",
        }
    if col.type == "int":
        top = int(col.max_value) if col.max_value is not None else 1_000_000
        return {
            "validate": "integer",
            "criteria": "between",
            "minimum": 0,
            "maximum": top,
            "error_message": f"请填写 0 到 {top} 的整数",
        }
    if col.type == "float":
        top = col.max_value if col.max_value is not None else 1e6
        return {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0,
            "maximum": top,
            "error_message": f"请填写 0 到 {top:g} 的数字",
        }
    if col.type in ("date", "month"):
        return {
            "validate": "date",
            "criteria": "between",
            "minimum": datetime(EARLIEST.year, EARLIEST.month, EARLIEST.day),
            "maximum": datetime(LATEST.year, LATEST.month, LATEST.day),
            "error_message": "请填写日期,如 2022-07-15" if col.type == "date" else "请填写月份,如 2022-07",
        }
    return None


def _instructions(wb: xlsxwriter.Workbook, fmt: dict[str, Any]) -> None:
    ws = wb.add_worksheet(INSTRUCTIONS)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 26)
    ws.set_column(2, 2, 12)
    ws.set_column(3, 3, 8)
    ws.set_column(4, 4, 60)
    ws.merge_range(0, 0, 0, 4, f"{TITLE} 填表说明", fmt["title"])
    lines = [
        "一、本工作簿共 5 张报表,每张表一种报表,表名即报表名称;不用的表可以留空,但不要删除或改动表头。",
        "二、月度指标为必报表:每个村(社区)每月一行。其余各表有数据时填报。乡镇(街道)可把全部村(社区)汇总在一个文件中报送。",
        f"三、报送时限:每月 {REPORT_DUE_DAY} 日前报送上月数据,填报日期填实际报送日期;逾期为迟报。",
        "四、数据有误需要更正时,重新报送整张表(文件名加“更正”),同一村(社区)同一月份以最后报送的为准。",
        "五、格式:月份填 2022-07 或 2022年7月;日期填 2022-07-15;数字只填数字(可带单位,如 1800㎡);是/否 从下拉列表选择。",
        "六、村(社区)从下拉列表选择(名录中的标准名称);也可填“东北”“新政镇东北社区”等简称,但必须能唯一对应名录。",
        "七、也可报送 CSV 文件(Excel “另存为 → CSV(逗号分隔)”,GBK 或 UTF-8 编码均可),一个 CSV 只放一种报表。",
        "八、表中不填写任何个人信息(姓名、电话、身份证号等),只填数量。合计行、说明行可保留,系统会自动跳过。",
        "九、报表不能装载的行会被隔离并说明原因(如“诉求办结数大于诉求受理数”“村(社区)不在名录中”),请按原因更正后重新报送。",
    ]
    row = 2
    for line in lines:
        ws.merge_range(row, 0, row, 4, line, fmt["wrap"])
        ws.set_row(row, 32)
        row += 1
    row += 1
    for kind in KINDS:
        ws.merge_range(row, 0, row, 4, f"【{kind.zh}】{WHAT_EACH_ROW_IS[kind.name]}", fmt["bold"])
        row += 1
        for c, text in enumerate(("表头", "说明 / 可选值", "类型", "计量单位", "必填与规则")):
            ws.write_string(row, c, text, fmt["head"])
        row += 1
        for col in kind.columns:
            kind_text = {
                "month": "年月",
                "date": "年月日",
                "text": "文字",
                "int": "整数",
                "float": "数字",
                "bool": "是/否",
                "category": "下拉选择",
            }[col.type]
            choices = "、".join(col.choices) if col.choices else ("是、否" if col.type == "bool" else "")
            rule = "必填" if col.required else ""
            if col.type in ("int", "float"):
                rule = "；".join(x for x in (rule, "不能为负数") if x)
            note = COLUMN_NOTES.get(col.name, "")
            ws.write_string(row, 0, f"“{col.zh}”", fmt["cell"])  # quoted: not a header row
            ws.write_string(row, 1, choices or note or col.name, fmt["cell"])
            ws.write_string(row, 2, kind_text, fmt["cell"])
            ws.write_string(row, 3, units_of(col), fmt["cell"])
            ws.write_string(row, 4, "；".join(x for x in (rule, note if choices else "") if x), fmt["cell"])
            row += 1
        row += 1
    ws.activate()


def _kind_sheet(wb: xlsxwriter.Workbook, kind: Kind, fmt: dict[str, Any], lists: dict[str, str]) -> None:
    ws = wb.add_worksheet(kind.zh)
    n = len(kind.columns)
    ws.merge_range(0, 0, 0, n - 1, f"{TITLE} — {kind.zh}", fmt["title"])
    ws.set_row(0, 28)
    for c, col in enumerate(kind.columns):
        ws.write_string(HEADER_ROW, c, col.zh, fmt["head_required"] if col.required else fmt["head"])
        unit = units_of(col)
        if unit:
            ws.write_string(UNIT_ROW, c, unit, fmt["unit"])
        else:
            ws.write_blank(UNIT_ROW, c, None, fmt["unit"])
        width = max(10, min(28, 2 * len(col.zh) + 2))
        if col.name in ("note", "activity_name"):
            width = 30
        cell_fmt = {"month": fmt["month"], "date": fmt["date"]}.get(
            col.type, fmt["text"] if col.type == "text" else None
        )
        ws.set_column(c, c, width, cell_fmt)
        rule = _validation(col, lists)
        if rule:
            rule = {
                "error_title": col.zh,
                "input_title": col.zh,
                "input_message": (COLUMN_NOTES.get(col.name) or ("必填" if col.required else ""))[:250],
                **rule,
            }
            if not rule["input_message"]:
                del rule["input_message"], rule["input_title"]
            ws.data_validation(FIRST_DATA_ROW, c, FIRST_DATA_ROW + DATA_ROWS - 1, c, rule)
    ws.freeze_panes(FIRST_DATA_ROW, 0)
    ws.set_row(HEADER_ROW, 36)


def write_template(out: Path | str = DEFAULT_OUT) -> Path:
    """Write the report template workbook to `out` (same bytes every time for the same registry)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    registry = read_registry()
    wb = xlsxwriter.Workbook(str(out), {"in_memory": True})
    wb.set_properties({"title": TITLE, "subject": "报表模板", "author": "仪陇县社区治理办", "created": CREATED})
    fmt = {
        "title": wb.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}),
        "bold": wb.add_format({"bold": True, "font_size": 12}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "head": wb.add_format(
            {
                "bold": True,
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "bg_color": "#DDEBF7",
            }
        ),
        "head_required": wb.add_format(
            {
                "bold": True,
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "bg_color": "#FCE4D6",
            }
        ),
        "unit": wb.add_format({"italic": True, "align": "center", "font_color": "#595959", "border": 1}),
        "cell": wb.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
        "month": wb.add_format({"num_format": 'yyyy"年"m"月"'}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "text": wb.add_format({"num_format": "@"}),
    }
    n = len(registry) + 1
    towns = sorted({(r["town_code"], r["town_name"]) for r in registry})
    lists = {
        "community_name": f"={REGISTRY_SHEET}!$C$2:$C${n}",
        "town_name": f"={REGISTRY_SHEET}!$E$2:$E${len(towns) + 1}",
    }
    _instructions(wb, fmt)
    for kind in KINDS:
        _kind_sheet(wb, kind, fmt, lists)
    ws = wb.add_worksheet(REGISTRY_SHEET)
    for c, text in enumerate(("代码", "所属乡镇", "名称", "", "乡镇列表")):
        if text:
            ws.write_string(0, c, text, fmt["head"])
    for r, row in enumerate(registry, start=1):
        ws.write_string(r, 0, row["community_code"])
        ws.write_string(r, 1, row["town_name"])
        ws.write_string(r, 2, row["community_name"])
    for r, (_, name) in enumerate(towns, start=1):
        ws.write_string(r, 4, name)
    ws.set_column(0, 4, 14)
    ws.hide()
    wb.close()
    return out


def add_arguments(parser: argparse.ArgumentParser, name: str = "template") -> None:
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT, help="输出文件 / output .xlsx")


def run(args: argparse.Namespace) -> int:
    out = write_template(args.out)
    print(f"报表模板 / template → {out}")
    return 0
