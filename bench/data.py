"""Benchmark input: monthly-indicator reports (the MONTHLY contract, Chinese headers) of any size.

Keys: (community, month) must be unique for every row to load, and a county has 348 units and
58 report months (2022-01..2026-10), i.e. 20,184 rows. A bigger file is therefore a province-style
consolidation over `sample.load_registry(scale)`: copy 0 is Yilong's real villages and
communities, copies 1.. are the sample generator's synthetic counties (东北1社区 in 新政1镇 …),
whose registry rows go into a merged reference folder the ETL is pointed at. Rows are
month-major (all units for 2022-01, then 2022-02 …), cut at the requested count. Every value is
valid (within the contract's caps, rules such as 办结数 ≤ 受理数 hold), so every row loads.
Everything comes from numpy's seeded generator: same arguments, byte-identical files.
"""

from __future__ import annotations

import csv
import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from core.contract import MONTHLY
from sample import FIRST_MONTH, LAST_MONTH, REFERENCE, load_registry, month_range, registry_rows

MONTHS = month_range(FIRST_MONTH, LAST_MONTH)
UNITS_PER_COUNTY = 348


def scale_for(rows: int) -> int:
    """Counties needed so that units × 58 months ≥ rows."""
    return max(1, math.ceil(rows / (UNITS_PER_COUNTY * len(MONTHS))))


def monthly_frame(rows: int, seed: int, scale: int | None = None) -> pd.DataFrame:
    """`rows` monthly rows with the contract's Chinese headers; values as Python/numpy types."""
    scale = scale or scale_for(rows)
    _, units = load_registry(scale)
    if len(units) * len(MONTHS) < rows:
        raise ValueError(f"scale {scale} has only {len(units) * len(MONTHS)} (community, month) keys")
    rng = np.random.default_rng(seed)
    n_units = len(units)
    # static profile per unit
    hh0 = rng.integers(250, 5000, n_units)
    growth = rng.uniform(-0.01, 0.02, n_units)
    # stocks are the unit's own and drift slowly (a stock redrawn every month would "jump" in
    # nearly every row: core.quality's stock_jump rule flagged 997,184 of 1,000,000 rows)
    m2_0 = rng.uniform(200, 2000, n_units)
    volunteers0 = rng.integers(10, 201, n_units)
    idx = np.arange(rows)
    u = idx % n_units
    m = idx // n_units
    years = m // 12
    hh = np.round(hh0[u] * (1 + growth[u]) ** years).astype(np.int64)
    pop = np.round(hh * rng.uniform(2.6, 3.2, rows)).astype(np.int64)
    party = np.round(pop * rng.uniform(0.03, 0.05, rows)).astype(np.int64)
    nb = rng.integers(0, 21, rows)
    nb_org = np.minimum(nb, np.round(nb * rng.uniform(0.7, 1.0, rows)).astype(np.int64))
    grids = np.maximum(1, hh // 300)
    received = rng.integers(0, 101, rows)
    resolved = np.round(received * rng.uniform(0.9, 1.0, rows)).astype(np.int64)
    on_time = np.round(resolved * rng.uniform(0.85, 1.0, rows)).astype(np.int64)
    f_total = np.round(resolved * rng.uniform(0.5, 1.0, rows)).astype(np.int64)
    f_sat = np.round(f_total * rng.uniform(0.9, 1.0, rows)).astype(np.int64)
    month_text = np.array([f"{d:%Y-%m}" for d in MONTHS])
    reported = np.array([np.datetime64(date(d.year + d.month // 12, d.month % 12 + 1, 1)) for d in MONTHS])
    towns = np.array([x.town.name for x in units])
    names = np.array([x.name for x in units])
    columns = {
        "month": month_text[m],
        "town_name": towns[u],
        "community_name": names[u],
        "reported_on": reported[m] + rng.integers(0, 25, rows).astype("timedelta64[D]"),
        "households": hh,
        "population": pop,
        "party_members": party,
        "neighborhoods": nb,
        "neighborhoods_with_party_org": nb_org,
        "grids": grids,
        "grid_workers_fulltime": grids + rng.integers(0, 3, rows),
        "grid_workers_parttime": hh // rng.integers(9, 30, rows),
        "service_center_m2": np.round(m2_0[u] * (1 + np.maximum(growth[u], 0)) ** years, 1),
        "service_platforms": rng.integers(4, 31, rows),
        "volunteers_registered": np.round(volunteers0[u] * (1 + growth[u]) ** years).astype(np.int64),
        "volunteer_hours": np.round(rng.uniform(0, 500, rows), 1),
        "volunteer_activities": rng.integers(0, 11, rows),
        "requests_received": received,
        "requests_resolved": resolved,
        "requests_on_time": on_time,
        "followups_satisfied": f_sat,
        "followups_total": f_total,
        "disputes_mediated": rng.integers(0, 21, rows),
    }
    assert list(columns) == MONTHLY.names
    df = pd.DataFrame(columns)
    df["reported_on"] = pd.to_datetime(df["reported_on"]).dt.strftime("%Y-%m-%d")
    df.columns = [c.zh for c in MONTHLY.columns]
    return df


def write_csv(path: Path, rows: int, seed: int) -> Path:
    """The monthly CSV (UTF-8, comma, header row then data) with `rows` data rows."""
    import duckdb

    df = monthly_frame(rows, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.register("df", df)
        con.execute(f"COPY (SELECT * FROM df) TO '{path}' (HEADER, DELIMITER ',')")  # noqa: S608 (our own path)
    return path


def write_xlsx(path: Path, rows: int, seed: int) -> Path:
    """A workbook with one 月度指标 sheet: header row, then `rows` rows of Yilong's real units
    (348 × 29 months for 10,000 rows); numbers as numbers, 填报日期 as Excel dates."""
    import xlsxwriter

    df = monthly_frame(rows, seed, scale=1 if rows <= UNITS_PER_COUNTY * len(MONTHS) else None)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    wb.set_properties({"created": pd.Timestamp("2026-11-01").to_pydatetime()})  # byte-identical reruns
    ws = wb.add_worksheet(MONTHLY.zh)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, list(df.columns))
    reported = pd.to_datetime(df[MONTHLY.column("reported_on").zh]).dt.to_pydatetime()
    date_col = list(df.columns).index(MONTHLY.column("reported_on").zh)
    for r, row in enumerate(df.drop(columns=df.columns[date_col]).itertuples(index=False), start=1):
        values = list(row)
        ws.write_row(r, 0, values[:date_col])
        ws.write_datetime(r, date_col, reported[r - 1], date_fmt)
        ws.write_row(r, date_col + 1, values[date_col:])
    wb.close()
    return path


def write_registry(folder: Path, rows: int) -> Path:
    """towns.csv and communities.csv of Yilong plus the synthetic counties `rows` needs (merged), and
    the synthetic counties alone in `folder/extension` (for OVERSIGHT_REGISTRY_EXTRA)."""
    towns, units = load_registry(scale_for(rows))
    trows, crows = registry_rows(towns, units)
    (folder / "extension").mkdir(parents=True, exist_ok=True)
    for name, extra in (("towns.csv", trows), ("communities.csv", crows)):
        base = (REFERENCE / name).read_text(encoding="utf-8")
        fields = next(csv.reader([base.splitlines()[0]]))
        with (folder / name).open("w", encoding="utf-8", newline="") as f:
            f.write(base if base.endswith("\n") else base + "\n")
            csv.DictWriter(f, fieldnames=fields, lineterminator="\n", extrasaction="ignore").writerows(extra)
        with (folder / "extension" / name).open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
            w.writeheader()
            w.writerows(extra)
    for other in REFERENCE.glob("*.csv"):
        if not (folder / other.name).exists():
            (folder / other.name).write_bytes(other.read_bytes())
    return folder
