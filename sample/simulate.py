"""The simulated county: how big each unit is, what happens there, and what it reports each month.

Static profiles (`fill_profile`), the 小区 roster (`plan_roster`), the service-centre projects
(`plan_projects`), who reports late, skips or does badly (`plan_behaviour`), and per unit and
month the volunteer activities, resident requests and the monthly row (`unit_month`). Every
draw comes from a `random.Random` seeded by the seed and the entity's key: the same seed gives
the same figures.

The seed article's 2022 figures (小区 party organisations, service-centre projects, 东北社区)
are planned exactly (`seed_figures` says which); everything else is synthetic within DOMAIN.md's
ranges.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from core.contract import REPORT_DUE_DAY, REQUEST_SOURCES, SERVICE_CATEGORIES
from core.months import add_months
from sample.registry import SEED_COMMUNITY, SEED_TOWN, UNIT_SUFFIXES, URBAN_TOWNS, Unit, split_suffix
from sample.span import FIRST_MONTH, LAST_MONTH, days_in, month_index, month_range

# --- static profiles --------------------------------------------------------------------------


def fill_profile(u: Unit, seed: int, known: dict[str, dict[str, str]]) -> None:
    """Fill in the unit's size and behaviour, plausibly for its type (DOMAIN.md ranges)."""
    rng = random.Random(f"{seed}|profile|{u.code}")
    town_urban = u.town.base_name in URBAN_TOWNS
    if u.ctype == "社区" and town_urban and u.urban:
        kind = "urban"
        u.households = round(rng.triangular(1500, 5000, 2400))
        u.growth = rng.uniform(0.005, 0.02)
        per_grid = rng.uniform(330, 440)
    elif u.ctype == "社区":
        kind = "town"
        u.households = rng.randint(600, 1500)
        u.growth = rng.uniform(-0.005, 0.01)
        per_grid = rng.uniform(270, 330)
    else:
        kind = "village"
        u.households = rng.randint(250, 900)
        u.growth = rng.uniform(-0.015, 0.0)
        per_grid = rng.uniform(260, 320)
    k = known.get(u.code) if u.copy == 0 else None
    if k and k.get("registered_households"):
        u.households = int(k["registered_households"])
        if k.get("registered_population"):
            u.known_population = int(k["registered_population"])
    u.pop_ratio = rng.uniform(2.6, 3.2)
    u.pm_rate = rng.uniform(0.03, 0.048)
    u.grids = max(1, round(u.households / per_grid))
    top = 490 if kind == "urban" else 380  # households per grid stays in range as households grow
    while households_at(u, LAST_MONTH) / u.grids > top:
        u.grids += 1
    u.ft_extra = rng.choice((0, 0, 1, 2)) if kind == "urban" else rng.choice((0, 0, 1))
    u.hh_per_parttime = rng.uniform(9, 14) if kind == "urban" else rng.uniform(18, 30)
    if kind == "urban":
        u.m2 = round(u.households * rng.uniform(0.22, 0.45), -1)
        u.platforms = rng.randint(8, 16)
        u.volunteers = round(u.households * rng.uniform(0.012, 0.03))
        u.req_rate = u.households / rng.uniform(400, 480)
        u.act_rate = rng.uniform(1.6, 2.6)
    elif kind == "town":
        u.m2 = round(rng.uniform(300, 700), -1)
        u.platforms = rng.randint(6, 12)
        u.volunteers = rng.randint(20, 50)
        u.req_rate = u.households / rng.uniform(450, 550)
        u.act_rate = rng.uniform(1.0, 1.6)
    else:
        u.m2 = round(rng.uniform(200, 500), -1)
        u.platforms = rng.randint(4, 8)
        u.volunteers = rng.randint(10, 30)
        u.req_rate = rng.uniform(0.4, 0.9)
        u.act_rate = rng.uniform(0.5, 1.0)
    u.vol_per_month = rng.uniform(0.1, 0.8)
    u.p_resolve = rng.uniform(0.965, 0.99)
    u.p_unsat = rng.uniform(0.01, 0.04)
    if u.copy == 0 and u.name == SEED_COMMUNITY:
        # The seed: 6 grids, 1,800 ㎡ (upgraded, not enlarged, in July 2022), 80+ volunteers by November.
        u.households, u.growth, u.grids = 2760, 0.012, 6
        u.m2, u.platforms = 1800.0, 12
        u.volunteers, u.vol_per_month = 58, 2.5
        u.req_rate, u.act_rate = 7.5, 3.0


def households_at(u: Unit, m: date) -> int:
    """Households, updated every January."""
    return round(u.households * (1 + u.growth) ** (m.year - 2022))


# --- plan: 小区 roster ------------------------------------------------------------------------

NB_PREFIX = (
    "滨江", "锦绣", "金科", "阳光", "凤凰", "银河", "学府", "丽景", "盛世", "金色", "帅乡", "嘉陵", "翠屏", "书香",
    "碧水", "紫荆", "蓝湾", "天府", "康居", "和平", "东方", "怡景", "锦江", "金桂", "玉兰", "万福", "长乐", "永安",
    "宏达", "兴隆", "鑫源", "华庭", "新城", "明珠", "春晖", "朝阳",
)  # fmt: skip
NB_SUFFIX = ("花园", "华庭", "小区", "名苑", "家园", "雅居", "新村", "丽都", "苑", "公馆", "佳园", "商住楼")
NB_OLD = ("粮食局家属院", "电力小区", "邮电小区", "农行家属院", "供销社宿舍", "税务小区", "教师小区", "医院家属院")


@dataclass
class Neighborhood:
    unit: Unit
    name: str
    households: int
    start: date
    org_from: date | None = None
    form: str = ""
    property_from: date | None = None
    committee_from: date | None = None
    groups: int = 1
    hubs: int = 2
    posts: int = 1

    def has(self, when: date | None, m: date) -> bool:
        return when is not None and when <= m


SEED_MONTH = date(2022, 11, 1)
SEED_ORGS, SEED_PROPERTY, SEED_COMMITTEES = 52, 6, 63


def plan_roster(units: list[Unit], seed: int, copy: int, last: date) -> list[Neighborhood]:
    """The copy's 小区, with the months their party org, property party org and committee begin.

    Exactly 52 / 6 / 63 of them as of 2022-11 (the seed), 77% covered in 2022-01, all by the end.
    """
    rng = random.Random(f"{seed}|roster|{copy}")
    urban = [u for u in units if u.urban and u.ctype == "社区"]
    seats: dict[str, Unit] = {}
    for u in units:  # a rural 镇's first 社区 is its town seat, with a few 集镇小区
        if not u.urban and u.ctype == "社区" and u.town.type == "镇" and u.town.code not in seats:
            seats[u.town.code] = u
    rural = sorted(seats.values(), key=lambda u: u.code)
    seed_unit = next((u for u in urban if u.base_name == SEED_COMMUNITY and u.town.base_name == SEED_TOWN), None)
    names: set[str] = set()

    def new_name(u: Unit) -> str:
        while True:
            if u.urban and rng.random() < 0.15:
                n = rng.choice(NB_OLD)
                n = f"{split_suffix(u.name, UNIT_SUFFIXES)[0]}{n}"
            else:
                n = rng.choice(NB_PREFIX) + rng.choice(NB_SUFFIX)
            if n not in names:
                names.add(n)
                return n

    room: dict[str, int] = {u.code: int(0.7 * households_at(u, FIRST_MONTH)) for u in units}

    def make(u: Unit, start: date, lo: int = 0, hi: int = 0) -> Neighborhood:
        """A new 小区 in `u`, or in another of its kind when `u` has no room left (小区 ≤ 70% of households)."""
        lo, hi = (lo, hi) if lo else (150, 900) if u.urban else (80, 300)
        if room[u.code] < lo:
            u = rng.choice(
                sorted(
                    (x for x in units if x.urban == u.urban and x.ctype == "社区" and room[x.code] >= lo),
                    key=lambda x: x.code,
                )
            )
        hh = min(rng.randint(lo, hi), room[u.code])
        room[u.code] -= hh
        return Neighborhood(u, new_name(u), hh, start)

    nbs: list[Neighborhood] = []
    if seed_unit:
        nbs += [make(seed_unit, FIRST_MONTH, 220, 380) for _ in range(5)]
    others = [u for u in urban if u is not seed_unit]
    while len(nbs) < 55:
        nbs.append(make(rng.choice(others), FIRST_MONTH))
    for u in rng.sample(rural, min(7, len(rural))):
        nbs.append(make(u, FIRST_MONTH))
    nbs = nbs[:62]
    initial = list(nbs)
    for mo in (3, 5, 8, 10):  # four new 小区 handed over in 2022
        nbs.append(make(rng.choice(others), date(2022, mo, 1)))
    later = month_range(date(2022, 12, 1), min(date(2026, 6, 1), last))
    for _ in range(30):
        host = rng.choice(others) if rng.random() < 0.85 else rng.choice(rural)
        nbs.append(make(host, rng.choice(later) if later else date(2022, 12, 1)))
    end = last

    # Party organisations: 48 of the 62 in 2022-01 (77%), 4 more by 2022-11, the rest later.
    seeded = [n for n in initial if n.unit is seed_unit]
    pool = [n for n in initial if n.unit is not seed_unit]
    rng.shuffle(pool)
    with_org = seeded + pool[: 48 - len(seeded)]
    without = pool[48 - len(seeded) :]
    for n in with_org:
        n.org_from = FIRST_MONTH
    in_2022 = without[:2] + nbs[62:64]  # two old ones and the March and May newcomers
    for n in in_2022:
        n.org_from = max(n.start, date(2022, rng.randint(2, 11), 1))
    for n in without[2:] + nbs[64:]:  # 2022-12 onwards, coverage rises to 100%
        earliest = max(n.start, date(2022, 12, 1))
        span = max(0, month_index(end) - month_index(earliest))
        n.org_from = add_months(earliest, min(span, int(rng.triangular(0, span, 0) * 0.6) if span else 0))
    # Property party organisations: 4 in 2022-01, 2 more by 2022-11, about 3 a year after.
    big = sorted(with_org, key=lambda n: (-n.households, n.name))
    for n in big[:4]:
        n.property_from = FIRST_MONTH
    for n in big[4:6]:
        n.property_from = date(2022, rng.randint(3, 11), 1)
    rest = sorted((n for n in nbs if n.property_from is None and n.unit.urban), key=lambda n: n.name)
    for n in rng.sample(rest, min(14, len(rest))):
        n.property_from = max(n.org_from or end, add_months(date(2022, 12, 1), rng.randint(0, month_index(end) - 11)))
        if n.property_from > end:
            n.property_from = None
    # Owners' (courtyard) committees: 58 of 62 in 2022-01, 63 of 66 by 2022-11.
    shuffled = list(initial)
    rng.shuffle(shuffled)
    for n in shuffled[:58]:
        n.committee_from = FIRST_MONTH
    late = shuffled[58:] + nbs[62:66]  # 8 candidates: 5 get one in 2022 (after they exist)
    late.sort(key=lambda n: (n.start, n.name))
    for n in late[:5]:
        n.committee_from = max(n.start, date(2022, rng.randint(2, 11), 1))
    for n in late[5:] + nbs[66:]:
        earliest = max(n.start, date(2022, 12, 1))
        n.committee_from = add_months(earliest, rng.randint(0, 18))
        if n.committee_from > end:
            n.committee_from = None
    for n in nbs:
        n.form = "党支部" if n.households >= 400 else ("联合党支部" if n.households >= 180 else "党小组")
        n.groups = max(1, n.households // 150)
        n.hubs = max(2, n.households // 45)
        n.posts = max(1, n.households // 70)
    return nbs


def roster_row(n: Neighborhood, m: date) -> dict[str, Any]:
    """The 小区's roster row as of month `m`."""
    org = n.has(n.org_from, m)
    years = 0 if not org else (month_index(m) - month_index(n.org_from)) // 12  # type: ignore[arg-type]
    return {
        "month": m,
        "community_name": n.unit.name,
        "neighborhood_name": n.name,
        "households": n.households,
        "has_party_org": org,
        "party_org_form": n.form if org else None,
        "has_property_party_org": n.has(n.property_from, m),
        "has_owners_committee": n.has(n.committee_from, m),
        "building_party_groups": n.groups + years if org else 0,
        "party_hub_households": n.hubs + 2 * years if org else 0,
        "vanguard_posts": n.posts + years if org else 0,
    }


# --- plan: service-centre projects ------------------------------------------------------------


@dataclass
class Project:
    unit: Unit
    completed_on: date
    type: str
    area: float
    rooms: int
    platforms: int = 0  # the centre's platforms once the project is done
    note: str = ""


PROJECT_NOTES = {
    "新建": "新建党群服务中心,含便民服务大厅、会议室、活动室",
    "改扩建": "原址改扩建,拓展居民活动空间",
    "亲民化改造": "办公阵地最小化、亲民空间最大化",
    "功能整合": "整合图书室、调解室、儿童之家等功能场所",
}
ROOM_NAMES = ("图书室", "调解室", "儿童之家", "老年活动室", "康复室", "协商议事室", "法律咨询室", "共享食堂", "警务室")


def plan_projects(units: list[Unit], seed: int, copy: int, last: date) -> list[Project]:
    """The copy's projects: the seed's 2022 set exactly, then 15–25 a year."""
    rng = random.Random(f"{seed}|projects|{copy}")
    urban = sorted((u for u in units if u.urban and u.ctype == "社区"), key=lambda u: u.code)
    communities = sorted((u for u in units if u.ctype == "社区"), key=lambda u: u.code)
    seed_unit = next((u for u in urban if u.base_name == SEED_COMMUNITY and u.town.base_name == SEED_TOWN), None)
    projects: list[Project] = []
    taken: set[str] = set()

    def pick(pool: list[Unit]) -> Unit:
        free = [u for u in pool if u.code not in taken and u is not seed_unit]
        u = rng.choice(free or pool)
        taken.add(u.code)
        return u

    def day_in(year: int, lo: int = 1, hi: int = 12) -> date:
        m = date(year, rng.randint(lo, hi), 1)
        return m + timedelta(days=rng.randint(0, days_in(m) - 1))

    # 2022 (the seed): 1 新建 + 5 改扩建 adding 4,000 ㎡; 14 亲民化改造; 58 rooms integrated in all.
    dumen = [u for u in urban if u.town.base_name == "度门街道"] or urban
    new_unit = pick(dumen)
    new_unit.m2 = 120.0  # a rented room until the new centre opened
    projects.append(Project(new_unit, day_in(2022, 4, 9), "新建", 1200.0, 5))
    for area, rooms in zip((900.0, 800.0, 500.0, 350.0, 250.0), (3, 3, 2, 2, 2), strict=True):
        projects.append(Project(pick(communities), day_in(2022, 2, 11), "改扩建", area, rooms))
    if seed_unit:
        projects.append(
            Project(
                seed_unit,
                date(2022, 7, 15),
                "亲民化改造",
                0.0,
                6,
                26,
                "拓展提升老旧阵地1800㎡,建成共享食堂、有事来协商、三乡文化体验等26项服务平台",
            )
        )
    n_friendly = 14 - (1 if seed_unit else 0)
    rooms_left = 58 - sum(p.rooms for p in projects)
    split = [rooms_left // n_friendly + (1 if i < rooms_left % n_friendly else 0) for i in range(n_friendly)]
    for rooms in split:
        projects.append(Project(pick(communities + urban), day_in(2022, 1, 11), "亲民化改造", 0.0, rooms))
    # Later years.
    for year in range(2023, last.year + 1):
        hi = 12 if year < last.year else last.month
        counts = {
            "新建": rng.randint(0, 2),
            "改扩建": rng.randint(3, 6),
            "亲民化改造": rng.randint(8, 12),
            "功能整合": rng.randint(3, 7),
        }
        taken.clear()
        for ptype, n in counts.items():
            for _ in range(n):
                u = pick(urban if ptype == "新建" else communities + urban)
                area = {"新建": rng.randint(8, 15) * 100.0, "改扩建": rng.randint(2, 9) * 100.0}.get(ptype, 0.0)
                rooms = {"新建": rng.randint(3, 6), "改扩建": rng.randint(1, 3), "亲民化改造": rng.randint(1, 4)}.get(
                    ptype, rng.randint(2, 6)
                )
                projects.append(Project(u, day_in(year, 1, hi), ptype, area, rooms))
    projects.sort(key=lambda p: (p.completed_on, p.unit.code, p.type))
    # Platforms after each project, in order; notes.
    platforms = {u.code: u.platforms for u in units}
    step = {"新建": (6, 10), "改扩建": (2, 5), "亲民化改造": (4, 10), "功能整合": (1, 3)}
    for p in projects:
        if not p.platforms:
            lo, hi = step[p.type]
            p.platforms = platforms[p.unit.code] + rng.randint(lo, hi)
        platforms[p.unit.code] = p.platforms
        if not p.note:
            rooms = "、".join(rng.sample(ROOM_NAMES, min(p.rooms, 3)))
            p.note = PROJECT_NOTES[p.type] + (f"(整合{rooms}等)" if p.type != "新建" else "")
    return projects


# --- plan: who reports late, who skips, who does badly ------------------------------------------


@dataclass
class Behaviour:
    late: dict[tuple[str, date], date] = field(default_factory=dict)  # (code, month) -> reported_on
    skipped: set[tuple[str, date]] = field(default_factory=set)
    low: dict[str, str] = field(default_factory=dict)  # code -> "resolution" | "satisfaction"
    late_reporters: list[str] = field(default_factory=list)


def plan_behaviour(units: list[Unit], seed: int, months: list[date], busy: set[tuple[str, date]]) -> Behaviour:
    """Persistently late reporters, a few skipped months, and the named low performers."""
    rng = random.Random(f"{seed}|behaviour")
    b = Behaviour()
    by_copy: dict[int, list[Unit]] = defaultdict(list)
    for u in units:
        by_copy[u.copy].append(u)
    for _copy, us in sorted(by_copy.items()):
        big = sorted(
            (u for u in us if u.urban and u.ctype == "社区" and u.base_name != SEED_COMMUNITY), key=lambda u: u.code
        )
        low = rng.sample(big, 4)
        for u, issue in zip(low, ("resolution", "resolution", "satisfaction", "both"), strict=True):
            b.low[u.code] = issue
            if issue in ("resolution", "both"):
                u.p_resolve = rng.uniform(0.84, 0.88)
            if issue in ("satisfaction", "both"):
                u.p_unsat = rng.uniform(0.2, 0.26)
        villages = sorted((u for u in us if u.ctype == "村"), key=lambda u: u.code)
        late = rng.sample(villages, 2) + [rng.choice([u for u in big if u not in low])]
        b.late_reporters += [u.code for u in late]
        for u in us:
            for m in months:
                p = 0.35 if u in late else 0.004
                if rng.random() < p:
                    due = add_months(m, 1).replace(day=REPORT_DUE_DAY)
                    b.late[(u.code, m)] = due + timedelta(days=rng.randint(2, 15))
        # Skipped months: small villages, never in 2022-11, never in a month with a project.
        candidates = [m for m in months if m != SEED_MONTH]
        for u in rng.sample(villages, 4) if candidates else []:
            m = rng.choice(candidates)
            if (u.code, m) not in busy:
                b.skipped.add((u.code, m))
        if date(2023, 1, 1) in months and date(2023, 2, 1) in months:  # one village misses Spring Festival
            u = rng.choice(villages)
            for m in (date(2023, 1, 1), date(2023, 2, 1)):
                if (u.code, m) not in busy:
                    b.skipped.add((u.code, m))
    for key in b.skipped:
        b.late.pop(key, None)
    return b


# --- month by month: activities, cases, the monthly row ------------------------------------------

SEASON = {1: 1.4, 2: 1.3, 3: 1.9, 4: 1.0, 5: 1.0, 6: 1.1, 7: 1.4, 8: 1.3, 9: 1.0, 10: 1.4, 11: 0.9, 12: 1.1}
ACTIVITY_NAMES: dict[str, tuple[str, ...]] = {
    "党建服务": ("主题党日活动", "党员志愿服务日", "党史学习进小区", "党员亮身份践承诺"),
    "便民服务": ("义诊进社区", "义务理发", "家电义务维修", "代办代跑服务", "心愿敲门行动"),
    "文化服务": ("广场舞展演", "读书分享会", "三乡文化体验", "道德讲堂"),
    "平安服务": ("防诈骗宣传", "消防安全检查", "夜间治安巡逻", "交通劝导"),
    "民情服务": ("民情大走访", "独居老人探访", "困难家庭走访"),
    "协商服务": ("有事来协商议事会", "小区物业协商会", "院落议事会"),
}
SEASONAL_NAMES: dict[int, tuple[tuple[str, str], ...]] = {
    1: (("便民服务", "春节送温暖走访慰问"), ("文化服务", "书法送春联")),
    2: (("文化服务", "春节文艺汇演"), ("便民服务", "春节送温暖走访慰问")),
    3: (("民情服务", "学雷锋志愿服务"), ("便民服务", "学雷锋便民集市")),
    7: (("文化服务", "爱小童暑期托管"), ("平安服务", "防溺水巡查"), ("党建服务", "七一党员先锋行")),
    8: (("文化服务", "爱小童暑期托管"), ("平安服务", "防溺水巡查")),
    10: (("文化服务", "国庆文艺演出"), ("党建服务", "国庆升旗仪式")),
}
CATEGORY_WEIGHTS = (5, 30, 6, 17, 30, 12)  # requests, in SERVICE_CATEGORIES order
SOURCE_WEIGHTS = (45, 20, 15, 12, 8)
DEADLINE_DAYS = {"党建服务": 9, "便民服务": 9, "文化服务": 9, "民情服务": 9, "平安服务": 21, "协商服务": 21}


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth; λ here is small)."""
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


LATER = "_later"  # a case open at its month's report: how it is resolved afterwards (not a column)


def followup_result(rng: random.Random, u: Unit) -> str:
    """A resolved case's return visit: 未回访 4%; of the rest, 不满意 at the unit's p_unsat, else 满意 (82%) or 基本满意."""
    r = rng.random()
    if r < 0.04:
        return "未回访"
    if r < 0.04 + 0.96 * u.p_unsat:
        return "不满意"
    return "满意" if rng.random() < 0.82 else "基本满意"


def later_resolution(u: Unit, case: dict[str, Any], reported_on: date, seed: int) -> dict[str, Any]:
    """How a case still open at its month's report is resolved later: 5–40 days after that report.

    Drawn from its own random stream, so the month's other figures do not move.
    """
    rng = random.Random(f"{seed}|later|{case['case_id']}")
    resolved_on = reported_on + timedelta(days=rng.randint(5, 40))
    followup = followup_result(rng, u)
    return {
        "resolved_on": resolved_on,
        "on_time": (resolved_on - case["received_on"]).days <= DEADLINE_DAYS[case["category"]],
        "followup_result": followup,
    }


def as_of(case: dict[str, Any], when: date) -> tuple[dict[str, Any], bool]:
    """The case's row in a file sent on `when`, and whether it is still open then (to be resent)."""
    later = case.get(LATER)
    if later is None:
        return case, False
    row = {k: v for k, v in case.items() if k != LATER}
    if later["resolved_on"] < when:
        return {**row, **later}, False
    return row, True


def case_prefix(u: Unit) -> str:
    """The community part of a case id: 101001 (copy 0), C2-101001 (a benchmark copy)."""
    return u.code[6:] if u.copy == 0 else f"C{u.copy}-{u.code[6:]}"


@dataclass
class UnitMonth:
    monthly: dict[str, Any]
    activities: list[dict[str, Any]]
    requests: list[dict[str, Any]]


def unit_month(
    u: Unit, m: date, seed: int, projects: list[Project], roster: list[dict[str, Any]], reported_on: date
) -> UnitMonth:
    """Everything unit `u` reports for month `m`, consistent across the kinds."""
    rng = random.Random(f"{seed}|{u.code}|{m:%Y%m}")
    dim = days_in(m)
    # Volunteer activities.
    acts: list[dict[str, Any]] = []
    seen: set[tuple[date, str]] = set()

    def add_activity(day: date, name: str, cat: str, people: int, hours: float) -> None:
        while (day, name) in seen:
            name += "(二)"
        seen.add((day, name))
        acts.append(
            {
                "activity_date": day,
                "community_name": u.name,
                "activity_name": name,
                "service_category": cat,
                "participants": people,
                "hours": hours,
            }
        )

    big = u.urban and u.ctype == "社区"
    for _ in range(poisson(rng, u.act_rate * SEASON[m.month])):
        seasonal = SEASONAL_NAMES.get(m.month, ())
        if seasonal and rng.random() < 0.5:
            cat, name = rng.choice(seasonal)
        else:
            cat = rng.choices(SERVICE_CATEGORIES, (18, 26, 16, 14, 16, 10))[0]
            name = rng.choice(ACTIVITY_NAMES[cat])
        people = rng.randint(8, 40) if big else rng.randint(5, 22)
        add_activity(
            m + timedelta(days=rng.randint(0, dim - 1)),
            name,
            cat,
            people,
            people * rng.choice((1.5, 2.0, 2.0, 3.0, 4.0)),
        )
    if m == date(2022, 10, 1) and u.town.base_name == SEED_TOWN:
        # The October 2022 outbreak in 新政镇: checkpoints staffed around the clock.
        if u.base_name == SEED_COMMUNITY:
            add_activity(
                date(2022, 10, 8),
                "疫情防控卡点值守(党员干部136名、志愿者44名,卡点值守点100余个)",
                "平安服务",
                180,
                8640.0,
            )
        else:
            people = rng.randint(30, 110) if u.ctype == "社区" else rng.randint(12, 40)
            add_activity(
                date(2022, 10, rng.randint(8, 10)),
                "疫情防控卡点值守",
                "平安服务",
                people,
                people * 8.0 * rng.randint(3, 8),
            )
        people = rng.randint(10, 40)
        add_activity(date(2022, 10, rng.randint(9, 20)), "全员核酸检测协助", "便民服务", people, people * 6.0)
    acts.sort(key=lambda a: (a["activity_date"], a["activity_name"]))
    # Resident requests: resolved by the report date, or later (`later_resolution`).
    reqs: list[dict[str, Any]] = []
    n = poisson(rng, u.req_rate * (1.15 if m.month in (1, 7, 8) else 1.0))
    for seq in range(1, n + 1):
        received = m + timedelta(days=rng.randint(0, dim - 1))
        cat = rng.choices(SERVICE_CATEGORIES, CATEGORY_WEIGHTS)[0]
        source = rng.choices(REQUEST_SOURCES, SOURCE_WEIGHTS)[0]
        deadline = DEADLINE_DAYS[cat]
        resolved_on = on_time = followup = None
        if rng.random() < u.p_resolve:
            days = rng.randint(0, deadline) if rng.random() < 0.94 else rng.randint(deadline + 1, deadline + 12)
            resolved_on = min(received + timedelta(days=days), reported_on - timedelta(days=1))
            resolved_on = max(resolved_on, received)
            on_time = (resolved_on - received).days <= deadline
            followup = followup_result(rng, u)
        case = {
            "case_id": f"{case_prefix(u)}-{m:%y%m}-{seq:02d}",
            "received_on": received,
            "community_name": u.name,
            "category": cat,
            "source": source,
            "resolved_on": resolved_on,
            "on_time": on_time,
            "followup_result": followup,
        }
        if resolved_on is None:
            case[LATER] = later_resolution(u, case, reported_on, seed)
        reqs.append(case)
    reqs.sort(key=lambda r: (r["received_on"], r["case_id"]))
    # The monthly row.
    hh = households_at(u, m)
    pop = u.known_population if u.known_population and m.year == 2022 else round(hh * u.pop_ratio)
    if u.known_population and m.year > 2022:
        pop = round(u.known_population * (1 + u.growth) ** (m.year - 2022))
    m2, platforms = u.m2, u.platforms
    for p in projects:
        if p.completed_on <= add_months(m, 1) - timedelta(days=1):
            m2 += p.area
            platforms = p.platforms
    grids = u.grids
    resolved = [r for r in reqs if r["resolved_on"]]
    followed = [r for r in resolved if r["followup_result"] in ("满意", "基本满意", "不满意")]
    monthly = {
        "month": m,
        "town_name": u.town.name,
        "community_name": u.name,
        "reported_on": reported_on,
        "households": hh,
        "population": pop,
        "party_members": round(pop * u.pm_rate * (1 + 0.01 * (m.year - 2022))),
        "neighborhoods": len(roster),
        "neighborhoods_with_party_org": sum(1 for r in roster if r["has_party_org"]),
        "grids": grids,
        "grid_workers_fulltime": grids + u.ft_extra,
        "grid_workers_parttime": round(hh / u.hh_per_parttime),
        "service_center_m2": m2,
        "service_platforms": platforms,
        "volunteers_registered": u.volunteers + int(u.vol_per_month * month_index(m)),
        "volunteer_hours": sum(a["hours"] for a in acts),
        "volunteer_activities": len(acts),
        "requests_received": len(reqs),
        "requests_resolved": len(resolved),
        "requests_on_time": sum(1 for r in resolved if r["on_time"]),
        "followups_satisfied": sum(1 for r in followed if r["followup_result"] != "不满意"),
        "followups_total": len(followed),
        "disputes_mediated": sum(1 for r in resolved if r["category"] in ("协商服务", "平安服务")) + poisson(rng, 0.4),
    }
    return UnitMonth(monthly, acts, reqs)


def reported_on_for(u: Unit, m: date, b: Behaviour, seed: int) -> date:
    """The day unit `u` sends month `m`'s report: the planned late day, else by the due day of the next month."""
    if (u.code, m) in b.late:
        return b.late[(u.code, m)]
    rng = random.Random(f"{seed}|reported|{u.code}|{m:%Y%m}")
    nxt = add_months(m, 1)
    return nxt.replace(day=min(REPORT_DUE_DAY, round(rng.triangular(1, REPORT_DUE_DAY, 6))))


# --- what the seed's figures must be ---------------------------------------------------------------


def seed_figures() -> dict[str, Any]:
    """The seed's figures, as the warehouse must show them (DOMAIN.md)."""
    return {
        "roster_month": "2022-11",
        "has_party_org": SEED_ORGS,
        "has_property_party_org": SEED_PROPERTY,
        "has_owners_committee": SEED_COMMITTEES,
        "projects_2022": {"新建": 1, "改扩建": 5, "亲民化改造": 14},
        "area_added_2022_new_and_expanded": 4000,
        "rooms_integrated_2022": 58,
        "东北社区": {
            "from": "2022-07",
            "service_center_m2": 1800,
            "service_platforms": 26,
            "grids": 6,
            "volunteers_registered_min_2022_11": 80,
        },
        "outbreak_activity": {
            "community": SEED_COMMUNITY,
            "date": "2022-10-08",
            "category": "平安服务",
            "participants": 180,
        },
    }
