"""A table marks each rate below its line: in red while it is small enough to style, with a tick
column beside the rate when it is not (a styled frame is rendered cell by cell: 17,400
communities took 3.6 s a rerun at ×50)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page(rows: int) -> AppTest:
    def script(rows: int) -> None:
        import pandas as pd

        from oversight.frame.components import table

        rates = [0.5 if i % 2 else 0.99 for i in range(rows)]
        table(
            pd.DataFrame({"community_name": [f"c{i}" for i in range(rows)], "resolution_rate": rates}), mark_below=True
        )

    at = AppTest.from_function(script, args=(rows,), default_timeout=30).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_small_table_marks_cells_red_and_a_large_one_ticks_them() -> None:
    small = _page(10)
    assert list(small.dataframe[0].value.columns) == ["community_name", "resolution_rate"]
    assert "#C62828" in small.dataframe[0].proto.arrow_data.styler.styles  # the red cells
    large = _page(1001)
    shown = large.dataframe[0].value
    assert list(shown.columns) == ["community_name", "resolution_rate", "resolution_rate__below"]
    assert shown["resolution_rate__below"].tolist() == [bool(i % 2) for i in range(1001)]
    assert not large.dataframe[0].proto.arrow_data.styler.styles
