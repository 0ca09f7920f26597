"""The exam view's « Dossiers surveillés » during a step continued after the bench was closed: the files the
application wrote for it meanwhile — kept by the run in the session before the step began (``GAP_META``), the ones
the step reads — are marked new, not taken as already there; another step's view starts from the folders as they
are."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from testbench.engines.operator.assisted import snapshot_record
from testbench.runner.resume import GAP_META, Interrupted, gap_record
from testbench.store.session import SessionStore
from testbench.tui import exam
from testbench.tui.exam_view import ExamHandlers


def test_a_continued_step_marks_the_file_written_while_the_bench_was_closed(tmp_path: Path) -> None:
    lots = tmp_path / "Lots"
    lots.mkdir()
    (lots / "B2_000000.lot").write_bytes(b"there before the step")
    gap_file = lots / "B2_000001.lot"
    gap_file.write_bytes(b"written while the bench was closed")
    session = tmp_path / "s.tbsession"
    written = snapshot_record({"lot": {gap_file: (gap_file.stat().st_mtime, gap_file.stat().st_size)}})
    with SessionStore.open(session) as store:  # what the run keeps before the continued step begins
        store.set_meta(GAP_META, gap_record(None, Interrupted(7, 1, "C-1", "s-lot", {}, frozenset({7})), written))
        store.commit()
    handlers = SimpleNamespace(ws=SimpleNamespace(session_path=session))

    watch = exam.FolderWatch([lots])
    watch.start(ExamHandlers._written_while_closed(handlers, 7, "s-lot"))  # type: ignore[arg-type]
    assert {f.name: f.new for f in watch.files()} == {"B2_000001.lot": True, "B2_000000.lot": False}
    # another step, or another attempt: the folders as they are
    for attempt, step in ((7, "s-secure"), (8, "s-lot")):
        watch.start(ExamHandlers._written_while_closed(handlers, attempt, step))  # type: ignore[arg-type]
        assert not any(f.new for f in watch.files())
