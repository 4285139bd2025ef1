"""The sample county: Yilong's 348 villages and communities reporting from 2022-01 to 2026-10.

`generate(out)` writes the report files the way townships send them: one workbook per township
for each quarter of 2022 H1, each month of 2022 H2 (the seed's story) and each later year; three
townships send GBK CSV in 2022, one file per kind and month. They carry the mess real files have
(title and unit rows, 合计 rows, full-width digits, "1800㎡", months as 2022年7月/2022/7/202207,
names with or without the township), one corrected resubmission, one file sent twice and a
handful of genuinely bad rows, plus `manifest.json` saying what the ETL should make of them. Everything comes from `random.Random` seeded by the
seed and the entity's key, so the same seed gives byte-identical files.

The seed article's 2022 figures (小区 party organisations, service-centre projects, 东北社区)
are planned exactly; everything else is synthetic within DOMAIN.md's ranges.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import xlsxwriter

from core.contract import (
    ACTIVITY,
    MONTHLY,
    PROJECT,
    REPORT_DUE_DAY,
    REQUEST,
    REQUEST_SOURCES,
    ROSTER,
    SERVICE_CATEGORIES,
    Kind,
)
from core.months import add_months

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference"
DEFAULT_OUT = ROOT / "data" / "sample"
DEFAULT_SEED = 20221102  # the day of the seed's 擂台比武
FIRST_MONTH = date(2022, 1, 1)
LAST_MONTH = date(2026, 10, 1)
TITLE = "仪陇县社区治理月报表"
REGISTRY_DIR = ".registry"  # scale > 1: the copies' registry rows (hidden: the loader skips it)

CSV_UNTIL = 2022  # the CSV townships send CSV this year, the template workbook after
SEED_COMMUNITY = "东北社区"
SEED_TOWN = "新政镇"


# --- calendar -------------------------------------------------------------------------------


def month_range(first: date, last: date) -> list[date]:
    """First days of every month from `first` to `last`, inclusive."""
    out, m = [], first
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


def month_index(m: date) -> int:
    """Months since 2022-01 (0 for 2022-01)."""
    return (m.year - 2022) * 12 + m.month - 1


def days_in(m: date) -> int:
    return (add_months(m, 1) - m).days


def quarter(m: date) -> int:
    return (m.month - 1) // 3 + 1


# --- the registry and its copies --------------------------------------------------------------


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    type: str
    copy: int = 0
    base_name: str = ""


@dataclass
class Unit:
    """One village-level unit (村 or 社区) and its static profile."""

    code: str
    name: str
    town: Town
    ctype: str
    group: str
    urban: bool
    synthetic: bool
    aliases: tuple[str, ...]
    copy: int
    base_name: str
    households: int = 0  # as of 2022-01
    growth: float = 0.0  # per year
    pop_ratio: float = 3.0
    pm_rate: float = 0.04
    grids: int = 1
    ft_extra: int = 0
    hh_per_parttime: float = 12.0
    m2: float = 0.0
    platforms: int = 0
    volunteers: int = 0
    vol_per_month: float = 0.5
    req_rate: float = 1.0
    p_resolve: float = 0.975
    p_unsat: float = 0.03
    act_rate: float = 1.0
    known_population: int | None = None


def _suffix(name: str, suffixes: tuple[str, ...]) -> tuple[str, str]:
    for s in suffixes:
        if name.endswith(s) and len(name) > len(s):
            return name[: -len(s)], s
    return name, ""


TOWN_SUFFIXES = ("街道", "镇", "乡")
UNIT_SUFFIXES = ("农村社区", "社区", "村")


def _copy_name(name: str, k: int, suffixes: tuple[str, ...]) -> str:
    stem, suf = _suffix(name, suffixes)
    return f"{stem}{k}{suf}"


def _aliases(town: str, name: str) -> tuple[str, ...]:
    stem, _ = _suffix(name, UNIT_SUFFIXES)
    return tuple(sorted({stem, f"{town}{stem}", f"{town}{name}"}))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_registry(scale: int = 1) -> tuple[list[Town], list[Unit]]:
    """The townships and units of `scale` counties: copy 0 is Yilong, the others synthetic."""
    towns0 = [
        Town(r["town_code"], r["town_name"], r["town_type"], 0, r["town_name"])
        for r in read_csv(REFERENCE / "towns.csv")
    ]
    rows = sorted(read_csv(REFERENCE / "communities.csv"), key=lambda r: r["community_code"])
    towns: list[Town] = []
    units: list[Unit] = []
    for k in range(scale):
        tmap: dict[str, Town] = {}
        for t in towns0:
            if k == 0:
                tmap[t.code] = t
            else:
                county = f"{900000 + k:06d}"
                tmap[t.code] = Town(county + t.code[6:], _copy_name(t.name, k, TOWN_SUFFIXES), t.type, k, t.name)
        towns.extend(tmap[c] for c in sorted(tmap))
        for r in rows:
            town = tmap[r["town_code"]]
            if k == 0:
                code, name = r["community_code"], r["community_name"]
                aliases = tuple(a for a in r["aliases"].split("|") if a)
            else:
                code = town.code[:9] + r["community_code"][9:]
                name = _copy_name(r["community_name"], k, UNIT_SUFFIXES)
                aliases = _aliases(town.name, name)
            units.append(
                Unit(
                    code=code,
                    name=name,
                    town=town,
                    ctype=r["community_type"],
                    group=r["group_name"] if k == 0 else f"{r['group_name']}({k})",
                    urban=r["urban"] == "true",
                    synthetic=(r["synthetic"] == "true") or k > 0,
                    aliases=aliases,
                    copy=k,
                    base_name=r["community_name"],
                )
            )
    return towns, units


def registry_rows(towns: list[Town], units: list[Unit]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """towns.csv and communities.csv rows for the synthetic copies (copy > 0)."""
    trows = [{"town_code": t.code, "town_name": t.name, "town_type": t.type} for t in towns if t.copy > 0]
    crows = [
        {
            "community_code": u.code,
            "community_name": u.name,
            "town_code": u.town.code,
            "town_name": u.town.name,
            "community_type": u.ctype,
            "group_name": u.group,
            "urban": "true" if u.urban else "false",
            "synthetic": "true",
            "aliases": "|".join(u.aliases),
        }
        for u in units
        if u.copy > 0
    ]
    return trows, crows


# --- static profiles --------------------------------------------------------------------------

URBAN_TOWNS = ("新政镇", "金城镇", "度门街道")


def _profile(u: Unit, seed: int, known: dict[str, dict[str, str]]) -> None:
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
                n = f"{_suffix(u.name, UNIT_SUFFIXES)[0]}{n}"
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


def later_resolution(u: Unit, case: dict[str, Any], reported_on: date, seed: int) -> dict[str, Any]:
    """How a case still open at its month's report is resolved later: 5–40 days after that report.

    Drawn from its own random stream, so the month's other figures do not move.
    """
    rng = random.Random(f"{seed}|later|{case['case_id']}")
    resolved_on = reported_on + timedelta(days=rng.randint(5, 40))
    r = rng.random()
    if r < 0.04:
        followup = "未回访"
    elif r < 0.04 + 0.96 * u.p_unsat:
        followup = "不满意"
    else:
        followup = "满意" if rng.random() < 0.82 else "基本满意"
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
            r = rng.random()
            if r < 0.04:
                followup = "未回访"
            elif r < 0.04 + 0.96 * u.p_unsat:
                followup = "不满意"
            else:
                followup = "满意" if rng.random() < 0.82 else "基本满意"
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


# --- how each township writes its files ---------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """How one township's clerk fills in the reports."""

    fmt: str = "xlsx"  # xlsx | csv
    title: bool = False  # title row and unit row above the headers
    total: bool = False  # a 合计 row (xlsx: SUM formulas) at the bottom of the monthly sheet
    blank_before_total: bool = False
    month: str = "iso"  # iso 2022-07 | cn 2022年7月 | slash 2022/7 | compact 202207 | date (Excel date)
    names: str = "plain"  # plain | prefix (新政镇东北社区) | short (东北) | mixed
    numbers: str = "plain"  # plain | thousands ("2,760") | fullwidth (some cells) | units ("1800㎡")
    dates: str = "date"  # date (Excel date cells) | text (2022年7月3日)
    town_column: bool = True
    alias_headers: bool = False  # headers as some old forms print them (总户数, 村（社区）…)
    sheet_names: str = "zh"  # zh | alias


def plan_styles(towns: list[Town], seed: int) -> dict[str, Style]:
    """Each township's habits; three send GBK CSV, the seed's town a tidy workbook."""
    rng = random.Random(f"{seed}|styles")
    styles: dict[str, Style] = {}
    by_copy: dict[int, list[Town]] = defaultdict(list)
    for t in towns:
        by_copy[t.copy].append(t)
    for _copy, ts in sorted(by_copy.items()):
        ts = sorted(ts, key=lambda t: t.code)
        csv_towns = {t.code for t in rng.sample([t for t in ts if t.base_name not in URBAN_TOWNS], 3)}
        for i, t in enumerate(ts):
            if t.base_name == SEED_TOWN:
                styles[t.code] = Style(title=True, total=True, month="date", names="plain")
                continue
            styles[t.code] = Style(
                fmt="csv" if t.code in csv_towns else "xlsx",
                title=rng.random() < 0.5,
                total=rng.random() < 0.5,
                blank_before_total=rng.random() < 0.3,
                month=("iso", "cn", "slash", "compact", "date")[i % 5],
                names=("plain", "prefix", "short", "mixed")[rng.randrange(4)],
                numbers=("plain", "plain", "thousands", "fullwidth", "units")[rng.randrange(5)],
                dates="text" if rng.random() < 0.15 else "date",
                town_column=rng.random() < 0.8,
                alias_headers=rng.random() < 0.15,
                sheet_names="alias" if rng.random() < 0.3 else "zh",
            )
    return styles


HEADER_ALIASES = {
    "community_name": "村（社区）",
    "households": "总户数",
    "service_center_m2": "党群服务中心面积",
    "volunteer_hours": "志愿服务时长",
    "participants": "参加人数",
    "received_on": "受理时间",
}
SHEET_ALIASES = {"monthly": "月报", "roster": "小区", "project": "阵地", "activity": "志愿", "request": "诉求"}
FULLWIDTH_DIGITS = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def num_text(v: float) -> str:
    """A number as Excel shows it in General format (at most one decimal here)."""
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def month_text(m: date, style: str) -> str:
    return {
        "iso": f"{m:%Y-%m}",
        "cn": f"{m.year}年{m.month}月",
        "slash": f"{m.year}/{m.month}",
        "compact": f"{m:%Y%m}",
    }.get(style, f"{m.year}/{m.month}/1")


@dataclass
class Cell:
    """A cell to write: a value and, for dates/numbers in xlsx, how Excel displays it."""

    value: Any
    num_format: str = ""


def render_value(col: str, ctype: str, unit: str, v: Any, style: Style, rng: random.Random, u: Unit | None) -> Any:
    """The cell as the township's clerk would type it (str, int, float, date/datetime or None)."""
    if v is None:
        return None
    if isinstance(v, Cell) or (isinstance(v, str) and col != "community_name"):
        return v  # typed as is (a planted bad cell, or text)
    if col == "community_name" and u is not None:
        mode = style.names if style.names != "mixed" else rng.choice(("plain", "prefix", "short"))
        if mode == "prefix":
            return f"{u.town.name}{u.name}"
        if mode == "short":
            return _suffix(u.name, UNIT_SUFFIXES)[0]
        return u.name
    if ctype == "month":
        if style.month == "date":
            return (
                Cell(datetime(v.year, v.month, 1), 'yyyy"年"m"月"') if style.fmt == "xlsx" else f"{v.year}/{v.month}/1"
            )
        if style.month == "compact" and style.fmt == "xlsx":
            return int(f"{v:%Y%m}")
        return month_text(v, style.month)
    if ctype == "date":
        if style.dates == "text":
            return f"{v.year}年{v.month}月{v.day}日"
        if style.fmt == "xlsx":
            return Cell(datetime(v.year, v.month, v.day), "yyyy-mm-dd")
        return f"{v.year}/{v.month}/{v.day}"
    if ctype == "bool":
        return "是" if v else "否"
    if ctype in ("int", "float") and isinstance(v, int | float) and not isinstance(v, bool):
        if style.numbers == "thousands" and v >= 1000:
            return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"
        if style.numbers == "fullwidth" and rng.random() < 0.25:
            return num_text(v).translate(FULLWIDTH_DIGITS)
        if style.numbers == "units" and unit in ("㎡", "小时") and rng.random() < 0.6:
            return num_text(v) + unit
        if style.fmt == "csv":
            return num_text(v)
        return v
    return v


# --- writing files ----------------------------------------------------------------------------


@dataclass
class SheetRows:
    """Rows of one kind for one file, each a dict by column name, plus bad-row markers."""

    kind: Kind
    rows: list[dict[str, Any]] = field(default_factory=list)
    units: list[Unit | None] = field(default_factory=list)
    bad: dict[int, dict[str, Any]] = field(default_factory=dict)  # index in rows -> manifest entry

    def add(self, row: dict[str, Any], unit: Unit | None, bad: dict[str, Any] | None = None) -> None:
        if bad is not None:
            self.bad[len(self.rows)] = bad
        self.rows.append(row)
        self.units.append(unit)


def sheet_columns(kind: Kind, style: Style) -> list[tuple[str, str, str, str]]:
    """(name, header, type, unit) of the columns this township prints for `kind`."""
    cols = []
    for c in kind.columns:
        if c.name == "town_name" and not style.town_column:
            continue
        header = HEADER_ALIASES.get(c.name, c.zh) if style.alias_headers else c.zh
        cols.append((c.name, header, c.type, c.unit))
    if kind is MONTHLY and style.numbers == "units":
        cols.append((RATE_COLUMN, "办结率", "text", "%"))  # not in the contract: the ETL ignores it
    return cols


RATE_COLUMN = "_resolution_rate"


def rate_text(row: dict[str, Any]) -> str | None:
    """A 办结率 cell as clerks type it ("97.5%")."""
    rec, res = row.get("requests_received"), row.get("requests_resolved")
    if not isinstance(rec, int) or not isinstance(res, int) or not rec:
        return None
    return f"{100 * res / rec:.1f}%"


def unit_row(cols: list[tuple[str, str, str, str]]) -> list[str]:
    return [f"单位:{unit}" if unit else "" for _, _, _, unit in cols]


def _grid(
    sheet: SheetRows, style: Style, town: Town, rng: random.Random
) -> tuple[list[list[Any]], int, list[tuple[int, dict[str, Any]]]]:
    """The sheet as a grid of cells; the 0-based index of the header row; bad rows' positions."""
    cols = sheet_columns(sheet.kind, style)
    grid: list[list[Any]] = []
    if style.title:
        grid.append([TITLE] + [None] * (len(cols) - 1))
        grid.append(
            unit_row(cols)
            if sheet.kind is not MONTHLY
            else [f"填报单位:{town.name}人民政府"] + [None] * (len(cols) - 2) + ["单位:户、人、个、㎡、小时、件"]
        )
    header_at = len(grid)
    grid.append([h for _, h, _, _ in cols])
    bad_at: list[tuple[int, dict[str, Any]]] = []
    for i, (row, u) in enumerate(zip(sheet.rows, sheet.units, strict=True)):
        if i in sheet.bad:
            bad_at.append((len(grid) + 1, sheet.bad[i]))
        grid.append(
            [
                render_value(n, t, unit, rate_text(row) if n == RATE_COLUMN else row.get(n), style, rng, u)
                for n, _, t, unit in cols
            ]
        )
    if style.total and sheet.kind is MONTHLY and sheet.rows:
        if style.blank_before_total:
            grid.append([None] * len(cols))
        total: list[Any] = []
        first, last = header_at + 2, header_at + 1 + len(sheet.rows)
        for j, (n, _, t, _) in enumerate(cols):
            if n == "community_name":
                total.append("合计")
            elif t in ("int", "float"):
                s = sum(
                    r[n] for r in sheet.rows if isinstance(r.get(n), int | float) and not isinstance(r.get(n), bool)
                )
                col = xlsxwriter.utility.xl_col_to_name(j)
                total.append(Cell(s, f"=SUM({col}{first}:{col}{last})") if style.fmt == "xlsx" else num_text(s))
            else:
                total.append(None)
        grid.append(total)
    return grid, header_at, bad_at


class XlsxWriter:
    """One workbook, written deterministically (fixed document dates, fixed zip timestamps)."""

    def __init__(self, path: Path, created: date) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.wb = xlsxwriter.Workbook(str(path), {"in_memory": True, "strings_to_numbers": False})
        stamp = datetime(created.year, created.month, created.day, 9, 0, 0)
        self.wb.set_properties({"title": TITLE, "author": "仪陇县", "created": stamp})
        self.fmt_title = self.wb.add_format({"bold": True, "font_size": 14, "align": "center"})
        self.fmt_head = self.wb.add_format(
            {"bold": True, "border": 1, "align": "center", "text_wrap": True, "bg_color": "#DDEBF7"}
        )
        self.fmts: dict[str, Any] = {}

    def fmt(self, num_format: str) -> Any:
        if num_format not in self.fmts:
            self.fmts[num_format] = self.wb.add_format({"num_format": num_format})
        return self.fmts[num_format]

    def sheet(self, name: str, grid: list[list[Any]], header_at: int, merge_title: bool) -> None:
        ws = self.wb.add_worksheet(name)
        ncols = len(grid[header_at])
        for r, row in enumerate(grid):
            if merge_title and r < header_at and row[0] is not None and all(v is None for v in row[1:]):
                if ncols > 1:
                    ws.merge_range(r, 0, r, ncols - 1, row[0], self.fmt_title if r == 0 else None)
                else:
                    ws.write_string(r, 0, row[0])
                continue
            for c, v in enumerate(row):
                if v is None:
                    continue
                if r == header_at:
                    ws.write_string(r, c, v, self.fmt_head)
                elif isinstance(v, Cell):
                    if isinstance(v.value, datetime):
                        ws.write_datetime(r, c, v.value, self.fmt(v.num_format))
                    else:  # a SUM formula with its cached value
                        ws.write_formula(r, c, v.num_format, None, v.value)
                elif isinstance(v, str):
                    ws.write_string(r, c, v)
                else:
                    ws.write_number(r, c, v)
        ws.freeze_panes(header_at + 1, 0)
        ws.set_column(0, ncols - 1, 12)

    def close(self) -> None:
        self.wb.close()


def csv_text(v: Any) -> str:
    """A cell as Chinese Excel writes it to "CSV (逗号分隔)"."""
    if v is None:
        return ""
    if isinstance(v, Cell):
        v = v.value
    if isinstance(v, datetime):
        return f"{v.year}/{v.month}/{v.day}"
    if isinstance(v, float | int) and not isinstance(v, bool):
        return num_text(v)
    return str(v)


def write_csv(path: Path, grid: list[list[Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for row in grid:
        w.writerow([csv_text(v) for v in row])
    path.write_bytes(buf.getvalue().encode("gbk"))


# --- the county ---------------------------------------------------------------------------------


@dataclass
class Period:
    """One workbook's worth of a township's reports."""

    label: str  # file-name part
    folder: str
    months: list[date]


def period_of(m: date) -> tuple[str, str]:
    """(label, folder) of the workbook month `m` is sent in.

    2022 is the seed year: month by month from July (the July project, the October outbreak, the
    November roster), by quarter before; later years come as one yearly workbook per township.
    """
    if m.year == 2022 and m.month >= 7:
        return f"{m.year}年{m.month:02d}月", f"{m.year}/{m:%Y-%m}"
    if m.year == 2022:
        return f"{m.year}年第{quarter(m)}季度", f"{m.year}/{m.year}Q{quarter(m)}"
    return f"{m.year}年度", f"{m.year}"


def periods(months: list[date]) -> list[Period]:
    """The workbooks' periods, in order."""
    out: list[Period] = []
    for m in months:
        label, where = period_of(m)
        if out and out[-1].label == label:
            out[-1].months.append(m)
        else:
            out.append(Period(label, where, [m]))
    return out


def reported_on_for(u: Unit, m: date, b: Behaviour, seed: int) -> date:
    if (u.code, m) in b.late:
        return b.late[(u.code, m)]
    rng = random.Random(f"{seed}|reported|{u.code}|{m:%Y%m}")
    nxt = add_months(m, 1)
    return nxt.replace(day=min(REPORT_DUE_DAY, round(rng.triangular(1, REPORT_DUE_DAY, 6))))


def generate(
    out: Path | str = DEFAULT_OUT,
    scale: int = 1,
    seed: int = DEFAULT_SEED,
    first: date = FIRST_MONTH,
    last: date = LAST_MONTH,
) -> dict[str, Any]:
    """Write the sample county's report files and manifest.json to `out`; return the manifest."""
    out = Path(out)
    if out.exists():
        if any(out.iterdir()) and not (out / "manifest.json").exists():
            raise FileExistsError(
                f"{out} 不是示例数据目录 / is not a sample folder (no manifest.json); refusing to clear it"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True)
    months = month_range(first, last)
    towns, units = load_registry(scale)
    known = {r["community_code"]: r for r in read_csv(REFERENCE / "known_communities.csv")}
    for u in units:
        _profile(u, seed, known)
    by_copy: dict[int, list[Unit]] = defaultdict(list)
    for u in units:
        by_copy[u.copy].append(u)
    horizon = max(last, LAST_MONTH)  # plans never depend on the period asked for
    projects: list[Project] = []
    roster: list[Neighborhood] = []
    for k, us in sorted(by_copy.items()):
        projects += plan_projects(us, seed, k, horizon)
        roster += plan_roster(us, seed, k, horizon)
    projects = [p for p in projects if first <= p.completed_on < add_months(last, 1)]
    busy = {(p.unit.code, p.completed_on.replace(day=1)) for p in projects}
    behaviour = plan_behaviour(units, seed, months, busy)
    styles = plan_styles(towns, seed)
    projects_of: dict[str, list[Project]] = defaultdict(list)
    for p in projects:
        projects_of[p.unit.code].append(p)
    roster_of: dict[str, list[Neighborhood]] = defaultdict(list)
    for n in roster:
        roster_of[n.unit.code].append(n)
    units_of: dict[str, list[Unit]] = defaultdict(list)
    for u in units:
        units_of[u.town.code].append(u)
    bad_plan = plan_bad_rows(units, towns, styles, months, seed)
    manifest: dict[str, Any] = {
        "seed": seed,
        "scale": scale,
        "first_month": f"{first:%Y-%m}",
        "last_month": f"{last:%Y-%m}",
        "due_day": REPORT_DUE_DAY,
        "bad_rows": [],
        "late_reports": [],
        "skipped": [],
        "resubmissions": [],
        "duplicates": [],
        "resent_cases": [],
        "low_performers": [],
        "townships": {},
        "files": [],
    }
    for t in towns:
        manifest["townships"][t.name] = {"code": t.code, **styles[t.code].__dict__}
    resubmit = _resubmission_target(towns, styles, months)
    for t in towns:
        style = styles[t.code]
        tunits = sorted(units_of[t.code], key=lambda u: u.code)
        carry: list[Carried] = []  # cases still open when their file was sent
        for per in periods(months):
            sheets = {k.name: SheetRows(k) for k in (MONTHLY, ROSTER, PROJECT, ACTIVITY, REQUEST)}
            by_month: dict[date, dict[str, SheetRows]] = {}
            for m in per.months:
                ms = {k.name: SheetRows(k) for k in (MONTHLY, ROSTER, PROJECT, ACTIVITY, REQUEST)}
                by_month[m] = ms
                for u in tunits:
                    if (u.code, m) in behaviour.skipped:
                        continue
                    rep = reported_on_for(u, m, behaviour, seed)
                    nrows = [roster_row(n, m) for n in sorted(roster_of[u.code], key=lambda n: n.name) if n.start <= m]
                    mprojects = [p for p in projects_of[u.code] if p.completed_on.replace(day=1) == m]
                    um = unit_month(
                        u, m, seed, [p for p in projects_of[u.code] if p.completed_on.replace(day=1) <= m], nrows, rep
                    )
                    bad = bad_plan.get((u.code, m))
                    if bad and bad["kind"] == "monthly":
                        row = dict(um.monthly)
                        row.update(bad.pop("_cells"))
                        ms["monthly"].add(row, u, bad)
                    else:
                        ms["monthly"].add(um.monthly, u)
                    for r in nrows:
                        ms["roster"].add(r, u)
                    for p in mprojects:
                        ms["project"].add(
                            {
                                "completed_on": p.completed_on,
                                "community_name": u.name,
                                "project_type": p.type,
                                "area_added_m2": p.area,
                                "rooms_integrated": p.rooms,
                                "service_platforms": p.platforms,
                                "note": p.note,
                            },
                            u,
                        )
                    for a in um.activities:
                        ms["activity"].add(a, u)
                    for i, r in enumerate(um.requests):
                        if bad and bad["kind"] == "request" and i == len(um.requests) // 2:
                            row = {k: v for k, v in r.items() if k != LATER}  # the bad row is never resent
                            row.update(bad.pop("_cells"))
                            ms["request"].add(row, u, bad)
                        else:
                            ms["request"].add(r, u)
                    if (u.code, m) in behaviour.late:
                        manifest["late_reports"].append(
                            {
                                "community_code": u.code,
                                "community_name": u.name,
                                "month": f"{m:%Y-%m}",
                                "reported_on": f"{rep:%Y-%m-%d}",
                            }
                        )
                extra = bad_plan.get((t.code, m))
                if extra:  # a community the registry does not know
                    ms["monthly"].add(extra.pop("_cells"), None, extra)
                for name, s in ms.items():
                    sheets[name].rows += s.rows
                    sheets[name].units += s.units
                    for i, b in s.bad.items():
                        sheets[name].bad[len(sheets[name].rows) - len(s.rows) + i] = b
            created = max(
                (r["reported_on"] for r in sheets["monthly"].rows if isinstance(r.get("reported_on"), date)),
                default=add_months(per.months[-1], 1),
            )
            rng = random.Random(f"{seed}|render|{t.code}|{per.label}")
            # CSV townships switched to the official template workbook in 2023.
            if style.fmt == "csv" and per.months[0].year == CSV_UNTIL:
                for m in per.months:
                    rel = f"{m.year}/{m:%Y-%m}/{t.name}_{m.year}年{m.month}月_{REQUEST.zh}.csv"
                    sent = max(
                        (
                            r["reported_on"]
                            for r in by_month[m]["monthly"].rows
                            if isinstance(r.get("reported_on"), date)
                        ),
                        default=add_months(m, 1),
                    )
                    settle_requests(by_month[m]["request"], rel, sent, carry, manifest)
                    for s in by_month[m].values():
                        if not s.rows:
                            continue
                        kind = s.kind
                        rel = f"{m.year}/{m:%Y-%m}/{t.name}_{m.year}年{m.month}月_{kind.zh}.csv"
                        grid, header_at, bad_at = _grid(s, style, t, rng)
                        write_csv(out / rel, grid)
                        manifest["files"].append({"file": rel, "rows": len(s.rows)})
                        for row_no, b in bad_at:
                            manifest["bad_rows"].append({"file": rel, "sheet": Path(rel).name, "row": row_no, **b})
            else:
                rel = f"{per.folder}/{t.name}_{per.label}社区治理报表.xlsx"
                settle_requests(sheets["request"], rel, created, carry, manifest)
                if resubmit and resubmit[0] == t.code and per.months == [resubmit[1]]:
                    sheets = _write_resubmission(out, rel, sheets, style, t, seed, created, manifest)
                xstyle = replace(style, fmt="xlsx", title=True, month="iso") if style.fmt == "csv" else style
                _write_workbook(out / rel, rel, sheets, xstyle, t, rng, created, manifest)
    for code, m in sorted(behaviour.skipped):
        u = next(x for x in units if x.code == code)
        manifest["skipped"].append({"community_code": code, "community_name": u.name, "month": f"{m:%Y-%m}"})
    for code, issue in sorted(behaviour.low.items()):
        u = next(x for x in units if x.code == code)
        manifest["low_performers"].append(
            {"community_code": code, "community_name": u.name, "town_name": u.town.name, "issue": issue}
        )
    _write_duplicate(out, towns, styles, months, manifest)
    manifest["resent_cases"].sort(key=lambda r: r["file"])
    manifest["late_reports"].sort(key=lambda r: (r["community_code"], r["month"]))
    manifest["bad_rows"].sort(key=lambda r: (r["file"], r["row"]))
    manifest["files"].sort(key=lambda f: f["file"])
    manifest["seed_figures"] = seed_figures()
    if scale > 1:
        trows, crows = registry_rows(towns, units)
        reg = out / REGISTRY_DIR
        reg.mkdir()
        _write_plain_csv(reg / "towns.csv", trows)
        _write_plain_csv(reg / "communities.csv", crows)
        manifest["registry_extension"] = [f"{REGISTRY_DIR}/towns.csv", f"{REGISTRY_DIR}/communities.csv"]
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return manifest


@dataclass
class Carried:
    """A case still open when the file it was first sent in (`origin`) went out."""

    origin: tuple[str, ...]  # that file's path parts, the order a bulk load reads files in
    case: dict[str, Any]
    unit: Unit


def settle_requests(s: SheetRows, rel: str, sent: date, carry: list[Carried], manifest: dict[str, Any]) -> None:
    """The request rows of file `rel` as they stand on `sent`, the day the file goes out.

    A case resolved by then shows its resolution; one still open is carried on and resent, resolved,
    in the first later file of the township that was sent after its resolution and that a bulk load
    reads after the first one (path order: 2022/2022Q2 comes after 2022/2022-12, so the stragglers of
    the 2022 Q2 workbook are resent in the 2023 one). The ETL upserts by case_id: the resent row wins.
    """
    here = Path(rel).parts
    rows: list[dict[str, Any]] = []
    for row, u in zip(s.rows, s.units, strict=True):
        shown, still_open = as_of(row, sent)
        rows.append(shown)
        if still_open and u is not None:
            carry.append(Carried(here, row, u))
    s.rows = rows
    due = [c for c in carry if c.origin < here and c.case[LATER]["resolved_on"] < sent]
    for c in due:
        s.add(as_of(c.case, sent)[0], c.unit)
        carry.remove(c)
    if due:
        manifest["resent_cases"].append({"file": rel, "rows": len(due)})


def _write_plain_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _write_workbook(
    path: Path,
    rel: str,
    sheets: dict[str, SheetRows],
    style: Style,
    t: Town,
    rng: random.Random,
    created: date,
    manifest: dict[str, Any],
) -> None:
    wb = XlsxWriter(path, created)
    for kind_name, s in sheets.items():
        if not s.rows and kind_name != "monthly":
            continue
        name = SHEET_ALIASES[kind_name] if style.sheet_names == "alias" else s.kind.zh
        grid, header_at, bad_at = _grid(s, style, t, rng)
        wb.sheet(name, grid, header_at, style.title)
        for row_no, b in bad_at:
            manifest["bad_rows"].append({"file": rel, "sheet": name, "row": row_no, **b})
    wb.close()
    manifest["files"].append({"file": rel, "rows": sum(len(s.rows) for s in sheets.values())})


# --- bad rows and the corrected resubmission ----------------------------------------------------


def plan_bad_rows(
    units: list[Unit], towns: list[Town], styles: dict[str, Style], months: list[date], seed: int
) -> dict[tuple[str, date], dict[str, Any]]:
    """(community or township code, month) -> a bad row to plant there, with its manifest entry.

    `_cells` holds the cells that make the row bad; the rest of the entry goes to the manifest.
    """
    rng = random.Random(f"{seed}|bad")
    copy0 = [u for u in units if u.copy == 0]
    xlsx_villages = sorted(
        (u for u in copy0 if u.ctype == "村" and styles[u.town.code].fmt == "xlsx"), key=lambda u: u.code
    )
    csv_villages = sorted(
        (u for u in copy0 if u.ctype == "村" and styles[u.town.code].fmt == "csv"), key=lambda u: u.code
    )
    plan: dict[tuple[str, date], dict[str, Any]] = {}

    def at(u: Unit, m: date, kind: str, cells: dict[str, Any], reason: str, what: str) -> None:
        if m in months:
            plan[(u.code, m)] = {
                "kind": kind,
                "community_code": u.code,
                "community_name": u.name,
                "month": f"{m:%Y-%m}",
                "reason": reason,
                "what": what,
                "_cells": cells,
            }

    picks = rng.sample(xlsx_villages, 4)
    at(
        picks[0],
        date(2022, 5, 1),
        "monthly",
        {
            "requests_resolved": 9,
            "requests_received": 6,
            "requests_on_time": 6,
            "followups_total": 6,
            "followups_satisfied": 6,
        },
        "诉求办结数",
        "办结数大于受理数 / resolved > received",
    )
    at(
        picks[1],
        date(2023, 8, 1),
        "monthly",
        {"month": "2032-07"},
        "晚于装载日期",
        "月份笔误为 2032-07 / a month in the future",
    )
    at(picks[2], date(2024, 4, 1), "monthly", {"disputes_mediated": -3}, "矛盾纠纷调解数", "负数 / a negative count")
    at(picks[3], date(2025, 2, 1), "monthly", {"party_members": "待核实"}, "党员人数", "不是数字 / not a number")
    if csv_villages:
        at(
            rng.choice(csv_villages),
            date(2022, 3, 1),
            "monthly",
            {"volunteer_hours": "约30"},
            "志愿服务时长",
            "不是数字 / not a number (CSV)",
        )
    seed_town = next(t for t in towns if t.copy == 0 and t.base_name == SEED_TOWN)
    if date(2022, 9, 1) in months:
        plan[(seed_town.code, date(2022, 9, 1))] = {
            "kind": "monthly",
            "community_code": None,
            "community_name": "东方红社区",
            "month": "2022-09",
            "reason": "不在名录",
            "what": "名录中没有的社区 / a community not in the registry",
            "_cells": {
                "month": date(2022, 9, 1),
                "town_name": SEED_TOWN,
                "community_name": "东方红社区",
                "reported_on": date(2022, 10, 8),
                "households": 1650,
                "population": 4800,
                "party_members": 170,
                "grids": 4,
            },
        }
    urban = sorted(
        (u for u in copy0 if u.urban and u.ctype == "社区" and u.base_name != SEED_COMMUNITY), key=lambda u: u.code
    )
    u = rng.choice(urban)
    m = date(2023, 11, 1)
    at(
        u,
        m,
        "request",
        {"received_on": date(2023, 11, 20), "resolved_on": date(2023, 11, 2)},
        "办结日期",
        "办结日期早于受理日期 / resolved before received",
    )
    return plan


def _resubmission_target(towns: list[Town], styles: dict[str, Style], months: list[date]) -> tuple[str, date] | None:
    m = date(2022, 8, 1)
    if m not in months:
        return None
    t = next(
        (t for t in towns if t.copy == 0 and styles[t.code].fmt == "xlsx" and t.base_name not in URBAN_TOWNS), None
    )
    return (t.code, m) if t else None


def _write_resubmission(
    out: Path,
    rel: str,
    sheets: dict[str, SheetRows],
    style: Style,
    t: Town,
    seed: int,
    created: date,
    manifest: dict[str, Any],
) -> dict[str, SheetRows]:
    """Write the corrected monthly sheet as a second file; return the sheets as first sent (two wrong values)."""
    rng = random.Random(f"{seed}|resubmission")
    monthly = sheets["monthly"]
    wrong = SheetRows(MONTHLY)
    idx = sorted(rng.sample(range(len(monthly.rows)), 2))
    changes = []
    for i, (row, u) in enumerate(zip(monthly.rows, monthly.units, strict=True)):
        row = dict(row)
        if i == idx[0]:
            changes.append(
                {
                    "community_code": u.code,
                    "column": "households",
                    "original": row["households"] * 10,
                    "corrected": row["households"],
                }
            )
            row["households"] *= 10
        elif i == idx[1]:
            v = row["volunteer_hours"]
            changes.append(
                {"community_code": u.code, "column": "volunteer_hours", "original": v + 100.0, "corrected": v}
            )
            row["volunteer_hours"] = v + 100.0
        wrong.add(row, u)
    corrected_rel = rel.replace(".xlsx", "_更正.xlsx")
    wb = XlsxWriter(out / corrected_rel, created + timedelta(days=6))
    grid, header_at, _ = _grid(monthly, style, t, random.Random(f"{seed}|render|{t.code}|corrected"))
    wb.sheet(MONTHLY.zh, grid, header_at, style.title)
    wb.close()
    manifest["files"].append({"file": corrected_rel, "rows": len(monthly.rows)})
    manifest["resubmissions"].append(
        {"original": rel, "corrected": corrected_rel, "kind": "monthly", "rows": len(monthly.rows), "changes": changes}
    )
    return {**sheets, "monthly": wrong}


def _write_duplicate(
    out: Path, towns: list[Town], styles: dict[str, Style], months: list[date], manifest: dict[str, Any]
) -> None:
    """The same workbook sent twice, as a browser saves a second download: "… (1).xlsx"."""
    m = date(2022, 12, 1)
    t = next((t for t in towns if t.copy == 0 and t.base_name == "金城镇"), None)
    if m not in months or t is None or styles[t.code].fmt != "xlsx":
        return
    label, where = period_of(m)
    original = f"{where}/{t.name}_{label}社区治理报表.xlsx"
    copy = original.replace(".xlsx", "(1).xlsx")
    shutil.copyfile(out / original, out / copy)
    rows = next(f["rows"] for f in manifest["files"] if f["file"] == original)
    manifest["files"].append({"file": copy, "rows": rows})
    manifest["duplicates"].append({"file": copy, "same_as": original})


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


# --- command line -------------------------------------------------------------------------------


def _month_arg(text: str) -> date:
    y, m = text.replace("/", "-").split("-")[:2]
    return date(int(y), int(m), 1)


def add_arguments(parser: argparse.ArgumentParser, name: str = "sample") -> None:
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="输出目录 / output folder (default data/sample)")
    parser.add_argument("--scale", type=int, default=1, help="县的份数 / number of county copies (benchmarks)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子 / random seed")
    parser.add_argument("--first", type=_month_arg, default=FIRST_MONTH, help="首月 / first month (YYYY-MM)")
    parser.add_argument("--last", type=_month_arg, default=LAST_MONTH, help="末月 / last month (YYYY-MM)")


def run(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    manifest = generate(args.out, scale=args.scale, seed=args.seed, first=args.first, last=args.last)
    size = sum(p.stat().st_size for p in Path(args.out).rglob("*") if p.is_file())
    print(
        f"示例数据 / sample: {len(manifest['files'])} 个文件 files, {size / 1e6:.1f} MB, "
        f"{len(manifest['bad_rows'])} 行坏数据 bad rows → {args.out} ({time.perf_counter() - t0:.1f} s)"
    )
    if args.scale > 1:
        print(
            f"名录扩展 / registry extension for the copies: {Path(args.out) / REGISTRY_DIR} (towns.csv, communities.csv)"
        )
    return 0
