"""``cards emulate``/``replay --port``: a value that is no port at all says the same range as 0 does — a vpcd
port, 1 to 65535 — never « un nombre de 0 à 65535 », which names 0, itself refused, as allowed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from testbench.paths import CARD_PROFILES_DIR as P


@pytest.mark.parametrize("value", ["70000", "abc", "-5"])
@pytest.mark.parametrize("command", ["emulate", "replay"])
def test_every_bad_port_names_the_vpcd_range(command: str, value: str) -> None:
    source = str(P / "cps4-nurse.xml") if command == "emulate" else "missing.jsonl"
    said = {
        "fr": f"« {value} » n'est pas un port vpcd (un nombre de 1 à 65535)",
        "en": f"“{value}” is not a vpcd port (a number from 1 to 65535)",
    }
    for lang in ("fr", "en"):
        proc = subprocess.run(
            [sys.executable, "-m", "testbench", "cards", command, "--lang", lang, source, f"--port={value}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 3, proc.stderr
        assert said[lang] in proc.stderr, proc.stderr
