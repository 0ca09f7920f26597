"""The request part of a téléservice's trace line shows what the engineer's application sent: a body that is not
JSON as it was sent, « requête non lue » when the HTTP layer refused the request before reading it (never
« null »); an ApCV refusal's ``reason`` reads in English under ``--lang en`` like a ``message``."""

from __future__ import annotations

import http.client
import time

from testbench.i18n import english
from testbench.services.process import ServicesProcess
from testbench.traces.bench_text import http_text


def _lines(*bodies: bytes) -> list[str]:
    lines: list[str] = []
    proc = ServicesProcess(sink=lambda text, ts, level: lines.append(text))
    try:
        proc.configure("adri", "droits-ouverts")
        for body in bodies:
            conn = http.client.HTTPConnection("127.0.0.1", proc.port, timeout=5)
            conn.request("POST", "/adri", body, {"Content-Type": "application/json"})
            conn.getresponse().read()
            conn.close()
        deadline = time.monotonic() + 5
        while len([x for x in lines if x.startswith("POST /adri")]) < len(bodies) and time.monotonic() < deadline:
            proc.settle()
    finally:
        proc.close()
    return [line for line in lines if line.startswith("POST /adri")]


def test_a_body_that_is_not_json_is_traced_as_sent_and_one_never_read_says_so() -> None:
    sent, too_large = _lines(b"<soap:Envelope>nir=1</soap:Envelope>", b"x" * (3 << 20))
    assert "· requête <soap:Envelope>nir=1</soap:Envelope> · réponse " in sent, sent
    assert "· requête non lue · réponse " in too_large and "null" not in too_large, too_large
    assert "· request not read · answer " in http_text(too_large, english)


def test_an_apcv_refusal_s_reason_reads_in_english() -> None:
    line = (
        'POST /apcv → 200 en 1.2 ms · scénario contexte-desactive · requête {"nir":"x"}'
        ' · réponse {"status":"refused","reason":"application carte Vitale désactivée"}'
    )
    assert http_text(line, english).endswith('"reason":"app carte Vitale deactivated"}')
