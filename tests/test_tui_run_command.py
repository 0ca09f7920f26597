"""A run from the workstation records the command line the workstation was launched with, then the cases it ran,
as a comment: never « testbench ui CASE », a command nobody typed."""

from __future__ import annotations

from pathlib import Path

from fakes import make_case, make_casebook
from test_tui_helpers import fake_bench

from testbench.casebook.model import Step, StepKind
from testbench.runner.manual import HeadlessOperator
from testbench.store.read import read_session
from testbench.tui.execution import run_cases

TYPED = ["/opt/tb/bin/testbench", "ui", "cahier.xml", "--session", "exam.tbsession", "--engine", "operator",
         "--operator", "Camille Martin"]  # fmt: skip


def test_a_workstation_run_records_the_workstations_command_line_and_the_cases_it_ran(tmp_path: Path) -> None:
    case = make_case("TC-CMD", (Step(id="s1", kind=StepKind.MANUAL, instruction="Faire"),))
    book = make_casebook((case,), tmp_path)
    session = tmp_path / "cmd.tbsession"
    run_cases(session, [book], [(book, case)], bench_factory=fake_bench, operator=HeadlessOperator(), argv=TYPED)
    with read_session(session) as view:
        argv = view.runs[-1]["argv"]
    assert argv == [*TYPED, "#", "TC-CMD"], argv


def test_the_report_shows_a_run_command_as_typed_an_argument_with_a_space_quoted() -> None:
    from testbench.report.labels import command_line

    assert command_line([*TYPED, "#", "TC-CMD", "TC-2"]) == (
        "/opt/tb/bin/testbench ui cahier.xml --session exam.tbsession --engine operator"
        " --operator 'Camille Martin' # TC-CMD TC-2"
    )
    assert command_line(["testbench", "run", "a b.xml"]) == "testbench run 'a b.xml'"
