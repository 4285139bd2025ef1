"""From a sheet's body to its frame: the cells are trimmed and total/note candidates flagged
(one DuckDB pass for a big CSV, plain Python for a grid already in memory), then blank, unit,
total and note rows are dropped and the columns named by the header; what was dropped is
counted and what was ignored is noted."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from etl.readers.headers import Header, is_unit_cell, squash
from etl.readers.model import Cell, Note, Sheet

_TOTAL = re.compile(r"^(合计|总计|小计|共计)|(合计|总计|小计)$")

_NOTE = re.compile(
    r"^(注|注释|备注|说明)\s*[:：\d]|^(填表|填报|制表|审核|审批|统计|负责|联系|经办)[^:：]{0,4}[:：]|^(单位负责人|分管领导)"
)

_WS = r"[\s\pZ]"
# Cheap SQL pre-filters; candidate rows are then checked in Python with _TOTAL / _NOTE.

_TOTAL_HINT = "计"

_NOTE_HINT = "^(注|备注|说明|填|制表|审|统计|负责|联系|经办|单位负责人|分管)"
_NOTE_HINT_RE = re.compile(_NOTE_HINT)


def shape(
    con: duckdb.DuckDBPyConnection, source: str, params: list[object], ncols: int, header: Header, trim: str
) -> pa.Table:
    """Trimmed cells c0…, first non-empty cell and a total/note candidate flag per body row.

    `trim`: "none" (cells stripped in Python already), "spaces" (ASCII spaces: the file has no other
    whitespace) or "all" (every Unicode space; slower).
    """
    if trim == "all":
        trimmed = [f"regexp_replace(c{i}, '^{_WS}+|{_WS}+$', '', 'g')" for i in range(ncols)]
    elif trim == "spaces":
        trimmed = [f"CASE WHEN c{i} LIKE ' %' OR c{i} LIKE '% ' THEN trim(c{i}) ELSE c{i} END" for i in range(ncols)]
    else:
        trimmed = [f"c{i}" for i in range(ncols)]
    trimmed = [f"nullif({t}, '')" for t in trimmed]
    cells = ", ".join(f"{t} AS c{i}" for i, t in enumerate(trimmed))
    first = f"coalesce({', '.join(f'c{i}' for i in range(ncols))})"
    candidate = f"contains({first}, ?) OR regexp_matches({first}, ?)"
    community = next((p for p, n in header.names.items() if n == "community_name"), None)
    if community is not None:
        candidate += f" OR contains(c{community}, ?)"
    sql = f"""
        WITH t AS (SELECT {cells} FROM {source})
        SELECT *, {first} AS _first, coalesce({candidate}, false) AS _candidate
        FROM t"""  # noqa: S608 (only generated column names; values go in as parameters)
    args = [*params, _TOTAL_HINT, _NOTE_HINT]
    if community is not None:
        args.append(_TOTAL_HINT)
    return con.sql(sql, params=args).to_arrow_table()


def _unique(texts: Iterable[str]) -> list[str]:
    """JSON keys: a header text seen before gets " (2)", " (3)" …"""
    seen: dict[str, int] = {}
    keys = []
    for text in texts:
        seen[text] = seen.get(text, 0) + 1
        keys.append(text if seen[text] == 1 else f"{text} ({seen[text]})")
    return keys


def _row_cells(table: pa.Table, ncols: int, i: int) -> list[Cell]:
    return [table.column(f"c{j}")[i].as_py() for j in range(ncols)]


def _is_total(cells: list[Cell], community: int | None) -> bool:
    first = next((c for c in cells if c is not None), None)
    named = cells[community] if community is not None and community < len(cells) else None
    return any(c is not None and _TOTAL.search(squash(c)) for c in (first, named))


def _is_note(cells: list[Cell]) -> bool:
    """Every non-empty cell is note-like ("注：…", "填表人：张三"); a note in one cell is not enough."""
    values = [c for c in cells if c is not None]
    return bool(values) and all(_NOTE.search(squash(c)) for c in values)


def _keep_slices(table: pa.Table, keep: np.ndarray) -> pa.Table:
    """The kept rows as zero-copy slices (few rows are dropped; a boolean filter would copy every column)."""
    if keep.all():
        return table
    edges = np.flatnonzero(np.diff(np.concatenate(([0], keep.astype(np.int8), [0]))))
    if len(edges) > 2_000:
        return table.filter(pa.array(keep))
    parts = [table.slice(a, b - a) for a, b in zip(edges[::2], edges[1::2], strict=True)]
    return pa.concat_tables(parts) if parts else table.slice(0, 0)


def finish(
    file: Path, name: str, header: Header, table: pa.Table, ncols: int, rows: np.ndarray, notes: list[Note]
) -> Sheet:
    """Drop blank, unit, total and note rows from the shaped body; name the columns; count what was skipped."""
    blank = table.column("_first").is_null().to_numpy(zero_copy_only=False)
    drop = blank.copy()
    community = next((p for p, n in header.names.items() if n == "community_name"), None)
    candidates = table.column("_candidate").to_numpy(zero_copy_only=False).astype(bool)
    for i in np.flatnonzero(candidates):
        cells = _row_cells(table, ncols, i)
        drop[i] = _is_total(cells, community) or _is_note(cells)
    if len(non_blank := np.flatnonzero(~blank)):
        i = non_blank[0]  # a unit row ("户", "（人）", "单位：个") comes right below the header
        drop[i] |= all(is_unit_cell(c) for c in _row_cells(table, ncols, i) if c is not None)
    keep = ~drop
    kept = _keep_slices(table, keep)

    def filled(p: int) -> bool:
        return p < ncols and kept.column(f"c{p}").null_count < kept.num_rows

    # An ignored column the sender filled in loses data; one left empty only needs saying.
    notes = [
        replace(n, sheet=name, loses_data=n.code in ("unknown_column", "duplicate_column") and filled(n.column))
        if n.column is not None
        else replace(n, sheet=name)
        for n in notes
    ]
    for p in range(ncols):
        if p not in header.texts and filled(p):
            text = f"忽略无表头的列: 第{p + 1}列 / column {p + 1} has no header, ignored"
            notes.append(Note("unheaded_column", text, sheet=name, column=p, loses_data=True))
    picked = {header.names[p]: f"c{p}" for p in sorted(header.names)}
    columns = [c.name for c in header.kind.columns if c.name in picked]
    extra = [p for p in sorted(header.texts) if p not in header.names]
    frame = pa.table(
        [kept.column(picked[c]) for c in columns]
        + [kept.column(f"c{p}") for p in extra]
        + [pa.array(rows[keep], pa.int64())],
        names=[*columns, *(f"_x{p}" for p in extra), "_row"],
    ).to_pandas()
    positions = sorted(header.texts)
    keys = _unique(header.texts[p] for p in positions)
    original_keys = {k: header.names.get(p, f"_x{p}") for k, p in zip(keys, positions, strict=True)}
    return Sheet(file, name, header.kind, frame, header.row + int(drop.sum()), notes, original_keys)


def _grid_table(body: Sequence[Sequence[Cell]], ncols: int, header: Header) -> pa.Table:
    """What `shape` makes of a body already in memory as cell texts (stripped, None for empty),
    without a DuckDB query: a query costs ~4 ms to plan and convert, more than a small sheet's
    rows take in Python. Same columns and flags as `shape`."""
    community = next((p for p, n in header.names.items() if n == "community_name"), None)
    rows = [[c or None for c in row] + [None] * (ncols - len(row)) for row in body]
    columns = [list(col) for col in zip(*rows, strict=True)] if rows else [[] for _ in range(ncols)]
    first = [next((c for c in row if c is not None), None) for row in rows]
    candidate = [
        (f is not None and (_TOTAL_HINT in f or _NOTE_HINT_RE.match(f) is not None))
        or (community is not None and row[community] is not None and _TOTAL_HINT in row[community])
        for f, row in zip(first, rows, strict=True)
    ]
    arrays = [pa.array(col, pa.large_string()) for col in columns]
    arrays += [pa.array(first, pa.large_string()), pa.array(candidate, pa.bool_())]
    return pa.table(arrays, names=[*(f"c{j}" for j in range(ncols)), "_first", "_candidate"])


def sheet_from_grid(
    file: Path,
    name: str,
    header: Header,
    body: Sequence[Sequence[Cell]],
    rows: np.ndarray,
    notes: list[Note],
) -> Sheet:
    """A Sheet from a body of cell texts in memory (a workbook's grid, a small CSV's records)."""
    ncols = max([len(r) for r in body] + [max(header.texts, default=0) + 1])
    return finish(file, name, header, _grid_table(body, ncols, header), ncols, rows, notes)


_LOCAL = threading.local()


def connect() -> duckdb.DuckDBPyConnection:
    """A cursor on this thread's in-memory DuckDB (opening a new database costs ~30 ms a file)."""
    if getattr(_LOCAL, "con", None) is None:
        _LOCAL.con = duckdb.connect()
        _LOCAL.con.execute("SET arrow_large_buffer_size = true")  # large_string is pandas' str: no cast
        _LOCAL.con.execute("SET enable_progress_bar = false")  # it would print over the CLI's own output
    return _LOCAL.con.cursor()
