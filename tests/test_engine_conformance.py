"""``testbench engine check``: the reference engine conforms; a broken engine gets each violation named."""

from __future__ import annotations

import json
import re
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
    assert "ÉCHEC" not in out and "CONFORME : 20 vérifications réussies." in out
    assert out.count("\nRÉUSSI  ") == 20 and "PASS" not in out, out  # one language: the statuses too
    assert "— base 56,00\u00a0€, part AMO 33,60\u00a0€, part patient 22,40\u00a0€\n" in out  # E1's amounts as money


def test_the_e1_amounts_read_as_money_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "engine", "check", "--", sys.executable, "-m", "testbench", "engine", "serve"]) == 0
    assert "— base €56.00, AMO share €33.60, patient share €22.40\n" in capsys.readouterr().out


def test_broken_engine_violations_are_named(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["engine", "check", "--timeout", "0.5", "--", sys.executable, str(BROKEN)])
    out = capsys.readouterr().out
    assert code == 1
    lines = {
        re.split(r"\s{2,}", ln)[1]: ln for ln in out.splitlines() if ln.startswith(("RÉUSSI", "ÉCHEC", "NON FAITE"))
    }
    expected = {
        "describe": "« capabilities »",
        "facture": "$.lines[0].base : type number au lieu de string",
        "determinisme": "montants différents",
        "refus-quantite": "refus sans code stable",
        "refus-code": "refus sans code stable",
        "adri": "s'est arrêté (code 3)",
        "cartes": "erreur JSON-RPC 1",
        "teleservices": "s'est arrêté (code 3)",
        "methode-inconnue": "acceptée au lieu de l'erreur -32601",
        "ligne-illisible": "aucune réponse",
        "traces": "« channel »",
        "arret": "arrêt forcé",
    }
    for check_id, violation in expected.items():
        assert lines[check_id].startswith("ÉCHEC") and violation in lines[check_id], lines[check_id]
    for check_id in ("fse", "securisation", "lot", "retours"):  # they would use the invoice facture failed
        assert lines[check_id].startswith("NON FAITE"), lines[check_id]
    assert lines["demarrage"].startswith("RÉUSSI")


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


@pytest.mark.parametrize(
    ("shape", "violation"),
    [
        ({"oops": True, "lines": "none"}, "$.lines : type string au lieu de array"),
        ({"lines": ["x"], "totals": "y"}, "$.lines[0] : type string au lieu de object"),
        ({"lines": [{"base": 1}], "totals": {"base": []}}, "$.lines[0].base : type integer au lieu de string"),
    ],
)
def test_a_wrong_shaped_invoice_fails_its_check_and_the_list_still_prints(
    shape: dict[str, object], violation: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An answer of the wrong shape is the engine's fault, told in the check's line: never a traceback,
    and the checks after it (which use that invoice) run and print too, in text and in JSON."""
    faulty = REPO / "tests" / "data" / "engines" / "faulty_reference.py"
    engine = [sys.executable, str(faulty), "--reshape", "create_invoice", "--shape", json.dumps(shape)]
    assert main(["engine", "check", "--timeout", "5", "--", *engine]) == 1
    out = capsys.readouterr().out
    lines = {
        re.split(r"\s{2,}", ln)[1]: ln for ln in out.splitlines() if ln.startswith(("RÉUSSI", "ÉCHEC", "NON FAITE"))
    }
    assert lines["facture"].startswith("ÉCHEC") and f"schéma : {violation}" in lines["facture"], out
    assert lines["securisation"].startswith("NON FAITE") and lines["lot"].startswith("NON FAITE"), out
    assert len(lines) == 20 and "NON CONFORME" in out, out
    assert main(["engine", "check", "--json", "--", *engine]) == 1
    checks = {c["id"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert not checks["facture"]["ok"] and violation in checks["facture"]["detail"]
    assert len(checks) == 20


def test_a_wrong_shaped_invoice_reads_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    faulty = REPO / "tests" / "data" / "engines" / "faulty_reference.py"
    shape = json.dumps({"oops": True, "lines": "none"})
    engine = [sys.executable, str(faulty), "--reshape", "create_invoice", "--shape", shape]
    assert main(["engine", "check", "--lang", "en", "--", *engine]) == 1
    out = capsys.readouterr().out
    assert "schema: $.lines: type string instead of array; $: missing required field “invoice_id”" in out, out
    assert "schéma" not in out and "au lieu de" not in out, out


def test_a_check_that_cannot_read_an_answer_fails_with_the_reason() -> None:
    """Whatever a check's code meets in an answer the protocol refuses (a field of another type than it
    reads), the check fails with the schema's violations; on an answer the protocol allows, the failure is
    the bench's own (« erreur du banc »), not the engine's. The other checks still run."""
    from testbench.engines.protocol.conformance import _Checker

    checker = _Checker([sys.executable, "-c", "pass"], timeout=1.0, start_timeout=None)
    checker.run("a", "lecture", lambda: {}["invoice_id"])

    def reads_a_field_the_schema_refused() -> str:
        checker.violations.append("$.totals : type string au lieu de object")  # as the message hook does
        return "x".get("amo")  # type: ignore[attr-defined,no-any-return]

    checker.run("b", "lecture", reads_a_field_the_schema_refused)
    a, b = checker.report.results
    assert a.bench_error and a.detail == "erreur du banc (KeyError: 'invoice_id') : le moteur n'est pas en cause"
    assert not b.ok and not b.bench_error and b.detail == "schéma : $.totals : type string au lieu de object"
    assert not checker.report.concluded
    assert (
        checker.report.as_text("en")
        .splitlines()[2]
        .endswith("— bench error (KeyError: 'invoice_id'): the engine is not at fault")
    )


def test_a_check_whose_own_code_raises_is_a_bench_error_not_the_engines_fail(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reference engine conforms; a defect of the bench's own check code (here the invoice's arithmetic
    check raises) is « erreur du banc », exit 2 as ``run``'s bench faults, never the engine's FAIL (exit 1)."""
    from testbench.engines.protocol import conformance

    def broken(result: object) -> list[str]:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(conformance, "invoice_invariants", broken)
    reference = ["--", sys.executable, "-m", "testbench", "engine", "serve"]
    assert main(["engine", "check", *reference]) == 2
    out = capsys.readouterr().out
    lines = {ln.split()[1]: ln for ln in out.splitlines() if ln.startswith(("RÉUSSI ", "ÉCHEC ", "ERREUR  "))}
    assert lines["facture"].startswith("ERREUR") and "erreur du banc (ZeroDivisionError" in lines["facture"], out
    assert not [ln for ln in lines.values() if ln.startswith("ÉCHEC")], out  # the engine is not blamed
    assert len(lines) == 20 and "ERREUR DU BANC : 1 vérification n'a pas pu être menée" in out, out
    assert main(["engine", "check", "--lang", "en", *reference]) == 2
    out = capsys.readouterr().out
    assert (
        "\nERROR  facture  " in out
        and "\nPASS   describe  " in out
        and "BENCH ERROR: 1 check could not be carried out" in out
    ), out
    assert main(["engine", "check", "--json", *reference]) == 2
    report = json.loads(capsys.readouterr().out)
    assert (
        report["bench_error"] and not report["ok"] and {c["id"]: c for c in report["checks"]}["facture"]["bench_error"]
    )


def test_the_broken_engines_violations_read_in_english_each_once(capsys: pytest.CaptureFixture[str]) -> None:
    """A violation names the part of the message it is in (« trace.params », « error.data ») as a path, so
    it reads back in English like any other; the same violation on every trace reads once."""
    assert main(["engine", "check", "--lang", "en", "--timeout", "0.5", "--", sys.executable, str(BROKEN)]) == 1
    lines = {ln.split()[1]: ln for ln in capsys.readouterr().out.splitlines() if ln.startswith(("PASS", "FAIL"))}
    assert lines["traces"].endswith("— schema: trace.params: missing required field “channel”"), lines["traces"]
    assert lines["facture"].count("type number instead of string") == 3, lines["facture"]
    assert not [ln for ln in lines.values() if "champ" in ln or "au lieu de" in ln or "«" in ln], lines


def test_the_times_read_in_the_language_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    """The kit's time limit and the engine's stop time read « 0,5 s » in French and "0.5 s" in English, never
    Python's dot in a French line."""
    engine = ["--", sys.executable, "-m", "testbench", "engine", "serve"]
    main(["engine", "check", "--timeout", "2.5", *engine])
    french = capsys.readouterr().out
    assert "tous les appels sous 2,5 s" in french
    assert re.search(r"arrêt propre en \d+(,\d+)? s", french) and not re.search(r"arrêt propre en \d+\.", french)
    main(["--lang", "en", "engine", "check", "--timeout", "2.5", *engine])
    english = capsys.readouterr().out
    assert "every call under 2.5 s" in english
    assert re.search(r"clean stop in \d+(\.\d+)? s", english) and not re.search(r"clean stop in \d+,", english)
