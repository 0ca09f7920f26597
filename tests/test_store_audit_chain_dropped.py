"""A session of a chained schema whose ``chain`` table was dropped is altered, not old: ``run --failed`` (and
``--resume``, ``--rerun``) refuse it (exit 3) as ``verify`` calls it altered. Before, the missing chain read as a
session older than the chain, and ``--failed`` trusted a forged « réussi » (« rien à relancer », exit 0)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.store.read import modified_entries, read_session

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


@pytest.fixture(scope="module")
def unchained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's DEMO-FSE-099 (it fails) run, then its failure forged into a pass and the chain dropped."""
    session = tmp_path_factory.mktemp("unchained") / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "-k", "DEMO-FSE-099"]) == 1
    conn = sqlite3.connect(session)
    with conn:
        conn.execute("UPDATE attempts SET verdict = 'pass', reason = ''")
        conn.execute("DROP TABLE chain")
    conn.close()
    return session


def test_a_dropped_chain_counts_as_modified(unchained: Path) -> None:
    modified = modified_entries(unchained)
    assert modified == [f"{unchained} : chaîne d'intégrité supprimée (table absente d'une session qui en a une)"]
    with read_session(unchained) as view:
        assert view.chain_problems()  # the report's banner and the JUnit's error


@pytest.mark.parametrize("option", ["--failed", "--resume", "--rerun"])
def test_going_on_with_a_session_without_its_chain_is_refused(
    unchained: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    before = unchained.read_bytes()
    capsys.readouterr()
    argv = ["run", str(DEMO), "--session", str(unchained), option, *BENCH, "-k", "DEMO-FSE-099"]
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert f"{option} refusé : la session a été modifiée" in err, err
    assert "chaîne d'intégrité supprimée" in err
    assert unchained.read_bytes() == before
