"""The page queries on Apache Spark, over a Parquet export (`python -m etl export-parquet DIR`).

One definition: every statement a page sends through `oversight.db.query` is DuckDB SQL with
`$name` parameters; `spark_sql` transpiles it with sqlglot (DuckDB dialect → Spark dialect,
`$name` → `:name`) and `run` executes it with Spark's own parameter binding. There is no second
copy of any query. `register` makes each public view of the export a temporary view of the same
name, columns in the warehouse's order, partition columns typed as the warehouse types them.

For a single machine `session()` starts Spark in local mode (no web UI, bound to 127.0.0.1, two
shuffle partitions — sized for the page queries' small results); on a cluster build the session
as the cluster wants and call `register` and `run` the same way. Needs Java 17
(`openjdk-17-jre-headless`, installed by scripts/setup.sh) and the pinned pyspark.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlglot

from etl.export import read_manifest

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Local-mode settings: small results, two cores, nothing listening beyond this machine.
LOCAL_CONF = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
    "spark.sql.session.timeZone": "UTC",
    # Hive partition values stay text (town codes have leading digits that are not numbers);
    # register() types them as the warehouse does.
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
}
_SPARK_TYPES = {"INTEGER": "INT", "VARCHAR": "STRING"}


def session(app: str = "oversight", master: str = "local[2]") -> SparkSession:
    """A Spark session in local mode with LOCAL_CONF (the one already running, if any)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app).master(master)
    for key, value in LOCAL_CONF.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def register(spark: SparkSession, folder: Path | str) -> list[str]:
    """Each public view of the export in `folder` as a temporary view of the same name (columns
    in the warehouse's order; `year` INT and `town_code` STRING from the directory names).
    Returns the view names. Raises as etl.export.read_manifest does."""
    folder = Path(folder).resolve()
    names = []
    for name, spec in read_manifest(folder)["views"].items():
        path = str(folder / name)
        frame = spark.read.option("basePath", path).parquet(path)
        types = {"year": "INT", "town_code": "STRING"}
        frame = frame.selectExpr(
            *(
                f"CAST(`{c}` AS {types[c]}) AS `{c}`" if c in spec["partitions"] else f"`{c}`"
                for c, _ in spec["columns"]
            )
        )
        frame.createOrReplaceTempView(name)
        names.append(name)
    return names


@lru_cache(maxsize=4096)
def spark_sql(sql: str) -> str:
    """DuckDB SQL text (as the query modules write it, `$name` parameters) in Spark's dialect
    (`:name` parameters), by sqlglot. Raises sqlglot.errors.UnsupportedError for a construct
    sqlglot cannot express in Spark (never a silent approximation)."""
    return sqlglot.transpile(sql, read="duckdb", write="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)[0]


def run(spark: SparkSession, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    """Rows of one page statement (DuckDB SQL, `$name` parameters bound from `params`) run on
    Spark over the registered views, as a pandas frame (Spark's types: dates as
    datetime.date, integers as int64 or float64 where missing)."""
    return spark.sql(spark_sql(sql), args=dict(params or {})).toPandas()
