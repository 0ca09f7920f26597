"""Operator mode: the operator performs the engine's steps in the application under test; what they key in
is compared with the casebook, recorded with its source, and the files the application writes are captured."""

from __future__ import annotations

import json
import re
import shutil
import threading
from pathlib import Path

import pytest
from sql_trace import levels, trace_sessions

from testbench.casebook.loader import load_casebooks
from testbench.casebook.model import ExpectationKind
from testbench.domain.vocabulary import CALL_ROOTS, STEP_ACTIONS
from testbench.engines.operator.engine import FIELDS, OperatorEngine, OperatorPrompt
from testbench.engines.operator.mode import OperatorModeEngine
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import RunRequest, run_campaign
from testbench.runner.events import StepStarted
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store.read import read_session

CASEBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<casebook xmlns="urn:testbench:casebook:1" format-version="1">
  <identity>
    <plan-id>PDT-OPER-001</plan-id><evolution>EV000</evolution><document-version>01.00</document-version>
    <effective-date>2026-01-01</effective-date><cdc-version>1.40</cdc-version><addendum>8</addendum>
    <ps-category>fournisseur-lpp</ps-category><title>Mode opérateur</title>
  </identity>
  <fixtures>
    <card id="vitale-std" profile="cards/vitale2-adult-standard.xml"/>
    <card id="cps-psad" profile="cards/cps3-psad-lpp.xml"/>
    <patient id="p-std" card="vitale-std" rank="1"/>
  </fixtures>
  <cases>
    <case id="OPER-001" domain="fse" mode="securise" tags="operateur">
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
      </expectations>
    </case>
  </cases>
</casebook>
"""


def setup(tmp_path: Path) -> Path:
    shutil.copytree(CASEBOOKS_DIR / "cards", tmp_path / "cards")
    path = tmp_path / "operateur.xml"
    path.write_text(CASEBOOK, encoding="utf-8")
    return path


def test_operator_performs_the_engine_steps(tmp_path: Path) -> None:
    casebook = setup(tmp_path)
    out = tmp_path / "sortie"
    out.mkdir()
    answers = {
        "operator": "Alice (répétition)",
        "OPER-001/s-cps": {"confirmed": True, "values": {"cps.rpps": "10000000001", "cps.name": "ESSAI"}},
        "OPER-001/s-vitale": {"confirmed": True, "values": {"vitale.nir": "180017512345622"}},
        "OPER-001/s-invoice": {
            "confirmed": True,
            "note": "facture saisie",
            "values": {
                "number": "F-0042",
                "totals.billed": "56.00",
                "totals.amo": "33.60",
                "totals.amc": "0.00",
                "totals.patient": "22.40",
            },
        },
    }
    attestations = tmp_path / "reponses.json"
    attestations.write_text(json.dumps(answers), encoding="utf-8")

    def application_writes_its_fse(event: object) -> None:
        if isinstance(event, StepStarted) and event.step.id == "s-invoice":
            threading.Timer(0.2, (out / "F-0042.fse").write_text, ("<FSE numero='F-0042'/>",)).start()

    request = RunRequest(
        casebooks=[casebook],
        session=tmp_path / "s.tbsession",
        options=CampaignOptions(
            BenchOptions(cards="inprocess", engine="operator", watch_dir=out), attestations=attestations
        ),
    )
    result = run_campaign(request, listener=application_writes_its_fse)
    assert result.final_verdicts == ["pass"]
    with read_session(request.session) as view:
        attempt = view.cases[0].latest
        observations = {o["path"]: o for o in view.observations(attempt.id)}
        artifacts = view.artifacts(attempt.id)
        environment = view.runs[-1]["environment"]
        fse = view.artifact_data(artifacts[0]["sha256"])
    assert observations["invoice.totals.amo"]["source"] == "operator"
    assert observations["invoice.operator"]["value"] == "Alice (répétition)"
    assert fse == b"<FSE numero='F-0042'/>"
    assert environment["engine"]["name"] == "opérateur"


def test_without_an_operator_the_case_waits(tmp_path: Path) -> None:
    casebook = setup(tmp_path)
    request = RunRequest(
        casebooks=[casebook],
        session=tmp_path / "s.tbsession",
        options=CampaignOptions(BenchOptions(cards="inprocess", engine="operator")),
    )
    result = run_campaign(request)
    assert result.final_verdicts == ["pending"]


def test_operator_reports_a_refusal_of_the_application(tmp_path: Path) -> None:
    casebook = setup(tmp_path)
    answers = {
        "OPER-001/s-cps": {"confirmed": True, "values": {"cps.rpps": "10000000001"}},
        "OPER-001/s-vitale": {"confirmed": True, "values": {"vitale.nir": "180017512345622"}},
        "OPER-001/s-invoice": {"confirmed": False, "note": "le logiciel refuse : PRICE_ABOVE_PLV"},
    }
    attestations = tmp_path / "reponses.json"
    attestations.write_text(json.dumps(answers), encoding="utf-8")
    request = RunRequest(
        casebooks=[casebook],
        session=tmp_path / "s.tbsession",
        options=CampaignOptions(BenchOptions(cards="inprocess", engine="operator"), attestations=attestations),
    )
    result = run_campaign(request)
    assert result.final_verdicts == ["fail"]
    with read_session(request.session) as view:
        reason = view.cases[0].latest.reason
    assert "PRICE_ABOVE_PLV" in reason


def test_operator_is_asked_every_total_the_casebooks_expect() -> None:
    """One field table: what the prompt lists is what operator mode asks, and it covers every expected
    total of an engine step in the bundled casebooks (``invoice.totals.base`` was asked by one table and
    not by the other); any other value a bundled case expects of a step is asked at that step."""
    prompts = []
    engine = OperatorEngine(lambda prompt: prompts.append(prompt) or {})
    engine.create_invoice({"invoice_ref": "F1"})
    assert prompts[0].expects == tuple(path for path, _label in FIELDS["create_invoice"])

    asked = {f"{CALL_ROOTS[call]}.{path}" for call, fields in FIELDS.items() for path, _label in fields}
    expected = {
        path
        for book in CASEBOOKS_DIR.glob("*.xml")
        for path in re.findall(r'<value [^>]*path="([^"]+)"', book.read_text(encoding="utf-8"))
    }
    assert {"invoice.totals.base", "invoice.totals.billed"} <= expected & asked

    mode = OperatorModeEngine()
    calls = {action.name: action.call for action in STEP_ACTIONS if action.call}
    missing = []
    for casebook in load_casebooks(sorted(CASEBOOKS_DIR.glob("*.xml"))):
        for case in casebook.cases:
            for step in case.steps:
                call = calls.get(step.action)
                if call is None:
                    continue
                mode.begin_step(case, step)
                keyed = {f"{CALL_ROOTS[call]}.{path}" for path, _label in mode.keyed_fields(_prompt(call))}
                missing += [
                    f"{case.id}/{step.id}: {exp.path}"
                    for exp in case.expectations
                    if exp.kind is ExpectationKind.VALUE and exp.step == step.id and exp.path not in keyed
                    and exp.path.split(".", 1)[0] == CALL_ROOTS[call]
                ]
    assert not missing, missing


def _prompt(call: str) -> OperatorPrompt:
    return OperatorPrompt(call, "", {}, tuple(path for path, _label in FIELDS.get(call, ())))


def test_what_the_operator_keys_in_is_synced_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A person's values are committed and synced (``synchronous=FULL``) with their step, whereas the
    machine's steps of a case commit under NORMAL (README § The session file)."""
    casebook = setup(tmp_path)
    answers = {
        "operator": "Alice",
        "OPER-001/s-cps": {"confirmed": True, "values": {"cps.rpps": "10000000001"}},
        "OPER-001/s-vitale": {"confirmed": True, "values": {"vitale.nir": "180017512345622"}},
        "OPER-001/s-invoice": {"confirmed": True, "values": {"totals.amo": "33.60", "totals.patient": "22.40"}},
    }
    attestations = tmp_path / "reponses.json"
    attestations.write_text(json.dumps(answers), encoding="utf-8")
    statements = trace_sessions(monkeypatch)
    request = RunRequest(
        casebooks=[casebook],
        session=tmp_path / "s.tbsession",
        options=CampaignOptions(BenchOptions(cards="inprocess", engine="operator"), attestations=attestations),
    )
    assert run_campaign(request).final_verdicts == ["pass"]
    synced_inserts = levels(statements, "INSERT INTO observation_sets")
    assert synced_inserts and set(synced_inserts) == {"FULL"}, synced_inserts
