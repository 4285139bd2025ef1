"""The frame every page shares, in three parts: `state` (language, filters kept across pages,
translated widgets), `shell` (page_setup: navigation, sidebar filters, header, URL) and
`components` (tables, downloads, drill-down charts, notices, KPI deltas). Pages import from
here; the filter type itself is `oversight.filters.Filters` (plain data, no Streamlit)."""

from __future__ import annotations

from oversight.filters import Filters
from oversight.frame.components import (
    breadcrumb,
    card_label,
    change_colour,
    column_label,
    current_user,
    delta_style,
    download,
    drill_chart,
    drill_hint,
    drill_to,
    empty_notice,
    flag_table,
    gap_delta,
    gap_style,
    guarded,
    is_no_change,
    line_help,
    scope_name,
    table,
    table_section,
    unit_label,
)
from oversight.frame.shell import DEFAULT_MONTHS, PAGES, page_setup
from oversight.frame.state import current_filters, kept, lang, narrow, select_all, tr

__all__ = [
    "DEFAULT_MONTHS",
    "PAGES",
    "Filters",
    "breadcrumb",
    "card_label",
    "change_colour",
    "column_label",
    "current_filters",
    "current_user",
    "delta_style",
    "download",
    "drill_chart",
    "drill_hint",
    "drill_to",
    "empty_notice",
    "flag_table",
    "gap_delta",
    "gap_style",
    "guarded",
    "is_no_change",
    "kept",
    "lang",
    "line_help",
    "narrow",
    "page_setup",
    "scope_name",
    "select_all",
    "table",
    "table_section",
    "tr",
    "unit_label",
]
