"""Wordings of a PIN no rule caught (privacy audit): a label far from its code in one clause, a VERIFY call, the
holder's verification, a code said to be the CPS's, a code's identifier — masked at capture, in the store and in a
review's reason, while amounts, dates, case ids and card numbers near the same words stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.signing import init_key
from testbench.store.annotations import read_annotations
from testbench.store.connection import open_readonly
from testbench.traces.pin_words import may_hold_pin
from testbench.traces.redact import redact_pins

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
PIN = "4719"  # the test PIN of card profile cps3-psad-lpp


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (
            f"code PIN saisi par l'opérateur sur le clavier du lecteur : {PIN}",
            "code PIN saisi par l'opérateur sur le clavier du lecteur : ‹PIN›",
        ),
        (
            f"code PIN tapé par le patient sur le clavier du lecteur : {PIN}",
            "code PIN tapé par le patient sur le clavier du lecteur : ‹PIN›",
        ),
        (f'VERIFY(0x81, "{PIN}")', 'VERIFY(0x81, "‹PIN›")'),
        (f"card.verify(slot, '{PIN}') -> 9000", "card.verify(slot, '‹PIN›') -> 9000"),
        (f"VERIFY(0x81, {PIN})", "VERIFY(0x81, ‹PIN›)"),
        (f"vérification porteur {PIN} ok", "vérification porteur ‹PIN› ok"),
        (f"présentation du code porteur : {PIN}", "présentation du code porteur : ‹PIN›"),
        (f"Code: {PIN} (CPS)", "Code: ‹PIN› (CPS)"),
        (f"code {PIN} (carte CPS) refusé", "code ‹PIN› (carte CPS) refusé"),
        ("code : 47 19 (CPS)", "code : ‹PIN› (CPS)"),
        (f"CPS_PIN_{PIN}", "CPS_PIN_‹PIN›"),
        (f"fixture PIN_CODE_{PIN} chargée", "fixture PIN_CODE_‹PIN› chargée"),
    ],
)
def test_each_wording_is_masked_and_asked_for(line: str, masked: str) -> None:
    assert redact_pins(line) == masked
    assert may_hold_pin(line)  # the store's question hands it to the rules


@pytest.mark.parametrize(
    "line",
    [
        "PIN saisi par l'opérateur, montant total de la facture : 1234",  # another clause
        "code PIN vérifié le 12/01/2026 à 10:00",  # a date
        "code PIN présenté au lecteur pour le cas PSAD-PIN-0004",  # a case id
        "vérification porteur 9000",  # the card's answer
        "verify(buf, 1024)",  # a length
        'verify_signature(data, "20260312")',  # a date
        "Code: 1241763 (LPP)",  # a product's code
        "Code: 6983 (CPS) carte bloquée",  # the card said blocked
        "code PIN saisi pour la carte 80123456789012",  # a card number
        "PIN_20260312 archivé",  # a date in a name
        "password_2024 expired",  # a secret's label, its value a word's part
        "vérification porteur échouée après 3 essais",
    ],
)
def test_what_is_no_pin_near_the_same_words_stays(line: str) -> None:
    assert redact_pins(line) == line


def test_a_pin_typed_in_a_review_reason_far_from_its_label_never_reaches_the_session(tmp_path: Path) -> None:
    session = tmp_path / "exam.tbsession"
    run = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]
    assert main([*run, "-k", "id:DEMO-FSE-001"]) in (0, 1)
    key = tmp_path / "keys" / "signer.pem"
    init_key(key)
    reason = f"code PIN tapé par le patient sur le clavier du lecteur : {PIN}"
    argv = ["review", str(session), "DEMO-FSE-001", "--comment", "--reason", reason, "--key", str(key)]
    assert main(argv) == 0
    wal = session.with_name(session.name + "-wal")
    data = session.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert f"lecteur : {PIN}".encode() not in data
    conn = open_readonly(session)
    try:
        (annotation,) = [a for found in read_annotations(conn).values() for a in found]
    finally:
        conn.close()
    assert annotation.reason == "code PIN tapé par le patient sur le clavier du lecteur : ‹PIN›"
    assert annotation.valid
