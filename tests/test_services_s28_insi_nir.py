"""INSi takes the NIR with its key or without it: a request's 13-character NIR is answered with the INS it is (the NIR
and its computed key, Corsica's 2A/2B included), a 15-character one as given; other shapes are still refused. Over
real HTTP, against the simulator's own process."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest

from testbench.cards.nir import check_nir, with_key
from testbench.i18n import english
from testbench.services.process import ServicesProcess

TRAITS = {"birth_name": "MARTIN", "first_name": "PAUL", "sex": "M", "birth_date": "1952-01-01"}


@pytest.fixture(scope="module")
def served() -> Iterator[ServicesProcess]:
    proc = ServicesProcess()
    proc.ensure()
    proc.configure("insi", "identite-trouvee")
    yield proc
    proc.close()


def post(proc: ServicesProcess, body: Any) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", proc.port, timeout=5)
    try:
        conn.request("POST", "/insi", json.dumps(body).encode(), {"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


BODIES = ["1520199999001", "1999900000000", "152012A999001", "152012B999001", "152012a999001"]


@pytest.mark.parametrize("body13", BODIES)
def test_a_13_character_nir_is_found_as_its_ins_with_the_key_computed(served: ServicesProcess, body13: str) -> None:
    status, answer = post(served, {"traits": TRAITS, "nir": body13})
    assert (status, answer["status"]) == (200, "found")
    ins = answer["identities"][0]["ins"]
    assert ins == with_key(body13)
    assert check_nir(ins) == ins  # the key is the right one


def test_a_15_character_nir_is_the_ins_as_given(served: ServicesProcess) -> None:
    status, answer = post(served, {"traits": TRAITS, "nir": "199990000000017"})  # a test NIR, its key not right
    assert (status, answer["identities"][0]["ins"]) == (200, "199990000000017")


@pytest.mark.parametrize("nir", ["199990000000", "19999000000001", "1999900000000AB", "1999900000000١٧"])
def test_another_shape_is_refused_as_13_or_15(served: ServicesProcess, nir: str) -> None:
    status, answer = post(served, {"traits": TRAITS, "nir": nir})
    assert (status, answer["code"]) == (400, "REQUETE_INVALIDE")
    assert english(answer["message"]) == f"nir: 13- or 15-character NIR expected, got “{nir}”"
