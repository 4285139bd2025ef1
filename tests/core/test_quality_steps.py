"""The stock steps behind the stock_jump flag (core.quality._steps): each value is compared
with the community's previous *reported* value — an empty month in between is skipped, not
read as a change from nothing — and the month it was reported in."""

from __future__ import annotations

from datetime import date

import duckdb

from core.quality import _steps


def test_a_step_skips_an_empty_month_and_keeps_each_community_apart() -> None:
    con = duckdb.connect()
    rows = [
        ("A", date(2024, 1, 1), 400.0, 5),
        ("A", date(2024, 2, 1), None, 5),  # area left empty in February
        ("A", date(2024, 3, 1), 1000.0, None),
        ("B", date(2024, 2, 1), 50.0, 2),
    ]
    con.execute(
        "CREATE TABLE monthly (community_code VARCHAR, month DATE, service_center_m2 DOUBLE, grids INT, "
        "source_file VARCHAR, source_sheet VARCHAR, source_row INT)"
    )
    con.executemany("INSERT INTO monthly VALUES (?, ?, ?, ?, 'f.xlsx', 's', 1)", rows)
    got = con.execute(
        f"SELECT community_code, month, field, value, prev_value, prev_month FROM ({_steps(('service_center_m2', 'grids'))}) "
        "ORDER BY 1, 3, 2"
    ).fetchall()
    assert got == [
        ("A", date(2024, 1, 1), "grids", 5.0, None, None),
        ("A", date(2024, 2, 1), "grids", 5.0, 5.0, date(2024, 1, 1)),
        ("A", date(2024, 1, 1), "service_center_m2", 400.0, None, None),
        ("A", date(2024, 3, 1), "service_center_m2", 1000.0, 400.0, date(2024, 1, 1)),  # not Feb's empty cell
        ("B", date(2024, 2, 1), "grids", 2.0, None, None),
        ("B", date(2024, 2, 1), "service_center_m2", 50.0, None, None),
    ]
