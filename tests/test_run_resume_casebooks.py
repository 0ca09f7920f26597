"""``run --resume`` goes on with the session's own casebooks: one it does not hold, given beside them, is refused
(exit 3, nothing run nor written) and ``--rerun`` named — its cases would not run, yet the JUnit would name its
plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main

CASEBOOKS = Path(__file__).resolve().parents[1] / "casebooks"
DEMO, BILLING = CASEBOOKS / "demo.xml", CASEBOOKS / "billing.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "{path} : cahier de tests absent de cette session : {extra} ; --resume reprend la session avec ses"
         " cahiers, --rerun y ajoute les cas d'un autre cahier"),
        ("en", "{path}: casebook not in this session: {extra}; --resume goes on with the session's own casebooks,"
         " --rerun adds the cases of another one"),
    ],
)
def test_an_extra_casebook_on_resume_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    session, junit = tmp_path / "s.tbsession", tmp_path / "j.xml"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH]) == 0
    capsys.readouterr()
    argv = ["run", str(DEMO), str(BILLING), "--session", str(session), *BENCH, "--resume", "--junit", str(junit)]
    assert main([*argv, "--lang", lang]) == 3
    assert said.format(path=session, extra=BILLING) in capsys.readouterr().err
    assert not junit.exists()


def test_the_same_casebooks_resume(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    both = [str(DEMO), str(BILLING)]
    assert main(["run", *both, "--session", str(session), *BENCH]) == 0
    assert main(["run", *both, "--session", str(session), *BENCH, "--resume"]) == 0
    assert "absent de cette session" not in capsys.readouterr().err
