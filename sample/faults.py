"""The faults planted on purpose, for the ETL to catch: bad rows, a resubmission, a file sent twice.

Each one is recorded in the manifest with what the ETL should make of it: `plan_bad_rows` (seven
rows the validator must quarantine, with the reason it must give), `write_resubmission` (a
workbook sent with two wrong values, then its corrected monthly sheet as "…_更正.xlsx") and
`write_duplicate` (the same workbook saved twice, "…(1).xlsx").
"""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from core.contract import MONTHLY
from sample.registry import SEED_COMMUNITY, SEED_TOWN, URBAN_TOWNS, Town, Unit
from sample.render import SheetRows, Style, XlsxWriter, period_of, sheet_grid, workbook_path


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


def resubmission_target(towns: list[Town], styles: dict[str, Style], months: list[date]) -> tuple[str, date] | None:
    """(township code, month) of the workbook sent again corrected: 2022-08 of Yilong's first rural xlsx
    township; None when the sample does not cover 2022-08."""
    m = date(2022, 8, 1)
    if m not in months:
        return None
    t = next(
        (t for t in towns if t.copy == 0 and styles[t.code].fmt == "xlsx" and t.base_name not in URBAN_TOWNS), None
    )
    return (t.code, m) if t else None


def write_resubmission(
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
    grid, header_at, _ = sheet_grid(monthly, style, t, random.Random(f"{seed}|render|{t.code}|corrected"))
    wb.sheet(MONTHLY.zh, grid, header_at, style.title)
    wb.close()
    manifest["files"].append({"file": corrected_rel, "rows": len(monthly.rows)})
    manifest["resubmissions"].append(
        {"original": rel, "corrected": corrected_rel, "kind": "monthly", "rows": len(monthly.rows), "changes": changes}
    )
    return {**sheets, "monthly": wrong}


def write_duplicate(
    out: Path, towns: list[Town], styles: dict[str, Style], months: list[date], manifest: dict[str, Any]
) -> None:
    """The same workbook sent twice, as a browser saves a second download: "…(1).xlsx"."""
    m = date(2022, 12, 1)
    t = next((t for t in towns if t.copy == 0 and t.base_name == "金城镇"), None)
    if m not in months or t is None or styles[t.code].fmt != "xlsx":
        return
    label, where = period_of(m)
    original = workbook_path(where, t, label)
    copy = original.replace(".xlsx", "(1).xlsx")
    shutil.copyfile(out / original, out / copy)
    rows = next(f["rows"] for f in manifest["files"] if f["file"] == original)
    manifest["files"].append({"file": copy, "rows": rows})
    manifest["duplicates"].append({"file": copy, "same_as": original})
