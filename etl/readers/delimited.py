"""CSV files as Chinese offices save them: UTF-8 with or without BOM, GBK, GB18030, UTF-16;
comma, tab or semicolon. Large files go through DuckDB's parallel reader when its records are
the file's lines."""

from __future__ import annotations

import codecs
import csv
import io
import tempfile
from collections import Counter
from pathlib import Path

import duckdb
import numpy as np

from etl.readers import shaping
from etl.readers.blocks import has_later_header, split_tables, table_note
from etl.readers.headers import Header, find_header
from etl.readers.model import HEAD_ROWS, Cell, FileRead, ReadError, Sheet
from etl.text import ODD_SPACES

FAST_CSV_MIN_BYTES = 1 << 20  # CSVs at least this big go through DuckDB's parallel reader

CSV_DELIMITERS = (",", "\t", ";")

_HEAD_BYTES = 1 << 20


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))

_GUESSES = ("utf-8", "gbk", "gb18030")


def decode_head(data: bytes, limit: int | None = None) -> tuple[str, str]:
    """The encoding of `data` and the text of its first `limit` bytes (all of it when None).

    The encoding is the BOM's, else the first of UTF-8, GBK, GB18030 that decodes those bytes
    strictly. A prefix may end inside a character (a GBK or UTF-8 multi-byte character, half a
    UTF-16 code unit or surrogate pair): the decoder holds that partial character back instead of
    failing, so the text ends on the last whole character.
    """
    final = limit is None or len(data) <= limit
    part = data if final else data[:limit]
    bom = next((enc for mark, enc in _BOMS if data.startswith(mark)), None)
    for encoding in (bom,) if bom else _GUESSES:
        try:
            return encoding, codecs.getincrementaldecoder(encoding)().decode(part, final=final)
        except UnicodeDecodeError:
            continue
    raise ReadError("无法识别文件编码（应为 UTF-8 或 GBK）/ unknown text encoding (expected UTF-8 or GBK)")


def detect_encoding(data: bytes) -> str:
    """The first of UTF-8 with BOM, UTF-16 with BOM, UTF-8, GBK, GB18030 that decodes `data` strictly."""
    return decode_head(data)[0]


def _whole_lines(text: str) -> str:
    """`text` up to its last line break (all of it when it has none)."""
    end = max(text.rfind("\n"), text.rfind("\r"))
    return text[: end + 1] if end >= 0 else text


def _sniff(text: str, name: str) -> tuple[str, list[list[Cell]], Header | None]:
    """The delimiter, the head records and the header: under each delimiter that occurs in `text`,
    the first records are parsed with quoting respected; a delimiter under which a report header is
    recognised wins (most columns), then the one whose records agree most in width, then comma, tab,
    semicolon. A quoted 说明 full of semicolons, a title with commas over a semicolon table, or
    commas in the cells of a tab file do not change the delimiter."""
    best: tuple[tuple[int, int, int], str, list[list[Cell]], Header | None] | None = None
    failure = ReadError("CSV 文件无法解析 / the CSV cannot be parsed")
    for index, delimiter in enumerate(CSV_DELIMITERS):
        if index and delimiter not in text:
            continue
        try:
            head, _, _ = _records(text, delimiter, HEAD_ROWS + 1)
        except ReadError as exc:
            failure = exc  # e.g. a quote opened by this delimiter's split never closes
            continue
        header = find_header(head, name)
        score = (len(header.names) if header else 0, _agreement(head), -index)
        if best is None or score > best[0]:
            best = (score, delimiter, head, header)
    if best is None:
        raise failure
    return best[1], best[2], best[3]


def _agreement(records: list[list[Cell]]) -> int:
    """How many records share the most common width above one (a real delimiter splits every line alike)."""
    widths = Counter(len(r) for r in records if len(r) > 1)
    return max(widths.values(), default=0)


def _records(text: str, delimiter: str, limit: int | None = None) -> tuple[list[list[Cell]], list[int], int]:
    """Parsed records, the line each starts on, and the last line read.

    Lines end with LF or CRLF; a file whose lines end with CR alone (Mac Excel's "CSV (Macintosh)")
    is read again with every line end recognised (slower, so only then).
    """
    try:
        return _parse(io.StringIO(text), delimiter, limit)
    except csv.Error:
        try:
            return _parse(io.StringIO(text, newline=""), delimiter, limit)
        except csv.Error as exc:
            raise ReadError(f"CSV 文件无法解析：{exc} / the CSV cannot be parsed: {exc}") from exc


def _parse(lines: io.StringIO, delimiter: str, limit: int | None) -> tuple[list[list[Cell]], list[int], int]:
    reader = csv.reader(lines, delimiter=delimiter)
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

# The odd spaces of etl.text, and the other characters str.strip() removes (U+0085, the line and
# paragraph separators, the ideographic space), as UTF-8 byte sequences grouped by lead byte.
_ODD_SEQUENCES: dict[int, tuple[bytes, ...]] = {}
for _ch in ODD_SPACES + "\x85\u2028\u2029\u3000":
    _seq = _ch.encode()
    _ODD_SEQUENCES[_seq[0]] = (*_ODD_SEQUENCES.get(_seq[0], ()), _seq)


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
    encoding, head_text = decode_head(data, _HEAD_BYTES if big else None)
    whole = not big or len(data) <= _HEAD_BYTES
    if not whole:
        head_text = _whole_lines(head_text)
    delimiter, head, header = _sniff(head_text, path.name)
    if header is None:
        result.ignored_sheets.append(path.name)
        return
    if big:
        with shaping.connect() as con:
            sheet = _read_csv_fast(con, path, data, encoding, head_text, delimiter, head, header)
        if sheet is not None:
            result.sheets.append(sheet)
            return
    # the head's encoding may not hold for the rest (GB18030-only characters, GBK after an ASCII head)
    text = head_text if whole else decode_head(data)[1]
    records, starts, _ = _records(text, delimiter)
    name = path.name
    for start, end, table in split_tables(
        records, header, lambda s: find_header(records[s : s + HEAD_ROWS + 1], name), name
    ):
        first = start + table.row + 1  # the table's first body record
        notes = [table_note(table, starts[first - 1]), *table.notes] if start else table.notes
        rows = np.array(starts[first:end], dtype=np.int64)
        result.sheets.append(shaping.sheet_from_grid(path, name, table, records[first:end], rows, notes))


def _read_csv_fast(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    data: bytes,
    encoding: str,
    head_text: str,
    delimiter: str,
    head: list[list[Cell]],
    header: Header,
) -> Sheet | None:
    """The body through DuckDB's parallel CSV reader, or None when its rows would not match the file's lines."""
    _, _, header_end = _records(head_text, delimiter, header.row + 1)
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
                text = decode_head(data)[1]
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
    if has_later_header(table, ncols, header, path.name):
        return None  # tables stacked in the file: the Python reader splits them
    rows = np.arange(header_end + 1, header_end + 1 + table.num_rows, dtype=np.int64)
    return shaping.finish(path, path.name, header, table, ncols, rows, header.notes)
