"""The column dictionary: the label and unit of every column a user sees, in one place.

A column is a metric of the catalogue (its label and unit), a column of the report contract
(its Chinese header and unit), a flag derived from a metric's line (`below_<…>`, labelled
with the line itself, so a changed standard relabels it), or one of the view columns below.
"""

from __future__ import annotations

from core.contract import KINDS
from core.metrics import METRICS, metric

# Columns of the public views that are neither metrics nor report-contract columns.
EXTRA: dict[str, tuple[str, str, str, str]] = {
    # name: (zh, en, unit_zh, unit_en)
    "month": ("月份", "Month", "", ""),
    "community_code": ("村(社区)代码", "Community code", "", ""),
    "community_name": ("村(社区)", "Community", "", ""),
    "town_code": ("乡镇(街道)代码", "Township code", "", ""),
    "town_name": ("乡镇(街道)", "Township", "", ""),
    "community_type": ("类型", "Type", "", ""),
    "group_name": ("片区", "Group (片区)", "", ""),
    "urban": ("城镇", "Urban", "", ""),
    "synthetic": ("示例代码", "Synthetic code", "", ""),
    "reported_on": ("填报日期", "Reported on", "", ""),
    "first_reported_on": ("首次填报日期", "First reported on", "", ""),
    "next_month": ("下次报告月份", "Next report month", "", ""),
    "grid_workers_fulltime": ("专职网格员数", "Full-time grid workers", "人", "people"),
    "grid_workers_parttime": ("兼职网格员数", "Part-time grid workers", "人", "people"),
    "neighborhood_name": ("小区名称", "Neighbourhood", "", ""),
    "has_party_org": ("是否建立党组织", "Has a party org", "", ""),
    "party_org_form": ("党组织形式", "Party-org form", "", ""),
    "has_property_party_org": ("物业党组织", "Property-company party org", "", ""),
    "has_owners_committee": ("业(院)委会", "Owners' committee", "", ""),
    "building_party_groups": ("楼院党小组数", "Building party groups", "个", ""),
    "party_hub_households": ("党员中心户数", "Party hub households", "户", "households"),
    "vanguard_posts": ("党员先锋岗数", "Vanguard posts", "个", ""),
    "completed_on": ("完成日期", "Completed on", "", ""),
    "project_type": ("项目类型", "Project type", "", ""),
    "area_added_m2": ("新增面积", "Area added", "㎡", "m²"),
    "rooms_integrated": ("整合功能场所数", "Rooms integrated", "个", ""),
    "note": ("说明", "Note", "", ""),
    "activity_date": ("日期", "Date", "", ""),
    "activity_name": ("活动名称", "Activity", "", ""),
    "service_category": ("服务类别", "Service category", "", ""),
    "participants": ("参与人数", "Participants", "人", "people"),
    "hours": ("服务时长", "Hours", "小时", "hours"),
    "case_id": ("诉求编号", "Case no.", "", ""),
    "received_on": ("受理日期", "Received on", "", ""),
    "category": ("诉求类别", "Category", "", ""),
    "source": ("来源", "Source", "", ""),
    "resolved_on": ("办结日期", "Resolved on", "", ""),
    "on_time": ("是否按时办结", "Resolved on time", "", ""),
    "followup_result": ("回访结果", "Follow-up result", "", ""),
    "days_to_resolve": ("办结用时", "Days to resolve", "天", "days"),
    "source_file": ("来源文件", "Source file", "", ""),
    "source_sheet": ("来源工作表", "Source sheet", "", ""),
    "source_row": ("来源行号", "Source row", "", ""),
    "load_id": ("装载批次", "Load no.", "", ""),
    "path": ("文件路径", "File path", "", ""),
    "sha256": ("文件校验值", "SHA-256", "", ""),
    "loaded_at": ("装载时间（北京时间）", "Loaded at (Beijing time)", "", ""),  # shown via settings.county_times
    "status": ("状态", "Status", "", ""),
    "rows_read": ("读取行数", "Rows read", "行", "rows"),
    "rows_loaded": ("装载行数", "Rows loaded", "行", "rows"),
    "rows_replaced": ("替换行数", "Rows replaced", "行", "rows"),
    "rows_quarantined": ("隔离行数", "Rows quarantined", "行", "rows"),
    "message": ("说明", "Message", "", ""),
    "notes": ("读取说明", "Reader's notes", "", ""),
    "sheets_skipped": ("跳过的工作表", "Sheets skipped", "", ""),
    "period_end": ("数据截至", "Data up to", "", ""),
    "file": ("文件", "File", "", ""),
    "sheet": ("工作表", "Sheet", "", ""),
    "row_number": ("行号", "Row", "", ""),
    "kind": ("报表类型", "Report kind", "", ""),
    "original": ("原始内容", "Original cells", "", ""),
    "reason": ("原因", "Reason", "", ""),
    "row_key": ("行键", "Row key", "", ""),
    "tied": ("并列", "Tied", "", ""),
    "column_name": ("更正的列", "Column changed", "", ""),
    "old_value": ("原值", "Old value", "", ""),
    "new_value": ("新值", "New value", "", ""),
}
_CONTRACT = {c.name: c for k in KINDS for c in k.columns}

# Flags "below the line" of a metric: column → metric name.
FLAGS: dict[str, str] = {"below_resolution": "resolution_rate", "below_satisfaction": "satisfaction_rate"}


def with_unit(label: str, unit: str, lang: str) -> str:
    """户数(户), 党群服务中心面积(㎡); Households, Service-centre area (m²) — an English unit that
    the name already says is left out."""
    if not unit:
        return label
    if lang == "zh":
        return label if label.endswith(f"({unit})") else f"{label}({unit})"
    return label if unit.lower() in label.lower() else f"{label} ({unit})"


def label(name: str, lang: str, short: bool = False) -> str | None:
    """The header for column `name` in `lang` ("zh"/"en"): Chinese report header with unit, or
    English name with unit (with `short`, a metric's short English name, for a KPI card); None
    for a column this dictionary does not know."""
    m = METRICS.get(name)
    if m is not None:
        return with_unit(m.short(lang) if short else m.label(lang), m.unit(lang), lang)
    if name in FLAGS:
        m = metric(FLAGS[name])
        line = m.line_text()
        return f"{m.zh}低于{line}" if lang == "zh" else f"{m.en} below {line}"
    if name in EXTRA:
        zh, en, uzh, uen = EXTRA[name]
        return with_unit(zh, uzh, "zh") if lang == "zh" else with_unit(en, uen, "en")
    if name in _CONTRACT and lang == "zh":
        c = _CONTRACT[name]
        return with_unit(c.zh, c.unit, "zh")
    return None


def value_text(value: object, lang: str) -> str:
    """A stored value as a person reads it in a list of changes (the ETL keeps old and new as
    text, CAST to VARCHAR): blank for none, 是/否 (yes/no) for true/false, a whole number without
    ".0" and with thousands separators (1,210; 120, not 120.0), anything else as it is."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value).strip()
    if text.lower() in ("true", "false"):
        yes = text.lower() == "true"
        return ("是" if yes else "否") if lang == "zh" else ("yes" if yes else "no")
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return text
    if number != number or number in (float("inf"), float("-inf")):
        return text
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.6f}".rstrip("0").rstrip(".")
