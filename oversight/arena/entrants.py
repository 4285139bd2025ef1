"""Who competes: the 片区 in the order officials count them, the group shown first, and the title
of a hand-picked list."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from oversight.i18n import joined, register, t

SHOWCASE = "城乡融合片区一组"  # the group shown first when the sidebar names none (where 东北社区 competed)

register({"arena.pick_title": ("{first}等{n}个村(社区)", "{first} and {more} more")})

_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_NUMBERED = re.compile(r"(\d+|[〇一二三四五六七八九十]+)组$")


def _chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十三 → 23."""
    if "十" not in text:
        return int("".join(str(_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return 10 * (_DIGITS[tens] if tens else 1) + (_DIGITS[ones] if ones else 0)


def group_key(group: str) -> tuple[str, int]:
    """Sort key of a group name by its number: 城乡融合片区二组 before 城乡融合片区十组,
    乡村振兴片区2组 before 乡村振兴片区10组 (plain text order puts 10组 before 2组)."""
    m = _NUMBERED.search(group)
    if not m:
        return (group, 0)
    n = m.group(1)
    return (group[: m.start()], int(n) if n.isdigit() else _chinese_number(n))


def groups(registry: pd.DataFrame) -> list[str]:
    """Every 片区 of the registry, in number order."""
    return sorted(registry["group_name"].dropna().unique().tolist(), key=group_key)


def default_group(registry: pd.DataFrame, group: str | None, codes: Sequence[str]) -> str:
    """The group to show first: the sidebar's `group`, else that of the first community picked in
    the sidebar (`codes`), else the showcase group, else the first."""
    names = groups(registry)
    of = dict(zip(registry["community_code"], registry["group_name"], strict=False))
    for candidate in (group, *(of.get(c) for c in codes), SHOWCASE):
        if candidate in names:
            return candidate
    return names[0]


def picked_title(codes: Sequence[str], names: Mapping[str, str], lang: str) -> str:
    """The title of hand-picked communities: 东北社区、临江社区 (up to three), else 东北社区等5个村(社区)."""
    if len(codes) <= 3:
        return joined((names[c] for c in codes), lang)
    return t("arena.pick_title", lang, first=names[codes[0]], n=len(codes), more=len(codes) - 1)
