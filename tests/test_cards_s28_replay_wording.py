"""Audit s28: ``cards replay`` said « Enregistrement x.jsonl insérée sur le port vpcd … » (a recording is
masculine: the card of the recording is what is inserted). Through the real pcscd + vpcd, French and English."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEADER = {"format": "testbench-apdu-recording", "version": 1, "atr": "3B751300004409EA9000"}


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "Carte de l'enregistrement r.jsonl insérée sur le port vpcd 35963"),
        ("en", "Card of recording r.jsonl inserted on vpcd port 35963"),
    ],
)
def test_replay_says_the_recordings_card_is_inserted(
    vpcd_lock: list[str], tmp_path: Path, lang: str, said: str
) -> None:
    rec = tmp_path / "r.jsonl"
    select_mf = {"command": "00A40000023F00", "response": "", "sw": "9000"}
    rec.write_text(json.dumps(HEADER) + "\n" + json.dumps(select_mf) + "\n")
    replay = ["cards", "replay", "--lang", lang, str(rec), "--reader", "0", "--duration", "0.3"]
    proc = subprocess.run(
        [sys.executable, "-m", "testbench", *replay],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert said in proc.stderr
