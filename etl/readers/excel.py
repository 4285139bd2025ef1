"""Workbooks (.xlsx/.xlsm/.xls, read with python-calamine): refuse what is not really a
workbook, read every worksheet's cells as text, fill merged ranges, find each sheet's header."""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path

import numpy as np
import python_calamine as calamine

from etl.readers import shaping
from etl.readers.blocks import split_tables, table_note
from etl.readers.cells import WorkbookCells
from etl.readers.delimited import decode_head
from etl.readers.headers import Header, find_header
from etl.readers.model import HEAD_ROWS, OLE_MAGIC, ZIP_MAGIC, Cell, FileRead, Note, ReadError, Sheet, column_letters

_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def cell_text(value: object) -> Cell:
    """A calamine cell as text: 12 → "12", 1800.0 → "1800", date → "2022-07-01", True → "是", "" → None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")  # Excel shows 15 significant digits
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value).strip()
    return text or None


Merges = list[tuple[tuple[int, int], tuple[int, int]]]


def _merge_head(grid: list[list[Cell]], merges: Merges, start: int = 0) -> list[list[Cell]]:
    """The first rows from grid row `start` on, with every merged range filled with its top-left value."""
    head = [list(r) for r in grid[start : start + HEAD_ROWS + 1]]
    for (r0, c0), (r1, c1) in merges:
        r0, r1 = r0 - start, r1 - start
        if not 0 <= r0 < len(head) or (value := head[r0][c0] if c0 < len(head[r0]) else None) is None:
            continue
        for r in range(r0, min(r1, len(head) - 1) + 1):
            head[r].extend([None] * (c1 + 1 - len(head[r])))
            for c in range(c0, c1 + 1):
                if head[r][c] is None:
                    head[r][c] = value
    return head


def _merge_body(
    grid: list[list[Cell]], merges: Merges, header: Header, start: int = 0, end: int | None = None
) -> list[Note]:
    """Fill merged ranges below the header of the table in grid rows `start` to `end` in place, except
    in number columns (a count must not repeat)."""
    end = len(grid) if end is None else end
    numeric = {p for p, n in header.names.items() if header.kind.column(n).type in ("int", "float")}
    notes: list[Note] = []
    for (r0, c0), (r1, c1) in merges:
        if r0 <= start + header.row or r0 >= end or (value := grid[r0][c0] if c0 < len(grid[r0]) else None) is None:
            continue
        if c0 in numeric and r1 > r0:
            ref = f"{column_letters(c0)}{r0 + 1}:{column_letters(c1)}{r1 + 1}"
            text = f"合并单元格 {ref} 的数值只计入第{r0 + 1}行 / merged number counted once, in row {r0 + 1}"
            notes.append(Note("merged_number", text, column=c0))
        for r in range(r0, min(r1, end - 1) + 1):
            grid[r].extend([None] * (c1 + 1 - len(grid[r])))
            for c in range(c0, c1 + 1):
                if grid[r][c] is None and c not in numeric:
                    grid[r][c] = value
    return notes


def _is_text(data: bytes) -> bool:
    """True when the first 4 KiB are text in an encoding a CSV may have (UTF-16 included)."""
    try:
        _, text = decode_head(data, 4096)
    except ReadError:
        return False
    return "\x00" not in text


def _open_workbook(data: bytes) -> calamine.CalamineWorkbook:
    if data[:8] == OLE_MAGIC and _ENCRYPTED in data:
        raise ReadError("文件设有打开密码，请取消密码后重新报送 / the file is password-protected")
    if data.lstrip()[:1] == b"<":
        raise ReadError("文件实为网页(HTML)格式，请用 Excel 另存为 .xlsx / the file is HTML saved with an Excel name")
    if data[:4] != ZIP_MAGIC and data[:8] != OLE_MAGIC and _is_text(data):
        raise ReadError(
            "无法打开 Excel 文件：内容是文本（可能是改了扩展名的 CSV），请另存为 .xlsx 或 .csv"
            " / cannot open as Excel: the file is plain text (a renamed CSV?)"
        )
    try:
        # from_filelike detects the format from the content, so an .xls renamed to .xlsx still opens.
        return calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError as exc:
        raise ReadError("文件设有打开密码，请取消密码后重新报送 / the file is password-protected") from exc
    except calamine.CalamineError as exc:
        raise ReadError(f"无法打开 Excel 文件（文件损坏或不是 Excel 格式） / cannot open as Excel: {exc}") from exc


def read_workbook(path: Path, data: bytes, result: FileRead) -> None:
    workbook = _open_workbook(data)
    cells = WorkbookCells(data, workbook)  # error values and formulas without a result, which calamine reads as ""
    for meta in workbook.sheets_metadata:
        if meta.typ != calamine.SheetTypeEnum.WorkSheet:
            result.ignored_sheets.append(meta.name)
            continue
        hidden = meta.visible != calamine.SheetVisibleEnum.Visible
        try:
            sheet = cells.sheet(meta.name)
            values = sheet.to_python(skip_empty_area=False, nrows=HEAD_ROWS + 1 if hidden else None)
            grid = [[(v.strip() or None) if type(v) is str else cell_text(v) for v in row] for row in values]
            cells.restore(meta.name, grid)
            merges = sheet.merged_cell_ranges or []
        except calamine.CalamineError as exc:
            raise ReadError(f"工作表「{meta.name}」无法读取 / sheet {meta.name!r} cannot be read: {exc}") from exc
        while grid and all(c is None for c in grid[-1]):
            grid.pop()
        header = find_header(_merge_head(grid, merges), meta.name)
        if header is None:
            result.ignored_sheets.append(meta.name)
        elif hidden:  # often a stale copy the sender hid; a hidden list for dropdowns has no report header
            result.notes.append(_hidden_note(meta.name, header))
        else:
            result.sheets += _tables(path, meta.name, grid, merges, header)


def _tables(path: Path, name: str, grid: list[list[Cell]], merges: Merges, header: Header) -> list[Sheet]:
    """One Sheet per table of the worksheet (usually one), row numbers as Excel shows them."""
    sheets = []
    for start, end, table in split_tables(
        grid, header, lambda s: find_header(_merge_head(grid, merges, s), name), name
    ):
        first = start + table.row + 1  # the table's first body row
        notes = [table_note(table, first)] if start else []
        notes += table.notes + _merge_body(grid, merges, table, start, end)
        rows = np.arange(first + 1, end + 1)
        sheets.append(shaping.sheet_from_grid(path, name, table, grid[first:end], rows, notes))
    return sheets


def _hidden_note(name: str, header: Header) -> Note:
    kind = header.kind
    text = f"隐藏的工作表未装载: {name}（{kind.zh}）/ hidden sheet not loaded: {name} ({kind.name})"
    return Note("hidden_sheet", text, sheet=name)
