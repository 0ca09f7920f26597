#!/usr/bin/env bash
# The whole test suite on a fresh machine: set up, start the PC/SC stack, run pytest, stop it.
# This is the README's test command; .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
bash scripts/setup.sh
# a pcscd that scripts/pcscd.sh started before this script (another run, a developer) is reused and left running
before=$(bash scripts/pcscd.sh status 2>/dev/null || true)
bash scripts/pcscd.sh start --readers 8 >/dev/null
[[ $before == running* ]] || trap 'bash scripts/pcscd.sh stop >/dev/null 2>&1 || true' EXIT
export PCSCD_EXTERNAL=1
.venv/bin/ruff check testbench tests benchmarks
.venv/bin/lint-imports --no-cache   # the layering (docs/architecture.md)
# three workers (pytest-xdist) on a two-core CI: much of the suite waits (on the processes it starts, pcscd's
# polls, timers), so a third worker takes that time. Tests are dealt by xdist group (loadgroup): the tests on the
# vpcd readers share the group « vpcd » (tests/conftest.py), so one worker runs them one at a time while the
# others run the rest; the tests of another group (the demo exam's rehearsals, tests/demo_exams.py; a module whose
# module fixture is costly) go to one worker, which builds what they share once; TESTBENCH_TEST_WORKERS=0 runs the
# suite in one process
workers=${TESTBENCH_TEST_WORKERS:-3}
set +e
.venv/bin/python -m pytest -q -p no:cacheprovider -n "$workers" --dist loadgroup "$@"
rc=$?
set -e
echo "test.sh: $(( $(date +%s) - started )) s in all"
exit $rc
