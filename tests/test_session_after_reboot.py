"""A session resumed after a reboot keeps its order (traces/clock.py ``continue_after``).

Every stamp the session stores comes from the system's monotonic clock, which starts again at each boot:
the lines, events and attempts of a run resumed after a restart would otherwise sort before those of the
run before it (the workstation's panes, the report's traces and a step's start are read in that order).
Two real processes play the two boots: the first sees a clock 10⁶ s ahead (a machine up for days), the
second the machine's own.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from testbench.paths import CASEBOOKS_DIR

DEMO = CASEBOOKS_DIR / "demo.xml"
LONG_UPTIME = (
    "import sys, time\n"
    "real = time.monotonic_ns\n"
    "time.monotonic_ns = lambda: real() + 10**15\n"
    "from testbench.cli.main import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)
FRESH_BOOT = "import sys\nfrom testbench.cli.main import main\nsys.exit(main(sys.argv[1:]))\n"


def run(program: str, session: Path, cases: str, *more: str) -> None:
    args = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess", "-k", cases]
    args += more
    done = subprocess.run([sys.executable, "-c", program, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def stamps(session: Path, first_attempt: int) -> tuple[list[int], list[int]]:
    """Every stamp of the attempts before ``first_attempt``, and of it and those after."""
    with sqlite3.connect(session) as conn:
        rows = conn.execute(
            "SELECT attempt_id, mono_ns FROM trace_lines UNION ALL SELECT attempt_id, mono_ns FROM events"
            " UNION ALL SELECT id, started_mono_ns FROM attempts"
        ).fetchall()
    before = [m for a, m in rows if a is not None and a < first_attempt]
    after = [m for a, m in rows if a is not None and a >= first_attempt]
    return before, after


def test_a_run_after_a_reboot_is_stamped_after_the_session_s_earlier_runs(tmp_path: Path) -> None:
    session = tmp_path / "examen.tbsession"
    run(LONG_UPTIME, session, "DEMO-FSE-001 or DEMO-FSE-002")
    run(FRESH_BOOT, session, "DEMO-FSE-003", "--rerun")  # the same session, on with a case not yet run
    before, after = stamps(session, first_attempt=3)
    assert len(before) > 20 and len(after) > 10  # lines, events and the attempts themselves
    assert min(after) > max(before)
    with sqlite3.connect(session) as conn:  # the session-wide trace panes' order: the new run's lines last
        order = [a for (a,) in conn.execute("SELECT attempt_id FROM trace_lines ORDER BY mono_ns, id") if a]
    assert set(order[order.index(3) :]) == {3}
