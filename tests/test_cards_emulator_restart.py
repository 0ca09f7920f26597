"""A card emulator process that dies (or stops answering) mid-campaign is replaced, and the session says so.

Through the real pcscd + vpcd: the emulator child is killed (SIGKILL) or stopped (SIGSTOP) between two
cases. The next case still gets its card from a fresh emulator, and the bay tells its lifecycle sink both
facts, as an engine says its restarts: the runner records them as events and ``bench`` lines of that case,
which the exam book shows with the case's trace (docs/cards.md §4).
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from testbench.cards.bay import PcscBay
from testbench.cards.emulator_control import ProcessCard
from testbench.cards.profile import load_profile
from testbench.cards.reader_pools import DEFAULT_READERS
from testbench.casebook.loader import load_casebook
from testbench.i18n import english
from testbench.paths import CARD_PROFILES_DIR as P
from testbench.report.build import BuildOptions, build_report
from testbench.runner.assemble import Bench, assembled_bench
from testbench.runner.campaign import Campaign
from testbench.runner.events import CaseFinished
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.runner.tracing import TraceRecorder
from testbench.store.read import read_session

pytestmark = [pytest.mark.integration, pytest.mark.skipif(os.name != "posix", reason="signals")]

REPO = Path(__file__).resolve().parents[1]
CPS = DEFAULT_READERS["cps"]


def _emulator(bay: PcscBay, slot: str) -> ProcessCard:
    card = bay._active[slot].card
    assert isinstance(card, ProcessCard)
    return card


def test_a_killed_emulator_is_said_then_its_replacement(vpcd_lock: list[str], tmp_path: Path) -> None:
    told: list[tuple[str, dict[str, Any]]] = []
    cps = load_profile(P / "cps3-psad-lpp.xml")
    with PcscBay(readers={"cps": CPS}, trace_dir=tmp_path) as bay:
        bay.attach_lifecycle(lambda kind, details: told.append((kind, details)))
        bay.present("cps", cps)
        bay.present("cps", cps)  # the next case's same card: nothing happened, nothing to say
        assert told == []
        dead = _emulator(bay, "cps")
        os.kill(dead.proc.pid, signal.SIGKILL)
        dead.proc.wait(5)
        bay.present("cps", cps)
        assert bay.atr("cps") == cps.atr  # the case has its card all the same
        fresh = _emulator(bay, "cps")
    assert fresh is not dead and fresh.proc.pid != dead.proc.pid
    assert [kind for kind, _ in told] == ["emulator-stopped", "emulator-restart"]
    stopped, restarted = (details["message"] for _, details in told)
    assert stopped == f"l'émulateur de carte cps (lecteur {CPS.name}) s'est arrêté (code -9)"
    assert restarted == f"émulateur de carte cps relancé (processus {fresh.proc.pid})"
    assert english(stopped) == f"the card emulator cps (reader {CPS.name}) stopped (code -9)"
    assert english(restarted) == f"card emulator cps relaunched (process {fresh.proc.pid})"


def test_a_mute_emulator_is_stopped_by_the_bay_and_said(vpcd_lock: list[str], tmp_path: Path) -> None:
    """Stopped (SIGSTOP): alive, but it answers no command. Pulling its card, the bay stops it (a kill once
    it does not exit), says so, and the next card comes from a fresh emulator."""
    told: list[tuple[str, dict[str, Any]]] = []
    cps = load_profile(P / "cps3-psad-lpp.xml")
    with PcscBay(readers={"cps": CPS}, trace_dir=tmp_path) as bay:
        bay.attach_lifecycle(lambda kind, details: told.append((kind, details)))
        bay.present("cps", cps)
        mute = _emulator(bay, "cps")
        os.kill(mute.proc.pid, signal.SIGSTOP)
        try:
            bay.remove("cps")  # a step that pulls the card
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(mute.proc.pid, signal.SIGCONT)
        assert mute.proc.poll() is not None  # not left behind, stopped
        assert [details["message"] for _, details in told] == [
            f"l'émulateur de carte cps (lecteur {CPS.name}) ne répond plus : arrêté par le banc"
        ]
        bay.present("cps", cps)
        assert bay.atr("cps") == cps.atr
        fresh = _emulator(bay, "cps")
    assert told[1][1]["message"] == f"émulateur de carte cps relancé (processus {fresh.proc.pid})"
    assert english(told[0][1]["message"]) == (
        f"the card emulator cps (reader {CPS.name}) stopped answering: stopped by the bench"
    )


def test_the_session_and_the_exam_book_say_a_killed_emulator(vpcd_lock: list[str], tmp_path: Path) -> None:
    """A run through pcscd: the CPS's emulator is killed once the first case is over. The next case passes,
    and its trace in the session and in the exam book says what the bench went through."""
    casebook = load_casebook(REPO / "casebooks" / "psad-fse-securise.xml")
    cases = {c.id: c for c in casebook.cases}
    options = CampaignOptions(BenchOptions(cards="pcsc", engine="inprocess"))
    benches: list[Bench] = []
    killed: list[ProcessCard] = []

    def factory(recorder: TraceRecorder, notify: Callable[[str], None]) -> Bench:
        benches.append(assembled_bench(options.bench)(recorder, notify))
        return benches[-1]

    def kill_after_the_first_case(event: object) -> None:
        if isinstance(event, CaseFinished) and event.index == 0:
            bay = benches[0].bay
            assert isinstance(bay, PcscBay)
            killed.append(_emulator(bay, "cps"))
            os.kill(killed[0].proc.pid, signal.SIGKILL)
            killed[0].proc.wait(5)

    session = tmp_path / "emu.tbsession"
    campaign = Campaign([casebook], session, options, bench_factory=factory, listener=kill_after_the_first_case)
    result = campaign.run_selection([(casebook, cases["PSAD-SEC-001"]), (casebook, cases["PSAD-SEC-002"])])
    assert result.verdicts == {"PSAD-SEC-001": "pass", "PSAD-SEC-002": "pass"}
    with read_session(session) as view:
        (attempt,) = view.attempts_of((casebook.sha256, "PSAD-SEC-002"))
        said = [line.text for line in view.trace_lines(attempt.id, "bench") if "émulateur de carte" in line.text]
        events = [(e["kind"], e["data"]["message"]) for e in view.events(attempt.id) if "emulator" in e["kind"]]
    reader = DEFAULT_READERS["cps"].name
    assert len(said) == 2 and said[0] == f"l'émulateur de carte cps (lecteur {reader}) s'est arrêté (code -9)"
    assert said[1].startswith("émulateur de carte cps relancé (processus ") and str(killed[0].proc.pid) not in said[1]
    assert events == list(zip(("emulator-stopped", "emulator-restart"), said, strict=True))
    page = build_report(session, tmp_path / "report", BuildOptions(junit=False)).html.read_text(encoding="utf-8")
    traces = etree.HTML(page).xpath("//details[@class='lazy-trace']/@data-lines")
    rows = [row for lines in traces for row in lines.split("\n")]
    assert all(any(text in row for row in rows) for text in said), said
