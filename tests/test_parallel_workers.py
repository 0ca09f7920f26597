"""`run --workers N`: N benches run the cases in parallel, one session writer; same verdicts and report
as a serial run (issue 16 §4)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from shard_content import ATTESTATIONS, DEMO, report_content
from shard_content import run_demo as run

from testbench.cards.api import CardUnavailable
from testbench.casebook.loader import load_casebooks
from testbench.cli.main import main
from testbench.runner.campaign import Campaign, CampaignError
from testbench.runner.events import CaseStarted, RunEvent
from testbench.runner.manual import ScriptedOperator
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store.read import read_session


def test_two_workers_give_the_serial_runs_verdicts_and_report(tmp_path: Path) -> None:
    serial, parallel = tmp_path / "serial.tbsession", tmp_path / "parallel.tbsession"
    assert run(serial) == 1  # the demo has one case that fails on purpose
    assert run(parallel, "--workers", "2") == 1
    with read_session(serial) as one, read_session(parallel) as two:
        assert [(c.case_id, c.verdict, c.latest.reason) for c in two.cases] == [
            (c.case_id, c.verdict, c.latest.reason) for c in one.cases
        ]
    assert report_content(parallel, tmp_path / "r-parallel") == report_content(serial, tmp_path / "r-serial")
    assert main(["verify", str(parallel)]) == 0  # one writer: the chain holds


def test_the_cases_run_on_two_benches_at_once(tmp_path: Path) -> None:
    casebooks = load_casebooks([DEMO])
    options = CampaignOptions(BenchOptions(cards="inprocess", engine="inprocess"), workers=2)
    threads: set[str] = set()

    def listen(event: RunEvent) -> None:
        if isinstance(event, CaseStarted):
            threads.add(threading.current_thread().name)

    operator = ScriptedOperator(ATTESTATIONS)
    campaign = Campaign(casebooks, tmp_path / "s.tbsession", options, operator=operator, listener=listen)
    selected = [(cb, case) for cb in casebooks for case in cb.cases]
    result = campaign.run_selection(selected)
    assert result.ran == len(selected) == 22
    assert len(threads) == 2  # both benches took cases
    with read_session(tmp_path / "s.tbsession") as session:
        assert [c.case_id for c in session.cases] == [case.id for _, case in selected]  # the campaign's order


def test_each_worker_takes_its_own_readers_and_too_few_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from testbench.runner.workers import split_pools

    monkeypatch.setenv("TESTBENCH_CARD_READERS", "vitale=A@1|B@2,cps=C@3")
    with pytest.raises(ValueError, match="cps"):
        split_pools(2)
    (pool,) = split_pools(1)
    assert [r.name for r in pool["vitale"]] == ["A"]  # one pair: a card changes inside its reader (fast)
    monkeypatch.setenv("TESTBENCH_CARD_READERS", "vitale=A@1|B@2|E@5,cps=C@3|D@4")
    assert [{s: [r.name for r in p] for s, p in pool.items()} for pool in split_pools(2, ["A", "B", "C", "D"])] == [
        {"vitale": ["A"], "cps": ["C"]},
        {"vitale": ["B"], "cps": ["D"]},
    ]


def test_a_refused_workers_option_leaves_no_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "x.tbsession"
    assert run(session, "--workers", "2", "--app-log", str(tmp_path / "app.log"), "--lang", "en") == 3
    assert "--workers: one bench only when the application under test is followed" in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:  # at parsing (testbench.runner.options.worker_count)
        run(session, "--workers", "0")
    assert refused.value.code == 3
    assert "--workers : un nombre de bancs entre 1 et 64, pas « 0 »" in capsys.readouterr().err
    assert not session.exists()


@pytest.mark.integration
def test_two_workers_through_pcscd_each_on_its_own_readers(vpcd_lock: list[str], tmp_path: Path) -> None:
    session = tmp_path / "demo.tbsession"
    assert (
        main(["run", str(DEMO), "--session", str(session), "--attestations", str(ATTESTATIONS), "--workers", "2"]) == 1
    )
    with read_session(session) as view:
        environment = view.runs[-1]["environment"]
        verdicts = {c.case_id: c.verdict for c in view.cases}
    benches = environment["workers"]
    assert len(benches) == 2 and all("pcscd" in b for b in benches) and benches[0] != benches[1], benches
    assert verdicts.pop("DEMO-FSE-099") == "fail"  # the case built to fail, as in a serial run
    assert set(verdicts.values()) == {"pass"}, verdicts


def test_a_bench_lets_its_readers_go_as_soon_as_its_cases_are_done() -> None:
    """A worker with no case left closes its bay at once (a PC/SC bay waits for pcscd to show its readers
    empty), in parallel with the benches still running a case, not one after the other at the end."""
    from types import SimpleNamespace

    from testbench.domain.verdict import Outcome, Verdict
    from testbench.runner.workers import run_parallel

    closed = threading.Event()
    both = threading.Barrier(2, timeout=10)

    class Bay:
        def __init__(self) -> None:
            self.closed_by: list[str] = []

        def release(self) -> None:
            pass

        def close(self) -> None:
            self.closed_by.append(threading.current_thread().name)
            closed.set()

    class Runner:
        def __init__(self, slow: bool) -> None:
            self.slow, self.bay = slow, Bay()
            self.recorder = SimpleNamespace(set_context=lambda *a: None, flush=lambda: None)

        def attempt(self, *args: object) -> Outcome:
            both.wait()  # each bench has taken one of the two cases
            if self.slow:
                assert closed.wait(10), "the other bench kept its readers while this case ran"
            return Outcome(Verdict.PASS)

    runners = [Runner(slow=False), Runner(slow=True)]
    selection = [(SimpleNamespace(sha256="x"), SimpleNamespace(id=f"C{i}")) for i in range(2)]
    summary = run_parallel(runners, 1, selection)  # type: ignore[arg-type]
    assert [out.verdict for _, out in summary.outcomes] == [Verdict.PASS, Verdict.PASS]
    assert [r.bay.closed_by for r in runners] == [["bench-1"], ["bench-2"]]


def test_the_benches_are_built_at_once_and_a_failed_one_closes_the_others(tmp_path: Path) -> None:
    """Each bench starts an engine and card emulators (waiting, mostly): the workers' benches start together."""
    from testbench.runner.assemble import assemble

    casebooks = load_casebooks([DEMO])
    options = CampaignOptions(BenchOptions(cards="inprocess", engine="inprocess"), workers=3)
    together = threading.Barrier(3, timeout=5)  # broken when the benches are built one after the other
    built: list[int] = []
    closed: list[int] = []
    lock = threading.Lock()

    def factory(recorder, notify):  # type: ignore[no-untyped-def]
        together.wait()
        with lock:
            built.append(1)
            if len(built) == 2:
                raise CardUnavailable("lecteur absent")
        bench = assemble(options.bench, recorder, notify)
        bench.close = lambda: closed.append(1)  # type: ignore[method-assign]
        return bench

    operator = ScriptedOperator(ATTESTATIONS)
    campaign = Campaign(casebooks, tmp_path / "s.tbsession", options, operator=operator, bench_factory=factory)
    with pytest.raises(CampaignError, match="banc indisponible : lecteur absent") as info:
        campaign.run_selection([(cb, case) for cb in casebooks for case in cb.cases])
    assert info.value.exit_code == 2
    assert len(closed) == 2  # the two benches built beside the failed one


def test_too_few_readers_for_one_bench_says_one_bench() -> None:
    """The refusal agrees with its count (testbench.i18n.tn), and reads back in English agreeing too."""
    from testbench.i18n import english
    from testbench.runner.workers import split_pools

    for count, french, english_text in (
        (1, "1 banc demandé mais pas assez de lecteurs pour : ", "1 bench asked for but not enough readers for: "),
        (2, "2 bancs demandés mais pas assez de lecteurs pour : ", "2 benches asked for but not enough readers for: "),
    ):
        with pytest.raises(ValueError) as refused:
            split_pools(count, [])  # pcscd lists no reader
        assert str(refused.value).startswith(french)
        assert english(str(refused.value)).startswith(english_text)


def test_the_in_memory_reader_note_is_said_once_for_all_the_benches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--cards auto`` without the readers it names: each of the 3 benches falls back to the in-memory reader,
    and the run says so once."""
    monkeypatch.setenv("TESTBENCH_CARD_READERS", "vitale=Absent reader A@1,cps=Absent reader B@2")
    session = tmp_path / "s.tbsession"
    args = ["run", str(DEMO), "--session", str(session), "-k", "DEMO-FSE-001 or DEMO-FSE-002", "--cards", "auto"]
    assert main([*args, "--engine", "inprocess", "--workers", "3"]) == 0
    err = capsys.readouterr().err
    assert err.count("pile PC/SC indisponible") == 1, err
    assert "lecteur virtuel en mémoire utilisé à la place" in err
