"""Assisted mode under a log flood: before a log extractor is said to have found nothing, the bench reads the
followed logs up to their size at the step's end (the capture may be seconds behind the file); when it cannot in
time, the reason says the log was not read to its end, not that no line matched. The wait itself is told to the
run's listener (what is awaited, for how long at most), so that the workstation can say it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from test_assisted_engine import CASE, CASEBOOK, PROFILE, REPO

from testbench.casebook.loader import load_casebook
from testbench.domain.attestation import Attestation
from testbench.traces.clock import mono_ns
from testbench.traces.model import TraceLine

MATCH = "facture validée, reste à charge 22,40 EUR"


class _WritesTheFse:
    """The application writes its FSE; its log line is the test's to give."""

    def __init__(self, root: Path, on_done: Any = None) -> None:
        self.root, self.on_done = root, on_done

    def perform(self, case: Any, step: Any) -> Attestation:
        fse = '<fse numero="K"><totaux facture="56.00" base="56.00" amo="33.60" amc="0.00"/></fse>'
        (self.root / "out" / "fse" / "K.xml").write_text(fse, encoding="utf-8")
        if self.on_done is not None:
            self.on_done()
        return Attestation(True, "Camille", "", {"invoice.totals.depassement": "0.00"})

    def notify(self, message: str) -> None:
        return None


def _line(text: str) -> TraceLine:
    return TraceLine("app", mono_ns(), 0.0, text, "app.log", None, None, 1, "s-invoice")


def _engine(tmp_path: Path, lines: list[TraceLine], on_done: Any = None) -> Any:
    from testbench.engines.operator.assisted import AssistedOperatorEngine
    from testbench.sut.profile import load_profile

    for folder in ("logs", "out/fse", "out/lots", "cards"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "sut.toml").write_text(PROFILE, encoding="utf-8")
    shutil.copy(REPO / "casebooks" / "cards" / "cps3-psad-lpp.xml", tmp_path / "cards")
    book = tmp_path / "exam.xml"
    book.write_text(CASEBOOK.format(cases=CASE.format(id="K")), encoding="utf-8")
    case = load_casebook(book).cases[0]
    engine = AssistedOperatorEngine(load_profile(tmp_path / "sut.toml"), lambda: list(lines), timeout=0.3)
    engine.attach_operator(_WritesTheFse(tmp_path, on_done))
    engine.begin_step(case, case.steps[0])
    return engine


def test_a_line_still_in_the_capture_at_the_steps_end_is_read_before_the_value_is_said_absent(tmp_path: Path) -> None:
    lines: list[TraceLine] = []
    engine = _engine(tmp_path, lines)
    asked: list[float] = []

    def read_log(seconds: float) -> bool:  # the capture hands on what the log held: the line written in the step
        asked.append(seconds)
        lines.append(_line(MATCH))
        return True

    engine.read_log = read_log
    engine.create_invoice({"invoice_ref": "K-1", "lines": []})
    assert asked, "the log was not read to its end before the value was said absent"
    assert engine.take_origins()["invoice.totals.patient"][0] == "extraction"
    assert "invoice.totals.patient" not in engine.take_notes().absent


def test_a_log_not_read_to_its_end_in_time_is_said_so_not_that_no_line_matched(tmp_path: Path) -> None:
    engine = _engine(tmp_path, [_line("DEBUG boucle 1")])
    engine.read_log = lambda seconds: False  # the capture could not catch up within the bound
    engine.create_invoice({"invoice_ref": "K-1", "lines": []})
    why = engine.take_notes().absent["invoice.totals.patient"]
    assert "n'a pas pu être lu jusqu'au bout avant la fin de l'étape" in why, why
    assert "aucune ligne ne correspond" not in why


def test_the_log_is_not_drained_when_the_line_came_in_the_wait(tmp_path: Path) -> None:
    """The normal path is not slower: a step whose extractors all have their input returns at once."""
    lines: list[TraceLine] = []
    engine = _engine(tmp_path, lines, on_done=lambda: lines.append(_line(MATCH)))
    asked: list[float] = []
    engine.read_log = lambda seconds: bool(asked.append(seconds)) or True
    engine.timeout = 10.0
    engine.create_invoice({"invoice_ref": "K-1", "lines": []})
    assert asked == []
    assert engine.take_origins()["invoice.totals.patient"][0] == "extraction"


def test_the_wait_for_the_applications_outputs_is_told_then_its_end(tmp_path: Path) -> None:
    from testbench.engines.operator.assisted import OutputsAwaited

    engine = _engine(tmp_path, [])
    told: list[OutputsAwaited] = []
    engine.on_waiting = told.append
    engine.create_invoice({"invoice_ref": "K-1", "lines": []})
    first, last = told[0], told[-1]
    assert first.step_id == "s-invoice" and first.seconds == 0.3
    assert first.awaited[0].startswith("fse (") and "journal" in first.awaited, first.awaited
    assert last.awaited == ()  # the wait is over
