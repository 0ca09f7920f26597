"""A mark the bench did not send (another client's ``POST /_bench/mark`` with a mark that is no integer) is
ignored by the bench's reader of the simulator's log: the reader lives on, every later exchange still reaches
the ``http`` channel, and no traceback of a dead thread reaches stderr."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator

import pytest

from testbench.services.process import ServicesProcess

Line = tuple[str, str | None, str | None]


@pytest.fixture
def served() -> Iterator[tuple[ServicesProcess, list[Line]]]:
    lines: list[Line] = []
    proc = ServicesProcess(sink=lambda text, ts, level: lines.append((text, ts, level)))
    proc.ensure()
    yield proc, lines
    proc.close()


def post(port: int | None, path: str, body: object) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@pytest.mark.parametrize(
    "mark",
    ["abc", None, True, 1.5, [1], {"n": 1}, "9" * 5000],
    ids=["text", "null", "bool", "float", "list", "object", "digits"],
)
def test_a_stray_mark_leaves_the_reader_alive_and_later_exchanges_traced(
    served: tuple[ServicesProcess, list[Line]], mark: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    proc, lines = served
    died: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: died.append(args.exc_value))
    assert post(proc.port, "/_bench/mark", {"mark": mark}) == 200
    proc.configure("adri", "droits-ouverts")
    body = {"query": "cible", "beneficiary": {"nir": "199990000000017", "rank": 1}}
    assert post(proc.port, "/adri", body) == 200
    proc.settle()
    assert proc._reader is not None and proc._reader.is_alive()
    assert not died, died
    assert any(text.startswith("POST /adri → 200 en ") for text, _ts, _level in lines), lines
