"""SQL text built from trusted parts only.

Values always travel as bound parameters (`$name`). What cannot be bound — an identifier (a
column, a metric, an alias), a metric's expression, a WHERE clause of placeholders — is a
`Fragment`: SQL text that only code in this product makes (`ident`, `param`, `qualified`,
`core.metrics.sql`, the query modules' scope clauses). `compose` fills a statement template
with fragments and refuses anything else, so a value from a file or a user cannot end up in
SQL text by mistake; this is also why no statement here is built with an f-string. In the
manner of psycopg's `sql.SQL(...).format(sql.Identifier(...))`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Fragment(str):
    """A piece of SQL text made by code from trusted parts (never from input)."""

    __slots__ = ()


def ident(name: str) -> Fragment:
    """`name` as a quoted SQL identifier ('"households"'); ValueError unless it is a plain
    name (letters, digits, underscores, not starting with a digit). Every name it is given
    comes from the contract, the metric catalogue or another fixed allow-list in code."""
    if not isinstance(name, str) or not _PLAIN.match(name):
        raise ValueError(f"not an identifier: {name!r}")
    return Fragment(f'"{name}"')


def qualified(alias: str, name: str) -> Fragment:
    """`alias."name"` (or just `"name"` when `alias` is empty), both checked by `ident`."""
    return Fragment(f"{ident(alias)}.{ident(name)}") if alias else ident(name)


def param(name: str) -> Fragment:
    """`$name`, the placeholder of a bound parameter whose name is fixed in code."""
    ident(name)
    return Fragment(f"${name}")


def literal(value: str | float | int) -> Fragment:
    """A constant *of the code* as a SQL literal, for the one place a value cannot be bound: a
    view's definition (core.quality's thresholds in etl/sql/quality.sql). Numbers as written,
    text quoted with ' doubled; TypeError for anything else (a bool, None). Never given input:
    values from files or users are always bound with `param`."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError(f"not a literal constant: {value!r}")
    if isinstance(value, str):
        return Fragment("'" + value.replace("'", "''") + "'")
    return Fragment(repr(float(value)) if isinstance(value, float) else str(value))


def _check(name: str, part: object) -> Fragment:
    if not isinstance(part, Fragment):
        raise TypeError(f"SQL part {name!r} is not a Fragment: {type(part).__name__}")
    return part


def join(parts: Iterable[Fragment], sep: str = ", ") -> Fragment:
    """The fragments joined by `sep` (", ", " AND ", ",\\n  "); TypeError for a plain string."""
    return Fragment(sep.join(_check(str(i), p) for i, p in enumerate(parts)))


def compose(template: str, **parts: Fragment) -> Fragment:
    """`template` (a literal in code, with `{name}` slots) filled with fragments; TypeError if a
    part is not a Fragment. Braces meant for SQL itself are written doubled, as in str.format."""
    return Fragment(template.format(**{k: _check(k, v) for k, v in parts.items()}))
