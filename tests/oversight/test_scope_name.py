"""The selection in words, as page headers and download file names say it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import streamlit as st

from oversight.filters import Filters
from oversight.frame.components import scope_name


def test_the_selection_in_words(tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERSIGHT_DB", str(tiny_db))
    st.cache_data.clear()
    m = date(2024, 1, 1)
    from oversight.queries.common import communities

    reg = communities().set_index("community_name")
    dongbei, linjiang = reg.loc["东北社区", "community_code"], reg.loc["临江社区", "community_code"]
    xinzheng, jincheng = reg.loc["东北社区", "town_code"], reg.loc["金新社区", "town_code"]

    def said(**kw: object) -> str:
        return scope_name(
            Filters("zh", **{"town_codes": (), "group": None, "community_codes": (), **kw}, month_from=m, month_to=m)
        )

    assert said() == "全县"
    assert scope_name(Filters("zh", (), None, (), m, m), for_file=True) != ""
    assert said(town_codes=(xinzheng,)) == "新政镇"
    assert said(town_codes=(xinzheng, jincheng)).startswith("新政镇等2个")
    assert said(town_codes=(xinzheng,), community_codes=(dongbei,)) == "新政镇东北社区"
    assert said(community_codes=(dongbei, linjiang)).startswith("新政镇东北社区等2个")
    assert said(group="城乡融合片区一组") == "城乡融合片区一组"
    st.cache_data.clear()
