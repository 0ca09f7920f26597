"""``engine check`` quotes what a timed-out engine had begun to write with the personal data hidden, as ``run``
hides it (audit s30): a NIR or a name in an unfinished line reads ‹NIR› ‹NOM›, in the check's own call and in
the ``describe`` that closes it alike."""

from __future__ import annotations

import sys
from pathlib import Path

from testbench.engines.protocol.conformance import run_checks

#: a third-party engine written from docs/engine-protocol.md alone, no import of the bench: it answers
#: ``initialize`` and ``describe``, begins an answer to anything else with the test card's NIR and a name, then hangs
ENGINE = r"""
import json, sys, time
INFO = {"name": "Hung", "version": "1", "agrement": "T", "socle_version": "1.40", "capabilities": []}
for line in sys.stdin.buffer:
    msg = json.loads(line)
    method, mid = msg.get("method"), msg.get("id")
    if method == "initialize":
        result = {"protocol_version": "1", "engine": INFO}
    elif method == "describe":
        if CLOSING and describes[0]:
            sys.stdout.write('{"jsonrpc":"2.0","id":%d,"result":{"name":"NIR 1850575123456 patient ESSAI' % mid)
            sys.stdout.flush()
            time.sleep(60)
        describes[0] += 1
        result = INFO
    else:
        sys.stdout.write('{"jsonrpc":"2.0","id":%d,"result":{"nir":"NIR 1850575123456 patient ESSAI' % mid)
        sys.stdout.flush()
        time.sleep(60)
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": mid, "result": result}) + "\n")
    sys.stdout.flush()
"""


def _report_text(tmp_path: Path, closing: bool) -> str:
    engine = tmp_path / "hung.py"
    engine.write_text(f"CLOSING = {closing}\ndescribes = [0]\n" + ENGINE, encoding="utf-8")
    report = run_checks([sys.executable, str(engine)], timeout=0.5)
    return report.as_text("fr") + report.as_text("en") + report.as_json()


def test_a_call_timeout_quotes_the_unfinished_line_redacted(tmp_path: Path) -> None:
    text = _report_text(tmp_path, closing=False)
    assert "le moteur avait écrit une ligne sans la finir" in text, text
    at = text.find("1850575123456")
    assert at < 0, text[max(0, at - 200) : at + 40]
    assert "‹NIR›" in text, text


def test_a_closing_describe_timeout_quotes_the_unfinished_line_redacted(tmp_path: Path) -> None:
    text = _report_text(tmp_path, closing=True)
    assert "describe en fin de cas" in text, text
    at = text.find("1850575123456")
    assert at < 0, text[max(0, at - 200) : at + 40]
    assert "‹NIR›" in text, text
