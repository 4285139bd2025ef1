"""core.settings.county_time: the header's 更新于 reads the county's clock, whatever the server's."""

from __future__ import annotations

import os
import time
from datetime import datetime

import pytest

from core.settings import county_time


@pytest.fixture
def server_on_utc() -> object:
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_a_server_on_utc_stamps_02_22_for_10_22_in_yilong(server_on_utc: object) -> None:
    shown = county_time(datetime(2026, 12, 2, 2, 22))
    assert shown.strftime("%Y-%m-%d %H:%M") == "2026-12-02 10:22"


def test_a_stamp_near_midnight_moves_to_the_next_day(server_on_utc: object) -> None:
    assert county_time(datetime(2026, 12, 31, 20, 5)).strftime("%Y-%m-%d %H:%M") == "2027-01-01 04:05"


def test_tables_and_downloads_show_load_stamps_in_beijing_time_too(server_on_utc: object) -> None:
    """The header's 更新于 was converted, the 数据 page's load log and the profile's lineage (both
    `loaded_at`) and their downloads still showed the server's UTC — the same stamp, two clocks."""
    import io

    import openpyxl
    import pandas as pd

    from core.settings import county_times
    from oversight import exports

    stamps = pd.Series(pd.to_datetime(["2026-12-02 02:22", None]))
    assert county_times(stamps).dt.strftime("%H:%M").tolist()[0] == "10:22" and county_times(stamps).isna().tolist()[1]
    df = pd.DataFrame({"load_id": [1], "loaded_at": pd.to_datetime(["2026-12-02 02:22:00"])})
    assert "2026-12-02 10:22:00" in exports.to_csv(df, "zh").decode("utf-8-sig")
    ws = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(df, "zh"))).active
    assert ws.cell(1, 2).value == "装载时间（北京时间）" and ws.cell(2, 2).value.hour == 10
