"""Personal data and PINs in the encodings the previous audit left open.

- a NIR written with « + » or « %20 » between its groups, as a URL's query writes spaces;
- known values inside hex or base64 of UTF-16 big-endian text (and UTF-16 after its byte order mark);
- a PIN inside a base64 token of free text (« requête=… »): text or an APDU, short, URL-safe, unpadded,
  UTF-16, a Vitale 1 command (CLA BC) — masked at capture, so with or without ``--no-redact``.
"""

from __future__ import annotations

import base64
import json

import pytest

from testbench.report.personal import Scrubber
from testbench.traces.known import KnownValues
from testbench.traces.redact import Redactor, for_export, redact_pins
from testbench.traces.redact_rules import MARKERS, nir_key

BODY = "1850578006084"
KEY = f"{nir_key(BODY):02d}"
NIR = BODY + KEY
GROUPS = ["1", "85", "05", "78", "006", "084"]


def _known() -> KnownValues:
    known = KnownValues()
    known.add("nir", NIR)
    known.add("rpps", "89990000013")
    known.add("name", "Éloïse Martin")
    known.add("name", "DUPONT")
    known.add("name", "ESSAI")
    known.add("birth_date", "19800115")
    return known


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor(known=_known())


def assert_redacts(redactor: Redactor, cases: dict[str, str]) -> None:
    for line, expected in cases.items():
        assert redactor.redact(line) == expected, line


# ------------------------------------------------------------------------------ 1. a NIR in a URL's query


def test_a_known_nir_with_plus_or_percent_20_between_its_groups_is_redacted(redactor: Redactor) -> None:
    plus, pct = "+".join(GROUPS), "%20".join(GROUPS)
    assert_redacts(
        redactor,
        {
            f"GET /assure?q={plus}+{KEY}&page=2": "GET /assure?q=‹NIR›&page=2",
            f"GET /assure?q={pct}%20{KEY}&page=2": "GET /assure?q=‹NIR›&page=2",
            # the 13 digits alone, no label: only the known value finds them
            f"GET /assure?q={plus}&page=2": "GET /assure?q=‹NIR›&page=2",
            f"GET /assure?q={pct}&page=2": "GET /assure?q=‹NIR›&page=2",
            "GET /ps?q=8+99+900+000+13": "GET /ps?q=‹RPPS›",  # a known RPPS too
            "GET /ps?q=8%2099%20900%20000%2013": "GET /ps?q=‹RPPS›",
        },
    )


def test_a_nir_shaped_number_with_plus_or_percent_20_is_redacted_by_the_rule() -> None:
    plain = Redactor()  # nothing known: the NIR's shape and key
    plus, pct = "+".join(GROUPS), "%20".join(GROUPS)
    assert_redacts(
        plain,
        {
            f"GET /assure?q={plus}+{KEY}&page=2": "GET /assure?q=‹NIR›&page=2",
            f"GET /assure?q={pct}%20{KEY}": "GET /assure?q=‹NIR›",
            f"GET /assure?q=assur%C3%A9%20{pct}%20{KEY}": "GET /assure?q=assur%C3%A9%20‹NIR›",
            f"GET /assure?nir={plus}": "GET /assure?nir=‹NIR›",  # 13 digits after a label
        },
    )


@pytest.mark.parametrize(
    "line",
    [
        f"GET /calc?expr=12+85+05+78+006+084+{KEY}",  # 14 digits before the key: no NIR
        "tel=%2B33%201%2085%2005%2078%2000",  # a phone number
        "total=1+2+3+4&n=10%2020%2030",
        "GET /q?a=1+85+05+78+006+08",  # digits short of a NIR
    ],
)
def test_numbers_joined_by_plus_or_percent_20_that_are_no_nir_are_kept(redactor: Redactor, line: str) -> None:
    assert redactor.redact(line) == line
    assert Redactor().redact(line) == line


# ------------------------------------------------------------------------------ 2. UTF-16 big-endian


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (NIR, "NIR masqué"),
        ("DUPONT", "nom masqué"),
        ("Éloïse Martin", "nom masqué"),
        ("15/01/1980", "date de naissance masquée"),
    ],
)
def test_known_values_in_utf16_big_endian_hex_are_found(redactor: Redactor, value: str, label: str) -> None:
    """A Java or network-order application dumps a UTF-16 string big-endian: each ASCII character 00 XX."""
    raw = value.encode("utf-16-be")
    size = len(raw)
    for run in (raw.hex(" "), raw.hex().upper(), raw.hex(":")):
        assert redactor.redact(f"buf {run} fin") == f"buf ‹{label}, {size} octets› fin", run
    # after the byte order mark of either order: the mark stays, the value goes
    assert redactor.redact("buf " + (b"\xfe\xff" + raw).hex(" ")) == f"buf fe ff ‹{label}, {size} octets›"
    little = value.encode("utf-16-le")
    assert redactor.redact("buf " + (b"\xff\xfe" + little).hex(" ")) == f"buf ff fe ‹{label}, {size} octets›"


def test_known_values_in_base64_of_utf16_big_endian_are_found(redactor: Redactor) -> None:
    for value in ("DUPONT", "Éloïse Martin", "15/01/1980"):
        raw = value.encode("utf-16-be")
        token = base64.b64encode(raw).decode()
        assert redactor.redact(f"b64 {token}") == f"b64 ‹base64 masqué, {len(raw)} octets›", value
        bom = base64.b64encode(b"\xff\xfe" + value.encode("utf-16-le")).decode()  # « Encoding.Unicode » with BOM
        assert redactor.redact(f"b64 {bom}").startswith("b64 ‹base64 masqué"), value


@pytest.mark.parametrize("encoding", ["utf-16-be", "utf-16-le"])
def test_a_one_word_name_in_utf16_is_found_only_as_a_whole_word(redactor: Redactor, encoding: str) -> None:
    """« ESSAIS » and « xESSAI » are other words in UTF-16 too: the boundaries are a character's, not a byte's."""
    for other in ("ESSAIS", "xESSAI", "DUPONTEL"):
        run = other.encode(encoding).hex(" ")
        assert redactor.redact(f"buf {run}") == f"buf {run}", other
    run = "M. ESSAI, 1".encode(encoding).hex(" ")
    assert "‹nom masqué, 10 octets›" in redactor.redact(f"buf {run}")


# ------------------------------------------------------------------------------ 3. a PIN inside base64


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def url64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


VERIFY = bytes.fromhex("0020008108") + b"4719" + b"\xff" * 4
_TOKENS = {
    "JSON request": b64(json.dumps({"reader": "x", "pin": "4719", "op": "verify"}).encode()),
    "short pin=": b64(b"pin=4719"),
    "short, unpadded": b64(b"pin:4719").rstrip("="),
    "code porteur": b64(b"code porteur : 4719"),
    "code porteur, cp1252": b64("Code porteur : 4719 (réessai)".encode("cp1252")),
    "UTF-16LE text": b64("code porteur : 4719".encode("utf-16-le")),
    "UTF-16BE text": b64("pin=4719".encode("utf-16-be")),
    "UTF-16 JSON with BOM": b64('{"pin":"4719"}'.encode("utf-16")),
    "URL-safe JSON": url64(b'{"reader":"x?","pin":"4719","op":"verify>>"}'),
    "URL-safe VERIFY": url64(VERIFY),
    "VERIFY, CLA BC (Vitale 1)": b64(bytes.fromhex("BC20000008") + b"4719" + b"\xff" * 4),
    "VERIFY, CLA 80 P1 80": b64(bytes.fromhex("8020800108") + b"4719" + b"\xff" * 4),
    "hex dump as text": b64(b"APDU 00 20 00 81 08 34 37 31 39 FF FF FF FF"),
    "nested base64": b64(json.dumps({"apdu": b64(VERIFY)}).encode()),
    "codecps": b64(b"codecps4719"),
    "VERIFY inside a binary frame": b64(b"\x00\x00\x00\x0d\x01" + VERIFY + b"\x90\x00"),
    "VERIFY after a text header": b64(b"GALSS trame 12 : " + VERIFY),
    "CHANGE REFERENCE DATA inside a frame": b64(b"\x02\x11" + bytes.fromhex("002400810C") + b"4719" + b"\x31" * 4),
    "XML": b64(b"<CodePorteur>4719</CodePorteur>"),
}


@pytest.mark.parametrize("name", list(_TOKENS))
@pytest.mark.parametrize("before", ["requête=", "requête ", '{"body": "'])
def test_a_pin_inside_base64_never_survives(redactor: Redactor, name: str, before: str) -> None:
    token = _TOKENS[name]
    line = f"2026-11-25 10:00:01 DEBUG {before}{token}"
    outputs = {
        "export": redactor.redact(line),
        "capture": redact_pins(line),
        "--no-redact": for_export(line, None, redact=False),
        "report --no-redact": Scrubber(False)(line),
    }
    for where, text in outputs.items():
        assert text == f"2026-11-25 10:00:01 DEBUG {before}{MARKERS['pin']}", (where, text)


def test_a_pin_inside_base64_in_a_url_query_is_masked() -> None:
    """A query writes base64's « = », « + », « / » as %3D, %2B, %2F: the token is read through them."""
    token = b64(b'{"x":"?>?","pin":"4719"}')
    assert "+" in token or "/" in token
    quoted = token.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    assert redact_pins(f"GET /api?req={quoted}&a=1") == "GET /api?req=‹PIN›&a=1"
    assert redact_pins(f"GET /api?req={b64(b'pin=4719')[:-1]}%3D&a=1") == "GET /api?req=‹PIN›&a=1"


def test_a_password_inside_base64_is_a_secret() -> None:
    assert redact_pins("auth=" + b64(b"password=hunter22")) == "auth=‹SECRET›"


@pytest.mark.parametrize(
    "token",
    [
        b64(json.dumps({"reader": "x", "op": "verify-pin", "tries": "3"}).encode()),  # a step's name, no code
        b64(b"etape s-pin : verify-pin"),
        b64(bytes.fromhex("00B0820019")),  # READ BINARY
        b64(bytes.fromhex("00A4040C07A0000000041010")),  # SELECT
        b64(b"Hello world, nothing personal here"),
        "SSV_LireCarteVitale",
        "FSE2026PSADSECURISEE6397D6E19LOT000001FACTURE0014",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",  # a SHA-256 in hex
        "550e8400-e29b-41d4-a716-446655440000",  # a UUID
        "SACAAgQg0NzE5/////w",  # a part of a token: no command at its start
        "PSAD-AMC-005",  # a case's id: URL-safe base64 of 3D 20 03 F8 03…, a VERIFY but for its class byte
        "_SCALAR_TEXT",
    ],
)
def test_base64_without_a_pin_is_kept_at_capture(token: str) -> None:
    line = f"requête={token} fin"
    assert redact_pins(line) == line


def test_no_word_of_the_bundled_casebooks_is_taken_for_a_pin() -> None:
    """Ids, steps, codes and words of every bundled casebook, profile and fixture: none decodes to a PIN."""
    from testbench.paths import CASEBOOKS_DIR
    from testbench.traces.redact_rules import _B64_PIN_TOKEN

    tokens = {
        token
        for path in CASEBOOKS_DIR.rglob("*")
        if path.suffix in (".xml", ".json", ".toml", ".csv", ".py")
        for token in _B64_PIN_TOKEN.findall(path.read_text(encoding="utf-8", errors="replace"))
    }
    assert len(tokens) > 500
    line = " ".join(sorted(tokens))
    assert redact_pins(line) == line


def test_a_pin_in_base64_is_counted_once_as_a_pin(redactor: Redactor) -> None:
    result = redactor.redact_with_report("requête=" + _TOKENS["JSON request"])
    assert result.counts == {"pin": 1}


def test_base64_after_an_equals_sign_is_searched_for_known_values_and_personal_data(redactor: Redactor) -> None:
    """« key=TOKEN »: the « = » before a token was read as padding, so no base64 after it was ever decoded."""
    token = b64(b"patient DUPONT")
    assert redactor.redact(f"x={token}") == "x=‹base64 masqué, 14 octets›"
    long_token = b64(json.dumps({"nir": NIR, "op": "lecture"}).encode())
    assert Redactor().redact(f"requête={long_token}") == "requête=‹BASE64›"


def test_a_wrapped_base64_line_holding_the_code_is_masked() -> None:
    """MIME wraps base64 at 76 characters (groups of four: each line decodes alone); the line that holds the
    label and the code is masked, the others are kept (a code cut by the wrap is a documented limit)."""
    body = json.dumps(
        {
            "lecteur": "Gemalto PC Twin Reader 00 00",
            "operation": "verification du code porteur",
            "n": 12,
            "horodatage": "2026-11-25T10:00:01",
            "pin": "4719",
            "essais": 3,
        }
    ).encode()
    lines = base64.encodebytes(body).decode().splitlines()
    redacted = [redact_pins(line) for line in lines]
    assert MARKERS["pin"] in redacted
    assert all(b"4719" not in base64.b64decode(line + "=" * (-len(line) % 4)) for line in redacted if line != "‹PIN›")


def test_the_reports_scrubber_masks_each_gap_in_every_export() -> None:
    """The report, JUnit and diff write through one Scrubber: each of the three gaps, in one line."""
    scrub = Scrubber(True, _known())
    line = f"GET /a?q={'+'.join(GROUPS)}+{KEY} buf {'DUPONT'.encode('utf-16-be').hex(' ')} req={b64(b'pin=4719')}"
    assert scrub(line) == "GET /a?q=‹NIR› buf ‹nom masqué, 12 octets› req=‹PIN›"
    assert scrub.counts == {"nir": 1, "name": 1, "pin": 1}
    assert Scrubber(False, _known())(line).endswith("req=‹PIN›")  # --no-redact: the PIN still goes


@pytest.mark.parametrize(
    "line",
    [
        "=> 00 21 00 81 08 34 37 31 39 FF FF FF FF",  # VERIFY in its BER-TLV form (INS 21), as the card layer knows it
        "APDU 0021008108343731393FFFFFFF",
        "req=" + base64.b64encode(bytes.fromhex("0021008108") + b"4719" + b"\xff" * 4).decode(),
    ],
)
def test_a_verify_with_ins_21_keeps_no_pin(line: str) -> None:
    """INS 21 carries the PIN as INS 20 does (testbench.cards.apdu.PIN_INS): masked at capture and in exports."""
    for text in (redact_pins(line), for_export(line, None, redact=False)):
        assert "34 37 31 39" not in text and "34373139" not in text and "4719" not in text, text


def test_random_binary_in_base64_is_not_taken_for_a_command_carrying_a_code() -> None:
    """The search for a command inside a frame asks for a class byte, a code's INS, P1, Lc and four ASCII
    digits in a row: 5,000 tokens of random bytes (seeded) hold none."""
    import random

    draw = random.Random(16)
    tokens = [b64(draw.randbytes(draw.randint(9, 300))) for _ in range(5000)]
    assert [token for token in tokens if redact_pins(f"x {token}") != f"x {token}"] == []
