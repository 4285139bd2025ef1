"""How big a report file may be, in one configuration for the CLI and the upload page.

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


def _env_int(name: str, default: int, scale: int = 1) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return max(1, int(float(value) * scale))
    except ValueError:
        return default


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
