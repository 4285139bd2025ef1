"""What the upload page shows after a load: the quarantined rows of the files just loaded."""

from __future__ import annotations

import pandas as pd

from oversight.db import query


def quarantined(files: list[str]) -> pd.DataFrame:
    """Quarantine records (file, sheet, row, reason, original values) of the given files."""
    if not files:
        return pd.DataFrame(columns=["file", "sheet", "row_number", "reason", "original"])
    return query(
        """
        SELECT file, sheet, row_number, reason, original
        FROM quarantine
        WHERE file IN (SELECT unnest($files))
          AND load_id = (SELECT max(load_id) FROM quarantine q2 WHERE q2.file = quarantine.file)
        ORDER BY file, sheet, row_number
        """,
        {"files": files},
        cached=False,
    )
