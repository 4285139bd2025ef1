"""`python -m etl load PATH…`, `python -m etl status`, `python -m etl registry update FOLDER…`,
`python -m etl upgrade`: load reports, see who reported, keep the registry of townships and
communities, bring a warehouse an older version wrote up to this one.

Exit codes: 0 every row loaded; 1 some rows or files quarantined/rejected, or a filled-in column
not loaded (status partial); 2 the command could not run (no such path, no report files,
warehouse cannot be opened). Messages: Chinese first. The load result's format (also --json):
docs/loading.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from core import audit, columns, incidents
from core.paths import db_path
from etl.load import COUNTS, FileResult, Options, is_large_change, load_paths
from etl.readers import iter_report_files
from etl.warehouse import SQL_DIR, Waiting, WarehouseError, reader, update_registry, upgrade, writer

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
STATUS_LABELS = {
    "loaded": "已装载 loaded",
    "partial": "部分装载 partial",
    "rejected": "已拒收 rejected",
    "unchanged": "未变化 unchanged",
}
STATUS_STYLES = {"loaded": "green", "partial": "yellow", "rejected": "red", "unchanged": "dim"}


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD / a date as YYYY-MM-DD: {text!r}") from e


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Arguments of the `load`, `status`, `registry` and `upgrade` subcommands."""
    if name == "registry":
        parser.add_argument(
            "action", choices=("update",), help="update: 新增或更新，从不删除 / add or update, never delete"
        )
        parser.add_argument(
            "folders", nargs="+", type=Path, metavar="FOLDER", help="含 towns.csv 与 communities.csv 的文件夹 / folders"
        )
    if name == "load":
        parser.add_argument(
            "paths", nargs="+", type=Path, metavar="PATH", help="报表文件或文件夹 / report files or folders"
        )
        parser.add_argument("--today", type=_day, help="装载日期（默认今天）/ load date, default today (YYYY-MM-DD)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="比已装载数据旧的行也装载 / load rows even when older than the stored ones",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="预演：报告会装载、替换、隔离什么，不写入 / preview what would load, change or be set aside; write nothing",
        )
    parser.add_argument(
        "--db", type=Path, help="仓库文件（默认 $OVERSIGHT_DB 或 data/warehouse.duckdb）/ warehouse file"
    )
    parser.add_argument("--json", action="store_true", help="在标准输出打印一个 JSON 对象 / print one JSON object")


def run(args: argparse.Namespace) -> int:
    commands = {"load": run_load, "status": run_status, "registry": run_registry, "upgrade": run_upgrade}
    return commands[args.command](args)


def run_upgrade(args: argparse.Namespace) -> int:
    """`python -m etl upgrade`: rebuild the schema and marts of a warehouse an older version of
    the ETL wrote (etl.warehouse.upgrade); nothing is written when it is current. Exit 0 either
    way, 2 when the warehouse cannot be opened."""
    db = args.db or db_path()
    try:
        reason = upgrade(db)
    except WarehouseError as e:
        return _could_not_run(args, str(e))
    if args.json:
        print(json.dumps({"upgraded": reason is not None, "reason": reason}, ensure_ascii=False))
    elif reason is None:
        Console().print("仓库已是当前版本，未改动 / the warehouse is current; nothing written", highlight=False)
    else:
        Console().print(f"仓库已更新到当前版本 / the warehouse was upgraded ({reason})", highlight=False)
    return EXIT_OK


def run_registry(args: argparse.Namespace) -> int:
    """`python -m etl registry update FOLDER…`: the registry from division-code files, by code."""
    db = args.db or db_path()
    try:
        with writer(db, what="registry update") as con:
            counts = update_registry(con, args.folders)
    except (FileNotFoundError, WarehouseError) as e:
        return _could_not_run(args, str(e))
    if args.json:
        print(json.dumps(counts, ensure_ascii=False))
    else:
        Console().print(
            f"乡镇(街道) 新增 {counts['towns_added']}、更新 {counts['towns_updated']}；村(社区) 新增 "
            f"{counts['communities_added']}、更新 {counts['communities_updated']}（名录从不删减）/ towns added "
            f"{counts['towns_added']}, updated {counts['towns_updated']}; communities added "
            f"{counts['communities_added']}, updated {counts['communities_updated']} (nothing is ever removed)",
            highlight=False,
        )
    return EXIT_OK


def _fail(message: str) -> int:
    Console(stderr=True).print(f"[red]{message}[/red]", highlight=False)
    return EXIT_USAGE


def _could_not_run(args: argparse.Namespace, message: str) -> int:
    """Exit 2 with the reason on stderr (and, with --json, as JSON on stdout: nothing was loaded)."""
    if getattr(args, "json", False):
        totals = dict.fromkeys(COUNTS, 0)
        print(json.dumps({"files": [], "totals": totals, "error": message}, ensure_ascii=False))
    return _fail(message)


def run_load(args: argparse.Namespace) -> int:
    db = args.db or db_path()
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        return _fail(f"路径不存在 / no such path: {', '.join(map(str, missing))}")
    files = iter_report_files(args.paths)
    if not files:
        return _fail(f"未找到报表文件（.xlsx/.xls/.csv）/ no report files found in: {', '.join(map(str, args.paths))}")
    err = Console(stderr=True)
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("装载 / loading", total=len(files))
            told = [-10.0]

            def waiting(w: Waiting) -> None:  # say so at once, then every 10 s
                if w.waited - told[0] >= 10:
                    told[0] = w.waited
                    err.print(f"[yellow]{w.message()}[/yellow]", highlight=False)
                bar.update(task, description="等待另一个装载结束 / waiting for another load")

            results = load_paths(
                files,
                db=db,
                today=args.today,
                progress=lambda p: bar.update(task, advance=1, description=p.name),
                on_wait=waiting,
                options=Options(force=args.force, dry_run=args.dry_run),
            )
    except WarehouseError as e:
        return _could_not_run(args, str(e))
    except Exception:  # never a traceback on screen: recorded, and the command says it could not run
        return _could_not_run(args, incidents.user_message(incidents.record(f"etl load {args.paths}", db)))
    totals = {k: sum(getattr(r, k) for r in results) for k in COUNTS}
    if not args.dry_run:  # 留痕: who loaded which files (sha256) with what result, beside the warehouse
        audit.record_load(files, [r.as_dict() for r in results], via="cli", path=audit.audit_path(db))
    if args.json:
        out = {"files": [r.as_dict() for r in results], "totals": totals} | ({"dry_run": True} if args.dry_run else {})
        print(json.dumps(out, ensure_ascii=False))
    else:
        _print_results(results, totals, db, args.dry_run)
    clean = all(r.status in ("loaded", "unchanged") and r.rows_quarantined == 0 for r in results)
    return EXIT_OK if clean else EXIT_PROBLEMS


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# Quarantined rows listed per file under its line; the rest are counted (all are in the
# warehouse's quarantine view, the 数据 page's 隔离数据 table).
LISTED_ROWS = 10


def _quarantined(db: Path, results: list[FileResult]) -> dict[int, tuple[list[tuple], int]]:
    """Per load id of `results`: (its first LISTED_ROWS quarantined rows as (sheet, row_number,
    reason), how many it has), read back from the warehouse's quarantine view."""
    ids = [r.load_id for r in results if r.load_id is not None and r.rows_quarantined]
    if not ids:
        return {}
    con = reader(db)
    try:
        rows = con.execute(
            "SELECT load_id, sheet, row_number, reason, count(*) OVER (PARTITION BY load_id) AS n FROM quarantine "
            "WHERE list_contains($ids, load_id) "
            "QUALIFY row_number() OVER (PARTITION BY load_id ORDER BY sheet, row_number) <= $listed "
            "ORDER BY load_id, sheet, row_number",
            {"ids": ids, "listed": LISTED_ROWS},
        ).fetchall()
    finally:
        con.close()
    out: dict[int, tuple[list[tuple], int]] = {}
    for load_id, sheet, row, reason, n in rows:
        out.setdefault(load_id, ([], n))[0].append((sheet, row, reason))
    return out


def _print_results(results: list[FileResult], totals: dict[str, int], db: Path, dry_run: bool = False) -> None:
    title = f"预演，未写入 / preview, nothing written → {db}" if dry_run else f"装载结果 / load results → {db}"
    table = Table(title=title)
    table.add_column("文件 File", overflow="fold")
    table.add_column("状态 Status")
    for header in ("读取\nRead", "装载\nLoaded", "替换\nReplaced", "隔离\nQuarantined"):
        table.add_column(header, justify="right")
    for r in results:
        style = STATUS_STYLES[r.status]
        counts = [f"{getattr(r, k):,}" for k in COUNTS]
        table.add_row(_shown_path(r.path), f"[{style}]{STATUS_LABELS[r.status]}[/{style}]", *counts)
    table.add_section()
    table.add_row(f"合计 Total: {len(results)}", "", *[f"{totals[k]:,}" for k in COUNTS])
    out = Console()
    out.print(table)
    # what each file did, in the order the files were applied (load_id): of two files changing
    # the same value, the later one in this list holds
    quarantined = {} if dry_run else _quarantined(db, results)
    large = 0
    for r in sorted(results, key=lambda r: (r.load_id is None, r.load_id or 0)):
        applied = f"（第 {r.load_id} 次装载 / load {r.load_id}）" if r.load_id is not None else ""
        out.print(f"[bold]{_shown_path(r.path)}[/bold]{applied}: {r.message}", highlight=False)
        skipped = {s["reason"] for s in r.sheets_skipped}  # a hidden sheet's note is its skip reason: say it once
        for n in (n for n in r.notes if n["text"] not in skipped):
            mark = "[yellow]![/yellow]" if n["loses_data"] else "·"
            out.print(f"  {mark} {n['sheet'] or ''} {n['text']}".rstrip(), highlight=False)
        for s in r.sheets_skipped:
            out.print(f"  · 跳过工作表 / sheet skipped {s['sheet']}: {s['reason']}", highlight=False)
        for x in r.reasons if dry_run else ():  # a preview writes no quarantine rows: its reasons, counted
            out.print(f"  [red]✗[/red] {x['reason']}（{x['rows']} 行 / rows）", highlight=False)
        listed, n = quarantined.get(r.load_id, ([], 0))
        for sheet, row, reason in listed:
            out.print(f"  [red]✗[/red] {sheet or ''} 第 {row} 行 / row {row}: {reason}", highlight=False)
        if n > len(listed):
            out.print(f"  [red]✗[/red] … 另 {n - len(listed)} 行 / {n - len(listed)} more rows", highlight=False)
        for c in r.changes:
            key = ", ".join(str(v) for v in c["key"].values())
            column = columns.label(c["column"], "zh") or c["column"]
            old, new = columns.value_text(c["old"], "zh") or "（空）", columns.value_text(c["new"], "zh") or "（空）"
            big = is_large_change(c["old"], c["new"])
            large += big
            mark = "[yellow]![/yellow]" if big else "·"
            out.print(f"  {mark} {key} {column}: {old} → {new}", highlight=False)
        if r.values_changed > len(r.changes):
            out.print(f"  · … 共更正 {r.values_changed} 个值 / {r.values_changed} values changed", highlight=False)
    if large:
        out.print(
            f"[yellow]![/yellow] {large} 个已装载的数值变化超过一半（上面标 !），请与报送单位核对；原值见「数据」页的更正记录"
            f" / {large} stored values changed by more than half (marked !): check them with the sender;"
            " the old values are in the Data page's corrections",
            highlight=False,
        )
    if totals["rows_quarantined"] or any(r.status == "rejected" for r in results):
        out.print(
            "被隔离的行及原因：看板「数据」页的「隔离数据」表 / every quarantined row and its reason:"
            " the dashboard's Data page, table “Quarantined rows”",
            highlight=False,
        )


def status_rows(db: Path) -> list[tuple]:
    """(month, community_code, community_name, town_name, reported) for every month loaded × registry."""
    con = reader(db)
    try:
        return con.execute((SQL_DIR / "status.sql").read_text(encoding="utf-8")).fetchall()
    finally:
        con.close()


def run_status(args: argparse.Namespace) -> int:
    db = args.db or db_path()
    try:
        rows = status_rows(db)
    except WarehouseError as e:
        return _fail(str(e))
    months: dict[str, dict] = {}
    for month, code, name, town, reported in rows:
        m = months.setdefault(month.strftime("%Y-%m"), {"reported": [], "missing": []})
        m["reported" if reported else "missing"].append(
            {"community_code": code, "community_name": name, "town_name": town}
        )
    summary = [
        {
            "month": month,
            "reported": len(m["reported"]),
            "missing": len(m["missing"]),
            "reported_communities": m["reported"],
            "missing_communities": m["missing"],
        }
        for month, m in months.items()
    ]
    if args.json:
        print(json.dumps({"db": str(db), "months": summary}, ensure_ascii=False))
        return EXIT_OK
    out = Console()
    if not summary:
        out.print(f"仓库中还没有月度指标 / no monthly indicators loaded yet: {db}")
        return EXIT_OK
    table = Table(title=f"各月报送情况 / who reported each month → {db}")
    table.add_column("月份 Month")
    table.add_column("已报 Reported", justify="right")
    table.add_column("未报 Missing", justify="right")
    table.add_column("未报村(社区) Missing communities", overflow="fold")
    for m in summary:
        names = [f"{c['town_name']}{c['community_name']}" for c in m["missing_communities"]]
        shown = "、".join(names[:8]) + (f" 等 {len(names)} 个 / {len(names)} in all" if len(names) > 8 else "")
        style = "green" if not names else "yellow"
        table.add_row(m["month"], str(m["reported"]), f"[{style}]{m['missing']}[/{style}]", shown)
    out.print(table)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    from etl.__main__ import main

    sys.exit(main())
