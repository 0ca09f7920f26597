"""``run --resume`` refuses what it cannot resume, saying which file: a session that is not there (a
mistyped path after a crash) is exit 3 and nothing is run or created; a casebook of the session missing
from the files given is named by its plan id and path, not only by its hash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "{path} : session introuvable ; rien à reprendre. Vérifiez le chemin, ou lancez sans --resume"),
        ("en", "{path}: session not found; nothing to resume. Check the path, or run without --resume"),
    ],
)
def test_resume_of_a_session_that_is_not_there_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    session = tmp_path / "nosuch.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), "--resume", *BENCH, "--lang", lang]) == 3
    err = capsys.readouterr().err
    assert f"testbench run: {said.format(path=session)}" in err
    assert "[1/1]" not in err  # nothing ran
    assert list(tmp_path.iterdir()) == []  # nor was a session created


def test_a_casebook_missing_on_resume_is_named_by_plan_and_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    casebook = tmp_path / "cahier.xml"
    shutil.copy(DEMO, casebook)
    shutil.copytree(DEMO.parent / "cards", tmp_path / "cards")
    session = tmp_path / "s.tbsession"
    assert main(["run", str(casebook), "--session", str(session), *BENCH]) == 0
    text = casebook.read_text(encoding="utf-8")
    casebook.write_text(text.replace("</casebook>", "<!-- changé -->\n</casebook>"), encoding="utf-8")
    capsys.readouterr()

    assert main(["run", str(casebook), "--session", str(session), "--resume", *BENCH]) == 3
    err = capsys.readouterr().err  # the file changed: said as such, with the way forward
    assert f"{session}: le cahier de tests « PDT-DEMO-001 » ({casebook}) a changé depuis le début de la session" in err
    assert "rendez-lui sa version d'origine pour reprendre, ou ouvrez la session dans le poste d'examen" in err
    assert main(["run", str(casebook), "--session", str(session), "--resume", *BENCH, "--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert f"{session}: the session's casebook “PDT-DEMO-001” ({casebook}) changed since the session began" in err, err
    assert "restore its original version to resume, or open the session in the workstation" in err

