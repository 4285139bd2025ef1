#!/usr/bin/env bash
# Back up the warehouse, the audit record and the users file into DEST/<YYYYmmdd-HHMMSS>/.
#   bash scripts/backup.sh /srv/backup/oversight
# Safe while the dashboard runs and while a load runs: a load never writes the live warehouse
# in place (it swaps a finished copy in), so each copy is one complete version; the audit
# record is only ever appended to, so a copy is a complete prefix of it. Each copy is checked
# (the warehouse copy opens and answers) and SHA256SUMS is written beside them. Restore with scripts/restore.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:?"usage: scripts/backup.sh DEST"}
db=${OVERSIGHT_DB:-data/warehouse.duckdb}
audit=${OVERSIGHT_AUDIT:-$(dirname "$db")/audit/audit.jsonl}
users=${OVERSIGHT_USERS:-}
out="$dest/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
chmod 700 "$out"
[ -f "$db" ] || { echo "!! no warehouse at $db" >&2; exit 2; }
cp --preserve=timestamps "$db" "$out/warehouse.duckdb"
if [ -f "$audit" ]; then cp --preserve=timestamps "$audit" "$out/audit.jsonl"; fi
if [ -n "$users" ] && [ -f "$users" ]; then cp --preserve=mode,timestamps "$users" "$out/users.json"; fi
.venv/bin/python - "$out/warehouse.duckdb" <<'PY'
import sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
n = con.execute("SELECT COUNT(*) FROM community_month").fetchall()[0][0]
print(f"warehouse copy opens: {n} monthly rows")
PY
(cd "$out" && sha256sum -- * > SHA256SUMS)
echo "$out"
