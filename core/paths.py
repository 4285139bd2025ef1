"""Where the product's files live: the project root and the warehouse file."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = ROOT / "data" / "warehouse.duckdb"
REFERENCE = ROOT / "data" / "reference"  # the registry: towns.csv, communities.csv, known_communities.csv


def db_path() -> Path:
    """The warehouse file: $OVERSIGHT_DB, else data/warehouse.duckdb in the project."""
    env = os.environ.get("OVERSIGHT_DB")
    return Path(env) if env else DEFAULT_DB
