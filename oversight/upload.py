"""Reports uploaded through the browser: checked for size and type before anything reads them,
kept under data/uploads/ (the warehouse's lineage points at them), then loaded by the ETL."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from core import audit, incidents
from core.paths import ROOT
from core.settings import limits
from etl.load import FileResult, load_paths
from etl.readers import SUPPORTED_SUFFIXES
from etl.readers.model import OLE_MAGIC, ZIP_MAGIC
from etl.warehouse import Waiting

MAX_BYTES = limits().upload_bytes  # core.settings: one configuration with the CLI; a monthly workbook is < 1 MB
UPLOAD_DIR_NAME = "uploads"
TEMPLATE = ROOT / "data" / "templates" / "仪陇县社区治理月报模板.xlsx"
__all__ = ["SUPPORTED_SUFFIXES", "TEMPLATE", "MAX_BYTES", "UploadRejected", "check", "load_uploads", "store"]

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
        raise UploadRejected(f"不支持的文件类型 {suffix or '(无扩展名)'}，只接受 {allowed} / unsupported file type")
    if len(data) == 0:
        raise UploadRejected("文件是空的 / the file is empty")
    if len(data) > MAX_BYTES:
        raise UploadRejected(f"文件太大（{len(data) / 1e6:.1f} MB，上限 {MAX_BYTES // 2**20} MB）/ file too large")
    head = data[:8]
    if suffix in (".xlsx", ".xlsm") and not head.startswith(ZIP_MAGIC):
        raise UploadRejected(f"文件内容不是 Excel 工作簿（{suffix}）/ not an Excel workbook")
    if suffix == ".xls" and not head.startswith(OLE_MAGIC):
        raise UploadRejected("文件内容不是旧版 Excel 工作簿（.xls）/ not an .xls workbook")
    if suffix == ".csv":
        sample = data[:65536]
        if b"\x00" in sample or head.startswith((ZIP_MAGIC, OLE_MAGIC)):
            raise UploadRejected("文件内容不是 CSV 文本 / not a CSV text file")
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


def load_uploads(
    files: list[tuple[str, bytes]],
    db: Path,
    on_wait: Callable[[Waiting], None] | None = None,
    who: str | None = None,
) -> tuple[list[FileResult], list[tuple[str, str]]]:
    """Store and load uploaded files into the warehouse at `db` in one load; `on_wait` is told
    while another load holds the warehouse. The load (`who`, each file's name and sha256, the
    result) goes to the audit record beside `db` (core.audit), also when it fails.

    Returns (results of the files loaded, [(name, reason)] of the uploads refused before
    loading)."""
    accepted: list[Path] = []
    refused: list[tuple[str, str]] = []
    for name, data in files:
        try:
            accepted.append(store(name, data, db.parent).path)
        except UploadRejected as e:
            refused.append((name, str(e)))
    if not accepted:
        return [], refused
    try:
        results = load_paths(accepted, db=db, on_wait=on_wait)
    except Exception:  # a WarehouseError names server paths, anything else is a bug: recorded, each file told
        incident = incidents.record(f"upload {[p.name for p in accepted]}", db)
        audit.record_load(accepted, [{"status": "error", "incident": incident}], who, "upload", audit.audit_path(db))
        refused += [(p.name, incidents.user_message(incident)) for p in accepted]
        return [], refused
    audit.record_load(accepted, [r.as_dict() for r in results], who, "upload", audit.audit_path(db))
    return results, refused


def summary(results: list[FileResult]) -> tuple[pd.DataFrame, dict[str, int]]:
    """The load results as the page shows them — one row per file: file (its name, never a
    server path), status, the counts, message, notes and sheets skipped as text — and the
    batch's totals: loaded, replaced and quarantined rows."""
    rows = []
    for r in results:
        d = r.as_dict()
        rows.append(
            {
                "file": r.path.name,
                **{
                    k: d[k]
                    for k in ("status", "rows_read", "rows_loaded", "rows_replaced", "rows_quarantined", "message")
                },
                "notes": "；".join(
                    ("！" if n["loses_data"] else "") + f"{n['sheet'] or ''} {n['text']}".strip() for n in r.notes
                ),
                "sheets_skipped": "；".join(f"{s['sheet']}: {s['reason']}" for s in r.sheets_skipped),
            }
        )
    table = pd.DataFrame(rows)
    counts = {k: int(table[f"rows_{k}"].sum()) for k in ("loaded", "replaced", "quarantined")}
    return table, counts
