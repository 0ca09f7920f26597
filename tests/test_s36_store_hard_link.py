"""Audit: a session file with two names on the disk (a hard link: ``ln a/s.tbsession b/s.tbsession``) was written by
two runs at once and DAMAGED. The writer's lock is a file beside one name (``s.tbsession.lock``), and so are SQLite's
``-wal`` and ``-shm``: a ``run --rerun`` through the other name saw none of them, opened the file while a run wrote
it, and its own checkpoint wrote pages over the first run's — afterwards every command said « base SQLite
endommagée » of a session that held a whole campaign.

Now a writer refuses a session file with several names (exit 3, said before any lock file or connection is made);
readers read it as before.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.exits import EXIT_USAGE
from testbench.store.connection import SessionError
from testbench.store.session import SessionStore

pytestmark = pytest.mark.skipif(not hasattr(os, "link"), reason="hard links")

CASEBOOK = str(CASEBOOKS_DIR / "demo.xml")
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]
SAID = "fichier de session à plusieurs noms (liens physiques)"


@pytest.fixture
def linked(tmp_path: Path) -> tuple[Path, Path]:
    """A closed one-case session in ``a/`` and a second name for the same file in ``b/``."""
    first, second = tmp_path / "a" / "s.tbsession", tmp_path / "b" / "s.tbsession"
    first.parent.mkdir()
    second.parent.mkdir()
    assert main(["run", CASEBOOK, *BENCH, "--session", str(first), "-k", "DEMO-FSE-001"]) == 0
    os.link(first, second)
    return first, second


def test_a_second_writer_through_another_name_is_refused(linked: tuple[Path, Path]) -> None:
    first, second = linked
    with pytest.raises(SessionError, match=r"plusieurs noms"):
        SessionStore.open(first, create=False)  # either name: the file has two
    with pytest.raises(SessionError, match=r"plusieurs noms"):
        SessionStore.open(second, create=False)
    assert not (second.parent / "s.tbsession.lock").exists()
    assert not (second.parent / "s.tbsession-wal").exists()


@pytest.mark.parametrize(("lang", "said"), [("fr", SAID), ("en", "session file with several names (hard links)")])
def test_run_through_a_link_exits_3_and_the_session_stays_whole(
    linked: tuple[Path, Path], lang: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = linked
    capsys.readouterr()
    assert main(["run", CASEBOOK, *BENCH, "--session", str(second), "--rerun", "--lang", lang]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert main(["verify", str(second)]) == 0  # a reader needs no lock: it reads the linked file as it is
    os.unlink(second)  # one name again: the session is written as before
    assert main(["run", CASEBOOK, *BENCH, "--session", str(first), "-k", "DEMO-FSE-001", "--rerun"]) == 0
