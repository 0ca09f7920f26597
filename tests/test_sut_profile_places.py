"""Every problem of a value in the profile's ``[[logs]]``, ``[product]``, ``[outputs]`` and ``[guidance]`` tables
is placed at ``file:line:col`` of its key or value, as a TOML syntax error and an extractor's problems are: a
person goes straight to the line to mend, whether the loader, ``sut check`` or a run says it."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.sut.profile import SutProfileError, load_profile

PRODUCT = '[product]\nname = "Démo"\n'


def _error(tmp_path: Path, text: str) -> SutProfileError:
    path = tmp_path / "sut.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SutProfileError) as caught:
        load_profile(path)
    return caught.value


@pytest.mark.parametrize(
    ("text", "place", "french"),
    [
        # [product]: an unknown key at its key, a wrong value at its value, a key left out at its table
        ('[product]\nname = "x"\n  colour = "red"\n', "3:3", "[product].colour : clé inconnue (clés permises :"),
        ("\n[product]\nname   = 3\n", "3:10", "[product].name : une chaîne de caractères est attendue"),
        ('# identité\n[product]\nversion = "1"\n', "2:1", "[product].name : clé obligatoire absente"),
        ('[product]\nname = "  "\n', "2:8", "[product].name : valeur vide"),
        ("product = 3\n", "1:11", "[product] : une table est attendue"),
        # [[logs]]: each key of the second table, at its value
        (
            PRODUCT + '[[logs]]\npath = "a.log"\n\n[[logs]]\npath = "b.log"\nformat = "log5j"\n',
            "8:10",
            "[logs][2].format : format inconnu « log5j »",
        ),
        (PRODUCT + '[[logs]]\npath = "a.log"\nencoding = "klingon"\n', "5:12", "[logs][1].encoding : encodage inconnu"),
        (
            PRODUCT + '[[logs]]\npath = "a.log"\nencoding = "utf-32"\n',
            "5:12",
            "[logs][1].encoding : encodage « utf-32 »",
        ),
        (PRODUCT + '[[logs]]\npath = "a.log"\nchannel = "apps"\n', "5:11", "[logs][1].channel : canal « apps »"),
        (
            PRODUCT + '[[logs]]\npath = "a.log"\nclock_offset_ms = "2"\n',
            "5:19",
            "[logs][1].clock_offset_ms : un nombre",
        ),
        (PRODUCT + '[[logs]]\npath = "a.log"\npattern = "(?P<msg"\n', "5:11", "[logs][1].pattern : motif invalide ("),
        (PRODUCT + '[[logs]]\npath = "a.log"\npattern = "(.*)"\n', "5:11", "[logs][1].pattern : le motif doit avoir"),
        (
            PRODUCT + '[[logs]]\npath = "a.log"\npattern = "(?P<msg>.*)"\ntz = "Europe/Paris"\n',
            "6:6",
            "[logs][1].tz : « local » ou « utc » est attendu",
        ),
        (
            PRODUCT + '[[logs]]\npath = "a.log"\npattern = "(?P<msg>.*)"\nts_format = "%Q"\n',
            "6:13",
            "[logs][1].ts_format : format d'horodatage invalide « %Q »",
        ),
        (PRODUCT + '[[logs]]\npath = "a.log"\ntz = "utc"\n', "5:1", "[logs][1].tz : n'a de sens qu'avec « pattern »"),
        (PRODUCT + '[[logs]]\npath = "a.log"\nlevel = "INFO"\n', "5:1", "[logs][1].level : clé inconnue"),
        (PRODUCT + '[[logs]]\nencoding = "cp1252"\n', "3:1", "[logs][1].path : clé obligatoire absente"),
        ('logs = [{ path = "a.log" }, { path = 7 }]\n' + PRODUCT, "1:38", "[logs][2].path : une chaîne de caractères"),
        ('logs = ["a.log"]\n' + PRODUCT, "1:9", "[logs][1] : une table est attendue"),
        (PRODUCT + '[logs]\npath = "a.log"\n', "3:1", "[[logs]] : un tableau de tables est attendu ([[logs]])"),
        # [outputs]: each folder at its value
        (PRODUCT + "[outputs]\nfse = 3\n", "4:7", "[outputs].fse : une chaîne de caractères est attendue"),
        (PRODUCT + '[outputs]\nfse = "out/fse"\nlots = ""\n', "5:8", "[outputs].lots : valeur vide"),
        (PRODUCT + '[outputs]\nfse = "D:\\tmp\\fse"\n', "4:7", "[outputs].fse : caractère de contrôle dans le chemin"),
        ("outputs = 3\n" + PRODUCT, "1:11", "[outputs] : une table est attendue"),
        # [guidance]: an unknown step at its table, a wrong value at its value
        (PRODUCT + '\n[guidance.fly]\nmenu = "m"\n', "4:1", "[guidance.fly] : étape inconnue (étapes :"),
        (PRODUCT + "[guidance.read_vitale]\nmenu = 3\n", "4:8", "[guidance.read_vitale].menu : une chaîne de"),
        (PRODUCT + '[guidance.read_vitale]\nmneu = "x"\n', "4:1", "[guidance.read_vitale].mneu : clé inconnue"),
        (PRODUCT + "[guidance]\nread_vitale = 3\n", "4:15", "[guidance.read_vitale] : une table est attendue"),
        ('guidance = "Facturation"\n' + PRODUCT, "1:12", "[guidance] : une table est attendue"),
        # and the sections themselves
        (PRODUCT + "[syslog]\nport = 70000\n", "4:8", "[syslog].port : un port entre 0 et 65535 est attendu"),
        (PRODUCT + "[extras]\n", "3:1", "[extras] : section inconnue"),
    ],
)
def test_a_bad_value_is_placed_at_its_line_and_column(tmp_path: Path, text: str, place: str, french: str) -> None:
    said = _error(tmp_path, text).text()
    assert said.startswith(f"{tmp_path / 'sut.toml'}:{place}: {french}"), said


def test_the_place_survives_a_byte_order_mark(tmp_path: Path) -> None:
    """Notepad's BOM is no character of the first line: the column is the one the person sees."""
    said = _error(tmp_path, "\ufeff[product]\nname = 3\n").text()
    assert said.startswith(f"{tmp_path / 'sut.toml'}:2:8: [product].name : "), said


def test_a_missing_product_has_no_line_to_name(tmp_path: Path) -> None:
    said = _error(tmp_path, '[outputs]\nfse = "x"\n').text()
    assert said == f"{tmp_path / 'sut.toml'}: [product] : section obligatoire absente"


@pytest.mark.parametrize(
    ("text", "french", "english"),
    [
        (
            PRODUCT + '[[logs]]\npath = "a.log"\nformat = "log5j"\n',
            ":5:10: [logs][1].format : format inconnu « log5j »",
            ":5:10: [logs][1].format: unknown format “log5j”",
        ),
        (
            '[product]\nname = "x"\nvendor = "y"\n',
            ":3:1: [product].vendor : clé inconnue",
            ":3:1: [product].vendor: unknown key",
        ),
        (
            PRODUCT + "[outputs]\nfse = 3\n",
            ":4:7: [outputs].fse : une chaîne de caractères est attendue",
            ":4:7: [outputs].fse: a string is expected",
        ),
        (
            PRODUCT + "[guidance.create_invoice]\nnote = false\n",
            ":4:8: [guidance.create_invoice].note : une chaîne de caractères est attendue",
            ":4:8: [guidance.create_invoice].note: a string is expected",
        ),
    ],
)
def test_sut_check_names_the_place_in_either_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, french: str, english: str
) -> None:
    profile = tmp_path / "sut.toml"
    profile.write_text(text, encoding="utf-8")
    assert main(["sut", "check", str(profile)]) == 3
    err = capsys.readouterr().err
    assert f"testbench sut check : {profile}{french}" in err and "Traceback" not in err, err
    assert main(["sut", "check", str(profile), "--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert f"testbench sut check: {profile}{english}" in err and "Traceback" not in err, err
