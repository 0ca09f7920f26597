"""An ApCV step presents a card read's birth date as the simulator takes it (ISO, day or month 00 kept): keyed off
the product's screen day first, a lunar date (« 00/00/1961 ») is one too, and a year of two digits is no birth date
the bench may guess a century for (« 17/03/61 » is not 2061): it goes as keyed, for the simulator to refuse."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from testbench.runner import teleservices
from testbench.services import answers


def _presented(born: str) -> object:
    ben = {"rank": 1, "nir": "1 80 01 75 123 456 78", "name": "MARTIN", "first_name": "Paul", "birth_date": born}
    casebook = SimpleNamespace(fixtures=SimpleNamespace(patients={"p": SimpleNamespace(rank="1", rights={})}))
    ctx = SimpleNamespace(casebook=casebook, observations={"vitale": {"beneficiaries": [ben]}})
    return teleservices._identity(ctx, SimpleNamespace(params={"patient": "p"}))["birth_date"]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("keyed", "sent"),
    [
        ("00/00/1961", "1961-00-00"),
        ("00/03/1961", "1961-03-00"),
        ("17.03.1961", "1961-03-17"),
        ("17/03/1961", "1961-03-17"),
    ],
)
def test_a_birth_date_keyed_day_first_is_sent_in_iso_lunar_included(keyed: str, sent: str) -> None:
    assert _presented(keyed) == sent
    answers.birth_date(sent, "identity.birth_date")  # the simulator takes it: no 400


@pytest.mark.parametrize("keyed", ["17/03/61", "1961-00-00", "vers 1961"])
def test_a_birth_date_of_no_full_day_first_form_goes_as_keyed(keyed: str) -> None:
    assert _presented(keyed) == keyed
