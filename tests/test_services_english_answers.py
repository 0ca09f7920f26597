"""With ``--lang en`` the simulator's own French inside an exchange's line reads in English: the reason of a
refusal in the answer's JSON and the plain-text answer of the ``server-error`` fault; the rest of the bodies
stays as recorded."""

from __future__ import annotations

import http.client
import json

from testbench.i18n import english
from testbench.services.process import ServicesProcess
from testbench.traces.bench_text import http_text


def test_the_simulator_s_reasons_read_in_english_in_the_http_lines() -> None:
    lines: list[str] = []
    proc = ServicesProcess(sink=lambda text, ts, level: lines.append(text))
    try:
        body = json.dumps({"traits": {"sex": "M", "birth_date": "1999-01-01"}})
        proc.configure("insi", "identite-trouvee")
        for fault in ("none", "server-error"):
            proc.configure("insi", "identite-trouvee", fault)
            conn = http.client.HTTPConnection("127.0.0.1", proc.port, timeout=5)
            conn.request("POST", "/insi", body, {"Content-Type": "application/json"})
            conn.getresponse().read()
            conn.close()
        proc.settle()
    finally:
        proc.close()
    refused, failed = [http_text(line, english) for line in lines if line.startswith("POST /insi")]
    assert refused.endswith('"message":"traits.birth_name: missing (text expected)"}'), refused
    assert failed.endswith("· answer simulated internal error"), failed
    assert '"traits":{"sex":"M","birth_date":"1999-01-01"}' in refused  # the request as recorded
