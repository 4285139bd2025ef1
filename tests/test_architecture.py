"""The import rules of docs/architecture.md, read from the code itself (every import statement,
including those inside functions): the rooms depend downwards only, and nothing imports in a
circle. A new arrow that runs the wrong way fails here with the file and line that drew it."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "etl", "sample", "oversight", "pages", "bench")


@dataclass(frozen=True)
class Import:
    source: str  # importing module, dotted ("oversight.queries.common", "pages.requests", "dashboard")
    target: str  # imported module, dotted, as written (absolute)
    line: int
    top_level: bool  # at module level (runs on import) rather than inside a function


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    source = _module(path)
    top = {id(n) for n in tree.body}
    for n in tree.body:  # imports under a module-level `if`/`try` also run on import
        if isinstance(n, ast.If | ast.Try):
            top |= {id(c) for c in ast.walk(n)}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [Import(source, a.name, node.lineno, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(Import(source, node.module, node.lineno, id(node) in top))
            # `from oversight import frame` imports the submodule oversight.frame
            out += [Import(source, f"{node.module}.{a.name}", node.lineno, id(node) in top) for a in node.names]
    return out


def _files() -> list[Path]:
    files = [ROOT / "dashboard.py"]
    for pkg in PACKAGES:
        files += sorted((ROOT / pkg).rglob("*.py"))
    return files


MODULES = {_module(p): p for p in _files()}
IMPORTS = [i for p in _files() for i in _imports(p)]


def _room(module: str) -> str:
    return module.split(".")[0]


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _violations(source_prefix: str, forbidden: tuple[str, ...], top_level_only: bool = False) -> list[str]:
    return [
        f"{MODULES[i.source].relative_to(ROOT)}:{i.line} imports {i.target}"
        for i in IMPORTS
        if _within(i.source, source_prefix)
        and (i.top_level or not top_level_only)
        and any(_within(i.target, f) for f in forbidden)
    ]


RULES = [
    # (who, must not import, why)
    (
        "core",
        ("etl", "oversight", "sample", "pages", "dashboard", "bench", "streamlit", "duckdb"),
        "the vocabulary is below both sides",
    ),
    ("etl", ("oversight", "pages", "dashboard", "streamlit"), "loading never depends on the read side"),
    (
        "sample",
        ("oversight", "pages", "dashboard", "streamlit"),
        "the test-data generator writes files, it does not read the dashboard",
    ),
    ("oversight", ("pages", "dashboard", "sample", "bench"), "the read side is below the pages"),
    (
        "oversight.queries",
        ("oversight.frame", "oversight.figures", "oversight.arena.pack"),
        "queries return data, they do not draw",
    ),
    (
        "oversight.figures",
        ("oversight.frame", "oversight.arena.pack", "oversight.queries", "oversight.db", "duckdb"),
        "figures take frames and return charts",
    ),
    ("oversight.filters", ("streamlit",), "the filter type is plain data"),
    ("pages", ("duckdb", "etl", "core.sql"), "pages only present: no SQL, no loading"),
    ("dashboard", ("duckdb", "etl", "core.sql"), "pages only present: no SQL, no loading"),
]


@pytest.mark.parametrize(("who", "forbidden", "why"), RULES, ids=[r[0] for r in RULES])
def test_arrows_run_downwards(who: str, forbidden: tuple[str, ...], why: str) -> None:
    assert _violations(who, forbidden) == [], why


def test_etl_does_not_load_the_sample_generator_on_import() -> None:
    assert _violations("etl", ("sample",), top_level_only=True) == []


def _resolve(target: str) -> str | None:
    """The project module a dotted import names (a name imported from a module maps to it)."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (Tarjan's strongly
    connected components with more than one member)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_circle_finder_finds_a_loop() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles() -> None:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for i in IMPORTS:
        t = _resolve(i.target)
        if (
            i.top_level and t and t != i.source and not _within(i.source, t)
        ):  # a package's own __init__ is not an edge back
            graph[i.source].add(t)
    assert circles(graph) == []


def test_the_rules_see_the_code() -> None:
    """The checks above read real imports (a broken reader would pass every rule)."""
    assert any(i.source == "pages.requests" and i.target == "oversight.frame" for i in IMPORTS)
    assert any(i.source == "etl.warehouse" and _within(i.target, "core") for i in IMPORTS)
    assert len(MODULES) > 60
