"""Redaction: positives and negatives per kind; a PIN never survives."""

from __future__ import annotations

import pytest

from testbench.traces import redact_rules
from testbench.traces.redact import Redactor, for_export, redact_pins
from testbench.traces.redact_rules import MARKERS, nir_is_valid, nir_key

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
        # audit 13: an application's log writes bytes its own way, and changes or unblocks codes too
        ("APDU > 00-20-00-81-08-34-37-31-39-FF-FF-FF-FF", "34-37-31-39"),  # .NET's BitConverter
        ("APDU > 00:20:00:81:08:34:37:31:39:FF:FF:FF:FF", "34:37:31:39"),
        ("00 24 00 81 10 34 37 31 39 FF FF FF FF 37 30 33 31 FF FF FF FF", "37 30 33 31"),  # CHANGE REFERENCE DATA
        ("00 2C 00 81 08 32 37 31 38 33 36 34 35", "32 37 31 38"),  # RESET RETRY COUNTER: the unblock code
        ("saisie PIN 4 7 1 9", "4 7 1 9"),
        ("pin#4719", "4719"),
        ("PIN(4719)", "4719"),
        ("pin_value=4719", "4719"),
        ("userPin=4719", "4719"),
        ("PinCps=4719", "4719"),
        ("pinBlock=244719FFFFFFFFFF", "4719"),
        ("VERIFY b64 ACAAgQg0NzE5/////w==", "ACAAgQg0NzE5"),  # 00 20 00 81 08 « 4719 » FF…, base64
        ("req ACQAgRA0NzE5/////zcwMzH///// ok", "NzE5"),  # CHANGE REFERENCE DATA
        ("apdu=gCAAAQQBAgME", "gCAAAQQBAgME"),  # 80 20 00 01 04 01 02 03 04, unpadded
    ],
)
def test_pin_never_survives(redactor: Redactor, line: str, secret: str) -> None:
    for text in (redactor.redact(line), redact_pins(line), for_export(line, None, redact=False)):
        assert MARKERS["pin"] in text
        assert secret not in text, text


def test_verify_apdu_keeps_header_and_status_words() -> None:
    assert redact_pins("=> 00 20 00 00 08 31 32 33 34 FF FF FF FF 90 00") == "=> 00 20 00 00 08 ‹PIN› 90 00"
    assert redact_pins("=> 00 B0 00 00 20") == "=> 00 B0 00 00 20"  # READ BINARY is not a VERIFY
    assert redact_pins("00-24-00-81-10-" + "-".join(["31"] * 16) + "-90-00") == "00-24-00-81-10 ‹PIN›-90-00"
    assert redact_pins("le 2024-20-01 à 12:20:00:81") == "le 2024-20-01 à 12:20:00:81"  # no Lc and data: no APDU
    for kept in ("jeton ACADEFGHIJKLMNOPQRST", "ACAB1234", "gCQ=", "SACAAgQg0NzE5/////w"):  # no command, or a part
        assert redact_pins(kept) == kept


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
    lines, counts = redactor.redact_lines([f"a {VALID_NIR}", "b", "Nom=X PIN=1234"])
    assert lines == ["a ‹NIR›", "b", "Nom=‹NOM› PIN=‹PIN›"]
    assert counts == {"nir": 1, "name": 1, "pin": 1}


def test_known_birth_dates_are_redacted_in_any_spelling_without_label() -> None:
    redactor = Redactor(birth_dates=["19850512", "2001-02-03"])
    for spelled in ("12/05/1985", "1985-05-12", "19850512", "12.05.1985", "12051985", "03/02/2001"):
        assert redactor.redact(f"valeur {spelled} lue") == "valeur ‹DATE_NAISSANCE› lue", spelled
    # other dates, and the same digits inside a longer number, are kept
    for kept in ("13/05/1985", "2026-11-25", "1198505123"):
        assert redactor.redact(f"valeur {kept} lue") == f"valeur {kept} lue"


def test_a_birth_date_escaped_by_json_or_a_url_is_redacted() -> None:
    """Audit 13: Java's and PHP's JSON write « / » as « \\/ », a query string as « %2F »; a day or a month
    without its zero. Known or after a label, each is masked."""
    assert_redacts(
        Redactor(birth_dates=["1980-01-15"]),
        {
            '{"valeur":"15\\/01\\/1980"}': '{"valeur":"‹DATE_NAISSANCE›"}',
            "GET /rdv?jour=15%2F01%2F1980&x=1": "GET /rdv?jour=‹DATE_NAISSANCE›&x=1",
            "lu 15%2f01%2f80 ici": "lu ‹DATE_NAISSANCE› ici",
            "lu 15/1/1980 ici": "lu ‹DATE_NAISSANCE› ici",
        },
    )
    assert_redacts(
        Redactor(),
        {
            '{"dateNaissance":"03\\/04\\/1975"}': '{"dateNaissance":"‹DATE_NAISSANCE›"}',
            "GET /p?ddn=03%2F04%2F1975&a=1": "GET /p?ddn=‹DATE_NAISSANCE›&a=1",
        },
    )


# ---------------------------------------------------------------------- card data and known values (issue 11)

# what the virtual cards answer (casebooks/cards/vitale2-adult-standard.xml, cps3-psad-lpp.xml)
IDENTITY = (
    "A>> 00 B0 82 00 19  A<< 65 17 80 05 45 53 53 41 49 81 04 50 41 55 4C 82 08 31 39 38 30 30 31 31 35 9000 succès"
)
NIR_FILE = "A>> 00 B0 82 00 13  A<< 65 11 93 0F 31 38 30 30 31 39 39 39 39 39 30 30 31 36 38 9000 succès  (0.01 ms)"
CPS_IDENTITY = bytes.fromhex("E01CC00B3839393930303030303133C10545535341 49C2054D41524945".replace(" ", ""))


def test_card_fields_are_masked_by_structure_with_their_length() -> None:
    redactor = Redactor()  # nothing known: the card layer's layout is enough
    assert redactor.redact(NIR_FILE) == (
        "A>> 00 B0 82 00 13  A<< 65 11 93 0F ‹NIR masqué, 15 octets› 9000 succès  (0.01 ms)"
    )
    result = redactor.redact_with_report(IDENTITY)
    assert result.text == (
        "A>> 00 B0 82 00 19  A<< 65 17 80 05 ‹nom masqué, 5 octets› 81 04 ‹prénom masqué, 4 octets› "
        "82 08 ‹date de naissance masquée, 8 octets› 9000 succès"
    )
    assert result.counts == {"name": 2, "birth_date": 1}
    assert Redactor(lang="en").redact(NIR_FILE).endswith("65 11 93 0F ‹NIR redacted, 15 bytes› 9000 succès  (0.01 ms)")
    # the JSON records of the card layer's APDU sinks, unspaced
    record = '{"command": "00B0820013", "response": "6511930F313830303139393939393030313638", "sw": "9000"}'
    assert Redactor().redact(record) == (
        '{"command": "00B0820013", "response": "6511930F ‹NIR masqué, 15 octets›", "sw": "9000"}'
    )
    # a kind left out is left alone; a response of another file is not touched
    assert "45 53 53 41 49" in Redactor(kinds={"nir"}).redact(IDENTITY)
    fci = "A>> 00 C0 00 00 11  A<< 6F 0F 84 0D E8 28 BD 08 0F 80 25 00 00 01 FF 00 10 9000 succès"
    assert Redactor().redact(fci) == fci


def test_card_layer_finds_personal_fields_even_in_a_partial_read() -> None:
    from testbench.cards.decode import personal_fields
    from testbench.cards.tlv import iter_spans

    fields = personal_fields(CPS_IDENTITY)
    assert [(f.field, CPS_IDENTITY[f.start : f.end]) for f in fields] == [
        ("rpps", b"89990000013"),
        ("name", b"ESSAI"),
        ("first_name", b"MARIE"),
    ]
    truncated = CPS_IDENTITY[:-2]  # a short READ BINARY: the first name is cut, still masked
    assert [(f.field, truncated[f.start : f.end]) for f in personal_fields(truncated)][-1] == ("first_name", b"MAR")
    assert list(iter_spans(b"\x65\x85")) == []  # a malformed length ends the walk, no exception
    assert personal_fields(bytes.fromhex("6F0F840DE828BD080F8025000001FF0010")) == []


def assert_redacts(redactor: Redactor, cases: dict[str, str]) -> None:
    """Each line redacted as expected (the line named when one is not)."""
    for line, expected in cases.items():
        assert redactor.redact(line) == expected, line


def test_known_values_come_from_card_files_and_are_found_in_hex_and_base64() -> None:
    from testbench.traces.known import KnownValues

    known = KnownValues()
    known.add_card_file(CPS_IDENTITY)
    known.add_card_file(bytes.fromhex(IDENTITY.split("A<< ")[1].split(" 9000")[0].replace(" ", "")))
    assert known.names == {"ESSAI", "MARIE", "PAUL", "MARIE ESSAI", "PAUL ESSAI"} and known.birth_dates == {"19800115"}
    assert known.numbers == {"rpps": {"89990000013"}}
    redactor = Redactor(known=known)
    cases = {
        "dump 50 53 41 44 20 45 53 53 41 49 20 53 41": "dump 50 53 41 44 20 ‹nom masqué, 5 octets› 20 53 41",
        "dump 4d:41:52:49:45 fin": "dump ‹nom masqué, 5 octets› fin",
        "raw 5053414420455353414920 end": "raw 5053414420 ‹nom masqué, 5 octets› 20 end",
        "date 3139383030313135": "date ‹date de naissance masquée, 8 octets›",
        "jeton RVNTQUk= et TUFSSUUgRVNTQUk=": "jeton ‹base64 masqué, 5 octets› et ‹base64 masqué, 11 octets›",
        "rpps 89990000013 lu": "rpps ‹RPPS› lu",
    }
    assert_redacts(redactor, cases)
    # whole words only, in bytes too: ESSAIS is another word
    assert redactor.redact("C1 06 45 53 53 41 49 53") == "C1 06 45 53 53 41 49 53"


def test_a_one_word_name_is_matched_as_a_name_is_written_not_as_a_word() -> None:
    redactor = Redactor(names=["ESSAI", "EXEMPLE", "MODELE", "Jean-Pierre Lefèvre"])
    sw = "A<< 63C1 code porteur non vérifié ou faux, 1 essai restant"
    assert redactor.redact(sw) == sw
    assert redactor.redact("par exemple, un modèle de carte") == "par exemple, un modèle de carte"
    assert redactor.redact("PSAD ESSAI SANTE, Mme Essai, M. MODÈLE") == "PSAD ‹NOM› SANTE, Mme ‹NOM›, M. ‹NOM›"
    assert redactor.redact("dossier de jean pierre lefevre") == "dossier de ‹NOM›"  # several words: any case


def _first_chars(items: list[tuple[object, object]]) -> tuple[set[str], bool]:
    """The characters a parsed pattern's match can start with, and whether it can match nothing."""
    from re import _constants as c  # the parser's own tree (Python >= 3.11)

    out: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            return out | {chr(av)}, False  # type: ignore[arg-type]
        if op is c.IN:
            for o, a in av:  # type: ignore[union-attr]
                assert o in (c.LITERAL, c.RANGE), f"unexpected class item {o}"
                out |= {chr(a)} if o is c.LITERAL else {chr(x) for x in range(a[0], a[1] + 1)}
            return out, False
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero width
        if op is c.SUBPATTERN:
            alternatives, least = [av[3]], 1  # type: ignore[index]
        elif op is c.BRANCH:
            alternatives, least = av[1], 1  # type: ignore[index]
        else:
            assert op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT), f"unexpected {op}"
            alternatives, least = [av[2]], av[0]  # type: ignore[index]
        nullable = not least
        for alternative in alternatives:
            found, empty = _first_chars(list(alternative))
            out |= found
            nullable |= empty
        if not nullable:
            return out, False
    return out, True


@pytest.mark.parametrize("name", ["_PIN_KV", "_NIR", "_NIR_LABELLED", "_BIRTH", "_IDS", "_NAME_KV"])
def test_a_patterns_leading_lookahead_admits_every_character_its_match_can_start_with(name: str) -> None:
    """The lookahead that makes a pattern skip most positions of a line must never skip a match."""
    import re
    from re import _parser

    from testbench.traces import redact_rules

    pattern = getattr(redact_rules, name)
    head = re.match(r"(\(\?i\))?\(\?=(\[[^\]]+\])\)", pattern.pattern)
    assert head is not None, "the pattern starts with the lookahead of its first characters"
    rest = (head.group(1) or "") + pattern.pattern[head.end() :]
    first, empty = _first_chars(list(_parser.parse(rest)))
    assert not empty and first
    admitted = re.compile(head.group(2), pattern.flags)
    assert [ch for ch in sorted(first) if not admitted.fullmatch(ch)] == []
    assert re.compile(rest).sub("·", "nir=180019999900168 nom: ESSAI pin 1234") == pattern.sub(
        "·", "nir=180019999900168 nom: ESSAI pin 1234"
    )


def test_a_base64_token_or_hex_run_seen_again_is_searched_once_and_counted_each_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import base64

    redactor = Redactor(names=["DURAND"])
    encoded = redactor._encoded
    searched: list[str] = []
    real_b64, real_hex = encoded._base64, encoded._hex
    monkeypatch.setattr(encoded, "_base64", lambda token, counts: searched.append(token) or real_b64(token, counts))
    monkeypatch.setattr(encoded, "_hex", lambda run, counts: searched.append(run) or real_hex(run, counts))
    token = base64.b64encode(b"DURAND").decode()  # short of the base64 rule's 40 characters
    run = b"DURAND".hex(" ").upper()
    results = [redactor.redact_with_report(f"ligne {i} : {token} puis {run}") for i in range(5)]
    assert sorted(searched) == sorted([token, run])
    assert all(r.counts["name"] == 2 and token not in r.text and "44 55 52" not in r.text for r in results)
    assert len({r.text.split(" : ")[1] for r in results}) == 1


# every spelling of the _IDS labels (testbench.traces.redact_rules), upper- and lower-case
_ID_LABELS = [
    *("finess", "n°finess", "no.finess", "n° finess", "no_finess", "num_finess", "numfiness"),
    *("finess géo", "finess_geographique", "finess-juridique", "finessej", "finess et"),
    *("rpps", "n°rpps", "no rpps", "num_rpps", "id_rpps", "idrpps", "adeli", "n° adeli", "num_adeli"),
    *("numéro praticien", "numero_praticien", "n°ps", "no.ps", "n° ps", "no_ps", "numps", "num_ps"),
    *("numéro_ps", "numerops", "idps", "id_ps", "identifiantps", "identifiant_ps"),
]


@pytest.mark.parametrize("label", [*_ID_LABELS, *(label.upper() for label in _ID_LABELS)])
def test_the_ids_keyword_test_lets_every_label_through(label: str) -> None:
    line = f"{label} : 123456789"
    assert redact_rules._IDS.search(line)  # the label as the pattern reads it
    assert redact_rules._KW_IDS.search(line.lower())  # so the cheap test must let the line through


def test_a_ps_element_or_word_skips_the_ids_pattern() -> None:
    # every FSE holds <ps categorie="…"/>: the pattern ran over the whole record for nothing (66 µs a record)
    fse = '<fse><ps categorie="fournisseur-lpp"/><lignes><ligne code="1241763" typePrestation="3"/></lignes></fse>'
    assert redact_rules._KW_IDS.search(fse.lower()) is None
    assert redact_rules._IDS.search(fse) is None


def test_a_name_a_windows_application_wrote_in_cp1252_is_found_in_hex_and_base64() -> None:
    """« œ » is in cp1252 (0x9C) and not in latin-1: a hex dump or a base64 token of a cp1252 log held the
    name unredacted."""
    import base64

    redactor = Redactor(names=["Lœuillet"])
    for encoding in ("cp1252", "utf-8"):
        raw = "Mme Lœuillet".encode(encoding)
        assert "‹nom masqué" in redactor.redact("dump " + raw.hex(" ")), encoding
        assert redactor.redact("b64 " + base64.b64encode(raw).decode()).startswith("b64 ‹base64 masqué"), encoding


def test_a_name_written_decomposed_is_the_same_name() -> None:
    """NFD (« E » then a combining accent), as macOS file names and some applications write it."""
    import unicodedata

    redactor = Redactor(names=["Éloïse Martin", "Lefèvre"])
    line = "patiente Éloïse Martin, dossier Lefèvre, 1 essai restant"
    decomposed = unicodedata.normalize("NFD", line)
    assert decomposed != line
    assert redactor.redact(decomposed) == redactor.redact(line) == "patiente ‹NOM›, dossier ‹NOM›, 1 essai restant"


def test_a_known_nir_with_dots_or_dashes_and_a_birth_date_written_out_are_redacted() -> None:
    """An application prints a NIR its own way (« 1-80-01-99-999-001-68 ») and a document writes a date in
    words (« né le 15 janvier 1980 », « 1er mars 1975 »); a number that is not the NIR stays."""
    from testbench.traces.known import KnownValues

    known = KnownValues()
    known.add("nir", "180019999900168")
    known.add("birth_date", "19800115")
    known.add("birth_date", "1975-03-01")
    redactor = Redactor(known=known)
    cases = {
        "nir 1-80-01-99-999-001-68": "nir ‹NIR›",
        "nir 1.80.01.99.999.001.68 lu": "nir ‹NIR› lu",
        "né le 15 janvier 1980": "né le ‹DATE_NAISSANCE›",
        "NÉ LE 15 JANVIER 1980": "NÉ LE ‹DATE_NAISSANCE›",
        "née le 1er mars 1975, vue le 1 mars 1975": "née le ‹DATE_NAISSANCE›, vue le ‹DATE_NAISSANCE›",
        "né le 15 janv. 1980 (15 01 1980)": "né le ‹DATE_NAISSANCE› (‹DATE_NAISSANCE›)",
        '{"ddn": "15/01/80", "vu": "15.01.80"}': '{"ddn": "‹DATE_NAISSANCE›", "vu": "‹DATE_NAISSANCE›"}',
        "lot 115/01/80": "lot 115/01/80",
        "soins du 15 janvier 1981": "soins du 15 janvier 1981",
        "tél. 01-80-01-99-99": "tél. 01-80-01-99-99",
    }
    assert_redacts(redactor, cases)


def test_a_known_professional_number_spaced_as_an_application_prints_it_is_redacted() -> None:
    from testbench.traces.known import KnownValues

    known = KnownValues()
    known.add("rpps", "89990000013")
    redactor = Redactor(known=known)
    assert redactor.redact("rpps 8 99 900 000 13 lu") == "rpps ‹RPPS› lu"
    assert redactor.redact("10:00:01 89990000013") == "10:00:01 ‹RPPS›"  # a number after another stays found
    assert redactor.redact("id 8999000001399") == "id 8999000001399"  # inside a longer number: another one


def test_a_name_of_several_words_is_found_surname_first_too() -> None:
    """French documents write « NOM Prénom », often with a comma: the administrative order."""
    redactor = Redactor(names=["Éloïse Martin", "Jean-Pierre Lefèvre"])
    cases = {
        "patient MARTIN Éloïse": "patient ‹NOM›",
        "patient Martin, Eloise": "patient ‹NOM›",
        "LEFEVRE Jean-Pierre vu": "‹NOM› vu",
        "Martin et Éloïse": "Martin et Éloïse",  # two words that are not the name written either way
    }
    assert_redacts(redactor, cases)


def test_a_name_escaped_by_json_or_html_is_found() -> None:
    """.NET's and Python's JSON write « é » as \\u00e9 by default; HTML pages as &eacute; or &#233;."""
    import json

    redactor = Redactor(names=["Éloïse Martin", "Lefèvre"])
    line = "json " + json.dumps({"patient": "Éloïse Martin", "medecin": "Lefèvre"})
    assert "\\u00c9lo\\u00efse" in line
    assert redactor.redact(line) == 'json {"patient": "‹NOM›", "medecin": "‹NOM›"}'
    page = "<td>&Eacute;lo&iuml;se Martin</td><td>Lef&#232;vre</td><td>LEF&#xC8;VRE</td>"
    assert redactor.redact(page) == "<td>‹NOM›</td><td>‹NOM›</td><td>‹NOM›</td>"
    assert redactor.redact("M&amp;M, lefevre en minuscules") == "M&amp;M, lefevre en minuscules"


def test_a_name_in_a_url_is_found() -> None:
    """An application's HTTP log: a path or a query holds the name percent-encoded, words joined by « + »."""
    redactor = Redactor(names=["Éloïse Martin", "Lefèvre"])
    cases = {
        "GET /patients/Lef%C3%A8vre/dossier": "GET /patients/‹NOM›/dossier",
        "GET /recherche?q=Eloise+Martin&page=2": "GET /recherche?q=‹NOM›&page=2",
        "GET /recherche?q=%C3%89lo%C3%AFse%20Martin": "GET /recherche?q=‹NOM›",
        "GET /recherche?q=Lef%E8vre": "GET /recherche?q=‹NOM›",  # a Windows application's cp1252 bytes
        "remise 100%+frais": "remise 100%+frais",
    }
    assert_redacts(redactor, cases)


def test_known_values_dumped_as_windows_wide_strings_are_found() -> None:
    """A Windows application dumps a wide string (UTF-16) in hex, or sends it in base64."""
    import base64

    from testbench.traces.known import KnownValues

    known = KnownValues()
    known.add("nir", "180019999900168")
    known.add("birth_date", "19800115")
    known.add("name", "Éloïse Martin")
    redactor = Redactor(known=known)
    nir = "180019999900168".encode("utf-16-le").hex()
    assert redactor.redact(f"buf {nir}") == "buf ‹NIR masqué, 30 octets›"
    assert redactor.redact("d " + "15/01/1980".encode("utf-16-le").hex(" ")).startswith("d ‹date de naissance masquée")
    token = base64.b64encode("Éloïse Martin".encode("utf-16-le")).decode()
    assert redactor.redact(f"b64 {token}") == "b64 ‹base64 masqué, 26 octets›"


def test_a_pin_in_a_url_encoded_query_is_masked() -> None:
    """« pin=1234 » inside a URL's query, its « = » written %3D: still a PIN, never exported."""
    assert redact_pins("GET /x?q=code_porteur%3D1234%26a%3Db") == "GET /x?q=code_porteur%3D‹PIN›%26a%3Db"
    assert redact_pins("pin%3d 1234") == "pin%3d ‹PIN›"


def test_names_beyond_french_accents_are_found_as_written_and_without_their_accents() -> None:
    """A Vietnamese, Polish or Scandinavian name — « Nguyễn », « Łukasz », « Ødegaard » — written as known,
    from a card's ASCII (« NGUYEN »), and in ASCII (« Lukasz », « Weiss ») as an application may write it."""
    exact = Redactor(names=["Nguyễn Văn", "Łukasz Kowalski", "Weiß"])
    assert exact.redact("patient Nguyễn Văn") == "patient ‹NOM›"  # was kept: « ễ » was no variant of « e »
    assert exact.redact("patient Lukasz Kowalski, Herr Weiss") == "patient ‹NOM›, Herr ‹NOM›"
    assert exact.redact("Wei Shen") == "Wei Shen"  # « Weiß » without its « ß » is not « Wei »
    from_card = Redactor(names=["NGUYEN", "LUKASZ", "ODEGAARD"])
    assert from_card.redact("M. Nguyễn, M. Łukasz, M. Ødegaard") == "M. ‹NOM›, M. ‹NOM›, M. ‹NOM›"
    assert from_card.redact("1 essai restant, nguyen en minuscules") == "1 essai restant, nguyen en minuscules"


def test_a_name_joined_by_underscores_or_a_slash_is_redacted() -> None:
    """Audit 13: identifiers and file names join words with « _ » (« ESSAI_PAUL », « FSE_ESSAI_1.xml »), some
    files write the holder « ESSAI/PAUL »; « _ » counted as a letter, so the name was no whole word there."""
    assert_redacts(
        Redactor(names=["PAUL ESSAI", "ESSAI", "PAUL"]),
        {
            "Patient: ESSAI_PAUL ; fichier FSE_ESSAI_1.xml": "Patient: ‹NOM› ; fichier FSE_‹NOM›_1.xml",
            "titulaire=ESSAI/PAUL": "titulaire=‹NOM›",
            "1 essai restant, ESSAIS, xESSAI": "1 essai restant, ESSAIS, xESSAI",
        },
    )


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("written", ["MARTIN Éloïse", "Martin, Eloise", "DUPONT JEAN PIERRE", "Dupont, Jean-Pierre"])
def test_a_name_written_surname_first_is_found_in_hex_and_base64(written: str, encoding: str) -> None:
    """The administrative order (« NOM Prénom », with or without a comma) that the text rule finds is found in
    a hex dump and a base64 token of the same line too, in every width; two words that are not the name stay."""
    import base64

    redactor = Redactor(names=["Éloïse Martin", "Jean Pierre Dupont"])
    raw = f"nom {written} fin".encode(encoding)
    assert "‹nom masqué" in redactor.redact("dump " + raw.hex(" "))
    token = base64.b64encode(raw).decode()
    assert token not in redactor.redact("b64 " + token)
    other = "Martin et Éloïse".encode(encoding)
    assert redactor.redact("dump " + other.hex(" ")) == "dump " + other.hex(" ")


@pytest.mark.parametrize(
    "text",
    ["PIN : 3 essais", "début du cas — pin 2026-01-12", "Code CPS 10000000001", "code CPS : 3", "PIN=1"],
)
def test_a_count_a_date_or_a_long_number_after_a_pin_label_is_no_pin(text: str) -> None:
    """A PIN has 4 to 8 digits of its own (verification round: the session store, which masks PINs in every text it
    writes, turned « PIN : 3 essais » and « pin 2026-01-12 » into ‹PIN› for good)."""
    assert redact_pins(text) == text
