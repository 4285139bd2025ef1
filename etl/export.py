"""`python -m etl export-parquet DIR`: every public view of the warehouse as Hive-partitioned
Parquet, the hand-over to engines beyond one machine (Apache Spark, Trino, DuckDB itself).

Layout (documented for readers in docs/scaling.md):

    DIR/_manifest.json                      views, their columns and DuckDB types, row counts
    DIR/community_month/year=2024/town_code=511324101000/data_0.parquet
    DIR/community/town_code=511324101000/data_0.parquet
    DIR/quarantine/data_0.parquet           (no township, no date: one directory)

An empty view is one empty file in partition year=0 (and/or town_code=0), so its schema is kept.

A view is partitioned by `year` (the year of its date column, an INTEGER added for the layout)
and by `town_code` (VARCHAR), each where the view has it. As Hive layouts do, the partition
columns live only in the directory names, not inside the files. Integer sums DuckDB types as
HUGEINT (town_month) are written as BIGINT, which every engine reads; the manifest keeps the
warehouse's own type, so `oversight.db`'s Parquet mode gives back exactly what the warehouse
gives. The export is written beside DIR and swapped in whole, so a reader never sees half of it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from core.paths import db_path
from core.sql import Fragment, compose, ident, join
from etl.warehouse import WarehouseError, reader

MANIFEST = "_manifest.json"
FORMAT = 1  # the manifest's layout version


@dataclass(frozen=True)
class PublicView:
    """A public view (etl/sql/views.sql, marts/) and how its export is partitioned."""

    name: str
    year_of: str | None  # the date column whose year is the `year` partition; None = no year
    by_town: bool  # partitioned by town_code


# Every public view: the interface of docs/warehouse.md. Staging and registry tables are not exported.
PUBLIC_VIEWS: tuple[PublicView, ...] = (
    PublicView("community", None, True),
    PublicView("community_month", "month", True),
    PublicView("town_month", "month", True),
    PublicView("month_coverage", "month", True),
    PublicView("neighborhood_month", "month", True),
    PublicView("service_center_project", "completed_on", True),
    PublicView("volunteer_activity", "activity_date", True),
    PublicView("request_case", "received_on", True),
    PublicView("load_log", "loaded_at", False),
    PublicView("quarantine", None, False),
    PublicView("correction", "loaded_at", True),
    PublicView("quality_flag", "month", False),
)
_WIDE = {"HUGEINT": "BIGINT", "UHUGEINT": "BIGINT"}  # not in Parquet; counts fit BIGINT


def partitions(v: PublicView) -> tuple[str, ...]:
    """The partition columns of `v`'s export, in directory order (year before town_code)."""
    return (*(("year",) if v.year_of else ()), *(("town_code",) if v.by_town else ()))


def _select(v: PublicView, columns: list[tuple[str, str]]) -> Fragment:
    cols = [
        compose("CAST({c} AS {t}) AS {c}", c=ident(c), t=Fragment(_WIDE[t])) if t in _WIDE else ident(c)
        for c, t in columns
    ]
    if v.year_of:
        cols.append(compose("CAST(year({c}) AS INTEGER) AS year", c=ident(v.year_of)))
    return compose("SELECT {cols} FROM {v}", cols=join(cols), v=ident(v.name))


def export_parquet(db: Path | str, out: Path | str) -> dict:
    """Write every view of PUBLIC_VIEWS from warehouse `db` under folder `out` (replaced whole;
    its parent must exist) and return the manifest: {"format", "views": {name: {"columns":
    [[name, duckdb type], …], "partitions": [...], "rows": int}}}. Raises
    etl.warehouse.WarehouseError if `db` cannot be opened, OSError if `out` cannot be written."""
    out = Path(out).resolve()
    tmp = out.with_name(f"{out.name}.next-{os.getpid()}")
    manifest: dict = {"format": FORMAT, "views": {}}
    con = reader(db)
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        for v in PUBLIC_VIEWS:
            columns = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_catalog = 'warehouse' AND table_name = $t ORDER BY ordinal_position",
                {"t": v.name},
            ).fetchall()
            target = tmp / v.name
            parts = partitions(v)
            select = _select(v, columns)
            path = str(target if parts else target / "data_0.parquet").replace("'", "''")
            options = Fragment("FORMAT parquet, COMPRESSION zstd")
            if parts:
                options = compose("{o}, PARTITION_BY ({p})", o=options, p=join(ident(p) for p in parts))
            else:
                target.mkdir()
            # COPY takes no bound parameter for its target; the path is this process's own, quoted above.
            con.execute(compose("COPY ({s}) TO '{p}' ({o})", s=select, p=Fragment(path), o=options))
            rows = con.execute(compose("SELECT COUNT(*) FROM {v}", v=ident(v.name))).fetchall()[0][0]
            if rows == 0 and parts:  # COPY writes no file for no rows: one empty file keeps the schema
                empty = target.joinpath(*(f"{p}=0" for p in parts))  # a partition no row is in
                empty.mkdir(parents=True, exist_ok=True)
                file = str(empty / "empty.parquet").replace("'", "''")
                kept = join(ident(c) for c, _ in columns if c not in parts)
                none = compose("SELECT {k} FROM ({s}) LIMIT 0", k=kept, s=select)
                con.execute(compose("COPY ({s}) TO '{p}' (FORMAT parquet)", s=none, p=Fragment(file)))
            manifest["views"][v.name] = {"columns": [list(c) for c in columns], "partitions": list(parts), "rows": rows}
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        con.close()
    (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    old = out.with_name(f"{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    return manifest


def read_manifest(folder: Path | str) -> dict:
    """The manifest export_parquet wrote in `folder`; FileNotFoundError if there is none,
    ValueError for an export of another format."""
    manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise ValueError(f"not a format-{FORMAT} export: {folder}")
    return manifest


_TYPE = re.compile(r"^[A-Z][A-Z0-9_]*(\(\d+(, ?\d+)?\))?$")
_HIVE_TYPES = {"year": Fragment("'year': INTEGER"), "town_code": Fragment("'town_code': VARCHAR")}


def _sql_path(path: Path) -> Fragment:
    return Fragment("'" + str(path).replace("'", "''") + "'")


def duckdb_views_sql(folder: Path | str) -> Fragment:
    """CREATE VIEW statements (one script) that make an export of `folder` look like the
    warehouse: each public view by its name, with its columns in the warehouse's order and of
    the warehouse's types, over `read_parquet` with Hive partitioning. Raises FileNotFoundError
    or ValueError as read_manifest does, ValueError for a type or name not in the warehouse's form."""
    folder = Path(folder).resolve()
    statements = []
    for name, spec in read_manifest(folder)["views"].items():
        cols = []
        for col, typ in spec["columns"]:
            if not _TYPE.match(typ):
                raise ValueError(f"unexpected type in manifest: {typ!r}")
            cast = typ in _WIDE or col in spec["partitions"]
            cols.append(compose("CAST({c} AS {t}) AS {c}", c=ident(col), t=Fragment(typ)) if cast else ident(col))
        parts = spec["partitions"]
        if parts:
            types = join(_HIVE_TYPES[p] for p in parts)
            source = compose(
                "read_parquet({f}, hive_partitioning = true, hive_types = {{{t}}})",
                f=_sql_path(folder / name / "**" / "*.parquet"),
                t=types,
            )
        else:
            source = compose("read_parquet({f}, hive_partitioning = false)", f=_sql_path(folder / name / "*.parquet"))
        statements.append(
            compose("CREATE OR REPLACE VIEW {v} AS SELECT {c} FROM {s};", v=ident(name), c=join(cols), s=source)
        )
    return join(statements, "\n")


def add_arguments(parser: argparse.ArgumentParser, name: str = "export-parquet") -> None:
    """Arguments of `python -m etl export-parquet DIR [--db FILE] [--json]`."""
    parser.add_argument("dir", type=Path, metavar="DIR", help="导出文件夹（整体替换）/ export folder (replaced whole)")
    parser.add_argument(
        "--db", type=Path, help="仓库文件（默认 $OVERSIGHT_DB 或 data/warehouse.duckdb）/ warehouse file"
    )
    parser.add_argument("--json", action="store_true", help="在标准输出打印清单 / print the manifest as JSON")


def run(args: argparse.Namespace) -> int:
    """Export; exit 0, or 2 (reason on stderr) if the warehouse or the folder cannot be used."""
    try:
        manifest = export_parquet(args.db or db_path(), args.dir)
    except (WarehouseError, OSError) as e:
        print(f"无法导出 / cannot export: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(manifest, ensure_ascii=False))
    else:
        for name, spec in manifest["views"].items():
            print(f"{name}: {spec['rows']:,} 行 rows, 分区 partitions {', '.join(spec['partitions']) or '—'}")
        print(f"已导出到 / exported to {Path(args.dir).resolve()}")
    return 0
