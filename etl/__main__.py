"""`python -m etl {load,status,registry,export-parquet,template,sample} …` — the command line of the ETL."""

from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> module with add_arguments(parser, name) and run(args) -> exit code
COMMANDS = {
    "load": ("etl.cli", "装载报表到仓库 / load report files into the warehouse"),
    "status": ("etl.cli", "各月报送情况 / which communities reported each month"),
    "registry": ("etl.cli", "更新村(社区)名录 / add or update townships and communities from division-code files"),
    "export-parquet": (
        "etl.export",
        "导出 Parquet（Spark/Trino/DuckDB）/ every public view as Hive-partitioned Parquet",
    ),
    "template": ("etl.template", "生成报表模板 / write the official report workbook"),
    "sample": ("sample.cli", "生成示例县数据 / generate the sample county's report files"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m etl", description="仪陇县社区治理报表 ETL")
    sub = parser.add_subparsers(dest="command", required=True)
    # Only the chosen subcommand's module is imported, so `load` never depends on the others.
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            importlib.import_module(module).add_arguments(p, name)
    args = parser.parse_args(argv)
    return importlib.import_module(COMMANDS[args.command][0]).run(args)


if __name__ == "__main__":
    sys.exit(main())
