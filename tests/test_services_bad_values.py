"""A request value of the wrong type or out of range (a rank that is no integer, a care date at the calendar's
ends) is refused HTTP 400 ``REQUETE_INVALIDE`` naming its field — never the simulator's HTTP 500, nor a rank
echoed as a 309-digit integer or a boolean read as 1."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest

from testbench.i18n import english
from testbench.services.process import ServicesProcess


@pytest.fixture(scope="module")
def served() -> Iterator[ServicesProcess]:
    proc = ServicesProcess()
    proc.configure("adri", "droits-ouverts")
    proc.configure("apcv", "contexte-valide")
    yield proc
    proc.close()


def post(proc: ServicesProcess, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", proc.port, timeout=5)
    try:
        conn.request("POST", path, body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def adri(rank: str, care: str = "2026-01-12") -> bytes:
    return f'{{"query":"cible","care_date":"{care}","beneficiary":{{"nir":"199990000000017","rank":{rank}}}}}'.encode()


BAD = [
    ("/adri", adri('"x"'), "beneficiary.rank: integer from 1 to 999 expected, got “x”"),
    ("/adri", adri("1e308"), "beneficiary.rank: integer from 1 to 999 expected, got “1e+308”"),
    ("/adri", adri("true"), "beneficiary.rank: integer from 1 to 999 expected, got “true”"),
    ("/adri", adri("1.5"), "beneficiary.rank: integer from 1 to 999 expected, got “1.5”"),
    ("/adri", adri("0"), "beneficiary.rank: integer from 1 to 999 expected, got “0”"),
    ("/adri", adri("1", "9999-12-31"), "care_date: date too close to the calendar's limits, got “9999-12-31”"),
    ("/adri", adri("1", "0001-01-01"), "care_date: date too close to the calendar's limits, got “0001-01-01”"),
    ("/apcv", b'{"channel":"qr","care_date":"9999-12-31"}',
     "care_date: date too close to the calendar's limits, got “9999-12-31”"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "body", "expected"), BAD)
def test_a_value_of_the_wrong_type_or_range_is_refused_naming_its_field(
    served: ServicesProcess, path: str, body: bytes, expected: str
) -> None:
    status, answer = post(served, path, body)
    assert status == 400 and answer["code"] == "REQUETE_INVALIDE", answer
    assert english(answer["message"]) == expected


def test_a_rank_given_as_an_integer_or_not_at_all_is_answered(served: ServicesProcess) -> None:
    assert post(served, "/adri", adri("2"))[1]["beneficiaries"][0]["rank"] == 2
    status, answer = post(served, "/adri", b'{"query":"cible","beneficiary":{"nir":"199990000000017"}}')
    assert status == 200 and answer["beneficiaries"][0]["rank"] == 1
