"""`python -m etl {load,status,registry,upgrade,export-parquet,template,sample} …` — the command line of the ETL."""

from __future__ import annotations

import sys

from core.commands import dispatch

# subcommand -> (module with add_arguments(parser, name) and run(args) -> exit code, help)
COMMANDS = {
    "load": ("etl.cli", "装载报表到仓库 / load report files into the warehouse"),
    "status": ("etl.cli", "各月报送情况 / which communities reported each month"),
    "registry": ("etl.cli", "更新村(社区)名录 / add or update townships and communities from division-code files"),
    "upgrade": ("etl.cli", "把旧版本写的仓库更新到当前版本 / bring a warehouse an older version wrote up to this one"),
    "export-parquet": (
        "etl.export",
        "导出 Parquet（Spark/Trino/DuckDB）/ every public view as Hive-partitioned Parquet",
    ),
    "template": ("etl.template", "生成报表模板 / write the official report workbook"),
    "sample": ("sample.cli", "生成示例县数据 / generate the sample county's report files"),
}


def main(argv: list[str] | None = None) -> int:
    return dispatch("python -m etl", "仪陇县社区治理报表 ETL", COMMANDS, argv)


if __name__ == "__main__":
    sys.exit(main())
