"""A vendor's engine logs on stderr, not in trace notifications: that log is the engine's side of the traces the
bench sets side by side (the mission's « engine » traces). It was read only for the last lines of a crash reason;
now each call's stderr lines go on the case's ``engine`` channel, said to come from stderr, with the trace
notifications (docs/engine-protocol.md)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from testbench.paths import CASEBOOKS_DIR

#: the reference engine, served as a vendor's would be, writing a line of its own on stderr for each request
ENGINE = """
import sys
from testbench.engines.protocol import server

dispatch = server.Server.dispatch

def logged(self, method, params):
    print(f"vendor-log: appel {method}", file=sys.stderr, flush=True)
    return dispatch(self, method, params)

server.Server.dispatch = logged
sys.exit(server.serve_stdio())
"""


def test_the_engine_s_stderr_is_on_the_case_s_engine_channel(tmp_path: Path) -> None:
    (tmp_path / "engine.py").write_text(ENGINE, encoding="utf-8")
    session = tmp_path / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "-k", "DEMO-FSE-001", "--session", str(session)]
    argv += ["--cards", "inprocess", "--engine", f"{sys.executable} engine.py"]
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "TESTBENCH_LANG": "fr"}
    command = [sys.executable, "-m", "testbench", *argv]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(session)
    lines = [text for (text,) in conn.execute("SELECT text FROM trace_lines WHERE channel = 'engine'")]
    conn.close()
    assert "stderr : vendor-log: appel create_invoice" in lines, lines
    assert any(not line.startswith("stderr : ") for line in lines)  # its trace notifications are there too
