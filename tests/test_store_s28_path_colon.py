"""A message that starts with a path puts a space before its colon in French (« s.tbsession : … »), none in English
("s.tbsession: …"); a report folder given where a session file was expected names the session it was built from.

Run as a person runs them: ``testbench report``, ``diff``, ``merge``, ``verify`` and ``keys init`` in a subprocess, on
real files (a folder, a report folder, a text file, a name too long)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.i18n import english


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TESTBENCH_LANG"}  # French unless --lang en
    env.update(HOME=str(cwd), XDG_CONFIG_HOME=str(cwd / ".config"))
    return subprocess.run(
        [sys.executable, "-m", "testbench", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "testbench report : rep-fr : est un dossier, pas un fichier de session"),
        ("en", "testbench report: rep-fr: is a folder, not a session file"),
    ],
)
def test_a_folder_given_as_a_session(tmp_path: Path, lang: str, said: str) -> None:
    (tmp_path / "rep-fr").mkdir()
    done = run_cli(tmp_path, "report", "rep-fr", "-o", "out", "--lang", lang)
    assert done.returncode == 3 and said in done.stderr.splitlines(), done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "fr",
            "testbench diff : livret : est un dossier de rapport (construit depuis la session s.tbsession), pas un"
            " fichier de session",
        ),
        ("en", "testbench diff: livret: is a report folder (built from the session s.tbsession), not a session file"),
    ],
)
def test_a_report_folder_given_as_a_session_names_its_session(tmp_path: Path, lang: str, said: str) -> None:
    session = campaign(tmp_path, hostile=False)
    assert run_cli(tmp_path, "report", session.name, "-o", "livret").returncode == 0
    assert json.loads((tmp_path / "livret" / "report.json").read_text(encoding="utf-8"))["session"]["file"] == (
        "s.tbsession"
    )
    done = run_cli(tmp_path, "diff", "livret", session.name, "--lang", lang)
    assert done.returncode == 3 and done.stderr.splitlines() == [said], done.stderr


def test_a_report_folder_whose_report_json_names_no_session(tmp_path: Path) -> None:
    """A report.json damaged (not JSON): still a report folder, no session named, nothing invented."""
    folder = tmp_path / "livret"
    folder.mkdir()
    (folder / "report.json").write_text("{pas du json", encoding="utf-8")
    campaign(tmp_path, hostile=False)
    done = run_cli(tmp_path, "merge", "s.tbsession", "livret", "-o", "m.tbsession")
    assert done.returncode == 3, done.stderr
    assert "testbench merge : livret : est un dossier de rapport, pas un fichier de session" in done.stderr.splitlines()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "testbench report : notes.tbsession : n'est pas un fichier de session lisible (pas une base SQLite)"),
        ("en", "testbench report: notes.tbsession: is not a readable session file (not an SQLite database)"),
    ],
)
def test_a_text_file_given_as_a_session(tmp_path: Path, lang: str, said: str) -> None:
    (tmp_path / "notes.tbsession").write_text("des notes, pas une session\n", encoding="utf-8")
    done = run_cli(tmp_path, "report", "notes.tbsession", "-o", "out", "--lang", lang)
    assert done.returncode == 3 and said in done.stderr.splitlines(), done.stderr


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "testbench report : {name} : nom trop long pour le système de fichiers"),
        ("en", "testbench report: {name}: name too long for the file system"),
    ],
)
def test_a_name_the_system_refuses(tmp_path: Path, lang: str, said: str) -> None:
    """The catalogue's « {path} : {message} » (testbench.cli.main), said before the command runs."""
    name = "x" * 300 + ".tbsession"
    done = run_cli(tmp_path, "report", name, "-o", "out", "--lang", lang)
    assert done.returncode == 3 and done.stderr.splitlines() == [said.format(name=name)], done.stderr


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "testbench verify : absent : introuvable"),
        ("en", "testbench verify: absent: not found"),
    ],
)
def test_verify_of_nothing_there(tmp_path: Path, lang: str, said: str) -> None:
    done = run_cli(tmp_path, "verify", "absent", "--lang", lang)
    assert done.returncode == 3 and done.stderr.splitlines() == [said], done.stderr


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "testbench keys : cles : est un dossier, pas une clé : donnez le nom du fichier de la clé privée"),
        ("en", "testbench keys: cles: is a folder, not a key: give the name of the private key file"),
    ],
)
def test_keys_init_on_a_folder(tmp_path: Path, lang: str, said: str) -> None:
    (tmp_path / "cles").mkdir()
    done = run_cli(tmp_path, "keys", "init", "--key", "cles", "--lang", lang)
    assert done.returncode == 3 and done.stderr.splitlines() == [said], done.stderr


@pytest.mark.parametrize(
    ("french", "english_text"),
    [
        (  # said now, with the French colon
            "s1.tbsession : cas KO-1, tentative 1 — tentatives : 1 verdict sans entrée de chaîne (ligne 2)",
            "s1.tbsession: case KO-1, attempt 1 — attempts: 1 verdict without a chain entry (line 2)",
        ),
        (  # kept by a session merged with --allow-tampered before it: the label ends at its own colon
            "s1.tbsession: tentatives, ligne 2 : contenu différent de celui enregistré dans la chaîne (entrée 21),"
            " ligne supprimée",
            "s1.tbsession: attempts, line 2: content differs from what the chain recorded (entry 21), line deleted",
        ),
        (
            "C:\\examen\\s.tbsession : fichier vide, pas une session",
            "C:\\examen\\s.tbsession: empty file, not a session",
        ),
    ],
)
def test_a_path_and_its_sentence_read_back_in_english(french: str, english_text: str) -> None:
    assert english(french) == english_text
