"""Build data/reference/communities.csv, the registry report rows are matched against.

Real codes and names (data/reference/known_communities.csv and the names in the domain brief)
are used as given; every other village and community is invented, deterministically, with a
code in the right range and `synthetic = true`. Run once; the output is committed.

    python scripts/build_registry.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

REF = Path(__file__).resolve().parents[1] / "data" / "reference"

# (社区, 村) counts per township; the three the brief gives, the rest sized like Sichuan townships.
SIZES = {"度门街道": (9, 3), "新政镇": (24, 12), "金城镇": (13, 19), "义路镇": (7, 11)}
TOWN_DEFAULT = {"镇": (2, 6), "乡": (1, 5), "街道": (8, 2)}

KNOWN_NAMES = {
    "新政镇": (["东北社区", "临江社区"], []),
    "金城镇": (
        [
            "金新社区",
            "西寺社区",
            "西南社区",
            "双龙社区",
            "禹宫社区",
            "状元社区",
            "奎星社区",
            "建北社区",
            "南山社区",
            "三堆社区",
        ],
        ["华堂村", "石榴村", "梭坡村", "花牌村", "蔡庙村", "谢家村", "大桥村", "金印村"],
    ),
}

FIRST = "青龙凤石金银玉白黄红新安太平永福寿长乐双柏松林竹梅桃杨柳马鹿鹤云星月光明华兴隆盛丰和顺胜东西中上大高清碧紫翠宝蟠文武仁义礼忠孝德广庆吉祥瑞回"
SECOND = "山岭坪坝湾沟垭岩寺庙庵桥溪塘堰井田坡院观场铺门家园林台湖池冲嘴梁坎"

# Urban-rural fusion groups for the county seat: the seed's 城乡融合片区一组 holds 东北社区.
CN_NUM = "一二三四五六七八九十"


def main() -> None:
    towns = list(csv.DictReader((REF / "towns.csv").open(encoding="utf-8")))
    known = list(csv.DictReader((REF / "known_communities.csv").open(encoding="utf-8")))
    rng = random.Random(511324)
    used = {k["community_name"] for k in known} | {n for a, b in KNOWN_NAMES.values() for n in a + b}
    rows: list[dict[str, str]] = []

    def new_name(suffix: str) -> str:
        while True:
            core = rng.choice(FIRST) + rng.choice(SECOND)
            if core + "社区" not in used and core + "村" not in used:
                used.update({core + "社区", core + "村"})
                return core + suffix

    for town in towns:
        tname, tcode = town["town_name"], town["town_code"]
        n_comm, n_vill = SIZES.get(tname, TOWN_DEFAULT[town["town_type"]])
        real = [k for k in known if k["town_code"] == tcode]
        taken = {k["community_code"] for k in real}
        comm_names, vill_names = KNOWN_NAMES.get(tname, ([], []))
        comm_names = [n for n in comm_names if n not in {k["community_name"] for k in real}]
        units: list[tuple[str, str, bool]] = [(k["community_code"], k["community_name"], False) for k in real]
        n_real_comm = sum(1 for k in real if int(k["community_code"][-3:]) < 200)
        n_real_vill = len(real) - n_real_comm

        comm_codes = free_codes(tcode, taken, 1, n_comm - n_real_comm)
        vill_codes = free_codes(tcode, taken, 200, n_vill - n_real_vill)
        comm_names = (comm_names + [new_name("社区") for _ in range(len(comm_codes))])[: len(comm_codes)]
        vill_names = (list(vill_names) + [new_name("村") for _ in range(len(vill_codes))])[: len(vill_codes)]
        units += [(c, n, True) for c, n in zip(comm_codes, comm_names, strict=True)]
        units += [(c, n, True) for c, n in zip(vill_codes, vill_names, strict=True)]
        units.sort()
        for code, name, synthetic in units:
            ctype = "社区" if int(code[-3:]) < 200 else "村"
            urban = ctype == "社区" and "农村" not in name and tname in ("度门街道", "新政镇", "金城镇")
            core = name.removesuffix("农村社区").removesuffix("社区").removesuffix("村")
            aliases = sorted({core, tname + name, tname + core} - {name})
            rows.append(
                {
                    "community_code": code,
                    "community_name": name,
                    "town_code": tcode,
                    "town_name": tname,
                    "community_type": ctype,
                    "group_name": "",
                    "urban": "true" if urban else "false",
                    "synthetic": "true" if synthetic else "false",
                    "aliases": "|".join(aliases),
                }
            )

    assign_groups(rows, towns)
    with (REF / "communities.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} communities in {len(towns)} townships -> {REF / 'communities.csv'}")


def free_codes(town_code: str, taken: set[str], start: int, count: int) -> list[str]:
    """`count` village-level codes of the township from `start` on, skipping real ones."""
    out, i = [], start
    while len(out) < count:
        code = f"{town_code[:9]}{i:03d}"
        if code not in taken:
            out.append(code)
        i += 1
    return out


def assign_groups(rows: list[dict[str, str]], towns: list[dict[str, str]]) -> None:
    """片区: county seat in 城乡融合 groups of ~9, 金城镇 in three, other townships packed into groups of ≤ 18."""
    seat = [r for r in rows if r["town_name"] in ("新政镇", "度门街道")]
    # 东北社区 first so that it lands in 城乡融合片区一组, mixed with villages.
    seat.sort(key=lambda r: (r["community_name"] != "东北社区", r["community_code"]))
    urban = [r for r in seat if r["community_type"] == "社区"]
    rural = [r for r in seat if r["community_type"] == "村"]
    n_groups = 5
    for i, r in enumerate(urban):
        r["group_name"] = f"城乡融合片区{CN_NUM[i % n_groups]}组"
    for i, r in enumerate(rural):
        r["group_name"] = f"城乡融合片区{CN_NUM[i % n_groups]}组"
    jin = [r for r in rows if r["town_name"] == "金城镇"]
    for i, r in enumerate(jin):
        r["group_name"] = f"金城片区{CN_NUM[i % 3]}组"
    others = [t["town_name"] for t in towns if t["town_name"] not in ("新政镇", "度门街道", "金城镇")]
    group, size = 1, 0
    for tname in others:
        members = [r for r in rows if r["town_name"] == tname]
        if size and size + len(members) > 16:
            group, size = group + 1, 0
        for r in members:
            r["group_name"] = f"乡村振兴片区{group}组"
        size += len(members)


if __name__ == "__main__":
    main()
