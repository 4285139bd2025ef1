"""Read-only access to the warehouse: a read-only connection kept while the file's version is
unchanged, results cached by that version so a new ETL load shows on the next query without a
restart.

Parquet mode: with `OVERSIGHT_PARQUET=DIR` (a folder `python -m etl export-parquet DIR` wrote) the
same statements run on DuckDB views over that export (`read_parquet`, Hive partitions) instead of
the warehouse file, with the same results; nothing can be written then (`writable()` is False)."""

from __future__ import annotations

import os
import re
import threading
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from core.paths import db_path
from etl import warehouse
from etl.export import MANIFEST, duckdb_views_sql
from etl.warehouse import WarehouseError, reader, version

CACHE_TTL = 3600  # seconds; the version in the key already makes a new load show at once
_RETRIES = 3
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")

__all__ = [
    "WarehouseError",
    "data_as_of",
    "db_path",
    "outdated",
    "parquet_dir",
    "query",
    "warehouse_exists",
    "writable",
]
PARQUET_ENV = "OVERSIGHT_PARQUET"


def parquet_dir() -> Path | None:
    """The Parquet export the dashboard reads instead of the warehouse file (`OVERSIGHT_PARQUET`),
    or None (the default: read the DuckDB warehouse, `core.paths.db_path()`)."""
    folder = os.environ.get(PARQUET_ENV, "").strip()
    return Path(folder) if folder else None


def writable() -> bool:
    """Whether loads can write where the dashboard reads: False in Parquet mode (an export is
    read-only; load into the warehouse and export again)."""
    return parquet_dir() is None


def _source() -> Path:
    """What queries read: the Parquet export's manifest in Parquet mode, else the warehouse file."""
    folder = parquet_dir()
    return folder / MANIFEST if folder is not None else db_path()


def warehouse_exists() -> bool:
    return _source().is_file()


# One read-only connection per warehouse file, kept only while the file's version is unchanged.
# etl.warehouse.reader() ATTACHes the file to a fresh in-memory database (see there). Queries in flight on the old
# connection finish on the old, complete file; it closes when the last of them is done.
_CONNECTIONS: dict[str, tuple[str, duckdb.DuckDBPyConnection]] = {}
_LOCK = threading.Lock()
_CATALOG = "warehouse"


def _open(db: str) -> duckdb.DuckDBPyConnection:
    if db.endswith(MANIFEST):  # Parquet mode: the public views over the export, in catalog "warehouse"
        if not Path(db).is_file():
            raise WarehouseError(f"没有 Parquet 导出 / no Parquet export: {db}")
        con = duckdb.connect(":memory:")
        con.execute(f"ATTACH ':memory:' AS {_CATALOG}")
        con.execute(f"USE {_CATALOG}")
        con.execute(duckdb_views_sql(Path(db).parent))
        return con
    return reader(db)  # attaches the file read-only as catalog "warehouse"


def _cursor(db: str) -> duckdb.DuckDBPyConnection:
    """A cursor (its own connection to the same in-memory instance) on the live file."""
    current = version(db)
    with _LOCK:
        held = _CONNECTIONS.get(db)
        if held is None or held[0] != current:
            _CONNECTIONS[db] = held = (current, _open(db))
        cur = held[1].cursor()
    cur.execute(f"USE {_CATALOG}")
    return cur


def _forget(db: str) -> None:
    with _LOCK:
        _CONNECTIONS.pop(db, None)


def _run(db: str, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    """Run one statement on the live file. Retries briefly (with a fresh connection) if a
    load's swap lands exactly while the file is being opened."""
    for attempt in range(_RETRIES):
        try:
            cur = _cursor(db)
        except WarehouseError:
            _forget(db)
            if attempt == _RETRIES - 1 or not Path(db).exists():
                raise
            time.sleep(0.05 * (attempt + 1))
            continue
        try:
            return cur.execute(sql, params).df()
        except (duckdb.IOException, duckdb.ConnectionException):
            _forget(db)
            if attempt == _RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
        finally:
            cur.close()
    raise AssertionError("unreachable")


@st.cache_data(ttl=CACHE_TTL, max_entries=2000, show_spinner=False)
def _cached(db: str, db_version: str, sql: str, params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    return _run(db, sql, {k: list(v) if isinstance(v, tuple) else v for k, v in params})


def query(sql: str, params: dict[str, Any] | None = None, *, cached: bool = True) -> pd.DataFrame:
    """Rows of one read-only statement with `$name` parameters bound (entries of `params` the
    statement does not use are ignored), cached per warehouse version. The frame is the caller's own copy (st.cache_data hands out copies). `cached=False`
    reads straight from the file (for one-off large reads such as a full download)."""
    db = _source()
    used = set(_PARAM.findall(sql))  # DuckDB rejects bound parameters a statement does not use
    params = {k: v for k, v in (params or {}).items() if k in used}
    if not cached:
        return _run(str(db), sql, params)
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _cached(str(db), version(db), sql, frozen)


def outdated() -> str | None:
    """Why the live warehouse cannot be shown as it stands (an older version of the ETL wrote it:
    etl.warehouse.outdated), or None when it is current — checked once per warehouse version.
    Always None in Parquet mode (an export holds the views, not the marts' bookkeeping). Raises
    WarehouseError when the file cannot be opened."""
    if parquet_dir() is not None:
        return None
    db = str(db_path())
    return _outdated(db, version(db))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _outdated(db: str, db_version: str) -> str | None:
    cur = _cursor(db)
    try:
        return warehouse.outdated(cur)
    finally:
        cur.close()


def data_as_of() -> tuple[date | None, datetime | None]:
    """(latest month with monthly reports, time of the last successful load)."""
    df = query(
        """
        SELECT (SELECT max(month) FROM community_month) AS last_month,
               (SELECT max(loaded_at) FROM load_log WHERE status IN ('loaded', 'partial')) AS last_load
        """
    )
    month, loaded = df.iloc[0]["last_month"], df.iloc[0]["last_load"]
    return (
        None if pd.isna(month) else pd.Timestamp(month).date(),
        None if pd.isna(loaded) else pd.Timestamp(loaded).to_pydatetime(),
    )
