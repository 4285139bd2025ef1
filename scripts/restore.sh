#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh: BACKUP is one DEST/<YYYYmmdd-HHMMSS>/ folder.
#   bash scripts/restore.sh /srv/backup/oversight/20261201-020000
# Checks SHA256SUMS first. The warehouse is put in place by an atomic rename, so a running
# dashboard shows the restored data on its next click (stop loads while restoring). The audit
# record and users file in use are kept beside the restored ones as *.before-restore-<time>.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:?"usage: scripts/restore.sh BACKUP_FOLDER"}
db=${OVERSIGHT_DB:-data/warehouse.duckdb}
audit=${OVERSIGHT_AUDIT:-$(dirname "$db")/audit/audit.jsonl}
users=${OVERSIGHT_USERS:-}
stamp=$(date +%Y%m%d-%H%M%S)
(cd "$src" && sha256sum --check --quiet SHA256SUMS) || { echo "!! $src fails its SHA256SUMS" >&2; exit 2; }
place() {  # place SRC DEST: an atomic rename of a copy made in DEST's folder
  mkdir -p "$(dirname "$2")"
  cp --preserve=mode,timestamps "$1" "$2.restoring-$stamp"
  mv -f "$2.restoring-$stamp" "$2"
}
keep() {  # keep DEST: what DEST held, beside it
  if [ -f "$1" ]; then cp --preserve=mode,timestamps "$1" "$1.before-restore-$stamp"; fi
}
place "$src/warehouse.duckdb" "$db"
if [ -f "$src/audit.jsonl" ]; then keep "$audit"; place "$src/audit.jsonl" "$audit"; fi
if [ -f "$src/users.json" ] && [ -n "$users" ]; then keep "$users"; place "$src/users.json" "$users"; fi
echo "restored $src"
