"""What the upload page shows after a load: the quarantined rows of the files just loaded."""

from __future__ import annotations

import pandas as pd

from core.sql import Fragment, compose
from oversight.db import query, warehouse_exists
from oversight.queries.common import file_name_sql


def quarantined(files: list[str]) -> pd.DataFrame:
    """Quarantine records (file — its name, never the server's folder —, sheet, row, reason,
    original values) of the given files (stored paths, as etl.load.FileResult.path)."""
    if not files:
        return pd.DataFrame(columns=["file", "sheet", "row_number", "reason", "original"])
    return query(
        compose(
            """
        SELECT {file} AS file, sheet, row_number, reason, original
        FROM quarantine
        WHERE file IN (SELECT unnest($files))
          AND load_id = (SELECT max(load_id) FROM quarantine q2 WHERE q2.file = quarantine.file)
        ORDER BY file, sheet, row_number
        """,
            file=file_name_sql(Fragment("file")),
        ),
        {"files": files},
        cached=False,
    )


def community_names() -> dict[str, str]:
    """Every 村(社区) of the registry, code → name ({} before the first load made the warehouse),
    so the preview names the community a change is in rather than its 12-digit code."""
    if not warehouse_exists():
        return {}
    df = query("SELECT community_code, community_name FROM ref_community")
    return dict(zip(df["community_code"], df["community_name"], strict=True))
