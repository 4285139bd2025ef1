"""CSV files as Chinese offices save them: UTF-8 with or without BOM, GBK, GB18030, UTF-16;
comma, tab or semicolon. Large files go through DuckDB's parallel reader when its records are
the file's lines."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import duckdb
import numpy as np

from etl.readers import shaping
from etl.readers.headers import Header, find_header
from etl.readers.model import HEAD_ROWS, Cell, FileRead, ReadError, Sheet

FAST_CSV_MIN_BYTES = 1 << 20  # CSVs at least this big go through DuckDB's parallel reader

CSV_DELIMITERS = (",", "\t", ";")

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


def read_csv(path: Path, data: bytes, result: FileRead) -> None:
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
    with shaping.connect() as con:
        sheet = None
        if big:
            sheet = _read_csv_fast(con, path, data, encoding, delimiter, head, header)
        if sheet is None:
            encoding = detect_encoding(data)
            records, starts, _ = _records(data.decode(encoding), delimiter)
            body = records[header.row + 1 :]
            rows = np.array(starts[header.row + 1 :], dtype=np.int64)
            sheet = shaping.sheet_from_grid(con, path, path.name, header, body, rows, header.notes)
        result.sheets.append(sheet)


def _read_csv_fast(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    data: bytes,
    encoding: str,
    delimiter: str,
    head: list[list[Cell]],
    header: Header,
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
            table = shaping.shape(con, source, [str(csv_path), delimiter], ncols, header, trim)
        except duckdb.Error:
            return None  # e.g. a row wider than the header region, or bytes that are not UTF-8
    expected = _physical_lines(data) - header_end
    if table.num_rows != expected:
        return None  # blank lines or line breaks inside quotes: DuckDB's records are not lines
    rows = np.arange(header_end + 1, header_end + 1 + table.num_rows, dtype=np.int64)
    return shaping.finish(path, path.name, header, table, ncols, rows, header.notes)
