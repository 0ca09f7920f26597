"""The bench keeps 600 characters of a téléservice's body on a trace line; the cut never leaves part of a
value (« "birth_date":"1952-01-… »), which the redactor, knowing only whole values, would leave in clear."""

from __future__ import annotations

import json
import re

from testbench.services.process import _EXCERPT, _excerpt, format_record

PERSON = {"ins": "152019999900182", "birth_name": "MARTINEAU", "first_name": "SOLENNE", "birth_date": "1952-01-10"}


def _answer(padding: int) -> dict[str, object]:
    first = {**PERSON, "birth_name": "MARTINEAU" + "Z" * padding}
    return {"service": "insi", "status": "several", "identities": [first, PERSON], "count": 2, "ok": True}


def test_no_cut_falls_inside_a_value() -> None:
    for padding in range(300, 480):  # every position of the cut across the second identity
        text, _level = format_record({"method": "POST", "path": "/insi", "status": 200, "answer": _answer(padding)})
        body = text.split(" · réponse ", 1)[1]
        assert len(body) <= _EXCERPT + 1
        if body.endswith("…"):
            kept = body[:-1]
            assert kept.count('"') % 2 == 0, kept[-40:]  # no string left open
            assert not re.search(r"[0-9]$|(?<![\w\"])(?:t|tr|tru|f|fa|fal|fals|n|nu|nul)$", kept), kept[-40:]
        for date in re.findall(r'"birth_date":"([^"]*)', body):
            assert date == "1952-01-10", body[-60:]


def test_a_short_body_is_whole_and_a_cut_one_is_json_up_to_a_value() -> None:
    assert _excerpt({"a": 1}) == '{"a":1}'
    long = {"values": [123456789] * 100}
    cut = _excerpt(long)
    assert cut.endswith(",…") or cut.endswith("[…")
    assert json.loads(cut[:-1].rstrip(",") + "]}")["values"][0] == 123456789


def test_an_escaped_quote_does_not_end_a_string() -> None:
    text = '"' + 'a\\"' * 300 + '"'
    assert _excerpt(text) == "…"
