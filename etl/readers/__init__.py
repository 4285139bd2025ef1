"""Structural reading of report files: find each sheet's kind, header, data rows and row numbers.

`read_file(path)` (here) turns a workbook (.xlsx/.xlsm/.xls, read with python-calamine) or a CSV
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
from collections.abc import Iterable
from pathlib import Path

from core.contract import KINDS
from core.settings import limits
from etl.readers.bounds import check_csv, check_workbook
from etl.readers.delimited import detect_encoding, read_csv
from etl.readers.excel import cell_text, read_workbook
from etl.readers.headers import header_key, is_unit_cell
from etl.readers.model import SUPPORTED_SUFFIXES, Cell, FileRead, Note, ReadError, Sheet

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Cell",
    "FileRead",
    "Note",
    "ReadError",
    "Sheet",
    "cell_text",
    "detect_encoding",
    "header_key",
    "is_unit_cell",
    "iter_report_files",
    "read_file",
]


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
        lim = limits()
        if suffix == ".csv":
            check_csv(data, lim)  # before anything expands the file
        else:
            check_workbook(data, lim)
        if suffix == ".csv":
            read_csv(path, data, result)
        else:
            read_workbook(path, data, result)
    except (csv.Error, ReadError) as exc:  # csv.Error: e.g. a field over the csv module's limit, a NUL byte
        result.error = (
            str(exc) if isinstance(exc, ReadError) else f"CSV 文件无法解析：{exc} / the CSV cannot be parsed: {exc}"
        )
        result.sheets = []
        return result
    hidden = "、".join(n.sheet or "" for n in result.notes if n.code == "hidden_sheet")
    if not result.sheets and hidden:
        result.error = (
            f"报表只在隐藏的工作表中（{hidden}），隐藏工作表不装载，请取消隐藏后重新报送"
            f" / the report is only on hidden sheets ({hidden}): unhide it and send the file again"
        )
    elif not result.sheets:
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
