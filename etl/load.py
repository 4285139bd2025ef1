"""Load report files into the warehouse: one writer per call, one transaction per file.

For each file: skip it when the same bytes were loaded before (sha256), else read it. Files are
typed and checked in batches (`etl.validate.stage`, one query per kind for up to BATCH_FILES
files: planning that query costs more than running it on a small sheet). Then each file, in
its own transaction: broken rows into `etl_quarantine` with their reasons, good rows
delete-then-insert by the kind's natural key, in bulk, and a row in `etl_load`. Any error
inside a file rolls back that file alone and records it as rejected.
For every file, rows_read = rows_loaded + rows_quarantined.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from core import incidents
from core.contract import Kind
from core.sql import compose, ident, join, qualified
from etl.normalize import Registry
from etl.readers import FileRead, iter_report_files, read_file
from etl.validate import SheetFrame, stage
from etl.warehouse import DEFAULT_DB, LINEAGE, Waiting, stored_columns, writer

STATUSES = ("loaded", "partial", "rejected", "unchanged")
COUNTS = ("rows_read", "rows_loaded", "rows_replaced", "rows_quarantined")


@dataclass
class FileResult:
    """The load result of one file — the one format the CLI (--json), load_log, the upload page
    and the 数据 page show (docs/loading.md).

    status: one of STATUSES; counts: rows_read = rows_loaded + rows_quarantined, rows_replaced
    of those loaded; message: what happened, Chinese / English, with the first problem;
    reasons: the distinct reasons rows were set aside, with how many rows each ({reason, rows});
    notes: what the reader did that the sender should hear about ({code, sheet, text,
    loses_data}: a note that loses data makes the file `partial`); sheets_skipped: sheets not
    loaded and why ({sheet, reason}).
    """

    path: Path
    status: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_replaced: int = 0
    rows_quarantined: int = 0
    message: str = ""
    reasons: list[dict[str, object]] = field(default_factory=list)
    notes: list[dict[str, object]] = field(default_factory=list)
    sheets_skipped: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "path": str(self.path)}


def sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


@dataclass
class _Pending:
    """A file read and waiting for its batch to be staged."""

    index: int  # position in the call's file list
    name: str  # the resolved path, as stored
    digest: str
    read: FileRead


def load_paths(
    paths: list[Path],
    db: Path = DEFAULT_DB,
    today: date | None = None,
    progress: Callable[[Path], None] | None = None,
    on_wait: Callable[[Waiting], None] | None = None,
) -> list[FileResult]:
    """Load report files (and folders, recursively) into the warehouse at `db`; one result per file.

    All files go into one new version of the warehouse, swapped in when the last one is done;
    each file is its own transaction inside it. `today` is the load date (no month or date after
    it is accepted); `progress` is called with each file's path when that file is done;
    `on_wait` while another load holds the warehouse (see etl.warehouse.writer).
    Raises WarehouseError if `db` cannot be opened.
    """
    files = iter_report_files([Path(p) for p in paths])
    today = today or date.today()
    results: dict[int, FileResult] = {}

    def done(i: int, result: FileResult) -> None:
        results[i] = result
        if progress is not None:
            progress(files[i])

    with writer(db, on_wait=on_wait, what=f"load of {len(files)} files") as con:
        registry = Registry.from_connection(con)
        batch: list[_Pending] = []
        for i, path in enumerate(files):
            digest = _digest_or_none(path)
            if digest is not None and any(p.digest == digest for p in batch):
                _flush(con, batch, today, registry, done, db)  # an identical file waits: settle the first one
                batch = []
            pending = _prepare(con, i, path, digest, done, db)
            if pending is None:
                continue
            batch.append(pending)
            if sum(len(s.frame) for p in batch for s in p.read.sheets) >= BATCH_ROWS or len(batch) >= BATCH_FILES:
                _flush(con, batch, today, registry, done, db)
                batch = []
        _flush(con, batch, today, registry, done, db)
    return [results[i] for i in range(len(files))]


BATCH_ROWS = 200_000  # rows staged in one pass (memory), or
BATCH_FILES = 50  # files staged in one pass (one query plan per kind serves them all; the progress bar moves per batch)


def _digest_or_none(path: Path) -> str | None:
    try:
        return sha256(path)
    except OSError:
        return None


def _prepare(
    con: duckdb.DuckDBPyConnection,
    i: int,
    path: Path,
    digest: str | None,
    done: Callable[[int, FileResult], None],
    db: Path | None = None,
) -> _Pending | None:
    """Read one file; settle it at once when it is unchanged or unreadable (None then)."""
    name = str(Path(path).resolve())
    if digest is None:
        done(i, _reject(con, name, "", 0, "无法读取文件 / cannot read the file"))
        return None
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
        done(i, result)
        return None
    try:
        read = read_file(Path(path))
    except Exception:  # a reader fault (not ReadError): this file alone is rejected
        incident = incidents.record(f"reading {name}", db)
        done(
            i,
            _reject(
                con, name, digest, 0, f"读取文件时出错 / the file could not be read: {incidents.user_message(incident)}"
            ),
        )
        return None
    if read.error or not read.sheets:
        ignored = f"（{'、'.join(read.ignored_sheets)}）" if read.ignored_sheets else ""
        reason = read.error or f"未找到可识别的报表{ignored} / no report sheet recognised"
        done(i, _reject(con, name, digest, 0, reason, read))
        return None
    return _Pending(i, name, digest, read)


def _flush(
    con: duckdb.DuckDBPyConnection,
    batch: list[_Pending],
    today: date,
    registry: Registry,
    done: Callable[[int, FileResult], None],
    db: Path | None = None,
) -> None:
    """Stage a batch of read files (one pass per kind), then apply each file in its own transaction."""
    if not batch:
        return
    kinds: dict[str, tuple[Kind, list[SheetFrame]]] = {}
    for file_no, p in enumerate(batch):
        for sheet in p.read.sheets:
            kinds.setdefault(sheet.kind.name, (sheet.kind, []))[1].append(
                (file_no, sheet.name, sheet.frame, sheet.original_keys)
            )
    try:
        for kind, sheets in kinds.values():
            stage(con, kind, sheets, today, registry, table=_staged(kind))
    except Exception:  # something in one file broke the shared pass: stage them one by one
        if len(batch) > 1:
            for p in batch:
                _flush(con, [p], today, registry, done, db)
            return
        rows_read = sum(len(s.frame) for s in batch[0].read.sheets)
        incident = incidents.record(f"checking {batch[0].name}", db)
        msg = f"装载出错，整个文件未写入 / load failed, nothing from this file was written: {incidents.user_message(incident)}"
        done(batch[0].index, _reject(con, batch[0].name, batch[0].digest, rows_read, msg, batch[0].read))
        return
    try:
        for file_no, p in enumerate(batch):
            own = {s.kind.name: s.kind for s in p.read.sheets}
            done(p.index, _apply_file(con, p, file_no, list(own.values()), db))
    finally:
        for kind, _ in kinds.values():
            con.execute(compose("DROP TABLE IF EXISTS {t}", t=ident(_staged(kind))))


def _staged(kind: Kind) -> str:
    return f"_staged_{kind.name}"


def _apply_file(
    con: duckdb.DuckDBPyConnection, p: _Pending, file_no: int, kinds: list[Kind], db: Path | None = None
) -> FileResult:
    """Quarantine and upsert one staged file, in its own transaction; any error rejects it whole."""
    rows_read = sum(len(s.frame) for s in p.read.sheets)
    result = FileResult(Path(p.name), "loaded", rows_read=rows_read, **_read_findings(p.read))
    first_problem = None
    con.execute("BEGIN TRANSACTION")
    try:
        load_id = _next_id(con)
        for kind in kinds:
            loaded, replaced, quarantined = _apply(con, kind, load_id, p.name, file_no)
            result.rows_loaded += loaded
            result.rows_replaced += replaced
            result.rows_quarantined += quarantined
            if quarantined and first_problem is None:
                first_problem = con.execute(
                    compose(
                        "SELECT _sheet, _row, _reason FROM {staged} "
                        "WHERE _file_no = $f AND _reason IS NOT NULL ORDER BY _row LIMIT 1",
                        staged=ident(_staged(kind)),
                    ),
                    {"f": file_no},
                ).fetchall()[0]
            if quarantined:
                result.reasons += _reasons(con, kind, file_no)
        result.status, result.message = _outcome(result, p.read, first_problem)
        _log(con, load_id, p.digest, result)
        con.execute("COMMIT")
        return result
    except Exception:  # any failure rejects this file alone, with its reason
        con.execute("ROLLBACK")
        incident = incidents.record(f"writing {p.name}", db)
        msg = f"装载出错，整个文件未写入 / load failed, nothing from this file was written: {incidents.user_message(incident)}"
        return _reject(con, p.name, p.digest, rows_read, msg, p.read)


def _apply(con: duckdb.DuckDBPyConnection, kind: Kind, load_id: int, file: str, file_no: int) -> tuple[int, int, int]:
    """Quarantine one file's staged bad rows of `kind`, upsert its good ones; (loaded, replaced, quarantined)."""
    staged = ident(_staged(kind))
    p = {"load_id": load_id, "file": file, "f": file_no}
    quarantined = con.execute(
        compose(
            "INSERT INTO etl_quarantine (load_id, file, sheet, row_number, kind, original, reason) "
            "SELECT $load_id, $file, _sheet, _row, $kind, _original, _reason FROM {staged} "
            "WHERE _file_no = $f AND _reason IS NOT NULL",
            staged=staged,
        ),
        {**p, "kind": kind.name},
    ).fetchall()[0][0]
    table = ident(kind.table)
    match = join((compose("{t} = {s}", t=qualified("t", k), s=qualified("s", k)) for k in kind.key), " AND ")
    replaced = con.execute(
        compose(
            "DELETE FROM {table} AS t USING {staged} AS s WHERE s._file_no = $f AND s._reason IS NULL AND {match}",
            table=table,
            staged=staged,
            match=match,
        ),
        {"f": file_no},
    ).fetchall()[0][0]
    data = [ident(n) for n, _ in stored_columns(kind) if n not in LINEAGE]
    loaded = con.execute(
        compose(
            "INSERT INTO {table} ({cols}) SELECT {data}, $load_id, $file, _sheet, _row FROM {staged} "
            "WHERE _file_no = $f AND _reason IS NULL",
            table=table,
            cols=join([*data, *(ident(n) for n in LINEAGE)]),
            data=join(data),
            staged=staged,
        ),
        p,
    ).fetchall()[0][0]
    return loaded, replaced, quarantined


def _outcome(result: FileResult, read: FileRead, first_problem: tuple | None) -> tuple[str, str]:
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
    lost = [n for n in result.notes if n["loses_data"]]
    if lost and status == "loaded":
        status = "partial"
    if lost:
        msg += f"；{len(lost)} 处填报内容未装载（见说明）/ {len(lost)} filled-in columns not loaded (see notes)"
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


MAX_REASONS = 20  # distinct quarantine reasons listed per file (all rows stay in `quarantine`)


def _reasons(con: duckdb.DuckDBPyConnection, kind: Kind, file_no: int) -> list[dict[str, object]]:
    """The distinct reasons one file's rows of `kind` were set aside, most rows first."""
    rows = con.execute(
        compose(
            "SELECT _reason, COUNT(*) AS n FROM {staged} WHERE _file_no = $f AND _reason IS NOT NULL "
            "GROUP BY _reason ORDER BY n DESC, min(_row) LIMIT $most",
            staged=ident(_staged(kind)),
        ),
        {"f": file_no, "most": MAX_REASONS},
    ).fetchall()
    return [{"reason": reason, "rows": n} for reason, n in rows]


def _read_findings(read: FileRead | None) -> dict[str, list]:
    """The reader's notes and the sheets it skipped, in the load result's format."""
    if read is None:
        return {"notes": [], "sheets_skipped": []}
    return {"notes": [n.as_dict() for n in read.all_notes], "sheets_skipped": read.sheets_skipped}


def _log(con: duckdb.DuckDBPyConnection, load_id: int, digest: str, r: FileResult) -> None:
    con.execute(
        "INSERT INTO etl_load (load_id, path, sha256, loaded_at, status, rows_read, rows_loaded, rows_replaced, "
        "rows_quarantined, message, notes, sheets_skipped) "
        "VALUES ($id, $path, $sha, $at, $status, $read, $loaded, $replaced, $q, $msg, $notes, $skipped)",
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
            "notes": json.dumps(r.notes, ensure_ascii=False) if r.notes else None,
            "skipped": json.dumps(r.sheets_skipped, ensure_ascii=False) if r.sheets_skipped else None,
        },
    )


def _reject(
    con: duckdb.DuckDBPyConnection, file: str, digest: str, rows_read: int, reason: str, read: FileRead | None = None
) -> FileResult:
    """Record a whole file as rejected: one quarantine row (row_number NULL) and its log row."""
    result = FileResult(
        Path(file),
        "rejected",
        rows_read=rows_read,
        rows_quarantined=rows_read,
        message=reason,
        reasons=[{"reason": reason, "rows": rows_read}],
        **_read_findings(read),
    )
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
