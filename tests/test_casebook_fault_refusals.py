"""A téléservice step whose injected fault cannot give the refusal its case expects (``malformed`` and
TELESERVICE_UNAVAILABLE, ``timeout`` and EPRESCRIPTION_NOT_FOUND) is refused by ``validate`` at its ``fault``
attribute, with the refusal the fault gives: run, the product would have been blamed for the casebook's
contradiction. A refusal the engine may give before it calls the service (NO_CARD) is not the fault's to judge."""

from __future__ import annotations

import shutil
from pathlib import Path

from testbench.casebook.loader import check_casebook

ROOT = Path(__file__).resolve().parents[1]
#: TLS-ADRI-021's step (timeout → TELESERVICE_UNAVAILABLE expected) and its refusal expectation
ADRI_021 = 'care-date="2026-02-02" query="cible" scenario="droits-ouverts" fault="timeout"/>'
ADRI_021_REFUSAL = '<refusal id="r-refus" step="s-adri" code="TELESERVICE_UNAVAILABLE"/>\n        <value id="e-invoice'
FAULT_SAYS = "donne le refus"


def _problems(tmp_path: Path, *changes: tuple[str, str]) -> list[tuple[str, str, str]]:
    text = (ROOT / "casebooks" / "psad-teleservices.xml").read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) >= 1, old
        text = text.replace(old, new, 1)
    shutil.copytree(ROOT / "casebooks" / "cards", tmp_path / "cards")
    path = tmp_path / "tls.xml"
    path.write_text(text, encoding="utf-8")
    _casebook, problems = check_casebook(path)
    where = f"{path}:"
    return [(f"{p.source.line}:{p.source.col}", p.message, p.text("en").removeprefix(where)) for p in problems]


def test_the_bundled_faults_agree_with_their_expected_refusals(tmp_path: Path) -> None:
    assert _problems(tmp_path) == []


def test_a_malformed_answer_cannot_give_unavailable(tmp_path: Path) -> None:
    found = _problems(tmp_path, (ADRI_021, ADRI_021.replace("timeout", "malformed")))
    assert found == [
        (
            "487:106",
            "le défaut « malformed » donne le refus TELESERVICE_INVALID_ANSWER, pas le refus TELESERVICE_UNAVAILABLE"
            " attendu",
            '487:106: fault “malformed” gives the refusal TELESERVICE_INVALID_ANSWER, not the expected refusal'
            " TELESERVICE_UNAVAILABLE",
        )
    ]


def test_a_server_error_cannot_give_an_invalid_answer(tmp_path: Path) -> None:
    old = 'scenario="droits-ouverts" fault="malformed"/>'
    found = _problems(tmp_path, (old, old.replace("malformed", "server-error")))
    assert [(at, fr) for at, fr, _en in found] == [
        (
            "531:106",
            "le défaut « server-error » donne le refus TELESERVICE_UNAVAILABLE, pas le refus"
            " TELESERVICE_INVALID_ANSWER attendu",
        )
    ]


def test_a_service_that_does_not_answer_gives_none_of_its_answers_refusals(tmp_path: Path) -> None:
    old = 'number="RX-0000" scenario="ordonnance-inconnue"/>'
    found = _problems(tmp_path, (old, old.replace("/>", ' fault="timeout"/>')))
    assert [(at, fr) for at, fr, _en in found] == [
        (
            "922:82",
            "le défaut « timeout » donne le refus TELESERVICE_UNAVAILABLE, pas le refus EPRESCRIPTION_NOT_FOUND"
            " attendu",
        )
    ]


def test_a_refusal_given_before_the_call_is_not_the_faults_to_judge(tmp_path: Path) -> None:
    changes = (ADRI_021, ADRI_021), (ADRI_021_REFUSAL, ADRI_021_REFUSAL.replace("TELESERVICE_UNAVAILABLE", "NO_CARD"))
    assert not [fr for _at, fr, _en in _problems(tmp_path, *changes) if FAULT_SAYS in fr]


def test_every_fault_but_none_has_its_refusal() -> None:
    """The faults and the refusals they give are one owner's words (domain.teleservices): a fault added to the
    simulator without its refusal would pass the check unseen."""
    from testbench.domain.teleservices import FAULT_REFUSALS, FAULTS

    assert set(FAULT_REFUSALS) == set(FAULTS) - {"none"}
