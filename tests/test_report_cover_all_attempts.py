"""The cover lists every card the guard read in any attempt, not only each case's latest (audit s20-cards, 1).

A real Vitale (nature R) refused in a case's first attempt must stay on the cover — and on the workstation's
overview (5), which lists the cover's lines — once the case is rerun with the right test card: exam-day.md's last
check is that every card read was a test card. The refused card names its case and attempt and stands out; the
test cards accepted in many cases are one row each.
"""

from __future__ import annotations

import json
from pathlib import Path

from lxml import html

from testbench.casebook.loader import load_casebook
from testbench.paths import CARD_PROFILES_DIR, CASEBOOKS_DIR
from testbench.report.build import BuildOptions, build_report
from testbench.report.cover import cover_fields, session_cover
from testbench.runner.assemble import BenchOptions, assemble
from testbench.runner.campaign import record_casebooks
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.read import read_session
from testbench.store.session import SessionStore

REAL = CARD_PROFILES_DIR / "vitale2-real-nature.xml"


def run_attempts(session: Path, attempts: list[tuple[str, bool]]) -> None:
    """The demo's cases in process with the real card guard, one attempt per (case, real): ``real`` puts the
    real-nature card in the Vitale reader instead of the casebook's test card."""
    casebook = load_casebook(CASEBOOKS_DIR / "demo.xml")
    store = SessionStore.open(session)
    record_casebooks(store, [casebook])
    recorder = TraceRecorder(writer=store.add_trace_lines)
    bench = assemble(BenchOptions(cards="inprocess", engine="inprocess"), recorder)
    present, real_now = bench.bay.present, [False]

    def presenting(slot: str, profile: Path) -> None:
        present(slot, REAL if slot == "vitale" and real_now[0] else profile)

    bench.bay.present = presenting  # type: ignore[method-assign]
    runner = Runner(store, bench.engine, bench.bay, recorder, guard=bench.guard)
    try:
        for case_id, real in attempts:  # a run each, as `run --rerun` makes
            real_now[0] = real
            run = store.begin_run([], {}, bench.description)
            runner.run(run, [(casebook, casebook.case(case_id))])
    finally:
        bench.close()
        store.close()


def cover_of(session: Path, out: Path, lang: str) -> tuple[dict, str]:
    """The report's cover (report.json) and its page's text."""
    folder = build_report(session, out, BuildOptions(lang=lang, junit=False)).folder
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    page = html.parse(str(folder / "index.html")).getroot()
    return data["cover"], " ".join(page.xpath('//*[@id="cover"]')[0].text_content().split())


def test_a_real_card_refused_before_a_rerun_stays_on_the_cover_and_the_overview(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    run_attempts(session, [("DEMO-FSE-001", True), ("DEMO-FSE-001", False), ("DEMO-FSE-006", False)])
    for lang, refused, words in (
        ("fr", "refusée", ("carte réelle", "DEMO-FSE-001 (tentative 1)")),
        ("en", "refused", ("real card", "DEMO-FSE-001 (attempt 1)")),
    ):
        real_card, where = words
        cover, page = cover_of(session, tmp_path / lang, lang)
        real = [c for c in cover["cards"] if c["nature"] == "R"]
        assert [(c["slot"], c["guard"], c["where"], c["stands_out"]) for c in real] == [
            ("vitale", refused, where, True)
        ], cover["cards"]
        assert real[0]["attempts"] == [{"case_id": "DEMO-FSE-001", "attempt": 1}]
        assert real[0]["guard_reason"].endswith(" — " + where)  # the book's cards table prints it under « refusée »
        assert where in page and real_card in page
        # the test card accepted in attempt 2 and in the other case: one row, its attempts kept, no place printed
        test = [c for c in cover["cards"] if c["slot"] == "vitale" and c["nature"] == "T"]
        assert len(test) == 1 and test[0]["where"] == "" and not test[0]["stands_out"], test
        assert test[0]["attempts"] == [
            {"case_id": "DEMO-FSE-001", "attempt": 2},
            {"case_id": "DEMO-FSE-006", "attempt": 1},
        ]
        line = next(f for f in cover_fields(cover, lang) if f.key == "cards")
        assert where in line.value and line.flagged, line
    with read_session(session) as view:
        overview = next(f for f in session_cover(view, "fr") if f.key == "cards")  # the workstation's overview, 5
    assert "carte réelle, refusée — DEMO-FSE-001 (tentative 1)" in overview.value and overview.flagged, overview


def test_test_cards_only_leave_the_cards_line_quiet(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    run_attempts(session, [("DEMO-FSE-001", False), ("DEMO-FSE-001", False)])
    with read_session(session) as view:
        line = next(f for f in session_cover(view, "fr") if f.key == "cards")
    assert not line.flagged and "tentative" not in line.value, line


def test_a_card_refused_in_many_cases_names_a_few_and_counts_the_rest() -> None:
    from testbench.report.cover import _CardRows

    places = [(f"CAS-{i:02}", 1) for i in range(1, 11)] + [("CAS-01", 2)]
    others = ", ".join(f"CAS-{i:02} ({{word}} 1)" for i in range(2, 9))
    for lang, first, word, more in (
        ("fr", "CAS-01 (tentatives 1, 2)", "tentative", "… et 2 autres cas"),
        ("en", "CAS-01 (attempts 1, 2)", "attempt", "… and 2 more cases"),
    ):
        where = _CardRows(None, lang)._where(places)  # type: ignore[arg-type]  # the rows' words only
        assert where == f"{first}, {others.format(word=word)}, {more}", where
