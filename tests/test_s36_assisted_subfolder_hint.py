"""An application that writes its FSE in dated subfolders (« Sorties/FSE/2026/12/ ») of the folder its profile names
(audit s36): ``files = "fse"`` reads that folder itself only, and ``sut check`` said « aucun fichier ne correspond »,
no more — the engineer could not tell a mistyped folder from a layout the key form does not read. It now names the
newest such file and the glob that reads it, with the file's own suffix (a glob's case counts on Linux); written into
the profile, that glob reads the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main

PROFILE = """
[product]
name = "GestPSAD"

[outputs]
fse = "Sorties/FSE"

[[extractors]]
name = "FSE"
kind = "xpath"
applies_to = ["create_invoice"]
files = {files}
fields = {{ "string(/FSE/Totaux/@amo)" = "invoice.totals.amo" }}
"""
FSE = '<?xml version="1.0" encoding="UTF-8"?>\r\n<FSE>\r\n  <Totaux amo="33.60"/>\r\n</FSE>\r\n'


def _check(root: Path, files: str, capsys: pytest.CaptureFixture[str], *lang: str) -> str:
    (root / "sut.toml").write_text(PROFILE.format(files=files), encoding="utf-8")
    assert main(["sut", "check", str(root / "sut.toml"), *lang]) == 0
    return capsys.readouterr().out


def test_sut_check_names_a_file_in_a_subfolder_and_the_glob_that_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    month = tmp_path / "Sorties" / "FSE" / "2026" / "12"
    month.mkdir(parents=True)
    (month / "FSE_0001.XML").write_text(FSE, encoding="utf-8")
    (month / "FSE_0002.pdf").write_bytes(b"%PDF-1.4")  # not of the kind: never proposed
    out = _check(tmp_path, '"fse"', capsys)
    assert (
        f"aucun fichier ne correspond à {tmp_path / 'Sorties' / 'FSE'} (*.xml) ; {month / 'FSE_0001.XML'} est dans un"
        ' sous-dossier, que files = "fse" ne lit pas (le dossier lui-même seulement) : pour lire ses sous-dossiers,'
        " écrivez files = 'Sorties/FSE/**/*.XML'"
    ) in out, out
    out = _check(tmp_path, '"fse"', capsys, "--lang", "en")
    assert 'is in a subfolder, which files = "fse" does not read (the folder itself only): to read its' in out, out
    assert "sous-dossier" not in out
    out = _check(tmp_path, "'Sorties/FSE/**/*.XML'", capsys)  # the glob proposed reads it
    assert "invoice.totals.amo = 33.60 — FSE_0001.XML, ligne 3" in out, out
    assert "sous-dossier" not in out


def test_no_hint_when_the_folder_itself_or_nothing_holds_a_file_of_its_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "Sorties" / "FSE"
    (folder / "archive").mkdir(parents=True)
    (folder / "archive" / "recu.pdf").write_bytes(b"%PDF-1.4")
    (folder / "archive" / "FSE_0001.xml.tmp").write_text(FSE, encoding="utf-8")  # still being written: never read
    out = _check(tmp_path, '"fse"', capsys)
    assert f"aucun fichier ne correspond à {folder} (*.xml)\n" in out, out
    (folder / "FSE_0001.xml").write_text(FSE, encoding="utf-8")
    (folder / "archive" / "FSE_0000.xml").write_text(FSE, encoding="utf-8")
    out = _check(tmp_path, '"fse"', capsys)
    assert "invoice.totals.amo = 33.60 — FSE_0001.xml" in out and "sous-dossier" not in out
