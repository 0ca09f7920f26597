"""``run --resume`` goes on with the session's own selection: a ``-k`` or ``--tag`` that no run of the session was
given, which it would silently ignore (continuing another case than the one named), is refused before anything
runs (exit 3) with what to do instead; the same command with ``--resume`` added still resumes, and ``--failed -k``
still filters the session's failed cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from shard_content import BENCH, DEMO

from testbench.cli.main import main
from testbench.store.read import read_session


def _attempts(session: Path) -> int:
    with read_session(session) as view:
        return sum(len(case.attempts) for case in view.cases)


@pytest.mark.parametrize("other", [["-k", "DEMO-FSE-030"], ["--tag", "fse"], ["-k", "DEMO-FSE-001", "--tag", "fse"]])
def test_resume_with_another_selection_is_refused_and_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], other: list[str]
) -> None:
    session = tmp_path / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "-k", "DEMO-FSE-001"]) == 0
    capsys.readouterr()
    before = _attempts(session)
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--resume", *other]) == 3
    err = capsys.readouterr().err
    assert "--resume reprend la session là où elle s'est arrêtée, avec sa sélection de cas" in err
    assert "--rerun -k …" in err
    assert _attempts(session) == before  # refused before anything ran

    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--resume", *other, "--lang", "en"]) == 3
    assert "--resume continues the session where it stopped" in capsys.readouterr().err


def test_the_same_command_with_resume_added_still_resumes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "-k", "DEMO-FSE-001"]) == 0
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "-k", "DEMO-FSE-001", "--resume"]) == 0
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--resume"]) == 0
    assert "--resume reprend" not in capsys.readouterr().err


def test_failed_still_takes_k(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "-k", "DEMO-FSE-001"]) == 0
    capsys.readouterr()
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--failed", "-k", "DEMO-FSE-030"]) == 0
    assert "--resume reprend" not in capsys.readouterr().err
