"""Finding a sheet's header: header cells compared in a normal form (full-width folded, spaces and
unit suffixes such as "(㎡)" dropped), and the row and report kind whose required columns appear
in the first rows."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.contract import KINDS, Kind
from core.metrics import RATIOS, metric
from etl.readers.model import HEAD_ROWS, Cell, Note
from etl.text import compact

_UNITS = frozenset(
    "m2 平方米 平米 小时 h 个 人 户 件 场 场次 次 人次 % 元 万元 天 名 处 项 间 宗 起 套 栋 幢 支 家 年 月 日 张 册".split()
)

_PLACEHOLDERS = frozenset({"", "-", "--", "—", "——", "–", "/", "\\"})

_VALUE = re.compile(r"[\d０-９.,，%:/\-年月日号 ]+")  # a number or a date as a cell shows it

_DIGIT_FIRST = re.compile("[0-9０-９]")  # how every month, date and count starts

_UNIT_SUFFIX = re.compile(r"(.+?)(?:\((?:单位:?)?([^()]*)\)|/([^/]+))")


squash = compact  # header cells are compared in the same normal form as names (etl.text.compact)


@functools.lru_cache(maxsize=16384)
def header_key(text: str) -> str:
    """The comparison form of a header cell: squashed, lower case, unit suffix such as "(㎡)" dropped."""
    s = squash(text).lower().replace("_", "").replace("-", "")
    while m := _UNIT_SUFFIX.fullmatch(s):
        unit = m.group(2) if m.group(2) is not None else m.group(3)
        if unit not in _UNITS:
            break
        s = m.group(1)
    return s


def is_unit_cell(text: str) -> bool:
    """True for a unit-row cell: "户", "（人）", "单位：个", "㎡", "小时", "%", "—"."""
    s = squash(text).lower()
    s = re.sub(r"^单位:?", "", s)
    s = s[1:-1] if s.startswith("(") and s.endswith(")") else s
    return s in _UNITS or s in _PLACEHOLDERS or all(p in _UNITS for p in re.split(r"[、,/]", s))


def _labels(kind: Kind) -> dict[str, str]:
    labels: dict[str, str] = {}
    for col in kind.columns:
        for text in (col.zh, col.name, *col.aliases):
            labels.setdefault(header_key(text), col.name)
    return labels


def _prefixes(labels: dict[str, str]) -> dict[str, str]:
    """Every start of a label (two characters or more) that belongs to one column only -> that column."""
    owners: dict[str, set[str]] = {}
    for key, name in labels.items():
        for end in range(2, len(key) + 1):
            owners.setdefault(key[:end], set()).add(name)
    return {start: names.pop() for start, names in owners.items() if len(names) == 1}


_LABELS: dict[str, dict[str, str]] = {k.name: _labels(k) for k in KINDS}

_PREFIXES: dict[str, dict[str, str]] = {k: _prefixes(labels) for k, labels in _LABELS.items()}
_ANY_LABEL = frozenset(key for labels in _LABELS.values() for key in labels)


def _sheet_hint(kind: Kind, sheet_name: str) -> bool:
    s = header_key(sheet_name)
    return any(header_key(a) in s for a in (kind.zh, kind.name, *kind.sheet_aliases))


# Headed columns that are not loaded and lose nothing: a rate the product computes from the
# counts (the catalogue's ratios), a row number.
_DERIVED = {header_key(m.zh): m for m in RATIOS}
_ROW_NUMBERS = frozenset(header_key(t) for t in ("序号", "行号", "编号", "No", "No.", "#"))


@dataclass
class Header:
    row: int  # 0-based index of the header row in the grid
    kind: Kind
    names: dict[int, str]  # column position -> contract column name (first occurrence only)
    texts: dict[int, str]  # column position -> header text as in the file (all non-empty headers)
    notes: list[Note]


Found = dict[int, tuple[str, str, str | None]]  # position -> (contract name, header text, group label)


def _parents(row: Sequence[Cell], above: Sequence[Cell]) -> dict[int, str]:
    """Position -> the group label over it, for a header row under a row of group labels.

    A group label stands over the first of its sub-columns, and over the others too when its cell
    is merged across them (merged ranges are filled before this): typed without merging, it
    reaches right over the sub-columns that follow until the next label above or an empty cell
    in `row`. A row above with one text only (a title), or with a number or a date (data, a
    填报 line), is not a group row.
    """
    texts = {t for t in above if t is not None}
    if len(texts) < 2 or any(_VALUE.fullmatch(t) for t in texts):
        return {}
    parents: dict[int, str] = {}
    group: str | None = None
    for pos, text in enumerate(row):
        over = above[pos] if pos < len(above) else None
        if over is not None:
            group = over if text is not None else None  # a label over an empty cell is a column of its own
        elif text is None:
            group = None
        if text is not None and group is not None:
            parents[pos] = group
    return parents


def _combined(parent: str, child: str, labels: dict[str, str], prefixes: dict[str, str]) -> str | None:
    """The column a sub-column header names with its group: 诉求(件)+受理数 → 诉求受理数, 网格员数+专职 →
    专职网格员数, and a child that only one column's label starts with (诉求(件)+按时 → 按时办结数)."""
    p, c = header_key(parent), header_key(child)
    return labels.get(p + c) or labels.get(c + p) or prefixes.get(c)


def _match(
    row: Sequence[Cell],
    above: Sequence[Cell],
    parents: dict[int, str],
    labels: dict[str, str],
    prefixes: dict[str, str],
) -> Found:
    """Position -> (contract name, header text, group label it was combined with); an empty cell may
    take a matching label from the row above, and a sub-column header names its column with its group's."""
    found: Found = {}
    for pos in range(max(len(row), len(above))):
        text = row[pos] if pos < len(row) else None
        if text is None and pos < len(above):
            text = above[pos]
            if text is None or header_key(text) not in labels:
                continue
        if text is None:
            continue
        if name := labels.get(header_key(text)):
            found[pos] = (name, text, None)
        elif (parent := parents.get(pos)) is not None and (name := _combined(parent, text, labels, prefixes)):
            found[pos] = (name, f"{parent}/{text}", parent)
    return found


def _unknown_column(text: str, pos: int) -> Note:
    """The note for a headed column the contract does not know. A rate the product computes
    itself (办结率 …) and a row number (序号) lose nothing; any other filled column does."""
    key = header_key(text)
    if key in _DERIVED:
        m = _DERIVED[key]
        num, den = metric(m.numerator), metric(m.denominator)
        return Note(
            "derived_column",
            f"「{text}」不装载，由 {num.zh} ÷ {den.zh} 计算 / {m.en} is not loaded: it is computed from {num.en} and {den.en}",
            column=pos,
        )
    if key in _ROW_NUMBERS:
        return Note("row_number_column", f"序号列「{text}」不装载 / row numbers are not loaded", column=pos)
    return Note("unknown_column", f"忽略未知列: {text} / unknown column ignored", column=pos)


def _row_header(row: Sequence[Cell], above: Sequence[Cell], sheet_name: str) -> tuple[int, Kind, Found] | None:
    """The kind whose header `row` is (under `above`) with the most columns, their count and the match; None if none."""
    parents = _parents(row, above)
    if not parents and not any(t is not None and header_key(t) in _ANY_LABEL for t in (*row, *above)):
        return None  # no cell names a contract column (a data row, a title): no kind's header
    best: tuple[tuple[int, int, float, int], Kind, Found] | None = None
    for k_index, kind in enumerate(KINDS):
        found = _match(row, above, parents, _LABELS[kind.name], _PREFIXES[kind.name])
        matched = {name for name, _, _ in found.values()}
        required = {c.name for c in kind.columns if c.required}
        if not required <= matched or len(matched) < 2:
            continue
        # most columns; then sheet name, share of the kind's columns, contract order
        score = (len(matched), int(_sheet_hint(kind, sheet_name)), len(matched) / len(kind.columns), -k_index)
        if best is None or score > best[0]:
            best = (score, kind, found)
    return None if best is None else (best[0][0], best[1], best[2])


def header_columns(row: Sequence[Cell], above: Sequence[Cell], sheet_name: str) -> int:
    """How many contract columns `row` heads under `above` as a report header (0 when it is not one)."""
    got = _row_header(row, above, sheet_name)
    return 0 if got is None else got[0]


def key_position(kind: Kind, names: dict[int, str]) -> int | None:
    """Where the kind's first required date or month column is: every data row's cell there starts with a digit."""
    wanted = next((c.name for c in kind.columns if c.required and c.type in ("date", "month")), None)
    return next((p for p, n in names.items() if n == wanted), None)


def starts_with_digit(cell: Cell) -> bool:
    return cell is not None and _DIGIT_FIRST.match(cell) is not None


Scored = tuple[int, int, Kind, Found]  # row, columns headed, kind, match


def _first_table(head: Sequence[Sequence[Cell]], rows: list[Scored], best: int) -> int:
    """The header row of the sheet's first table: the best of the first run of header rows that has
    data below it before the `best` header row (then the best one starts a later table), else `best`."""
    run: list[Scored] = []
    for scored in rows:
        r = scored[0]
        if run and r != run[-1][0] + 1:
            top, _, kind, found = max(run, key=lambda x: (x[1], -x[0]))
            key = key_position(kind, {p: n for p, (n, _, _) in found.items()})
            if key is not None and any(
                key < len(head[i]) and starts_with_digit(head[i][key]) for i in range(run[-1][0] + 1, r)
            ):
                return top
            run = []
        if r == best:
            break
        run.append(scored)
    return best


def find_header(head: Sequence[Sequence[Cell]], sheet_name: str) -> Header | None:
    """The header row of the first table in the first rows and its kind, or None when no kind's required
    columns appear: the row heading the most columns (the earliest of equals), unless a table with data
    rows comes before it."""
    rows = [
        (r, *got)
        for r, row in enumerate(head[:HEAD_ROWS])
        if (got := _row_header(row, head[r - 1] if r else [], sheet_name)) is not None
    ]
    if not rows:
        return None
    best = max(rows, key=lambda x: (x[1], -x[0]))[0]
    r = _first_table(head, rows, best)
    _, _, kind, found = next(x for x in rows if x[0] == r)
    names: dict[int, str] = {}
    texts: dict[int, str] = {pos: t for pos, t in enumerate(head[r]) if t is not None}
    notes: list[Note] = []
    seen: dict[str, str] = {}
    for pos in sorted(found):
        name, text, parent = found[pos]
        texts[pos] = text
        if name in seen:
            notes.append(
                Note(
                    "duplicate_column",
                    f"重复列，保留第一列「{seen[name]}」: {text} / duplicate column ignored",
                    column=pos,
                )
            )
            continue
        seen[name] = text
        names[pos] = name
        if parent is not None:
            col = kind.column(name)
            notes.append(
                Note(
                    "combined_header",
                    f"两行表头「{text}」读作「{col.zh}」/ two-row header {text} read as {name}",
                    column=pos,
                )
            )
    for pos in sorted(texts):
        if pos not in found:
            notes.append(_unknown_column(texts[pos], pos))
    return Header(r, kind, names, texts, notes)
