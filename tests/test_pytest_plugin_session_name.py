"""Two ``pytest --casebook FILE`` runs started at once in one folder, no session named, each get a session file of
their own: the name is taken when chosen (the file created exclusively), not when the first case opens it.

Before, both chose ``casebook.tbsession`` (nothing was there yet) and the second's cases ended « session déjà
ouverte en écriture par un autre processus » or « existe déjà ». A barrier plugin holds each run after it chose
its name until both have, so that the two choices always overlap."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from testbench.store.read import read_session

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "casebooks" / "demo.xml"
ATTESTATIONS = ROOT / "casebooks" / "demo-attestations.json"
CASES = "DEMO-FSE-001 or DEMO-FSE-002"

#: a plugin of the test's: each run waits, once its session name is chosen (pytest_configure), for the other
BARRIER = """import os
import time
from pathlib import Path


def pytest_sessionstart(session):
    Path(f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + 60
    while len(list(Path(".").glob("ready-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
"""


def start(tmp: Path, *args: str) -> subprocess.Popen[str]:
    """``pytest --casebook demo.xml`` on the in-process bench, in ``tmp``, started and not waited for."""
    env = {k: v for k, v in os.environ.items() if k not in ("TESTBENCH_LANG", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(tmp), env.get("PYTHONPATH"))))
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-c", str(tmp / "pytest.ini")]
    command += ["--rootdir", str(tmp), "--casebook", str(DEMO), "--casebook-attestations", str(ATTESTATIONS)]
    command += ["--casebook-engine", "inprocess", "--casebook-cards", "inprocess", *args]
    return subprocess.Popen(
        command, cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def committed(session: Path) -> dict[str, str]:
    with read_session(session) as s:
        return {c.case_id: c.verdict for c in s.cases if c.verdict != "none"}


def test_two_runs_started_at_once_write_two_sessions(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "barrier_s18.py").write_text(BARRIER, encoding="utf-8")
    runs = [start(tmp_path, "-p", "barrier_s18", "-k", CASES) for _ in range(2)]
    outputs = [run.communicate(timeout=180) for run in runs]
    said = "\n".join(out + err for out, err in outputs)
    assert len(list(tmp_path.glob("ready-*"))) == 2, said  # both chose their name before either ran a case
    assert [run.returncode for run in runs] == [0, 0], said
    assert "existe déjà ;" not in said and "déjà ouverte" not in said, said
    sessions = sorted(p.name for p in tmp_path.glob("*.tbsession"))
    assert sessions == ["casebook-2.tbsession", "casebook.tbsession"], said
    for name in sessions:
        assert committed(tmp_path / name) == {"DEMO-FSE-001": "pass", "DEMO-FSE-002": "pass"}, name
    second = f"session : {tmp_path / 'casebook-2.tbsession'} (nouveau fichier : casebook.tbsession existe déjà)"
    assert sum(second in out for out, _ in outputs) == 1, said


def test_a_run_that_runs_no_case_leaves_no_session_behind(tmp_path: Path) -> None:
    """The name is taken when chosen, and given back when no case was written to it: a run that selects nothing,
    or one refused before it starts, leaves no empty session file (which would push the next run's name on)."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    nothing = start(tmp_path, "-k", "NO-SUCH-CASE")
    out, err = nothing.communicate(timeout=120)
    assert nothing.returncode == 5, out + err  # pytest: no test ran
    (tmp_path / "report").write_text("", encoding="utf-8")
    refused = start(tmp_path, "--casebook-report", "report", "-k", CASES)
    out, err = refused.communicate(timeout=120)
    assert refused.returncode == 4 and "report" in err, out + err
    assert not list(tmp_path.glob("*.tbsession*")), sorted(p.name for p in tmp_path.iterdir())
    ran = start(tmp_path, "-k", "DEMO-FSE-001")
    out, err = ran.communicate(timeout=120)
    assert ran.returncode == 0, out + err
    assert f"session : {tmp_path / 'casebook.tbsession'}\n" in out, out
