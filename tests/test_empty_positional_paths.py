"""An empty positional path (a CI variable not set) is said empty, as the path options are, never read as « . »
(audit s26 verify R7); ``merge -o -`` is refused as ``--junit -`` is; ``verify REPORT --session`` given a report's
file asks for the session file, not for the report's folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_empty_path_options import DEMO, EMPTY

from testbench.cli.main import main


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["run", "", "--session", "s.tbsession"], "CAHIER"),
        (["validate", ""], "CAHIER"),
        (["cover", ""], "SESSION"),
        (["coverage", ""], "SESSION"),
        (["coverage", "s.tbsession", "--plan", ""], "--plan"),
        (["review", "", "X", "--accept", "--reason", "r"], "SESSION"),
        (["review", "s.tbsession", "X", "--accept", "--reason", "r", "--key", ""], "--key"),
    ],
)
def test_an_empty_positional_path_is_said_empty(
    command: list[str], name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(command)
    assert exited.value.code == 3
    assert f"argument {name} : {name} {EMPTY}" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_merge_to_standard_output_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.chdir(tmp_path)
    assert main(["merge", "a.tbsession", "b.tbsession", "-o", "-"]) == 3
    said = "- : la sortie standard n'est pas acceptée (d'autres messages y sont écrits) ; indiquez un fichier, par"
    assert f"testbench merge : {said} exemple campagne.tbsession" in capsys.readouterr().err
    assert main(["merge", "a.tbsession", "-o", "-", "--lang", "en"]) == 3
    assert "-: standard output is not accepted" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_verify_asks_session_for_the_session_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session, folder = tmp_path / "s.tbsession", tmp_path / "rep0"
    run = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "-k", "DEMO-FSE-001"]
    assert main(run) == 0 and main(["report", str(session), "-o", str(folder)]) == 0
    capsys.readouterr()
    given = folder / "report.json"
    assert main(["verify", str(folder), "--session", str(given)]) == 3
    err = capsys.readouterr().err
    assert f"{given} est un fichier du rapport : --session attend le fichier de session (.tbsession) sur" in err, err
    assert "donnez son dossier" not in err
    assert main(["verify", str(folder), "--session", str(given), "--lang", "en"]) == 3
    english = capsys.readouterr().err
    assert f"{given} is a file of the report: --session expects the session file (.tbsession)" in english, english
    assert main(["verify", str(given)]) == 3  # the report's file alone: its folder is what to give
    assert f"{given} est un fichier du rapport : donnez son dossier {folder}" in capsys.readouterr().err
