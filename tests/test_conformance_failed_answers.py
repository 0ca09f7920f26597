"""``testbench engine check``: a check that needs an answer an earlier check failed (outside its schema, or
an error) says it cannot run (NON FAITE), never fails the engine a second time nor shows what it read of it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from testbench.engines.protocol.conformance import run_checks

REPO = Path(__file__).resolve().parent.parent

ENGINE = """
import json, sys
sys.path.insert(0, {repo!r})
from testbench.engines.protocol.server import Server

FAULT = sys.argv[1]


class Faulty(Server):
    def dispatch(self, method, params):
        value = super().dispatch(method, params)
        if FAULT == "types" and method == "create_invoice":
            value = dict(value, totals=dict(value["totals"], amo=float(value["totals"]["amo"])))
        return value

    def handle(self, msg):
        if FAULT == "missing" and msg.get("method") == "secure_invoice":
            error = {{"code": -32601, "message": "Method not found"}}
            self.stdout.write(json.dumps({{"jsonrpc": "2.0", "id": msg["id"], "error": error}}).encode() + b"\\n")
            self.stdout.flush()
            return True
        return super().handle(msg)


stdout = sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(Faulty(sys.stdin.buffer, stdout).serve())
"""


def _report(tmp_path: Path, fault: str) -> dict[str, tuple[bool, bool, str]]:
    engine = tmp_path / "engine.py"
    engine.write_text(ENGINE.format(repo=str(REPO)), encoding="utf-8")
    report = run_checks([sys.executable, str(engine), fault], timeout=5.0)
    assert not report.ok and report.concluded
    return {r.id: (r.ok, getattr(r, "not_run", False), r.detail) for r in report.results}


def test_an_invoice_outside_its_schema_is_used_by_no_later_check(tmp_path: Path) -> None:
    checks = _report(tmp_path, "types")
    assert not checks["facture"][0] and "$.totals.amo : type number au lieu de string" in checks["facture"][2]
    for check_id in ("fse", "securisation", "lot", "retours"):
        ok, not_run, detail = checks[check_id]
        assert not ok and not_run, (check_id, detail)
    assert checks["fse"][2] == "pas de FSE à vérifier (create_invoice a échoué)"
    assert "33.6 " not in " ".join(d for _, _, d in checks.values()) + " "  # no float read from the answer
    failed = [check_id for check_id, (ok, not_run, _) in checks.items() if not ok and not not_run]
    assert failed == ["facture", "determinisme"], failed  # determinisme: its own answers, of the same shape


def test_a_lot_is_not_built_on_an_invoice_that_could_not_be_secured(tmp_path: Path) -> None:
    checks = _report(tmp_path, "missing")
    assert not checks["securisation"][0] and "-32601" in checks["securisation"][2]
    assert checks["lot"] == (False, True, "pas de facture sécurisée à mettre en lot (secure_invoice a échoué)")
    assert checks["retours"][1]
    assert "INVOICE_NOT_SECURED" not in " ".join(d for _, _, d in checks.values())


@pytest.mark.parametrize(
    ("lang", "status", "summary"), [("fr", "NON FAITE", "non faites"), ("en", "NOT RUN", "not run")]
)
def test_the_checks_not_run_read_as_such_in_each_language(tmp_path: Path, lang: str, status: str, summary: str) -> None:
    engine = tmp_path / "engine.py"
    engine.write_text(ENGINE.format(repo=str(REPO)), encoding="utf-8")
    text = run_checks([sys.executable, str(engine), "missing"], timeout=5.0).as_text(lang)
    lot = next(line for line in text.splitlines() if " lot " in line)
    assert lot.startswith(status), text
    assert summary in text and ("1 check failed" in text if lang == "en" else "1 vérification en échec" in text)
