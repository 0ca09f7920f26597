"""An engine that does not answer the case's closing ``describe`` in time is stopped, and the reason names the time
limit in the reader's notation: « (0,5 s) » in French, "(0.5 s)" in English — never Python's « 0.5 » in French."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from testbench.cli.main import main

#: the reference engine behind a pipe that holds back every answer to ``describe``
_SLOW = textwrap.dedent(
    """
    import json, subprocess, sys, threading, time
    engine = subprocess.Popen([sys.executable, "-m", "testbench", "engine", "serve"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    held = set()
    def forward():
        for line in sys.stdin.buffer:
            try:
                message = json.loads(line)
            except ValueError:
                message = {}
            if isinstance(message, dict) and message.get("method") == "describe":
                held.add(message.get("id"))
            engine.stdin.write(line)
            engine.stdin.flush()
        engine.stdin.close()
    threading.Thread(target=forward, daemon=True).start()
    for line in engine.stdout:
        try:
            message = json.loads(line)
        except ValueError:
            message = {}
        if isinstance(message, dict) and message.get("id") in held:
            time.sleep(0.8)
        sys.stdout.buffer.write(line)
        sys.stdout.buffer.flush()
    sys.exit(engine.wait())
    """
)


@pytest.mark.parametrize(
    ("lang", "said"), [("fr", "en fin de cas (0,5 s) : arrêté"), ("en", "end of the case (0.5 s)")]
)
def test_closing_describe_timeout_in_the_readers_notation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    script = tmp_path / "slow_engine.py"
    script.write_text(_SLOW, encoding="utf-8")
    main(["engine", "check", "--timeout", "0.5", "--lang", lang, "--", sys.executable, str(script)])
    out = capsys.readouterr().out
    assert said in out
    assert ("(0.5 s)" if lang == "fr" else "(0,5 s)") not in out
