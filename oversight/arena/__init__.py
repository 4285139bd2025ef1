"""擂台比武: compare the communities of a 片区 (or hand-picked ones) with a transparent composite
score. No Streamlit here; `pages/arena.py` presents it.

- `indicators`: the indicators, each a metric of `core.metrics` (standards included), in the
  365 method, with their colours;
- `scoring`: normalise, weight, aggregate, sensitivity, side by side;
- `presets`: named weights saved next to the warehouse;
- `entrants` and `period`: who competes (groups in number order) and when (month, quarter,
  year or range);
- `scoreboard`: the tables the page shows and the pack prints, built once;
- `pack`: the Excel workbook and printable HTML officials take to the competition.

The names callers use are handed on here: `from oversight import arena; arena.score(…)`.
"""

from __future__ import annotations

from oversight.arena.indicators import (
    DEFAULT_WEIGHTS,
    FAMILIES,
    INDICATOR_COLOURS,
    INDICATORS,
    OPTIONAL,
    Indicator,
    indicator,
    part_label,
)
from oversight.arena.presets import delete_preset, load_presets, preset_weights, presets_path, save_preset
from oversight.arena.scoring import (
    CORR_DOUBLE,
    COVERAGE,
    DRAWS,
    METHODS,
    SEED,
    SPREAD,
    ArenaResult,
    Method,
    correlations,
    deltas_to_median,
    indicator_ranks,
    method_text,
    normalise,
    score,
    sensitivity,
    side_by_side,
    strengths_and_gaps,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "DRAWS",
    "FAMILIES",
    "INDICATORS",
    "INDICATOR_COLOURS",
    "OPTIONAL",
    "METHODS",
    "SEED",
    "SPREAD",
    "ArenaResult",
    "CORR_DOUBLE",
    "COVERAGE",
    "Indicator",
    "Method",
    "delete_preset",
    "correlations",
    "deltas_to_median",
    "indicator",
    "indicator_ranks",
    "load_presets",
    "method_text",
    "normalise",
    "part_label",
    "preset_weights",
    "presets_path",
    "save_preset",
    "score",
    "sensitivity",
    "side_by_side",
    "strengths_and_gaps",
]
