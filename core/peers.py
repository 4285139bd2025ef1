"""Peer groups (同类比较): who is ranked against whom, defined once for the arena (擂台比武),
the bulletin's 排名 and 红黑榜 (工作通报) and any other ranking.

A community is compared with communities of its kind; a township with townships of its
kind. The groupings are the registry's own columns (`ref_community.community_type`,
`ref_community.urban`, `ref_town.town_type`), so they change only when the registry does:

- `type`: 社区 (urban residents' committees) against 村 (villages' committees) — the
  division the 2022 county-level standards for urban and rural community service draw
  (中共中央办公厅 国务院办公厅《关于加强基层治理体系和治理能力现代化建设的意见》, 2021);
- `urban`: 城镇 against 乡村, the registry's urban flag (after 国家统计局《统计上划分城乡的
  规定》 urban–rural codes);
- `none`: everyone in one group (the arena's own group, or the whole county).

Townships are always grouped by kind: 街道 / 镇 / 乡.

`min_cases()` in `core.settings` is the companion rule: a rate on fewer cases than that is not
ranked, on any page or document.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.sql import Fragment, compose, qualified


@dataclass(frozen=True)
class PeerRule:
    """A way of dividing communities into peer groups: `column` of `ref_community` (or the
    `community` view), and the label of each of its values in Chinese and English."""

    name: str
    zh: str
    en: str
    column: str | None
    groups: tuple[tuple[object, str, str], ...] = ()  # (value, zh, en)

    def label(self, value: object, lang: str = "zh") -> str:
        """The peer group's name for a value of `column` ("社区" / "Urban community" …); the
        value itself as text when it is not one the rule knows, "全部" / "All" for `none`."""
        if self.column is None:
            return "全部" if lang == "zh" else "All"
        for v, zh, en in self.groups:
            if v == value:
                return zh if lang == "zh" else en
        return "" if value is None else str(value)


COMMUNITY_RULES: dict[str, PeerRule] = {
    "none": PeerRule("none", "不分组", "No peer groups", None),
    "type": PeerRule(
        "type",
        "社区 / 村",
        "Community / village",
        "community_type",
        (("社区", "社区", "Urban community"), ("村", "村", "Village")),
    ),
    "urban": PeerRule(
        "urban",
        "城镇 / 乡村",
        "Urban / rural",
        "urban",
        ((True, "城镇", "Urban"), (False, "乡村", "Rural")),
    ),
}
DEFAULT_COMMUNITY_RULE = "type"

TOWN_RULE = PeerRule(
    "town_type",
    "街道 / 镇 / 乡",
    "Subdistrict / town / township",
    "town_type",
    (("街道", "街道", "Subdistrict"), ("镇", "镇", "Town"), ("乡", "乡", "Township")),
)


def community_rule(name: str) -> PeerRule:
    """The community peer rule called `name` (`none`, `type`, `urban`); ValueError otherwise."""
    try:
        return COMMUNITY_RULES[name]
    except KeyError:
        raise ValueError(f"unknown peer rule: {name!r} (one of {', '.join(COMMUNITY_RULES)})") from None


def peer_sql(rule: PeerRule, alias: str = "") -> Fragment:
    """The SQL expression of a row's peer group under `rule`, read from `alias` (a relation
    with the rule's column: `community`, `community_month`, `ref_town`, `town_month` …):
    `alias."community_type"`, or the constant `'all'` for `none`."""
    if rule.column is None:
        return Fragment("'all'")
    return compose("{c}", c=qualified(alias, rule.column))
