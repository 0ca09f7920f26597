"""``testbench ui … 2>errors.log`` from a terminal opens the workstation on the terminal (audit l-f5 10: it was
refused, exit 3, « pas de terminal »): Textual draws on standard error, so the window is drawn on standard output,
the terminal's, while it is up; the file gets no screen."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from testbench.paths import CASEBOOKS_DIR


@pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal")
def test_the_window_opens_on_the_terminal_and_the_file_gets_no_screen(tmp_path: Path) -> None:
    import pty
    import termios

    leader, follower = pty.openpty()
    attrs = termios.tcgetattr(follower)
    session = tmp_path / "s.tbsession"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"), "TESTBENCH_LANG": "fr"}
    env.update(COLUMNS="120", LINES="40", TERM="xterm-256color")
    drawn = bytearray()

    def read() -> None:  # the terminal's other end: what the window draws (read, so that it never blocks)
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                return
            if not chunk:
                return
            drawn.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    argv = ["ui", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess"]
    with open(tmp_path / "errors.log", "w", encoding="utf-8") as errors:
        proc = subprocess.Popen(
            [sys.executable, "-m", "testbench", *argv],
            stdin=follower,
            stdout=follower,
            stderr=errors,
            env=env,
            cwd=tmp_path,
            start_new_session=True,
        )
        reader.start()
        try:
            deadline = time.monotonic() + 60
            while b"DEMO-FSE-001" not in drawn and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
            assert b"DEMO-FSE-001" in drawn, (proc.poll(), (tmp_path / "errors.log").read_text(encoding="utf-8"))
            time.sleep(1)
            os.write(leader, b"\x11")  # Ctrl+Q
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            termios.tcsetattr(follower, termios.TCSANOW, attrs)
            os.close(follower)
            os.close(leader)
    said = (tmp_path / "errors.log").read_text(encoding="utf-8")
    assert "\x1b[" not in said and "pas de terminal" not in said, said[:300]
    assert session.exists()
