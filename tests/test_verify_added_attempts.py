"""``verify REPORT --session``: an attempt the session gained after the report was signed (a re-run, a resumed
case) is named with its case and verdict change, like a review: a rebuilt book would show another verdict."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import FakeBay, FakeEngine, invoice_step, make_case, make_casebook, value

from testbench.cli.main import main
from testbench.runner.campaign import record_casebooks
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.signing import init_key
from testbench.store.session import SessionStore


def run_cases(session: Path, casebook, case_ids: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    with SessionStore.open(session) as store:
        record_casebooks(store, [casebook])
        store.set_selection([(casebook.sha256, c.id) for c in casebook.cases])
        bay = FakeBay()
        recorder = TraceRecorder(writer=store.add_trace_lines)
        runner = Runner(store, FakeEngine(bay, trace=recorder.engine_sink), bay, recorder)
        run_id = store.begin_run(["test"], {}, {})
        runner.run(run_id, [(casebook, c) for c in casebook.cases if c.id in case_ids])
        store.end_run(run_id)


def test_a_rerun_after_the_report_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = tuple(
        make_case(cid, (invoice_step(),), (value("e1", "invoice.totals.amo", amo),))
        for cid, amo in (("OK-1", "33.60"), ("KO-1", "99.99"))
    )
    casebook = make_casebook(cases, tmp_path)
    session = tmp_path / "s.tbsession"
    run_cases(session, casebook, ("OK-1", "KO-1"))
    key = tmp_path / "k.pem"
    init_key(key)
    folder = tmp_path / "r"
    assert main(["report", str(session), "-o", str(folder), "--sign", "--key", str(key)]) == 0
    run_cases(session, casebook, ("KO-1",))
    capsys.readouterr()
    assert main(["verify", str(folder), "--session", str(session)]) == 0
    out = capsys.readouterr().out.splitlines()
    named = [line for line in out if "tentative 2 du cas KO-1" in line]
    assert len(named) == 1 and named[0].startswith("session : ajoutée depuis le rapport : tentative 2 du cas KO-1")
    assert " — échec → échec — exécution 2 — " in named[0], named
    assert any("1 tentative, listée ci-dessous ; aucune annotation (revue)" in line for line in out), out
    assert main(["verify", str(folder), "--session", str(session), "--lang", "en"]) == 0
    english = capsys.readouterr().out.splitlines()
    assert any(
        line.startswith("session: added since the report: attempt 2 of case KO-1 — failed → failed — run 2 — ")
        for line in english
    ), english
    assert any("1 attempt, listed below; no annotation (review)" in line for line in english), english
