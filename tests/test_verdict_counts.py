"""One verdict count everywhere: workstation overview, HTML summary, report.json and JUnit agree.

The session has reruns, a valid override on a latest attempt, a review of an earlier attempt (a rerun
followed it), and a review whose signature does not verify. Each view must show the recorded and the
retained verdicts, and the same figures.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from fakes import FakeBay, FakeEngine, invoice_step, make_case, make_casebook, value
from lxml import etree, html

from testbench.report.build import build_report
from testbench.report.junit import case_verdicts
from testbench.runner.campaign import record_casebooks
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.signing import init_key, load_signer
from testbench.store.annotations import add_annotation
from testbench.store.session import SessionStore
from testbench.store.verdicts import retained_verdict
from testbench.tui.render import Renderer
from testbench.tui.workstation import Workstation

BAY_1 = "cartes virtuelles en mémoire (vitale)"
BAY_2 = "cartes émulées via pcscd + vpcd : vitale=Virtual PCD 00 00"


def reviewed_session(tmp: Path):
    cases = tuple(
        make_case(cid, (invoice_step(),), (value("e1", "invoice.totals.amo", "99.99" if cid[:2] == "KO" else "33.60"),))
        for cid in ("OK-1", "OK-2", "KO-1", "KO-2", "HORS-1")
    )
    cb = make_casebook(cases, tmp)
    path = tmp / "s.tbsession"
    key = tmp / "key.pem"
    init_key(key)
    signer = load_signer(key)
    with SessionStore.open(path) as store:
        record_casebooks(store, [cb])
        store.set_selection([(cb.sha256, c.id) for c in cb.cases[:4]])  # HORS-1: in the casebook, not the session
        bay = FakeBay()
        recorder = TraceRecorder(writer=store.add_trace_lines)
        runner = Runner(store, FakeEngine(bay, trace=recorder.engine_sink), bay, recorder)
        run = store.begin_run(["run"], {}, {"cards": BAY_1})
        runner.run(run, [(cb, c) for c in cb.cases[:4]])
        store.end_run(run)
        # KO-1: a valid override on its latest attempt decides
        add_annotation(store, signer, "KO-1", "override", "écart accepté", "relecteur", verdict="pass")
        # KO-2: reviewed, then run again on another bench: the review of attempt 1 no longer decides
        add_annotation(store, signer, "KO-2", "override", "écart accepté", "relecteur", verdict="pass")
        run = store.begin_run(["rerun"], {}, {"cards": BAY_2})
        runner.run(run, [(cb, cases[3])])
        store.end_run(run)
        # OK-2: an override whose signature no longer verifies (edited after signing)
        bad = add_annotation(store, signer, "OK-2", "override", "à refaire", "relecteur", verdict="fail")
        store.conn.execute(
            "UPDATE annotations SET signature = ? WHERE id = ?", (base64.b64encode(b"\0" * 64).decode(), bad)
        )
    return cb, path


EXPECTED = {
    "recorded": {"fail": 2, "pass": 2},
    "retained": {"fail": 1, "pass": 3},
}


def html_counts(page: Path) -> dict[str, dict[str, int]]:
    doc = html.parse(str(page))
    out: dict[str, dict[str, int]] = {"recorded": {}, "retained": {}}
    for row in doc.xpath('//table[@id="verdict-counts"]/tr[@data-verdict]'):
        cells = row.xpath("./td")
        for column, cell in zip(("recorded", "retained"), cells[1:], strict=True):
            if int(cell.text_content()):
                out[column][row.get("data-verdict")] = int(cell.text_content())
    heads = [th.text_content() for th in doc.xpath('//table[@id="verdict-counts"]/tr[1]/th')]
    assert heads[1:] == ["Verdict enregistré", "Verdict retenu après revue"]
    return out


def junit_counts(path: Path) -> dict[str, dict[str, int]]:
    suite = etree.parse(str(path)).getroot()
    out: dict[str, dict[str, int]] = {"recorded": {}, "retained": {}}
    for prop in suite.findall("properties/property"):
        name = prop.get("name")
        for column in out:
            prefix = f"testbench.verdict.{column}."
            if name.startswith(prefix):
                out[column][name[len(prefix) :]] = int(prop.get("value"))
    return out


def test_overview_html_json_and_junit_show_the_same_recorded_and_retained_counts(tmp_path: Path) -> None:
    cb, session = reviewed_session(tmp_path)
    folder = build_report(session, tmp_path / "r").folder

    ws = Workstation([cb], session)
    ws.reload()
    overview = ws.overview().verdicts
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))

    tui = {"recorded": overview.recorded, "retained": overview.retained}
    assert ws.find("HORS-1") is not None and ws.overview().total == data["summary"]["total"] == 4
    assert tui == EXPECTED
    assert {k: data["summary"]["verdicts"][k] for k in EXPECTED} == EXPECTED
    assert data["summary"]["by_verdict"] == EXPECTED["recorded"]
    assert html_counts(folder / "index.html") == EXPECTED
    assert junit_counts(folder / "junit.xml") == EXPECTED
    assert data["summary"]["verdicts"]["reviewed"] == overview.reviewed == 1

    by_case = {c["key"]["case_id"]: c for c in data["cases"]}
    for entry in ws.entries[:4]:
        assert by_case[entry.case.id]["retained_verdict"] == entry.verdict, entry.case.id
    assert by_case["OK-2"]["reviewed_verdict"] is None  # the invalid review decides nothing
    assert [a["signature_valid"] for a in by_case["OK-2"]["annotations"]] == [False]
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "INVALIDE</span> — sans effet sur le verdict" in page
    junit = etree.parse(str(folder / "junit.xml")).getroot()
    ok2 = junit.find("testcase[@name='OK-2']")
    assert case_verdicts(ok2) == {
        "testbench.verdict.recorded": "pass",
        "testbench.verdict.retained": "pass",
    }

    # the workstation's overview shows both, labelled
    text = "".join(str(part) for part in Renderer(ws, lambda s: s).overview().renderables)
    assert "Verdicts enregistrés :" in text and "Verdicts retenus :" in text
    ws.close()


def test_a_review_with_a_bad_signature_changes_no_verdict(tmp_path: Path) -> None:
    _, session = reviewed_session(tmp_path)
    from testbench.store.read import read_session

    with read_session(session) as view:
        notes = view.annotations()
        ok2 = next(c for c in view.cases if c.case_id == "OK-2")
        (bad,) = notes[(ok2.casebook_sha, "OK-2")]
        assert not bad.valid and bad.action == "override"
        assert retained_verdict("pass", ok2.latest.number, [bad]) == "pass"


def test_cover_lists_every_reader_mode_of_the_session(tmp_path: Path) -> None:
    _, session = reviewed_session(tmp_path)
    folder = build_report(session, tmp_path / "r").folder
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert data["cover"]["bays"] == [BAY_1, BAY_2]
    assert [r["cards"] for r in data["cover"]["runs"]] == [BAY_1, BAY_2]
    doc = html.parse(str(folder / "index.html"))
    cover = doc.xpath('//section[@id="cover"]')[0].text_content()
    assert BAY_1 in cover and BAY_2 in cover
