"""The sample county: Yilong's 348 villages and communities reporting from 2022-01 to 2026-10.

Test data for the bundled sample (data/sample/) and the benchmarks, not part of the runtime:
`etl/` and `oversight/` never import it (`python -m etl sample` imports it only when run).
`generate(out)` writes the report files the way townships send them, with the mess real files
have (title and unit rows, 合计 rows, full-width digits, "1800㎡", months as 2022年7月/2022/7/202207,
names with or without the township, GBK CSV from three townships), one corrected resubmission,
one file sent twice and a handful of genuinely bad rows, plus `manifest.json` saying what the
ETL should make of them. The same seed gives byte-identical files.

- `registry`: the townships and units (copy 0 is Yilong, copies 1… synthetic counties);
- `span`: the months the sample covers;
- `simulate`: profiles, the 小区 roster, projects, reporting behaviour, each unit's month;
- `render`: each township's habits and the xlsx/CSV files they produce;
- `faults`: the bad rows, the resubmission and the duplicate file;
- `county`: `generate`, which puts it together; `cli`: `python -m sample`.
"""

from sample.county import DEFAULT_OUT, DEFAULT_SEED, generate
from sample.registry import REFERENCE, REGISTRY_DIR, Town, Unit, load_registry, registry_rows
from sample.span import FIRST_MONTH, LAST_MONTH, month_range

__all__ = [
    "DEFAULT_OUT",
    "DEFAULT_SEED",
    "FIRST_MONTH",
    "LAST_MONTH",
    "REFERENCE",
    "REGISTRY_DIR",
    "Town",
    "Unit",
    "generate",
    "load_registry",
    "month_range",
    "registry_rows",
]
