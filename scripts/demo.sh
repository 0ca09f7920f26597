#!/usr/bin/env bash
# The bundled demo from a clone: set up, make sure a PC/SC stack with virtual readers runs, then
# `testbench demo` with every option passed on (report in reports/demo/ unless --output says otherwise;
# `--exam` plays exam day on the demo application under test, report in reports/demo-exam/).
# A pcscd that already runs (the system's, or one started by scripts/pcscd.sh) is used as it is and left
# running; otherwise this script starts its own and stops it at the end. If none can run, the demo still
# runs on the in-process virtual reader, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

if pgrep -x pcscd >/dev/null 2>&1 || bash scripts/pcscd.sh ready 1 1 >/dev/null 2>&1; then
  echo "demo.sh : pcscd tourne déjà ; il est utilisé tel quel et laissé en marche" >&2
elif bash scripts/pcscd.sh start --readers 8 >/dev/null; then
  trap 'bash scripts/pcscd.sh stop >/dev/null 2>&1 || true' EXIT
else
  echo "demo.sh : pcscd n'a pas pu démarrer ; la démo utilise le lecteur virtuel en mémoire" >&2
fi

# the report where the README says (exam day on the demo application: reports/demo-exam), unless an --output
# is given to this script (an option given twice is refused)
report=(--output reports/demo)
for arg in "$@"; do
  case "$arg" in
    --exam) [ "${report[0]}" = --output ] && report=(--output reports/demo-exam) ;;
    --output|--output=*) report=(); break ;;
  esac
done
.venv/bin/testbench demo "${report[@]}" "$@"
