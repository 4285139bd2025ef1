#!/usr/bin/env bash
# Build data/warehouse.duckdb from the bundled sample reports if it is not there yet; bring one an
# older version of the ETL wrote up to this version (python -m etl upgrade: no data changes).
# The sample contains a handful of deliberately bad rows, so the load exits 1 ("quarantined");
# only exit 2 (usage error, warehouse unusable) is a failure here.
set -uo pipefail
cd "$(dirname "$0")/.."
db=${OVERSIGHT_DB:-data/warehouse.duckdb}
if [ -f "$db" ]; then
  .venv/bin/python -m etl upgrade --db "$db" || { echo "!! upgrading $db failed" >&2; exit 2; }
  exit 0
fi
echo "==> building $db from data/sample (first start only)"
.venv/bin/python -m etl load data/sample --db "$db"
rc=$?
[ $rc -le 1 ] || { echo "!! building the warehouse failed (exit $rc)" >&2; exit $rc; }
exit 0
