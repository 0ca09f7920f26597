"""``testbench engine serve --lang en`` answers its errors in English (audit l-f5 4): the server's own words
(« protocol_version « 1 » attendue », « méthode inconnue ») and the reference engine's refusals stayed French.
Codes (JSON-RPC's and the refusals' stable ones) are the same in both languages; without ``--lang`` the engine
answers in French, the language the bench records its engine's words in."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.test_engine_rules import line, request

REPO = Path(__file__).resolve().parent.parent
SERVE = [sys.executable, "-P", "-m", "testbench", "engine", "serve"]
FRENCH = re.compile(r"«|attendue?\b|inconnue?\b|invalide\b|facture|ligne\b|quantité|sans\b|au-dessus|requête")

CALLS: list[Any] = [
    {"method": "initialize", "params": {"protocol_version": "1.0"}},
    {"method": "initialize", "params": {"protocol_version": "1", "cards": {"mode": "nowhere"}}},
    {"method": "initialize", "params": {"protocol_version": "1", "cards": {"mode": "none"}}},
    {"method": "no_such_method"},
    {"method": "read_cps", "params": {}},
    {"method": "create_invoice", "params": []},
    {"method": "create_invoice", "params": request([line("1105215", "30", unit_price="5.50")])},
    {"method": "create_invoice", "params": request([line("1105215", "0")])},
    {"method": "build_lot", "params": {"invoice_ids": []}},
    {"method": "secure_invoice", "params": {"invoice_id": "nope"}},
]


def _errors(lang: list[str]) -> list[dict[str, Any]]:
    lines = [json.dumps({"jsonrpc": "2.0", "id": n, **call}) for n, call in enumerate(CALLS)]
    lines += ['{"jsonrpc": "2.0",', '{"id": 99}']  # unreadable JSON, an invalid request
    said = "\n".join(lines) + "\n"
    command = [*SERVE, *lang]
    done = subprocess.run(command, input=said, capture_output=True, text=True, timeout=60, cwd=REPO, check=False)
    answers = [json.loads(raw) for raw in done.stdout.splitlines()]
    return [answer["error"] for answer in answers if "error" in answer]


def test_the_errors_are_in_english_with_the_same_codes() -> None:
    english, french = _errors(["--lang", "en"]), _errors([])
    assert len(english) == len(french) == len(CALLS) - 1 + 2  # every call but the good initialize, two bad lines
    assert [e["code"] for e in english] == [e["code"] for e in french]
    assert [e.get("data", {}).get("code") for e in english] == [e.get("data", {}).get("code") for e in french]
    said = [e["message"] for e in english] + [e["data"]["message"] for e in english if "data" in e]
    assert [m for m in said if FRENCH.search(m)] == [], said
    assert english[0]["message"] == "protocol_version “1” expected"
    assert english[2]["message"] == "unknown method no_such_method"
    assert english[5]["message"].startswith("PRICE_ABOVE_PLV: line 1: price")
    assert french[0]["message"] == "protocol_version « 1 » attendue"
    assert french[2]["message"] == "méthode inconnue no_such_method"
    assert all(e["message"] != f["message"] for e, f in zip(english, french, strict=True)), (english, french)
