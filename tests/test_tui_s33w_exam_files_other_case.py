"""The exam view's « Dossiers surveillés » beside a case that is not the one in progress.

After `testbench demo --exam`, `7` on the first case showed the last case's lot « ✚ lots/LOT_000025.b2 nouveau » at
the top of the first case's folders: « nouveau » says what the step in progress wrote, so beside an earlier case
its own evidence alone is listed, beside a case never run the folders with nothing new; the attempt in progress keeps
its marks.
Real folders and the real folder watch, driven by the run's events as the workstation receives them."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from fakes import make_case

from testbench.casebook.model import Step, StepKind
from testbench.i18n import translator
from testbench.runner.events import CaseStarted, StepStarted
from testbench.tui import exam
from testbench.tui.exam_view import ExamHandlers


def test_only_the_attempt_in_progress_has_new_files(tmp_path: Path) -> None:
    lots = tmp_path / "lots"
    lots.mkdir()
    step = Step(id="s-lot", kind=StepKind.MANUAL)
    case = make_case("EXAM-LPP-025", (step,))

    class View(ExamHandlers):
        active_view = "values"  # the exam view not shown: nothing to draw
        ws = SimpleNamespace(session_path=tmp_path / "none.tbsession", entry=lambda key: None)

        def exam_folders(self) -> list[Path]:
            return [lots]

        def _key_of(self, case: object) -> None:
            return None

    view = View()
    view.exam_event(CaseStarted(case, 0, 1, 1))
    view.exam_event(StepStarted(case, step))
    (lots / "LOT_000025.b2").write_bytes(b"000025")
    t = translator("fr")

    running = exam.files_text([], view.exam_files(view.exam_progress, False), t, "fr").plain
    assert "✚ lots/LOT_000025.b2  6 octets  nouveau" in running, running
    kept = [{"name": "LOT_000001.b2", "size": 9}]
    earlier = exam.files_text(kept, view.exam_files(None, True), t, "fr").plain  # an earlier case: its own evidence
    assert earlier.splitlines() == ["▣ LOT_000001.b2  9 octets  pièce enregistrée"], earlier
    never = exam.files_text([], view.exam_files(None, False), t, "fr").plain  # a case never run: the folders as is
    assert never.splitlines() == ["  lots/LOT_000025.b2  6 octets"], never
