"""``run`` reads a session it goes on with whole once before writing (``PRAGMA quick_check`` and every text as
UTF-8: a third of a second on a CNDA-sized session), not once in its checks and again when its campaign opens the
store; a campaign started alone (the workstation's) still checks at its open."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner import campaign


def test_a_resumed_run_checks_its_session_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session = tmp_path / "s.tbsession"
    bench = ["--cards", "inprocess", "--engine", "inprocess"]
    book = str(CASEBOOKS_DIR / "billing.xml")
    assert main(["run", book, "--session", str(session), "-k", "TB-LPP-001", *bench]) == 0
    checked: list[Path] = []
    real = campaign.writer_refusal

    def counted(path: Path) -> str | None:
        checked.append(path)
        return real(path)

    monkeypatch.setattr(campaign, "writer_refusal", counted)
    assert main(["run", book, "--session", str(session), "-k", "TB-LPP-001", "--resume", *bench]) == 0
    assert checked == [session]
    checked.clear()
    case = campaign.Campaign([], session)  # alone: its open checks the file
    with case._open():
        pass
    assert checked == [session]
