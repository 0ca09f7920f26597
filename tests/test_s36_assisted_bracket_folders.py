"""An extractor's glob in a folder whose name holds brackets, « GestPSAD [PROD] » (audit s36).

A log's folders were taken as written already (``tests/test_sut_log_brackets.py``); an extractor's glob was not:
``files = 'GestPSAD [PROD]/Sorties/FSE/**/*.xml'`` started its pattern at « GestPSAD [PROD] », a character class of
four letters there, so no FSE was ever read — ``sut check`` said « aucun fichier ne correspond », a run said each value
absent. A glob's folders are now patterns only where they hold ``*`` or ``?``; brackets elsewhere are the folder's
name, in ``sut check`` and in an assisted run alike.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sut_standin import Application, run_exam

from testbench.cli.main import main
from testbench.store.read import read_session
from testbench.sut.profile import load_profile

FOLDER = "GestPSAD [PROD]"
PROFILE = """[product]
name = "GestPSAD"

[[extractors]]
name = "FSE"
kind = "xpath"
applies_to = ["create_invoice"]
files = '{files}'
fields = {{ "string(/FSE/Totaux/@amo)" = "invoice.totals.amo" }}
"""
FSE = '<?xml version="1.0" encoding="UTF-8"?>\n<FSE>\n  <Totaux amo="33.60"/>\n</FSE>\n'


@pytest.mark.parametrize(
    "files",
    [
        f"{FOLDER}/Sorties/FSE/**/*.xml",
        f"{FOLDER}/Sorties/FSE/2026/*.xml",
        f"{FOLDER}/Sorties/*/2026/FSE_[0-9].xml",  # a wildcard folder, and the file name's own class
    ],
)
def test_sut_check_reads_an_fse_under_a_folder_with_brackets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: str
) -> None:
    month = tmp_path / FOLDER / "Sorties" / "FSE" / "2026"
    month.mkdir(parents=True)
    (month / "FSE_1.xml").write_text(FSE, encoding="utf-8")
    (tmp_path / "sut.toml").write_text(PROFILE.format(files=files), encoding="utf-8")
    assert load_profile(tmp_path / "sut.toml").watched_files(load_profile(tmp_path / "sut.toml").extractors[0]) == [
        month / "FSE_1.xml"
    ]
    assert main(["sut", "check", str(tmp_path / "sut.toml")]) == 0
    assert "invoice.totals.amo = 33.60 — FSE_1.xml, ligne 3" in capsys.readouterr().out


def test_a_missing_folder_with_brackets_is_named_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sut.toml").write_text(PROFILE.format(files=f"{FOLDER}/Sorties/*.xml"), encoding="utf-8")
    assert main(["sut", "check", str(tmp_path / "sut.toml")]) == 2
    said = f"l'extracteur « FSE » lit *.xml dans {tmp_path / FOLDER / 'Sorties'}, qui n'existe pas encore"
    assert said in capsys.readouterr().err


class _BracketApplication(Application):
    """The standin application in « GestPSAD [PROD] », its FSE extractor given as a glob under that folder."""

    def install(self) -> Path:
        profile = super().install()
        glob = (self.fse_folder / "*.xml").as_posix()
        profile.write_text(profile.read_text(encoding="utf-8").replace('files = "fse"', f"files = '{glob}'"))
        return profile


def test_an_assisted_run_reads_the_value_there(tmp_path: Path) -> None:
    app = _BracketApplication(tmp_path / FOLDER)
    session, result = run_exam(tmp_path, app)
    assert result.verdicts == {"AUD-1": "pass"}
    with read_session(session) as view:
        (case,) = view.cases
        observed = {o["path"]: o["value"] for o in view.observations(case.latest.id)}
    assert observed["invoice.totals.amo"] == "33.60"
