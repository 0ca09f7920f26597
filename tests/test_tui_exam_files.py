"""The exam view's « Dossiers surveillés »: one row per file (the FSE the session kept is not listed twice), and
« nouveau » says what the current step wrote, not what an earlier step of the attempt did."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from testbench.i18n import translator
from testbench.tui import exam


def test_a_file_kept_as_evidence_and_still_in_its_folder_is_one_row(tmp_path: Path) -> None:
    fse = tmp_path / "FSE"
    fse.mkdir()
    watch = exam.FolderWatch([fse])
    watch.start()
    (fse / "FSE_000001.xml").write_bytes(b"<fse/>")
    recorded = [{"name": "FSE_000001.xml", "size": 6}, {"name": "L000001.lot", "size": 9}]  # the lot moved away
    text = exam.files_text(recorded, watch.files(), translator("fr"), "fr").plain
    rows = [line for line in text.splitlines() if line]
    assert len([row for row in rows if "FSE_000001.xml" in row]) == 1, rows
    assert rows[0] == "✚ FSE/FSE_000001.xml  6 octets  pièce enregistrée", rows
    assert rows[1] == "▣ L000001.lot  9 octets  pièce enregistrée", rows


def test_the_previous_steps_file_is_no_longer_new_once_the_next_step_starts(tmp_path: Path) -> None:
    """The workstation restarts the watch at each step (exam_view: StepStarted), as here."""
    fse = tmp_path / "FSE"
    fse.mkdir()
    watch = exam.FolderWatch([fse])
    watch.start()  # the invoice step
    (fse / "FSE_000001.xml").write_bytes(b"<fse/>")
    assert [f.new for f in watch.files()] == [True]
    watch.start()  # the securing step
    assert [f.new for f in watch.files()] == [False]
    text = exam.files_text([], watch.files(), translator("fr"), "fr").plain
    assert "nouveau" not in text and "FSE/FSE_000001.xml" in text


def test_the_exam_view_restarts_the_watch_at_each_step(tmp_path: Path) -> None:
    from fakes import make_case

    from testbench.casebook.model import Step, StepKind
    from testbench.runner.events import CaseStarted, StepStarted
    from testbench.tui.exam_view import ExamHandlers

    fse = tmp_path / "FSE"
    fse.mkdir()
    steps = (Step(id="s-invoice", kind=StepKind.MANUAL), Step(id="s-secure", kind=StepKind.MANUAL))
    case = make_case("EXAM-1", steps)

    class View(ExamHandlers):
        active_view = "values"  # the exam view not shown: nothing to draw

        # no session: no step continued, no attempt that had run before
        ws = SimpleNamespace(session_path=tmp_path / "none.tbsession", entry=lambda key: None)

        def exam_folders(self) -> list[Path]:
            return [fse]

        def _key_of(self, case: object) -> None:
            return None

    view = View()
    view.exam_event(CaseStarted(case, 0, 1, 1))
    view.exam_event(StepStarted(case, steps[0]))
    (fse / "FSE_000001.xml").write_bytes(b"<fse/>")
    assert [f.new for f in view.exam_watch().files()] == [True]
    view.exam_event(StepStarted(case, steps[1]))
    assert [f.new for f in view.exam_watch().files()] == [False]  # the invoice step's FSE, not this step's
