"""A return or FSE XML the extractor cannot read says why in French, at file:line:col, in English with --lang en;
a namespace that matches nothing is said, not read as an empty value; a file too large to parse is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.extract.model import ExtractError
from testbench.extract.run import extract_file
from testbench.extract.spec import ExtractorSpec, parse_extractor
from testbench.extract.xmlfile import XML_MAX_BYTES
from testbench.i18n import translator

RSP1 = "urn:audit:rsp:1"


def rsp(fields: dict[str, str]) -> ExtractorSpec:
    table = {
        "name": "retours XML",
        "kind": "xpath",
        "applies_to": ["read_returns"],
        "files": "rxml",
        "namespaces": {"r": RSP1},
        "fields": fields,
    }
    return parse_extractor(table, "sut.toml: extractors[1]")


PAID = rsp({"string(/r:rsp/r:paid)": "returns.paid"})


def _error(tmp_path: Path, data: bytes, spec: ExtractorSpec = PAID) -> tuple[Path, str]:
    path = tmp_path / "rsp.xml"
    path.write_bytes(data)
    with pytest.raises(ExtractError) as info:
        extract_file(spec, path)
    return path, str(info.value)


def test_a_file_that_is_not_xml_is_said_in_french_at_its_place(tmp_path: Path) -> None:
    path, message = _error(tmp_path, b"garbage")
    assert message == f"{path}:1:1 : XML mal formé : aucun élément XML"
    assert translator("en")(message) == f"{path}:1:1: malformed XML: no XML element"


def test_a_too_deep_document_names_the_limit_not_an_option_the_user_cannot_set(tmp_path: Path) -> None:
    path, message = _error(tmp_path, b"<?xml version='1.0'?>\n" + b"<a>" * 300 + b"</a>" * 300)
    assert message.startswith(f"{path}:2:") and "XML_PARSE_HUGE" not in message
    assert message.endswith(" : XML mal formé : imbrication trop profonde (plus de 256 niveaux d'éléments)")
    english = translator("en")(message)
    assert english.startswith(f"{path}:2:") and "malformed XML: " in english and "imbrication" not in english


def test_an_unknown_libxml2_message_gives_a_french_sentence_and_the_place(tmp_path: Path) -> None:
    path, message = _error(tmp_path, b"<rsp>\x01</rsp>")  # libxml2's « PCDATA invalid Char value 1 » is not shown
    assert message == f"{path}:1:6 : XML mal formé à cet endroit"
    assert translator("en")(message) == f"{path}:1:6: malformed XML at this place"


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b'<?xml version="1.0"?>\n<rsp><paid>50.40</pa\n', ":3:1 : XML mal formé : « > » attendu"),
        (b"<rsp>\n<!-- x -- y -->\n</rsp>", ":2:8 : XML mal formé : « -- » dans un commentaire"),  # lxml's « , line »
    ],
)
def test_a_known_libxml2_message_is_worded_never_left_in_english(tmp_path: Path, data: bytes, said: str) -> None:
    path, message = _error(tmp_path, data)
    assert message.startswith(f"{path}{said}") and "expected" not in message and "hyphen" not in message


def test_string_of_nothing_is_no_value_not_the_empty_string(tmp_path: Path) -> None:
    path = tmp_path / "rsp.xml"
    path.write_bytes(f'<rsp xmlns="{RSP1}"><due>10</due><empty/></rsp>'.encode())
    spec = rsp(
        {
            "string(/r:rsp/r:paid)": "returns.paid",
            "normalize-space(/r:rsp/r:paid)": "returns.unpaid",
            "string(/r:rsp/r:empty)": "returns.status",
            "string(/r:rsp/r:due)": "returns.due",
        }
    )
    values = {item.path: item.value for item in extract_file(spec, path)}
    assert values == {"returns.status": "", "returns.due": "10"}  # an element there but empty is a value


def test_a_root_in_another_namespace_is_said_instead_of_an_empty_value(tmp_path: Path) -> None:
    path, message = _error(tmp_path, b'<?xml version="1.0"?>\n<rsp xmlns="urn:audit:rsp:2"><paid>50.40</paid></rsp>\n')
    said = "la racine est dans l'espace de noms urn:audit:rsp:2, le profil déclare urn:audit:rsp:1"
    assert message == f"{path} : aucune valeur lue : {said}"
    assert translator("en")(message) == (
        f"{path}: no value read: the root element is in the namespace urn:audit:rsp:2,"
        " the profile declares urn:audit:rsp:1"
    )
    path, message = _error(tmp_path, b"<rsp><paid>50.40</paid></rsp>")
    assert message.endswith("la racine n'est dans aucun espace de noms, le profil déclare urn:audit:rsp:1")


def test_a_root_in_a_declared_namespace_reading_nothing_is_no_error(tmp_path: Path) -> None:
    path = tmp_path / "rsp.xml"
    path.write_bytes(f'<rsp xmlns="{RSP1}"><due>10</due></rsp>'.encode())
    assert extract_file(PAID, path) == []


def test_a_file_past_the_cap_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    head = f'<rsp xmlns="{RSP1}"><paid>1</paid>'.encode()
    path, message = _error(tmp_path, head + b"<x/>" * ((XML_MAX_BYTES - len(head)) // 4 + 1) + b"</rsp>")
    size = path.stat().st_size
    assert message == f"{path} : fichier trop volumineux ({size} octets, limite 16777216 octets)"
    assert translator("en")(message) == f"{path}: file too large ({size} bytes, limit 16777216 bytes)"
