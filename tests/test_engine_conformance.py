"""``testbench engine check``: the reference engine conforms; a broken engine gets each violation named."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from testbench.cli.main import main

REPO = Path(__file__).resolve().parent.parent
BROKEN = REPO / "tests" / "data" / "engines" / "broken_engine.py"


def test_reference_engine_conforms(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["engine", "check", "--", sys.executable, "-m", "testbench", "engine", "serve"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "FAIL" not in out and "CONFORME : 20 vérifications réussies." in out


def test_broken_engine_violations_are_named(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["engine", "check", "--timeout", "0.5", "--", sys.executable, str(BROKEN)])
    out = capsys.readouterr().out
    assert code == 1
    lines = {ln.split()[1]: ln for ln in out.splitlines() if ln.startswith(("PASS", "FAIL"))}
    expected = {
        "describe": "« capabilities »",
        "facture": "$.lines[0].base : type number au lieu de string",
        "fse": "FSE XML mal formée",
        "determinisme": "montants différents",
        "refus-quantite": "refus sans code stable",
        "refus-code": "refus sans code stable",
        "securisation": "$.status : \"ok\" au lieu de \"secured\"",
        "lot": "délai dépassé",
        "retours": "pas du JSON-RPC",
        "adri": "s'est arrêté (code 3)",
        "cartes": "erreur JSON-RPC 1",
        "teleservices": "s'est arrêté (code 3)",
        "methode-inconnue": "acceptée au lieu de l'erreur -32601",
        "ligne-illisible": "aucune réponse",
        "traces": "« channel »",
        "delais": "lot",
        "arret": "arrêt forcé",
    }
    for check_id, violation in expected.items():
        assert lines[check_id].startswith("FAIL") and violation in lines[check_id], lines[check_id]
    assert lines["demarrage"].startswith("PASS")


def test_check_usage_and_unavailable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["engine", "check"]) == 3
    assert main(["engine", "check", "--", "/nonexistent/engine"]) == 2
    assert "MOTEUR INDISPONIBLE" in capsys.readouterr().out


def test_an_engine_that_starts_only_at_the_second_try_fails_the_start_check(tmp_path: Path) -> None:
    from testbench.engines.protocol.conformance import run_checks

    faulty = REPO / "tests" / "data" / "engines" / "faulty_reference.py"
    report = run_checks([sys.executable, str(faulty), "--die-once", str(tmp_path / "killed")])
    start = next(r for r in report.results if r.id == "demarrage")
    assert not start.ok and "n'a pas démarré" in start.detail
    assert not report.ok
