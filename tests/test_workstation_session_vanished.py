"""A session that leaves its path while the workstation runs its cases (deleted, its drive pulled) is said on
screen with the workstation's advice — reopen the session there —, not the command line's ``run --resume``, which
``testbench run`` keeps (tests/test_session_vanished.py): the campaign says which file vanished, each front end
gives its own advice."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from test_tui_helpers import fake_bench, sample_casebook

from testbench.i18n import translator
from testbench.runner.campaign import CampaignError
from testbench.runner.manual import HeadlessOperator
from testbench.store.session import SessionStore
from testbench.tui.execution import run_cases
from testbench.tui.workstation import Workstation

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Windows refuses to delete an open file")

FR = "remettez le support en place, quittez le poste d'examen et rouvrez-y la session pour la reprendre"
EN = "put the drive back, quit the exam workstation and reopen the session there to resume it"


def _delete_at_second_case(monkeypatch: pytest.MonkeyPatch) -> None:
    start = SessionStore.start_attempt
    seen: list[int] = []

    def deleting(self: SessionStore, run_id: int, sha: str, case_id: str) -> int:
        seen.append(1)
        if len(seen) == 2:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        return start(self, run_id, sha, case_id)

    monkeypatch.setattr(SessionStore, "start_attempt", deleting)


def test_the_workstation_says_to_reopen_the_session_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    casebook = sample_casebook(tmp_path)
    session = tmp_path / "s.tbsession"
    ws = Workstation([casebook], session)
    ws.prepare()
    _delete_at_second_case(monkeypatch)
    targets = [(casebook, case) for case in casebook.cases[:2]]
    try:
        with pytest.raises(CampaignError) as caught:
            run_cases(session, [casebook], targets, bench_factory=fake_bench, operator=HeadlessOperator())
    finally:
        ws.close()
    said = "\n".join(caught.value.lines)
    assert f"le fichier de session {session} a disparu" in said and FR in said
    assert "run --resume" not in said
    assert EN in translator("en")(said)
