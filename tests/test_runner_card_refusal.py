"""A refused card is evidence: recorded like an accepted one, and shown as refused everywhere (issue 11).

The demo's first case runs in process with the real card guard; the operator puts the wrong card in one
reader. The session must hold the guard's check (expected card, found card, reason, reader, ATR); the
report's cover and the workstation must show that card refused and the other one accepted.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import FakeEngine, invoice_step, make_case
from test_runner_unit import Answers, run

from testbench.cards.profile import load_profile
from testbench.casebook.loader import load_casebook
from testbench.casebook.model import Mode, Observe, Step, StepKind
from testbench.domain.attestation import Attestation
from testbench.i18n import use_language
from testbench.paths import CARD_PROFILES_DIR, CASEBOOKS_DIR
from testbench.report.build import BuildOptions, build_report
from testbench.runner.assemble import BenchOptions, assemble
from testbench.runner.campaign import CampaignError, RunRequest, load, record_casebooks
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.read import read_session
from testbench.store.session import SessionStore

WRONG = CARD_PROFILES_DIR / "cps4-nurse.xml"  # in the CPS reader instead of the PSAD's card


def wrong_card_run(session: Path, case_id: str = "DEMO-FSE-001") -> None:
    casebook = load_casebook(CASEBOOKS_DIR / "demo.xml")
    store = SessionStore.open(session)
    record_casebooks(store, [casebook])
    recorder = TraceRecorder(writer=store.add_trace_lines)
    bench = assemble(BenchOptions(cards="inprocess", engine="inprocess"), recorder)
    present = bench.bay.present

    def wrong_cps(slot: str, profile: Path) -> None:
        present(slot, WRONG if slot == "cps" else profile)

    bench.bay.present = wrong_cps  # type: ignore[method-assign]
    try:
        runner = Runner(store, bench.engine, bench.bay, recorder, guard=bench.guard)
        summary = runner.run(store.begin_run([], {}, bench.description), [(casebook, casebook.case(case_id))])
    finally:
        bench.close()
        store.close()
    assert summary.outcomes[0][1].verdict.value == "inconclusive"


def test_a_refused_card_is_recorded_as_the_guard_saw_it(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    wrong_card_run(session)
    with read_session(session) as view:
        events = view.events(view.cases[0].latest.id)
    guards = [e["data"] for e in events if e["kind"] == "card-guard"]
    assert len(guards) == 1, [e["kind"] for e in events]
    checks = {c["slot"]: c for c in guards[0]["checks"]}
    cps, vitale = checks["cps"], checks["vitale"]
    assert vitale["ok"] is True and vitale["message"] == ""
    assert cps["ok"] is False
    assert cps["expected"] == "cps3-psad-lpp" and "« cps4-nurse »" in cps["found_fr"]
    assert cps["reader"] and cps["atr"] and cps["problems"]
    assert cps["message"].startswith("Le lecteur « ") and "RPPS" in cps["message"]
    for holder, profile in (("expected_holder", "cps3-psad-lpp.xml"), ("found_holder", "cps4-nurse.xml")):
        pro = load_profile(CARD_PROFILES_DIR / profile).professional
        assert pro is not None and cps[holder] == {"rpps": pro.rpps, "name": pro.name, "first_name": pro.first_name}


def test_the_report_cover_shows_the_refused_card_as_refused(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    wrong_card_run(session)
    for lang, refused, accepted in (("fr", "refusée", "acceptée"), ("en", "refused", "accepted")):
        out = build_report(session, tmp_path / lang, BuildOptions(lang=lang)).folder
        cover = json.loads((out / "report.json").read_text(encoding="utf-8"))["cover"]
        cards = {c["slot"]: c for c in cover["cards"]}
        assert cards["cps"]["guard"] == refused and cards["vitale"]["guard"] == accepted, cards
        assert re.fullmatch(r"3B( [0-9A-F]{2})+", cards["cps"]["atr"]), cards["cps"]  # read by the guard
        assert "cps4-nurse" in cards["cps"]["found"], cards["cps"]
        html = (out / "index.html").read_text(encoding="utf-8")
        assert f"<td>{refused}<br>" in html and f"<td>{accepted}</td>" in html  # a refusal says why, after


def test_the_workstation_shows_the_refused_card_refused_and_the_other_accepted(tmp_path: Path) -> None:
    from testbench.tui.workstation import Workstation

    session = tmp_path / "s.tbsession"
    wrong_card_run(session)
    ws = Workstation([load_casebook(CASEBOOKS_DIR / "demo.xml")], session)
    ws.reload()
    try:
        entry = ws.find("DEMO-FSE-001")
        assert entry is not None
        status = ws.card_status(entry)
    finally:
        ws.close()
    assert status["vitale"].startswith("acceptée par le contrôle ("), status
    assert status["cps"].startswith("refusée : Le lecteur « "), status  # the CPS reader's own reason
    assert "cps4-nurse" in status["cps"]


def test_an_attested_value_reaches_the_next_step_in_the_engines_shape(tmp_path: Path) -> None:
    """The operator reads the card in the application: ``vitale.beneficiaries[0].nir`` must be the
    beneficiary the next invoice uses, as if the bench had read the card (one path helper, observe.py)."""
    seen: list[dict] = []

    def spy(engine: FakeEngine, bay) -> None:
        create = engine.create_invoice

        def create_invoice(request):
            seen.append(request["beneficiary"])
            return create(request)

        engine.create_invoice = create_invoice

    manual = Step(
        id="m1",
        kind=StepKind.MANUAL,
        instruction="Lire la carte Vitale dans l'application",
        observe=(Observe("vitale.beneficiaries[0].nir", "NIR"), Observe("vitale.beneficiaries[0].rank", "Rang")),
    )
    attested = {"vitale.beneficiaries[0].rank": 1, "vitale.beneficiaries[0].nir": "2850512345678"}
    case = make_case("ATT", (manual, invoice_step()), mode=Mode.SECURISE)
    summary, _, _ = run(tmp_path, [case], Answers(Attestation(True, "alice", "", attested)), engine_setup=spy)
    assert summary.outcomes[0][1].verdict.value == "pass", summary.outcomes[0][1].reason
    assert seen and seen[0]["nir"] == "2850512345678", seen


def test_casebook_problems_reach_the_campaign_caller_in_the_active_language(tmp_path: Path) -> None:
    """The core (the CLI and the workstation both call it) says what is wrong in the language in use."""
    broken = tmp_path / "broken.xml"
    demo = (CASEBOOKS_DIR / "demo.xml").read_text(encoding="utf-8")
    broken.write_text(demo.replace('<case id="DEMO-FSE-001"', '<case colour="x" id="DEMO-FSE-001"', 1), "utf-8")
    (tmp_path / "cards").symlink_to(CARD_PROFILES_DIR)
    for lang, words in (("en", 'attribute “colour”: attribute not allowed'), ("fr", "attribut « colour »")):
        with use_language(lang), pytest.raises(CampaignError) as caught:
            load(RunRequest([broken], tmp_path / "s.tbsession"))
        assert any(words in line for line in caught.value.lines), caught.value.lines
        assert any("non conforme" in line for line in caught.value.lines) is (lang == "fr"), caught.value.lines
    proc = subprocess.run(
        [sys.executable, "-m", "testbench", "run", str(broken), "--session", str(tmp_path / "s.tbsession"),
         "--lang", "en"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 3 and 'attribute “colour”: attribute not allowed' in proc.stderr, proc.stderr
