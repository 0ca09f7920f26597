"""`testbench merge`: shards and reruns into one session that keeps every attempt, with its own chain."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from fakes import FakeBay, FakeEngine, invoice_step, make_case, make_casebook, value

from testbench.casebook.model import Casebook
from testbench.cli.main import main
from testbench.report.build import build_report
from testbench.runner.campaign import record_casebooks
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store import chain
from testbench.store.read import read_session
from testbench.store.session import SessionStore
from testbench.traces.model import TraceLine


def casebook(tmp: Path) -> Casebook:
    cases = tuple(
        make_case(cid, (invoice_step(),), (value("e1", "invoice.totals.amo", "33.60"),)) for cid in ("C-1", "C-2")
    )
    return make_casebook(cases, tmp)


def run(cb: Casebook, session: Path, case_ids: tuple[str, ...], *, crash: bool = False) -> Path:
    """Run some of the casebook's cases into ``session`` (a CI shard, or a rerun)."""
    with SessionStore.open(session) as store:
        record_casebooks(store, [cb])
        store.set_selection([(cb.sha256, cid) for cid in case_ids])
        bay = FakeBay()
        recorder = TraceRecorder(writer=store.add_trace_lines)
        engine = FakeEngine(bay, trace=recorder.engine_sink)
        engine.crash_next = crash
        run_id = store.begin_run(["shard"], {}, {})
        Runner(store, engine, bay, recorder).run(run_id, [(cb, cb.case(cid)) for cid in case_ids])
        store.end_run(run_id)
    return session


def test_shards_merge_into_one_campaign_with_an_intact_chain(tmp_path: Path, capsys) -> None:
    cb = casebook(tmp_path)
    a = run(cb, tmp_path / "shard1.tbsession", ("C-1",))
    b = run(cb, tmp_path / "shard2.tbsession", ("C-2",))
    with SessionStore.open(b) as store:  # a line captured between cases, attached to no attempt
        store.add_trace_lines([TraceLine("app", 1, 1.0, "hors cas : démarrage de l'application")])
    out = tmp_path / "merged.tbsession"
    assert main(["merge", str(a), str(b), "-o", str(out)]) == 0
    assert "2 cas, 2 tentatives" in capsys.readouterr().out
    with read_session(out) as s:
        assert [(c.case_id, c.verdict) for c in s.cases] == [("C-1", "pass"), ("C-2", "pass")]
        assert len(s.runs) == 2
        assert s.trace_lines(s.cases[1].latest.id)  # traces follow their attempt
        merged_from = json.loads(s.meta["merged_from"])
        assert "hors cas : démarrage de l'application" in [t.text for t in s.iter_trace_lines()]
    assert [m["file"] for m in merged_from] == [str(a), str(b)]
    conn = sqlite3.connect(out)
    assert chain.verify(conn).ok
    conn.close()
    assert main(["verify", str(out)]) == 0
    # the merged session chains its trace lines too: an edited line is caught
    conn = sqlite3.connect(out)
    conn.execute("UPDATE trace_lines SET text = 'retouché' WHERE id = 3")
    conn.commit()
    conn.close()
    assert main(["verify", str(out)]) == 1


def test_rerun_keeps_every_attempt_and_the_report_says_so(tmp_path: Path) -> None:
    cb = casebook(tmp_path)
    first = run(cb, tmp_path / "first.tbsession", ("C-1", "C-2"), crash=True)  # C-1 meets an engine crash
    second = run(cb, tmp_path / "second.tbsession", ("C-1",))
    out = tmp_path / "merged.tbsession"
    assert main(["merge", str(second), str(first), "-o", str(out)]) == 0  # order of inputs does not matter
    with read_session(out) as s:
        c1 = next(c for c in s.cases if c.case_id == "C-1")
        assert [(a.number, a.verdict) for a in c1.attempts] == [(1, "error"), (2, "pass")]
        assert "moteur en défaut" in c1.attempts[0].reason
    folder = build_report(out, tmp_path / "r").folder
    data = json.loads((folder / "report.json").read_bytes())
    case = next(c for c in data["cases"] if c["key"]["case_id"] == "C-1")
    assert case["final_label"].startswith("réussi à la 2e tentative — 1re : erreur (moteur en défaut")
    assert case["final_label"] in (folder / "index.html").read_text(encoding="utf-8")


def test_the_same_attempt_twice_is_kept_once(tmp_path: Path) -> None:
    cb = casebook(tmp_path)
    a = run(cb, tmp_path / "a.tbsession", ("C-1",))
    copy = tmp_path / "copy.tbsession"
    shutil.copy(a, copy)
    out = tmp_path / "m.tbsession"
    assert main(["merge", str(a), str(copy), "-o", str(out)]) == 0
    with read_session(out) as s:
        assert len(s.cases[0].attempts) == 1


def test_tampered_input_and_existing_output_are_refused(tmp_path: Path, capsys) -> None:
    cb = casebook(tmp_path)
    a = run(cb, tmp_path / "a.tbsession", ("C-1",))
    b = run(cb, tmp_path / "b.tbsession", ("C-2",))
    conn = sqlite3.connect(b)
    conn.execute("UPDATE attempts SET reason = 'retouché', verdict = 'fail'")
    conn.commit()
    conn.close()
    assert main(["merge", str(a), str(b), "-o", str(tmp_path / "m.tbsession")]) == 3
    err = capsys.readouterr().err
    assert "b.tbsession" in err and "fusion refusée" in err
    assert not (tmp_path / "m.tbsession").exists()
    assert main(["merge", str(a), "-o", str(a)]) == 3
