"""Audit 9, finding 9: ``sut check`` and ``sut init`` no longer pass profiles that read nothing on the day.

A file extractor's ``files`` that names no ``[outputs]`` key (a typo) is refused at its line; a JSON FSE in
UTF-16 (legal JSON) is read, and a JSON file in another encoding is read with ``encoding``; ``encoding`` on
an XPath extractor says how XML files give theirs; ``sut init --yes`` without a name writes no placeholder
identity. Real files on disk, the real command line.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from testbench.cli.main import main

PROFILE = """\
[product]
name = "CaisseLPP"

[outputs]
fse = "sortie/fse"

[[extractors]]
name = "FSE json"
kind = "json"
applies_to = ["create_invoice"]
{extra}files = "{files}"
fields = {{ "/totaux/amo" = "invoice.totals.amo", "/totaux/assuré" = "invoice.totals.patient" }}
"""

FSE = {"totaux": {"amo": "33.60", "assuré": "22.40"}}


def _application(root: Path, data: bytes, *, files: str = "fse", extra: str = "") -> Path:
    """The application's folder after its last case: one FSE (settled) and the profile."""
    folder = root / "sortie" / "fse"
    folder.mkdir(parents=True)
    fse = folder / "FSE-0003.json"
    fse.write_bytes(data)
    past = time.time() - 60
    os.utime(fse, (past, past))
    profile = root / "sut.toml"
    profile.write_text(PROFILE.format(files=files, extra=extra), encoding="utf-8")
    return profile


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "[extractors][1].files : « lots » n'est ni une clé de [outputs] (fse) ni un motif de fichiers"),
        ("en", "[extractors][1].files: “lots” is neither a key of [outputs] (fse) nor a file pattern"),
    ],
)
def test_a_files_key_that_names_no_output_folder_is_refused_at_its_line(tmp_path, capsys, lang, said) -> None:
    profile = _application(tmp_path, json.dumps(FSE).encode(), files="lots")
    assert main(["sut", "check", str(profile), "--lang", lang]) == 3
    err = capsys.readouterr().err
    assert f"{profile}:11:9: {said}" in err, err  # line 11 of the profile, where the value starts
    assert "Traceback" not in err


@pytest.mark.parametrize("files", ["fse", "sortie/fse/*.json", "FSE-0003.json"])
def test_an_output_key_a_glob_and_a_file_name_are_still_accepted(tmp_path, capsys, files) -> None:
    profile = _application(tmp_path, json.dumps(FSE).encode(), files=files)
    if "/" not in files and files != "fse":  # a file beside the profile
        (tmp_path / "sortie" / "fse" / files).rename(tmp_path / files)
    assert main(["sut", "check", str(profile)]) == 0
    assert "invoice.totals.amo = 33.60" in capsys.readouterr().out


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-8-sig", "utf-32"])
def test_a_json_fse_in_utf16_or_utf32_is_read_as_json_says(tmp_path, capsys, codec) -> None:
    """RFC 8259 §8.1 (and RFC 4627 before it): the encoding is told by the BOM or the zero bytes."""
    profile = _application(tmp_path, json.dumps(FSE, ensure_ascii=False).encode(codec))
    assert main(["sut", "check", str(profile)]) == 0
    out = capsys.readouterr().out
    assert "invoice.totals.amo = 33.60" in out and "invoice.totals.patient = 22.40" in out, out


def test_a_json_file_in_another_encoding_is_read_with_the_profiles_encoding(tmp_path, capsys) -> None:
    data = json.dumps(FSE, ensure_ascii=False).encode("cp1252")  # « assuré » in cp1252: not UTF-8
    profile = _application(tmp_path, data)
    assert main(["sut", "check", str(profile)]) == 3  # without it, the byte is named
    assert "octet illisible en utf-8" in capsys.readouterr().out
    profile.write_text(PROFILE.format(files="fse", extra='encoding = "cp1252"\n'), encoding="utf-8")
    assert main(["sut", "check", str(profile)]) == 0
    assert "invoice.totals.patient = 22.40" in capsys.readouterr().out


def test_a_json_syntax_error_in_utf16_names_the_byte_of_the_file(tmp_path, capsys) -> None:
    profile = _application(tmp_path, '{"totaux": {"amo": 1,, }}'.encode("utf-16"))
    assert main(["sut", "check", str(profile)]) == 3
    assert "octet 44 : JSON invalide" in capsys.readouterr().out  # BOM (2) + 21 characters of 2 bytes


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "« encoding » ne s'applique pas à un fichier XML : il déclare le sien"),
        ("en", "“encoding” does not apply to an XML file: it declares its own"),
    ],
)
def test_encoding_on_an_xpath_extractor_says_how_xml_gives_its_own(tmp_path, capsys, lang, said) -> None:
    profile = tmp_path / "sut.toml"
    text = PROFILE.format(files="fse", extra='encoding = "utf-16"\n').replace('kind = "json"', 'kind = "xpath"')
    profile.write_text(text.replace('"/totaux/amo"', '"string(//@amo)"').replace('"/totaux/assuré"', '"//x"'))
    assert main(["sut", "check", str(profile), "--lang", lang]) == 3
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err, err


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "le nom du logiciel testé est obligatoire (--name NOM)"),
        ("en", "the name of the software under test is required (--name NAME)"),
    ],
)
def test_init_yes_without_a_name_writes_no_placeholder_identity(tmp_path, capsys, lang, said) -> None:
    output = tmp_path / "sut.toml"
    assert main(["sut", "init", "--output", str(output), "--yes", "--lang", lang]) == 3
    assert said in capsys.readouterr().err
    assert not output.exists()
    assert main(["sut", "init", "--output", str(output), "--yes", "--name", "CaisseLPP"]) == 0
    assert "name = 'CaisseLPP'" in output.read_text(encoding="utf-8")
