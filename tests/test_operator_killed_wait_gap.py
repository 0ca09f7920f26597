"""A bench killed while it waits for the application's outputs of a step the operator already confirmed: what the
application writes before the bench is back belongs to that step (docs/exam-day.md « An interrupted attempt »).

The step's state is then « confirmed » (attested, its outputs awaited): not finished, whether the bench asks which
step was interrupted (the gap's lines and files) or where the attempt continues (the step asked again). A real
``testbench run`` is killed (SIGKILL) during the lot step's wait; the application then writes its lot and its log
line; ``run --resume`` continues the lot step, which reads both, the line recorded with the step after the bench's
line saying it was written while the bench was closed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from testbench.store.read import read_session
from tests.test_operator_gap_capture import ANSWERS, _application, _attestations, _bench, _campaign, _check


def _attested(session: Path, step: str) -> bool:
    """Whether the session holds the operator's attestation of ``step`` (the bench now waits for its outputs)."""
    if not session.exists():
        return False
    try:
        with read_session(session) as view:
            for case in view.cases:
                if case.latest is not None:
                    states = {state.id: state.status for state in view.steps(case, case.latest)}
                    return states.get(step) == "confirmed"
    except Exception:  # the writer may be creating the file: look again
        return False
    return False


def _killed_in_the_lot_wait(tmp_path: Path) -> tuple[Path, Path, Path, list[str], dict[str, str], str]:
    """A real run killed (SIGKILL) while it waits for the lot the operator said done; then the application writes
    the lot and its log line."""
    app, book, session = _bench(tmp_path)
    argv = [sys.executable, "-m", "testbench", "run", str(book), "--session", str(session), "--cards", "inprocess"]
    argv += ["--engine", "operator", "--sut-profile", str(app / "sut.toml")]
    env = {**os.environ, "TESTBENCH_LANG": "fr", "HOME": str(tmp_path)}
    attestations = str(_attestations(tmp_path, ANSWERS))
    waiting = subprocess.Popen(
        [*argv, "--engine-timeout", "60", "--attestations", attestations],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not _attested(session, "s-lot"):
            assert waiting.poll() is None, waiting.stderr.read() if waiting.stderr else ""
            assert time.monotonic() < deadline, "the lot step was never attested"
            time.sleep(0.1)
        time.sleep(0.5)  # well into the wait for the lot
        os.kill(waiting.pid, signal.SIGKILL)
    finally:
        if waiting.poll() is None:
            waiting.kill()
        waiting.wait(timeout=30)
        if waiting.stderr:
            waiting.stderr.close()
    _application(app, "000002")  # the bench is gone: the application writes the lot and its log line
    return app, book, session, argv, env, attestations


def test_run_resume_after_a_kill_in_the_wait_gives_what_the_application_wrote_to_the_step_it_waited_for(
    tmp_path: Path,
) -> None:
    _app, _book, session, argv, env, attestations = _killed_in_the_lot_wait(tmp_path)
    resumed = subprocess.run(
        [*argv, "--engine-timeout", "1", "--attestations", attestations, "--resume"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resumed.returncode == 0, resumed.stderr
    _check(session, tmp_path)


def test_the_workstation_after_a_kill_in_the_wait_gives_what_the_application_wrote_to_the_step_it_waited_for(
    tmp_path: Path,
) -> None:
    app, book, session, _argv, _env, attestations = _killed_in_the_lot_wait(tmp_path)
    campaign, targets = _campaign(app, book, session, Path(attestations))
    again = campaign.run(targets)  # the workstation's « continue »: not --resume
    assert again.verdicts == {"G-1": "pass"}, again.verdicts
    _check(session, tmp_path)
