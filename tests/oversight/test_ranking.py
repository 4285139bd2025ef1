"""The overview ranking: ties are shown as ties, each rate stands beside its case count, and a
rate on fewer cases than the minimum-case rule is shown but not ranked (issue 16.2) — on the
tiny warehouse, whose figures are worked out by hand in tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from oversight.filters import Filters
from oversight.queries.overview import ranking
from tests.conftest import serving

JAN = date(2024, 1, 1)
COUNTY = Filters("zh", (), None, (), JAN, JAN)


@pytest.fixture
def tiny(tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with serving(tiny_db, monkeypatch) as db:
        yield db


def test_equal_values_share_a_rank_marked_tied(tiny: Path) -> None:
    # 小区党组织覆盖率 in January: 新政镇 6/8 and 金城镇 3/4 — both 75%
    df = ranking(COUNTY, "party_org_coverage").set_index("unit_name")
    assert df.loc[["新政镇", "金城镇"], "rank"].tolist() == [1, 1]
    assert df.loc[["新政镇", "金城镇"], "tied"].tolist() == [True, True]
    assert not df.drop(index=["新政镇", "金城镇"])["tied"].any()  # unranked townships are not "tied"


def test_each_rate_stands_beside_its_case_count_and_few_cases_are_not_ranked(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    df = ranking(COUNTY, "resolution_rate")
    cols = list(df.columns)
    assert cols[cols.index("resolution_rate") + 1] == "requests_received"
    assert cols[cols.index("satisfaction_rate") + 1] == "followups_total"
    by = df.set_index("unit_name")
    assert by.loc["金城镇", "rank"] == 1 and by.loc["新政镇", "rank"] == 2  # 29/30 = 96.7% > 135/150 = 90%
    monkeypatch.setenv("OVERSIGHT_MIN_CASES", "40")  # 金城镇 stands on 30 cases
    by = ranking(COUNTY, "resolution_rate").set_index("unit_name")
    assert pd.isna(by.loc["金城镇", "rank"]) and by.loc["金城镇", "resolution_rate"] == pytest.approx(29 / 30)
    assert by.loc["新政镇", "rank"] == 1
