"""What reading a report file yields: one `Sheet` per recognised worksheet (or CSV) of raw
cell text, or the reason the file could not be read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from core.contract import Kind

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")

HEAD_ROWS = 20  # the header must start within this many rows

Cell = str | None


@dataclass
class Sheet:
    """One recognised worksheet (or CSV) of one report kind, as raw text rows.

    `frame`: the contract's columns found in the file (contract order), `_x<pos>` for every other
    column with a header (0-based position in the file), then `_row`. `original_keys`: header text
    as in the file (a repeated text gets " (2)", " (3)" …) → frame column, in file order; the
    original row of a quarantined record is exactly these keys and cells.
    """

    file: Path
    name: str
    kind: Kind
    frame: pd.DataFrame
    skipped: int
    notes: list[str] = field(default_factory=list)
    original_keys: dict[str, str] = field(default_factory=dict)

    def original(self, i: int) -> dict[str, str | None]:
        """The `i`-th frame row (by position) under the headers as written: {header text: cell text or None}."""
        row = self.frame.iloc[i]
        return {key: None if pd.isna(row[col]) else row[col] for key, col in self.original_keys.items()}


@dataclass
class FileRead:
    """What `read_file` found in one file: its report sheets, or why it could not be read."""

    path: Path
    sheets: list[Sheet] = field(default_factory=list)
    error: str | None = None
    ignored_sheets: list[str] = field(default_factory=list)


class ReadError(Exception):
    """A file that cannot be read; the message is shown to the user (Chinese / English)."""
