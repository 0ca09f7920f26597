"""Every reason the simulated téléservices give a person is the catalogue's: French by default, wholly
English when read back in English (``i18n.english``, as every display of a stored reason does), and never a
raw Python value or Python's own English words (a decoder's message, ``None``, an OS error's text).

The reasons reach a person through the engine's refusal (« téléservice ADRi : requête refusée : … », the
request refused by the simulator), the bench's control of the simulator (a step in error) and the
simulator's process that cannot start (an inconclusive step). The server is the real one, over HTTP.
"""

from __future__ import annotations

import http.client
import json
import socket
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from testbench.fmt import DOMAIN_LABELS
from testbench.i18n import english
from testbench.services.process import ServicesDown, ServicesProcess, command
from testbench.services.scenarios import RegistryError, parse_registry

#: What Python's own words would look like in a reason: none may reach a person, in either language
PYTHON_WORDS = ("None", "Expecting", "Errno", "Traceback", "line 1 column", "char ", "Error:", "{'")


@pytest.fixture(scope="module")
def server() -> Iterator[ServicesProcess]:
    services = ServicesProcess()
    services.ensure()
    yield services
    services.close()


def post(services: ServicesProcess, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", services.port, timeout=5)
    try:
        conn.request("POST", path, body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def assert_both_languages(french: str, expected_english: str) -> None:
    assert not [w for w in PYTHON_WORDS if w in french], french
    assert english(french) == expected_english, french


#: A request the simulator refuses (HTTP 400), and its reason in English
REFUSED = [
    ("/adri", b"pas du JSON", "unreadable JSON at column 1"),
    ("/adri", b'{"beneficiary": {"nir": "1"', "unreadable JSON at column 28"),
    ("/adri", b"[1, 2]", "JSON message that is not an object"),
    ("/adri", b"\xff{}", "byte 1 is not UTF-8"),
    ("/adri", b'{"beneficiary": 3}', "beneficiary: object expected"),
    ("/adri", b'{"beneficiary": {"nir": ""}}', "beneficiary.nir: NIR expected"),
    (
        "/adri",
        b'{"beneficiary": {"nir": "199990000000017"}, "query": null}',
        "query: “cible” or “systematique” expected, got “null”",
    ),
    (
        "/adri",
        b'{"beneficiary": {"nir": "199990000000017"}, "care_date": "2026-13-01"}',
        "care_date: ISO date expected, got “2026-13-01”",
    ),
    (
        "/adri",
        b'{"beneficiary": {"nir": "199990000000017"}, "care_date": [2026]}',
        "care_date: ISO date expected, got “[2026]”",
    ),
    ("/apcv", b'{"channel": "sms"}', "channel: “qr” or “nfc” expected, got “sms”"),
    ("/insi", b'{"traits": null}', "traits: object expected"),
    ("/eprescription", b'{"number": ""}', "number: prescription number expected"),
]


@pytest.mark.parametrize(("path", "body", "expected"), REFUSED)
def test_a_refused_request_says_why_in_either_language(
    server: ServicesProcess, path: str, body: bytes, expected: str
) -> None:
    server.configure(path[1:], None)
    status, answer = post(server, path, body)
    assert status == 400 and answer["code"] == "REQUETE_INVALIDE"
    assert_both_languages(answer["message"], expected)
    # as the person reads it: in the engine's refusal (engines.reference.teleservices), the service in words
    named = DOMAIN_LABELS[path[1:]]
    said = f"téléservice {named} : requête refusée : {answer['message']}"
    assert english(said) == f"teleservice {named}: request refused: {expected}"


CONTROL = [
    ({}, "unknown teleservice “null”"),
    ({"service": ["adri"]}, 'unknown teleservice “["adri"]”'),
    ({"service": "adri", "scenario": 7}, "unknown scenario “7” for adri (known: "),
    ({"service": "adri", "fault": {"x": 1}}, 'unknown fault “{"x": 1}” (known: none, timeout, '),
]


@pytest.mark.parametrize(("body", "expected"), CONTROL)
def test_the_control_api_names_a_value_as_json_never_as_python(
    server: ServicesProcess, body: dict[str, Any], expected: str
) -> None:
    status, answer = post(server, "/_bench/scenario", json.dumps(body).encode())
    assert status == 400 and not answer["ok"]
    assert not [w for w in PYTHON_WORDS if w in answer["message"]], answer["message"]
    assert english(answer["message"]).startswith(expected), answer["message"]


def test_a_simulator_that_cannot_start_says_why_without_python_words() -> None:
    with pytest.raises(ServicesDown) as missing:
        ServicesProcess(argv=["/nonexistent/testbench-services"]).ensure()
    assert_both_languages(str(missing.value), "the teleservice simulator does not start: not found")

    with pytest.raises(ServicesDown) as crashed:  # a process that dies with a traceback before its port
        ServicesProcess(argv=[sys.executable, "-c", "raise SystemExit(1/0)"]).ensure()
    assert_both_languages(
        str(crashed.value), "the teleservice simulator did not start: the teleservice simulator stopped (code 1)"
    )

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        argv = [*command()[:-1], str(port)]
        with pytest.raises(ServicesDown) as refused:
            ServicesProcess(argv=argv).ensure()
    assert_both_languages(
        str(refused.value),
        "the teleservice simulator did not start: the teleservice simulator stopped (code 2); "
        f"teleservice server cannot start: port {port} already in use",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'format = "testbench-scenarios/1"\n[adri\n',
            ":2:6: scenario registry unreadable: invalid TOML syntax: “]” expected at the end of the table header",
        ),
        ('format = "autre"\n', ":1:10: scenario registry: format “testbench-scenarios/1” expected"),
        ('format = "testbench-scenarios/1"\n', ": scenario registry: no scenario for adri"),
        (
            'format = "testbench-scenarios/1"\n[adri.x]\nanswer = "nope"\n',
            ":2:1: scenario registry: adri.x: unknown “answer”",
        ),
    ],
)
def test_a_damaged_registry_says_why_in_either_language(text: str, expected: str) -> None:
    with pytest.raises(RegistryError) as damaged:
        parse_registry(text)
    said = str(damaged.value)  # after the registry file's place (tests/test_services_registry_damaged.py)
    where = said.index("teleservices.toml") + len("teleservices.toml")
    assert_both_languages(said[where:], expected)
