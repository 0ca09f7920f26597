"""``testbench ui`` on a terminal that declares it moves no cursor (``TERM=dumb``: Emacs' shell, some CI runners'
pseudo-terminal) drew the full screen as escape codes and read the keys blind: it is refused as without a terminal
(exit 3), in a sentence that says why and what to run instead, before anything is created or remembered. A real
pseudo-terminal, the real program."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.paths import CASEBOOKS_DIR


@pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal")
@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "testbench ui : terminal sans écran plein (TERM=dumb) : le poste d'examen ne peut pas s'y dessiner"),
        ("en", "testbench ui: terminal without full screen (TERM=dumb): the exam workstation cannot draw on it"),
    ],
)
def test_the_workstation_is_refused_on_a_dumb_terminal(tmp_path: Path, lang: str, said: str) -> None:
    import pty

    leader, follower = pty.openpty()
    session = tmp_path / "new" / "s.tbsession"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "TERM": "dumb"}
    env.pop("TESTBENCH_LANG", None)
    argv = ["ui", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--create-dirs", "--lang", lang]
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "testbench", *argv],
            stdin=follower,
            stdout=follower,
            stderr=subprocess.PIPE,
            env=env,
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
    finally:
        os.close(follower)
        os.close(leader)
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 3, err
    assert said in err and "testbench run" in err and "\x1b[" not in err
    assert not session.parent.exists()  # nothing made: not the folder, not the session
    assert not (tmp_path / "cfg" / "testbench" / "ui-state.json").exists()  # nor remembered for a bare testbench
