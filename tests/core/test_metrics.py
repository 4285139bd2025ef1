"""The metric catalogue's own promises: standards read as officials write them, and one SQL
renderer whose forms agree with each other on a real DuckDB."""

from __future__ import annotations

import duckdb
import pytest

from core.metrics import METRICS, metric, sql
from core.sql import ident


def test_lines_read_as_officials_write_them() -> None:
    assert metric("resolution_rate").line_label("zh") == "最低标准 92%"
    assert metric("satisfaction_rate").line_label("en") == "Alert below 85%"
    assert metric("m2_per_100_households").line_label("zh") == "标准 30 ㎡/百户"
    assert metric("households_per_grid").standard_text("zh") == "≤ 500 户/网格"
    assert metric("party_org_coverage").format_value(1.0) == "100%"
    assert metric("households_per_grid").below(520) and not metric("households_per_grid").below(480)
    assert metric("on_time_rate").line is None and metric("on_time_rate").below(0.1) is None


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    """Rows of the range 2024-01..02 with core.metrics.RANGE_FLAGS as common.range_rows sets them:
    communities a and b report both months; c last reported in December (carried into the
    range, no report in it). A stock (households), a flow (volunteer_hours) and ratios."""
    c = duckdb.connect()
    c.execute(
        """CREATE TABLE community_month AS SELECT * FROM (VALUES
             (DATE '2024-01-01', 'a', 100, 10.0, 9, 10, 40.0, TRUE, FALSE, TRUE),
             (DATE '2024-02-01', 'a', 120, 20.0, 10, 10, 40.0, TRUE, TRUE, TRUE),
             (DATE '2024-01-01', 'b', 300, 30.0, 1, 10, 60.0, TRUE, FALSE, TRUE),
             (DATE '2024-02-01', 'b', 300, NULL, 5, 10, 60.0, TRUE, TRUE, TRUE),
             (DATE '2023-12-01', 'c', 50, 5.0, 2, 2, 10.0, FALSE, TRUE, FALSE))
           AS t(month, community_code, households, volunteer_hours, requests_resolved, requests_received,
                volunteers_registered, in_range, at_end, reporter)"""
    )
    return c


def _one(con: duckdb.DuckDBPyConnection, expr: str, where: str = "TRUE") -> float:
    params = {"month_first": "2024-01-01"}
    used = {k: v for k, v in params.items() if f"${k}" in expr}
    return con.execute(f"SELECT {expr} FROM community_month AS m WHERE {where}", used).fetchall()[0][0]


def test_range_carries_stocks_and_sums_flows_of_the_range(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, sql("households", "range", "m")) == 470  # February's 120 + 300, and c's 50 carried
    assert (
        _one(con, sql("volunteer_hours", "range", "m")) == 60
    )  # the NULL is not reported, not 0; c's December is not in the range
    assert _one(con, sql("resolution_rate", "range", "m")) == pytest.approx(25 / 40)  # sum/sum, not mean of rates
    # a flow over a stock: only the stocks of communities with a report in the range (not c's)
    assert _one(con, sql("volunteer_hours", "range", "m", "per100")) == pytest.approx(60 * 100 / 420)
    assert _one(con, sql("hours_per_volunteer", "range", "m")) == pytest.approx(60 / 100)
    growth = _one(con, sql("volunteers_registered", "range", "m", "growth"))
    assert growth == pytest.approx(110 / 100 - 1)  # c's carried 10 at the end; January had a and b
    assert _one(con, sql("households", "range", "m", "growth")) == pytest.approx(470 / 400 - 1)


def test_group_and_row_forms(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, sql("resolution_rate", "group", "m"), "month = DATE '2024-01-01'") == pytest.approx(10 / 20)
    rows = con.execute(
        f"SELECT {sql('resolution_rate', 'row')} FROM community_month ORDER BY community_code, month"
    ).fetchall()
    assert [r[0] for r in rows] == pytest.approx([0.9, 1.0, 0.1, 0.5, 1.0])


def test_the_catalogue_is_the_allow_list() -> None:
    with pytest.raises(KeyError):
        sql("households; DROP TABLE x", "group")
    with pytest.raises(ValueError):
        sql("households", "group", transform="growth")
    with pytest.raises(ValueError):
        ident('households" OR 1=1 --')
    assert all(ident(name) == f'"{name}"' for name in METRICS)
