"""Redaction that keeps the evidence and masks every identifier (audit 10, findings 1 and 2).

- A B2 lot's records are not base64: exported, the lot keeps its 128-column records, is read back by the
  engine's own parser, and only its NIR, NIR key, birth date and prescriber are masked, each by a mask of its width.
  Base64 is taken for base64 on evidence (its rules, its alphabet, or personal data in what it decodes to).
- The prescriber's identifier (``prescripteur``: an RPPS, or an AM number) is masked in every encoding an
  RPPS is: XML attribute and element, JSON key, log text, and as a known value in hex and base64.

The end-to-end tests run the shipped casebooks through ``testbench run … --report`` (virtual cards and the
reference engine in process) and read the files the report exported.
"""

from __future__ import annotations

import base64
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from testbench.cards.decode import personal_fields
from testbench.cli.main import main
from testbench.engines.reference import b2
from testbench.report import personal
from testbench.store.read import read_session
from testbench.traces.known import KnownValues
from testbench.traces.redact import Redactor
from testbench.traces.redact_rules import b64_bytes, nir_key, same_width_mask

CASEBOOKS = Path(__file__).resolve().parents[1] / "casebooks"
BODY = "1850578006084"
NIR = BODY + f"{nir_key(BODY):02d}"
#: a record type 200 as the reference engine writes it: letters ("SAMC") among the digits
RECORD_200 = b2.render(
    "200",
    {
        "numero_facture": 14,
        "nir": BODY,
        "cle_nir": NIR[13:],
        "rang": 1,
        "regime": 1,
        "nature_assurance": 10,
        "exoneration": "0",
        "destinataire_reglement": 35,
        "date_soins": date(2026, 1, 12),
        "date_naissance": date(1985, 5, 12),
        "mode": "S",
        "payeur_amc": "AMC",
        "nombre_lignes": 1,
        "reference": "B1E6397D6E-19-1",
    },
)
#: only upper-case letters and digits, yet base64: it decodes to a line holding a NIR with a valid key
UPPER_B64 = "ICA7MTI5MTI5MDY3NDY3NTM0ICA7ICA7ICA7ICA7"


def _card_file() -> bytes:
    """A Vitale beneficiary (65) with its NIR (93), name (80) and first name (81), as a card returns it."""
    inner = b"".join(
        bytes([tag, len(v)]) + v for tag, v in ((0x93, NIR.encode()), (0x80, b"DUPONT"), (0x81, b"JEANNE"))
    )
    return bytes([0x65, len(inner)]) + inner + b"\x90\x00"


# ------------------------------------------------------------------------------ base64: on evidence only


@pytest.mark.parametrize(
    "line",
    [
        RECORD_200,  # a B2 record: one case, and its unused bits or its length break base64's rules
        "3F0000000014001AAD1241763      2601120040001000001400000140000005600000056000600",  # digits: hex
        '<facture numero="000000001" reference="FSE2026PSADSECURISEE6397D6E19LOT000001FACTURE0014"/>',  # an FSE field
        '{"reference": "PSADLOTRETOURS2026FACTURE00014AMCSECURISEE6397D6E"}',  # a reference in one case
        "/home/user/projects/testbench2026/traces/redaction/module/file",  # a path with digits
    ],
)
def test_records_and_identifiers_of_letters_and_digits_are_not_base64(line: str) -> None:
    result = Redactor().redact_with_report(line)
    assert result.text == line
    assert not result.counts


@pytest.mark.parametrize(
    ("line", "token"),
    [
        # a card file in base64 in a JSON record: both cases and digits, base64's own alphabet
        ('{"apdu": "00B2010C00", "response_b64": "%s"}', base64.b64encode(_card_file()).decode()),
        # the same in an XML element and in a log line; the URL-safe alphabet, without its padding
        ("<image>%s</image>", base64.b64encode(_card_file()).decode()),
        ("carte lue : %s fin", base64.urlsafe_b64encode(b"\xfb\xff" + _card_file()).decode().rstrip("=")),
        # padding: base64 by construction, whatever it holds
        ("jeton %s", base64.b64encode(b"\x00" * 31).decode()),
        # one case and digits only, but what it decodes to holds a NIR: the content is the evidence
        ("réponse %s", UPPER_B64),
    ],
)
def test_real_base64_is_decoded_checked_and_masked(line: str, token: str) -> None:
    assert len(token) >= 40
    result = Redactor().redact_with_report(line % token)
    assert result.text == line % "‹BASE64›"
    assert result.counts == Counter({"base64": 1})


def test_the_upper_case_token_decodes_to_a_nir_and_the_card_file_holds_personal_fields() -> None:
    """The fixtures above prove what they claim (a test that cannot fail proves nothing)."""
    assert re.fullmatch(r"[A-Z0-9]+", UPPER_B64)
    decoded = base64.b64decode(UPPER_B64).decode()
    nir = re.search(r"\d{15}", decoded)
    assert nir and nir_key(nir.group()[:13]) == int(nir.group()[13:])
    assert {f.field for f in personal_fields(_card_file())} == {"nir", "name", "first_name"}


@pytest.mark.parametrize(
    ("token", "data"),
    [
        ("SGVsbG8gd29ybGQh", b"Hello world!"),
        ("SGVsbG8gd29ybGQ=", b"Hello world"),
        ("SGVsbG8gd29ybGQ", b"Hello world"),  # padding left out, as URLs do
        ("-_-_", b"\xfb\xff\xbf"),
    ],
)
def test_base64_rules_accept_what_an_encoder_writes(token: str, data: bytes) -> None:
    assert b64_bytes(token) == data


@pytest.mark.parametrize(
    "token",
    [
        "SGVsbG8gd29ybGR",  # unused bits not zero: R is 17, its last two bits set (an encoder writes Q, 16)
        "SGVsbG8gd29ybGQh=",  # padding that fills no group of four
        "SGVsbG8gd29ybGQhA",  # a lone sixth of a byte
        "ab+c-d_e",  # two alphabets at once
        "2000000000141800199999001680010110035260112800115S",  # a B2 record's run: unused bits set
    ],
)
def test_base64_rules_reject_what_is_not_base64(token: str) -> None:
    assert b64_bytes(token) is None


# ------------------------------------------------------------------------------ fixed-width masks


def test_a_fixed_width_record_keeps_its_width_and_a_markup_line_its_markers() -> None:
    known = KnownValues()
    known.add("nir", NIR)
    known.add("name", "DUPONT")
    known.add("birth_date", "1985-05-12")
    redactor = Redactor(known=known, records=True, lang="en")  # English markers are longer: not here
    line = f"2{NIR}DUPONT    JEANNE    19850512S0001250"  # another application's fixed-width layout
    result = redactor.redact_with_report(line)
    assert result.text == f"2{'0' * 15}XXXXXX    JEANNE    00000000S0001250"
    assert len(result.text) == len(line)
    assert result.counts == Counter({"nir": 1, "name": 1, "birth_date": 1})
    xml = f'<beneficiaire nir="{NIR}" nom="DUPONT" dateNaissance="1985-05-12"/>'
    assert redactor.redact(xml) == '<beneficiaire nir="‹NIR›" nom="‹NAME›" dateNaissance="‹BIRTH_DATE›"/>'
    assert same_width_mask("2A 12-B") == "0X 00-X"
    hex_run, token = b"DUPONT".hex().upper(), base64.b64encode(b" JEANNE DUPONT ").decode()  # no padding
    result = redactor.redact_with_report(f"2 {hex_run} {token} S")  # a known name in hex and in base64
    assert result.text == f"2 {same_width_mask(hex_run)} {same_width_mask(token)} S"
    assert result.counts == Counter({"name": 2})


def test_a_b2_record_is_masked_by_column_and_read_back() -> None:
    masked, counts = personal.mask_b2_record(RECORD_200)
    assert len(masked) == b2.RECORD_LENGTH
    before, after = b2.parse_record(RECORD_200)[1], b2.parse_record(masked)[1]
    assert (after["nir"], after["cle_nir"], after["date_naissance"]) == ("0" * 13, "00", None)
    assert {k: v for k, v in after.items() if k not in personal.B2_PERSONAL_FIELDS} == {
        k: v for k, v in before.items() if k not in personal.B2_PERSONAL_FIELDS
    }
    assert counts == Counter({"nir": 1, "birth_date": 1})  # a NIR and its key are one NIR
    assert set(personal.B2_PERSONAL_FIELDS) <= {f.name for fields in b2.layout().values() for f in fields}
    other = RECORD_200[:28] + "X" + RECORD_200[29:]  # type 200, 128 columns, a letter in « rang »: another layout
    assert personal.mask_b2_record(other) == (other, Counter())


def test_the_prescriber_of_a_lots_complement_records_is_masked_by_column_and_read_back() -> None:
    """Records 210 (the invoice's prescription) and 3F1 (a line's own prescriber) name a PS: masked, width kept."""
    prescription = {"prescripteur": "10000000001", "date_prescription": date(2026, 1, 5)}
    prescription["numero_prescription"] = "RX-12"
    invoice = b2.render("210", {"numero_facture": 14, **prescription})
    line = b2.render("3F1", {"numero_facture": 14, "numero_ligne": 1, "siret": "12345678000014",
                             "prescripteur": "751999991"})  # fmt: skip
    for record in (invoice, line):
        masked, counts = personal.mask_b2_record(record)
        values = b2.parse_record(masked)[1]
        assert len(masked) == b2.RECORD_LENGTH and counts == Counter({"id_ps": 1})
        assert set(values["prescripteur"]) == {"0"}, values  # zeros of the field's width
        assert "10000000001" not in masked and "751999991" not in masked
    assert b2.parse_record(personal.mask_b2_record(invoice)[0])[1]["numero_prescription"] == "RX-12"
    assert b2.parse_record(personal.mask_b2_record(line)[0])[1]["siret"] == "12345678000014"  # a company's, kept


# ------------------------------------------------------------------------------ the prescriber


@pytest.mark.parametrize(
    ("line", "expected", "kind"),
    [
        (
            '<prescription prescripteur="10000000001" date="2026-01-05"/>',
            '<prescription prescripteur="‹RPPS›" date="2026-01-05"/>',
            "rpps",
        ),
        ('<ligne numero="1" prescripteur="751999991"/>', '<ligne numero="1" prescripteur="‹ID_PS›"/>', "id_ps"),
        ("<prescripteur>10000000001</prescripteur>", "<prescripteur>‹RPPS›</prescripteur>", "rpps"),
        ("<ns:Prescripteur>751999991</ns:Prescripteur>", "<ns:Prescripteur>‹ID_PS›</ns:Prescripteur>", "id_ps"),
        (
            '{"prescripteur": "10000000001", "date": "2026-01-05"}',
            '{"prescripteur": "‹RPPS›", "date": "2026-01-05"}',
            "rpps",
        ),
        ('{"prescriber": "751999991"}', '{"prescriber": "‹ID_PS›"}', "id_ps"),
        ("create_invoice prescripteur 10000000001 : accepté", "create_invoice prescripteur ‹RPPS› : accepté", "rpps"),
        ("prescriber_rpps=810000000011", "prescriber_rpps=‹RPPS›", "rpps"),
    ],
)
def test_the_prescriber_is_masked_as_an_rpps_or_an_am_number(line: str, expected: str, kind: str) -> None:
    result = Redactor().redact_with_report(line)
    assert result.text == expected
    assert result.counts == Counter({kind: 1})


def test_an_invalid_prescriber_and_a_prescriber_name_are_not_counted_as_identifiers() -> None:
    redactor = Redactor(kinds={"rpps", "id_ps"})
    line = "prescripteur 1234567, invalide ; <prescripteur>Dr Martin</prescripteur>"
    assert redactor.redact_with_report(line).counts == Counter()


def test_the_prescriber_an_fse_names_is_known_in_hex_and_base64() -> None:
    known = KnownValues()
    fse = b'<fse><prescription prescripteur="10000000001"/><ligne prescripteur="751999991"/></fse>'
    personal._add_xml_fields(known, fse)
    assert known.numbers == {"rpps": {"10000000001"}, "id_ps": {"751999991"}}
    scrub = personal.Scrubber(True, known)
    line = f"ordonnance {b'10000000001'.hex(' ')} ; jeton {base64.b64encode(b'PS 751999991').decode()} ; 10000000001"
    out = scrub(line)
    assert "10000000001" not in out and "31 30 30" not in out and base64.b64encode(b"PS 751999991").decode() not in out
    assert scrub.counts == Counter({"rpps": 2, "id_ps": 1})


# ------------------------------------------------------------------------------ through run --report


def _run_report(tmp_path: Path, casebook: str, selection: str) -> tuple[Path, Path]:
    session, out = tmp_path / "s.tbsession", tmp_path / "report"
    args = ["run", str(CASEBOOKS / casebook), "--session", str(session), "-k", selection]
    code = main([*args, "--cards", "inprocess", "--engine", "inprocess", "--report", str(out)])
    assert code in (0, 1)
    return session, out


def _exported(out: Path) -> list[tuple[dict[str, object], Path]]:
    report = json.loads((out / "report.json").read_text("utf-8"))
    return [(e, out / e["file"]["path"]) for case in report["cases"] for e in case["evidence"] if e["file"]]


def test_an_exported_lot_keeps_its_records_and_loses_only_its_personal_fields(tmp_path: Path) -> None:
    session, out = _run_report(tmp_path, "demo.xml", "DEMO-LOT-001")
    lots = [(e, path) for e, path in _exported(out) if path.suffix == ".b2"]
    assert lots
    with read_session(session) as view:
        originals = {e["sha256_session"]: view.artifact_data(str(e["sha256_session"])).decode() for e, _ in lots}
    for entry, path in lots:
        exported = path.read_text("utf-8")
        assert all(len(line) == b2.RECORD_LENGTH for line in exported.splitlines())
        records, sent = b2.parse_file(exported), b2.parse_file(originals[str(entry["sha256_session"])])
        assert [t for t, _ in records] == [t for t, _ in sent] and "200" in dict(records)
        for (rtype, after), (_, before) in zip(records, sent, strict=True):
            kept = {k: v for k, v in before.items() if rtype != "200" or k not in personal.B2_PERSONAL_FIELDS}
            assert {k: after[k] for k in kept} == kept  # nature, exo, DRG, dates of care, amounts…
            if rtype == "200":
                assert before["nir"].strip("0") and before["date_naissance"] is not None  # there was data
                assert (after["nir"], after["cle_nir"], after["date_naissance"]) == ("0" * 13, "00", None)
    redaction = json.loads((out / "report.json").read_text("utf-8"))["redaction"]
    assert "base64" not in redaction["counts"]  # the cover no longer counts a record as a base64 block


def test_no_prescriber_identifier_leaves_in_any_exported_file(tmp_path: Path) -> None:
    # PSAD-REG-002: an AM number; PSAD-REG-069: two RPPS, refused (the second only in the refusal message)
    session, out = _run_report(tmp_path, "psad-regles-refus.xml", "PSAD-REG-002 or PSAD-REG-069 or PSAD-REG-001")
    ids = ("10000000001", "10000000002", "751999991")
    with read_session(session) as view:
        fses = [blob.decode() for blob in view.artifact_blobs("application/xml")]
    assert any('prescripteur="751999991"' in f for f in fses) and any('prescripteur="10000000001"' in f for f in fses)
    for path in out.rglob("*"):
        if path.is_file():
            text = path.read_bytes()
            assert not [i for i in ids if i.encode() in text], path
    masked: Counter[str] = Counter()
    for _, path in _exported(out):
        if path.suffix == ".xml":
            masked.update(re.findall(r'prescripteur="‹(RPPS|ID_PS)›"', path.read_text("utf-8")))
    assert masked["RPPS"] >= 1 and masked["ID_PS"] == 1
    # the cover's counts: the FSEs count, by its kind, one more identifier per prescripteur than without them
    with read_session(session) as view:
        with_them, without = personal.Scrubber.for_sessions(view), personal.Scrubber.for_sessions(view)
    for fse in fses:
        for line in fse.split("\n"):
            with_them.record(line)
            without.record(re.sub(r' prescripteur="[^"]*"', "", line))
    expected = Counter(
        {"rpps": sum(len(re.findall(r'prescripteur="\d{11}"', f)) for f in fses),
         "id_ps": sum(len(re.findall(r'prescripteur="\d{9}"', f)) for f in fses)}
    )  # fmt: skip
    assert with_them.counts - without.counts == expected
