"""``run --failed`` reruns the session's cases that did not pass (échec, erreur, non concluant, en attente), with
``-k`` among them; ``--rerun`` and ``--resume`` both close with the session's totals, this execution's said apart,
and exit with the session's code (README § Exit codes): a rerun of one case does not hide another's failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.i18n import colon
from testbench.store.read import read_session

CASEBOOKS = Path(__file__).resolve().parents[1] / "casebooks"
DEMO = CASEBOOKS / "demo.xml"
ATTESTED = ["--attestations", str(CASEBOOKS / "demo-attestations.json")]
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]
THREE = ["-k", "DEMO-FSE-001 or DEMO-FSE-030 or DEMO-FSE-099"]  # passes; pending (manual step); fails


def _run(session: Path, *args: str) -> int:
    return main(["run", str(DEMO), "--session", str(session), *BENCH, *args])


def _attempts(session: Path) -> dict[str, int]:
    with read_session(session) as view:
        return {case.case_id: len(case.attempts) for case in view.cases}


def test_rerun_of_one_case_says_and_exits_as_the_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    assert _run(session, *THREE, *ATTESTED) == 1  # DEMO-FSE-099 fails
    capsys.readouterr()
    assert _run(session, "--rerun", "-k", "DEMO-FSE-030", *ATTESTED) == 1  # FSE-099 still failed in the session
    err = capsys.readouterr().err
    assert f"session : {session} — réussi 2 · échec 1 (cette exécution : réussi 1)" in err
    assert set(_attempts(session)) == {"DEMO-FSE-001", "DEMO-FSE-030", "DEMO-FSE-099"}  # the session kept its cases


def test_rerun_keeps_the_cases_never_run_for_resume(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    assert _run(session, *THREE, *ATTESTED) == 1
    assert _run(session, "--rerun", "-k", "DEMO-FSE-002", *ATTESTED) == 1
    assert _run(session, "--rerun", "-k", "DEMO-FSE-099 or DEMO-FSE-003", *ATTESTED) == 1
    capsys.readouterr()
    assert _run(session, "--resume", *ATTESTED) == 1  # nothing left: the same totals
    err = capsys.readouterr().err
    assert f"session : {session} — réussi 4 · échec 1" in err


def test_failed_reruns_what_did_not_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    assert _run(session, *THREE) == 2  # DEMO-FSE-030 pending, DEMO-FSE-099 failed
    capsys.readouterr()
    assert _run(session, "--failed", "-k", "DEMO-FSE-030", *ATTESTED) == 1  # with -k: among them
    err = capsys.readouterr().err
    assert "[1/1] DEMO-FSE-030 : réussi" in err
    assert f"session : {session} — réussi 2 · échec 1 (cette exécution : réussi 1)" in err
    assert _run(session, "--failed", *ATTESTED) == 1
    err = capsys.readouterr().err
    assert "[1/1] DEMO-FSE-099 : échec" in err
    assert _attempts(session) == {"DEMO-FSE-001": 1, "DEMO-FSE-030": 2, "DEMO-FSE-099": 2}


def test_failed_with_nothing_to_rerun_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    assert _run(session, "-k", "DEMO-FSE-001") == 0
    capsys.readouterr()
    assert _run(session, "--failed") == 0  # the session's code: every case passed
    err = capsys.readouterr().err
    assert "aucun cas sélectionné n'est en échec, en erreur, non concluant ou en attente dans cette session" in err
    assert _run(session, "--failed", "--lang", "en") == 0
    assert "no selected case failed, is in error, inconclusive or pending in this session" in capsys.readouterr().err
    assert _attempts(session) == {"DEMO-FSE-001": 1}


@pytest.mark.parametrize(
    ("lang", "missing", "both"),
    [
        (
            "fr",
            "{path} : session introuvable ; rien à relancer (--failed rejoue les échecs d'une session)",
            "--failed et --resume ne se combinent pas",
        ),
        (
            "en",
            "{path}: session not found; nothing to rerun (--failed reruns the failures of a session)",
            "--failed and --resume do not combine",
        ),
    ],
)
def test_failed_refusals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, missing: str, both: str
) -> None:
    session = tmp_path / "nosuch.tbsession"
    assert _run(session, "--failed", "--lang", lang) == 3
    assert f"testbench run{colon(lang)}{missing.format(path=session)}" in capsys.readouterr().err
    assert _run(session, "--failed", "--resume", "--lang", lang) == 3
    assert f"testbench run{colon(lang)}{both}" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_failed_help_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "en", "run", "--help"])
    assert "run again (as --rerun) the session's cases whose retained verdict" in " ".join(
        capsys.readouterr().out.split()
    )
