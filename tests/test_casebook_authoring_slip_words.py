"""An author's slips in a casebook are said as the file shows them (audit f14): a forbidden character named (it was
« erreur de syntaxe à cet endroit »), an undeclared attribute prefix named, a character reference quoted as written
(libxml2 quoted « &#0; » for « &#xZZ; »), a CDATA section or processing instruction left open placed where it opens
(libxml2 gives the end of the file), an element's prefix kept in what is open (« </title> alors que <title> est
ouvert »); and a workbook or mapping file given to ``validate`` or ``ui`` said to be one, with where it goes."""

from __future__ import annotations

from pathlib import Path

import pytest
from minimal_casebook import MINIMAL, write_casebook

from testbench.casebook.loader import check_casebook
from testbench.casebook.source import xml_detail
from testbench.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"


def _casebook_with(tmp_path: Path, title: bytes) -> tuple[Path, int]:
    """A valid casebook whose first <title> element is replaced by ``title``; with the line it is on."""
    data = MINIMAL.encode()
    start = data.index(b"<title>")
    end = data.index(b"</title>", start) + len(b"</title>")
    path = write_casebook(tmp_path, "", "c.xml")
    path.write_bytes(data[:start] + title + data[end:] + b"\n\n\n")
    return path, data.count(b"\n", 0, start) + 1


def _said(capsys: pytest.CaptureFixture[str], argv: list[str], lang: str = "fr") -> list[str]:
    assert main([*argv, "--lang", lang]) == 3
    captured = capsys.readouterr()
    return [line for line in (captured.out + captured.err).splitlines() if ": " in line and "sur 1" not in line]


@pytest.mark.parametrize(
    ("title", "french", "english"),
    [
        (
            b"<title>ab\x01c</title>",
            "caractère de contrôle U+0001 interdit en XML",
            "control character U+0001 forbidden in XML",
        ),
        (b"<title>ab\xef\xbf\xbec</title>", "caractère U+FFFE interdit en XML", "character U+FFFE forbidden in XML"),
        (
            b'<title x:y="1">ab</title>',
            "préfixe d'espace de noms « x » non déclaré (attribut x:y de <title>)",
            'namespace prefix “x” not declared (attribute x:y of <title>)',
        ),
        (b"<title>&#xZZ;</title>", "référence de caractère &#xZZ; invalide", "invalid character reference &#xZZ;"),
        (
            b"<title>&#x1;</title>",
            "référence de caractère &#x1; interdite : caractère de contrôle U+0001 interdit en XML",
            "forbidden character reference &#x1;: control character U+0001 forbidden in XML",
        ),
        (b"<title><![CDATA[x</title>", "section CDATA non terminée", "CDATA section not finished"),
        (b"<title><?foo</title>", "instruction de traitement <?…?> mal écrite", None),
    ],
)
def test_a_slip_is_said_once_at_its_place_in_the_files_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], title: bytes, french: str, english: str | None
) -> None:
    path, line = _casebook_with(tmp_path, title)
    text = path.read_bytes().split(b"\n")[line - 1].decode()
    column = len(text[: text.index("<title")]) + 1
    for lang, detail in (("fr", french), ("en", english)):
        lines = _said(capsys, ["validate", str(path)], lang)
        assert len(lines) == 1, lines
        where, _, said = lines[0].partition(": ")
        file, at_line, at_column = where.rsplit(":", 2)
        assert file == str(path) and int(at_line) == line, lines  # never the end of the file
        assert int(at_column) >= column, lines
        if detail is not None:
            assert said.endswith(detail), lines
        assert "&#0;" not in said and "syntaxe à cet endroit" not in said and "syntax error" not in said, lines


def test_the_forbidden_character_is_pointed_at(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, line = _casebook_with(tmp_path, b"<title>ab\x01c</title>")
    text = path.read_bytes().split(b"\n")[line - 1].decode()
    assert _said(capsys, ["validate", str(path)])[0].startswith(f"{path}:{line}:{text.index(chr(1)) + 1}: ")


def test_an_open_element_is_named_with_its_prefix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, line = _casebook_with(tmp_path, b"<p:title>ab</title>")
    lines = _said(capsys, ["validate", str(path)])
    assert lines[0].endswith("préfixe d'espace de noms « p » non déclaré (élément <title>)"), lines
    assert all("alors que <title>" not in said for said in lines), lines
    assert all(said.endswith(f"</title> alors que <p:title> (ligne {line}) est ouvert") for said in lines[1:]), lines


@pytest.mark.parametrize(
    ("name", "french", "english"),
    [
        *(
            (
                f"cahier-exemple.{ext}",
                f"document bureautique ({ext.upper()}), pas un cahier de tests : importez-le d'abord avec testbench"
                " import --mapping CORRESPONDANCE -o CAHIER.xml",
                f"an office document ({ext.upper()}), not a casebook: import it first with testbench import --mapping"
                " MAPPING -o CASEBOOK.xml",
            )
            for ext in ("xlsx", "ods", "docx", "csv")
        ),
        (
            "cahier-exemple.mapping.toml",
            "fichier de correspondance (TOML), pas un cahier de tests : donnez-le à testbench import --mapping",
            "a mapping file (TOML), not a casebook: give it to testbench import --mapping",
        ),
    ],
)
@pytest.mark.parametrize("command", ["validate", "ui"])
def test_what_import_reads_is_said_to_go_to_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    name: str, french: str, english: str, command: str,
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    path = EXAMPLES / name
    argv = [command, str(path)] + (["--session", str(tmp_path / "s.tbsession")] if command == "ui" else [])
    for lang, detail in (("fr", french), ("en", english)):
        assert _said(capsys, argv, lang) == [f"{path}:1:1: {detail}"]
    assert not (tmp_path / "s.tbsession").exists()


def test_a_casebook_named_csv_is_still_read_as_xml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    casebook, problems = check_casebook(write_casebook(tmp_path, MINIMAL, "c.csv"))
    assert casebook is not None and problems == []


def test_libxml2_2_14s_double_hyphen_is_worded() -> None:
    assert xml_detail("Comment must not contain '--' (double-hyphen)") == "« -- » dans un commentaire"
