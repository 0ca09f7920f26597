"""``testbench services serve --lang en`` answers the registry's own sentences in English too: the ``message`` of a
scenario's error (« aucun bénéficiaire pour ce NIR et ce rang », « service INSi indisponible ») and the ApCV
``reason``, which an application under test shows its user. The French server answers them as written."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest

from testbench.services import answers
from testbench.services.process import ServicesProcess, command
from testbench.services.scenarios import registry

BODY = {"beneficiary": {"nir": "1999900000000"}, "channel": "qr", "number": "RX-1",
        "traits": {"birth_name": "A", "sex": "M", "birth_date": "1999-01-01"}}  # fmt: skip
SAID = [
    ("adri", "beneficiaire-inconnu", "message", "no beneficiary for this NIR and rank"),
    ("adri", "service-indisponible", "message", "ADRi service unavailable"),
    ("apcv", "service-indisponible", "message", "ApCV service unavailable"),
    ("insi", "service-indisponible", "message", "INSi service unavailable"),
    ("eprescription", "service-indisponible", "message", "e-prescription service unavailable"),
    ("apcv", "contexte-refuse", "reason", "app carte Vitale deactivated"),
]


def server(lang: str) -> ServicesProcess:
    argv = command()
    argv[argv.index("--lang") + 1] = lang
    proc = ServicesProcess(argv=argv)
    proc.ensure()
    return proc


@pytest.fixture(scope="module")
def english() -> Iterator[ServicesProcess]:
    proc = server("en")
    yield proc
    proc.close()


def call(proc: ServicesProcess, service: str, scenario: str) -> dict[str, Any]:
    proc.configure(service, scenario)
    conn = http.client.HTTPConnection("127.0.0.1", proc.port, timeout=5)
    try:
        conn.request("POST", f"/{service}", json.dumps(BODY).encode(), {"Content-Type": "application/json"})
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


@pytest.mark.parametrize(("service", "scenario", "key", "said"), SAID)
def test_the_english_server_says_the_registry_sentences_in_english(
    english: ServicesProcess, service: str, scenario: str, key: str, said: str
) -> None:
    assert call(english, service, scenario)[key] == said


def test_the_french_server_says_them_as_the_registry_writes_them() -> None:
    proc = server("fr")
    try:
        answer = call(proc, "adri", "beneficiaire-inconnu")
    finally:
        proc.close()
    assert answer["message"] == "aucun bénéficiaire pour ce NIR et ce rang"


def test_every_sentence_of_the_registry_is_marked_for_the_catalogue() -> None:
    written = {
        str(scenario.params[key])
        for by_name in registry().scenarios.values()
        for scenario in by_name.values()
        for key in ("message", "reason")
        if key in scenario.params
    }
    assert written and written <= set(answers.REGISTRY_WORDS)
