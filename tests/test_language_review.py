"""One language at a time in review, merge, the report's progress and its comparisons, schema errors and the
workstation's report folder (wave 8 audit, part F3).

Each test reads what a person sees (a command's stderr, report.json, a schema error, the folder written) in
English, and, where the French is the point, in French too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from fakes import FakeBay, FakeEngine, invoice_step, make_case, make_casebook, value

from testbench.report.build import BuildOptions, build_report
from testbench.runner.campaign import record_casebooks
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.session import SessionStore

#: French words of the messages these tests read in English
FRENCH = re.compile(r"introuvable|absent de la session|clé|manifeste|partition|lisible|fichier de session")


class MarkingEngine(FakeEngine):
    """An invoice whose ADRI marking is the domain's code « aucun » and whose guarantee is false."""

    def create_invoice(self, request):
        return {**super().create_invoice(request), "adri": {"marking": "aucun", "guarantee": False}}


def test_a_compared_value_reads_as_recorded_in_the_english_message(tmp_path: Path) -> None:
    """Finding 13: the code « aucun » compared equal read "expected none" beside expected "aucun"."""
    expectations = (
        value("e-mark", "invoice.adri.marking", "aucun", value_type="string"),
        value("e-guarantee", "invoice.adri.guarantee", "true", value_type="boolean"),
    )
    cb = make_casebook((make_case("MK-1", (invoice_step(),), expectations),), tmp_path)
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        record_casebooks(store, [cb])
        bay = FakeBay()
        recorder = TraceRecorder(writer=store.add_trace_lines)
        run_id = store.begin_run(["test"], {}, {})
        Runner(store, MarkingEngine(bay, trace=recorder.engine_sink), bay, recorder).run(
            run_id, [(cb, c) for c in cb.cases]
        )
        store.end_run(run_id)
    for lang, marking, guarantee in (
        ("en", "expected aucun, observed aucun (equal)", "expected yes, observed no (different)"),
        ("fr", "attendu aucun, observé aucun (égal)", "attendu oui, observé non (différent)"),
    ):
        folder = build_report(session, tmp_path / f"r-{lang}", BuildOptions(lang=lang)).folder
        (case,) = json.loads((folder / "report.json").read_text(encoding="utf-8"))["cases"]
        shown = {c["expectation_id"]: (c["expected"], c["observed"], c["message"]) for c in case["comparisons"]}
        yes, no = ("yes", "no") if lang == "en" else ("oui", "non")
        assert shown == {"e-mark": ("aucun", "aucun", marking), "e-guarantee": (yes, no, guarantee)}, shown
        reason = "e-guarantee: " + guarantee if lang == "en" else "e-guarantee : " + guarantee
        assert case["reason"] == reason
