"""The log lines written while the bench was closed, offered to a later step, survive a second closure.

Assisted operator mode on a stand-in application (real files, a log written by a separate process, the real capture
and session file on disk), as in tests/test_s33_assisted_gap_later_step.py. The bench is closed on the invoice step;
with it closed, the operator builds the lot in the application, which writes its lot file and logs « Lot n°000002
télétransmis (1 facture) ». The bench reopens, the invoice step goes on: neither the file nor the line is its own,
both are offered to the lot step. The bench is then closed a second time before the lot step ends (on the securing
step between them, or on the lot step itself). When it reopens, the lot step still reads both: the file (the folders
as recorded leave it out) and the line (the step's record in the session keeps the lines on offer).
"""

from __future__ import annotations

import json
from pathlib import Path

from testbench.i18n import translator
from testbench.runner.resume import STEP_FILES_META
from testbench.store.read import read_session
from testbench.traces.bench_text import bench_text
from tests.test_operator_gap_capture import ANSWERS, LINE, _application, _bench
from tests.test_s33_assisted_gap_later_step import INVOICE_ONLY, _attempt, _run

#: the lot step left: the bench is closed on it
NO_LOT = {k: v for k, v in ANSWERS.items() if k != "G-1/s-lot"}
TAKEN = (
    "étape s-lot : valeurs lues par cette étape-ci dans des lignes du journal écrites pendant que le banc était"
    " fermé, laissées par l'étape {step} : 1"
)


def _closed_twice(tmp_path: Path, second: dict) -> tuple[Path, Path, Path]:
    """Closed on the invoice step, the lot built meanwhile; continued, then closed again as ``second`` leaves it."""
    app, book, session = _bench(tmp_path)
    assert _run(app, book, session, tmp_path, {"operator": "Camille"}) == {"G-1": "pending"}  # on s-invoice
    _application(app, "000002")
    assert _run(app, book, session, tmp_path, second) == {"G-1": "pending"}  # closed again
    return app, book, session


def _read_by_the_lot_step(observed: dict) -> None:
    for path in ("lot.number", "lot.invoice_count"):
        assert (observed[path]["step_id"], observed[path]["source"]) == ("s-lot", "extraction"), observed[path]
    assert observed["lot.number"]["value"] == "000002"
    assert (observed["lot.invoice_count"]["value"], observed["lot.invoice_count"]["provenance"]["excerpt"]) == (
        "1",
        LINE,
    )


def test_the_line_offered_on_is_read_by_the_lot_step_after_a_closure_on_the_step_between(tmp_path: Path) -> None:
    app, book, session = _closed_twice(tmp_path, INVOICE_ONLY)  # closed again on s-secure
    assert _run(app, book, session, tmp_path, ANSWERS) == {"G-1": "pass"}
    verdict, observed, lines, _artifacts = _attempt(session)
    assert verdict == "pass"
    _read_by_the_lot_step(observed)
    # the securing step, continued, left it again: the lot step says so, in French and in English
    assert ("s-lot", TAKEN.format(step="s-secure")) in lines, lines
    english = [bench_text(text, translator("en")) for step, text in lines if step == "s-lot"]
    said = "step s-lot: values this step read in log lines written while the bench was closed, left by step s-secure: 1"
    assert said in english, english


def test_the_line_offered_on_is_read_when_the_bench_is_closed_on_the_lot_step_itself(tmp_path: Path) -> None:
    app, book, session = _closed_twice(tmp_path, NO_LOT)  # closed again on s-lot, before its outputs were read
    assert _run(app, book, session, tmp_path, ANSWERS) == {"G-1": "pass"}
    _verdict, observed, lines, _artifacts = _attempt(session)
    _read_by_the_lot_step(observed)
    # left by the invoice step, the one continued; the securing step, done at once, only passed them on
    assert ("s-lot", TAKEN.format(step="s-invoice")) in lines, lines


def test_the_step_record_keeps_only_the_lines_a_later_step_reads(tmp_path: Path) -> None:
    """The lines kept in the session's step record are those a later step's log extractor matches, with the step
    that left them: the step's other lines (the bench's own, the card's exchanges) would only weigh on the session."""
    _app, _book, session = _closed_twice(tmp_path, INVOICE_ONLY)
    with read_session(session) as view:
        record = json.loads(view.meta[STEP_FILES_META])
    assert record["step"] == "s-secure"
    offered = record["files"]["\x00lines"]
    assert offered["step"] == "s-invoice"
    assert [line[3] for line in offered["lines"]] == [LINE]


def test_a_damaged_lines_record_loses_its_lines_not_the_step() -> None:
    """The record read back as written; what cannot be read (an older session, a damaged value) gives no line."""
    from testbench.engines.operator.assisted import lines_from, lines_record
    from testbench.traces.model import TraceLine

    line = TraceLine("app", 12, 1.5, LINE, "/app/app.log", None, "INFO", 3, "s-invoice")
    assert lines_from(json.loads(json.dumps(lines_record("s-invoice", [line])))) == ("s-invoice", (line,))
    assert lines_from({"step": "s-invoice", "lines": ["abc", [1, 2], {"text": LINE}, ["app", "x", 1.0, LINE]]}) == (
        "s-invoice",
        (),
    )
    assert lines_from([["app", 12, 1.5, LINE]]) == ("", ())
