"""XPath extractors on XML outputs and JSON pointers on JSON outputs: values, their line or pointer, a
parser that expands no entity, and clear errors naming the file and the byte offset."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.extract.model import ExtractError, Provenance
from testbench.extract.run import extract_file
from testbench.extract.spec import ExtractorSpec, parse_extractor
from testbench.i18n import translator

DATA = Path(__file__).parent / "data" / "extract"
FSE = DATA / "fse-000000001.xml"


def xpath(fields: dict[str, str], **kw: object) -> ExtractorSpec:
    table = {"name": "FSE", "kind": "xpath", "applies_to": ["create_invoice"], "files": "fse", "fields": fields, **kw}
    return parse_extractor(table, "sut.toml: extractors[1]")


def pointers(fields: dict[str, str]) -> ExtractorSpec:
    table = {"name": "JSON", "kind": "json", "applies_to": ["create_invoice"], "files": "out/*.json", "fields": fields}
    return parse_extractor(table, "sut.toml: extractors[2]")


def test_xpath_values_keep_their_line_and_expression() -> None:
    spec = xpath(
        {
            "string(/f:fse/f:totaux/@amo)": "invoice.totals.amo",
            "/f:fse/f:lignes/f:ligne/@base": "invoice.lines[{n}].base",
            "count(//f:ligne)": "manual.lines",
            "normalize-space(//f:note)": "manual.note",
        },
        namespaces={"f": "urn:testbench:fse:1"},
    )
    got = {e.path: e for e in extract_file(spec, FSE)}
    assert {k: e.value for k, e in got.items()} == {
        "invoice.totals.amo": "75.67",  # written « 75,67 »
        "invoice.lines[0].base": "56.00",
        "invoice.lines[1].base": "70.12",
        "manual.lines": "2",
        "manual.note": "Facture créée le 03/06/2024",
    }
    amo = got["invoice.totals.amo"].provenance
    assert (amo.kind, amo.line, amo.excerpt[:7]) == ("xml", 8, "<totaux")
    assert got["invoice.lines[1].base"].provenance.line == 6
    at = FSE.read_bytes().index(b'amo="75,67"') + len(b'amo="')  # the value itself, in the file's bytes
    assert amo.offset == at and FSE.read_bytes()[at : at + 5] == b"75,67"
    assert amo.describe(translator("fr")) == f"fse-000000001.xml, ligne 8, octet {at}, string(/f:fse/f:totaux/@amo)"
    assert amo.describe(translator("en")) == f"fse-000000001.xml, line 8, byte {at}, string(/f:fse/f:totaux/@amo)"


def test_xml_values_give_the_byte_offset_of_what_was_read(tmp_path: Path) -> None:
    # A start tag over two lines (lxml's line is where it ends), two same-name elements on one line after a
    # multi-byte character, an element's text, a prefixed element: each offset points at the value's bytes.
    data = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<p:lot xmlns:p="urn:x" numero="000015">\n'
        '  <ligne code="é1" base="10.00"/><ligne code="é2" base="20.00"/>\n'
        '  <ligne\n     base="30.00"/>\n'
        "  <p:total>60,00</p:total>\n"
        "</p:lot>\n"
    ).encode()
    path = tmp_path / "lot.xml"
    path.write_bytes(data)
    spec = xpath(
        {
            "//ligne/@base": "invoice.lines[{n}].base",
            "/p:lot/p:total": "lot.totals.base",
            "string(/p:lot/@numero)": "lot.number",
        },
        namespaces={"p": "urn:x"},
    )
    got = {e.path: e for e in extract_file(spec, path)}
    bases = (("invoice.lines[0].base", "10.00"), ("invoice.lines[1].base", "20.00"), ("invoice.lines[2].base", "30.00"))
    for key, value in bases:
        at = got[key].provenance.offset
        assert at is not None and data[at : at + 5] == value.encode(), key
    assert got["invoice.lines[2].base"].provenance.line == 5
    total = got["lot.totals.base"].provenance
    assert total.offset is not None and data[total.offset : total.offset + 5] == b"60,00"
    number = got["lot.number"].provenance
    assert number.offset is not None and data[number.offset : number.offset + 6] == b"000015"
    assert total.describe(translator("fr")) == f"lot.xml, ligne 6, octet {total.offset}, /p:lot/p:total"


def test_an_xpath_that_selects_nothing_gives_no_value() -> None:
    assert extract_file(xpath({"//absent/@x": "invoice.number"}), FSE) == []


def test_an_entity_declaration_is_refused_before_parsing() -> None:
    path = DATA / "entity.xml"
    with pytest.raises(ExtractError) as info:
        extract_file(xpath({"string(//totaux/@amo)": "invoice.totals.amo"}), path)
    offset = path.read_bytes().index(b"<!ENTITY")
    assert str(info.value) == (
        f"{path}, octet {offset} : déclaration d'entité refusée (le banc ne développe aucune entité)"
    )
    assert (
        translator("en")(str(info.value))
        == f"{path}, byte {offset}: entity declaration refused (the bench expands no entity)"
    )


def test_malformed_xml_names_the_file_and_the_place(tmp_path: Path) -> None:
    path = tmp_path / "fse.xml"
    path.write_bytes(b"<fse>\n  <totaux amo='1'>\n</fse>\n")
    with pytest.raises(ExtractError) as info:
        extract_file(xpath({"string(//totaux/@amo)": "invoice.totals.amo"}), path)
    message = str(info.value)  # on the third line, where </fse> mismatches
    assert message == f"{path}:3:7 : XML mal formé : balise fermante </fse> alors que <totaux> (ligne 2) est ouvert"
    assert translator("en")(message).startswith(f"{path}:3:7: malformed XML: ")


def test_json_pointers_with_escapes_ranks_and_typed_values(tmp_path: Path) -> None:
    spec = pointers(
        {
            "/facture/numero": "invoice.number",
            "/facture/securisee": "secure.status",
            "/facture/remise": "manual.remise",
            "/lignes/{n}/amo": "invoice.lines[{n}].amo",
            "/lignes/1/base": "invoice.lines[1].base",
            "/totaux/amo": "invoice.totals.amo",
            "/totaux/a~1b": "manual.ab",
            "/totaux/m~0n": "manual.mn",
            "/absent": "manual.absent",
        }
    )
    got = {e.path: e for e in extract_file(spec, DATA / "facture-000000001.json")}
    assert {k: e.value for k, e in got.items()} == {
        "invoice.number": "000000001",
        "secure.status": "true",
        "invoice.lines[0].amo": "33.60",
        "invoice.lines[1].amo": "42.07",
        "invoice.lines[1].base": "70.12",
        "invoice.totals.amo": "75.67",
        "manual.ab": "oui",
        "manual.mn": "2",
    }
    p = got["invoice.lines[1].amo"].provenance
    assert (p.kind, p.locator) == ("json", "/lignes/1/amo")
    assert p.describe(translator("fr")) == "facture-000000001.json, /lignes/1/amo"


def test_malformed_json_names_the_file_and_the_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "facture.json"
    path.write_text('{"libellé": "créée",\n "amo": 12,,}', encoding="utf-8")
    with pytest.raises(ExtractError) as info:
        extract_file(pointers({"/amo": "invoice.totals.amo"}), path)
    offset = path.read_bytes().index(b",,") + 1
    assert (
        str(info.value) == f"{path}, octet {offset} : JSON invalide : nom de propriété entre guillemets droits attendu"
    )
    assert info.value.offset == offset


def test_a_missing_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(ExtractError) as info:
        extract_file(pointers({"/amo": "invoice.totals.amo"}), tmp_path / "absent.json")
    assert str(info.value) == f"{tmp_path / 'absent.json'} : lecture impossible (introuvable)"
    assert translator("en")(str(info.value)).endswith(": cannot be read (not found)")


def test_provenance_round_trips_through_its_dict() -> None:
    p = Provenance("out/lots/000015.b2", "fixed", offset=300, record=3, columns=(45, 52), excerpt="500…")
    assert Provenance.from_dict(p.to_dict()) == p
    assert p.describe(translator("fr")) == "000015.b2, enregistrement 3, colonnes 45–52"


def test_a_file_copied_elsewhere_names_its_own_path(tmp_path: Path) -> None:
    copy = tmp_path / "copie.xml"
    shutil.copy(FSE, copy)
    [got] = extract_file(xpath({"string(//*[local-name()='totaux']/@amo)": "invoice.totals.amo"}), copy)
    assert got.provenance.source == str(copy) and got.provenance.line == 8


def test_a_json_file_with_a_byte_order_mark_is_read_and_its_offsets_count_the_mark(tmp_path: Path) -> None:
    path = tmp_path / "facture.json"
    path.write_bytes(b'\xef\xbb\xbf{"amo": "12,50"}')
    [got] = extract_file(pointers({"/amo": "invoice.totals.amo"}), path)
    assert got.value == "12.50"
    path.write_bytes(b'\xef\xbb\xbf{"amo": }')
    with pytest.raises(ExtractError) as info:
        extract_file(pointers({"/amo": "invoice.totals.amo"}), path)
    assert info.value.offset == path.read_bytes().index(b"}")


def test_a_whole_xml_document_is_ready_at_once_a_cut_one_waits_for_its_size_to_stay_stable(tmp_path: Path) -> None:
    from testbench.extract.run import file_ready

    spec = xpath({"string(/fse/@n)": "invoice.number"}, stable_for=60)  # stability cannot make it ready here
    whole = b'<?xml version="1.0"?>\n<fse n="1">\n  <totaux amo="1.00"/>\n</fse>\n'
    path = tmp_path / "fse.xml"
    path.write_bytes(whole[:40])  # the application has written its first chunk only
    assert not file_ready(spec, path)
    path.write_bytes(whole)
    assert file_ready(spec, path)
    path.write_bytes(whole.replace(b"</fse>", b"</fsx>"))  # malformed: left to the stability wait, then its error
    assert not file_ready(spec, path)
