"""A card pulled from its reader during a step the operator performs is checked again before the next card step.

Through the real pcscd + vpcd, a physical reader (``emulate=False``): the test plays the person, with its own
emulated card in the reader. The guard accepts the Vitale card; during the manual step the person pulls it
(the application asked for it, or a hand slipped). The bench notices it after the step: the trace and a
``card-removed`` event say it, the attempt's card state reads « retirée pendant l'étape m-pull : à contrôler
de nouveau » — never the earlier « acceptée » — and before ``read-vitale`` the bench asks for the card again,
reads it again (no reuse of the earlier check) and records the new acceptance.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from testbench.domain.attestation import Attestation
from testbench.paths import CARD_PROFILES_DIR

CASEBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<casebook xmlns="urn:testbench:casebook:1" format-version="1">
  <identity>
    <plan-id>TB-PULL</plan-id><evolution>EV000</evolution><document-version>01.00</document-version>
    <effective-date>2026-01-01</effective-date><cdc-version>1.40</cdc-version><addendum>8</addendum>
    <ps-category>fournisseur-lpp</ps-category><title>card pulled during a step</title>
  </identity>
  <fixtures>
    <card id="vitale-std" profile="cards/vitale2-adult-standard.xml"/>
  </fixtures>
  <cases>
    <case id="P-1" domain="cards" mode="securise">
      <title>P-1</title>
      <objective>card pulled</objective>
      <cards><card slot="vitale" ref="vitale-std"/></cards>
      <steps>
        <manual id="m-pull"><instruction>Ouvrez le dossier du patient dans le logiciel.</instruction></manual>
        <read-vitale id="s-read" beneficiary="1"/>
      </steps>
      <expectations>
        <value id="e-nir" step="s-read" path="vitale.nir" expected="{nir}"/>
      </expectations>
    </case>
  </cases>
</casebook>
"""


@pytest.mark.integration
def test_a_card_pulled_during_a_manual_step_is_checked_again_before_the_next_card_step(
    vpcd_lock: list[str], tmp_path: Path
) -> None:
    from testbench.cards.bay import PcscBay
    from testbench.cards.emulator_control import ThreadCard
    from testbench.cards.guard import case_guard
    from testbench.cards.pcsc import wait_for
    from testbench.cards.profile import load_profile
    from testbench.cards.reader_pools import DEFAULT_READERS
    from testbench.casebook.loader import load_casebook
    from testbench.engines.operator.mode import OperatorModeEngine
    from testbench.runner.campaign import record_casebooks
    from testbench.runner.runner import Runner
    from testbench.runner.tracing import TraceRecorder
    from testbench.store.model import card_states
    from testbench.store.read import read_session
    from testbench.store.session import SessionStore

    (tmp_path / "cards").mkdir()
    shutil.copy(CARD_PROFILES_DIR / "vitale2-adult-standard.xml", tmp_path / "cards")
    standard = load_profile(tmp_path / "cards" / "vitale2-adult-standard.xml")
    (tmp_path / "pull.xml").write_text(CASEBOOK.format(nir=standard.holder_nir), encoding="utf-8")
    casebook = load_casebook(tmp_path / "pull.xml")
    session = tmp_path / "s.tbsession"

    def states_now() -> dict[str, str]:
        with read_session(session) as view:
            (case,) = view.cases
            events = view.events(case.latest.id)
        return {slot: state.text_fr for slot, state in card_states(["vitale"], events, "").items()}

    spec = DEFAULT_READERS["vitale"]
    person = ThreadCard(standard, spec, "vitale", None)  # the card the person put in the reader
    seen: dict[str, Any] = {"prompts": [], "notices": []}

    def prompt(message: str) -> None:  # the bench asks for the card: the person puts it back
        seen["prompts"].append(message)
        seen["while pulled"] = states_now()
        person.insert(standard, 2.0)

    class Person:
        def perform(self, case: Any, step: Any) -> Attestation | None:
            if step.id == "m-pull":  # in the application the person pulls the card
                seen["before"] = states_now()
                person.eject()
                wait_for(spec.name, False, 2.0)
                return Attestation(True, "Camille")
            seen["at read"] = states_now()  # the operator's read-vitale step, once the card is checked again
            return Attestation(True, "Camille", values={"vitale.nir": standard.holder_nir})

        def notify(self, message: str) -> None:
            seen["notices"].append(message)

    store = SessionStore.open(session)
    try:
        person.wait_inserted(2.0)
        wait_for(spec.name, True, 2.0)
        record_casebooks(store, [casebook])
        recorder = TraceRecorder(writer=store.add_trace_lines)
        with PcscBay(readers={"vitale": spec}, emulate=False, prompt=prompt) as bay:
            runner = Runner(store, OperatorModeEngine(), bay, recorder, operator=Person(), guard=case_guard())
            summary = runner.run(store.begin_run([], {}, {}), [(casebook, casebook.case("P-1"))])
        assert [o.verdict.value for _, o in summary.outcomes] == ["pass"], (summary.outcomes, seen)
    finally:
        store.close()
        person.stop()
        wait_for(spec.name, False, 2.0)  # the reader empty again for the next test

    assert seen["before"]["vitale"].startswith("acceptée par le contrôle")
    assert seen["while pulled"] == {"vitale": "retirée pendant l'étape m-pull : à contrôler de nouveau"}
    assert len(seen["prompts"]) == 1 and "Insérez la carte Vitale" in seen["prompts"][0], seen["prompts"]
    assert seen["at read"]["vitale"].startswith("acceptée par le contrôle")
    message = (
        f"carte retirée ou changée dans le lecteur {spec.name} (vitale) pendant l'étape m-pull : elle sera contrôlée"
        " de nouveau avant la prochaine étape qui la lit"
    )
    assert seen["notices"] == [message]
    with read_session(session) as view:
        (case,) = view.cases
        events = view.events(case.latest.id)
        bench = [line.text for line in view.trace_lines(case.latest.id, "bench")]
    kinds = [e["kind"] for e in events if e["kind"].startswith("card-")]
    assert kinds == ["card-present", "card-guard", "card-removed", "card-present", "card-guard"], kinds
    checks = [e["data"]["checks"][0] for e in events if e["kind"] == "card-guard"]
    assert [c["ok"] for c in checks] == [True, True] and checks[1].get("reused") is None  # read again
    removed = next(e for e in events if e["kind"] == "card-removed")
    assert (removed["step_id"], removed["data"]["slot"]) == ("m-pull", "vitale")
    assert message in bench


@pytest.mark.integration
def test_the_workstation_never_shows_a_pulled_card_accepted(vpcd_lock: list[str], tmp_path: Path) -> None:
    """The same through the workstation (Pilot): while the bench asks for the card pulled during the manual
    step, the case view reads « retirée pendant l'étape m-pull : à contrôler de nouveau », not « acceptée »;
    once it is back and read again, « acceptée » again."""
    import asyncio
    import threading

    from test_tui_helpers import wait_run
    from textual.widgets import Static

    from testbench.cards.bay import PcscBay
    from testbench.cards.emulator_control import ThreadCard
    from testbench.cards.guard import case_guard
    from testbench.cards.pcsc import wait_for
    from testbench.cards.profile import load_profile
    from testbench.cards.reader_pools import DEFAULT_READERS
    from testbench.casebook.loader import load_casebook
    from testbench.engines.operator.mode import OperatorModeEngine
    from testbench.runner.assemble import Bench
    from testbench.tui.app import WorkstationApp
    from testbench.tui.config import Settings, UiState
    from testbench.tui.screens import AttestScreen
    from testbench.tui.workstation import Workstation

    (tmp_path / "cards").mkdir()
    shutil.copy(CARD_PROFILES_DIR / "vitale2-adult-standard.xml", tmp_path / "cards")
    standard = load_profile(tmp_path / "cards" / "vitale2-adult-standard.xml")
    (tmp_path / "pull.xml").write_text(CASEBOOK.format(nir=standard.holder_nir), encoding="utf-8")
    spec = DEFAULT_READERS["vitale"]
    person = ThreadCard(standard, spec, "vitale", None)
    asked, put_back = threading.Event(), threading.Event()

    def bench(recorder: Any, notify: Any) -> Bench:
        def prompt(message: str) -> None:  # the bench asks for the card (in the run's thread)
            notify(message)
            asked.set()
            put_back.wait(20)
            person.insert(standard, 2.0)

        bay = PcscBay(readers={"vitale": spec}, emulate=False, prompt=prompt)
        return Bench(engine=OperatorModeEngine(), bay=bay, guard=case_guard(), description={"cards": "pcsc"})

    def card_line(app: WorkstationApp) -> str:
        text = str(app.query_one("#case-detail", Static).render())
        return next(line for line in text.splitlines() if "lecteur vitale" in line)

    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = WorkstationApp(
            Workstation([load_casebook(tmp_path / "pull.xml")], tmp_path / "s.tbsession"),
            bench_factory=bench,
            settings=Settings(operator="Camille"),
            state=UiState(tmp_path / "cfg"),
        )
        async with app.run_test(size=(140, 44)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("P-1").key)
            await pilot.press("r")
            for _ in range(400):
                if isinstance(app.screen, AttestScreen):
                    break
                await pilot.pause(0.025)
            assert isinstance(app.screen, AttestScreen) and app.screen.request.step.id == "m-pull"
            person.eject()  # in the application the person pulls the card, then says the step is done
            wait_for(spec.name, False, 2.0)
            await pilot.press("ctrl+s")
            for _ in range(400):
                if asked.is_set() and "retirée" in card_line(app):
                    break
                await pilot.pause(0.025)
            seen["while pulled"] = card_line(app)
            put_back.set()
            for _ in range(400):
                if isinstance(app.screen, AttestScreen) and app.screen.request.step.id == "s-read":
                    break
                await pilot.pause(0.025)
            await pilot.press("ctrl+t")  # the read step left pending: the run ends
            await wait_run(app, pilot)
            seen["after"] = card_line(app)

    try:
        person.wait_inserted(2.0)
        wait_for(spec.name, True, 2.0)
        asyncio.run(scenario())
    finally:
        put_back.set()
        person.stop()
        wait_for(spec.name, False, 2.0)
    assert "retirée pendant l'étape m-pull : à contrôler de nouveau" in seen["while pulled"], seen
    assert "acceptée" not in seen["while pulled"]
    assert "acceptée par le contrôle" in seen["after"], seen
