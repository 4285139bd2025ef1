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
