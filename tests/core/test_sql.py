"""SQL text is built from fragments only: a plain string (a cell, a URL value) cannot be
composed into a statement, and identifiers are checked."""

from __future__ import annotations

import pytest

from core.sql import Fragment, compose, ident, join, param


def test_a_plain_string_is_refused() -> None:
    with pytest.raises(TypeError, match="'w' is not a Fragment"):
        compose("SELECT * FROM community WHERE {w}", w="1=1; DROP TABLE stg_monthly")
    with pytest.raises(TypeError):
        join([ident("a"), "b"])


def test_fragments_compose() -> None:
    sql = compose(
        "SELECT {cols} FROM {t} WHERE town_code = {p}",
        cols=join([ident("a"), ident("b")]),
        t=ident("community"),
        p=param("town"),
    )
    assert sql == 'SELECT "a", "b" FROM "community" WHERE town_code = $town'
    assert isinstance(sql, Fragment)


@pytest.mark.parametrize("bad", ["", "1abc", 'a"b', "a b", "a;--", "名称", None])
def test_identifiers_are_plain_names(bad: object) -> None:
    with pytest.raises(ValueError):
        ident(bad)  # type: ignore[arg-type]
