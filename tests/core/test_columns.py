"""core.columns.value_text: a stored value (the ETL keeps corrections as text) as a person reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.columns import value_text
from etl.warehouse import reader


@pytest.mark.parametrize(
    ("stored", "zh", "en"),
    [
        (None, "", ""),
        ("120.0", "120", "120"),
        ("1210", "1,210", "1,210"),
        ("17.5", "17.5", "17.5"),
        ("true", "是", "yes"),
        ("false", "否", "no"),
        ("2022-08-05", "2022-08-05", "2022-08-05"),
        ("东北社区", "东北社区", "东北社区"),
        ("nan", "nan", "nan"),
    ],
)
def test_values_read_as_written_on_the_report(stored: str | None, zh: str, en: str) -> None:
    assert (value_text(stored, "zh"), value_text(stored, "en")) == (zh, en)


def test_every_column_the_data_page_offers_has_a_header_in_both_languages(sample_db: Path) -> None:
    # A column a view gains (community_month.next_month) would otherwise reach the 数据 page, its
    # table and its downloads under its SQL name in both languages.
    from core.columns import label
    from oversight.queries.data import VIEWS

    con = reader(sample_db)
    try:
        missing = [
            (v, c)
            for v in VIEWS
            for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE {v})").fetchall()
            if label(c, "zh") is None or label(c, "en") is None
        ]
    finally:
        con.close()
    assert missing == []
