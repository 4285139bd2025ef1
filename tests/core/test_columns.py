"""core.columns.value_text: a stored value (the ETL keeps corrections as text) as a person reads it."""

from __future__ import annotations

import pytest

from core.columns import value_text


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
