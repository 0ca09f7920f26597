"""The runner on the real parts: virtual cards through pcscd + vpcd, the reference engine out of process."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest

from testbench.cards.inprocess import Fault
from testbench.cards.profile import load_profile
from testbench.casebook.loader import load_casebook
from testbench.domain.verdict import Verdict
from testbench.paths import CARD_PROFILES_DIR, CASEBOOKS_DIR
from testbench.report.html import write_report
from testbench.runner.assemble import BenchOptions, assemble
from testbench.runner.campaign import RunRequest, record_casebooks, run_campaign
from testbench.runner.events import StepStarted
from testbench.runner.options import CampaignOptions
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.read import read_session
from testbench.store.session import SessionStore

pytestmark = pytest.mark.integration


UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
#: an exchange's measured duration (« (3867 µs) » after an APDU): a time the card took, no code
DURATION = re.compile(r"\(\d+ µs\)")


def test_demo_runs_on_the_real_stack_and_no_pin_is_written_anywhere(vpcd_lock: list[str], tmp_path: Path) -> None:
    session = tmp_path / "demo.tbsession"
    request = RunRequest(
        casebooks=[CASEBOOKS_DIR / "demo.xml"],
        session=session,
        options=CampaignOptions(attestations=CASEBOOKS_DIR / "demo-attestations.json"),
    )
    result = run_campaign(request)
    with read_session(session) as view:
        environment = view.runs[-1]["environment"]
        verdicts = {c.case_id: c.verdict for c in view.cases}
    assert "pcscd" in environment["cards"], environment["cards"]  # real stack by default, no fallback
    assert environment["engine"]["name"], environment
    assert verdicts.pop("DEMO-FSE-099") == "fail"  # the case built to fail
    assert set(verdicts.values()) == {"pass"}, verdicts
    assert sorted(result.final_verdicts).count("pass") == 21

    report = write_report(session, tmp_path / "report").parent
    pins = [p.pin.reveal() for p in map(load_profile, sorted(CARD_PROFILES_DIR.glob("*.xml"))) if p.pin]
    assert pins, "the profiles carry test PINs: the search below must have something to find"
    from testbench.cards.layout import pin_block

    conn = sqlite3.connect(session)
    texts = [
        str(value)
        for table, column in [
            ("trace_lines", "text"),
            ("events", "data"),
            ("observations", "value"),
            ("comparisons", "data"),
            ("runs", "argv"),
            ("runs", "environment"),
            ("meta", "value"),
        ]
        for (value,) in conn.execute(f"SELECT {column} FROM {table}")
    ]
    conn.close()
    assert any("A>> 00 20" in t for t in texts), "no VERIFY in the traces: the search would prove nothing"
    files = [p for p in report.rglob("*") if p.is_file()]
    pcscd_log = Path(os.environ.get("TESTBENCH_PCSCD_DIR", "/tmp/testbench-pcscd")) / "pcscd.log"
    if pcscd_log.exists():
        files.append(pcscd_log)
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in files]
    # a random UUID's version group (« -4719- ») is no PIN: one in 4096 met a test PIN and failed the suite
    texts = [UUID.sub("‹uuid›", text) for text in texts]
    # nor is an APDU's duration (« (3867 µs) » met the test PIN 3867 in one CI run)
    texts = [DURATION.sub("(‹durée›)", text) for text in texts]
    for pin in pins:
        alone = re.compile(rf"(?<![0-9A-Fa-f]){pin}(?![0-9A-Fa-f])")
        block = pin_block(pin)
        for text in texts:
            assert not alone.search(text), f"PIN {pin[:1]}… found"
            upper = text.upper()
            assert block.hex().upper() not in upper and block.hex(" ").upper() not in upper


def test_card_pulled_mid_case_is_inconclusive_and_the_next_case_runs(vpcd_lock: list[str], tmp_path: Path) -> None:
    casebook = load_casebook(CASEBOOKS_DIR / "demo.xml")
    cases = [casebook.case("DEMO-FSE-001"), casebook.case("DEMO-FSE-002")]
    store = SessionStore.open(tmp_path / "s.tbsession")
    record_casebooks(store, [casebook])
    recorder = TraceRecorder(writer=store.add_trace_lines)
    bench = assemble(BenchOptions(cards="pcsc", engine="inprocess"), recorder)
    pulled: list[str] = []

    def listener(event: object) -> None:
        if isinstance(event, StepStarted) and event.step.id == "s-vitale" and not pulled:
            pulled.append(event.case.id)
            bench.bay.inject_fault("vitale", Fault("pull", after=2))  # type: ignore[attr-defined]

    try:
        runner = Runner(store, bench.engine, bench.bay, recorder, guard=bench.guard, listener=listener)
        summary = runner.run(store.begin_run([], {}, {}), [(casebook, c) for c in cases])
    finally:
        bench.close()
        store.close()
    (_, out1), (_, out2) = summary.outcomes
    assert pulled == ["DEMO-FSE-001"]
    assert out1.verdict is Verdict.INCONCLUSIVE and "carte" in out1.reason, out1
    assert out2.verdict is Verdict.PASS, out2
