"""Settings read from the environment, in one place for the ETL and the dashboard: how big a
report file may be (`limits`), when a month counts as complete (`complete_share`), how long a
community's last stock figures stand in for a report it has not sent yet (`carry_months`) and how
many cases a rate needs before it is ranked (`min_cases`).

Defaults are far beyond any real county report and at Excel's own limits, so only a broken or
hostile file meets them; each can be set in the environment (`OVERSIGHT_MAX_UPLOAD_MB`,
`OVERSIGHT_MAX_UNPACKED_MB`, `OVERSIGHT_MAX_ROWS`, `OVERSIGHT_MAX_COLUMNS`,
`OVERSIGHT_MAX_CELL_CHARS`). A file over a limit is refused before it is expanded in memory.
The browser's own upload limit is `.streamlit/config.toml` `server.maxUploadSize`, kept equal
to `upload_bytes` (a test checks it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import pandas as pd

EXCEL_ROWS = 1_048_576  # rows of an Excel worksheet
EXCEL_CELL_CHARS = 32_767  # characters an Excel cell holds


@dataclass(frozen=True)
class Limits:
    """upload_bytes: one uploaded file, as sent; unpacked_bytes: a workbook's parts once
    unzipped; rows, columns, cell_chars: of any sheet or CSV."""

    upload_bytes: int = 20 * 2**20
    unpacked_bytes: int = 200 * 2**20
    rows: int = EXCEL_ROWS
    columns: int = 500
    cell_chars: int = EXCEL_CELL_CHARS


def _env_number(name: str, default: float) -> float:
    """$name as a number, else `default` (also for a value that is not a number)."""
    try:
        return float(os.environ.get(name) or default)
    except ValueError:
        return default


def _env_int(name: str, default: int, scale: int = 1) -> int:
    value = _env_number(name, float("nan"))  # NaN: not set, or not a number
    return default if value != value else max(1, int(value * scale))


def limits() -> Limits:
    """The limits in force: the environment's, else the defaults."""
    d = Limits()
    return Limits(
        upload_bytes=_env_int("OVERSIGHT_MAX_UPLOAD_MB", d.upload_bytes, 2**20),
        unpacked_bytes=_env_int("OVERSIGHT_MAX_UNPACKED_MB", d.unpacked_bytes, 2**20),
        rows=_env_int("OVERSIGHT_MAX_ROWS", d.rows),
        columns=_env_int("OVERSIGHT_MAX_COLUMNS", d.columns),
        cell_chars=_env_int("OVERSIGHT_MAX_CELL_CHARS", d.cell_chars),
    )


def complete_share() -> float:
    """The share of the communities that report (those with a monthly report in the 12 months up
    to a month) that must have reported for that month to count as complete: a month still
    coming in is not the default view and is bannered when picked. 0.8 unless
    $OVERSIGHT_COMPLETE_SHARE says otherwise (clamped to 0–1)."""
    return min(max(_env_number("OVERSIGHT_COMPLETE_SHARE", 0.8), 0.0), 1.0)


def carry_months() -> int:
    """How many months a community's stocks (户数, 党员, 小区, 面积, 注册志愿者 … — core.metrics.STOCKS)
    are carried forward: over a range of months each community's stocks are those of its latest
    monthly report at or before the range's last month, provided that report is at most this
    many months older; an older one is withheld (the stock is missing, not stale). Flows
    (hours, requests) are never carried. 3 unless $OVERSIGHT_CARRY_MONTHS says otherwise (0 =
    never carry: only a report of the last month counts).

    Why 3: a stock in these reports changes slowly (floor area, households, party members move
    by a few per cent a year in the sample and in the seed's 东北社区), while a month that has
    just begun holds only the first few reports (issue 16: 1 of 348) and a late community is
    typically one or two months behind (due day core.contract.REPORT_DUE_DAY of the next
    month). A quarter covers such a late report without passing off a figure older than a
    quarter as current. A judgement, not an external standard: change it here (or in the
    environment) and every page, the arena and the 通报 follow."""
    return max(0, int(_env_number("OVERSIGHT_CARRY_MONTHS", 3)))


def min_cases() -> int:
    """The fewest cases (诉求件数, 回访数) a rate must stand on to be ranked or scored: below it
    the rate is shown (greyed, with its count) but not ranked, not scored in the arena and never
    puts a unit on the bulletin's 黑榜. One setting for every page and document: 10 unless
    $OVERSIGHT_MIN_CASES says otherwise. Ten follows the UK Office for National Statistics,
    which does not publish a rate on fewer than 10 events as too unreliable to compare. A
    community of the sample has about one case a month, so a single month ranks few of them:
    pick a quarter or a year."""
    return _env_int("OVERSIGHT_MIN_CASES", 10)


COUNTY_TIMEZONE = ZoneInfo("Asia/Shanghai")  # 北京时间: China's one legal time, the county's clock


def county_time(server_local: datetime) -> datetime:
    """A time the ETL stamped with the server's own clock (etl_load.loaded_at: naive, in the
    server's zone) in 北京时间 (Asia/Shanghai), tz-aware: a server running on UTC wrote 02:22
    for 10:22 in Yilong. An aware time is converted as it is."""
    local = server_local if server_local.tzinfo else server_local.astimezone()  # naive: the server's zone
    return local.astimezone(COUNTY_TIMEZONE)


def county_times(server_local: pd.Series) -> pd.Series:
    """`county_time` for a column of stamps (naive, server-local; NaT stays NaT), naive again
    so tables and spreadsheets show the wall-clock time in Yilong."""
    import pandas as pd

    stamps = pd.to_datetime(server_local)
    local = datetime.now().astimezone().tzinfo
    return (
        stamps.dt.tz_localize(local, ambiguous="NaT", nonexistent="shift_forward")
        .dt.tz_convert(COUNTY_TIMEZONE)
        .dt.tz_localize(None)
    )
