"""Load report files into the warehouse: one writer per call, one transaction per file.

For each file: skip it when the same bytes were loaded before (sha256); read it; type and
check every sheet (`etl.validate.stage`); put broken rows in `etl_quarantine` with their
reasons; delete-then-insert the good rows by the kind's natural key, in bulk; log the file in
`etl_load`. Any error inside a file rolls back that file alone and records it as rejected.
For every file, rows_read = rows_loaded + rows_quarantined.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from etl.contract import Kind
from etl.normalize import Registry, ident
from etl.validate import stage
from etl.warehouse import DEFAULT_DB, LINEAGE, stored_columns, writer

STATUSES = ("loaded", "partial", "rejected", "unchanged")
COUNTS = ("rows_read", "rows_loaded", "rows_replaced", "rows_quarantined")


@dataclass
class FileResult:
    """What happened to one file (status is one of STATUSES)."""

    path: Path
    status: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_replaced: int = 0
    rows_quarantined: int = 0
    message: str = ""

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "path": str(self.path)}


def sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def load_paths(
    paths: list[Path],
    db: Path = DEFAULT_DB,
    today: date | None = None,
    progress: Callable[[Path], None] | None = None,
) -> list[FileResult]:
    """Load report files (and folders, recursively) into the warehouse at `db`.

    All files go into one new version of the warehouse, swapped in when the last one is done.
    `today` is the load date (no month or date after it is accepted); `progress` is called with
    each file's path as soon as that file is done. Raises WarehouseError if `db` cannot be opened.
    """
    from etl.readers import iter_report_files

    files = iter_report_files([Path(p) for p in paths])
    today = today or date.today()
    results = []
    with writer(db) as con:
        registry = Registry.from_connection(con)
        for path in files:
            results.append(load_file(con, path, today, registry))
            if progress is not None:
                progress(path)
    return results


def load_file(con: duckdb.DuckDBPyConnection, path: Path, today: date, registry: Registry) -> FileResult:
    """Load one file through an open writer connection, in its own transaction."""
    from etl.readers import read_file

    name = str(Path(path).resolve())
    try:
        digest = sha256(path)
    except OSError as e:
        return _reject(con, name, "", 0, f"无法读取文件 / cannot read the file: {e}")
    earlier = con.execute(
        "SELECT load_id, strftime(loaded_at, '%Y-%m-%d %H:%M') FROM etl_load "
        "WHERE sha256 = $sha AND status IN ('loaded', 'partial') ORDER BY load_id LIMIT 1",
        {"sha": digest},
    ).fetchall()
    if earlier:
        load_id, at = earlier[0]
        msg = f"与第 {load_id} 次装载（{at}）内容相同，未重复写入 / same content as load {load_id} ({at}), nothing written"
        result = FileResult(Path(name), "unchanged", message=msg)
        _log(con, _next_id(con), digest, result)
        return result

    read = read_file(Path(path))
    if read.error:
        return _reject(con, name, digest, 0, read.error)
    if not read.sheets:
        ignored = f"（{'、'.join(read.ignored_sheets)}）" if read.ignored_sheets else ""
        return _reject(con, name, digest, 0, f"未找到可识别的报表{ignored} / no report sheet recognised")

    rows_read = sum(len(s.frame) for s in read.sheets)
    con.execute("BEGIN TRANSACTION")
    try:
        load_id = _next_id(con)
        result = FileResult(Path(name), "loaded", rows_read=rows_read)
        first_problem = None
        kinds: dict[str, tuple[Kind, list]] = {}
        for sheet in read.sheets:
            kinds.setdefault(sheet.kind.name, (sheet.kind, []))[1].append((sheet.name, sheet.frame))
        for kind, sheets in kinds.values():
            stage(con, kind, sheets, today, registry)
            loaded, replaced, quarantined = _apply(con, kind, load_id, name)
            result.rows_loaded += loaded
            result.rows_replaced += replaced
            result.rows_quarantined += quarantined
            if quarantined and first_problem is None:
                first_problem = con.execute(
                    "SELECT _sheet, _row, _reason FROM _staged WHERE _reason IS NOT NULL ORDER BY _row LIMIT 1"
                ).fetchall()[0]
        con.execute("DROP TABLE IF EXISTS _staged")
        result.status, result.message = _outcome(result, read, first_problem)
        _log(con, load_id, digest, result)
        con.execute("COMMIT")
        return result
    except Exception as e:  # noqa: BLE001  (any failure rejects this file alone, with its reason)
        con.execute("ROLLBACK")
        msg = f"装载出错，整个文件未写入 / load failed, nothing from this file was written: {type(e).__name__}: {e}"
        return _reject(con, name, digest, rows_read, msg)


def _apply(con: duckdb.DuckDBPyConnection, kind: Kind, load_id: int, file: str) -> tuple[int, int, int]:
    """Quarantine the staged bad rows, upsert the good ones; (loaded, replaced, quarantined)."""
    p = {"load_id": load_id, "file": file}
    quarantined = con.execute(
        "INSERT INTO etl_quarantine (load_id, file, sheet, row_number, kind, original, reason) "
        "SELECT $load_id, $file, _sheet, _row, $kind, _original, _reason FROM _staged WHERE _reason IS NOT NULL",
        {**p, "kind": kind.name},
    ).fetchall()[0][0]
    table = ident(kind.table)
    match = " AND ".join(f"t.{ident(k)} = s.{ident(k)}" for k in kind.key)
    replaced = con.execute(
        f"DELETE FROM {table} AS t USING _staged AS s WHERE s._reason IS NULL AND {match}"  # noqa: S608
    ).fetchall()[0][0]
    data = [ident(n) for n, _ in stored_columns(kind) if n not in LINEAGE]
    cols = ", ".join([*data, *LINEAGE])
    loaded = con.execute(
        f"INSERT INTO {table} ({cols}) "  # noqa: S608  (identifiers from the contract)
        f"SELECT {', '.join(data)}, $load_id, $file, _sheet, _row FROM _staged WHERE _reason IS NULL",
        p,
    ).fetchall()[0][0]
    return loaded, replaced, quarantined


def _outcome(result: FileResult, read: object, first_problem: tuple | None) -> tuple[str, str]:
    """Status and the bilingual message for a file that went through."""
    r = result
    if r.rows_read == 0:
        status, msg = "loaded", "文件中没有数据行 / no data rows in the file"
    elif r.rows_quarantined == 0:
        status = "loaded"
        msg = f"装载 {r.rows_loaded} 行（替换 {r.rows_replaced} 行）/ loaded {r.rows_loaded} rows ({r.rows_replaced} replaced)"
    elif r.rows_loaded == 0:
        status = "rejected"
        msg = f"全部 {r.rows_quarantined} 行被隔离 / all {r.rows_quarantined} rows quarantined"
    else:
        status = "partial"
        msg = (
            f"装载 {r.rows_loaded} 行（替换 {r.rows_replaced} 行），隔离 {r.rows_quarantined} 行"
            f" / loaded {r.rows_loaded} rows ({r.rows_replaced} replaced), {r.rows_quarantined} quarantined"
        )
    if first_problem is not None:
        sheet, row, reason = first_problem
        msg += f"；例 / e.g. {sheet} 第 {row} 行 / row {row}: {reason}"
    skipped = sum(s.skipped for s in read.sheets)
    if skipped:
        msg += f"；跳过 {skipped} 行（空行、合计等）/ {skipped} rows skipped (blank, totals)"
    if read.ignored_sheets:
        names = "、".join(read.ignored_sheets)
        msg += f"；忽略工作表 {names} / ignored sheets: {names}"
    return status, msg


def _next_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT nextval('etl_load_seq')").fetchall()[0][0]


def _log(con: duckdb.DuckDBPyConnection, load_id: int, digest: str, r: FileResult) -> None:
    con.execute(
        "INSERT INTO etl_load (load_id, path, sha256, loaded_at, status, rows_read, rows_loaded, rows_replaced, "
        "rows_quarantined, message) VALUES ($id, $path, $sha, $at, $status, $read, $loaded, $replaced, $q, $msg)",
        {
            "id": load_id,
            "path": str(r.path),
            "sha": digest,
            "at": datetime.now().replace(microsecond=0),
            "status": r.status,
            "read": r.rows_read,
            "loaded": r.rows_loaded,
            "replaced": r.rows_replaced,
            "q": r.rows_quarantined,
            "msg": r.message,
        },
    )


def _reject(con: duckdb.DuckDBPyConnection, file: str, digest: str, rows_read: int, reason: str) -> FileResult:
    """Record a whole file as rejected: one quarantine row (row_number NULL) and its log row."""
    result = FileResult(Path(file), "rejected", rows_read=rows_read, rows_quarantined=rows_read, message=reason)
    con.execute("BEGIN TRANSACTION")
    load_id = _next_id(con)
    con.execute(
        "INSERT INTO etl_quarantine (load_id, file, sheet, row_number, kind, original, reason) "
        "VALUES ($id, $file, NULL, NULL, NULL, NULL, $reason)",
        {"id": load_id, "file": file, "reason": reason},
    )
    _log(con, load_id, digest, result)
    con.execute("COMMIT")
    return result
