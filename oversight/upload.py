"""Reports uploaded through the browser: checked for size and type before anything reads them,
kept under data/uploads/ (the warehouse's lineage points at them), previewed by the ETL's own
dry run (`stage`: the very load, on a copy that is thrown away), then loaded when the user
confirms (`confirm`) — held to the uploader's townships for a town user."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from core import audit, incidents
from core.columns import value_text
from core.contract import KIND_BY_NAME
from core.paths import ROOT
from core.settings import limits
from etl.load import FileResult, Options, is_large_change, load_paths
from etl.readers import SUPPORTED_SUFFIXES
from etl.readers.model import OLE_MAGIC, ZIP_MAGIC
from etl.warehouse import Waiting, version
from oversight.exports import column_label
from oversight.i18n import fmt_month, kind_label, one_language

MAX_BYTES = limits().upload_bytes  # core.settings: one configuration with the CLI; a monthly workbook is < 1 MB
UPLOAD_DIR_NAME = "uploads"
TEMPLATE = ROOT / "data" / "templates" / "仪陇县社区治理月报模板.xlsx"
__all__ = [
    "MAX_BYTES",
    "SUPPORTED_SUFFIXES",
    "TEMPLATE",
    "Staged",
    "StalePreview",
    "UploadRejected",
    "changes",
    "check",
    "confirm",
    "discard",
    "load_uploads",
    "stage",
    "store",
    "summary",
]

# What the first bytes of each supported type must be; a renamed file fails here.


class UploadRejected(ValueError):
    """The upload is not a report file we accept; the message says why (Chinese / English)."""


@dataclass(frozen=True)
class Accepted:
    path: Path
    size: int


def safe_name(name: str) -> str:
    """The file's own name without any folder part or characters unsafe in a path."""
    base = re.split(r"[\\/]", name)[-1].strip().lstrip(".")
    base = re.sub(r"[\x00-\x1f<>:\"|?*]", "_", base)
    return base[:120] or "report"


def check(name: str, data: bytes) -> str:
    """The accepted suffix of an upload; raises UploadRejected with a reason otherwise."""
    suffix = Path(safe_name(name)).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = " ".join(SUPPORTED_SUFFIXES)
        raise UploadRejected(
            f"不支持的文件类型 {suffix or '(无扩展名)'}，只接受 {allowed}：请用报表模板填报后重新上传 / "
            f"unsupported file type {suffix or '(none)'}: only {allowed}; fill in the report template and upload again"
        )
    if len(data) == 0:
        raise UploadRejected("文件是空的，请检查后重新上传 / the file is empty: check it and upload again")
    if len(data) > MAX_BYTES:
        mb, most = f"{len(data) / 1e6:.1f}", MAX_BYTES // 2**20
        raise UploadRejected(
            f"文件太大（{mb} MB，上限 {most} MB），请按乡镇或月份拆分后上传 / "
            f"file too large ({mb} MB, at most {most} MB): split it by township or month"
        )
    head = data[:8]
    if suffix in (".xlsx", ".xlsm") and not head.startswith(ZIP_MAGIC):
        raise UploadRejected(
            f"文件内容不是 Excel 工作簿（{suffix}），请在 Excel 中另存为 .xlsx 后重新上传 / "
            f"the content is not an Excel workbook ({suffix}): save it from Excel as .xlsx and upload again"
        )
    if suffix == ".xls" and not head.startswith(OLE_MAGIC):
        raise UploadRejected(
            "文件内容不是旧版 Excel 工作簿（.xls），请在 Excel 中另存为 .xlsx 后重新上传 / "
            "the content is not an old Excel workbook (.xls): save it from Excel as .xlsx and upload again"
        )
    if suffix == ".csv":
        sample = data[:65536]
        if b"\x00" in sample or head.startswith((ZIP_MAGIC, OLE_MAGIC)):
            raise UploadRejected(
                "文件内容不是 CSV 文本，请在 Excel 中另存为 .xlsx 或 CSV（UTF-8）后重新上传 / "
                "the content is not CSV text: save it from Excel as .xlsx or CSV (UTF-8) and upload again"
            )
    return suffix


def store(name: str, data: bytes, root: Path) -> Accepted:
    """Check the upload and write it to root/uploads/<time>/<name>; the stored copy is what
    the ETL reads and what quarantine records point at."""
    check(name, data)
    folder = root / UPLOAD_DIR_NAME / datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / safe_name(name)
    path.write_bytes(data)
    return Accepted(path, len(data))


def _store_all(files: list[tuple[str, bytes]], db: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """Check and store each upload beside the warehouse: (stored paths, [(name, reason)] refused)."""
    accepted: list[Path] = []
    refused: list[tuple[str, str]] = []
    for name, data in files:
        try:
            accepted.append(store(name, data, db.parent).path)
        except UploadRejected as e:
            refused.append((name, str(e)))
    return accepted, refused


def _run(
    paths: list[Path],
    db: Path,
    options: Options,
    on_wait: Callable[[Waiting], None] | None,
    who: str | None,
) -> tuple[list[FileResult], list[tuple[str, str]]]:
    """The ETL on stored uploads; a real load (not a dry run) goes to the audit record, also
    when it fails. Never raises: an error becomes an incident id for each file."""
    try:
        results = load_paths(paths, db=db, on_wait=on_wait, options=options)
    except Exception:  # a WarehouseError names server paths, anything else is a bug: recorded, each file told
        incident = incidents.record(f"upload {[p.name for p in paths]}", db)
        if not options.dry_run:
            audit.record_load(paths, [{"status": "error", "incident": incident}], who, "upload", audit.audit_path(db))
        return [], [(p.name, incidents.user_message(incident)) for p in paths]
    if not options.dry_run:
        audit.record_load(paths, [r.as_dict() for r in results], who, "upload", audit.audit_path(db))
    return results, []


def load_uploads(
    files: list[tuple[str, bytes]],
    db: Path,
    on_wait: Callable[[Waiting], None] | None = None,
    who: str | None = None,
    towns: frozenset[str] | None = None,
) -> tuple[list[FileResult], list[tuple[str, str]]]:
    """Store and load uploaded files into the warehouse at `db` in one load, without a preview;
    `on_wait` is told while another load holds the warehouse; `towns`: the townships the
    uploader may write (None = all; rows of others are set aside). The load (`who`, each
    file's name and sha256, the result) goes to the audit record beside `db` (core.audit).

    Returns (results of the files loaded, [(name, reason)] of the uploads refused)."""
    accepted, refused = _store_all(files, db)
    if not accepted:
        return [], refused
    results, failed = _run(accepted, db, Options(towns=towns), on_wait, who)
    return results, refused + failed


class StalePreview(RuntimeError):
    """The warehouse changed (another load) after the preview: preview again before loading."""


@dataclass(frozen=True)
class Staged:
    """Uploads stored and previewed, waiting for the user to confirm or cancel: the stored
    files, the dry run's results (one per file, FileResult), the uploads refused before it
    ([(name, reason)]), the warehouse version it ran on, and the load's Options."""

    paths: tuple[Path, ...]
    results: tuple[FileResult, ...]
    refused: tuple[tuple[str, str], ...]
    version: str
    options: Options


def stage(
    files: list[tuple[str, bytes]],
    db: Path,
    on_wait: Callable[[Waiting], None] | None = None,
    towns: frozenset[str] | None = None,
    force: bool = False,
) -> Staged:
    """Store the uploads and preview their load: the ETL's dry run (etl.load Options(dry_run=
    True): the same code as the load, on a copy of the warehouse that is thrown away), so
    nothing is written. `towns`: the townships the uploader may write (None = all); `force`:
    load rows older than the stored ones (etl.load.Options)."""
    before = version(db)
    accepted, refused = _store_all(files, db)
    options = Options(force=force, towns=towns)
    if not accepted:
        return Staged((), (), tuple(refused), before, options)
    results, failed = _run(accepted, db, Options(force=force, towns=towns, dry_run=True), on_wait, None)
    return Staged(tuple(accepted), tuple(results), tuple(refused + failed), before, options)


def confirm(
    staged: Staged, db: Path, on_wait: Callable[[Waiting], None] | None = None, who: str | None = None
) -> tuple[list[FileResult], list[tuple[str, str]]]:
    """Load what `staged` previewed — the same stored files with the same options — and record it
    in the audit record as `who`'s. Raises StalePreview when the warehouse is no longer the one
    the preview ran on (its counts would no longer be what the load does)."""
    if version(db) != staged.version:
        raise StalePreview("the warehouse changed after the preview")
    if not staged.paths:
        return [], []
    return _run(list(staged.paths), db, staged.options, on_wait, who)


def discard(staged: Staged) -> None:
    """Cancel a preview: delete its stored files (nothing was loaded from them)."""
    for p in staged.paths:
        p.unlink(missing_ok=True)
        try:
            p.parent.rmdir()
        except OSError:
            pass


def _key_text(name: str, v: object, lang: str) -> str:
    if name == "month":
        try:
            return fmt_month(date.fromisoformat(str(v)[:10]), lang)
        except ValueError:
            return str(v)
    return str(v)


def changes(
    results: list[FileResult] | tuple[FileResult, ...], lang: str = "zh", names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The first values each file changes (old → new), as the preview shows them, in the
    sender's terms: file; kind (月度指标 …); unit (the 村(社区)'s name from `names`, a
    code → name mapping, else its code); what (the rest of the row's key: 2022年7月, a case
    number …); column (its report header, core.columns); old and new as text (core.columns.value_text:
    600, not 600.0; 是/否; blank for none)."""
    names = names or {}
    rows = []
    for r in results:
        for c in r.changes:
            kind = KIND_BY_NAME[c["kind"]]
            key = dict(c["key"])
            code = key.pop("community_code", None)
            rows.append(
                {
                    "file": r.path.name,
                    "kind": kind_label(kind.name, lang),
                    "unit": "" if code is None else names.get(str(code), str(code)),
                    "what": "，".join(_key_text(k, v, lang) for k, v in key.items()),
                    "column": column_label(c["column"], lang),
                    "old": value_text(c["old"], lang),
                    "new": value_text(c["new"], lang),
                }
            )
    return pd.DataFrame(rows, columns=["file", "kind", "unit", "what", "column", "old", "new"])


def large_changes(results: list[FileResult] | tuple[FileResult, ...], table: pd.DataFrame) -> pd.DataFrame:
    """The rows of `table` (`changes(results, …)`, one row per change in the same order) whose
    stored number moves by more than etl.load.LARGE_CHANGE of itself (户数 2,760 → 1,466): a correction that
    big is more often a slip (the wrong month's sheet, a column shifted) than a correction, and
    the preview says so before anything is written."""
    large = [is_large_change(c["old"], c["new"]) for r in results for c in r.changes]
    return table[pd.Series(large, index=table.index, dtype=bool)].reset_index(drop=True)


def by_sheet(results: list[FileResult] | tuple[FileResult, ...], lang: str = "zh") -> pd.DataFrame:
    """One row per sheet loaded (or previewed): file, sheet, kind (the report kind recognised, in
    `lang`: 月度指标 …), rows_read, rows_loaded, rows_replaced, rows_quarantined."""
    rows = [
        {
            "file": r.path.name,
            "sheet": s["sheet"],
            "kind": kind_label(s["kind"], lang),
            **{k: s[k] for k in ("rows_read", "rows_loaded", "rows_replaced", "rows_quarantined")},
        }
        for r in results
        for s in r.sheets
    ]
    return pd.DataFrame(
        rows, columns=["file", "sheet", "kind", "rows_read", "rows_loaded", "rows_replaced", "rows_quarantined"]
    )


def summary(
    results: list[FileResult] | tuple[FileResult, ...], lang: str | None = None
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The load (or preview) results as the page shows them — one row per file: file (its
    name, never a server path), status (a code of etl.load.STATUSES), the counts, values
    changed, message, reasons rows are set aside (with their counts), notes and sheets skipped
    as text — and the batch's totals: loaded, replaced and quarantined rows. With `lang`, the
    ETL's "中文 / English" texts in that language only (oversight.i18n.one_language)."""
    rows = []
    for r in results:
        d = r.as_dict()
        rows.append(
            {
                "file": r.path.name,
                **{
                    k: d[k]
                    for k in (
                        "status",
                        "rows_read",
                        "rows_loaded",
                        "rows_replaced",
                        "rows_quarantined",
                        "values_changed",
                        "message",
                    )
                },
                "reasons": "；".join(f"{x['reason']}（{x['rows']}）" for x in r.reasons),
                "notes": "；".join(
                    ("！" if n["loses_data"] else "") + f"{n['sheet'] or ''} {n['text']}".strip() for n in r.notes
                ),
                "sheets_skipped": "；".join(f"{s['sheet']}: {s['reason']}" for s in r.sheets_skipped),
            }
        )
    table = pd.DataFrame(rows)
    if lang is not None and not table.empty:
        for col in ("message", "reasons", "notes", "sheets_skipped"):
            table[col] = table[col].map(lambda text: one_language(text, lang))
    counts = {k: int(table[f"rows_{k}"].sum()) for k in ("loaded", "replaced", "quarantined")}
    return table, counts
