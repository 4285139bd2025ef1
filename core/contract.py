"""The report contract: the five kinds of sheet a community sends, declared once.

Every other part of the ETL (header recognition, value parsing, validation, the warehouse
tables, the report template) and the sample generator reads these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["month", "date", "text", "int", "float", "bool", "category"]

SERVICE_CATEGORIES = ("党建服务", "便民服务", "文化服务", "平安服务", "民情服务", "协商服务")
PROJECT_TYPES = ("新建", "改扩建", "亲民化改造", "功能整合")
PARTY_ORG_FORMS = ("党支部", "联合党支部", "党小组")
REQUEST_SOURCES = ("网格", "来访", "电话", "12345", "线上")
FOLLOWUP_RESULTS = ("满意", "基本满意", "不满意", "未回访")


@dataclass(frozen=True)
class Column:
    """One column of a report sheet: English name, Chinese header as printed, type, unit."""

    name: str
    zh: str
    type: ColumnType
    unit: str = ""
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    max_value: float | None = None
    min_value: float | None = None  # int/float columns: lowest value accepted (counts and areas: 0)


@dataclass(frozen=True)
class Rule:
    """A cross-field rule: `left <= right` for every row where both are present."""

    left: str
    right: str


@dataclass(frozen=True)
class Kind:
    """One kind of report sheet."""

    name: str
    zh: str
    table: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...] = ()
    sheet_aliases: tuple[str, ...] = field(default=())
    # The key is unique only within one township (a case number issued by its own system): a row
    # whose key another township already owns is set aside, never taken over. The other kinds'
    # keys begin with community_code, so they cannot clash across communities at all.
    key_owned_by_town: bool = False
    # The date column that says which period a row covers (报告月份, 完成日期, 日期, 受理日期): a
    # file covers the period up to its latest value, which decides whether a report is older
    # than what it would replace when neither side has a 填报日期 (docs/warehouse.md).
    period: str = "month"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


MONTH = Column("month", "报告月份", "month", required=True, aliases=("月份", "统计月份", "报表月份"))
TOWN = Column("town_name", "乡镇(街道)", "text", aliases=("乡镇", "街道", "乡镇街道", "所属乡镇"))
COMMUNITY = Column(
    "community_name",
    "村(社区)",
    "text",
    required=True,
    aliases=("社区", "村社区", "村（社区）", "社区名称", "村(社区)名称", "单位"),
)


def _count(name: str, zh: str, unit: str = "个", aliases: tuple[str, ...] = (), cap: float = 1e6) -> Column:
    return Column(name, zh, "int", unit=unit, aliases=aliases, max_value=cap, min_value=0)


MONTHLY = Kind(
    name="monthly",
    zh="月度指标",
    table="stg_monthly",
    key=("community_code", "month"),
    sheet_aliases=("月报", "月度", "monthly_indicators"),
    columns=(
        MONTH,
        TOWN,
        COMMUNITY,
        Column("reported_on", "填报日期", "date", aliases=("报送日期", "上报日期")),
        _count("households", "户数", "户", ("总户数", "户籍户数"), 50_000),
        _count("population", "常住人口", "人", ("人口", "常住人口数"), 200_000),
        _count("party_members", "党员人数", "人", ("党员数",), 10_000),
        _count("neighborhoods", "小区数", "个", ("小区个数",), 500),
        _count("neighborhoods_with_party_org", "已建党组织小区数", "个", ("建立党组织小区数",), 500),
        _count("grids", "网格数", "个", ("网格个数",), 500),
        _count("grid_workers_fulltime", "专职网格员数", "人", ("专职网格员",), 1_000),
        _count("grid_workers_parttime", "兼职网格员数", "人", ("兼职网格员",), 5_000),
        Column(
            "service_center_m2",
            "党群服务中心面积(㎡)",
            "float",
            unit="㎡",
            aliases=("党群服务中心面积", "服务中心面积", "阵地面积"),
            max_value=100_000,
            min_value=0,
        ),
        _count("service_platforms", "服务平台数", "个", ("服务平台",), 500),
        _count("volunteers_registered", "注册志愿者数", "人", ("注册志愿者", "志愿者人数"), 50_000),
        Column(
            "volunteer_hours",
            "志愿服务时长(小时)",
            "float",
            unit="小时",
            aliases=("志愿服务时长", "服务时长"),
            max_value=1_000_000,
            min_value=0,
        ),
        _count("volunteer_activities", "志愿服务活动场次", "场", ("活动场次",), 10_000),
        _count("requests_received", "诉求受理数", "件", ("受理诉求数",), 100_000),
        _count("requests_resolved", "诉求办结数", "件", ("办结诉求数",), 100_000),
        _count("requests_on_time", "按时办结数", "件", ("按期办结数",), 100_000),
        _count("followups_satisfied", "回访满意数", "件", ("满意数",), 100_000),
        _count("followups_total", "回访总数", "件", ("回访数",), 100_000),
        _count("disputes_mediated", "矛盾纠纷调解数", "件", ("调解纠纷数",), 100_000),
    ),
    rules=(
        Rule("requests_resolved", "requests_received"),
        Rule("requests_on_time", "requests_resolved"),
        Rule("followups_satisfied", "followups_total"),
        Rule("neighborhoods_with_party_org", "neighborhoods"),
        # a report filled in before its month began has the wrong month or the wrong date
        Rule("month", "reported_on"),
    ),
)

ROSTER = Kind(
    name="roster",
    zh="小区党组织",
    table="stg_roster",
    key=("community_code", "neighborhood_name", "month"),
    sheet_aliases=("小区", "neighborhoods"),
    columns=(
        MONTH,
        COMMUNITY,
        Column("neighborhood_name", "小区名称", "text", required=True, aliases=("小区",)),
        _count("households", "户数", "户", ("总户数",), 20_000),
        Column("has_party_org", "是否建立党组织", "bool", aliases=("是否建立党组织", "已建党组织")),
        Column("party_org_form", "党组织形式", "category", choices=PARTY_ORG_FORMS),
        Column("has_property_party_org", "物业党组织", "bool", aliases=("是否建立物业党组织",)),
        Column("has_owners_committee", "业(院)委会", "bool", aliases=("业委会", "院委会", "业（院）委会")),
        _count("building_party_groups", "楼院党小组数", "个", ("楼院党小组",), 500),
        _count("party_hub_households", "党员中心户数", "户", ("党员中心户",), 1_000),
        _count("vanguard_posts", "党员先锋岗数", "个", ("党员先锋岗",), 1_000),
    ),
)

PROJECT = Kind(
    name="project",
    period="completed_on",
    zh="阵地建设",
    table="stg_project",
    key=("community_code", "completed_on", "project_type"),
    sheet_aliases=("阵地", "projects"),
    columns=(
        Column("completed_on", "完成日期", "date", required=True, aliases=("竣工日期", "完成时间")),
        COMMUNITY,
        Column("project_type", "项目类型", "category", required=True, choices=PROJECT_TYPES),
        Column(
            "area_added_m2", "新增面积(㎡)", "float", unit="㎡", aliases=("新增面积",), max_value=20_000, min_value=0
        ),
        _count("rooms_integrated", "整合功能场所数", "个", ("整合功能室数",), 200),
        _count("service_platforms", "服务平台数", "个", ("服务平台",), 500),
        Column("note", "说明", "text", aliases=("备注",)),
    ),
)

ACTIVITY = Kind(
    name="activity",
    period="activity_date",
    zh="志愿服务",
    table="stg_activity",
    key=("community_code", "activity_date", "activity_name"),
    sheet_aliases=("志愿", "activities"),
    columns=(
        Column("activity_date", "日期", "date", required=True, aliases=("活动日期",)),
        COMMUNITY,
        Column("activity_name", "活动名称", "text", required=True, aliases=("活动",)),
        Column("service_category", "服务类别", "category", choices=SERVICE_CATEGORIES, aliases=("类别",)),
        _count("participants", "参与人数", "人", ("参加人数",), 10_000),
        Column(
            "hours",
            "服务时长(小时)",
            "float",
            unit="小时",
            aliases=("服务时长", "时长"),
            max_value=100_000,
            min_value=0,
        ),
    ),
)

REQUEST = Kind(
    name="request",
    period="received_on",
    zh="民情诉求",
    table="stg_request",
    key=("case_id",),
    key_owned_by_town=True,
    sheet_aliases=("诉求", "requests"),
    columns=(
        Column("case_id", "诉求编号", "text", required=True, aliases=("编号", "案件编号")),
        Column("received_on", "受理日期", "date", required=True, aliases=("受理时间",)),
        COMMUNITY,
        Column("category", "诉求类别", "category", choices=SERVICE_CATEGORIES, aliases=("类别",)),
        Column("source", "来源", "category", choices=REQUEST_SOURCES, aliases=("诉求来源",)),
        Column("resolved_on", "办结日期", "date", aliases=("办结时间",)),
        Column("on_time", "是否按时办结", "bool", aliases=("按时办结",)),
        Column("followup_result", "回访结果", "category", choices=FOLLOWUP_RESULTS, aliases=("回访",)),
    ),
    rules=(Rule("received_on", "resolved_on"),),
)

# A cell holding one of these clears the stored value on purpose (a correction otherwise keeps
# what it leaves blank). Not for the natural key, the community or a required column.
CLEAR_MARKERS = ("清除", "CLEAR")


def clearable(kind: Kind, column: Column) -> bool:
    """Whether a report may clear `column` of `kind` with a CLEAR_MARKERS cell: any value column
    that is not part of the natural key, not a name and not required."""
    return not column.required and column.name not in kind.key and column.name not in ("town_name", "community_name")


# A monthly report is due by this day of the following month; later is 迟报 (late).
REPORT_DUE_DAY = 10


KINDS: tuple[Kind, ...] = (MONTHLY, ROSTER, PROJECT, ACTIVITY, REQUEST)
KIND_BY_NAME = {k.name: k for k in KINDS}
