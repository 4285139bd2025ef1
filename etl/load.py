"""Load report files into the warehouse: one writer per call; each file is applied whole or not at all.

For each file: skip it when the same bytes were loaded before (sha256), else read it. The files
of a call are applied in the order of their own dates (the latest 填报日期, else the end of the
period they cover, then the order given), so a folder holding a report and its correction ends
with the correction. Files are typed and checked in batches (`etl.validate.stage`, one query per
kind for up to BATCH_FILES files: planning that query costs more than running it on a small
sheet). Then, per file: broken rows into `etl_quarantine` with their reasons; rows older than
the stored row they would replace, or outside the townships the loader may write, set aside
too; good rows upserted by the kind's natural key, column by column (a value the file leaves
blank is kept, a CLEAR_MARKERS cell clears it; every value changed is recorded in
`etl_correction`); a row in `etl_load`. The files of a batch that share no key do this together
(`_waves`: a file that shares a key with an earlier one goes in a later group), in one
transaction per group with one statement per kind, whether they replace stored rows or not —
what they store is what applying them one by one in report-date order stores. Any error rolls
back its transaction: a shared one is retried file by file, so an error inside a file rejects
that file alone. For every file, rows_read = rows_loaded + rows_quarantined.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import numbers
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from core import incidents
from core.contract import Kind, clearable
from core.sql import Fragment, compose, ident, join, qualified
from etl.normalize import FORMULA_IN_CSV, FORMULA_IN_WORKBOOK, Registry
from etl.readers import FileRead, iter_report_files, read_file
from etl.validate import SheetFrame, stage
from etl.warehouse import DEFAULT_DB, FIRST_REPORTED, LAST_LOAD, LINEAGE, Waiting, data_columns, writer

STATUSES = ("loaded", "partial", "rejected", "unchanged")
COUNTS = ("rows_read", "rows_loaded", "rows_replaced", "rows_quarantined")


# A stored number a file moves by more than half of itself (户数 2,760 → 1,466) is more often a
# slip — the wrong month's sheet, a column shifted — than a correction: the upload preview asks
# to check it before anything is written, and `etl load` says so after.
LARGE_CHANGE = 0.5


def _number(v: object) -> float | None:
    """A change's value as a number (they are kept as text, "1800", or numbers), else None."""
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return None
    return None if isinstance(v, bool) or not isinstance(v, numbers.Number) else float(v)


def is_large_change(old: object, new: object) -> bool:
    """Whether a stored number `old` moves to `new` by more than LARGE_CHANGE of itself (False
    for text, blanks, or a stored 0)."""
    o, n = _number(old), _number(new)
    return o is not None and n is not None and o != 0 and abs(n - o) > LARGE_CHANGE * abs(o)


@dataclass
class FileResult:
    """The load result of one file — the one format the CLI (--json), load_log, the upload page
    and the 数据 page show (docs/loading.md).

    status: one of STATUSES; counts: rows_read = rows_loaded + rows_quarantined, rows_replaced
    of those loaded; message: what happened, Chinese / English, with the first problem;
    reasons: the distinct reasons rows were set aside, with how many rows each ({reason, rows});
    notes: what the reader did that the sender should hear about ({code, sheet, text,
    loses_data}: a note that loses data makes the file `partial`); sheets_skipped: sheets not
    loaded and why ({sheet, reason}); values_changed: stored values this file changed (in rows
    it replaced); changes: the first MAX_CHANGES of them ({kind, key, column, old, new}: what a
    preview shows before the load is confirmed); sheets: per sheet loaded, the kind recognised
    and its counts ({sheet, kind, rows_read, rows_loaded, rows_replaced, rows_quarantined});
    sha256: the file's content hash as the load computed it (hex; None when it could not be read),
    so the audit record need not read the file again; load_id: its row in etl_load (load_log),
    given in the order the files were applied (report-date order, not the order of `paths`): of
    two files changing the same value, the one with the higher load_id holds; None until logged.
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
    values_changed: int = 0
    changes: list[dict[str, object]] = field(default_factory=list)
    sheets: list[dict[str, object]] = field(default_factory=list)
    sha256: str | None = None
    load_id: int | None = None

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


@dataclass(frozen=True)
class Options:
    """How a load treats what it finds (the CLI's and the upload page's choices).

    force: load rows even when they are older than the stored rows they replace (CLI `--force`,
    a confirmation on the upload page); towns: the township codes the loader may write (a
    township user's upload), None for all — a row of another township is set aside; dry_run:
    do everything in a copy of the warehouse and throw it away (the upload preview: the very
    code path of the load, so its counts are what the confirmed load does).
    """

    force: bool = False
    towns: frozenset[str] | None = None
    dry_run: bool = False


def load_paths(
    paths: list[Path],
    db: Path = DEFAULT_DB,
    today: date | None = None,
    progress: Callable[[Path], None] | None = None,
    on_wait: Callable[[Waiting], None] | None = None,
    options: Options = Options(),
) -> list[FileResult]:
    """Load report files (and folders, recursively) into the warehouse at `db`; one result per
    file, in the order of `paths` (folders' files sorted by name).

    All files go into one new version of the warehouse, swapped in when the last one is done
    (never, for a dry run); each file is its own transaction inside it, applied in report-date
    order (`report_date`). `today` is the load date (no month or date after it is accepted);
    `progress` is called with each file's path when that file is done; `on_wait` while another
    load holds the warehouse (see etl.warehouse.writer); `options`: see Options.
    Raises WarehouseError if `db` cannot be opened.
    """
    files = iter_report_files([Path(p) for p in paths])
    today = today or date.today()
    results: dict[int, FileResult] = {}

    def done(i: int, result: FileResult) -> None:
        results[i] = result
        if progress is not None:
            progress(files[i])

    what = f"{'preview' if options.dry_run else 'load'} of {len(files)} files"
    # The marts are refreshed for the rows this call wrote when it is done (etl.warehouse.refresh_marts).
    with writer(db, on_wait=on_wait, what=what, keep=not options.dry_run, marts="loads") as con:
        registry = Registry.from_connection(con)
        pending, repeats, seen, first = [], [], set(), []
        for i, path in enumerate(files):
            digest = _digest_or_none(path)
            if digest is not None and digest in seen:
                repeats.append((i, path, digest))  # settled after its twin is loaded: "unchanged"
                continue
            seen.add(digest)
            first.append((i, path, digest))
        earlier = _earlier_loads(con, [d for _, _, d in first if d is not None])  # one query, not one per file
        for i, path, digest in first:
            if (read := _prepare(con, i, path, digest, done, db, earlier)) is not None:
                pending.append(read)
        if len(pending) > 1:  # one file has no order to find
            pending.sort(key=lambda p: (report_date(p.read), p.index))
        batch: list[_Pending] = []
        for p in pending:
            batch.append(p)
            if sum(len(s.frame) for q in batch for s in q.read.sheets) >= BATCH_ROWS or len(batch) >= BATCH_FILES:
                _flush(con, batch, today, registry, done, db, options)
                batch = []
        _flush(con, batch, today, registry, done, db, options)
        # the files' frames are applied: free them before the writer's exit refreshes the marts
        # (a 1,000,000-row CSV's frame held ~460 MiB through the rebuild of a fresh warehouse)
        pending.clear()
        batch.clear()
        p = read = None  # noqa: F841 (the loops' last file, still holding its frame)
        pa.default_memory_pool().release_unused()
        for i, path, digest in repeats:
            if (read := _prepare(con, i, path, digest, done, db)) is not None:
                _flush(con, [read], today, registry, done, db, options)
    return [results[i] for i in range(len(files))]


BATCH_ROWS = 200_000  # rows staged in one pass (memory), or
# files staged in one pass: one query plan per kind serves them all, and planning is most of a
# small file's staging (the sample county, 531 files: 24.2 s with 50 a batch, 15.5 s with all in one)
BATCH_FILES = 1_000

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2}))?")


def _latest(values: object) -> date | None:
    """The latest date written in cell texts like 2026-11-05, 2026/11/5, 2026年11月5日, 2026-11."""
    best = None
    for text in values:  # type: ignore[attr-defined]
        m = _DATE.search(str(text)) if isinstance(text, str) else None
        if m:
            with contextlib.suppress(ValueError):
                d = date(int(m[1]), int(m[2]), int(m[3] or 1))
                best = d if best is None or d > best else best
    return best


def report_date(read: FileRead) -> date:
    """When a file was written, for the order files are applied in within one load: its latest
    填报日期, else the end of the period of its case lists (sheets whose natural key holds no
    date, whose cases reappear month after month), else date.min; ties keep the order given (a
    "…_更正" copy with the same 填报日期 comes after its original by name). Read from the cell
    texts (common date forms only): it orders files, it decides nothing — whether a row may
    replace a stored one is checked per row on the parsed values."""
    reported = _latest(v for s in read.sheets if "reported_on" in s.frame for v in _distinct(s.frame["reported_on"]))
    period = _latest(
        v
        for s in read.sheets
        if s.kind.period not in s.kind.key and s.kind.period in s.frame
        for v in _distinct(s.frame[s.kind.period])
    )
    return reported or period or date.min


def _distinct(cells: pd.Series) -> list[object]:
    """A column's distinct cell texts (a report has a few dates in 100,000 rows)."""
    return cells.dropna().unique().tolist()


def _digest_or_none(path: Path) -> str | None:
    try:
        return sha256(path)
    except OSError:
        return None


def _earlier_loads(con: duckdb.DuckDBPyConnection, digests: list[str]) -> dict[str, tuple[int, str]]:
    """sha256 → (load_id, loaded at 'YYYY-MM-DD HH:MM') of the first load that wrote those bytes."""
    if not digests:
        return {}
    found = con.execute(
        "SELECT sha256, min(load_id), strftime(arg_min(loaded_at, load_id), '%Y-%m-%d %H:%M') FROM etl_load "
        "WHERE status IN ('loaded', 'partial') AND sha256 IN (SELECT unnest($shas)) GROUP BY sha256",
        {"shas": digests},
    ).fetchall()
    return {sha: (load_id, at) for sha, load_id, at in found}


def _prepare(
    con: duckdb.DuckDBPyConnection,
    i: int,
    path: Path,
    digest: str | None,
    done: Callable[[int, FileResult], None],
    db: Path | None = None,
    earlier: dict[str, tuple[int, str]] | None = None,
) -> _Pending | None:
    """Read one file; settle it at once when it is unchanged or unreadable (None then).
    `earlier`: the earlier loads of the call's digests (`_earlier_loads`), else looked up here."""
    name = str(Path(path).resolve())
    if digest is None:
        done(i, _reject(con, name, "", 0, "无法读取文件 / cannot read the file"))
        return None
    if earlier is None:
        earlier = _earlier_loads(con, [digest])
    if digest in earlier:
        load_id, at = earlier[digest]
        msg = f"与第 {load_id} 次装载（{at}）内容相同，未重复写入 / same content as load {load_id} ({at}), nothing written"
        result = FileResult(Path(name), "unchanged", message=msg, sha256=digest)
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
    options: Options = Options(),
) -> None:
    """Stage a batch of read files (one pass per kind), then apply them group by group
    (`_waves`): the files of a group, which share no key, together in one transaction (its
    statements run once per kind, not once per file). When a shared transaction fails, it is
    rolled back and its files are applied one by one, so a bad file is rejected alone; when the
    shared staging pass fails, each half of the batch is flushed again (a bad file among n is
    found in about 2·log2(n) passes, not n)."""
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
        _csv_wording(con, [k for k, _ in kinds.values()], [n for n, p in enumerate(batch) if _is_csv(p.name)])
        waves = _waves(con, [k for k, _ in kinds.values()], len(batch))
    except Exception:  # something in one file broke the shared pass: each half again, down to the file
        if len(batch) > 1:  # (report-date order kept: the first half is applied before the second)
            half = len(batch) // 2
            _flush(con, batch[:half], today, registry, done, db, options)
            _flush(con, batch[half:], today, registry, done, db, options)
            return
        rows_read = sum(len(s.frame) for s in batch[0].read.sheets)
        incident = incidents.record(f"checking {batch[0].name}", db)
        msg = f"装载出错，整个文件未写入 / load failed, nothing from this file was written: {incidents.user_message(incident)}"
        done(batch[0].index, _reject(con, batch[0].name, batch[0].digest, rows_read, msg, batch[0].read))
        return
    try:
        files = [
            _Staged(file_no, p, load_id)
            for file_no, (p, load_id) in enumerate(zip(batch, _next_ids(con, len(batch)), strict=True))
        ]
        for wave in waves:
            group = [files[n] for n in wave]
            if len(group) > 1 and (results := _apply_files(con, group, db, options)) is not None:
                for f, result in zip(group, results, strict=True):
                    done(f.p.index, result)
                continue
            for f in group:  # (report-date order)
                (result,) = _apply_files(con, [f], db, options)
                done(f.p.index, result)
    finally:
        for kind, _ in kinds.values():
            for name in (_staged(kind), _stored(kind), _stored(kind) + "_ids"):
                con.execute(compose("DROP TABLE IF EXISTS {t}", t=ident(name)))


def _is_csv(name: str) -> bool:
    return Path(name).suffix.lower() == ".csv"


def _csv_wording(con: duckdb.DuckDBPyConnection, kinds: list[Kind], nos: list[int]) -> None:
    """The reasons of the staged rows of CSV files (file numbers `nos`) in a CSV's terms: a
    formula there is text that never had a result, not a workbook to open in Excel and save."""
    if not nos:
        return
    for kind in kinds:
        con.execute(
            compose(
                "UPDATE {staged} SET _reason = replace(replace(_reason, $workbook_zh, $csv_zh), $workbook_en, $csv_en) "
                "WHERE list_contains($nos, _file_no) AND contains(_reason, $workbook_zh)",
                staged=ident(_staged(kind)),
            ),
            {
                "nos": nos,
                "workbook_zh": FORMULA_IN_WORKBOOK[0],
                "csv_zh": FORMULA_IN_CSV[0],
                "workbook_en": FORMULA_IN_WORKBOOK[1],
                "csv_en": FORMULA_IN_CSV[1],
            },
        )


def _staged(kind: Kind) -> str:
    return f"_staged_{kind.name}"


def _stored(kind: Kind) -> str:
    """The temp table of the stored rows of `kind` one file's staged rows would replace (with their
    rowid): found in one scan of the kind's table, which in a province warehouse holds millions of
    rows, then read by every step of that file's upsert (see `_set_aside_older`)."""
    return f"_stored_{kind.name}"


@dataclass(frozen=True)
class _Staged:
    """A file of the batch being applied: its number in the staged tables and its load_id."""

    file_no: int
    p: _Pending
    load_id: int


def _match(kind: Kind, a: str = "t", b: str = "s") -> Fragment:
    return join((compose("{t} = {s}", t=qualified(a, k), s=qualified(b, k)) for k in kind.key), " AND ")


def _waves(con: duckdb.DuckDBPyConnection, kinds: list[Kind], n_files: int) -> list[list[int]]:
    """The staged files (numbers 0 … n_files − 1, in report-date order) in the groups they are
    applied in, one transaction each, group after group: a file goes one group after the last
    group holding an earlier file that shares a key with it (a good row of each: the later file
    replaces the earlier one's row, so it must see it stored). Files of one group share no key,
    so none reads what another writes and applying them together stores what applying them one
    by one in report-date order stores — replacing stored rows included (each row is compared
    with the stored row it replaces, and corrected, as alone)."""
    if n_files <= 1:
        return [list(range(n_files))]
    earlier: dict[int, set[int]] = {}
    for kind in kinds:
        for later, first in con.execute(
            compose(
                "SELECT DISTINCT s._file_no, o._file_no FROM {staged} AS s JOIN {staged} AS o "
                "ON {match} AND o._file_no < s._file_no WHERE s._reason IS NULL AND o._reason IS NULL",
                staged=ident(_staged(kind)),
                match=_match(kind, "o"),
            )
        ).fetchall():
            earlier.setdefault(later, set()).add(first)
    wave: list[int] = []
    for n in range(n_files):
        wave.append(1 + max((wave[e] for e in earlier.get(n, ())), default=-1))
    return [[n for n in range(n_files) if wave[n] == w] for w in range(max(wave) + 1)]


def _next_ids(con: duckdb.DuckDBPyConnection, n: int) -> list[int]:
    """`n` load_ids, in the order the files were sorted (report date)."""
    return sorted(i for (i,) in con.execute("SELECT nextval('etl_load_seq') FROM range($n)", {"n": n}).fetchall())


# The files being applied, as a relation (parameters $nos, $ids, $names: file numbers, load_ids, paths).
_GROUP = Fragment("(SELECT unnest($nos) AS _file_no, unnest($ids) AS _load_id, unnest($names) AS _file)")
# Their own dates (`_file_dates`; parameters $nos, $file_reported, $file_period), as a relation.
_DATES = Fragment(
    "(SELECT unnest($nos) AS _file_no, unnest(CAST($file_reported AS DATE[])) AS file_reported, "
    "unnest(CAST($file_period AS DATE[])) AS file_period)"
)
_IN_GROUP = Fragment("list_contains($nos, s._file_no)")


def _group_params(files: list[_Staged]) -> dict[str, object]:
    return {"nos": [f.file_no for f in files], "ids": [f.load_id for f in files], "names": [f.p.name for f in files]}


def _file_dates(
    con: duckdb.DuckDBPyConnection, kinds: list[Kind], files: list[_Staged]
) -> dict[int, dict[str, date | None]]:
    """Per file number, the file's own dates from its good staged rows: reported_on (the latest
    填报日期 of any sheet) and period_end (the latest date of the period its rows cover)."""
    reported: dict[int, list[date]] = {f.file_no: [] for f in files}
    period: dict[int, list[date]] = {f.file_no: [] for f in files}
    per_kind = []
    for kind in kinds:
        rep = qualified("s", "reported_on") if "reported_on" in kind.names else Fragment("CAST(NULL AS DATE)")
        per_kind.append(
            compose(
                "SELECT s._file_no, max({rep}) AS r, CAST(max({period}) AS DATE) AS e FROM {staged} AS s "
                "WHERE {in_group} AND s._reason IS NULL GROUP BY s._file_no",
                rep=rep,
                period=qualified("s", kind.period),
                staged=ident(_staged(kind)),
                in_group=_IN_GROUP,
            )
        )
    found = con.execute(join(per_kind, " UNION ALL "), {"nos": list(reported)}).fetchall() if per_kind else []
    for n, r, e in found:  # one statement for every kind
        reported[n] += [r] if r else []
        period[n] += [e] if e else []
    return {
        n: {"reported_on": max(reported[n], default=None), "period_end": max(period[n], default=None)} for n in reported
    }


def _apply_files(
    con: duckdb.DuckDBPyConnection, files: list[_Staged], db: Path | None = None, options: Options = Options()
) -> list[FileResult] | None:
    """Quarantine and upsert staged files in one transaction, each under its own load_id and log
    row; one result per file. Several files must share no key (see `_waves`); when their
    transaction fails it is rolled back and None comes back. One file's failure rejects it
    whole (its reason an incident id)."""
    kinds = list({s.kind.name: s.kind for f in files for s in f.p.read.sheets}.values())
    results = {
        f.file_no: FileResult(
            Path(f.p.name),
            "loaded",
            rows_read=sum(len(s.frame) for s in f.p.read.sheets),
            sha256=f.p.digest,
            **_read_findings(f.p.read),
        )
        for f in files
    }
    first_problem: dict[int, tuple] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        dates = _file_dates(con, kinds, files)
        applied = {kind.name: _apply(con, kind, files, dates, options) for kind in kinds}
        for f in files:
            result = results[f.file_no]
            for kind in {s.kind.name: s.kind for s in f.p.read.sheets}.values():
                a = applied[kind.name].get(f.file_no)
                if a is None:
                    continue
                result.rows_loaded += a.loaded
                result.rows_replaced += a.replaced
                result.rows_quarantined += a.quarantined
                result.values_changed += a.values_changed
                result.changes += a.changes[: MAX_CHANGES - len(result.changes)]
                result.sheets += a.sheets
                if a.undated:
                    result.notes.append(_undated_note(kind, a.undated))
                if a.first_problem is not None and f.file_no not in first_problem:
                    first_problem[f.file_no] = a.first_problem
                result.reasons += a.reasons
            result.status, result.message = _outcome(result, f.p.read, first_problem.get(f.file_no))
        _log_all(con, [(f.load_id, f.p.digest, results[f.file_no], dates[f.file_no]) for f in files])
        con.execute("COMMIT")
        return [results[f.file_no] for f in files]
    except Exception:  # any failure rejects this file alone, with its reason
        con.execute("ROLLBACK")
        if len(files) > 1:
            return None  # the caller applies them one by one
        (f,) = files
        incident = incidents.record(f"writing {f.p.name}", db)
        msg = f"装载出错，整个文件未写入 / load failed, nothing from this file was written: {incidents.user_message(incident)}"
        return [_reject(con, f.p.name, f.p.digest, results[f.file_no].rows_read, msg, f.p.read)]


MAX_CHANGES = 20  # changed values listed per file in its result (all are in etl_correction)


@dataclass
class _Applied:
    loaded: int = 0  # rows written: new + replaced
    replaced: int = 0
    quarantined: int = 0
    values_changed: int = 0
    undated: int = 0  # rows replaced with no 填报日期 on one side to compare
    changes: list[dict[str, object]] = field(default_factory=list)
    sheets: list[dict[str, object]] = field(default_factory=list)
    reasons: list[dict[str, object]] = field(default_factory=list)  # see _reasons
    first_problem: tuple | None = None  # (sheet, row, reason) of the first row set aside


def _undated_note(kind: Kind, n: int) -> dict[str, object]:
    by = (
        ("按装载顺序，后装载的为准", "the later load wins")
        if kind.period in kind.key
        else ("按报告期，再按装载顺序判断新旧", "judged by the period the files cover, then by load order")
    )
    return {
        "code": "undated_replace",
        "sheet": None,
        "text": (
            f"{kind.zh}：{n} 行替换了已装载的数据，但本表或原表没有填报日期，{by[0]}"
            f" / {kind.name}: {n} row(s) replace stored ones without a 填报日期 on both sides: {by[1]}"
        ),
        "loses_data": False,
    }


# A row set aside because it is older than the row it would replace: (its date, the stored
# row's date, the file that holds the stored row). Written so the sender knows what to do.
MSG_OLDER = (
    "比已装载的数据旧（本行 %s，已装载 %s，来自 %s），未替换；如确要用此表覆盖，请确认后强制装载（--force）"
    " / older than the stored row (this row %s, stored %s, from %s): not replaced; "
    "to load it anyway, force it (--force)"
)
MSG_OTHER_TOWN = "不属于可上传的乡镇（%s），未装载 / not a township you may upload for (%s): not loaded"


def _row_json(kind: Kind, alias: str = "s") -> Fragment:
    """JSON text of a staged row's values under the contract's Chinese headers (the `original`
    of a row set aside after it was checked)."""
    pairs = [Fragment("'community_code', " + qualified(alias, "community_code"))]
    for name, _ in data_columns(kind)[1:]:
        zh = kind.column(name).zh.replace("'", "''")
        pairs.append(compose("'" + zh + "', CAST({c} AS VARCHAR)", c=qualified(alias, name)))
    return compose("CAST(json_object({pairs}) AS VARCHAR)", pairs=join(pairs))


def _apply(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    files: list[_Staged],
    dates: dict[int, dict[str, date | None]],
    options: Options,
) -> dict[int, _Applied]:
    """Set aside the files' rows of `kind` that may not be written, quarantine every bad row,
    then upsert the good ones column by column and record each value changed; per file number
    that has rows of `kind`, what was done. The files share no key (`_waves`): each stored row
    is replaced by one file's row at most."""
    staged, table = ident(_staged(kind)), ident(kind.table)
    g = _group_params(files)
    nos = {"nos": g["nos"]}
    match = _match(kind)
    if options.towns is not None:
        con.execute(
            compose(
                "UPDATE {staged} AS s SET _reason = printf($msg, $towns_text, $towns_text), "
                "_original = coalesce(_original, {json}) "
                "WHERE {in_group} AND s._reason IS NULL AND s.community_code NOT IN "
                "(SELECT community_code FROM ref_community WHERE list_contains($towns, town_code))",
                staged=staged,
                json=_row_json(kind),
                in_group=_IN_GROUP,
            ),
            nos
            | {"msg": MSG_OTHER_TOWN, "towns": sorted(options.towns), "towns_text": "、".join(sorted(options.towns))},
        )
    dp = _dates_params(files, dates)
    replacing = _set_aside_older(con, kind, dp, options)
    out: dict[int, _Applied] = {}
    for n, sheet, rows, bad, replaced in con.execute(
        compose(
            "SELECT s._file_no, s._sheet, count(*), count(*) FILTER (WHERE s._reason IS NOT NULL), {replaced} "
            "FROM {staged} AS s WHERE {in_group} GROUP BY s._file_no, s._sheet ORDER BY s._file_no, min(s._ord)",
            replaced=compose(
                "count(*) FILTER (WHERE s._reason IS NULL AND EXISTS (SELECT 1 FROM {table} AS t WHERE {match}))",
                table=ident(_stored(kind)),
                match=match,
            )
            if replacing
            else Fragment("0"),
            staged=staged,
            in_group=_IN_GROUP,
        ),
        nos,
    ).fetchall():
        a = out.setdefault(n, _Applied())
        a.sheets.append(
            {"sheet": sheet, "kind": kind.name, "rows_read": rows, "rows_loaded": rows - bad,
             "rows_replaced": replaced, "rows_quarantined": bad}
        )  # fmt: skip
        a.loaded += rows - bad
        a.quarantined += bad
    if replacing:
        for n, undated in con.execute(
            compose(
                "SELECT _file_no, count(*) FROM ({pairs}) WHERE rep_in IS NULL OR rep_stored IS NULL GROUP BY _file_no",
                pairs=_pairs(kind),
            ),
            dp,
        ).fetchall():
            out[n].undated = undated
    if any(a.quarantined for a in out.values()):
        con.execute(
            compose(
                "INSERT INTO etl_quarantine (load_id, file, sheet, row_number, kind, original, reason) "
                "SELECT b._load_id, b._file, s._sheet, s._row, $kind, s._original, s._reason "
                "FROM {staged} AS s JOIN {group} AS b USING (_file_no) WHERE s._reason IS NOT NULL",
                staged=staged,
                group=_GROUP,
            ),
            g | {"kind": kind.name},
        )
        _reasons(con, kind, nos, out)
    if replacing:
        _update(con, kind, files, out)
    data = [ident(n) for n, _ in data_columns(kind)]
    extra_cols, extra_vals = [ident(LAST_LOAD)], [Fragment("b._load_id")]
    if "reported_on" in kind.names:
        extra_cols.append(ident(FIRST_REPORTED))
        extra_vals.append(qualified("s", "reported_on"))
    con.execute(
        compose(
            "INSERT INTO {table} ({cols}) SELECT {data}, b._load_id, b._file, s._sheet, s._row, {extra} "
            "FROM {staged} AS s JOIN {group} AS b USING (_file_no) WHERE s._reason IS NULL{new}",
            table=table,
            cols=join([*data, *(ident(n) for n in LINEAGE), *extra_cols]),
            data=join(qualified("s", n) for n, _ in data_columns(kind)),
            extra=join(extra_vals),
            staged=staged,
            group=_GROUP,
            new=compose(
                " AND NOT EXISTS (SELECT 1 FROM {table} AS t WHERE {match})", table=ident(_stored(kind)), match=match
            )
            if replacing
            else Fragment(""),
        ),
        g,
    )
    return out


def _pairs(kind: Kind) -> Fragment:
    """SELECT of the files' good staged rows of `kind` joined to the stored rows they would
    replace, with both sides' dates and whether the file's row is the older (parameters: see
    `_dates_params`)."""
    rep_in = (
        compose("coalesce({r}, d.file_reported)", r=qualified("s", "reported_on"))
        if ("reported_on" in kind.names)
        else Fragment("d.file_reported")
    )
    rep_stored = (
        compose("coalesce({r}, l.reported_on)", r=qualified("t", "reported_on"))
        if "reported_on" in kind.names
        else Fragment("l.reported_on")
    )
    return compose(
        "SELECT s._file_no, s._row, s._sheet, d.file_period, {rep_in} AS rep_in, {rep_stored} AS rep_stored, "
        "l.period_end, l.path, "
        "CASE WHEN {rep_in} IS NOT NULL AND {rep_stored} IS NOT NULL THEN {rep_in} < {rep_stored} "
        "     ELSE {by_period} END AS older "
        "FROM {staged} AS s JOIN {dates} AS d USING (_file_no) JOIN {table} AS t ON {match} "
        "LEFT JOIN etl_load AS l ON l.load_id = coalesce(t.{last}, t.load_id) WHERE s._reason IS NULL",
        rep_in=rep_in,
        rep_stored=rep_stored,
        # A key that holds its period (a month, a date) is the same period on both sides: only
        # a case list's period tells an older file from a newer one.
        by_period=Fragment("false" if kind.period in kind.key else "d.file_period < l.period_end"),
        dates=_DATES,
        staged=ident(_staged(kind)),
        table=ident(_stored(kind)),
        match=_match(kind),
        last=ident(LAST_LOAD),
    )


def _dates_params(files: list[_Staged], dates: dict[int, dict[str, date | None]]) -> dict[str, object]:
    """The parameters of `_DATES` (and `_IN_GROUP`) for `files`."""
    return {
        "nos": [f.file_no for f in files],
        "file_reported": [dates[f.file_no]["reported_on"] for f in files],
        "file_period": [dates[f.file_no]["period_end"] for f in files],
    }


def _set_aside_older(con: duckdb.DuckDBPyConnection, kind: Kind, dp: dict[str, object], options: Options) -> int:
    """How many of the files' good rows of `kind` would replace stored rows (`dp`: `_dates_params`);
    unless forced, those older than the stored row are set aside first (with both dates and the
    stored row's file)."""
    # The stored rows the files' good rows would replace, read by every later step (the set-aside
    # ones among them simply no longer match a good row). Their count is how many good rows
    # replace one: stored keys are unique, and so are a file's good rows' (files of a group share
    # none). Most files replace nothing (a new month): they skip the comparison and correction
    # steps. Found by their key columns alone, then fetched by rowid: one scan of every column
    # of a province's 1.8 M case rows read 450,000 rows' worth, for the few a file replaces.
    ids = ident(_stored(kind) + "_ids")
    replacing = con.execute(
        compose(
            "CREATE OR REPLACE TEMP TABLE {ids} AS SELECT t.rowid AS _rowid FROM {table} AS t "
            "WHERE EXISTS (SELECT 1 FROM {staged} AS s WHERE {in_group} AND s._reason IS NULL AND {match})",
            ids=ids,
            staged=ident(_staged(kind)),
            table=ident(kind.table),
            match=_match(kind),
            in_group=_IN_GROUP,
        ),
        {"nos": dp["nos"]},
    ).fetchall()[0][0]
    if replacing:
        con.execute(
            compose(
                "CREATE OR REPLACE TEMP TABLE {stored} AS SELECT t.rowid AS _rowid, t.* FROM {table} AS t "
                "WHERE t.rowid IN (SELECT _rowid FROM {ids})",
                stored=ident(_stored(kind)),
                table=ident(kind.table),
                ids=ids,
            )
        )
    con.execute(compose("DROP TABLE {ids}", ids=ids))
    if replacing and not options.force:
        con.execute(
            compose(
                "UPDATE {staged} AS s SET _reason = printf($msg, "
                "coalesce(CAST(o.rep_in AS VARCHAR), '报告期 ' || CAST(o.file_period AS VARCHAR)), "
                "coalesce(CAST(o.rep_stored AS VARCHAR), '报告期 ' || CAST(o.period_end AS VARCHAR)), "
                "regexp_extract(o.path, '[^/\\\\]+$'), "
                "coalesce(CAST(o.rep_in AS VARCHAR), 'period ' || CAST(o.file_period AS VARCHAR)), "
                "coalesce(CAST(o.rep_stored AS VARCHAR), 'period ' || CAST(o.period_end AS VARCHAR)), "
                "regexp_extract(o.path, '[^/\\\\]+$')), "
                "_original = coalesce(s._original, {json}) "
                "FROM ({pairs}) AS o WHERE s._file_no = o._file_no AND s._reason IS NULL "
                "AND s._sheet = o._sheet AND s._row = o._row AND o.older",
                staged=ident(_staged(kind)),
                json=_row_json(kind),
                pairs=_pairs(kind),
            ),
            dp | {"msg": MSG_OLDER},
        )
    return replacing


def _update(con: duckdb.DuckDBPyConnection, kind: Kind, files: list[_Staged], out: dict[int, _Applied]) -> None:
    """Update the stored rows the files' good staged rows of `kind` replace, column by column (a
    blank keeps, CLEAR_MARKERS clear), recording every value changed in etl_correction under
    each file's load_id; sets values_changed, changes and replaced of each file's `out`."""
    staged, table, stored = ident(_staged(kind)), ident(kind.table), ident(_stored(kind))
    g = _group_params(files)
    match = join((compose("{t} = {s}", t=qualified("t", k), s=qualified("s", k)) for k in kind.key), " AND ")
    good = compose("{in_group} AND s._reason IS NULL", in_group=_IN_GROUP)
    values = [n for n, _ in data_columns(kind) if n not in kind.key]
    new_value = {
        n: compose(
            "CASE WHEN list_contains(s._cleared, {name}) THEN NULL ELSE coalesce({s}, {t}) END",
            name=Fragment("'" + n + "'"),
            s=qualified("s", n),
            t=qualified("t", n),
        )
        if n in kind.names and clearable(kind, kind.column(n))
        else compose("coalesce({s}, {t})", s=qualified("s", n), t=qualified("t", n))
        for n in values
    }
    key_json = compose(
        "CAST(json_object({pairs}) AS VARCHAR)",
        pairs=join(compose("'" + k + "', CAST({c} AS VARCHAR)", c=qualified("s", k)) for k in kind.key),
    )
    changed = compose(
        "SELECT b._load_id, s.community_code, {key} AS row_key, u.c.name AS column_name, u.c.old AS old_value, "
        "u.c.new AS new_value, s._sheet, s._row "
        "FROM {staged} AS s JOIN {group} AS b USING (_file_no) JOIN {table} AS t ON {match}, "
        "unnest([{structs}]) AS u(c) WHERE {good} AND u.c.old IS DISTINCT FROM u.c.new",
        key=key_json,
        staged=staged,
        group=_GROUP,
        table=stored,
        match=match,
        structs=join(
            compose(
                "{{'name': '" + n + "', 'old': CAST({t} AS VARCHAR), 'new': CAST({v} AS VARCHAR)}}",
                t=qualified("t", n),
                v=new_value[n],
            )
            for n in values
        ),
        good=good,
    )
    con.execute(
        compose(
            "INSERT INTO etl_correction (load_id, kind, community_code, row_key, column_name, old_value, new_value, "
            "source_sheet, source_row) SELECT _load_id, $kind, * EXCLUDE (_load_id) FROM ({changed})",
            changed=changed,
        ),
        g | {"kind": kind.name},
    )
    by_load = {f.load_id: out[f.file_no] for f in files if f.file_no in out}
    ids = {"ids": list(by_load), "kind": kind.name}
    changed_columns: set[str] = set()
    for load_id, column, n in con.execute(
        "SELECT load_id, column_name, count(*) FROM etl_correction WHERE list_contains($ids, load_id) AND kind = $kind "
        "GROUP BY load_id, column_name",
        ids,
    ).fetchall():
        by_load[load_id].values_changed += n
        changed_columns.add(column)
    for load_id, key, col, old, new in con.execute(
        "SELECT load_id, row_key, column_name, old_value, new_value FROM etl_correction "
        "WHERE list_contains($ids, load_id) AND kind = $kind QUALIFY row_number() OVER (PARTITION BY load_id "
        "ORDER BY source_row, source_sheet, column_name, row_key) <= $most "
        "ORDER BY load_id, source_row, source_sheet, column_name, row_key",
        ids | {"most": MAX_CHANGES},
    ).fetchall():
        by_load[load_id].changes.append(
            {"kind": kind.name, "key": json.loads(key), "column": col, "old": old, "new": new}
        )
    for n, replaced in con.execute(
        compose(
            "SELECT s._file_no, count(*) FROM {staged} AS s JOIN {stored} AS t ON {match} WHERE {good} GROUP BY s._file_no",
            staged=staged,
            stored=stored,
            match=match,
            good=good,
        ),
        {"nos": g["nos"]},
    ).fetchall():
        out[n].replaced = replaced
    # Only the columns a value of which changes (in etl_correction now): the others would be set
    # to what they hold, and each column updated costs the CHECKPOINT a rewrite of that column in
    # every row group a replaced row is in — 4 rows of a province's stg_monthly, all 25 value
    # columns: 0.15 s, against 0.015 s in one county's
    sets = [compose("{c} = {v}", c=ident(n), v=new_value[n]) for n in values if n in changed_columns]
    sets.append(compose("{c} = s._load_id", c=ident(LAST_LOAD)))
    con.execute(
        compose(
            "UPDATE {table} AS t SET {sets} FROM (SELECT s.*, b._load_id, t._rowid FROM {staged} AS s "
            "JOIN {group} AS b USING (_file_no) JOIN {stored} AS t ON {match} WHERE {good}) AS s WHERE t.rowid = s._rowid",
            table=table,
            sets=join(sets),
            staged=staged,
            group=_GROUP,
            stored=stored,
            good=good,
            match=match,
        ),
        g,
    )


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


def _reasons(con: duckdb.DuckDBPyConnection, kind: Kind, nos: dict[str, object], out: dict[int, _Applied]) -> None:
    """Per file of the group (`nos`: {"nos": file numbers}): the distinct reasons its rows of `kind` were
    set aside, most rows first, and the first row set aside (sheet, row, reason) — first in the
    workbook's order (`_ord`: sheet, then row), ties broken by the reason's text, so the same file
    gives the same list and the same example whether loaded alone or in a batch."""
    staged = ident(_staged(kind))
    for n, reason, rows in con.execute(
        compose(
            "SELECT _file_no, _reason, n FROM (SELECT s._file_no, s._reason, count(*) AS n, min(s._ord) AS first "
            "FROM {staged} AS s WHERE {in_group} AND s._reason IS NOT NULL GROUP BY s._file_no, s._reason) "
            "QUALIFY row_number() OVER (PARTITION BY _file_no ORDER BY n DESC, first, _reason) <= $most "
            "ORDER BY _file_no, n DESC, first, _reason",
            staged=staged,
            in_group=_IN_GROUP,
        ),
        nos | {"most": MAX_REASONS},
    ).fetchall():
        out[n].reasons.append({"reason": reason, "rows": rows})
    for n, sheet, row, reason in con.execute(
        compose(
            "SELECT s._file_no, s._sheet, s._row, s._reason FROM {staged} AS s "
            "WHERE {in_group} AND s._reason IS NOT NULL "
            "QUALIFY row_number() OVER (PARTITION BY s._file_no ORDER BY s._ord) = 1",
            staged=staged,
            in_group=_IN_GROUP,
        ),
        nos,
    ).fetchall():
        out[n].first_problem = (sheet, row, reason)


def _read_findings(read: FileRead | None) -> dict[str, list]:
    """The reader's notes and the sheets it skipped, in the load result's format."""
    if read is None:
        return {"notes": [], "sheets_skipped": []}
    return {"notes": [n.as_dict() for n in read.all_notes], "sheets_skipped": read.sheets_skipped}


def _log(con: duckdb.DuckDBPyConnection, load_id: int, digest: str, r: FileResult, dates: dict | None = None) -> None:
    _log_all(con, [(load_id, digest, r, dates)])


def _log_all(con: duckdb.DuckDBPyConnection, rows: list[tuple[int, str, FileResult, dict | None]]) -> None:
    """The etl_load rows (load_id, sha256, result, the file's dates) of files applied together, in one statement."""
    at = datetime.now().replace(microsecond=0)
    columns: dict[str, list[object]] = {
        "id": [], "path": [], "sha": [], "status": [], "read": [], "loaded": [], "replaced": [], "q": [],
        "msg": [], "notes": [], "skipped": [], "reported_on": [], "period_end": [],
    }  # fmt: skip
    for load_id, digest, r, dates in rows:
        r.load_id = load_id
        dates = dates or {}
        for name, value in (
            ("id", load_id),
            ("path", str(r.path)),
            ("sha", digest),
            ("status", r.status),
            ("read", r.rows_read),
            ("loaded", r.rows_loaded),
            ("replaced", r.rows_replaced),
            ("q", r.rows_quarantined),
            ("msg", r.message),
            ("notes", json.dumps(r.notes, ensure_ascii=False) if r.notes else None),
            ("skipped", json.dumps(r.sheets_skipped, ensure_ascii=False) if r.sheets_skipped else None),
            ("reported_on", dates.get("reported_on")),
            ("period_end", dates.get("period_end")),
        ):
            columns[name].append(value)
    con.execute(
        "INSERT INTO etl_load (load_id, path, sha256, loaded_at, status, rows_read, rows_loaded, rows_replaced, "
        "rows_quarantined, message, notes, sheets_skipped, reported_on, period_end) "
        "SELECT unnest($id), unnest($path), unnest($sha), $at, unnest($status), unnest($read), unnest($loaded), "
        "unnest($replaced), unnest($q), unnest($msg), unnest(CAST($notes AS VARCHAR[])), "
        "unnest(CAST($skipped AS VARCHAR[])), unnest(CAST($reported_on AS DATE[])), unnest(CAST($period_end AS DATE[]))",
        columns | {"at": at},
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
        sha256=digest or None,
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
