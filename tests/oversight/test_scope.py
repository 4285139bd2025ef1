"""The user's scope (Filters.allowed_towns) holds in every query function of oversight.queries,
found by reading the modules (a new query module is covered when it lands): with the scope
金城镇 and a selection naming 新政镇, no function returns a row, a name or a figure of 新政镇."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st

import oversight.queries
from core.sql import Fragment
from oversight.filters import Filters
from oversight.queries import data
from oversight.queries.common import scope_sql

XINZHENG, JINCHENG, DONGBEI = "511324101000", "511324100000", "511324101001"
OTHER = ("新政镇", "东北社区", "临江社区")
# Values for the other required parameters, by name.
ARGS = {"names": ("households", "requests_received", "resolution_rate"), "sort_by": "m2_per_100_households"}
MODULES = sorted(m.name for m in pkgutil.iter_modules(oversight.queries.__path__))


def _scoped(towns: tuple[str, ...] = (XINZHENG,), comms: tuple[str, ...] = (DONGBEI,)) -> Filters:
    return Filters("zh", towns, None, comms, date(2024, 1, 1), date(2024, 3, 1), (JINCHENG,))


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from tests.pages_fixtures import build_pages_db

    path = build_pages_db(tmp_path / "pages.duckdb")
    monkeypatch.setenv("OVERSIGHT_DB", str(path))
    st.cache_data.clear()
    yield path
    st.cache_data.clear()


def _leaks(out: object) -> list[str]:
    """What of 新政镇 a query's result holds (a frame's rows, a dict's figures)."""
    if isinstance(out, pd.DataFrame):
        found = []
        for col in ("town_code", "unit_code", "community_code"):
            if col in out.columns:
                found += [v for v in out[col].dropna().astype(str) if v.startswith(XINZHENG[:9])]
        text = out.astype(str).to_csv()
        return found + [n for n in OTHER if n in text]
    if isinstance(out, dict):  # figures (KPI totals): none where nothing of the scope is selected
        return [f"{k}={v}" for k, v in out.items() if isinstance(v, int | float) and v not in (0,)]
    if isinstance(out, tuple) and out and isinstance(out[0], Fragment):
        return []  # SQL text and its parameters (scope_sql, where …), checked through the queries
    if isinstance(out, tuple | list):
        return [x for part in out for x in _leaks(part)]
    return []


def _filter_functions() -> list[tuple[str, object]]:
    found = []
    for name in MODULES:
        module = importlib.import_module(f"oversight.queries.{name}")
        for fname, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or fname.startswith("_"):
                continue
            params = list(inspect.signature(fn).parameters.values())
            if params and params[0].name == "f":
                found.append((f"{name}.{fname}", fn))
    return found


def test_every_query_function_keeps_to_the_users_townships(db: Path) -> None:
    functions = _filter_functions()
    assert len(functions) > 25  # the discovery works (every page's queries)
    for selection in (_scoped(), _scoped((), ())):  # naming 新政镇, and the whole scope
        for label, fn in functions:
            params = list(inspect.signature(fn).parameters.values())[1:]
            kwargs = {p.name: ARGS[p.name] for p in params if p.default is inspect.Parameter.empty and p.name in ARGS}
            if any(p.default is inspect.Parameter.empty and p.name not in ARGS and p.name != "code" for p in params):
                continue
            if "code" in [p.name for p in params]:
                kwargs["code"] = DONGBEI  # a community of 新政镇, asked for by code
            out = fn(selection, **kwargs)
            leaked = _leaks(out)
            if selection.town_codes == () and isinstance(out, dict):
                continue  # the whole scope has 金城镇's figures; frames were checked above
            assert not leaked, (label, selection.town_codes, leaked[:5])


def test_every_view_of_the_data_page_keeps_to_the_users_townships(db: Path) -> None:
    f = _scoped((), ())
    assert set(data.views_for(f)) == {v for v, spec in data.VIEWS.items() if spec.scoped}
    for name in data.VIEWS:
        rows = data.rows(name, f, data.columns(name), limit=None)
        assert not _leaks(rows), name
        assert data.count(name, f) == len(rows)
        if name in ("load_log", "quarantine"):  # not filtered by township: nothing for a town user
            assert rows.empty
    everyone = Filters("zh", (), None, (), date(2024, 1, 1), date(2024, 3, 1))
    assert _leaks(data.rows("community_month", everyone, ["town_code", "community_code"]))  # the check can fail


def test_an_empty_scope_sees_nothing() -> None:
    sql, params = scope_sql(Filters("zh", (), None, (), date(2024, 1, 1), date(2024, 1, 1), ()))
    assert sql == "FALSE" and params == {}
