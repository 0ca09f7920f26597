"""An external engine is the product under test: its crash, protocol or schema violation, or a wrong answer to
``initialize``, fails the case (exit 1); a command that cannot be launched stays the bench's (exit 2).
The reference engine is the bench's own: its faults stay errors (testbench.runner.blame)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest
from lxml import etree

from testbench.cli.main import main
from testbench.domain.verdict import Verdict
from testbench.engines.api import EngineCrash, EngineNotLaunched, EngineUnavailable, not_launched
from testbench.engines.protocol.conformance import run_checks
from testbench.i18n import english
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.blame import engine_fault
from testbench.store.read import read_session

VENDOR = Path(__file__).parent / "data" / "engines" / "vendor_engine.py"
DEMO = CASEBOOKS_DIR / "demo.xml"
TWO_CASES = ["-k", "DEMO-FSE-001 or DEMO-FSE-003"]


def vendor(*options: str) -> str:
    return shlex.join([sys.executable, str(VENDOR), *options])


def _run(tmp_path: Path, engine: str, *extra: str) -> tuple[int, list[tuple[str, str]], etree._Element]:
    session, junit = tmp_path / "s.tbsession", tmp_path / "junit.xml"
    argv = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "--engine", engine]
    code = main([*argv, "--engine-timeout", "20", "--junit", str(junit), *TWO_CASES, *extra])
    with read_session(session) as view:
        verdicts = [(c.latest.verdict, c.latest.reason) for c in view.cases if c.latest is not None]
    return code, verdicts, etree.parse(str(junit)).getroot()


@pytest.mark.parametrize(
    ("fault", "kind", "what"),
    [
        ("crash", "arrêt ou erreur interne", "create_invoice : le moteur s'est arrêté (code 139)"),
        ("schema", "réponse invalide", "$.totals.amo : type number au lieu de string"),
    ],
)
def test_an_external_engine_that_fails_on_a_valid_request_fails_the_case(
    tmp_path: Path, fault: str, kind: str, what: str
) -> None:
    code, verdicts, junit = _run(tmp_path, vendor("--fault", fault))
    assert code == 1
    assert [v for v, _ in verdicts] == ["fail", "fail"]
    for _, reason in verdicts:
        assert reason.startswith(f"défaut du moteur ({kind}) : ") and what in reason
        assert english(reason).startswith("engine defect (")
    assert junit.get("failures") == "2" and junit.get("errors") == "0"


@pytest.mark.parametrize("start", ["garbage", "error"])
def test_an_external_engine_that_answers_initialize_wrongly_fails_every_case_never_bench_unavailable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], start: str
) -> None:
    code, verdicts, junit = _run(tmp_path, vendor("--init", start))
    assert code == 1
    assert [v for v, _ in verdicts] == ["fail", "fail"]
    assert all(r.startswith("défaut du moteur (démarrage) : le moteur n'a pas démarré") for _, r in verdicts)
    assert "banc indisponible" not in capsys.readouterr().err
    assert junit.get("failures") == "2"


def test_an_engine_command_that_cannot_be_launched_stays_the_benchs_fault(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "no-such-engine")
    code, verdicts, junit = _run(tmp_path, missing)
    assert code == 2 and verdicts == []
    assert "banc indisponible : impossible de lancer le moteur" in capsys.readouterr().err
    assert junit.get("errors") == "2"


def test_the_reference_engines_faults_stay_the_benchs() -> None:
    crash = EngineCrash("create_invoice : le moteur s'est arrêté (code 1)")
    assert engine_fault(crash, product=False).verdict is Verdict.ERROR
    assert engine_fault(crash, product=True).verdict is Verdict.FAIL
    launch = EngineNotLaunched("impossible de lancer le moteur « x » : introuvable")
    assert not_launched(launch)
    refused = EngineUnavailable("le moteur refuse de démarrer : initialize : version 9")
    assert not not_launched(refused)  # it ran and said no: the product's
    assert engine_fault(refused, product=True).verdict is Verdict.FAIL
    assert engine_fault(launch, product=True).verdict is Verdict.INCONCLUSIVE


def test_engine_check_says_non_conforme_for_a_wrong_start_and_unavailable_only_when_it_cannot_start(
    tmp_path: Path,
) -> None:
    wrong = run_checks(shlex.split(vendor("--init", "garbage")), timeout=20)
    assert not wrong.unavailable and wrong.concluded and not wrong.ok
    assert "NON CONFORME" in wrong.as_text("fr") and "MOTEUR INDISPONIBLE" not in wrong.as_text("fr")
    assert main(["engine", "check", "--timeout", "20", "--", *shlex.split(vendor("--init", "error"))]) == 1
    missing = run_checks([str(tmp_path / "no-such-engine")], timeout=5)
    assert missing.unavailable and "MOTEUR INDISPONIBLE" in missing.as_text("fr")
    assert main(["engine", "check", "--", str(tmp_path / "no-such-engine")]) == 2
