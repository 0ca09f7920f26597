"""``run --shard 1/2 --shard 2/2`` is refused (exit 3) before anything runs, in the person's language, rather
than argparse keeping the last one unsaid; a single ``--shard`` runs as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ([], "testbench run : --shard est donné plusieurs fois : une exécution ne joue qu'une partition K/N"),
        (["--lang", "en"], "testbench run: --shard is given more than once: a run plays a single K/N shard"),
    ],
)
def test_a_repeated_shard_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: list[str], said: str
) -> None:
    session = tmp_path / "s.tbsession"
    args = ["run", str(DEMO), "--session", str(session), *BENCH, "--shard", "1/2", "--shard", "2/2", *lang]
    assert main(args) == 3
    err = capsys.readouterr().err
    assert said in err, err
    assert "[1/1]" not in err and not session.exists()


def test_the_same_shard_twice_is_refused_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--shard", "1/1", "--shard", "1/1"]) == 3
    assert "--shard est donné plusieurs fois" in capsys.readouterr().err
    assert not session.exists()


def test_one_shard_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--shard", "1/1"]) == 0
    assert "plusieurs fois" not in capsys.readouterr().err
    assert session.exists()
