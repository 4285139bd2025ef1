"""Tables stacked in one sheet: every header row below the first table starts a table of its own
kind, with the title rows right above it (and the group-label row of a two-row header). Each
table becomes a `Sheet` of the same name whose row numbers are still the sheet's."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from etl.readers.headers import Header, header_columns, key_position, starts_with_digit
from etl.readers.model import Cell, Note

Table = tuple[int, int, Header]  # first grid row, row after the last, header (its row counted from the first)


def _is_title(row: Sequence[Cell]) -> bool:
    """A row of one text (a merged title is that text in every cell it spans)."""
    return len({c for c in row if c is not None}) == 1


def _is_header(row: Sequence[Cell], above: Sequence[Cell], name: str) -> bool:
    """Whether a row below a table's header starts another table. Data rows are ruled out cheaply:
    no header cell starts with a digit, and every data row has one (its date or month, its counts)."""
    if not any(c is not None for c in row) or any(starts_with_digit(c) for c in row):
        return False
    return header_columns(row, above, name) > 0


def _next_table(grid: Sequence[Sequence[Cell]], header_row: int, header: Header, name: str) -> int | None:
    """The first grid row of the table after the one headed at `header_row`, or None."""
    key = key_position(header.kind, header.names)
    if key is None:
        return None
    for i in range(header_row + 1, len(grid)):
        row = grid[i]
        if key < len(row) and starts_with_digit(row[key]):
            continue  # the common case, decided by one cell
        if _is_header(row, grid[i - 1], name):
            return _table_start(grid, header_row, i, name)
    return None


def _table_start(grid: Sequence[Sequence[Cell]], floor: int, i: int, name: str) -> int:
    """Where the table headed at row `i` starts: with the group-label row its header reads, and the
    title rows right above (not above row `floor + 1`)."""
    start = i
    if start - 1 > floor and header_columns(grid[i], grid[i - 1], name) > header_columns(grid[i], [], name):
        start -= 1
    while start - 1 > floor and _is_title(grid[start - 1]):
        start -= 1
    return start


def split_tables(
    grid: Sequence[Sequence[Cell]], first: Header, find: Callable[[int], Header | None], name: str
) -> list[Table]:
    """The tables of a sheet whose first header is `first`; `find(start)` reads the header of a table
    that starts at grid row `start`. A sheet of one table is [(0, len(grid), first)]."""
    starts: list[tuple[int, Header]] = [(0, first)]
    while (start := _next_table(grid, starts[-1][0] + starts[-1][1].row, starts[-1][1], name)) is not None:
        header = find(start)
        if header is None:  # not expected: the row was seen to be a header; keep the rows in the table above
            break
        starts.append((start, header))
    ends = [s for s, _ in starts[1:]] + [len(grid)]
    return [(s, e, h) for (s, h), e in zip(starts, ends, strict=True)]


def table_note(header: Header, row_number: int) -> Note:
    """Said of every table after the first in a sheet."""
    kind = header.kind
    return Note(
        "stacked_table",
        f"第 {row_number} 行起是另一张表（{kind.zh}），单独装载 / another table ({kind.name}) starts at row {row_number}",
    )


def _digit_first(cells: pa.ChunkedArray) -> pa.ChunkedArray:
    """Per cell: starts with an ASCII or full-width digit (false for a null). Compares the first
    three UTF-8 bytes, which is several times faster than a regular expression."""
    head = pc.binary_slice(cells.cast(pa.large_binary()), 0, 3)

    def between(low: bytes, high: bytes) -> pa.ChunkedArray:
        return pc.and_(
            pc.greater_equal(head, pa.scalar(low, pa.large_binary())), pc.less(head, pa.scalar(high, pa.large_binary()))
        )

    return pc.fill_null(pc.or_(between(b"0", b":"), between("０".encode(), "：".encode())), False)


def has_later_header(table: pa.Table, ncols: int, header: Header, name: str) -> bool:
    """True when a row of a shaped body (cells c0…, `_first`) below `header` is another table's header."""
    key = key_position(header.kind, header.names)
    if key is None or table.num_rows == 0:
        return False
    data = _digit_first(table.column(f"c{key}"))
    filled = pc.is_valid(table.column("_first"))
    maybe = np.flatnonzero(pc.and_(pc.invert(data), filled).to_numpy(zero_copy_only=False))
    columns = [table.column(f"c{j}") for j in range(ncols)]

    def row(i: int) -> list[Cell]:
        return [c[i].as_py() for c in columns] if i >= 0 else []

    return any(_is_header(row(i), row(i - 1), name) for i in maybe)
