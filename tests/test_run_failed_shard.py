"""``run --failed`` on a shard's session: ``--shard`` names the session's share (checked first, whether or not
anything is to rerun, naming ``--failed``) and ``-k`` filters the shard's failed cases, never deals them again;
casebooks the session does not hold are said as such."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main

CASEBOOKS = Path(__file__).resolve().parents[1] / "casebooks"
DEMO = CASEBOOKS / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


def _run(session: Path, *args: str, casebook: Path = DEMO) -> int:
    return main(["run", str(casebook), "--session", str(session), *BENCH, *args])


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The two shards of demo.xml: the second holds DEMO-FSE-030 (pending) and DEMO-FSE-099 (failed)."""
    folder = tmp_path_factory.mktemp("shards")
    made = {k: folder / f"s{k}.tbsession" for k in (1, 2)}
    for k, session in made.items():
        _run(session, "--shard", f"{k}/2")
    return made


def _copy(session: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(session, tmp_path / session.name))


@pytest.mark.parametrize(
    ("keyword", "rerun"),
    [
        ("degrade", "DEMO-FSE-030 : en attente"),
        ("id:DEMO-FSE-099", "DEMO-FSE-099 : échec"),
        ("echec-volontaire", "DEMO-FSE-099 : échec"),
        ("mode:securise", "DEMO-FSE-099 : échec"),
    ],
)
def test_k_filters_the_shards_failed_cases(
    shards: dict[int, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], keyword: str, rerun: str
) -> None:
    session = _copy(shards[2], tmp_path)
    capsys.readouterr()
    assert _run(session, "--failed", "--shard", "2/2", "-k", keyword) == 2  # the session's code (a case pending)
    err = capsys.readouterr().err
    assert f"[1/1] {rerun}" in err
    assert "rien à relancer" not in err and "autre sélection" not in err


def test_the_shard_is_checked_first_and_the_option_typed_is_named(
    shards: dict[int, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for k in (1, 2):  # nothing failed in the first shard: still refused
        session = _copy(shards[k], tmp_path)
        capsys.readouterr()
        assert _run(session, "--failed") == 3
        err = capsys.readouterr().err
        assert f"cette session est la partition {k}/2 de sa campagne ; --failed la rejoue avec --shard {k}/2" in err
        assert "--rerun" not in err
    session = _copy(shards[1], tmp_path)
    assert _run(session, "--failed", "--shard", "2/2", "--lang", "en") == 3
    assert "this session is shard 1/2 of its campaign; --failed runs it again with --shard 1/2" in (
        capsys.readouterr().err
    )
    assert _run(session, "--failed", "--shard", "1/2") == 0  # its own shard: nothing to rerun
    assert "rien à relancer" in capsys.readouterr().err


def test_rerun_on_a_shard_still_names_rerun(
    shards: dict[int, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = _copy(shards[1], tmp_path)
    capsys.readouterr()
    assert _run(session, "--rerun") == 3
    assert "--rerun la rejoue avec --shard 1/2" in capsys.readouterr().err


def test_failed_with_casebooks_the_session_does_not_hold(
    shards: dict[int, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = tmp_path / "demo.tbsession"
    _run(session, "-k", "DEMO-FSE-099")
    capsys.readouterr()
    billing = CASEBOOKS / "billing.xml"
    assert _run(session, "--failed", casebook=billing) == 3
    err = capsys.readouterr().err
    assert f"la session ne contient aucun cas des cahiers de tests donnés ({billing})" in err
    assert "aucun cas sélectionné" not in err
    assert _run(session, "--failed", "--lang", "en", casebook=billing) == 3
    assert f"the session holds no case of the casebooks given ({billing}); nothing to rerun" in capsys.readouterr().err
