#!/usr/bin/env bash
# The bundled demo on a fresh machine: set up, start the PC/SC stack with virtual cards, run the demo
# casebook with the reference engine, and write its report under reports/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck source=scripts/pcscd.sh
source scripts/pcscd.sh
pcscd_up
trap pcscd_down EXIT
.venv/bin/testbench demo "$@"
