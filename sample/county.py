"""The whole county: plan, simulate, render and plant faults, then write manifest.json.

`generate(out)` writes one workbook per township for each quarter of 2022 H1, each month of
2022 H2 (the seed's story) and each later year; the CSV townships send one GBK CSV per kind and
month in 2022. Cases still open when their file goes out are resent, resolved, in a later file
(`settle_requests`).
"""

from __future__ import annotations

import json
import random
import shutil
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from core.contract import ACTIVITY, MONTHLY, PROJECT, REPORT_DUE_DAY, REQUEST, ROSTER
from core.months import add_months
from core.paths import ROOT
from sample.faults import plan_bad_rows, resubmission_target, write_duplicate, write_resubmission
from sample.registry import REFERENCE, Town, Unit, load_registry, read_csv, write_extension
from sample.render import (
    CSV_UNTIL,
    SheetRows,
    Style,
    csv_path,
    periods,
    plan_styles,
    sheet_grid,
    workbook_path,
    write_csv,
    write_workbook,
)
from sample.simulate import (
    LATER,
    Behaviour,
    Neighborhood,
    Project,
    UnitMonth,
    as_of,
    fill_profile,
    plan_behaviour,
    plan_projects,
    plan_roster,
    reported_on_for,
    roster_row,
    seed_figures,
    unit_month,
)
from sample.span import FIRST_MONTH, LAST_MONTH, month_range

DEFAULT_OUT = ROOT / "data" / "sample"
DEFAULT_SEED = 20221102  # the day of the seed's 擂台比武


def generate(
    out: Path | str = DEFAULT_OUT,
    scale: int = 1,
    seed: int = DEFAULT_SEED,
    first: date = FIRST_MONTH,
    last: date = LAST_MONTH,
) -> dict[str, Any]:
    """Write the sample county's report files and manifest.json to `out`; return the manifest.

    `scale` counties (copy 0 is Yilong; the synthetic copies' registry goes to `out`/.registry),
    the months `first` to `last` (first days of months; the roster and project plans always run to
    LAST_MONTH, so they do not depend on the months asked for). The manifest, a JSON-ready dict,
    lists every file with its row count, the bad rows (file, sheet, 1-based row, the reason the
    ETL must give), late and skipped reports, the resubmission, the duplicate file, resent cases,
    low performers, each township's style and the seed's figures.

    `out` is cleared first; FileExistsError if it holds files but no manifest.json.
    """
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
        fill_profile(u, seed, known)
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
    manifest = _new_manifest(seed, scale, first, last, towns, styles)
    resubmit = resubmission_target(towns, styles, months)
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
                    _add_unit_month(ms, u, um, nrows, mprojects, bad_plan.get((u.code, m)))
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
                    _write_csv_month(out, m, by_month[m], style, t, rng, carry, manifest)
            else:
                rel = workbook_path(per.folder, t, per.label)
                settle_requests(sheets["request"], rel, created, carry, manifest)
                if resubmit and resubmit[0] == t.code and per.months == [resubmit[1]]:
                    sheets = write_resubmission(out, rel, sheets, style, t, seed, created, manifest)
                xstyle = replace(style, fmt="xlsx", title=True, month="iso") if style.fmt == "csv" else style
                write_workbook(out / rel, rel, sheets, xstyle, t, rng, created, manifest)
    _record_behaviour(manifest, behaviour, units)
    write_duplicate(out, towns, styles, months, manifest)
    manifest["resent_cases"].sort(key=lambda r: r["file"])
    manifest["late_reports"].sort(key=lambda r: (r["community_code"], r["month"]))
    manifest["bad_rows"].sort(key=lambda r: (r["file"], r["row"]))
    manifest["files"].sort(key=lambda f: f["file"])
    manifest["seed_figures"] = seed_figures()
    if scale > 1:
        manifest["registry_extension"] = write_extension(out, towns, units)
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return manifest


def _new_manifest(
    seed: int, scale: int, first: date, last: date, towns: list[Town], styles: dict[str, Style]
) -> dict[str, Any]:
    """The manifest before any file is written: the run's parameters, each township's style, empty lists."""
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
    return manifest


def _add_unit_month(
    ms: dict[str, SheetRows],
    u: Unit,
    um: UnitMonth,
    nrows: list[dict[str, Any]],
    mprojects: list[Project],
    bad: dict[str, Any] | None,
) -> None:
    """Add unit `u`'s month to the month's sheets (by kind name), with the bad row planned there, if any."""
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


def _write_csv_month(
    out: Path,
    m: date,
    sheets: dict[str, SheetRows],
    style: Style,
    t: Town,
    rng: random.Random,
    carry: list[Carried],
    manifest: dict[str, Any],
) -> None:
    """A CSV township's month: one GBK CSV per kind with rows, sent the day its last report came in."""
    rel = csv_path(m, t, REQUEST)
    sent = max(
        (r["reported_on"] for r in sheets["monthly"].rows if isinstance(r.get("reported_on"), date)),
        default=add_months(m, 1),
    )
    settle_requests(sheets["request"], rel, sent, carry, manifest)
    for s in sheets.values():
        if not s.rows:
            continue
        rel = csv_path(m, t, s.kind)
        grid, header_at, bad_at = sheet_grid(s, style, t, rng)
        write_csv(out / rel, grid)
        manifest["files"].append({"file": rel, "rows": len(s.rows)})
        for row_no, b in bad_at:
            manifest["bad_rows"].append({"file": rel, "sheet": Path(rel).name, "row": row_no, **b})


def _record_behaviour(manifest: dict[str, Any], behaviour: Behaviour, units: list[Unit]) -> None:
    """The skipped months and the low performers, in code order."""
    for code, m in sorted(behaviour.skipped):
        u = next(x for x in units if x.code == code)
        manifest["skipped"].append({"community_code": code, "community_name": u.name, "month": f"{m:%Y-%m}"})
    for code, issue in sorted(behaviour.low.items()):
        u = next(x for x in units if x.code == code)
        manifest["low_performers"].append(
            {"community_code": code, "community_name": u.name, "town_name": u.town.name, "issue": issue}
        )


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
