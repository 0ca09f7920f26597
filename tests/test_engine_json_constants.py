"""An engine's NaN, Infinity or 1e400 is no JSON (Python's decoder takes them): a protocol error naming the
constant, and ``engine check`` fails it under ``enveloppe`` (audit 21: they passed, were stored, and broke
report.json)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from testbench.engines.api import EngineProtocolError
from testbench.engines.protocol import jsonrpc as J
from testbench.engines.protocol.client import SubprocessEngine
from testbench.engines.protocol.conformance import run_checks

REPO = Path(__file__).resolve().parent.parent

SERVER = """
import sys
sys.path.insert(0, {repo!r})
from testbench.engines.protocol.server import Server

class Odd(Server):
    def handle(self, msg):
        if msg.get("method") == "create_invoice":
            self.stdout.write(b'{{"jsonrpc":"2.0","id":%d,"result":{{"x": NaN}}}}\\n' % msg["id"])
            self.stdout.flush()
            return True
        return super().handle(msg)

stdout = sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(Odd(sys.stdin.buffer, stdout).serve())
"""


@pytest.mark.parametrize(
    ("line", "said"),
    [
        (b'{"a": NaN}', "constante NaN, qui n'est pas du JSON"),
        (b'{"a": -Infinity}', "constante -Infinity, qui n'est pas du JSON"),
        (b'{"a": 1e400}', "nombre 1e400 hors des limites d'un flottant"),
    ],
)
def test_a_constant_json_has_not_is_refused_by_name(line: bytes, said: str) -> None:
    with pytest.raises(ValueError) as exc:
        J.parse(line)
    assert str(exc.value) == said
    assert J.parse(b'{"a": 1.5e3}') == {"a": 1500.0}


def _engine(tmp_path: Path) -> list[str]:
    script = tmp_path / "nan_engine.py"
    script.write_text(SERVER.format(repo=str(REPO)), encoding="utf-8")
    return [sys.executable, str(script)]


def test_a_nan_answer_is_a_protocol_error_and_fails_the_envelope(tmp_path: Path) -> None:
    seen: list[tuple[str, Any]] = []
    engine = SubprocessEngine(_engine(tmp_path), timeout=20, on_message=lambda d, m: seen.append((d, m)))
    try:
        with pytest.raises(EngineProtocolError) as exc:
            engine.call("create_invoice", {})
    finally:
        engine.close()
    assert "create_invoice : sortie qui n'est pas du JSON-RPC (constante NaN, qui n'est pas du JSON)" in str(exc.value)
    assert ("unreadable", {"reason": "constante NaN, qui n'est pas du JSON", "excerpt": seen[-1][1]["excerpt"]}) in seen
    checks = {r.id: r for r in run_checks(_engine(tmp_path), timeout=20).results}
    assert not checks["enveloppe"].ok and "constante NaN" in checks["enveloppe"].detail
