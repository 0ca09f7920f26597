"""UTF-16 logs and files, as Windows applications write them (SUT audit, item B).

A profile accepted ``encoding = "utf-16"`` and ``sut check`` showed its lines, but the run refused it; left at
utf-8 (or cp1252, which ``sut init`` proposed), its lines were stored with a NUL between every character — no
extractor found anything and no redaction rule saw the NIR, the name or the birth date they held. Now:

- the capture reads UTF-16 by whole characters (a line ends with ``0A 00`` at an even offset, whatever the
  bytes the writer has flushed so far), little- or big-endian, from its byte order mark or its NUL bytes; and
  a file whose first bytes say UTF-16 is read so whatever encoding was given;
- no stored line holds a NUL, and redaction reads text with NULs as the same text without them;
- ``sut check`` reads a log with the very functions the capture reads it with (a cp1252 line in a log left
  at utf-8 reads « Démarrage » in both), and says when a file is UTF-16 while the profile says otherwise;
- ``sut init`` proposes utf-16 for a UTF-16 log; a profile refuses an encoding the capture cannot follow;
- a UTF-16 FSE's value names its line as text and its byte offset in the file as written.

All on real files; the profile commands through the command line, the run through a real campaign.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from sut_standin import NAME, NIR, Application, cli, patient_leaks, run_exam

from testbench.cli.main import main
from testbench.extract.model import ExtractError
from testbench.extract.spec import parse_extractor
from testbench.extract.xmlfile import extract_xml
from testbench.report.cases import legacy_text_encoding
from testbench.sut.check import check_profile
from testbench.sut.profile import load_profile
from testbench.traces.clock import RawLine
from testbench.traces.known import KnownValues
from testbench.traces.redact import Redactor, redact_pins
from testbench.traces.tail import FileTailer

BOMS = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
#: « \n\0 » (« \0\n » big-endian) across two characters, which is no line end: U+0A41 then U+0100
ACROSS = {"utf-16-le": "\u0a41\u0100", "utf-16-be": "\u0100\u0a41"}
LINES = ["Facture F0001 créée : reste à charge 22,40 €", "caractères {across} fin", "", "dernière ✔"]


class Lines(list[RawLine]):
    def __call__(self, batch: list[RawLine]) -> None:
        self.extend(batch)


def _write(path: Path, data: bytes) -> None:
    with path.open("ab") as f:
        f.write(data)


@pytest.mark.parametrize(
    ("given", "written", "bom"),
    [
        ("utf-16", "utf-16-le", True),
        ("utf-16", "utf-16-be", True),
        ("utf-16", "utf-16-le", False),
        ("utf-16", "utf-16-be", False),
        ("utf-16-be", "utf-16-be", False),
        ("utf-8", "utf-16-le", True),  # the default, on a Windows application's UTF-16 log
        ("utf-8", "utf-16-le", False),
        ("cp1252", "utf-16-be", True),
        ("cp1252", "utf-16-le", False),
    ],
)
def test_a_utf16_log_is_followed_by_whole_characters(tmp_path: Path, given: str, written: str, bom: bool) -> None:
    log = tmp_path / "gestpsad.log"
    log.write_bytes((BOMS[written] if bom else b"") + "Démarrage de GestPSAD\r\n".encode(written))
    got = Lines()
    tailer = FileTailer([log], got, encoding=given, poll_interval=3600).start()  # from the end: after « Démarrage »
    lines = [line.format(across=ACROSS[written]) for line in LINES]
    data = "".join(line + "\r\n" for line in lines).encode(written)
    try:
        for i in range(0, len(data), 3):  # the writer flushes odd numbers of bytes: half characters
            _write(log, data[i : i + 3])
            tailer.poll()
            assert all(p.offset % 2 == 0 for p in tailer.positions())
    finally:
        tailer.close()
    assert [line.text for line in got] == lines


def test_a_utf16_log_there_before_the_bench_is_read_whole_from_its_start(tmp_path: Path) -> None:
    log = tmp_path / "gestpsad.log"
    log.write_bytes(codecs.BOM_UTF16_LE + "Démarrage\r\nFacture F0001\r\n".encode("utf-16-le"))
    got = Lines()
    with FileTailer([log], got, encoding="utf-16", from_start=True, poll_interval=3600):
        pass
    assert [line.text for line in got] == ["Démarrage", "Facture F0001"]


def test_no_line_keeps_a_nul_character(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"")
    got = Lines()
    with FileTailer([log], got, encoding="cp1252", poll_interval=3600) as tailer:
        _write(log, b"d\xe9but\x00 du\x00 lot\n")
        tailer.poll()
    assert [line.text for line in got] == ["début du lot"]


def test_redaction_reads_text_with_a_nul_between_its_characters_as_that_text() -> None:
    known = KnownValues()
    known.add("nir", NIR)
    known.add("name", NAME)
    known.add("birth_date", "1970-09-09")
    line = f"Facture pour {NAME} (NIR {NIR}, né le 09/09/1970) code porteur : 1234"
    redacted = Redactor(known=known).redact("\x00".join(line))
    assert redacted == "Facture pour ‹NOM› (NIR ‹NIR›, né le ‹DATE_NAISSANCE›) code porteur : ‹PIN›", redacted
    assert "1234" not in redact_pins("\x00".join("PIN=1234")) and "\x00" not in redact_pins("a\x00b")


PROFILE = """
[product]
name = "GestPSAD"

[[logs]]
path = "Journaux/gestpsad.log"
encoding = "{encoding}"
format = "plain"
"""


def _log_profile(root: Path, encoding: str, data: bytes) -> Path:
    (root / "Journaux").mkdir(parents=True)
    (root / "Journaux" / "gestpsad.log").write_bytes(data)
    (root / "sut.toml").write_text(PROFILE.format(encoding=encoding), encoding="utf-8")
    return root / "sut.toml"


def _run_lines(profile: Path) -> list[str]:
    """The lines the capture stores from the profile's log (read from its start)."""
    got = Lines()
    source = load_profile(profile).log_sources[0]
    with FileTailer([source.path], got, encoding=source.encoding, from_start=True, poll_interval=3600):
        pass
    return [line.text for line in got]


@pytest.mark.parametrize(
    ("encoding", "data", "note"),
    [
        ("utf-8", "Démarrage de GestPSAD\r\nFacture F0001 créée\r\n".encode("cp1252"), False),
        ("utf-16", codecs.BOM_UTF16_BE + "Démarrage de GestPSAD\r\nFacture F0001 créée\r\n".encode("utf-16-be"), False),
        ("utf-8", codecs.BOM_UTF16_LE + "Démarrage de GestPSAD\r\nFacture F0001 créée\r\n".encode("utf-16-le"), True),
        ("cp1252", "Démarrage de GestPSAD\r\nFacture F0001 créée\r\n".encode("utf-16-le"), True),
    ],
    ids=["cp1252-in-utf8", "utf16be-bom", "utf16le-bom-as-utf8", "utf16le-as-cp1252"],
)
def test_sut_check_reads_a_log_as_the_run_stores_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str, data: bytes, note: bool
) -> None:
    profile = _log_profile(tmp_path / "erp", encoding, data)
    assert main(["sut", "check", str(profile)]) == 0
    out = capsys.readouterr().out
    assert "    [—] [—] Démarrage de GestPSAD\n    [—] [—] Facture F0001 créée\n" in out, out
    said = f"ce fichier est en UTF-16, le profil dit « {encoding} » : le banc le lit en UTF-16"
    assert (said in out) == note
    (log,) = check_profile(load_profile(profile)).logs
    assert [line.text for line in log.lines] == _run_lines(profile) == ["Démarrage de GestPSAD", "Facture F0001 créée"]
    if note:
        assert main(["sut", "check", str(profile), "--lang", "en"]) == 0
        assert f"this file is in UTF-16, the profile says “{encoding}”" in capsys.readouterr().out


def test_sut_init_proposes_utf16_for_a_utf16_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "erp"
    (root / "Journaux").mkdir(parents=True)
    text = "2026-12-05 11:40:37,577 INFO Démarrage de GestPSAD\r\n2026-12-05 11:40:38,001 INFO Facture F0001\r\n"
    (root / "Journaux" / "gestpsad.log").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    output = root / "sut.toml"
    argv = ["sut", "init", "--logs", str(root / "Journaux" / "*.log"), "--watch-seconds", "0", "--yes"]
    assert main([*argv, "--name", "GestPSAD", "--output", str(output)]) == 0
    capsys.readouterr()
    assert "encoding = 'utf-16'" in output.read_text(encoding="utf-8")
    assert load_profile(output).log_sources[0].encoding == "utf-16"
    assert main(["sut", "check", str(output)]) == 0
    assert "Démarrage de GestPSAD" in capsys.readouterr().out


def test_a_profile_refuses_an_encoding_the_capture_cannot_follow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = _log_profile(tmp_path / "erp", "utf-32", "Démarrage\n".encode("utf-32"))
    assert main(["sut", "check", str(profile)]) == 3
    said = "[logs][1].encoding : encodage « utf-32 » impossible pour un journal (utf-8, cp1252, latin-1, utf-16…)"
    assert said in capsys.readouterr().err
    assert main(["sut", "check", str(profile), "--lang", "en"]) == 3
    assert "[logs][1].encoding: encoding “utf-32” cannot be used for a log" in capsys.readouterr().err


FSE = (
    '<?xml version="1.0" encoding="UTF-16"?>\r\n<FSE>\r\n'
    '  <Totaux nir="{nir}" nom="{name}" amo="33.60"/>\r\n  <Lignes><Ligne taux="60"/></Lignes>\r\n</FSE>\r\n'
)


@pytest.mark.parametrize(("order", "bom"), [("utf-16-le", True), ("utf-16-be", True), ("utf-16-le", False)])
def test_a_utf16_fse_value_names_its_line_as_text_and_its_byte_in_the_file(
    tmp_path: Path, order: str, bom: bool
) -> None:
    data = (BOMS[order] if bom else b"") + FSE.format(nir=NIR, name=NAME).encode(order)
    spec = parse_extractor(
        {
            "name": "FSE",
            "kind": "xpath",
            "applies_to": ["create_invoice"],
            "files": "fse",
            "fields": {
                "string(/FSE/Totaux/@amo)": "invoice.totals.amo",
                "/FSE/Lignes/Ligne/@taux": "invoice.lines[{n}].rate",
            },
        },
        "test",
    )
    amo, rate = extract_xml(spec, tmp_path / "FSE.xml", data)
    assert (amo.value, amo.provenance.line) == ("33.60", 3)
    assert amo.provenance.excerpt == f'<Totaux nir="{NIR}" nom="{NAME}" amo="33.60"/>'
    for found in (amo, rate):
        offset = found.provenance.offset
        assert offset is not None and data[offset : offset + 2 * len(found.value)] == found.value.encode(order)
    doctype = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE f [<!ENTITY x "y">]>\n<f a="&x;"/>\n'
    with pytest.raises(ExtractError, match="déclaration d'entité refusée"):
        extract_xml(spec, tmp_path / "FSE.xml", BOMS[order] + doctype.encode(order))


def test_a_utf16_file_without_byte_order_mark_is_text_for_the_exam_book() -> None:
    """Its copy is redacted in UTF-16, not left out as binary (its NUL bytes) nor read as UTF-8."""
    assert legacy_text_encoding("Édition de PATIENTE\r\n".encode("utf-16-le")) == "utf-16-le"
    assert legacy_text_encoding("Édition de PATIENTE\r\n".encode("utf-16-be")) == "utf-16-be"
    assert legacy_text_encoding(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01") is None


@pytest.mark.parametrize(
    ("profile_says", "fse_encoding"),
    [("utf-16", "utf-16"), ("utf-8", "utf-16-le")],  # utf-16-le: no byte order mark, a file that reads as UTF-8 too
)
def test_an_exam_on_a_utf16_application_reads_its_values_and_exports_no_personal_data(
    tmp_path: Path, profile_says: str, fse_encoding: str
) -> None:
    app = Application(
        tmp_path / "GestPSAD", log_encoding="utf-16", profile_encoding=profile_says, fse_encoding=fse_encoding
    )
    session, result = run_exam(tmp_path, app)
    assert result.verdicts == {"AUD-1": "pass"}, result.verdicts  # the AMO from the FSE, the rest from the log
    out = tmp_path / "export"
    done = cli("report", session, "-o", out / "report", "--pdf", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (out / "report" / "report.pdf").is_file()
    report = json.loads((out / "report" / "report.json").read_text(encoding="utf-8"))
    (case,) = report["cases"]
    observed = {o["path"]: o for o in case["observations"]}
    amo, patient = observed["invoice.totals.amo"], observed["invoice.totals.patient"]
    assert (
        amo["provenance"]["excerpt"]
        == '<Totaux amo="33.60" base="56.00" nir="‹NIR›" nom="‹NOM›" naissance="‹DATE_NAISSANCE›"/>'
    )
    assert patient["provenance"]["excerpt"].startswith(
        "Facture F0001 créée pour ‹NOM› (NIR ‹NIR›, né le ‹DATE_NAISSANCE›)"
    )
    assert all("\x00" not in row["text"] for row in case["trace"]["excerpt"] if "text" in row)
    (fse,) = case["evidence"]  # the FSE's copy, redacted in its own encoding
    assert fse["media_type"] == ("application/xml" if fse_encoding == "utf-16-le" else "application/octet-stream")
    copy = (out / "report" / fse["file"]["path"]).read_bytes().decode(fse_encoding)
    assert 'nir="‹NIR›" nom="‹NOM›" naissance="‹DATE_NAISSANCE›"' in copy
    assert patient_leaks([out]) == []
