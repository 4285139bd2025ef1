"""The sample county's registry: Yilong's 37 townships and 348 villages and communities, and copies.

`load_registry(scale)` reads data/reference/ (codes, names, types, 片区 groups, urban flags,
aliases) as copy 0 and derives `scale - 1` synthetic counties from it for benchmarks (county code
900001…, names 新政1镇 / 东北1社区 …). `registry_rows` and `write_extension` give the copies'
towns.csv / communities.csv rows, which the ETL reads through OVERSIGHT_REGISTRY_EXTRA.

A `Unit` also carries its static profile (size, growth, behaviour); `sample.simulate.fill_profile`
fills that in.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from core.paths import REFERENCE

REGISTRY_DIR = ".registry"  # scale > 1: the copies' registry rows (hidden: the loader skips it)

SEED_COMMUNITY = "东北社区"  # the seed article's community, planned exactly
SEED_TOWN = "新政镇"
URBAN_TOWNS = ("新政镇", "金城镇", "度门街道")  # city-sized 社区; none of these townships sends CSV


@dataclass(frozen=True)
class Town:
    """One township (镇, 乡 or 街道) of county copy `copy`; `base_name` is the Yilong name it copies."""

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


def split_suffix(name: str, suffixes: tuple[str, ...]) -> tuple[str, str]:
    """`name` as (stem, the first of `suffixes` it ends with): "东北社区" → ("东北", "社区"); none: (name, "")."""
    for s in suffixes:
        if name.endswith(s) and len(name) > len(s):
            return name[: -len(s)], s
    return name, ""


TOWN_SUFFIXES = ("街道", "镇", "乡")
UNIT_SUFFIXES = ("农村社区", "社区", "村")


def _copy_name(name: str, k: int, suffixes: tuple[str, ...]) -> str:
    stem, suf = split_suffix(name, suffixes)
    return f"{stem}{k}{suf}"


def _aliases(town: str, name: str) -> tuple[str, ...]:
    stem, _ = split_suffix(name, UNIT_SUFFIXES)
    return tuple(sorted({stem, f"{town}{stem}", f"{town}{name}"}))


def read_csv(path: Path) -> list[dict[str, str]]:
    """A UTF-8 CSV file's rows, each a dict by header."""
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


def write_extension(out: Path, towns: list[Town], units: list[Unit]) -> list[str]:
    """Write the copies' towns.csv and communities.csv (UTF-8, LF) into `out`/REGISTRY_DIR.

    Returns their paths relative to `out`, for the manifest. The folder must not exist yet
    (FileExistsError otherwise), and there must be a copy (scale > 1; IndexError otherwise).
    """
    trows, crows = registry_rows(towns, units)
    reg = out / REGISTRY_DIR
    reg.mkdir()
    _write_plain_csv(reg / "towns.csv", trows)
    _write_plain_csv(reg / "communities.csv", crows)
    return [f"{REGISTRY_DIR}/towns.csv", f"{REGISTRY_DIR}/communities.csv"]


def _write_plain_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
