"""An existing empty file is no session: opened to add to a session (``create=False``: a review, the
workstation's review window) it is refused in the readers' words and left empty, never given a schema. ``run``
without ``--resume`` starts a new session in it, as its « rien à reprendre » advice says; on a new path too."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.i18n import english
from testbench.store.connection import SessionError, open_readonly
from testbench.store.session import SessionStore

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]


def test_an_empty_file_is_not_opened_as_a_session(tmp_path: Path) -> None:
    empty = tmp_path / "s.tbsession"
    empty.write_bytes(b"")
    with pytest.raises(SessionError) as caught:
        SessionStore.open(empty, create=False)
    assert str(caught.value) == f"{empty} : fichier vide, pas une session"
    assert english(str(caught.value)) == f"{empty}: empty file, not a session"
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.tbsession"]  # no lock, no WAL left either


@pytest.mark.parametrize("empty", [False, True], ids=["new", "empty"])
def test_run_starts_a_session(tmp_path: Path, empty: bool) -> None:
    session = tmp_path / "s.tbsession"
    if empty:
        session.write_bytes(b"")
    assert main(["run", str(DEMO), "--session", str(session), *BENCH]) in (0, 1)
    open_readonly(session).close()  # a session now
