"""Finding a sheet's header: header cells compared in a normal form (full-width folded, spaces and
unit suffixes such as "(㎡)" dropped), and the row and report kind whose required columns appear
in the first rows."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from core.contract import KINDS, Kind
from core.metrics import RATIOS, metric
from etl.readers.model import HEAD_ROWS, Cell, Note
from etl.text import visible

_UNITS = frozenset(
    "m2 平方米 平米 小时 h 个 人 户 件 场 场次 次 人次 % 元 万元 天 名 处 项 间 宗 起 套 栋 幢 支 家 年 月 日 张 册".split()
)

_PLACEHOLDERS = frozenset({"", "-", "--", "—", "——", "–", "/", "\\"})

_UNIT_SUFFIX = re.compile(r"(.+?)(?:\((?:单位:?)?([^()]*)\)|/([^/]+))")


def squash(text: str) -> str:
    """NFKC (full-width → half-width, ㎡ → m2) and drop all whitespace and invisible characters."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", visible(text)))


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


_LABELS: dict[str, dict[str, str]] = {k.name: _labels(k) for k in KINDS}


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


def _match(row: Sequence[Cell], above: Sequence[Cell], labels: dict[str, str]) -> dict[int, tuple[str, str]]:
    """Position -> (contract name, header text); an empty cell may take a matching label from the row above."""
    found: dict[int, tuple[str, str]] = {}
    for pos in range(max(len(row), len(above))):
        text = row[pos] if pos < len(row) else None
        if text is None and pos < len(above):
            text = above[pos]
            if text is None or header_key(text) not in labels:
                continue
        if text is not None and (name := labels.get(header_key(text))):
            found[pos] = (name, text)
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


def find_header(head: Sequence[Sequence[Cell]], sheet_name: str) -> Header | None:
    """The best header row of the first rows and its kind, or None when no kind's required columns appear."""
    best: tuple[tuple[int, int, int, float, int], int, Kind, dict[int, tuple[str, str]]] | None = None
    for r, row in enumerate(head[:HEAD_ROWS]):
        above = head[r - 1] if r else []
        for k_index, kind in enumerate(KINDS):
            found = _match(row, above, _LABELS[kind.name])
            matched = {name for name, _ in found.values()}
            required = {c.name for c in kind.columns if c.required}
            if not required <= matched or len(matched) < 2:
                continue
            # most columns; then the earlier row; then sheet name, share of the kind's columns, contract order
            hint = int(_sheet_hint(kind, sheet_name))
            score = (len(matched), -r, hint, len(matched) / len(kind.columns), -k_index)
            if best is None or score > best[0]:
                best = (score, r, kind, found)
    if best is None:
        return None
    _, r, kind, found = best
    names: dict[int, str] = {}
    texts: dict[int, str] = {pos: t for pos, t in enumerate(head[r]) if t is not None}
    notes: list[Note] = []
    seen: dict[str, str] = {}
    for pos in sorted(found):
        name, text = found[pos]
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
    for pos in sorted(texts):
        if pos not in found:
            notes.append(_unknown_column(texts[pos], pos))
    return Header(r, kind, names, texts, notes)
