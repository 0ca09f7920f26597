"""A request the simulators' HTTP layer refuses (unknown path, wrong method, a body too big or undecodable)
is answered in the services' format with its HTTP status, logged on the ``http`` channel like any exchange,
and never leaves a Python traceback; the simulators speak English with ``--lang en``; they stop at once when
their stdin closes, an answer held back included; and they start from a folder holding a ``testbench``
directory (``python -P``)."""

from __future__ import annotations

import http.client
import json
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testbench.i18n import english
from testbench.runner.assemble import reference_engine_command
from testbench.services.process import ServicesProcess, command

Line = tuple[str, str | None, str | None]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[ServicesProcess, list[Line]]]:
    lines: list[Line] = []
    proc = ServicesProcess(sink=lambda text, ts, level: lines.append((text, ts, level)))
    proc.ensure()
    yield proc, lines
    proc.close()


def exchange(
    port: int | None, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body, {"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


REFUSED = [
    ("GET", "/adri", b"", {}, 405, "method GET refused on /adri (accepted: POST)"),
    ("POST", "/nothing", b"{}", {}, 404, "unknown path /nothing (known: /adri, /apcv, /insi, /eprescription)"),
    ("POST", "/eprescription", b'{"number": "' + b"A" * 1_100_000 + b'"}', {}, 413, "request over 1048576 bytes"),
    ("POST", "/adri", b"xx", {"Content-Encoding": "gzip"}, 400, "unreadable request body (Content-Encoding gzip)"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status", "expected"), REFUSED, ids=["405", "404", "413", "gzip"]
)
def test_a_request_the_http_layer_refuses_is_answered_in_our_format_and_logged(
    served: tuple[ServicesProcess, list[Line]],
    method: str,
    path: str,
    body: bytes,
    headers: dict[str, str],
    status: int,
    expected: str,
) -> None:
    proc, lines = served
    got, answer = exchange(proc.port, method, path, body, headers)
    assert got == status and answer["status"] == "error" and answer["code"] == "REQUETE_INVALIDE"
    assert english(answer["message"]) == expected
    proc.settle()
    assert any(text.startswith(f"{method} {path} → {status} en ") for text, _ts, _level in lines), lines
    assert not [line for line in proc._stderr if "Traceback" in line or "Error" in line], proc._stderr


def test_the_simulators_speak_english_with_lang_en() -> None:
    proc = ServicesProcess(argv=[*command()[:-4], "--lang", "en", "--port", "0"])
    try:
        proc.configure("adri", None)
        status, answer = exchange(proc.port, "POST", "/adri", b'{"beneficiary": {"nir": null}}')
        assert status == 400 and answer["message"] == "beneficiary.nir: NIR expected"
        with pytest.raises(ValueError, match=r"^unknown scenario “nope” for adri"):
            proc.configure("adri", "nope")
    finally:
        proc.close()


def test_closing_stdin_stops_the_server_at_once_an_answer_held_back_dropped() -> None:
    server = subprocess.Popen(command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert server.stdout is not None and server.stdin is not None
        port = json.loads(server.stdout.readline())["port"]
        body = json.dumps({"service": "adri", "fault": "timeout", "delay": 60}).encode()
        assert exchange(port, "POST", "/_bench/scenario", body)[0] == 200
        got: list[object] = []

        def held() -> None:
            try:
                got.append(exchange(port, "POST", "/adri", b'{"beneficiary": {"nir": "199990000000017"}}'))
            except (OSError, http.client.HTTPException) as exc:
                got.append(exc)

        client = threading.Thread(target=held, daemon=True)
        client.start()
        time.sleep(0.5)
        start = time.monotonic()
        server.stdin.close()
        assert server.wait(5) == 0 and time.monotonic() - start < 3
        client.join(5)
        assert got and isinstance(got[0], OSError | http.client.HTTPException), got  # no answer
    finally:
        server.kill()
        server.wait()


@pytest.fixture
def shadowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding a ``testbench`` directory (a clone's parent), as the current folder."""
    (tmp_path / "testbench").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.usefixtures("shadowed")
def test_the_simulators_start_from_a_folder_holding_a_testbench_directory() -> None:
    proc = ServicesProcess()
    try:
        proc.configure("adri", None)
        assert proc.running
    finally:
        proc.close()


@pytest.mark.usefixtures("shadowed")
def test_the_reference_engine_starts_from_a_folder_holding_a_testbench_directory() -> None:
    call = b'{"jsonrpc": "2.0", "id": 1, "method": "hello", "params": {}}\n'  # the engine's modules load at a call
    done = subprocess.run(reference_engine_command(), input=call, capture_output=True, timeout=60, check=False)
    answer = json.loads(done.stdout.splitlines()[0])
    assert answer["error"]["code"] == -32601, answer  # an unknown method, not an engine that cannot import itself
