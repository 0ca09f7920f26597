"""``new case`` takes a mode in the words the tool shows it (« SESAM sans Vitale », « sans objet »), echoes what
was typed when it refuses one, and honours or refuses ``--patient`` for a new casebook as for ``--casebook``."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("domain", "mode", "written"),
    [
        ("fse", "SESAM sans Vitale", 'mode="sesam-sans-vitale"'),
        ("fse", "sesam_sans-vitale", 'mode="sesam-sans-vitale"'),
        ("cards", "Sans objet", 'mode="none"'),
        ("fse", " Sécurisé ", 'mode="securise"'),
        ("fse", "Degraded", 'mode="degrade"'),
    ],
)
def test_the_shown_words_of_a_mode(domain: str, mode: str, written: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "case", "--domain", domain, "--mode", mode, "--id", "Q"]) == 0
    assert written in capsys.readouterr().out


def test_a_refused_mode_is_echoed_as_typed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "case", "--domain", "fse", "--mode", "SESAM sans Vitalle", "--id", "Q"]) == 3
    assert "mode inconnu « SESAM sans Vitalle »" in capsys.readouterr().err


def test_an_unknown_patient_is_refused_for_a_new_casebook(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--domain", "fse", "--mode", "securise", "--id", "Q", "--patient", "p-nope", "-o", "q.xml"]
    code = main(["new", "case", *args])

    assert code == 3
    assert "patient « p-nope » absent des fixtures du cahier" in capsys.readouterr().err
    assert not (home / "q.xml").exists()


def test_a_known_patient_is_honoured_or_refused_by_the_template(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["new", "case", "--domain", "fse", "--id", "Q", "--patient", "p-sans-carte"]
    assert main([*args, "--mode", "degrade", "-o", "q.xml"]) == 0
    assert 'patient="p-sans-carte"' in (home / "q.xml").read_text(encoding="utf-8")
    capsys.readouterr()

    assert main([*args, "--mode", "securise", "-o", "r.xml", "--lang", "en"]) == 3
    assert "--patient p-sans-carte: the template" in capsys.readouterr().err
    assert not (home / "r.xml").exists()
