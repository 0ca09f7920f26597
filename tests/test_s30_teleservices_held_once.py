"""A request a service holds back (fault ``timeout``) is a line of the ``http`` channel written when it came in, with
the request as it was sent — never « requête non lue » for a body that was read but is not JSON. When the hold ends,
the answer is a second line only if its client still waits for it (then it is sent, under the scenario and fault it
met): a client gone, the bench has moved on to another step, whose channel — and scenario — that late line (a 400
for a body not in the format) joined. The same for a request the ``down`` and ``server-error`` faults meet: its body,
read, is shown as sent."""

from __future__ import annotations

import http.client
import json
import time

from testbench.services.process import ServicesProcess


def _post(port: int | None, path: str, body: bytes, timeout: float = 5.0) -> int | None:
    """The HTTP status, or None when the client gave up waiting (or the connection closed)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", path, body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        return response.status
    except (TimeoutError, ConnectionError, http.client.HTTPException):
        return None
    finally:
        conn.close()


def _control(port: int | None, **body: object) -> None:
    assert _post(port, "/_bench/scenario", json.dumps(body).encode()) == 200


def test_a_held_request_is_one_line_with_its_body_as_sent() -> None:
    lines: list[str] = []
    proc = ServicesProcess(sink=lambda text, ts, level: lines.append(text))
    try:
        proc.ensure()
        _control(proc.port, service="adri", scenario="droits-ouverts", fault="timeout", delay=1)
        assert _post(proc.port, "/adri", b"<soap:Envelope/>", timeout=0.3) is None  # the client gives up
        assert _post(proc.port, "/adri", b'{"beneficiary": 5}', timeout=0.3) is None
        proc.configure("adri", "droits-fermes")  # the next step
        proc.settle()
        time.sleep(1.5)  # both holds end: nothing more may be written
        proc.settle()
    finally:
        proc.close()
    adri = [line for line in lines if line.startswith("POST /adri")]
    assert len(adri) == 2, adri
    first, second = adri
    assert "réponse retenue (timeout)" in first and "· requête <soap:Envelope/>" in first, first
    assert '· requête {"beneficiary":5}' in second, second
    assert not any("→ 400" in line for line in lines), lines


def test_a_held_answer_its_client_still_waits_for_is_sent_and_said_with_the_scenario_it_met() -> None:
    lines: list[str] = []
    proc = ServicesProcess(sink=lambda text, ts, level: lines.append(text))
    try:
        proc.ensure()
        _control(proc.port, service="eprescription", scenario="ordonnance-lpp", fault="timeout", delay=0.5)
        assert _post(proc.port, "/eprescription", b'{"number": "RX-1"}') == 200  # it waits 5 s
        assert _post(proc.port, "/eprescription", b"RX-2") == 400
        proc.settle()
    finally:
        proc.close()
    rx = [line for line in lines if line.startswith("POST /eprescription")]
    assert len(rx) == 4, rx
    assert "réponse retenue (timeout)" in rx[0] and "réponse retenue (timeout)" in rx[2], rx
    assert "→ 200 en " in rx[1] and "scénario ordonnance-lpp · défaut timeout" in rx[1], rx[1]
    assert "→ 400 en " in rx[3] and "· requête RX-2 · réponse " in rx[3], rx[3]


def test_down_and_server_error_show_a_body_that_is_not_json_as_sent() -> None:
    lines: list[str] = []
    proc = ServicesProcess(sink=lambda text, ts, level: lines.append(text))
    try:
        proc.configure("insi", "identite-trouvee", "down")
        assert _post(proc.port, "/insi", b"traits=DUPONT") is None
        proc.configure("insi", "identite-trouvee", "server-error")
        assert _post(proc.port, "/insi", b"traits=MARTIN") == 500
        proc.settle()
    finally:
        proc.close()
    insi = [line for line in lines if line.startswith("POST /insi")]
    assert len(insi) == 2, insi
    assert "connexion fermée sans réponse" in insi[0] and "· requête traits=DUPONT" in insi[0], insi[0]
    assert "→ 500 en" in insi[1] and "· requête traits=MARTIN" in insi[1], insi[1]
