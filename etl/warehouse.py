"""The DuckDB warehouse: schema, public views, and the one-writer/many-readers file handling.

DuckDB lets one process write a file or many read it, never both. So the ETL never writes the
live file: it copies it to a private `*.next-<pid>` file, loads into that, checkpoints, and
swaps it in with an atomic `os.replace`. Readers open the live path read-only for each query
(or keep a connection until the file's identity changes); a reader that already has the old
file open keeps reading the old, complete version. A crash mid-load leaves the live file as it
was, and the stray `.next` file is removed by the next load.

The marts (MARTS) are tables, refreshed in that private copy before it is swapped in
(`refresh_marts`): a reader never queries a mart older than the staging rows beside it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from core.contract import KINDS, Kind
from core.metrics import METRICS, RATIOS, sql
from core.paths import DEFAULT_DB, REFERENCE
from core.quality import render as render_quality
from core.sql import Fragment, compose, ident, join, qualified
from etl.normalize import store_name_forms

SQL_DIR = Path(__file__).with_name("sql")
# Stored as tables (etl/sql/marts/<name>.sql is each one's query, kept as the view
# <name>_definition; contracts in contracts.toml), in build order: a mart may read an earlier one.
# quality_flag (the credibility flags, etl/sql/quality.sql rendered by core.quality) is stored
# and refreshed the same way.
MARTS = ("community_month", "town_month", "month_coverage", "request_case", "quality_flag")
# The columns by which a load's refresh replaces a mart's rows: every month of the communities it
# wrote, the (township, month) pairs of the (community, month) pairs it wrote, and every month of
# their townships.
MART_KEYS = {
    "community_month": ("community_code",),  # every month: next_month of its earlier report changes
    "town_month": ("town_code", "month"),
    "month_coverage": ("town_code",),
    "request_case": ("case_id",),  # the cases a load wrote (its natural key)
    "quality_flag": ("community_code",),  # every flag of a community a load wrote, of any report kind
}
# The date a mart is sorted by when rebuilt whole, then its keys: a page's range of months then
# skips most of the file's row groups. `month` but for the case list.
MART_DATE = {"request_case": "received_on"}

_SQL_TYPES = {
    "month": "DATE",
    "date": "DATE",
    "text": "VARCHAR",
    "category": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
}
LINEAGE = ("load_id", "source_file", "source_sheet", "source_row")  # the file and row that first reported the row
# Kept by the load, not read from a file: the last load that changed any of the row's values
# (whose dates a later report is compared with), and for a kind with 填报日期 the first
# report's date (timeliness is judged on it, so a late correction does not make a report late).
LAST_LOAD = "last_load_id"
FIRST_REPORTED = "first_reported_on"


class WarehouseError(RuntimeError):
    """The warehouse file cannot be opened or is not a warehouse."""


def data_columns(kind: Kind) -> list[tuple[str, str]]:
    """(name, SQL type) of the values a report row carries: community_code (the community's
    name resolved to its registry code), then the kind's columns except the names."""
    cols = [("community_code", "VARCHAR")]
    for c in kind.columns:
        if c.name in ("town_name", "community_name"):
            continue
        cols.append((c.name, _SQL_TYPES[c.type]))
    return cols


def bookkeeping_columns(kind: Kind) -> list[tuple[str, str]]:
    """(name, SQL type) of what the load keeps about a row besides its lineage (LAST_LOAD, and
    FIRST_REPORTED for a kind with a reported_on column)."""
    cols = [(LAST_LOAD, "BIGINT")]
    if "reported_on" in kind.names:
        cols.append((FIRST_REPORTED, "DATE"))
    return cols


def stored_columns(kind: Kind) -> list[tuple[str, str]]:
    """(name, SQL type) of a staging table: data, lineage, bookkeeping."""
    lineage = [("load_id", "BIGINT"), ("source_file", "VARCHAR"), ("source_sheet", "VARCHAR"), ("source_row", "BIGINT")]
    return data_columns(kind) + lineage + bookkeeping_columns(kind)


def _mart_columns() -> dict[str, str]:
    """The catalogue-generated column lists the mart files leave as /*{…}*/ placeholders."""
    sums = [m for m in METRICS.values() if m.agg == "sum"]
    return {
        "row_ratios": ",\n    ".join(f"{sql(m, over='row', alias='m')} AS {ident(m.name)}" for m in RATIOS),
        "sums": ",\n    ".join(f"{sql(m, over='group')} AS {ident(m.name)}" for m in sums),
        "group_ratios": ",\n    ".join(f"{sql(m, over='group')} AS {ident(m.name)}" for m in RATIOS),
    }


def mart_sql(mart: str, touched: bool = False) -> str:
    """The query of mart `mart` (etl/sql/marts/<mart>.sql with the catalogue's columns filled
    in). `touched`: only the rows of the keys in the temporary table _touched_<mart> (its
    MART_KEYS), kept where the query reads its source, so nothing else is computed."""
    only = (
        str(
            compose("SEMI JOIN {t} USING ({k})", t=ident(f"_touched_{mart}"), k=join(ident(k) for k in MART_KEYS[mart]))
        )
        if touched
        else ""
    )
    if mart == "quality_flag":
        return render_quality((SQL_DIR / "quality.sql").read_text(encoding="utf-8"), only).strip().rstrip(";")
    text = (SQL_DIR / "marts" / f"{mart}.sql").read_text(encoding="utf-8")
    columns = _mart_columns() | {"touched": only}
    for name, cols in columns.items():
        text = text.replace(f"/*{{{name}}}*/", cols)
    return text.strip().rstrip(";")


def schema_sql() -> str:
    """DDL for every table (idempotent) and every public view but the marts (init_schema
    keeps those, see refresh_marts)."""
    parts = [(SQL_DIR / "tables.sql").read_text(encoding="utf-8")]
    for kind in KINDS:
        cols = ",\n  ".join(f"{n} {t}" for n, t in stored_columns(kind))
        parts.append(f"CREATE TABLE IF NOT EXISTS {kind.table} (\n  {cols}\n);")
        for n, t in bookkeeping_columns(kind):  # warehouses made before these columns existed
            parts.append(f"ALTER TABLE {kind.table} ADD COLUMN IF NOT EXISTS {n} {t};")
    parts.append((SQL_DIR / "views.sql").read_text(encoding="utf-8"))
    return "\n".join(parts)


def _definition(mart: str) -> Fragment:
    return ident(f"{mart}_definition")


def _marts_digest() -> str:
    """What the marts' rows depend on besides the data: their queries and the views they read."""
    text = (SQL_DIR / "views.sql").read_text(encoding="utf-8") + "".join(mart_sql(m) for m in MARTS)
    return hashlib.sha256(text.encode()).hexdigest()


def _ensure_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Each mart's query as the view <mart>_definition, and the mart as a table of its columns.
    When the queries changed (or the warehouse predates stored marts, when they were views), the
    tables are made anew, empty, and marked for a rebuild (refresh_marts does it)."""
    con.execute("CREATE TABLE IF NOT EXISTS etl_marts (definition VARCHAR NOT NULL, stale BOOLEAN NOT NULL)")
    digest = _marts_digest()
    state = con.execute("SELECT definition, stale FROM etl_marts").fetchall()
    changed = not state or state[0][0] != digest
    for mart in MARTS:
        kind = con.execute(
            "SELECT table_type FROM information_schema.tables WHERE table_schema = 'main' AND table_name = $t "
            "AND table_catalog = current_database()",
            {"t": mart},
        ).fetchall()
        if kind and kind[0][0] == "VIEW":
            con.execute(compose("DROP VIEW {m}", m=ident(mart)))
        con.execute(compose("CREATE OR REPLACE VIEW {d} AS\n{q}", d=_definition(mart), q=Fragment(mart_sql(mart))))
        if changed or not kind or kind[0][0] == "VIEW":
            con.execute(
                compose("CREATE OR REPLACE TABLE {m} AS SELECT * FROM {d} LIMIT 0", m=ident(mart), d=_definition(mart))
            )
            changed = True
    if changed:
        con.execute("DELETE FROM etl_marts")
        con.execute("INSERT INTO etl_marts VALUES ($d, true)", {"d": digest})


def _next_load(con: duckdb.DuckDBPyConnection) -> int:
    """No load id given from now on is lower than this (etl_load_seq hands them out)."""
    return con.execute(
        "SELECT coalesce(max(last_value), 0) + 1 FROM duckdb_sequences() "
        "WHERE sequence_name = 'etl_load_seq' AND database_name = current_database()"
    ).fetchall()[0][0]


def _mark_marts_stale(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE etl_marts SET stale = true")


def _written_since() -> Fragment:
    """SQL: the row was written by a load ≥ $since — coalesce(last_load_id, load_id) >= $since, as
    two conditions a scan can check against each row group's min/max and NULL statistics (a
    row's load ids only grow, so most of a province's row groups are skipped unread; the
    coalesce read every row's two ids)."""
    return compose(
        "(({last} >= $since) OR ({last} IS NULL AND load_id >= $since))",
        last=ident(LAST_LOAD),
    )


def refresh_marts(con: duckdb.DuckDBPyConnection, since_load: int | None = None) -> int:
    """Bring every mart (MARTS) up to date with the staging tables and the registry, in `con`'s
    current transaction. quality_flag is recomputed for every community a load wrote in any
    report kind (its rules read them all, one community at a time); the others as below.

    since_load None, or a rebuild pending (the registry changed, the marts' queries changed):
    each mart is rebuilt whole from its <mart>_definition view, sorted by month. Else only what
    loads since `since_load` wrote is recomputed: the stg_monthly rows whose last_load_id (or
    load_id) is ≥ since_load give (community, month) pairs, and each mart's rows of those pairs'
    MART_KEYS are deleted and inserted again from the definition — a one-file load into a
    province warehouse touches a few hundred rows, not a million. Returns the number of
    (community, month) pairs recomputed (all of stg_monthly for a rebuild)."""
    state = con.execute("SELECT stale FROM etl_marts").fetchall()
    if since_load is None or not state or state[0][0]:
        for mart in MARTS:  # sorted by month: a page's month range then skips most of the file
            order = (MART_DATE.get(mart, "month"), *(k for k in MART_KEYS[mart] if k != "month"))
            con.execute(
                compose(
                    "CREATE OR REPLACE TABLE {m} AS SELECT * FROM {d} ORDER BY {o}",
                    m=ident(mart),
                    d=_definition(mart),
                    o=join(ident(k) for k in order),
                )
            )
        con.execute("UPDATE etl_marts SET stale = false")
        return con.execute("SELECT count(*) FROM stg_monthly").fetchall()[0][0]
    con.execute(
        compose(
            "CREATE OR REPLACE TEMP TABLE _touched_pairs AS SELECT DISTINCT community_code, month "
            "FROM stg_monthly WHERE {since}",
            since=_written_since(),
        ),
        {"since": since_load},
    )
    touched = con.execute("SELECT count(*) FROM _touched_pairs").fetchall()[0][0]
    # the credibility flags read every report kind: the communities any of them wrote
    written = join(
        (
            compose("SELECT community_code FROM {t} WHERE {since}", t=ident(kind.table), since=_written_since())
            for kind in KINDS
        ),
        " UNION ",
    )
    con.execute(compose("CREATE OR REPLACE TEMP TABLE _touched_quality_flag AS {q}", q=written), {"since": since_load})
    flagged = con.execute("SELECT count(*) FROM _touched_quality_flag").fetchall()[0][0]
    con.execute(
        compose(
            "CREATE OR REPLACE TEMP TABLE _touched_request_case AS SELECT case_id FROM stg_request WHERE {since}",
            since=_written_since(),
        ),
        {"since": since_load},
    )
    cases = con.execute("SELECT count(*) FROM _touched_request_case").fetchall()[0][0]
    if touched:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _touched_community_month AS SELECT DISTINCT community_code FROM _touched_pairs"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _touched_town_month AS SELECT DISTINCT c.town_code, t.month "
            "FROM _touched_pairs AS t JOIN ref_community AS c USING (community_code)"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _touched_month_coverage AS SELECT DISTINCT town_code FROM _touched_town_month"
        )
    for mart in MARTS:
        if not {"quality_flag": flagged, "request_case": cases}.get(mart, touched):
            continue
        keys = MART_KEYS[mart]
        pairs = ident(f"_touched_{mart}")
        con.execute(
            compose(
                "DELETE FROM {m} AS t USING {p} AS x WHERE {on}",
                m=ident(mart),
                p=pairs,
                on=join((compose("{a} = {b}", a=qualified("t", k), b=qualified("x", k)) for k in keys), " AND "),
            )
        )
        con.execute(compose("INSERT INTO {m} {q}", m=ident(mart), q=Fragment(mart_sql(mart, touched=True))))
    for name in (*MARTS, "pairs"):
        con.execute(compose("DROP TABLE IF EXISTS {p}", p=ident(f"_touched_{name}")))
    return touched


def reference_dirs() -> list[Path]:
    """data/reference/, then any registry extensions named in OVERSIGHT_REGISTRY_EXTRA (os.pathsep-separated
    folders holding towns.csv and communities.csv, e.g. the `.registry` folder `python -m sample --scale N` writes)."""
    extra = os.environ.get("OVERSIGHT_REGISTRY_EXTRA", "")
    return [REFERENCE, *(Path(p) for p in extra.split(os.pathsep) if p)]


def _schema_digest() -> str:
    """What the tables' and views' DDL and the marts' queries are in this version (etl_schema)."""
    return hashlib.sha256((schema_sql() + _marts_digest()).encode()).hexdigest()


def init_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create tables and views (only when their DDL, kept as a digest in `etl_schema`, changed
    since the warehouse's last load). A new warehouse's registry is seeded from data/reference/ (and
    the extensions of reference_dirs); an existing registry is never touched by a load — it is
    data in the warehouse, changed only by `update_registry` (`python -m etl registry update`)."""
    digest = _schema_digest()
    try:  # the same DDL, and the marts' bookkeeping (of these marts' queries) and tables in place
        current = con.execute(
            "SELECT s.digest, m.definition, (SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_catalog = current_database() AND table_type = 'BASE TABLE' AND list_contains($marts, table_name)) "
            "FROM etl_schema AS s, etl_marts AS m",
            {"marts": list(MARTS)},
        ).fetchall() == [(digest, _marts_digest(), len(MARTS))]
    except duckdb.CatalogException:  # a new warehouse, or one made before etl_schema
        current = False
    # The DDL and the marts' views only when they changed: re-creating ~40 views and tables on
    # every load cost 0.2-0.6 s of each one-file load (and their catalog entries rewritten at CHECKPOINT)
    if not current:
        con.execute(schema_sql())
        _ensure_marts(con)
        con.execute("CREATE TABLE IF NOT EXISTS etl_schema (digest VARCHAR NOT NULL)")
        con.execute("DELETE FROM etl_schema")
        con.execute("INSERT INTO etl_schema VALUES ($d)", {"d": digest})
    if con.execute("SELECT COUNT(*) FROM ref_community").fetchall()[0][0] == 0:
        update_registry(con, reference_dirs())


_COMMUNITY_COLUMNS = "community_name, town_code, community_type, group_name, urban, synthetic, aliases"


def update_registry(con: duckdb.DuckDBPyConnection, folders: list[Path]) -> dict[str, int]:
    """Add and update townships and communities from division-code files (`towns.csv`,
    `communities.csv` in each folder, the columns of data/reference/), by code: a new code is
    added, a known one takes the file's name, type and 片区. Nothing is ever deleted, so a
    folder holding one county never shrinks a province warehouse. Returns counts:
    towns_added, towns_updated, communities_added, communities_updated. Raises
    FileNotFoundError when a folder lacks either file."""
    counts = dict.fromkeys(("towns_added", "towns_updated", "communities_added", "communities_updated"), 0)
    for folder in folders:
        towns, communities = Path(folder) / "towns.csv", Path(folder) / "communities.csv"
        for f in (towns, communities):
            if not f.is_file():
                raise FileNotFoundError(f"缺少名录文件 / missing registry file: {f.name} in {folder}")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _towns AS SELECT DISTINCT town_code, town_name, town_type "
            "FROM read_csv($p, all_varchar = true)",
            {"p": str(towns)},
        )
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _communities AS
               SELECT DISTINCT community_code, community_name, town_code, community_type, group_name,
                      urban = 'true' AS urban, synthetic = 'true' AS synthetic, aliases
               FROM read_csv($p, all_varchar = true)""",
            {"p": str(communities)},
        )
        for table, new, key, cols in (
            ("ref_town", "_towns", "town_code", "town_name, town_type"),
            ("ref_community", "_communities", "community_code", _COMMUNITY_COLUMNS),
        ):
            added, updated = con.execute(
                compose(
                    "SELECT COUNT(*) FILTER (WHERE o.{key} IS NULL), "
                    "COUNT(*) FILTER (WHERE o.{key} IS NOT NULL AND ({n_cols}) IS DISTINCT FROM ({o_cols})) "
                    "FROM {new} AS n LEFT JOIN {table} AS o USING ({key})",
                    key=ident(key),
                    n_cols=join(qualified("n", c.strip()) for c in cols.split(",")),
                    o_cols=join(qualified("o", c.strip()) for c in cols.split(",")),
                    new=ident(new),
                    table=ident(table),
                )
            ).fetchall()[0]
            noun = "towns" if table == "ref_town" else "communities"
            counts[f"{noun}_added"] += added
            counts[f"{noun}_updated"] += updated
        con.execute("DELETE FROM ref_town WHERE town_code IN (SELECT town_code FROM _towns)")
        con.execute("INSERT INTO ref_town SELECT * FROM _towns")
        con.execute("DELETE FROM ref_community WHERE community_code IN (SELECT community_code FROM _communities)")
        con.execute("INSERT INTO ref_community SELECT * FROM _communities")
    store_name_forms(con)
    if any(counts.values()):  # names, townships and 片区 are in every mart row
        _mark_marts_stale(con)
    return counts


def _next_path(live: Path) -> Path:
    return live.with_name(f"{live.name}.next-{os.getpid()}")


@dataclass(frozen=True)
class Waiting:
    """Another load holds the warehouse: who (its process id and what it said it is doing, as
    written into the lock file), since when, and how long this one has waited (seconds)."""

    pid: int | None
    what: str
    since: datetime | None
    waited: float

    def message(self, lang: str | None = None) -> str:
        """ "另一个装载正在进行（进程 1234，已运行 12 秒），已等待 3 秒" in "zh", its English in "en",
        both joined by " / " when `lang` is None (the CLI)."""
        ran = (datetime.now() - self.since).seconds if self.since else None
        zh = (
            f"另一个装载正在进行（{f'进程 {self.pid}' if self.pid else '另一进程'}"
            f"{f'，已运行 {ran} 秒' if ran is not None else ''}），已等待 {self.waited:.0f} 秒"
        )
        en = (
            f"another load is running (pid {self.pid or '?'}{f', running for {ran} s' if ran is not None else ''});"
            f" waited {self.waited:.0f} s"
        )
        return {"zh": zh, "en": en}.get(lang or "", f"{zh} / {en}")


WAIT_POLL = 0.5  # seconds between tries for a held lock; on_wait is told at every try
# DuckDB's memory in a load (beyond it, it spills to <file>.next-<pid>.tmp/): without a limit, the
# marts' rebuild of a fresh 1,000,000-row warehouse took the load's peak RSS from 1.16 to 1.6-1.8 GB
# (bench/etl_bench.py, target < 1.5 GB); with it, 1.2 GB and no slower.
WRITER_MEMORY_LIMIT = "1GB"


def _holder(lock_path: Path) -> tuple[int | None, str, datetime | None]:
    try:
        info = json.loads(lock_path.read_text(encoding="utf-8") or "{}")
        return (
            info.get("pid"),
            info.get("what", ""),
            datetime.fromisoformat(info["since"]) if info.get("since") else None,
        )
    except (OSError, ValueError, KeyError):
        return None, "", None


def _acquire(fd: int, lock_path: Path, on_wait: Callable[[Waiting], None] | None) -> None:
    """Take the exclusive lock; while another load holds it, tell `on_wait` who and for how long."""
    start = time.monotonic()
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if on_wait is not None:
                on_wait(Waiting(*_holder(lock_path), waited=time.monotonic() - start))
            time.sleep(WAIT_POLL)


@contextlib.contextmanager
def writer(
    db: Path | str = DEFAULT_DB,
    on_wait: Callable[[Waiting], None] | None = None,
    what: str = "load",
    keep: bool = True,
    marts: str = "rebuild",
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to the next version of the warehouse at `db`.

    On a clean exit the marts are refreshed (`refresh_marts`: `marts="rebuild"` rebuilds them
    whole, right after any write; `marts="loads"` recomputes only the rows this writer's loads
    wrote — what `etl.load.load_paths` writes, each row stamped with its load id) and the new
    version replaces the live file atomically (with `keep=False`, a dry run, it is thrown away
    instead); on any exception (or a kill) the live file is untouched. Concurrent writers wait for each other on a lock file;
    the holder writes its pid, `what` and start time into it, and a waiting writer calls
    `on_wait(Waiting)` every WAIT_POLL seconds so its user knows why nothing happens.
    """
    live = Path(db)
    if not live.parent.is_dir():
        raise WarehouseError(f"仓库目录不存在 / warehouse folder does not exist: {live.parent}")
    lock_path = live.with_name(live.name + ".lock")
    with lock_path.open("a") as lock:
        _acquire(lock.fileno(), lock_path, on_wait)
        os.ftruncate(lock.fileno(), 0)
        lock.write(
            json.dumps({"pid": os.getpid(), "what": what, "since": datetime.now().isoformat(timespec="seconds")})
        )
        lock.flush()
        for stale in live.parent.glob(live.name + ".next-*"):  # and a crashed writer's spill folder (.tmp)
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)
        nxt = _next_path(live)
        flushing: threading.Thread | None = None
        try:
            if live.exists():
                shutil.copyfile(live, nxt)
                flushing = _write_back(nxt)
            con = duckdb.connect(str(nxt), config={"memory_limit": WRITER_MEMORY_LIMIT})
        except (OSError, duckdb.Error) as e:
            nxt.unlink(missing_ok=True)
            raise WarehouseError(f"无法打开仓库 / cannot open warehouse {live}: {e}") from e
        try:
            try:
                init_schema(con)
            except duckdb.Error as e:
                raise WarehouseError(f"仓库结构不兼容 / not a warehouse of this version {live}: {e}") from e
            first_load = _next_load(con)
            yield con
            if not keep:
                raise _Discard
            refresh_marts(con, first_load if marts == "loads" else None)
            try:
                con.execute("CHECKPOINT")
                con.close()
                if flushing is not None:
                    flushing.join()
                with nxt.open("rb") as f:
                    os.fsync(f.fileno())
                os.replace(nxt, live)
            except (OSError, duckdb.Error) as e:  # e.g. no space left for the new version
                raise WarehouseError(
                    f"无法写入新版本仓库（磁盘空间不足？），仓库保持原样 / cannot write the warehouse "
                    f"(disk full?); it is unchanged: {e}"
                ) from e
        except BaseException as e:
            con.close()
            nxt.unlink(missing_ok=True)
            Path(str(nxt) + ".wal").unlink(missing_ok=True)
            if not isinstance(e, _Discard):
                raise


def _write_back(path: Path) -> threading.Thread:
    """Start writing the fresh copy at `path` to disk (fsync, in a thread) while the load works in
    it: the fsync before the swap then finds only the load's own writes. It had to write the whole
    copy first — the x50 warehouse's 149 MB, 0.07-0.08 s of every load's CHECKPOINT (0.007 s
    once written back). The swap's own fsync is what makes the new version durable; an error
    here changes nothing and is left to it."""

    def run() -> None:
        with contextlib.suppress(OSError), path.open("rb") as f:
            os.fsync(f.fileno())

    thread = threading.Thread(target=run, name="warehouse-write-back", daemon=True)
    thread.start()
    return thread


class _Discard(Exception):
    """Raised inside `writer` to throw a dry run's version away."""


def _sql_string(path: Path | str) -> str:
    """A file path as the body of a SQL string literal (ATTACH takes no bound parameter)."""
    return str(path).replace("'", "''")


def version(db: Path | str = DEFAULT_DB) -> str:
    """Identity of the live warehouse file; changes whenever a load swaps in a new version."""
    try:
        st = os.stat(db)
    except FileNotFoundError:
        return "missing"
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


def reader(db: Path | str = DEFAULT_DB) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the live warehouse (never blocks or is blocked by a load)."""
    if not Path(db).exists():
        raise WarehouseError(f"仓库文件不存在 / warehouse not found: {db}")
    try:
        # ATTACH into a fresh in-memory instance: duckdb.connect(path) reuses a cached instance
        # per path, which in a long-lived process could keep serving the file a load replaced.
        con = duckdb.connect(":memory:")
        con.execute(f"ATTACH '{_sql_string(db)}' AS warehouse (READ_ONLY)")
        con.execute("USE warehouse")
        return con
    except duckdb.Error as e:
        raise WarehouseError(f"无法打开仓库 / cannot open warehouse {db}: {e}") from e


def outdated(con: duckdb.DuckDBPyConnection) -> str | None:
    """Why the warehouse open on `con` (a reader is enough) cannot be read as it stands, or None
    when it is current: a warehouse an older version of the ETL wrote may lack a mart (before
    the marts were stored), hold marts built from other queries than this version's (the digest
    in etl_marts), or have a rebuild pending. Its figures would be missing or wrong, so the
    dashboard refuses it and `upgrade` (`python -m etl upgrade`) brings it up to date. The
    reason is a short English phrase for logs (`no etl_marts`, `marts built by other queries`,
    `rebuild pending`, `missing mart <name>`, `tables of another version`: the DDL in etl_schema
    is not this version's)."""
    try:
        schema = con.execute("SELECT digest FROM etl_schema").fetchall()
    except duckdb.CatalogException:
        schema = []
    try:
        state = con.execute("SELECT definition, stale FROM etl_marts").fetchall()
        tables = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                "AND table_type = 'BASE TABLE' AND table_catalog = current_database()"
            ).fetchall()
        }
    except duckdb.CatalogException:
        return "no etl_marts"
    if not state:
        return "no etl_marts"
    if state[0][0] != _marts_digest():
        return "marts built by other queries"
    if state[0][1]:
        return "rebuild pending"
    missing = [m for m in MARTS if m not in tables]
    if missing:
        return f"missing mart {missing[0]}"
    return None if schema == [(_schema_digest(),)] else "tables of another version"


def upgrade(db: Path | str = DEFAULT_DB) -> str | None:
    """Bring the warehouse at `db` up to this version when `outdated` says it must be: a write
    that changes no data (the schema and views made anew, every mart rebuilt), atomic like any
    load. Returns the reason it was upgraded, or None when it was current (nothing written).
    Raises WarehouseError when the file is missing or cannot be opened."""
    con = reader(db)
    try:
        reason = outdated(con)
    finally:
        con.close()
    if reason is not None:
        with writer(db, what="upgrade"):
            pass
    return reason
