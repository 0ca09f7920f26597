#!/usr/bin/env bash
# The bundled demo on a fresh machine: set up, start the PC/SC stack with virtual cards, run the demo
# casebook with the reference engine, and write its report under reports/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/pcscd.sh start --readers 8 >/dev/null
trap 'bash scripts/pcscd.sh stop >/dev/null 2>&1 || true' EXIT
export PCSCD_EXTERNAL=1
.venv/bin/testbench demo "$@"
