"""One read model: the report (HTML, JSON, JUnit), the workstation, ``diff`` and ``verify`` state the same
step status, card status and retained verdict for the same session.

The session is a merge of two shards. Shard A has a valid override, an override whose signature does not
verify (signed wrongly, the journal's chain intact), a review followed by a rerun, a card refused by the
guard and a step begun and never ended; shard B reruns the first card case, this time accepted.
"""

from __future__ import annotations

import json
from pathlib import Path

from fakes import FakeBay, FakeEngine, invoice_step, make_case, make_casebook, value
from lxml import etree, html

from testbench.casebook.model import CardRequirement
from testbench.domain.events import EventKind
from testbench.fmt import STEP_STATUS_LABELS as STEP_STATUS
from testbench.integrity.verify import verify_session
from testbench.report.build import build_report
from testbench.report.diff import diff_sessions
from testbench.report.junit import case_verdicts
from testbench.runner.campaign import record_casebooks
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.signing import init_key, load_signer
from testbench.store.annotations import add_annotation
from testbench.store.merge import merge_sessions
from testbench.store.session import SessionStore
from testbench.tui.workstation import Workstation

RUN = ("OK-1", "OK-2", "KO-1", "KO-2")
CARD_CASES = {"CARD-1": "vitale", "CARD-2": "cps"}


class WrongSigner:
    """Signs with garbage: the annotation is chained like any other, its signature does not verify."""

    def __init__(self, real) -> None:
        self.public = real.public

    def sign(self, message: bytes) -> bytes:
        return b"\0" * 64


def _card_attempt(store: SessionStore, run: int, sha: str, cid: str, accepted: bool) -> None:
    slot = CARD_CASES[cid]
    attempt = store.start_attempt(run, sha, cid)
    store.add_event(EventKind.CARD_PRESENT, {"slot": slot, "card": "v1", "reader": "Lecteur 0"}, attempt_id=attempt)
    check = {"slot": slot, "ok": accepted, "reader": "Lecteur 0", "nature": "T", "atr": "3B 01", "found_fr": "Vitale"}
    if not accepted:
        check["message"] = "carte inattendue dans le lecteur"
    store.add_event(EventKind.CARD_GUARD, {"checks": [check]}, attempt_id=attempt)
    store.add_event(EventKind.STEP_START, None, attempt_id=attempt, step_id="s1")
    if accepted:
        store.end_step(attempt, "s1", {}, "test")
        store.finish_attempt(attempt, "pass", "")
    else:  # the case stops with its first step begun and never ended
        store.finish_attempt(attempt, "error", "carte refusée par le contrôle")


def merged_session(tmp: Path):
    cases = tuple(
        make_case(cid, (invoice_step(),), (value("e1", "invoice.totals.amo", "99.99" if cid[:2] == "KO" else "33.60"),))
        for cid in RUN
    ) + tuple(
        make_case(cid, (invoice_step("s1"), invoice_step("s2")), cards=(CardRequirement(slot, "v1"),))
        for cid, slot in CARD_CASES.items()
    )
    cb = make_casebook(cases, tmp)
    init_key(tmp / "key.pem")
    signer = load_signer(tmp / "key.pem")
    shard_a, shard_b = tmp / "a.tbsession", tmp / "b.tbsession"
    with SessionStore.open(shard_a) as store:
        record_casebooks(store, [cb])
        bay = FakeBay()
        recorder = TraceRecorder(writer=store.add_trace_lines)
        runner = Runner(store, FakeEngine(bay, trace=recorder.engine_sink), bay, recorder)
        run = store.begin_run(["run"], {}, {})
        runner.run(run, [(cb, c) for c in cases[:4]])
        for cid in CARD_CASES:
            _card_attempt(store, run, cb.sha256, cid, accepted=False)
        store.end_run(run)
        add_annotation(store, signer, "KO-1", "override", "écart accepté", "relecteur", verdict="pass")
        add_annotation(store, signer, "KO-2", "override", "écart accepté", "relecteur", verdict="pass")
        add_annotation(store, WrongSigner(signer), "OK-2", "override", "à refaire", "relecteur", verdict="fail")
        run = store.begin_run(["rerun"], {}, {})
        runner.run(run, [(cb, cases[3])])  # KO-2 again: its review no longer decides
        store.end_run(run)
    with SessionStore.open(shard_b) as store:
        record_casebooks(store, [cb])
        run = store.begin_run(["shard"], {}, {})
        _card_attempt(store, run, cb.sha256, "CARD-1", accepted=True)
        store.end_run(run)
    merged = tmp / "m.tbsession"
    merge_sessions([shard_a, shard_b], merged)
    return cb, shard_a, merged


def _card_word(text: str) -> str:
    return "accepted" if text.startswith("acceptée") else "refused" if text.startswith("refusée") else "inserted"


def test_report_workstation_diff_and_verify_agree_on_steps_cards_and_retained_verdicts(tmp_path: Path) -> None:
    cb, shard_a, session = merged_session(tmp_path)
    folder = build_report(session, tmp_path / "r").folder
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    report = {c["key"]["case_id"]: c for c in data["cases"]}
    page = html.parse(str(folder / "index.html"))
    junit = etree.parse(str(folder / "junit.xml")).getroot()
    diff = {c.case_id: c for c in diff_sessions(shard_a, session).cases}
    ws = Workstation([cb], session)
    ws.reload()

    # the session holds what the test meant to build
    expected_retained = {"OK-1": "pass", "OK-2": "pass", "KO-1": "pass", "KO-2": "fail", "CARD-1": "pass"}
    assert {cid: report[cid]["retained_verdict"] for cid in expected_retained} == expected_retained
    assert report["CARD-2"]["verdict"] == "error" and len(report["CARD-1"]["attempts"]) == 2
    assert [s["status"] for s in report["CARD-2"]["steps"]] == ["started", "not-run"]
    assert [s["status"] for s in report["CARD-1"]["steps"]] == ["done", "not-run"]

    for cid, case in report.items():
        entry = ws.find(cid)
        assert entry is not None
        # retained verdict: JSON, HTML, JUnit, workstation, diff
        retained = case["retained_verdict"]
        row = page.xpath(f'//tr[@data-case="{cid}"]')[0]
        assert row.xpath(".//span[contains(@class, 'v ')]")[-1].get("class") == f"v v-{retained}", cid
        tc = junit.find(f"testcase[@name='{cid}']")
        assert case_verdicts(tc)["testbench.verdict.retained"] == retained, cid
        assert entry.verdict == retained and diff[cid].retained_after == retained, cid
        # step status: JSON, HTML, workstation, diff
        steps = {s["id"]: s["status"] for s in case["steps"]}
        assert ws.step_status(entry) == {k: v for k, v in steps.items() if v != "not-run"}, cid
        assert diff[cid].steps_after == steps, cid
        cells = page.xpath(f'//section[@data-case="{cid}"]//table[1]/tr[td]')
        assert {r.xpath("./td")[0].text_content(): r.xpath("./td")[2].text_content() for r in cells} == {
            k: STEP_STATUS[v] for k, v in steps.items()
        }, cid
        # card status: workstation, diff, the report's cover (JSON and HTML; it lists every attempt's, the
        # latest's among them)
        cards = {slot: _card_word(text) for slot, text in ws.card_status(entry).items()}
        assert diff[cid].cards_after == cards, cid
        latest = {"case_id": cid, "attempt": case["attempts"][-1]["number"]}
        for slot, status in cards.items():
            cover = next(c for c in data["cover"]["cards"] if c["slot"] == slot and latest in c["attempts"])
            assert cover["guard"] == {"accepted": "acceptée", "refused": "refusée"}[status], (cid, slot)
            cover_rows = page.xpath(f'//tr[td[1]="{slot}" and count(td) = 6]')
            assert cover["guard"] in [r.xpath("./td")[5].text for r in cover_rows], (cid, slot)  # then why
    refused = [c["attempts"] for c in data["cover"]["cards"] if c["slot"] == "vitale" and c["guard"] == "refusée"]
    assert refused == [[{"case_id": "CARD-1", "attempt": 1}]]  # superseded by attempt 2, still on the cover
    assert diff["CARD-1"].cards_before == {"vitale": "refused"} and diff["CARD-1"].cards_after == {"vitale": "accepted"}
    assert diff["KO-1"].retained_before == "pass" and diff["KO-1"].before == "fail"

    # verify names exactly the annotations the report and the workstation hold invalid (and deciding nothing)
    result = verify_session(session)
    invalid = [
        f"annotation {a['id']} du cas {cid} : signature invalide"
        for cid, case in sorted(report.items())
        for a in case["annotations"]
        if not a["signature_valid"]
    ]
    assert invalid and result.problems == invalid
    assert [a.valid for a in ws.find("OK-2").annotations] == [False]
    assert report["OK-2"]["reviewed_verdict"] is None
    ws.close()
