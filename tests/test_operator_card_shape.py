"""Operator mode: what the operator reports of a card read has the shape every engine gives
(docs/engine-protocol.md): each beneficiary with its rank, an ApCV context with its rank. A sécurisé invoice
then finds the beneficiary it bills in the card read, whatever the operator keyed of it (audit s08: the
beneficiary's name keyed made the invoice step « invalide : bénéficiaire de rang 1 absent de la carte Vitale
lue », left empty it went on)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.engines.operator.engine import OperatorEngine, OperatorPrompt, card_shape
from testbench.paths import CASEBOOKS_DIR

CPS = {"cps.rpps": "89990000013", "cps.name": "ESSAI"}


def run_operator(tmp_path: Path, capsys: pytest.CaptureFixture[str], book: str, case: str, answers: dict) -> str:
    """``testbench run BOOK -k CASE --engine operator --watch DIR --attestations FILE``: what it printed."""
    watch = tmp_path / "sortie"
    watch.mkdir()
    attestations = tmp_path / "attestations.json"
    keyed = {f"{case}/{step}": {"confirmed": True, "note": "", "values": values} for step, values in answers.items()}
    attestations.write_text(json.dumps({"operator": "Audit", **keyed}), encoding="utf-8")
    argv = ["run", str(CASEBOOKS_DIR / book), "--session", str(tmp_path / "s.tbsession"), "--cards", "inprocess"]
    argv += ["--engine", "operator", "--watch", str(watch), "-k", case, "--attestations", str(attestations)]
    main(argv)
    captured = capsys.readouterr()
    return captured.out + captured.err


@pytest.mark.parametrize(
    ("book", "case", "vitale"),
    [
        # the name the window asks (« Nom du bénéficiaire 1 »), keyed
        ("demo.xml", "DEMO-FSE-001", {"vitale.nir": "180019999900168", "vitale.beneficiaries[0].name": "ESSAI"}),
        # left empty: the operator reported no beneficiary
        ("demo.xml", "DEMO-FSE-001", {"vitale.nir": "180019999900168"}),
        # the invoice bills the card's rank 3; the operator reported the first beneficiary only
        ("billing.xml", "TB-COV-018", {"vitale.nir": "180019999900168", "vitale.beneficiaries[0].name": "ESSAI"}),
    ],
)
def test_a_securise_invoice_goes_on_after_the_card_the_operator_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], book: str, case: str, vitale: dict
) -> None:
    out = run_operator(tmp_path, capsys, book, case, {"s-cps": CPS, "s-vitale": vitale})
    assert f"[1/1] {case} : en attente — étape s-invoice en attente de l'opérateur (mode opérateur)" in out, out
    assert "erreur" not in out and "Traceback" not in out, out


def test_an_apcv_context_the_operator_reported_stands_for_the_card(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The context's rank was missing: the invoice's beneficiary failed on it (« erreur interne de testbench »)."""
    apcv = {"apcv.status": "valid", "apcv.nir": "152019999900182", "apcv.channel": "nfc"}
    out = run_operator(tmp_path, capsys, "psad-teleservices.xml", "TLS-APCV-001", {"s-cps": CPS, "s-apcv": apcv})
    assert "[1/1] TLS-APCV-001 : en attente — étape s-invoice en attente de l'opérateur" in out, out
    assert "erreur" not in out, out


def test_each_beneficiary_reported_has_its_rank() -> None:
    keyed = {"nir": "1", "beneficiaries": [{"name": "A"}, None, {"rank": "3", "name": "C"}, {"rank": "x"}]}
    assert card_shape(keyed)["beneficiaries"] == [
        {"name": "A", "rank": 1},  # its place on the card: the window asks « Nom du bénéficiaire 1 »
        {},  # nothing reported there: no beneficiary made up
        {"rank": 3, "name": "C"},  # the rank keyed, as a number
        {"rank": "x"},  # keyed in words: as keyed, the case's expectation says so
    ]
    assert card_shape({"nir": "1"}) == {"nir": "1"}


def test_the_engine_gives_the_card_and_the_context_with_their_ranks() -> None:
    answers = {
        "read_vitale": {"nir": "1", "beneficiaries": [{"name": "A"}]},
        "apcv_context": {"status": "valid", "nir": "1"},
    }

    def ask(prompt: OperatorPrompt) -> dict:
        return dict(answers[prompt.action])

    engine = OperatorEngine(ask)
    assert engine.read_vitale("vitale")["beneficiaries"] == [{"name": "A", "rank": 1}]
    assert engine.apcv_context({"channel": "nfc"})["rank"] == 1
