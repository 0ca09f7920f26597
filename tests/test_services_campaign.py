"""The téléservice steps through a campaign: the bench starts the simulators for the cases that need them,
each case gets its documented verdict (a fault: inconclusive or error, never a crash), each exchange is on
the case's ``http`` trace channel, and a simulator that crashes mid-campaign costs one case, not the run."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from pathlib import Path

import pytest
from lxml import etree

from testbench.casebook.loader import load_casebook
from testbench.casebook.model import Casebook
from testbench.report.build import BuildOptions, build_report
from testbench.runner.assemble import assemble
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.read import read_session
from testbench.store.session import SessionStore

REPO = Path(__file__).resolve().parents[1]
CASEBOOK = REPO / "tests" / "data" / "services" / "teleservices.xml"

#: The verdict each case of the test casebook must get (docs/teleservices.md § Verdicts).
EXPECTED = {
    "ADRI-OUVERTS": "pass",
    "ADRI-SYST-SANS-TP": "pass",
    "ADRI-NON-CERTIFIES": "pass",
    "ADRI-FERMES": "pass",
    "ADRI-PLUSIEURS": "pass",
    "ADRI-INCONNU": "pass",
    "ADRI-PANNE-ATTENDUE": "pass",  # the fault expected by the case: the product handled it
    "ADRI-DOWN": "inconclusive",  # connection closed, not expected
    "ADRI-MALFORME": "error",  # truncated answer, not expected
    "APCV-VALIDE": "pass",
    "APCV-EXPIRE": "pass",
    "APCV-REFUSE": "pass",
    "INSI-TROUVEE": "pass",
    "INSI-PLUSIEURS": "pass",
    "INSI-INCONNUE": "pass",
    "INSI-INDISPONIBLE": "inconclusive",  # service down (HTTP 503), not expected
    "EPRESC-LPP": "pass",
    "EPRESC-INCONNUE": "pass",
}


@pytest.fixture(scope="module")
def casebook(tmp_path_factory: pytest.TempPathFactory) -> Casebook:
    folder = tmp_path_factory.mktemp("tls")
    shutil.copy(CASEBOOK, folder / CASEBOOK.name)
    shutil.copytree(REPO / "casebooks" / "cards", folder / "cards")
    return load_casebook(folder / CASEBOOK.name)


def test_every_case_gets_its_documented_verdict_and_its_http_lines(casebook: Casebook, tmp_path: Path) -> None:
    session = tmp_path / "tls.tbsession"
    options = CampaignOptions(BenchOptions(cards="inprocess"))  # the reference engine out of process
    result = Campaign([casebook], session, options).run_selection([(casebook, c) for c in casebook.cases])
    assert result.verdicts == EXPECTED
    with read_session(session) as view:
        for case_id, path in (("ADRI-OUVERTS", "/adri"), ("APCV-VALIDE", "/apcv"), ("EPRESC-LPP", "/eprescription")):
            (attempt,) = view.attempts_of((casebook.sha256, case_id))
            http = view.trace_lines(attempt.id, "http")
            exchanges = [line for line in http if line.text.startswith(f"POST {path} → 200")]
            assert len(exchanges) == 1, [line.text for line in http]
            assert exchanges[0].step_id is not None and exchanges[0].source_ts  # its step, the server's time kept
        (down,) = view.attempts_of((casebook.sha256, "ADRI-DOWN"))
        assert "connexion fermée sans réponse" in (down.reason or "")
        assert any("connexion fermée sans réponse" in line.text for line in view.trace_lines(down.id, "http"))
        bench = [line.text for line in view.trace_lines(view.attempts_of((casebook.sha256, "ADRI-OUVERTS"))[0].id)]
        assert any("téléservices simulés à l'écoute sur http://127.0.0.1:" in text for text in bench)
    # the exam book shows the http channel, its bodies redacted like any trace line
    page = build_report(session, tmp_path / "report", BuildOptions(junit=False)).html.read_text(encoding="utf-8")
    # a passed case's excerpt travels compactly (one row per line) and is drawn when the case is opened
    doc = etree.HTML(page)
    rows = [row for lines in doc.xpath("//details[@class='lazy-trace']/@data-lines") for row in lines.split("\n")]
    assert any("http" in row.split("\t") and "POST /insi → 200" in row for row in rows)
    assert "199990000000017" not in page and "‹NIR›" in page


def test_a_timeout_not_expected_is_inconclusive(casebook: Casebook, tmp_path: Path) -> None:
    xml = CASEBOOK.read_text(encoding="utf-8").replace(
        'scenario="droits-ouverts" fault="down"', 'scenario="droits-ouverts" fault="timeout"'
    )
    folder = Path(casebook.path).parent
    (folder / "timeout.xml").write_text(xml, encoding="utf-8")
    timeout_book = load_casebook(folder / "timeout.xml")
    case = next(c for c in timeout_book.cases if c.id == "ADRI-DOWN")
    options = CampaignOptions(BenchOptions(cards="inprocess", engine="inprocess"))
    result = Campaign([timeout_book], tmp_path / "t.tbsession", options).run_selection([(timeout_book, case)])
    assert result.verdicts == {"ADRI-DOWN": "inconclusive"}


@pytest.mark.skipif(os.name != "posix", reason="kills by signal")
def test_a_crashed_simulator_costs_one_case_then_restarts(casebook: Casebook, tmp_path: Path) -> None:
    cases = {c.id: c for c in casebook.cases}
    store = SessionStore.open(tmp_path / "crash.tbsession")
    recorder = TraceRecorder(writer=store.add_trace_lines)
    bench = assemble(BenchOptions(cards="inprocess", engine="inprocess"), recorder)
    try:
        run_id = store.begin_run([], {}, {})
        runner = Runner(store, bench.engine, bench.bay, recorder, guard=bench.guard, services=bench.services)
        first = runner.run(run_id, [(casebook, cases["INSI-TROUVEE"])])
        assert bench.services is not None and bench.services._proc is not None
        os.kill(bench.services._proc.pid, signal.SIGKILL)  # the simulator dies between two cases
        bench.services._proc.wait(5)
        second = runner.run(run_id, [(casebook, cases["INSI-TROUVEE"]), (casebook, cases["EPRESC-LPP"])])
    finally:
        bench.close()
        store.close()
    assert [o.verdict.value for _, o in first.outcomes] == ["pass"]
    crashed, after = (o for _, o in second.outcomes)
    assert crashed.verdict.value == "inconclusive" and "tué par le signal 9 (SIGKILL)" in crashed.reason
    assert after.verdict.value == "pass"  # the next case started a fresh simulator
    assert bench.services is not None and not bench.services.running  # stopped with the bench


@pytest.mark.skipif(os.name != "posix", reason="stops by signal")
def test_a_hung_simulator_is_killed_and_replaced_after_one_case(
    casebook: Casebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A simulator that stops answering (SIGSTOP) costs the case under way, not every later one: the bench
    kills it at its first control timeout and the next case starts a fresh one, said on the bench channel."""
    from testbench.i18n import english
    from testbench.services import process

    monkeypatch.setattr(process, "CONTROL_TIMEOUT", 1.0)  # 5 s in a run: the test need not wait that long
    cases = {c.id: c for c in casebook.cases}
    hung = None
    store = SessionStore.open(tmp_path / "hung.tbsession")
    recorder = TraceRecorder(writer=store.add_trace_lines)
    bench = assemble(BenchOptions(cards="inprocess", engine="inprocess"), recorder)
    try:
        run_id = store.begin_run([], {}, {})
        runner = Runner(store, bench.engine, bench.bay, recorder, guard=bench.guard, services=bench.services)
        runner.run(run_id, [(casebook, cases["INSI-TROUVEE"])])
        assert bench.services is not None and bench.services._proc is not None
        hung = bench.services._proc
        os.kill(hung.pid, signal.SIGSTOP)  # the simulator stops answering between two cases
        selection = [(casebook, cases[c]) for c in ("INSI-TROUVEE", "EPRESC-LPP", "INSI-TROUVEE")]
        summary = runner.run(run_id, selection)
        stopped = hung.poll()
        attempts = [o for _, o in summary.outcomes]
    finally:
        if hung is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(hung.pid, signal.SIGCONT)
        bench.close()
        store.close()
    assert [o.verdict.value for o in attempts] == ["inconclusive", "pass", "pass"]
    assert stopped == -signal.SIGKILL  # the hung process was killed, not left stopped
    reason = attempts[0].reason
    assert "ne répond pas en 1 s" in reason and "timed out" not in reason, reason
    assert english(reason).isascii() and "timed out" not in english(reason), english(reason)
    with read_session(tmp_path / "hung.tbsession") as view:
        (after,) = view.attempts_of((casebook.sha256, "EPRESC-LPP"))
        bench_lines = [line.text for line in view.trace_lines(after.id, "bench")]
    restarted = [text for text in bench_lines if text.startswith("simulateur de téléservices redémarré (processus ")]
    assert len(restarted) == 1, bench_lines  # said with the case whose step started the fresh simulator
    assert english(restarted[0]).startswith("teleservice simulator restarted (process ")
