"""Redaction: positives and negatives per kind; a PIN never survives."""

from __future__ import annotations

import pytest

from testbench.traces.redact import (
    MARKERS,
    Redactor,
    for_export,
    nir_is_valid,
    nir_key,
    redact_pins,
)

# A structurally plausible NIR body (sex 1, 1985, May, dept 78, commune 006, order 084) and its key.
BODY = "1850578006084"
KEY = f"{nir_key(BODY):02d}"
VALID_NIR = BODY + KEY
BAD_KEY = f"{(int(KEY) + 1) % 100:02d}"
SPACED_NIR = f"1 85 05 78 006 084 {KEY}"


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor(names=["Éloïse Martin", "DUPONT", "Jean-Pierre Lefèvre"])


def test_nir_key_rules() -> None:
    assert nir_key(BODY) == 97 - int(BODY) % 97
    assert nir_is_valid(VALID_NIR) and nir_is_valid(SPACED_NIR)
    assert not nir_is_valid(BODY + BAD_KEY)
    corsica = "269052A123456"
    assert nir_key(corsica) == 97 - int("2690519123456") % 97


@pytest.mark.parametrize(
    ("line", "expected", "kind"),
    [
        (f"assuré {VALID_NIR} lu", "assuré ‹NIR› lu", "nir"),
        (f"assuré {SPACED_NIR} lu", "assuré ‹NIR› lu", "nir"),
        (f"assuré {BODY}{BAD_KEY} lu", "assuré ‹NIR?› lu", "nir?"),  # plausible, key wrong: still hidden
        (f"NIR={BODY}", "NIR=‹NIR›", "nir"),  # 13 digits without key, labelled
        ("immatriculation : 2 69 05 2A 123 456", "immatriculation : ‹NIR›", "nir"),
        (f"<NirBeneficiaire>{VALID_NIR}</NirBeneficiaire>", "<NirBeneficiaire>‹NIR›</NirBeneficiaire>", "nir"),
        ("date de naissance : 12/05/1985", "date de naissance : ‹DATE_NAISSANCE›", "birth_date"),
        ("dob=1985-05-12;", "dob=‹DATE_NAISSANCE›;", "birth_date"),
        ("née le 12.05.1985", "née le ‹DATE_NAISSANCE›", "birth_date"),
        ("<DateNaissance>19850512</DateNaissance>", "<DateNaissance>‹DATE_NAISSANCE›</DateNaissance>", "birth_date"),
        ("FINESS de l'établissement : 750000001", "FINESS de l'établissement : ‹FINESS›", "finess"),
        ("finess=2A0000123", "finess=‹FINESS›", "finess"),
        ("RPPS 10001234567", "RPPS ‹RPPS›", "rpps"),
        ("id_rpps=810001234567", "id_rpps=‹RPPS›", "rpps"),
        ("n° ADELI : 751234567", "n° ADELI : ‹ADELI›", "adeli"),
        ("numéro praticien 12345678", "numéro praticien ‹ID_PS›", "id_ps"),
        ("Nom=DUPUIS prenom=Marc", "Nom=‹NOM› prenom=‹NOM›", "name"),
        ('{"lastName": "Durand", "firstName": "Léa"}', '{"lastName": "‹NOM›", "firstName": "‹NOM›"}', "name"),
        ("nom usuel: LE GALL Anne, âge 40", "nom usuel: ‹NOM›, âge 40", "name"),
        ("<Prenom>Anne</Prenom>", "<Prenom>‹NOM›</Prenom>", "name"),
        ("bénéficiaire ELOISE MARTIN présent", "bénéficiaire ‹NOM› présent", "name"),  # known, no accents
        ("dossier de jean pierre lefevre", "dossier de ‹NOM›", "name"),
        (
            "réponse eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9eyJzdWIiOiIxMjM0NTY3ODkwIn0= fin",
            "réponse ‹BASE64› fin",
            "base64",
        ),
    ],
)
def test_positives(redactor: Redactor, line: str, expected: str, kind: str) -> None:
    result = redactor.redact_with_report(line)
    assert result.text == expected
    assert result.counts[kind] >= 1


@pytest.mark.parametrize(
    "line",
    [
        "2026-11-25 10:00:00,123 [main] INFO  com.editeur.Fse - FSE 000123 créée, montant 12,50",
        "epoch ms 1764112862123 and order 4200001234",  # 13 digits unlabelled: not a NIR without its key
        f"{BODY[:3]}00{BODY[5:]}{KEY} {'5' + VALID_NIR[1:]}",  # month 00 is not a NIR, sex 5 neither
        f"x{VALID_NIR}y",  # glued to letters: an identifier, not a NIR
        "invoice 0123456789012345",  # 16 digits
        "ts 2026-11-25 10:00:00 finished in 750000001 ns",  # 9 digits without a FINESS label
        "reader name: Gemalto PC Twin Reader",  # a device name, not a person
        "nom du lecteur : Gemalto",  # "nom" not followed by a separator
        "APDU 00A4040C07A000000004101000A4040C07A0000000041010",  # pure hex is an APDU dump
        "/home/user/projects/testbench/traces/redaction/module/file",  # a path is not base64
        "le patient est arrivé, PIN erroné, 2 essais restants",
        "spinning wheel, pin_tries=3",
        "DUPONTEL est un autre nom",  # a known name only as a whole word
    ],
)
def test_negatives(redactor: Redactor, line: str) -> None:
    assert redactor.redact(line) == line


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("PIN=1234", "1234"),
        ("pin: 1234", "1234"),
        ("code porteur : 1 2 3 4", "1 2 3 4"),
        ("Saisie codePorteur='4321'", "4321"),
        ('{"pin": "0000"}', "0000"),
        ("pinCode=9876&reader=1", "9876"),
        ("codecps1234", "1234"),
        ("CodeCPS = 1234", "1234"),
        ("VERIFY PIN 1234", "1234"),
        ("<CodePorteur>1234</CodePorteur>", "1234"),
        ("<pin value='x'>1234</pin>", "1234"),
        ("=> 00 20 00 00 08 31 32 33 34 FF FF FF FF <= 90 00", "31 32 33 34"),
        ("APDU 0020000008313233344646464646 sw 9000", "31323334"),
        ("=> 80 20 00 01 04 01 02 03 04", "01 02 03 04"),
    ],
)
def test_pin_never_survives(redactor: Redactor, line: str, secret: str) -> None:
    for text in (redactor.redact(line), redact_pins(line), for_export(line, None, redact=False)):
        assert MARKERS["pin"] in text
        assert secret not in text, text


def test_verify_apdu_keeps_header_and_status_words() -> None:
    assert redact_pins("=> 00 20 00 00 08 31 32 33 34 FF FF FF FF 90 00") == "=> 00 20 00 00 08 ‹PIN› 90 00"
    assert redact_pins("=> 00 B0 00 00 20") == "=> 00 B0 00 00 20"  # READ BINARY is not a VERIFY


def test_secret_fields() -> None:
    assert Redactor().redact("password=hunter2 mdp: s3cret") == "password=‹SECRET› mdp: ‹SECRET›"


def test_deterministic_and_idempotent(redactor: Redactor) -> None:
    line = f"Nom=DUPONT NIR={VALID_NIR} PIN=1234 né le 12/05/1985"
    once = redactor.redact(line)
    assert once == redactor.redact(line) == Redactor(["DUPONT"]).redact(line)
    assert redactor.redact(once) == once
    assert once == "Nom=‹NOM› NIR=‹NIR› PIN=‹PIN› né le ‹DATE_NAISSANCE›"


def test_kinds_can_be_narrowed_but_pins_cannot_be_turned_off() -> None:
    only_nir = Redactor(kinds={"nir"})
    assert only_nir.redact(f"Nom=DUPONT {VALID_NIR} PIN=1234") == "Nom=DUPONT ‹NIR› PIN=‹PIN›"
    with pytest.raises(ValueError):
        Redactor(kinds={"nir", "shoe size"})


def test_export_opt_out_keeps_data_but_not_pins(redactor: Redactor) -> None:
    line = f"Nom=DUPONT NIR={VALID_NIR} PIN=1234"
    assert for_export(line, redactor) == "Nom=‹NOM› NIR=‹NIR› PIN=‹PIN›"
    assert for_export(line, redactor, redact=False) == f"Nom=DUPONT NIR={VALID_NIR} PIN=‹PIN›"


def test_redact_lines_totals(redactor: Redactor) -> None:
    lines, counts = redactor.redact_lines([f"a {VALID_NIR}", "b", "Nom=X PIN=1"])
    assert lines == ["a ‹NIR›", "b", "Nom=‹NOM› PIN=‹PIN›"]
    assert counts == {"nir": 1, "name": 1, "pin": 1}


def test_known_birth_dates_are_redacted_in_any_spelling_without_label() -> None:
    redactor = Redactor(birth_dates=["19850512", "2001-02-03"])
    for spelled in ("12/05/1985", "1985-05-12", "19850512", "12.05.1985", "12051985", "03/02/2001"):
        assert redactor.redact(f"valeur {spelled} lue") == "valeur ‹DATE_NAISSANCE› lue", spelled
    # other dates, and the same digits inside a longer number, are kept
    for kept in ("13/05/1985", "2026-11-25", "1198505123"):
        assert redactor.redact(f"valeur {kept} lue") == f"valeur {kept} lue"
