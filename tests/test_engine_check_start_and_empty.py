"""``engine check``: an empty command is refused as ``run --engine ""`` is (exit 3, in the person's language); an
engine that does not start still lists every check (the others NON FAITE); a crash is said once."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.engines.protocol.conformance import run_checks

REPO = Path(__file__).resolve().parent.parent
FAULTY = REPO / "tests" / "data" / "engines" / "faulty_reference.py"
REFERENCE = [sys.executable, "-m", "testbench", "engine", "serve"]


@pytest.mark.parametrize(("lang", "said"), [("fr", "commande du moteur vide"), ("en", "empty engine command")])
def test_an_empty_command_is_a_usage_error(lang: str, said: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["engine", "check", "--lang", lang, "--", ""]) == 3
    out = capsys.readouterr()
    assert said in out.err + out.out
    assert "impossible de lancer" not in out.err + out.out and "accès refusé" not in out.err + out.out


def test_an_engine_that_does_not_start_lists_every_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    every = [r.id for r in run_checks(REFERENCE).results]
    missing = str(tmp_path / "no-such-engine")
    assert main(["engine", "check", "--json", "--", missing]) == 2
    checks = json.loads(capsys.readouterr().out)["checks"]
    assert [c["id"] for c in checks] == every
    assert not checks[0]["ok"] and not checks[0]["not_run"]
    assert all(c["not_run"] and "n'a pas démarré" in c["detail"] for c in checks[1:])
    assert main(["engine", "check", "--lang", "en", "--", missing]) == 2
    out = capsys.readouterr().out
    assert sum(line.startswith("NOT RUN") for line in out.splitlines()) == len(every) - 1
    assert "the engine did not start (check id demarrage)" in out


def test_a_crash_is_said_once(tmp_path: Path) -> None:
    engine = [sys.executable, str(FAULTY), "--crash-once", "secure_invoice", "--marker", str(tmp_path / "m")]
    report = run_checks(engine)
    secure = next(r for r in report.results if r.id == "securisation")
    assert not secure.ok
    assert secure.detail.count("s'est arrêté") == 1, secure.detail
