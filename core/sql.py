"""Identifiers in SQL text. Values always travel as bound parameters; an identifier (a column,
a metric, an alias) cannot, so it reaches SQL text only through `ident`, which refuses anything
that is not a plain name. Every name it is given comes from the contract, the metric catalogue
or another fixed allow-list in code, never from a file or a user."""

from __future__ import annotations

import re

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def ident(name: str) -> str:
    """`name` as a quoted SQL identifier ('"households"'); ValueError unless it is a plain
    name (letters, digits, underscores, not starting with a digit)."""
    if not isinstance(name, str) or not _PLAIN.match(name):
        raise ValueError(f"not an identifier: {name!r}")
    return f'"{name}"'


def qualified(alias: str, name: str) -> str:
    """`alias."name"` (or just `"name"` when `alias` is empty), both checked by `ident`."""
    return f"{ident(alias)}.{ident(name)}" if alias else ident(name)


def param(name: str) -> str:
    """`$name`, the placeholder of a bound parameter whose name is fixed in code."""
    ident(name)
    return f"${name}"
