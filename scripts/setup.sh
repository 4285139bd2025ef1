#!/usr/bin/env bash
# Set up everything the dashboard and its tests need on a fresh Debian machine, idempotently:
# Debian's chromium and a CJK font (browser tests, screenshots, bulletin charts), LibreOffice
# Writer, a 楷体 font and poppler (the bulletin's PDF and its tests), Java 17 for Apache Spark (the
# page queries on Spark, tests/oversight/test_spark.py), the Python venv with the pinned
# requirements. Re-running it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# has_font: grep without -q — with pipefail, grep -q stopping early made fc-list die of SIGPIPE and
# a font that is there read as missing (apt ran on every `make run`)
has_font() { fc-list : family 2>/dev/null | grep -i "$1" >/dev/null; }
has_font "Noto Sans CJK" || need_apt+=(fonts-noto-cjk)
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-writer-nogui)
has_font "AR PL KaitiM GB" || need_apt+=(fonts-arphic-gkai00mp)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
[ "${java_major:-0}" -ge 17 ] 2>/dev/null || need_apt+=(openjdk-17-jre-headless)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q || true
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need_apt[@]}"; then
    echo "!! could not install ${need_apt[*]}: the browser, bulletin PDF and Spark tests will fail until it is installed" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> installing Python packages (requirements.txt)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.txt
  echo "$want" > "$stamp"
fi
