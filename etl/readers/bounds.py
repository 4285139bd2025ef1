"""Refuse a file over the limits of core.settings before anything expands it: a workbook by the
unpacked size of its zip parts (a 4 MB .xlsx can unpack to gigabytes) and the dimension each
worksheet declares, a CSV by its line count, the width of its first lines and its longest line.
Every check reads the file's bytes or its zip directory only, in bounded memory."""

from __future__ import annotations

import io
import re
import zipfile

import numpy as np

from core.settings import Limits
from etl.readers.model import ZIP_MAGIC, ReadError, column_number

_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+[0-9]+:([A-Z]+)([0-9]+)"')


def check_workbook(data: bytes, lim: Limits) -> None:
    """An .xlsx/.xlsm within the limits: unpacked size of all parts, and each worksheet's
    declared dimension (rows, columns). ReadError with the reason otherwise. Not a zip (an .xls,
    a renamed file): nothing to check here, the workbook reader decides."""
    if data[:4] != ZIP_MAGIC:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = z.infolist()
            unpacked = sum(p.file_size for p in parts)
            if unpacked > lim.unpacked_bytes:
                raise ReadError(
                    f"工作簿解压后 {unpacked / 2**20:,.0f} MB，超过上限 {lim.unpacked_bytes / 2**20:,.0f} MB"
                    f" / the workbook unpacks to {unpacked / 2**20:,.0f} MB, over the limit of "
                    f"{lim.unpacked_bytes / 2**20:,.0f} MB"
                )
            for p in parts:
                if p.filename.startswith("xl/worksheets/") and p.filename.endswith(".xml"):
                    with z.open(p) as f:
                        head = f.read(4096)  # the dimension comes first in a worksheet part
                    if m := _DIMENSION.search(head):
                        _check_shape(int(m.group(2)), column_number(m.group(1)), lim, p.filename)
    except zipfile.BadZipFile:
        return  # the workbook reader says why it cannot open it


def _check_shape(rows: int, columns: int, lim: Limits, where: str) -> None:
    if rows > lim.rows:
        raise ReadError(
            f"{where} 有 {rows:,} 行，超过上限 {lim.rows:,} 行 / {rows:,} rows, over the limit of {lim.rows:,}"
        )
    if columns > lim.columns:
        raise ReadError(
            f"{where} 有 {columns:,} 列，超过上限 {lim.columns:,} 列 / {columns:,} columns, over the limit of {lim.columns:,}"
        )


def check_csv(data: bytes, lim: Limits) -> None:
    """A CSV within the limits: lines, the widest of its first lines in fields, its longest
    line (a cell can be no longer). ReadError with the reason otherwise."""
    lines = data.count(b"\n")
    if lines > lim.rows + 1:
        _check_shape(lines, 0, lim, "CSV")
    end = 0
    for _ in range(50):  # the first 50 lines, however long (bytes.find and count are memchr-fast)
        nl = data.find(b"\n", end)
        end = len(data) if nl < 0 else nl + 1
        if nl < 0:
            break
    head = data[:end]
    # a field count by the most common delimiter, counted on bytes: cheap and an upper bound
    widest = max((max(line.count(d) for d in (b",", b"\t", b";")) + 1 for line in head.splitlines()), default=0)
    if widest > lim.columns:
        _check_shape(0, widest, lim, "CSV")
    # a line ends in \n, \r\n or (old Mac) \r alone: the shorter of the two measures is the real one
    longest = longest_line(data, 10) if len(data) > lim.cell_chars * 4 else 0
    if longest > lim.cell_chars * 4:
        longest = min(longest, longest_line(data, 13))
    if longest > lim.cell_chars * 4:  # a UTF-8 character takes up to 4 bytes
        raise ReadError(
            f"CSV 中有一行长达 {longest:,} 字节，单元格最多 {lim.cell_chars:,} 个字符 / a line of {longest:,} bytes: "
            f"a cell holds at most {lim.cell_chars:,} characters"
        )


def longest_line(data: bytes, end: int = 10, chunk: int = 1 << 23) -> int:
    """The longest run of `data` between bytes `end` (10: lines), in bytes, found 8 MiB at a
    time (memory stays bounded)."""
    longest, start = 0, 0  # start: offset where the current line began
    for offset in range(0, len(data), chunk):
        breaks = np.flatnonzero(
            np.frombuffer(data, np.uint8, count=min(chunk, len(data) - offset), offset=offset) == end
        )
        if len(breaks):
            ends = breaks + offset
            longest = max(longest, int(ends[0] - start), int(np.diff(ends).max(initial=0)) - 1)
            start = int(ends[-1]) + 1
    return max(longest, len(data) - start)
