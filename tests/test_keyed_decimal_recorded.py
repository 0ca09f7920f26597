"""An amount a person keys with a comma (« 5,90 », as the screen writes it) is recorded as an extractor writes it
(« 5.90 »): the session, report.json and the book show it as money in the reader's language, never « 5,90 »
beside « €5.90 ». A manual step's values and an operator-mode step's alike; a value that is no decimal, or one a
case expects as text, stays as keyed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from testbench.casebook.loader import load_casebooks
from testbench.cli.main import main
from testbench.domain.events import EventKind
from testbench.engines.operator.values import decimal_path
from testbench.paths import CASEBOOKS_DIR
from testbench.store.read import read_session

DEMO = CASEBOOKS_DIR / "demo.xml"
ANSWER = json.loads((CASEBOOKS_DIR / "demo-attestations.json").read_text(encoding="utf-8"))


def _run(tmp_path: Path, answers: dict[str, object], lang: str, *bench: str, casebook: Path = DEMO) -> dict:
    """``run --attestations … --report`` through the command line; the book's report.json."""
    (tmp_path / "attestations.json").write_text(json.dumps(answers), encoding="utf-8")
    main(
        [
            "run",
            str(casebook),
            "--session",
            str(tmp_path / "s.tbsession"),
            "--cards",
            "inprocess",
            *bench,
            "--attestations",
            str(tmp_path / "attestations.json"),
            "--lang",
            lang,
            "--report",
            str(tmp_path / "book"),
        ]
    )
    return json.loads((tmp_path / "book" / "report.json").read_text(encoding="utf-8"))


def _stored(tmp_path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The session's observations of the case's latest attempt, and the values its attestations recorded."""
    with read_session(tmp_path / "s.tbsession") as view:
        attempt = view.cases[0].latest.id
        stored = {o["path"]: o["value"] for o in view.observations(attempt)}
        events = view.events_of([attempt], [EventKind.MANUAL_ATTESTED])[attempt]
    return stored, {k: v for e in events for k, v in (e["data"].get("values") or {}).items()}


def _paper_total(keyed: str) -> dict[str, object]:
    answers = json.loads(json.dumps(ANSWER))
    for answer in answers.values():
        if isinstance(answer, dict) and "manual.paper_total" in answer.get("values", {}):
            answer["values"]["manual.paper_total"] = keyed
    return answers


@pytest.mark.parametrize(("lang", "money"), [("fr", "5,90\u00a0€"), ("en", "€5.90")])
def test_a_manual_amount_keyed_with_a_comma_is_recorded_with_a_dot(tmp_path: Path, lang: str, money: str) -> None:
    report = _run(tmp_path, _paper_total("5,90"), lang, "--engine", "inprocess", "-k", "id:DEMO-FSE-030")
    case = report["cases"][0]
    assert case["verdict"] == "pass"
    observed = {o["path"]: o for o in case["observations"]}
    assert observed["manual.paper_total"]["value"] == "5.90"
    assert observed["manual.paper_printed"]["value"] == "true"  # no decimal: as keyed
    compared = next(c for c in case["comparisons"] if c["path"] == "manual.paper_total")
    assert compared["observed"] == "5.90"
    assert money in compared["message"].replace(" ", "\u00a0")
    step = next(s for s in case["steps"] if s["id"] == "m-paper")
    assert step["attestation"]["values"]["manual.paper_total"] == ("5,90" if lang == "fr" else "5.90")  # the language's
    if lang == "en":
        assert "5,90" not in json.dumps(case)
    stored, attested = _stored(tmp_path)
    assert stored["manual.paper_total"] == attested["manual.paper_total"] == "5.90"


def test_a_keyed_value_that_is_no_decimal_stays_as_keyed(tmp_path: Path) -> None:
    report = _run(tmp_path, _paper_total("5,90 francs"), "en", "--engine", "inprocess", "-k", "id:DEMO-FSE-030")
    case = report["cases"][0]
    assert case["verdict"] == "fail"
    observed = {o["path"]: o["value"] for o in case["observations"]}
    assert observed["manual.paper_total"] == "5,90 francs"


OPERATOR_BOOK = """<?xml version="1.0" encoding="UTF-8"?>
<casebook xmlns="urn:testbench:casebook:1" format-version="1">
  <identity>
    <plan-id>PDT-OPER-002</plan-id><evolution>EV000</evolution><document-version>01.00</document-version>
    <effective-date>2026-01-01</effective-date><cdc-version>1.40</cdc-version><addendum>8</addendum>
    <ps-category>fournisseur-lpp</ps-category><title>Mode opérateur, montants saisis</title>
  </identity>
  <fixtures>
    <card id="vitale-std" profile="cards/vitale2-adult-standard.xml"/>
    <card id="cps-psad" profile="cards/cps3-psad-lpp.xml"/>
    <patient id="p-std" card="vitale-std" rank="1"/>
  </fixtures>
  <cases>
    <case id="OPER-002" domain="fse" mode="securise" tags="operateur">
      <title>Lit médical saisi dans le logiciel testé</title>
      <objective>Le logiciel calcule la part AMO d'une location LPP.</objective>
      <cards><card slot="cps" ref="cps-psad"/><card slot="vitale" ref="vitale-std"/></cards>
      <steps>
        <read-cps id="s-cps"/>
        <read-vitale id="s-vitale" beneficiary="1"/>
        <invoice id="s-invoice" patient="p-std" care-date="2026-01-12" tiers-payant="amo">
          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00" tariff="14.00" plv="14.00"/>
        </invoice>
      </steps>
      <expectations>
        <value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="33.60"/>
        <value id="e-patient" step="s-invoice" path="invoice.totals.patient" type="decimal" expected="22.40"/>
        <value id="e-amc" step="s-invoice" path="invoice.totals.amc" type="string" expected="0,00"/>
      </expectations>
    </case>
  </cases>
</casebook>
"""


def _operator_book(tmp_path: Path) -> Path:
    shutil.copytree(CASEBOOKS_DIR / "cards", tmp_path / "cards")
    path = tmp_path / "operateur.xml"
    path.write_text(OPERATOR_BOOK, encoding="utf-8")
    return path


@pytest.mark.parametrize(("lang", "money"), [("fr", "56,00\u00a0€"), ("en", "€56.00")])
def test_operator_mode_records_the_amounts_keyed_with_a_dot(tmp_path: Path, lang: str, money: str) -> None:
    """Operator mode without a product profile: the totals keyed « 33,60 » are compared, stored and shown as
    money; a total no expectation types (« 56,00 », billed) is an amount by its name; a value the case expects as
    text (« 0,00 ») and the invoice's number stay as keyed."""
    answers = {
        "operator": "Alice",
        "OPER-002/s-cps": {"confirmed": True, "values": {"cps.rpps": "10000000001"}},
        "OPER-002/s-vitale": {"confirmed": True, "values": {"vitale.nir": "180017512345622"}},
        "OPER-002/s-invoice": {
            "confirmed": True,
            "values": {
                "number": "F-0042,1",
                "totals.billed": "56,00",
                "invoice.totals.amo": "33,60",
                "totals.amc": "0,00",
                "totals.patient": "22,40 €",
            },
        },
    }
    book = _operator_book(tmp_path)
    report = _run(tmp_path, answers, lang, "--engine", "operator", casebook=book)
    case = report["cases"][0]
    assert case["verdict"] == "pass"
    observed = {o["path"]: o for o in case["observations"]}
    assert {p: observed[p]["value"] for p in observed if p.startswith("invoice.totals.")} == {
        "invoice.totals.billed": "56.00",
        "invoice.totals.amo": "33.60",
        "invoice.totals.amc": "0,00",
        "invoice.totals.patient": "22.40",
    }
    assert observed["invoice.number"]["value"] == "F-0042,1"
    assert money in observed["invoice.totals.billed"]["origin"].replace(" ", "\u00a0")
    stored, attested = _stored(tmp_path)
    assert stored["invoice.totals.billed"] == attested["totals.billed"] == "56.00"
    assert attested["invoice.totals.amo"] == "33.60"
    assert attested["totals.amc"] == "0,00"


def test_a_path_is_a_decimal_by_its_expectations_else_by_its_name(tmp_path: Path) -> None:
    (case,) = load_casebooks([_operator_book(tmp_path)])[0].cases
    assert decimal_path(case, "invoice.totals.amo")  # type="decimal"
    assert not decimal_path(case, "invoice.totals.amc")  # type="string": as keyed, though an amount's name
    assert decimal_path(case, "invoice.totals.billed")  # no expectation: an amount by its name
    assert decimal_path(case, "manual.paper_rate")  # a rate
    assert not decimal_path(case, "invoice.number")
