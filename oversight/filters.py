"""The global selection every page applies, and its form in the URL. Plain data: no Streamlit.

A copied link opens the same view, so the filters round-trip through the query string:
`?lang=en&town=511324101000&group=…&comm=…&from=2024-01&to=2024-06` (codes comma-separated;
the month range as YYYY-MM; Chinese is the default and is not written).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

LANGS = ("zh", "en")
PARAMS = ("lang", "town", "group", "comm", "from", "to")  # the query-string names of the filters


@dataclass(frozen=True)
class Filters:
    """The global selection every page applies."""

    lang: str  # "zh" | "en"
    town_codes: tuple[str, ...]  # () = whole county
    group: str | None  # 片区; None = any
    community_codes: tuple[str, ...]  # () = all in the selection
    month_from: date  # first days of months, inclusive
    month_to: date
    # The signed-in user's scope (oversight.auth): the townships they may see, None = every one.
    # It is not a choice and never goes into the URL; oversight.queries.common.scope_sql applies
    # it to every query built from these filters, whatever the other fields say.
    allowed_towns: tuple[str, ...] | None = None

    @property
    def level(self) -> str:
        """Drill-down level: "community" (one community), "town" (one township) or "county"."""
        if len(self.community_codes) == 1:
            return "community"
        if len(self.town_codes) == 1:
            return "town"
        return "county"

    def to_params(self) -> dict[str, str]:
        """The query-string parameters of this selection (see the module docstring)."""
        params = {}
        if self.lang != "zh":
            params["lang"] = self.lang
        if self.town_codes:
            params["town"] = ",".join(self.town_codes)
        if self.group:
            params["group"] = self.group
        if self.community_codes:
            params["comm"] = ",".join(self.community_codes)
        params["from"] = self.month_from.strftime("%Y-%m")
        params["to"] = self.month_to.strftime("%Y-%m")
        return params


@dataclass(frozen=True)
class Requested:
    """What a query string asks for, before it is checked against what exists: unknown codes,
    groups and months are dropped later by the sidebar (a bad link falls back, never fails)."""

    lang: str
    town_codes: list[str]
    group: str | None
    community_codes: list[str]
    month_from: date | None
    month_to: date | None


def parse_month(text: str | None) -> date | None:
    """'2024-03' → date(2024, 3, 1); None for anything else."""
    text = str(text or "")
    if len(text) != 7 or text[4] != "-" or not (text[:4].isdigit() and text[5:].isdigit()):
        return None
    year, month = int(text[:4]), int(text[5:])
    return date(year, month, 1) if 1 <= month <= 12 and year >= 1 else None


def _split(text: str | None) -> list[str]:
    return [p for p in (text or "").split(",") if p]


def from_params(params: Mapping[str, str]) -> Requested:
    """The selection a query string asks for (the inverse of `Filters.to_params`)."""
    return Requested(
        lang="en" if params.get("lang") == "en" else "zh",
        town_codes=_split(params.get("town")),
        group=params.get("group") or None,
        community_codes=_split(params.get("comm")),
        month_from=parse_month(params.get("from")),
        month_to=parse_month(params.get("to")),
    )
