"""The command line's rough edges: paths that would surprise a person, verdict names, PC/SC states."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.signing import init_key
from testbench.store.read import read_session

BILLING = CASEBOOKS_DIR / "billing.xml"
ONE_CASE = ["-k", "TB-LPP-001", "--cards", "inprocess", "--engine", "inprocess"]


def test_report_output_on_an_existing_file_is_a_usage_error(tmp_path: Path, capsys) -> None:
    session = campaign(tmp_path, hostile=False)
    taken = tmp_path / "rapport.html"
    taken.write_text("déjà là", encoding="utf-8")
    assert main(["report", str(session), "-o", str(taken)]) == 3
    err = capsys.readouterr().err
    assert f"{taken} : ce chemin est un fichier, pas un dossier" in err and "Traceback" not in err
    assert taken.read_text(encoding="utf-8") == "déjà là"  # nothing lost
    assert main(["report", str(session), "-o", str(taken), "--lang", "en"]) == 3
    assert f"{taken}: this path is a file, not a folder" in capsys.readouterr().err


def test_run_refuses_a_session_in_a_missing_folder_unless_asked(tmp_path: Path, capsys) -> None:
    usb = tmp_path / "media" / "usb-exam"  # not mounted: the folder is not there
    session = usb / "exam.tbsession"
    assert main(["run", str(BILLING), "--session", str(session), *ONE_CASE]) == 3
    err = capsys.readouterr().err
    assert f"{usb} : dossier introuvable" in err and "--create-dirs" in err
    assert not usb.exists() and not (tmp_path / "media").exists()
    assert main(["run", str(BILLING), "--session", str(session), *ONE_CASE, "--lang", "en"]) == 3
    assert f"{usb}: folder not found" in capsys.readouterr().err
    assert main(["run", str(BILLING), "--session", str(session), *ONE_CASE, "--create-dirs"]) == 0
    assert session.is_file()


def test_run_refuses_a_session_whose_folder_is_a_file(tmp_path: Path, capsys) -> None:
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    assert main(["run", str(BILLING), "--session", str(tmp_path / "plain" / "s.tbsession"), *ONE_CASE]) == 3
    assert "n'est pas un dossier" in capsys.readouterr().err


@pytest.mark.parametrize("flag", ["--report", "--junit"])
def test_run_outputs_are_checked_before_the_campaign(tmp_path: Path, capsys, flag: str) -> None:
    target = tmp_path / ("taken.txt" if flag == "--report" else "folder")
    if flag == "--report":
        target.write_text("x", encoding="utf-8")
    else:
        target.mkdir()
    session = tmp_path / "new" / "s.tbsession"
    args = ["run", str(BILLING), "--session", str(session), *ONE_CASE, "--create-dirs", flag, str(target)]
    assert main(args) == 3
    assert str(target) in capsys.readouterr().err
    assert not session.parent.exists()  # refused before anything ran or was created


NAMES = {
    "réussi": "pass",
    "Reussi": "pass",
    "passed": "pass",
    "PASS": "pass",
    "échec": "fail",
    "ECHEC": "fail",
    "failed": "fail",
    "non concluant": "inconclusive",
    "Non-Concluant": "inconclusive",
    "inconclusive": "inconclusive",
    "erreur": "error",
    "error": "error",
    "ignoré": "skipped",
    "skipped": "skipped",
}


def test_review_override_takes_french_and_english_verdict_names(tmp_path: Path) -> None:
    session = campaign(tmp_path, hostile=False)
    key = tmp_path / "k.pem"
    init_key(key)
    for name in NAMES:
        args = ["review", str(session), "KO-1", "--override", name, "--reason", "relu", "--key", str(key)]
        assert main(args) == 0, name
    with read_session(session) as view:
        notes = [a for items in view.annotations().values() for a in items]
    assert [a.verdict for a in notes] == list(NAMES.values())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_review_override_rejects_other_names_with_the_valid_ones(tmp_path: Path, capsys, lang: str) -> None:
    session = campaign(tmp_path, hostile=False)
    key = tmp_path / "k.pem"
    init_key(key)
    args = ["review", str(session), "KO-1", "--override", "bof", "--reason", "relu", "--key", str(key)]
    assert main([*args, "--lang", lang]) == 3
    err = capsys.readouterr().err
    if lang == "fr":
        assert "verdict inconnu « bof »" in err
        assert "réussi, échec, non concluant, erreur, ignoré" in err
    else:
        assert "unknown verdict “bof”" in err and "passed, failed, inconclusive, error, skipped" in err
    assert "Traceback" not in err
    with read_session(session) as view:
        assert not view.annotations()  # nothing recorded


@pytest.mark.parametrize(
    ("argv", "only"),
    [
        (["run", "x.xml", "--session", "s"], "testbench.cli.run_cmd"),
        (["--lang", "en", "report", "s"], "testbench.cli.report_cmd"),
        (["--lang=en", "validate", "x.xml"], "testbench.cli.casebook_cmd"),
        (["run", "--help"], "testbench.cli.run_cmd"),
        (["--help", "run"], None),  # the help of the whole command line lists every command
        (["runn", "x.xml"], None),  # a typo: argparse names the valid commands
        ([], None),
    ],
)
def test_a_command_line_registers_only_its_sub_command(argv: list[str], only: str | None) -> None:
    from testbench.cli.main import COMMANDS, command_modules

    assert command_modules(argv) == ([only] if only else list(COMMANDS.values()))


def test_the_help_and_a_typo_still_name_every_command(capsys) -> None:
    from testbench.cli.main import COMMANDS

    with pytest.raises(SystemExit):
        main(["--help"])
    listed = capsys.readouterr().out
    assert all(f",{name}," in listed or f"{{{name}," in listed or f",{name}}}" in listed for name in COMMANDS)
    with pytest.raises(SystemExit) as refused:
        main(["runn", "x.xml"])
    assert refused.value.code == 3
    err = capsys.readouterr().err
    listed = err.split("(commandes : ")[1].split(")")[0].split(", ")
    assert listed == list(COMMANDS)
