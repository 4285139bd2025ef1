"""Streamlit's own English never stands in for ours. A missing value reads "—" in every table on every page: Streamlit's grid draws a null cell as
"None" whatever a Styler's na_rep says (the new-user pass found "None" in the arena's 名次, 第一名
占比 and other-method rank of an unranked 村), so every st.dataframe call passes placeholder="—".
And every selectbox and multiselect passes a placeholder: Streamlit shows "Choose an option"
when none is given and the value is None — which the 数据 page's sort box (None = the default
order) did in the Chinese UI. Read from the code: a new table or box without it fails here with
its file and line."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "dashboard.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "oversight").rglob("*.py")]


def _tables_without_placeholder(calls: tuple[str, ...] = ("dataframe",)) -> list[str]:
    out = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in calls
                and not any(k.arg == "placeholder" for k in node.keywords)
            ):
                out.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return out


def test_every_table_shows_a_dash_for_a_missing_value() -> None:
    assert _tables_without_placeholder() == []


def test_the_check_sees_the_tables() -> None:
    calls = sum(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "dataframe"
        for p in SOURCES
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
    )
    assert calls >= 6  # arena ×3, bulletin, flag_table, the frame's table


def test_every_choice_box_has_our_placeholder() -> None:
    assert _tables_without_placeholder(("selectbox", "multiselect")) == []
