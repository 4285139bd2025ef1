"""Structural reading of report files: find each sheet's kind, header, data rows and row numbers.

`read_file(path)` turns a workbook (.xlsx/.xlsm/.xls, read with python-calamine) or a CSV
(UTF-8 with or without BOM, GBK, GB18030) into one `Sheet` per recognised worksheet: a frame of
raw cell text under the contract's column names, the cells of the file's other headed columns
(unknown or duplicate headers) as `_x<position>`, and `_row`, the row number a user sees in Excel
(or the CSV line number). `Sheet.original_keys` maps each header text as in the file to the frame
column holding its cells, so the original row can be rebuilt (`Sheet.original(i)`; `validate`
builds it as JSON only for quarantined rows). Values are not parsed here (see `normalize`).

Frame columns use pandas' default string dtype: an empty cell is missing (`pd.isna(v)` is true).
For every sheet: rows up to the last non-blank one = `skipped` + 1 header row + data rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import math
import re
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import python_calamine as calamine

from core.contract import KINDS, Kind

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")

HEAD_ROWS = 20  # the header must start within this many rows
FAST_CSV_MIN_BYTES = 1 << 20  # CSVs at least this big go through DuckDB's parallel reader
CSV_DELIMITERS = (",", "\t", ";")

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


# --- header text normalisation ---------------------------------------------------------------

_UNITS = frozenset(
    "m2 平方米 平米 小时 h 个 人 户 件 场 场次 次 人次 % 元 万元 天 名 处 项 间 宗 起 套 栋 幢 支 家 年 月 日 张 册".split()
)
_PLACEHOLDERS = frozenset({"", "-", "--", "—", "——", "–", "/", "\\"})
_UNIT_SUFFIX = re.compile(r"(.+?)(?:\((?:单位:?)?([^()]*)\)|/([^/]+))")
_TOTAL = re.compile(r"^(合计|总计|小计|共计)|(合计|总计|小计)$")
_NOTE = re.compile(
    r"^(注|注释|备注|说明)\s*[:：\d]|^(填表|填报|制表|审核|审批|统计|负责|联系|经办)[^:：]{0,4}[:：]|^(单位负责人|分管领导)"
)


def _squash(text: str) -> str:
    """NFKC (full-width → half-width, ㎡ → m2) and drop all whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@functools.lru_cache(maxsize=16384)
def header_key(text: str) -> str:
    """The comparison form of a header cell: squashed, lower case, unit suffix such as "(㎡)" dropped."""
    s = _squash(text).lower().replace("_", "").replace("-", "")
    while m := _UNIT_SUFFIX.fullmatch(s):
        unit = m.group(2) if m.group(2) is not None else m.group(3)
        if unit not in _UNITS:
            break
        s = m.group(1)
    return s


def is_unit_cell(text: str) -> bool:
    """True for a unit-row cell: "户", "（人）", "单位：个", "㎡", "小时", "%", "—"."""
    s = _squash(text).lower()
    s = re.sub(r"^单位:?", "", s)
    s = s[1:-1] if s.startswith("(") and s.endswith(")") else s
    return s in _UNITS or s in _PLACEHOLDERS or all(p in _UNITS for p in re.split(r"[、,/]", s))


def _labels(kind: Kind) -> dict[str, str]:
    labels: dict[str, str] = {}
    for col in kind.columns:
        for text in (col.zh, col.name, *col.aliases):
            labels.setdefault(header_key(text), col.name)
    return labels


_LABELS: dict[str, dict[str, str]] = {k.name: _labels(k) for k in KINDS}


def _sheet_hint(kind: Kind, sheet_name: str) -> bool:
    s = header_key(sheet_name)
    return any(header_key(a) in s for a in (kind.zh, kind.name, *kind.sheet_aliases))


# --- header detection -------------------------------------------------------------------------


@dataclass
class _Header:
    row: int  # 0-based index of the header row in the grid
    kind: Kind
    names: dict[int, str]  # column position -> contract column name (first occurrence only)
    texts: dict[int, str]  # column position -> header text as in the file (all non-empty headers)
    notes: list[str]


def _match(row: Sequence[Cell], above: Sequence[Cell], labels: dict[str, str]) -> dict[int, tuple[str, str]]:
    """Position -> (contract name, header text); an empty cell may take a matching label from the row above."""
    found: dict[int, tuple[str, str]] = {}
    for pos in range(max(len(row), len(above))):
        text = row[pos] if pos < len(row) else None
        if text is None and pos < len(above):
            text = above[pos]
            if text is None or header_key(text) not in labels:
                continue
        if text is not None and (name := labels.get(header_key(text))):
            found[pos] = (name, text)
    return found


def find_header(head: Sequence[Sequence[Cell]], sheet_name: str) -> _Header | None:
    """The best header row of the first rows and its kind, or None when no kind's required columns appear."""
    best: tuple[tuple[int, int, int, float, int], int, Kind, dict[int, tuple[str, str]]] | None = None
    for r, row in enumerate(head[:HEAD_ROWS]):
        above = head[r - 1] if r else []
        for k_index, kind in enumerate(KINDS):
            found = _match(row, above, _LABELS[kind.name])
            matched = {name for name, _ in found.values()}
            required = {c.name for c in kind.columns if c.required}
            if not required <= matched or len(matched) < 2:
                continue
            # most columns; then the earlier row; then sheet name, share of the kind's columns, contract order
            hint = int(_sheet_hint(kind, sheet_name))
            score = (len(matched), -r, hint, len(matched) / len(kind.columns), -k_index)
            if best is None or score > best[0]:
                best = (score, r, kind, found)
    if best is None:
        return None
    _, r, kind, found = best
    names: dict[int, str] = {}
    texts: dict[int, str] = {pos: t for pos, t in enumerate(head[r]) if t is not None}
    notes: list[str] = []
    seen: dict[str, str] = {}
    for pos in sorted(found):
        name, text = found[pos]
        texts[pos] = text
        if name in seen:
            notes.append(f"重复列，保留第一列「{seen[name]}」: {text} / duplicate column ignored")
            continue
        seen[name] = text
        names[pos] = name
    for pos in sorted(texts):
        if pos not in found:
            notes.append(f"忽略未知列: {texts[pos]} / unknown column ignored")
    return _Header(r, kind, names, texts, notes)


# --- data rows: one DuckDB pass, then masks ---------------------------------------------------

_WS = r"[\s\pZ]"
# Cheap SQL pre-filters; candidate rows are then checked in Python with _TOTAL / _NOTE.
_TOTAL_HINT = "计"
_NOTE_HINT = "^(注|备注|说明|填|制表|审|统计|负责|联系|经办|单位负责人|分管)"


def _shape(
    con: duckdb.DuckDBPyConnection, source: str, params: list[object], ncols: int, header: _Header, trim: str
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
    return any(c is not None and _TOTAL.search(_squash(c)) for c in (first, named))


def _is_note(cells: list[Cell]) -> bool:
    """Every non-empty cell is note-like ("注：…", "填表人：张三"); a note in one cell is not enough."""
    values = [c for c in cells if c is not None]
    return bool(values) and all(_NOTE.search(_squash(c)) for c in values)


def _keep_slices(table: pa.Table, keep: np.ndarray) -> pa.Table:
    """The kept rows as zero-copy slices (few rows are dropped; a boolean filter would copy every column)."""
    if keep.all():
        return table
    edges = np.flatnonzero(np.diff(np.concatenate(([0], keep.astype(np.int8), [0]))))
    if len(edges) > 2_000:
        return table.filter(pa.array(keep))
    parts = [table.slice(a, b - a) for a, b in zip(edges[::2], edges[1::2], strict=True)]
    return pa.concat_tables(parts) if parts else table.slice(0, 0)


def _finish(
    file: Path, name: str, header: _Header, table: pa.Table, ncols: int, rows: np.ndarray, notes: list[str]
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
    notes = list(notes)
    for p in range(ncols):
        if p not in header.texts and kept.column(f"c{p}").null_count < kept.num_rows:
            notes.append(f"忽略无表头的列: 第{p + 1}列 / column {p + 1} has no header, ignored")
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


def _text_table(body: Sequence[Sequence[Cell]], ncols: int) -> pa.Table:
    columns = [[row[j] if j < len(row) else None for row in body] for j in range(ncols)]
    return pa.table([pa.array(col, pa.string()) for col in columns], names=[f"c{j}" for j in range(ncols)])


def _sheet_from_grid(
    con: duckdb.DuckDBPyConnection,
    file: Path,
    name: str,
    header: _Header,
    body: Sequence[Sequence[Cell]],
    rows: np.ndarray,
    notes: list[str],
) -> Sheet:
    ncols = max([len(r) for r in body] + [max(header.texts, default=0) + 1])
    con.register("body", _text_table(body, ncols))
    try:
        table = _shape(con, "body", [], ncols, header, "none")
    finally:
        con.unregister("body")
    return _finish(file, name, header, table, ncols, rows, notes)


_LOCAL = threading.local()


def _connect() -> duckdb.DuckDBPyConnection:
    """A cursor on this thread's in-memory DuckDB (opening a new database costs ~30 ms a file)."""
    if getattr(_LOCAL, "con", None) is None:
        _LOCAL.con = duckdb.connect()
        _LOCAL.con.execute("SET arrow_large_buffer_size = true")  # large_string is pandas' str: no cast
        _LOCAL.con.execute("SET enable_progress_bar = false")  # it would print over the CLI's own output
    return _LOCAL.con.cursor()


# --- workbooks --------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
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


def _merge_head(grid: list[list[Cell]], merges: list[tuple[tuple[int, int], tuple[int, int]]]) -> list[list[Cell]]:
    """The first rows with every merged range filled with its top-left value."""
    head = [list(r) for r in grid[: HEAD_ROWS + 1]]
    for (r0, c0), (r1, c1) in merges:
        if r0 >= len(head) or (value := head[r0][c0] if c0 < len(head[r0]) else None) is None:
            continue
        for r in range(r0, min(r1, len(head) - 1) + 1):
            head[r].extend([None] * (c1 + 1 - len(head[r])))
            for c in range(c0, c1 + 1):
                if head[r][c] is None:
                    head[r][c] = value
    return head


def _merge_body(
    grid: list[list[Cell]], merges: list[tuple[tuple[int, int], tuple[int, int]]], header: _Header
) -> list[str]:
    """Fill merged ranges below the header in place, except in number columns (a count must not repeat)."""
    numeric = {p for p, n in header.names.items() if header.kind.column(n).type in ("int", "float")}
    notes = []
    for (r0, c0), (r1, c1) in merges:
        if r0 <= header.row or r0 >= len(grid) or (value := grid[r0][c0] if c0 < len(grid[r0]) else None) is None:
            continue
        if c0 in numeric and r1 > r0:
            ref = f"{_col_letter(c0)}{r0 + 1}:{_col_letter(c1)}{r1 + 1}"
            notes.append(f"合并单元格 {ref} 的数值只计入第{r0 + 1}行 / merged number counted once, in row {r0 + 1}")
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            grid[r].extend([None] * (c1 + 1 - len(grid[r])))
            for c in range(c0, c1 + 1):
                if grid[r][c] is None and c not in numeric:
                    grid[r][c] = value
    return notes


def _col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _is_text(head: bytes) -> bool:
    try:
        detect_encoding(head[: head.rfind(b"\n") + 1] or head)
    except ReadError:
        return False
    return b"\x00" not in head


def _open_workbook(data: bytes) -> calamine.CalamineWorkbook:
    if data[:8] == _OLE_MAGIC and _ENCRYPTED in data:
        raise ReadError("文件设有打开密码，请取消密码后重新报送 / the file is password-protected")
    if data.lstrip()[:1] == b"<":
        raise ReadError("文件实为网页(HTML)格式，请用 Excel 另存为 .xlsx / the file is HTML saved with an Excel name")
    if data[:4] != b"PK\x03\x04" and data[:8] != _OLE_MAGIC and _is_text(data[:4096]):
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


def _read_workbook(path: Path, data: bytes, result: FileRead) -> None:
    workbook = _open_workbook(data)
    with _connect() as con:
        for meta in workbook.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                result.ignored_sheets.append(meta.name)
                continue
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
                grid = [[cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
                merges = sheet.merged_cell_ranges or []
            except calamine.CalamineError as exc:
                raise ReadError(f"工作表「{meta.name}」无法读取 / sheet {meta.name!r} cannot be read: {exc}") from exc
            while grid and all(c is None for c in grid[-1]):
                grid.pop()
            header = find_header(_merge_head(grid, merges), meta.name)
            if header is None:
                result.ignored_sheets.append(meta.name)
                continue
            notes = header.notes + _merge_body(grid, merges, header)
            body = grid[header.row + 1 :]
            rows = np.arange(header.row + 2, header.row + 2 + len(body))
            result.sheets.append(_sheet_from_grid(con, path, meta.name, header, body, rows, notes))


# --- CSV --------------------------------------------------------------------------------------

_HEAD_BYTES = 1 << 20


def detect_encoding(data: bytes) -> str:
    """The first of UTF-8 with BOM, UTF-8, GBK, GB18030 that decodes `data` strictly."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    for encoding in ("utf-8", "gbk", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ReadError("无法识别文件编码（应为 UTF-8 或 GBK）/ unknown text encoding (expected UTF-8 or GBK)")


def _sniff_delimiter(text: str) -> str:
    lines = text.splitlines()[:30]
    widths = {d: max((len(r) for r in csv.reader(lines, delimiter=d)), default=0) for d in CSV_DELIMITERS}
    return max(CSV_DELIMITERS, key=lambda d: (widths[d], -CSV_DELIMITERS.index(d)))


def _records(text: str, delimiter: str, limit: int | None = None) -> tuple[list[list[Cell]], list[int], int]:
    """Parsed records, the line each starts on, and the last line read."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    records: list[list[Cell]] = []
    starts: list[int] = []
    line = 0
    for record in reader:
        starts.append(line + 1)
        line = reader.line_num
        records.append([c.strip() or None for c in record])
        if limit is not None and len(records) >= limit:
            break
    return records, starts, line


# Whitespace that str.strip() removes but DuckDB's trim() does not: control bytes, and UTF-8
# sequences (by lead byte) for U+0085, U+00A0, U+1680, U+2000-200A, U+2028/9, U+202F, U+205F, U+3000.
_ODD_BYTES = (0x09, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x1F)
_ODD_SEQUENCES = {
    0xC2: (b"\xc2\x85", b"\xc2\xa0"),
    0xE1: (b"\xe1\x9a\x80",),
    0xE2: (*(b"\xe2\x80" + bytes([b]) for b in (*range(0x80, 0x8B), 0xA8, 0xA9, 0xAF)), b"\xe2\x81\x9f"),
    0xE3: (b"\xe3\x80\x80",),
}


def _odd_whitespace(data: bytes, delimiter: str, start: int) -> bool:
    """True when a cell after byte `start` might start or end with whitespace other than ASCII spaces."""
    # single-byte `in`/`find` is a memchr; multi-byte searches are slower, so only when their lead byte occurs
    if any(bytes([b]) in data for b in _ODD_BYTES if chr(b) != delimiter):
        return True
    leads = [lead for lead in _ODD_SEQUENCES if data.find(bytes([lead]), start) >= 0]
    return any(data.find(seq, start) >= 0 for lead in leads for seq in _ODD_SEQUENCES[lead])


def _nth_line_end(data: bytes, n: int) -> int:
    """The byte offset just after the n-th line break (0 for n = 0)."""
    offset = 0
    for _ in range(n):
        offset = data.find(b"\n", offset) + 1
    return offset


def _physical_lines(data: bytes) -> int:
    """Lines in the file, not counting trailing empty ones."""
    end = len(data)
    while end and data[end - 1] in b"\r\n":
        end -= 1
    return data.count(b"\n", 0, end) + (1 if end else 0)


def _read_csv(path: Path, data: bytes, result: FileRead) -> None:
    big = len(data) >= FAST_CSV_MIN_BYTES
    probe = data[: data.rfind(b"\n", 0, _HEAD_BYTES) + 1] if big and len(data) > _HEAD_BYTES else data
    encoding = detect_encoding(probe)
    head_text = probe.decode(encoding)
    delimiter = _sniff_delimiter(head_text)
    head, _, _ = _records(head_text, delimiter, HEAD_ROWS + 1)
    header = find_header(head, path.name)
    if header is None:
        result.ignored_sheets.append(path.name)
        return
    with _connect() as con:
        sheet = None
        if big:
            sheet = _read_csv_fast(con, path, data, encoding, delimiter, head, header)
        if sheet is None:
            encoding = detect_encoding(data)
            records, starts, _ = _records(data.decode(encoding), delimiter)
            body = records[header.row + 1 :]
            rows = np.array(starts[header.row + 1 :], dtype=np.int64)
            sheet = _sheet_from_grid(con, path, path.name, header, body, rows, header.notes)
        result.sheets.append(sheet)


def _read_csv_fast(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    data: bytes,
    encoding: str,
    delimiter: str,
    head: list[list[Cell]],
    header: _Header,
) -> Sheet | None:
    """The body through DuckDB's parallel CSV reader, or None when its rows would not match the file's lines."""
    _, _, header_end = _records(data[:_HEAD_BYTES].decode(encoding, errors="ignore"), delimiter, header.row + 1)
    ncols = max(len(r) for r in head)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(ncols)) + "}"
    source = (
        f"read_csv(?, skip={header_end}, header=false, all_varchar=true, delim=?, quote='\"', escape='\"', "
        f"columns={columns}, auto_detect=false, null_padding=true)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = path
        if encoding not in ("utf-8", "utf-8-sig"):
            try:
                text = data.decode(detect_encoding(data))
            except ReadError:
                return None
            data = text.encode("utf-8")
            csv_path = Path(tmp) / "utf8.csv"
            csv_path.write_bytes(data)
        try:
            trim = "all" if _odd_whitespace(data, delimiter, _nth_line_end(data, header_end)) else "spaces"
            table = _shape(con, source, [str(csv_path), delimiter], ncols, header, trim)
        except duckdb.Error:
            return None  # e.g. a row wider than the header region, or bytes that are not UTF-8
    expected = _physical_lines(data) - header_end
    if table.num_rows != expected:
        return None  # blank lines or line breaks inside quotes: DuckDB's records are not lines
    rows = np.arange(header_end + 1, header_end + 1 + table.num_rows, dtype=np.int64)
    return _finish(path, path.name, header, table, ncols, rows, header.notes)


# --- entry points -----------------------------------------------------------------------------


def read_file(path: Path) -> FileRead:
    """Read one report file; never raises for bad input (the reason goes into `error`)."""
    result = FileRead(path=path)
    suffix = path.suffix.lower()
    try:
        if suffix not in SUPPORTED_SUFFIXES:
            raise ReadError(f"无法识别的文件类型 {path.suffix or '(无扩展名)'} / unsupported file type")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ReadError(f"无法读取文件 / cannot read the file: {exc.strerror or exc}") from exc
        if not data.strip():
            raise ReadError("文件为空 / the file is empty")
        if suffix == ".csv":
            _read_csv(path, data, result)
        else:
            _read_workbook(path, data, result)
    except ReadError as exc:
        result.error = str(exc)
        result.sheets = []
        return result
    if not result.sheets:
        looked = "、".join(result.ignored_sheets) or "-"
        kinds = "、".join(k.zh for k in KINDS)
        result.error = (
            f"未找到可识别的报表表头（已检查: {looked}；应为 {kinds} 之一）/ no sheet with a recognisable report header"
        )
    return result


def iter_report_files(paths: Iterable[Path]) -> list[Path]:
    """Report files among `paths`: folders searched recursively; lock (~$) and hidden files skipped; sorted.

    A file named directly is kept whatever its suffix, so `read_file` can say why it is not read.
    """
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            for child in path.rglob("*"):
                hidden = any(part.startswith((".", "~$")) for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    found.add(child)
        elif not path.name.startswith((".", "~$")):
            found.add(path)
    return sorted(found)
