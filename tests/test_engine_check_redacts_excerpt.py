"""``engine check`` quotes an unreadable engine answer with the personal data hidden as ``run`` hides it (audit
s22-verify1): a test card's RPPS and names read ‹RPPS› ‹NOM›, never as the engine wrote them."""

from __future__ import annotations

import sys
from pathlib import Path

from testbench.engines.protocol.conformance import run_checks

REPO = Path(__file__).resolve().parent.parent

ENGINE = """
import json, sys
sys.path.insert(0, {repo!r})
from testbench.engines.protocol.server import Server


class Garbled(Server):
    def handle(self, msg):
        if msg.get("method") == "read_cps":
            result = {{"rpps": "89990000013", "name": "ESSAI", "first_name": "MARIE"}}
            line = json.dumps({{"jsonrpc": "2.0", "id": msg["id"], "result": result}}, separators=(",", ":"))
            self.stdout.write(line.encode()[:-2] + b"garbage\\n")
            self.stdout.flush()
            return True
        return super().handle(msg)


stdout = sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(Garbled(sys.stdin.buffer, stdout).serve())
"""


def test_the_quoted_answer_is_redacted(tmp_path: Path) -> None:
    engine = tmp_path / "engine.py"
    engine.write_text(ENGINE.format(repo=str(REPO)), encoding="utf-8")
    report = run_checks([sys.executable, str(engine)], timeout=5.0)
    (cards,) = [r for r in report.results if r.id == "cartes"]
    assert not cards.ok and "sortie qui n'est pas du JSON-RPC" in cards.detail, cards.detail
    text = report.as_text("fr") + report.as_text("en") + report.as_json()
    assert "89990000013" not in text and "ESSAI" not in text and "MARIE" not in text
    assert '"rpps":"‹RPPS›","name":"‹NOM›"' in cards.detail


REFUSING = """
import sys
sys.path.insert(0, {repo!r})
from testbench.domain.refusal import EngineRefusal
from testbench.engines.protocol.server import Server


class Refusing(Server):
    def dispatch(self, method, params):
        if method == "create_invoice":
            raise EngineRefusal("PRESCRIBER_UNKNOWN", "prescripteur Dr ESSAI MARIE, RPPS 89990000013 inconnu")
        return super().dispatch(method, params)


stdout = sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(Refusing(sys.stdin.buffer, stdout).serve())
"""


def test_an_unexpected_refusal_is_quoted_redacted(tmp_path: Path) -> None:
    """The engine's own refusal message quoted by « refus inattendu » is its output too."""
    engine = tmp_path / "engine.py"
    engine.write_text(REFUSING.format(repo=str(REPO)), encoding="utf-8")
    report = run_checks([sys.executable, str(engine)], timeout=5.0)
    refused = [r for r in report.results if "refus inattendu PRESCRIBER_UNKNOWN" in r.detail]
    assert refused, report.as_text("fr")
    text = report.as_text("fr") + report.as_text("en") + report.as_json()
    at = text.find("89990000013")
    assert at < 0, text[max(0, at - 200) : at + 40]
