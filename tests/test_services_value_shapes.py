"""A value of the wrong shape is refused HTTP 400 naming its field, never served back as a valid answer: the
ApCV identity the control API sets (a NIR that is a number, a rank that is no integer, a name that is no text),
a NIR whose key is in other digits than ASCII (« ١٧ »), a date that is an object."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest

from testbench.i18n import english
from testbench.services.process import ServicesProcess

NIR = "199990000000017"
TRAITS = {"birth_name": "A", "sex": "M", "birth_date": "1999-01-01"}
IDENTITY = {"nir": NIR, "rank": 1, "name": "MARTIN", "first_name": None, "birth_date": "1960-00-00"}


@pytest.fixture(scope="module")
def served() -> Iterator[ServicesProcess]:
    proc = ServicesProcess()
    proc.ensure()
    yield proc
    proc.close()


def post(proc: ServicesProcess, path: str, body: Any) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", proc.port, timeout=5)
    try:
        conn.request("POST", path, json.dumps(body, ensure_ascii=False).encode(), {"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def control(identity: Any) -> dict[str, Any]:
    return {"service": "apcv", "scenario": "contexte-valide", "fault": "none", "identity": identity}


@pytest.mark.parametrize(
    ("identity", "said"),
    [
        ({"nir": 5}, "identity.nir: 13- or 15-character NIR expected, got “5”"),
        ({"nir": True}, "identity.nir: 13- or 15-character NIR expected, got “true”"),
        ({**IDENTITY, "rank": "2"}, "identity.rank: integer from 1 to 999 expected, got “2”"),
        ({**IDENTITY, "name": 7}, "identity.name: text expected, got “7”"),
        ({**IDENTITY, "first_name": ["A"]}, "identity.first_name: text expected, got “[\"A\"]”"),
        ({**IDENTITY, "birth_date": {"a": 1}}, "identity.birth_date: ISO date expected, got “{\"a\": 1}”"),
        ("someone", "identity: object expected"),
    ],
)
def test_the_control_api_refuses_an_identity_of_the_wrong_shape(
    served: ServicesProcess, identity: Any, said: str
) -> None:
    status, answer = post(served, "/_bench/scenario", control(identity))
    assert (status, answer["ok"]) == (400, False)
    assert english(answer["message"]) == said


def test_an_identity_of_the_right_shape_is_answered_with_its_rank(served: ServicesProcess) -> None:
    assert post(served, "/_bench/scenario", control({k: v for k, v in IDENTITY.items() if k != "rank"}))[0] == 200
    status, answer = post(served, "/apcv", {"channel": "nfc", "care_date": "2026-01-12"})
    assert (status, answer["status"]) == (200, "valid")
    assert answer["identity"] == {**IDENTITY, "rank": 1}


@pytest.mark.parametrize(
    ("path", "body", "said"),
    [
        ("/insi", {"traits": TRAITS, "nir": "1999900000000١٧"},
         "nir: 13- or 15-character NIR expected, got “1999900000000١٧”"),
        ("/insi", {"traits": {**TRAITS, "birth_date": 19990101}},
         "traits.birth_date: ISO date expected, got “19990101”"),
        ("/adri", {"beneficiary": {"nir": NIR, "birth_date": {"a": 1}}}, "beneficiary.birth_date: ISO date expected,"
         " got “{\"a\": 1}”"),
        ("/adri", {"beneficiary": {"nir": "19999000000001X"}}, "beneficiary.nir: 13- or 15-character NIR expected, got"
         " “19999000000001X”"),
        ("/adri", {"beneficiary": {"nir": NIR}, "care_date": "2026-٠١-12"}, "care_date: ISO date expected, got"
         " “2026-٠١-12”"),
    ],
)  # fmt: skip
def test_a_request_value_of_the_wrong_shape_is_refused_naming_its_field(
    served: ServicesProcess, path: str, body: Any, said: str
) -> None:
    served.configure(path.strip("/"), None)
    status, answer = post(served, path, body)
    assert (status, answer["code"]) == (400, "REQUETE_INVALIDE")
    assert english(answer["message"]) == said


def test_a_lunar_birth_date_is_a_birth_date(served: ServicesProcess) -> None:
    served.configure("adri", "droits-ouverts")
    status, answer = post(served, "/adri", {"beneficiary": {"nir": NIR, "birth_date": "1960-00-00"}})
    assert (status, answer["status"]) == (200, "ok")
