"""An empty or unreadable ``--engine`` command is a usage error (exit 3), refused before any session is created
(engine audit G): it was a bench fault (exit 2, « banc indisponible ») with a session left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.exits import EXIT_USAGE
from testbench.runner.options import engine_option


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("", "commande du moteur vide"),
        ("   ", "commande du moteur vide"),
        ("python3 'unbalanced", "commande du moteur illisible (guillemet ou « \\ » sans fin) : python3 'unbalanced"),
    ],
)
def test_a_bad_engine_command_is_a_usage_error_before_any_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, said: str
) -> None:
    session = tmp_path / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess"]
    with pytest.raises(SystemExit) as stopped:
        main([*argv, "--engine", command])
    assert stopped.value.code == EXIT_USAGE
    assert not session.exists() and list(tmp_path.iterdir()) == []
    err = capsys.readouterr().err
    assert f"--engine : {said}" in err and "banc indisponible" not in err and "Traceback" not in err


def test_the_bench_engines_and_a_readable_command_pass() -> None:
    for value in ("reference", "inprocess", "operator", "python3 moteur.py --option 'a b'"):
        assert engine_option(value) == value
