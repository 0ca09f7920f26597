"""An output file in cp1252 read by an extractor left at UTF-8 (the default) says which key to write.

A Windows application often writes its lots and JSON files in cp1252; the bench reads them as UTF-8 unless the
extractor says ``encoding = "cp1252"``. The error named the byte only (« octet illisible en utf-8 »), leaving the
engineer to find the key in the docs on the day before the exam: it now names it, in French and in English, in
``sut check`` — and only where cp1252 would read the file (a file that is no text at all gets no such advice).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.extract.model import ExtractError
from testbench.extract.run import extract_file
from testbench.extract.spec import parse_extractor

PROFILE = """[product]
name = "ERP"

[outputs]
lots = "out/lots"
js = "out/json"

[[extractors]]
name = "lot"
kind = "fixed"
applies_to = ["build_lot"]
files = "lots"
closing = "999"
fields = {{ "100.nom" = "lot.number" }}
[[extractors.records]]
type = "100"
fields = [{{ name = "nom", start = 4, length = 10, type = "text" }}]

[[extractors]]
name = "facture"
kind = "json"
applies_to = ["create_invoice"]
files = "js"
{encoding}
fields = {{ "/amo" = "invoice.totals.amo" }}
"""
HINT_FR = "(le fichier semble écrit en cp1252 : écrivez encoding = \"cp1252\" dans son extracteur)"
HINT_EN = '(the file seems written in cp1252: write encoding = "cp1252" in its extractor)'


def _application(tmp_path: Path, encoding: str = "") -> Path:
    (tmp_path / "out" / "lots").mkdir(parents=True)
    (tmp_path / "out" / "json").mkdir(parents=True)
    (tmp_path / "out" / "lots" / "L1.b2").write_bytes("100Hélène    \n999\n".encode("cp1252"))
    (tmp_path / "out" / "json" / "f.json").write_bytes('{"amo": "33,60", "nom": "Hélène"}'.encode("cp1252"))
    profile = tmp_path / "sut.toml"
    profile.write_text(PROFILE.format(encoding=encoding), encoding="utf-8")
    return profile


def test_sut_check_names_the_encoding_key_for_a_cp1252_lot_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = _application(tmp_path)
    assert main(["sut", "check", str(profile)]) == 3
    out = capsys.readouterr().out
    assert f"L1.b2, enregistrement 1, octet 4 : octet illisible en utf-8 {HINT_FR}" in out, out
    assert f"f.json, octet 26 : octet illisible en utf-8 {HINT_FR}" in out, out
    assert main(["sut", "check", str(profile), "--lang", "en"]) == 3
    out = capsys.readouterr().out
    assert f"L1.b2, record 1, byte 4: unreadable byte in utf-8 {HINT_EN}" in out, out
    assert "«" not in out and "octet" not in out, out


def test_with_the_key_written_the_json_reads_as_the_amount_it_is(tmp_path: Path) -> None:
    profile = _application(tmp_path, 'encoding = "cp1252"')
    assert main(["sut", "check", str(profile)]) == 3  # the lot's extractor still lacks its key
    table = {"name": "facture", "kind": "json", "applies_to": ["create_invoice"], "files": "x"}
    spec = parse_extractor({**table, "encoding": "cp1252", "fields": {"/amo": "invoice.totals.amo"}}, "sut.toml")
    [value] = extract_file(spec, tmp_path / "out" / "json" / "f.json")
    assert value.value == "33.60"


def test_bytes_cp1252_cannot_read_either_get_no_advice(tmp_path: Path) -> None:
    table = {"name": "facture", "kind": "json", "applies_to": ["create_invoice"], "files": "x"}
    spec = parse_extractor({**table, "fields": {"/amo": "invoice.totals.amo"}}, "sut.toml")
    path = tmp_path / "f.json"
    path.write_bytes(b'{"amo": "\x81\x8d"}')  # undefined in cp1252 too: no encoding would read it
    with pytest.raises(ExtractError) as info:
        extract_file(spec, path)
    assert str(info.value) == f"{path}, octet 9 : octet illisible en utf-8"
