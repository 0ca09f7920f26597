"""``testbench ui`` without a terminal (a script, a CI job, ssh without -t) is refused at once, exit 3, in the
language asked, before any session is made (language audit s25: it drew the full screen into the pipe and waited
for keys for ever)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.paths import CASEBOOKS_DIR


@pytest.mark.parametrize(
    ("lang", "said"),
    [("fr", "testbench ui : pas de terminal : le poste d'examen en demande un"), ("en", "testbench ui: no terminal")],
)
def test_ui_without_a_terminal_is_refused_and_makes_no_session(tmp_path: Path, lang: str, said: str) -> None:
    session = tmp_path / "s.tbsession"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    argv = ["ui", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--lang", lang]
    done = subprocess.run(
        [sys.executable, "-m", "testbench", *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 3, done.stderr
    assert said in done.stderr and "testbench run" in done.stderr
    assert "\x1b[" not in done.stdout  # no full screen drawn into the pipe
    assert not session.exists()


@pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal")
def test_ui_with_its_standard_error_and_output_in_files_is_refused(tmp_path: Path) -> None:
    """The workstation draws on standard error, or on standard output when standard error is redirected
    (tests/test_ui_stderr_redirected_draws.py): with both in files it would draw the whole screen into one and read
    the keys blind (robustness verification s25). Keys on a terminal are not enough."""
    import pty

    main_fd, terminal_fd = pty.openpty()
    session = tmp_path / "s.tbsession"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"), "TESTBENCH_LANG": "fr"}
    try:
        with open(tmp_path / "errors.log", "w", encoding="utf-8") as errors:
            done = subprocess.run(
                [sys.executable, "-m", "testbench", "ui", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session)],
                stdin=terminal_fd,
                stdout=errors,
                stderr=errors,
                timeout=60,
                env=env,
                cwd=tmp_path,
            )
    finally:
        os.close(main_fd)
        os.close(terminal_fd)
    said = (tmp_path / "errors.log").read_text(encoding="utf-8")
    assert done.returncode == 3 and said.startswith("testbench ui : pas de terminal"), said[:300]
    assert not session.exists()
