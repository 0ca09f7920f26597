"""Redaction leftovers of the last audit (s30): what still leaked, built as the application or a PC/SC trace prints it.

- a known value a dump cut over three lines or more (4 or 8 bytes a line), or over two lines of a logger that stamps
  each write (a line with a timestamp alone between them);
- a birth date in BCD, two digits a byte, in either order (« 19 61 03 17 », « 17 03 19 61 »), as a Vitale 1 record
  or another program packs it;
- a known value in a base64 token wrapped over lines (MIME's 76 columns, PEM's 64, or a logger's 24): each line
  alone holds a piece no search of one line decodes to the value;
- a known number a line break cut in a wrapped message (« NIR 1 80 01 99 » then « 999 001 68 »);
- a casebook's title all in capitals (« EXEMPLE DE FACTURE ») that lost its persona word.

Each through the real export path (a run's session, its trace, ``testbench report``) and the scrubber as the report
uses it; and ordinary data (amounts, dates of care, act codes, a date of care in BCD) stays as written.
"""

from __future__ import annotations

import base64
import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.personal import Scrubber
from testbench.store.read import read_session
from testbench.store.session import SessionStore
from testbench.traces.known import KnownValues
from testbench.traces.model import TraceLine
from testbench.traces.redact import Redactor

#: the demo's first case's holder (its card reads make these known to the report)
NIR = "180019999900168"
BIRTH = "19800115"
FILLER = bytes(range(1, 17))


def _known() -> KnownValues:
    known = KnownValues()
    known.add("nir", NIR)
    known.add("birth_date", BIRTH)
    known.add_card_fields({"name": "ESSAI", "first_name": "PAUL"})
    return known


def _offsets(data: bytes, width: int) -> list[str]:
    """« 0000: 01 02 … »: an application's dump of a card's answer, ``width`` bytes a line."""
    return [f"{i:04X}: {data[i : i + width].hex(' ').upper()}" for i in range(0, len(data), width)]


def _chars(chunk: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)


def _hexdump_c(data: bytes, width: int = 16) -> list[str]:
    return [
        f"{i:08x}  {data[i : i + width].hex(' '):<{3 * width - 1}}  |{_chars(data[i : i + width])}|"
        for i in range(0, len(data), width)
    ]


def _left_bytes(lines: list[str]) -> bytes:
    """The bytes the lines still show, offsets, markers and columns of characters left out."""
    out = bytearray()
    for line in lines:
        body = line.split("|")[0]
        body = re.sub(r"‹[^›]*›", " ", re.sub(r"^(?:\[[^\]]*\] )?[0-9A-Fa-f]{4,8}:? ", "", body))
        out += bytes(int(p, 16) for p in re.findall(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{2}(?![0-9A-Fa-f])", body))
    return bytes(out)


def _digits(lines: list[str]) -> str:
    return "".join(re.findall(r"\d", "".join(re.sub(r"‹[^›]*›", "", line) for line in lines)))


# ------------------------------------------------------------------------------- over three lines or more


VALUES = {
    "nir-ascii": ("nir", NIR.encode()),
    "nir-bcd": ("nir", bytes.fromhex(NIR + "F")),
    "birth-ascii": ("birth_date", BIRTH.encode()),
    "birth-bcd": ("birth_date", bytes.fromhex(BIRTH)),
    "name-utf16": ("name", "Paul Essai".encode("utf-16-le")),
}


#: each value with the widths of dump that cut it over three lines or more (two: test_privacy_s29_cut_values)
_OVER_THREE = [(value, width) for value in sorted(VALUES) for width in (2, 4, 8) if len(VALUES[value][1]) > width]


@pytest.mark.parametrize(("value", "width"), _OVER_THREE)
def test_a_value_over_three_lines_or_more_is_masked_on_each(value: str, width: int) -> None:
    kind, raw = VALUES[value]
    redactor = Redactor(known=_known())
    for lead in range(width):  # every place the value may start on its first line
        data = FILLER[: lead + 1] + raw + FILLER[:3]
        lines = _offsets(data, width)
        out, counts = redactor.redact_lines(lines)
        assert counts[kind] == 1, (lead, lines, out)
        left = _left_bytes(out)
        assert raw not in left and not set(raw) & set(left) - set(FILLER), (lead, out)
        assert out[0].startswith("0000: 01"), out  # the bytes before it stay


def test_a_hexdump_of_four_bytes_a_line_hides_its_column_too() -> None:
    lines = _hexdump_c(FILLER[:2] + NIR.encode() + b"\x90\x00", width=4)
    out, counts = Redactor(known=_known()).redact_lines(lines)
    assert counts == Counter({"nir": 1})
    assert out[0] == "00000000  01 02 ‹NIR masqué, 2 octets›  |..‹NIR›|"
    assert out[1] == "00000004  ‹NIR masqué, 4 octets›  |‹NIR›|"
    assert out[-1] == "00000010  ‹NIR masqué, 1 octet› 90 00     |‹NIR›..|"
    assert not re.search(r"\d", "".join(line.split("|")[1] for line in out))


def test_a_timestamp_line_between_two_lines_of_a_dump() -> None:
    """A logger that stamps each write puts its stamp alone on a line between the dump's pieces; an engine line
    interleaves too: the value across the break is still masked, the stamps stay."""
    lines = _offsets(FILLER[:11] + NIR.encode() + b"\x90\x00", 16)
    rows = [
        ("app", "2026-12-07 10:00:01.120 DEBUG réponse de la carte :"),
        ("app", lines[0]),
        ("engine", "20261207 10:00:01.121 INFO lecture carte"),
        ("app", "2026-12-07 10:00:01.122 DEBUG"),
        ("app", lines[1]),
    ]
    scrub = Scrubber(True, _known())
    out = scrub.trace_lines(rows)
    assert out[1] == "0000: 01 02 03 04 05 06 07 08 09 0A 0B ‹NIR masqué, 5 octets›"
    assert out[4] == "0010: ‹NIR masqué, 10 octets› 90 00"
    assert [out[0], out[2], out[3]] == [rows[0][1], rows[2][1], rows[3][1]]
    assert scrub.counts["nir"] == 1


def test_a_line_with_data_between_ends_the_dump() -> None:
    """A line of the same source that says more than a timestamp (digits: another message) is no stamp alone: the
    two dumps around it are not read as one."""
    rows = [("app", "0000: 01 02 31 38 30 30"), ("app", "10:00:01 DEBUG SW 9000 lu 2 octets"), ("app", "0010: 31 39")]
    assert Scrubber(True, KnownValues(names=set(), numbers={"finess": {"180019"}})).trace_lines(rows)[0] == rows[0][1]


# ----------------------------------------------------------------------------------------------- BCD dates


@pytest.mark.parametrize(
    "line",
    [
        "SCardTransmit < 82 04 19 80 01 15 90 00",  # pyscard's toHexString, year first
        "R-APDU: 17 0A 15 01 19 80 02 05 90 00",  # day first
        "0010: 15 01 19 80 0A 0B",
        "resp=150119800A0B9000",  # packed
    ],
)
def test_a_birth_date_in_bcd_is_masked(line: str) -> None:
    scrub = Scrubber(True, _known())
    out = scrub(line)
    assert "date de naissance masquée, 4 octets" in out, out
    assert not re.search(r"19 ?80", out) and scrub.counts["birth_date"] == 1


def test_a_birth_date_in_bcd_across_a_break() -> None:
    lines = _offsets(FILLER[:14] + bytes.fromhex(BIRTH) + b"\x90\x00", 16)
    out, counts = Redactor(known=_known()).redact_lines(lines)
    assert counts["birth_date"] == 1
    assert out == ["0000: 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E ‹date de naissance masquée, 2 octets›",
                   "0010: ‹date de naissance masquée, 2 octets› 90 00"]  # fmt: skip


# ------------------------------------------------------------------------------------- wrapped base64


_PAYLOAD = json.dumps({"patient": {"nom": "ESSAI", "prenom": "PAUL", "nir": NIR}, "actes": ["C", 25.0]}).encode()


@pytest.mark.parametrize("width", [76, 64, 24])
def test_a_wrapped_base64_token_is_masked_on_every_line(width: int) -> None:
    blob = base64.b64encode(_PAYLOAD).decode()
    lines = ["requete=" + blob[:width], *(blob[i : i + width] for i in range(width, len(blob), width))]
    scrub = Scrubber(True, _known())
    out = scrub.trace_lines([("app", line) for line in lines])
    assert out[0].startswith("requete=‹")
    assert all("‹" in line for line in out), out
    for line in out:  # no piece left that decodes to any of the payload
        for token in re.findall(r"[A-Za-z0-9+/=]{8,}", line):
            assert token not in blob, out
    assert scrub.counts["nir"] == 1 and scrub.counts["name"] == 1


def test_a_wrapped_token_in_a_message_of_several_lines() -> None:
    """A syslog message that holds the whole token (its lines joined by « \\n »), and a text's lines redacted
    together (:meth:`Redactor.redact_lines`), read alike."""
    blob = base64.b64encode(_PAYLOAD).decode()
    lines = [blob[i : i + 32] for i in range(0, len(blob), 32)]
    redactor = Redactor(known=_known())
    out = redactor.redact("\n".join(lines)).split("\n")
    assert len(out) == len(lines) and all(line.startswith("‹base64 masqué") for line in out), out
    masked, counts = redactor.redact_lines(lines)
    assert masked == out and counts["nir"] == 1


def test_a_wrapped_token_with_no_known_value_stays() -> None:
    blob = base64.b64encode(b'{"actes": ["C", "V"], "montant": "25.00", "date": "2026-12-07"}').decode()
    lines = [blob[i : i + 24] for i in range(0, len(blob), 24)]
    assert Scrubber(True, _known()).trace_lines([("app", line) for line in lines]) == lines


# --------------------------------------------------------------------------------- text cut by a line break


def test_a_nir_cut_by_a_wrapped_message() -> None:
    rows = [("app", "Patient PAUL ESSAI, NIR 1 80 01 99"), ("engine", "ok"), ("app", "999 001 68 (clé calculée)")]
    scrub = Scrubber(True, _known())
    out = scrub.trace_lines(rows)
    assert out == ["Patient ‹NOM›, NIR ‹NIR›", "ok", "‹NIR› (clé calculée)"]
    assert scrub.counts["nir"] == 1


def test_a_nir_cut_in_a_message_of_several_lines() -> None:
    out = Redactor(known=_known()).redact("assuré 1800199\n99900168 lu\r\nsuite")
    assert out == "assuré ‹NIR›\n lu\r\nsuite"


# --------------------------------------------------------------------------------------- ordinary data stays


ORDINARY_ROWS = [
    # amounts, dates of care, act codes, a care date in BCD (its day and month are the holder's birthday's)
    "FSE 2026-12-07 C 25.00 EUR, V 1.5, total 1800 centimes",
    "0000: 15 01 20 26 0A 0B 0C 0D",
    "acte NGAP C 1 25,00 part AMO 17,50 date 15/01/2026",
    "montant 180019",
    "99999 EUR",
    "lot 19800115",  # a date as an invoice number is told by nothing but its value: it is masked (see below)
]


def test_ordinary_data_stays() -> None:
    scrub = Scrubber(True, _known())
    out = scrub.trace_lines([("app", text) for text in ORDINARY_ROWS])
    assert out[:5] == ORDINARY_ROWS[:5]
    assert out[5] == "lot ‹DATE_NAISSANCE›"  # the known birth date, wherever it stands (unchanged rule)


def test_random_wrapped_lines_of_digits_keep_every_digit() -> None:
    """2,000 pairs of lines that end and start with digits (amounts, act counts, timestamps): none is taken for a
    known number, whatever their digits."""
    rnd = random.Random(30)
    scrub = Scrubber(True, _known())
    rows = []
    for _ in range(2000):
        rows.append(("app", f"montant {rnd.randint(0, 10**9)}"))
        rows.append(("app", f"{rnd.randint(0, 10**9)} {rnd.choice(['EUR', 'actes', 'ms'])}"))
    assert scrub.trace_lines(rows) == [text for _, text in rows]
    assert not scrub.counts


# ---------------------------------------------------------------------------------------- titles in capitals


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("EXEMPLE DE FACTURE", "EXEMPLE DE FACTURE"),
        ("CAS 3 : ESSAI SANS CARTE", "CAS 3 : ESSAI SANS CARTE"),
        ("FACTURE DE ESSAI", "FACTURE DE ‹NOM›"),  # a name after the noun: the holder
        ("FSE DE PAUL ESSAI", "FSE DE ‹NOM›"),  # a whole name
        ("ESSAI PAUL", "‹NOM›"),
        ("MME ESSAI DE NANTES", "MME ‹NOM› DE NANTES"),
        ("Essai de lecture", "Essai de lecture"),
        ("ESSAI DE Lecture", "‹NOM› DE Lecture"),  # not all in capitals: capitals are a name there
    ],
)
def test_a_title_in_capitals_keeps_its_persona_word(title: str, expected: str) -> None:
    known = _known()
    known.add("name", "EXEMPLE")
    assert Scrubber(True, known).wording(title) == expected


def test_a_trace_line_keeps_the_trace_rule() -> None:
    """Only a casebook's own text reads capitals so: a trace line's « ESSAI DE LECTURE » names the holder."""
    assert Scrubber(True, _known())("ESSAI DE LECTURE") == "‹NOM› DE LECTURE"


# -------------------------------------------------------------------------------------------- the real path


def _app_lines() -> list[str]:
    stamp = "[10:00:0{}] {}".format
    three = _offsets(FILLER[:2] + NIR.encode() + b"\x90\x00", 4)
    b64 = base64.b64encode(_PAYLOAD).decode()
    return [
        *(stamp(1, line) for line in three),
        stamp(2, "SCardTransmit < 82 04 19 80 01 15 90 00"),
        stamp(3, "payload " + b64[:24]),
        *(b64[i : i + 24] for i in range(24, len(b64), 24)),
        stamp(4, "assuré PAUL ESSAI NIR 1 80 01 99"),
        "999 001 68",
        stamp(5, "FSE 2026-12-07 C 25.00 EUR total 1800 centimes"),
    ]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str]]:
    """A real run of the demo's first case (its card reads make the holder known), the application's lines stored as
    the case's trace, then its exam book, redacted and with ``--no-redact``: every text each export wrote."""
    root = tmp_path_factory.mktemp("s30")
    session = root / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "-k", "DEMO-FSE-001"]
    assert main([*argv, "--cards", "inprocess", "--engine", "inprocess"]) == 0
    with read_session(session) as view:
        attempt = view.cases[0].latest
        assert attempt is not None
    store = SessionStore.open(session)
    try:
        store.add_trace_lines(
            [
                TraceLine("app", 10**12 + n, 1.8e9 + n, text, "app.log", attempt_id=attempt.id, step_id="s-vitale")
                for n, text in enumerate(_app_lines())
            ]
        )
    finally:
        store.close()
    assert main(["report", str(session), "-o", str(root / "rep")]) == 0
    assert main(["report", str(session), "-o", str(root / "raw"), "--no-redact"]) == 0
    return _texts(root / "rep"), _texts(root / "raw")


def _texts(folder: Path) -> list[str]:
    texts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            texts.extend(node.splitlines() or [node])
        elif isinstance(node, dict):
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in folder.rglob("*"):
        if path.suffix == ".json":
            walk(json.loads(path.read_text(encoding="utf-8")))
        elif path.suffix in (".txt", ".html", ".xml"):
            texts += path.read_text(encoding="utf-8").splitlines()
    return texts


def test_the_export_leaves_none_of_them(exported: tuple[list[str], list[str]]) -> None:
    texts, _ = exported
    whole = "\n".join(texts)
    assert "[10:00:01] 0004: ‹NIR masqué, 4 octets›" in whole
    assert "[10:00:02] SCardTransmit &lt; 82 04 ‹date de naissance masquée, 4 octets› 90 00" in whole or (
        "[10:00:02] SCardTransmit < 82 04 ‹date de naissance masquée, 4 octets› 90 00" in whole
    )
    assert "[10:00:04] assuré ‹NOM› NIR ‹NIR›" in whole
    assert "[10:00:05] FSE 2026-12-07 C 25.00 EUR total 1800 centimes" in whole  # ordinary data as written
    b64 = base64.b64encode(_PAYLOAD).decode()
    for i in range(0, len(b64), 24):
        assert b64[i : i + 24] not in whole, i
    for line in _app_lines():  # no line of the application's leaves as written but the ordinary one
        if "FSE 2026" not in line:
            assert line not in texts, line
    assert "19 80 01 15" not in whole and "31 38 30 30" not in whole


def test_the_opt_out_keeps_them(exported: tuple[list[str], list[str]]) -> None:
    _, raw = exported
    for line in _app_lines():
        assert line in raw, line
