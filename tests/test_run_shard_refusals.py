"""``--shard`` in CI: an empty value (a CI variable not set) is refused, not read as no shard; ``--failed`` on a
shard's session dealt no case exits with the session's code (0), as « none to rerun » does."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "--shard est vide (une variable de la CI non définie ?) : K/N attendu, par exemple 2/4"),
        ("en", "--shard is empty (a CI variable not set?): K/N expected, for example 2/4"),
    ],
)
def test_an_empty_shard_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str) -> None:
    session = tmp_path / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--shard", "", "--lang", lang]) == 3
    err = capsys.readouterr().err
    assert said in err
    assert "[1/" not in err


def test_failed_on_a_shard_dealt_no_case_exits_with_the_sessions_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = tmp_path / "s.tbsession"
    shard = ["--shard", "30/30"]  # 22 cases: the 30th share holds none
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, *shard]) == 0
    capsys.readouterr()
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, *shard, "--failed"]) == 0
    assert "rien à relancer" in capsys.readouterr().err
