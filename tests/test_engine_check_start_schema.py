"""``engine check`` on an engine whose ``initialize`` answer breaks its schema (protocol_version "2"): ``run``
cannot start it, so only ``demarrage`` is judged, every other check NON FAITE (audit 21: 19 said RÉUSSI)."""

from __future__ import annotations

import sys
from pathlib import Path

from testbench.engines.protocol.conformance import run_checks

REPO = Path(__file__).resolve().parent.parent

SERVER = """
import sys
sys.path.insert(0, {repo!r})
from testbench.engines.protocol.server import Server

class Future(Server):
    def dispatch(self, method, params):
        value = super().dispatch(method, params)
        return dict(value, protocol_version="2") if method == "initialize" else value

stdout = sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(Future(sys.stdin.buffer, stdout).serve())
"""


def test_a_schema_invalid_initialize_leaves_every_other_check_not_run(tmp_path: Path) -> None:
    script = tmp_path / "future_engine.py"
    script.write_text(SERVER.format(repo=str(REPO)), encoding="utf-8")
    report = run_checks([sys.executable, str(script)], timeout=20)
    first, *others = report.results
    assert first.id == "demarrage" and not first.ok and "protocol_version" in first.detail
    assert others and all(r.not_run and "n'a pas démarré" in r.detail for r in others)
    assert not report.ok
