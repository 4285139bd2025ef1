"""Cells that python-calamine reads as blank but are not: Excel error values and formulas saved
without their result.

calamine returns "" for an error cell (#DIV/0!, #N/A …) exactly as for an empty one, and for a
formula whose file holds no computed value (a workbook written by a script: openpyxl's
`=A1+B1`); it refuses a whole sheet with an error value it does not know (#SPILL!, #CALC! …).
For .xlsx the sheets' XML is scanned for such cells (`t="e"`, or `<f>` without a `<v>`), and the
reader writes them into its grid as the text a user sees: "#DIV/0!", "=A1+B1", so that
`etl.normalize` can set the row aside naming the error, as it does for the same text in a CSV.
A row with nothing else in it stays blank (a template's formula column filled down past the data).
"""

from __future__ import annotations

import array
import functools
import html
import io
import posixpath
import re
import struct
import zipfile
from collections.abc import Callable, Iterable

import python_calamine as calamine

from etl.readers.model import OLE_MAGIC, ZIP_MAGIC, Cell, column_number

Lost = dict[str, dict[tuple[int, int], str]]
"""sheet name → {(row, column), 0-based: the cell's text as Excel shows it}"""

_SHEET = re.compile(rb"<sheet\b[^>]*>")
_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REF = re.compile(rb"([A-Z]{1,3})(\d+)")
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>([^<]*)</f>)")
_VALUE = re.compile(rb"<v>([^<]+)</v>")
_ERROR_VALUE = re.compile(rb"<v>(#[A-Z0-9_/!?]+)</v>")


def _attrs(tag: bytes) -> dict[bytes, bytes]:
    return {k.split(b":")[-1]: v for k, v in _ATTR.findall(tag)}


def _position(ref: bytes) -> tuple[int, int] | None:
    m = _REF.fullmatch(ref)
    if m is None:
        return None
    return int(m.group(2)) - 1, column_number(m.group(1)) - 1


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name → its part in the zip."""
    try:
        workbook, rels = z.read("xl/workbook.xml"), z.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for tag in _RELATIONSHIP.findall(rels):
        a = _attrs(tag)
        target = a.get(b"Target", b"").decode()
        targets[a.get(b"Id")] = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    parts = {}
    for tag in _SHEET.findall(workbook):
        a = _attrs(tag)
        if (part := targets.get(a.get(b"id"))) is not None and b"name" in a:
            parts[html.unescape(a[b"name"].decode())] = posixpath.normpath(part)
    return parts


def _cells(xml: bytes, marker: bytes) -> Iterable[tuple[bytes, bytes]]:
    """(opening tag, content) of every cell whose XML contains `marker`."""
    at = xml.find(marker)
    while at >= 0:
        start = xml.rfind(b"<c ", 0, at)
        close = xml.find(b">", start) if start >= 0 else -1
        end = close if close < 0 or xml[close - 1] == 0x2F else xml.find(b"</c>", close)  # 0x2F: "/>"
        if start >= 0 and start < at < end:
            yield xml[start : close + 1], xml[close + 1 : end]
        at = xml.find(marker, max(end, at + 1))


def _lost_in_sheet(xml: bytes) -> dict[tuple[int, int], str]:
    lost: dict[tuple[int, int], str] = {}
    if b't="e"' in xml:
        for tag, content in _cells(xml, b't="e"'):
            a = _attrs(tag)
            if a.get(b"t") == b"e" and (pos := _position(a.get(b"r", b""))) and (v := _VALUE.search(content)):
                lost[pos] = html.unescape(v.group(1).decode())
    if b"<f" in xml:
        shared: dict[bytes, str] = {}  # a shared formula's text is in its first cell only
        for tag, content in _cells(xml, b"<f"):
            f = _FORMULA.match(content)
            if f is None:
                continue
            text = html.unescape((f.group(1) or b"").decode())
            si = _attrs(f.group(0)).get(b"si")
            if si is not None:
                text = shared.setdefault(si, text) if text else shared.get(si, "")
            a = _attrs(tag)
            if a.get(b"t") in (b"e", b"str", b"inlineStr") or _VALUE.search(content):
                continue  # computed (an empty text result is t="str" with an empty <v>)
            if (pos := _position(a.get(b"r", b""))) is not None:
                lost[pos] = "=" + (text or "?")
    return lost


_ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError, EOFError, NotImplementedError)


class WorkbookCells:
    """One workbook's sheets as calamine reads them, with the lost cells put back.

    `sheet(name)`: calamine's sheet, from a copy of the file in which error values calamine
    refuses read as #N/A when it refuses the original. `restore(name, grid)`: the lost cells
    written into the sheet's text grid. The file is only looked into for a sheet whose grid has
    an empty cell in a row that holds something else (a full sheet has nothing lost: no cost).
    """

    def __init__(self, data: bytes, workbook: calamine.CalamineWorkbook) -> None:
        self.data = data
        self.workbook = workbook
        self._zip: zipfile.ZipFile | None = None
        self._parts: dict[str, str] | None = None
        self._xls: Lost | None = None
        self._patched: calamine.CalamineWorkbook | None = None

    def sheet(self, name: str) -> calamine.CalamineSheet:
        try:
            return self.workbook.get_sheet_by_name(name)
        except calamine.CalamineError as exc:
            if "error value" not in str(exc) or (patched := self._patched_workbook()) is None:
                raise
            return patched.get_sheet_by_name(name)

    def restore(self, name: str, grid: list[list[Cell]]) -> None:
        if any(None in row and row.count(None) < len(row) for row in grid):
            restore(grid, self._lost(name))

    def _lost(self, name: str) -> dict[tuple[int, int], str]:
        if self.data[:8] == OLE_MAGIC:
            if self._xls is None:
                try:
                    self._xls = lost_xls_cells(self.data)
                except (ValueError, IndexError, struct.error):
                    self._xls = {}  # not a workbook we can walk: calamine's reading stands
            return self._xls.get(name, {})
        xml = self._sheet_xml(name)
        return _lost_in_sheet(xml) if xml is not None else {}

    def _open_zip(self) -> tuple[zipfile.ZipFile, dict[str, str]]:
        """The .xlsx as a zip and its worksheets' parts by sheet name (raises one of _ZIP_ERRORS)."""
        if self._zip is None or self._parts is None:
            self._zip = zipfile.ZipFile(io.BytesIO(self.data))
            self._parts = _sheet_parts(self._zip)
        return self._zip, self._parts

    def _sheet_xml(self, name: str) -> bytes | None:
        try:
            z, parts = self._open_zip()
            part = parts.get(name)
            return z.read(part) if part in z.NameToInfo else None
        except _ZIP_ERRORS:
            return None

    def _patched_workbook(self) -> calamine.CalamineWorkbook | None:
        """The workbook with every error value calamine does not know made #N/A (None: not an .xlsx)."""
        if self._patched is None and self.data[:4] == ZIP_MAGIC:
            try:
                z, parts = self._open_zip()
                sheets = set(parts.values())
                out = io.BytesIO()
                with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
                    for info in z.infolist():
                        data = z.read(info.filename)
                        copy = zipfile.ZipInfo(info.filename, info.date_time)  # writestr() changes the info it is given
                        w.writestr(copy, _ERROR_VALUE.sub(_known_error, data) if info.filename in sheets else data)
                self._patched = calamine.CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue()))
            except (*_ZIP_ERRORS, calamine.CalamineError):
                return None
        return self._patched


# --- .xls (BIFF8 in an OLE compound file) -----------------------------------------------------

BIFF_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!"}
BIFF_ERRORS |= {0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
# Error values calamine reads (as "") — the same eight; any other one makes it refuse the sheet.
CALAMINE_ERRORS = frozenset(BIFF_ERRORS.values())
_END_OF_CHAIN = 0xFFFFFFFE
# A cell holding an error: BOOLERR (0x0205, length 8) with fError = 1, or FORMULA (0x0006) whose
# cached result is an error (result bytes: 02 00 code 00 00 00 FF FF). Looked for before walking.
_BIFF_ERROR_HINT = re.compile(
    rb"\x05\x02\x08\x00.{6}.\x01|\x06\x00..(?s:.{6})\x02.[\x00-\x2b]\x00\x00\x00\xff\xff", re.S
)


def _ole_stream(data: bytes, names: tuple[str, ...]) -> bytes | None:
    """The first of the streams `names` in the OLE compound file `data` (None if it has none)."""
    size = 1 << struct.unpack_from("<H", data, 30)[0]
    mini_size = 1 << struct.unpack_from("<H", data, 32)[0]
    n_fat, first_dir = struct.unpack_from("<II", data, 44)
    cutoff, first_mini_fat, _, first_difat = struct.unpack_from("<IIII", data, 56)

    def sector(i: int) -> bytes:
        return data[(i + 1) * size : (i + 2) * size]

    difat = list(struct.unpack_from("<109I", data, 76))
    while first_difat < _END_OF_CHAIN and len(difat) < n_fat + 109:
        block = struct.unpack(f"<{size // 4}I", sector(first_difat))
        difat += block[:-1]
        first_difat = block[-1]
    fat = array.array("I", b"".join(sector(i) for i in difat[:n_fat]))

    def chain(start: int, table: array.array, read: Callable[[int], bytes]) -> bytes:
        parts, seen = [], set()
        while start < _END_OF_CHAIN and start not in seen and start < len(table):
            seen.add(start)
            parts.append(read(start))
            start = table[start]
        return b"".join(parts)

    directory = chain(first_dir, fat, sector)
    entries = {}
    for off in range(0, len(directory) - 127, 128):
        name_len, kind = struct.unpack_from("<HB", directory, off + 64)
        name = directory[off : off + max(name_len - 2, 0)].decode("utf-16-le", errors="replace")
        start, length = struct.unpack_from("<IQ", directory, off + 116)
        entries[name] = (kind, start, length & 0xFFFFFFFF if size == 512 else length)
    for name in names:
        if name in entries and entries[name][0] == 2:
            _, start, length = entries[name]
            if length >= cutoff:
                return chain(start, fat, sector)[:length]
            root = next(e for e in entries.values() if e[0] == 5)
            mini_stream = chain(root[1], fat, sector)
            mini_fat = array.array("I", chain(first_mini_fat, fat, sector))
            return chain(start, mini_fat, functools.partial(_slice, mini_stream, mini_size))[:length]
    return None


def _slice(data: bytes, size: int, i: int) -> bytes:
    return data[i * size : (i + 1) * size]


def lost_xls_cells(data: bytes) -> Lost:
    """Error cells of every worksheet of the .xls `data` (a formula's result is always saved in .xls)."""
    stream = _ole_stream(data, ("Workbook", "Book"))
    if stream is None or not _BIFF_ERROR_HINT.search(stream):
        return {}
    sheets: list[tuple[int, str]] = []
    pos = 0
    while pos + 4 <= len(stream):
        typ, length = struct.unpack_from("<HH", stream, pos)
        if typ == 0x0085:  # BOUNDSHEET: offset of the sheet's BOF, visibility, type, name
            offset, cch, flags = struct.unpack_from("<I2xBB", stream, pos + 4)
            raw = stream[pos + 12 : pos + 4 + length]
            name = raw[: cch * 2].decode("utf-16-le") if flags & 1 else raw[:cch].decode("latin-1")
            sheets.append((offset, name))
        elif typ == 0x000A:  # EOF of the workbook globals
            break
        pos += 4 + length
    lost: Lost = {}
    for offset, name in sheets:
        cells: dict[tuple[int, int], str] = {}
        pos = offset
        while pos + 4 <= len(stream):
            typ, length = struct.unpack_from("<HH", stream, pos)
            if typ == 0x000A:
                break
            if typ == 0x0205 and length >= 8 and stream[pos + 11] == 1:
                row, col = struct.unpack_from("<HH", stream, pos + 4)
                cells[row, col] = BIFF_ERRORS.get(stream[pos + 10], "#N/A")
            elif typ == 0x0006 and length >= 20:
                row, col = struct.unpack_from("<HH", stream, pos + 4)
                result = stream[pos + 10 : pos + 18]
                if result[6:] == b"\xff\xff" and result[0] == 2:
                    cells[row, col] = BIFF_ERRORS.get(result[2], "#N/A")
            pos += 4 + length
        if cells:
            lost[name] = cells
    return lost


def _known_error(m: re.Match[bytes]) -> bytes:
    return m.group(0) if m.group(1).decode() in CALAMINE_ERRORS else b"<v>#N/A</v>"


def restore(grid: list[list[Cell]], lost: dict[tuple[int, int], str] | None) -> None:
    """Write the `lost` cells into `grid` (calamine's rows, from A1), in rows that hold anything else."""
    if not lost:
        return
    rows: dict[int, list[tuple[int, str]]] = {}
    for (r, c), text in lost.items():
        rows.setdefault(r, []).append((c, text))
    for r, cells in rows.items():
        if r >= len(grid) or all(v is None for v in grid[r]):
            continue
        row = grid[r]
        for c, text in cells:
            if c >= len(row):
                row.extend([None] * (c + 1 - len(row)))
            if row[c] is None:
                row[c] = text
