"""``run --resume``, ``--rerun`` and ``--failed`` go on with an existing session: one whose journal chain does not
verify (a verdict forged with one SQL statement) is refused before anything runs — exit 3, the session, the JUnit
and the report untouched — as ``review``, ``cover`` and ``merge`` refuse it. Before, the run appended to the
forged record, trusted its forged « réussi » (``--failed`` never reran it) and wrote a green JUnit and a report
whose cover said the chain was whole."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main

CASEBOOKS = Path(__file__).resolve().parents[1] / "casebooks"
DEMO = CASEBOOKS / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]
FORGE = "update attempts set verdict='pass', reason='' where case_id='DEMO-FSE-099'"


@pytest.fixture(scope="module")
def forged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's session (DEMO-FSE-099 fails), its failure then turned into a pass in the database."""
    session = tmp_path_factory.mktemp("forged") / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH]) == 2
    with sqlite3.connect(session) as conn:
        conn.execute(FORGE)
    conn.close()
    return session


@pytest.mark.parametrize("option", ["--resume", "--rerun", "--failed"])
def test_going_on_with_an_altered_session_is_refused_before_anything_runs(
    forged: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    before = forged.read_bytes()
    capsys.readouterr()
    outputs = ["--junit", str(tmp_path / "junit.xml"), "--report", str(tmp_path / "rep")]
    argv = ["run", str(DEMO), "--session", str(forged), option, *BENCH, *outputs]
    attestations = ["--attestations", str(CASEBOOKS / "demo-attestations.json")]
    assert main([*argv, *attestations]) == 3
    err = capsys.readouterr().err
    refused = f"testbench run : {option} refusé : la session a été modifiée ;"  # the command's prefix, as every refusal
    assert any(line.startswith(refused) for line in err.splitlines()), err
    said = f"{forged} : cas DEMO-FSE-099, tentative 1 — verdict, motif, heure de fin ou durée modifiés après coup"
    assert said in err
    assert "[1/" not in err  # nothing ran
    assert forged.read_bytes() == before  # nothing written: no run, no attempt, no chain entry
    assert list(tmp_path.iterdir()) == []  # neither the JUnit nor the report


def test_the_refusal_reads_in_english(forged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["run", str(DEMO), "--session", str(forged), "--failed", *BENCH, "--lang", "en"]) == 3
    err = capsys.readouterr().err
    refused = "testbench run: --failed refused: the session was modified;"
    assert any(line.startswith(refused) for line in err.splitlines()), err


def test_a_whole_session_still_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "-k", "DEMO-FSE-099"]) == 1
    capsys.readouterr()
    assert main(["run", str(DEMO), "--session", str(session), "--failed", *BENCH, "-k", "DEMO-FSE-099"]) == 1
    assert "[1/1]" in capsys.readouterr().err  # the failed case ran again
