#!/usr/bin/env bash
# Set up a fresh machine for testbench: system packages (PC/SC stack, tmux, Chromium), then a
# virtualenv in .venv with the project installed in editable mode. Idempotent and quiet when done.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v pcscd >/dev/null || need_apt+=(pcscd)
[ -e /usr/include/PCSC/winscard.h ] || need_apt+=(libpcsclite-dev)
ls /usr/lib/pcsc/drivers/serial/libifdvpcd.so* >/dev/null 2>&1 || need_apt+=(vsmartcard-vpcd)
command -v pcsc_scan >/dev/null || need_apt+=(pcsc-tools)
command -v tmux >/dev/null || need_apt+=(tmux)
if [ "${TESTBENCH_NO_BROWSER:-0}" != 1 ]; then
  command -v chromium >/dev/null || need_apt+=(chromium)
  command -v pdftotext >/dev/null || need_apt+=(poppler-utils)  # tests read the printed PDF back
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing system packages: ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "setup: missing system packages (${need_apt[*]}); install them with your package manager" >&2
  fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=.venv/.testbench-installed
if [ ! -e "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing Python packages into .venv"
  .venv/bin/pip install -q --disable-pip-version-check -e '.[dev]'
  touch "$stamp"
fi
# the package's bytecode, compiled here once: where PYTHONDONTWRITEBYTECODE is set (as on some CI machines) Python
# would otherwise compile it again in every process the bench and its tests start (the CLI, engines, services)
.venv/bin/python -m compileall -q -j 0 testbench >/dev/null
