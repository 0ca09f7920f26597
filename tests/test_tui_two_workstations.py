"""A second workstation opening a session another one has open is told so: each one's runs reach the other only
when it opens the session again (the writer lock is held only while writing)."""

from __future__ import annotations

from pathlib import Path

from test_tui_helpers import sample_casebook

from testbench.tui.workstation import ANOTHER_WORKSTATION, Workstation


def test_the_second_workstation_on_a_session_is_told_and_the_first_closing_frees_it(tmp_path: Path) -> None:
    casebook = sample_casebook(tmp_path)
    session = tmp_path / "s.tbsession"
    first = Workstation([casebook], session)
    assert ANOTHER_WORKSTATION not in first.prepare()
    second = Workstation([casebook], session)
    notes = second.prepare()
    assert ANOTHER_WORKSTATION in notes and not second.read_only  # told, still able to run
    second.close()
    first.close()
    third = Workstation([casebook], session)
    assert ANOTHER_WORKSTATION not in third.prepare()
    third.close()
