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

ZIP_MAGIC = b"PK\x03\x04"  # .xlsx / .xlsm
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (an OLE compound file)


def column_number(letters: bytes | str) -> int:
    """Excel's column letters as a 1-based number: A → 1, Z → 26, AA → 27."""
    n = 0
    for ch in letters.encode() if isinstance(letters, str) else letters:
        n = n * 26 + ch - 64
    return n


def column_letters(index: int) -> str:
    """A 0-based column position as Excel's letters: 0 → A, 26 → AA."""
    letters, index = "", index + 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Note:
    """Something the reader did with a file that its sender should hear about: a column ignored,
    a merged number counted once, a sheet skipped. Part of the file's load result (CLI summary,
    --json, load_log, the upload and 数据 pages; docs/loading.md).

    `code`: a stable name for the kind of note (unknown_column, duplicate_column,
    unheaded_column, merged_number, …); `text`: bilingual, for the sender; `sheet`: where (None
    for the whole file); `column`: 0-based position in the sheet, when the note is about one;
    `loses_data`: a value the sender filled in was not loaded — the file is then `partial`.
    """

    code: str
    text: str
    sheet: str | None = None
    column: int | None = None
    loses_data: bool = False

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "sheet": self.sheet, "text": self.text, "loses_data": self.loses_data}


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
    notes: list[Note] = field(default_factory=list)
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
    notes: list[Note] = field(default_factory=list)  # about the file as a whole (sheets skipped …)

    @property
    def sheets_skipped(self) -> list[dict[str, str]]:
        """Sheets not loaded and why ({sheet, reason}): those without a report header, then
        hidden sheets that hold one (their `hidden_sheet` note says so)."""
        hidden = {n.sheet: n.text for n in self.notes if n.code == "hidden_sheet" and n.sheet}
        skipped = [{"sheet": s, "reason": "未找到可识别的表头 / no report header found"} for s in self.ignored_sheets]
        return skipped + [{"sheet": s, "reason": text} for s, text in hidden.items() if s not in self.ignored_sheets]

    @property
    def all_notes(self) -> list[Note]:
        """The file's notes, then every sheet's, in file order."""
        return [*self.notes, *(n for s in self.sheets for n in s.notes)]


class ReadError(Exception):
    """A file that cannot be read; the message is shown to the user (Chinese / English)."""
