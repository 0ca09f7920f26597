"""An ApCV step after a card read presents the card's identity to the simulator: read in operator mode, the NIR and
birth date are as the operator keyed them off the product's screen (« 1 80 01 75 123 456 78 », « 17/03/1961 »). The
simulator takes a NIR without spaces and an ISO date: they were sent as keyed, refused (400), and the step was an
error blamed on the casebook."""

from __future__ import annotations

from types import SimpleNamespace

from testbench.runner import teleservices
from testbench.services import answers


def _context(ben: dict[str, object]) -> object:
    casebook = SimpleNamespace(fixtures=SimpleNamespace(patients={"p": SimpleNamespace(rank="1", rights={})}))
    return SimpleNamespace(casebook=casebook, observations={"vitale": {"beneficiaries": [ben]}})


def test_an_identity_keyed_as_shown_is_presented_as_the_simulator_takes_it() -> None:
    traits = {"name": "MARTIN", "first_name": "Paul"}
    ben = {"rank": 1, "nir": "1 80 01 75 123 456 78", **traits, "birth_date": "17/03/1961"}
    who = teleservices._identity(_context(ben), SimpleNamespace(params={"patient": "p"}))  # type: ignore[arg-type]
    assert who == {"nir": "180017512345678", "rank": 1, **traits, "birth_date": "1961-03-17"}
    assert answers.presented_identity(who) == who  # the control API's check: no 400


def test_a_lunar_birth_date_and_a_missing_nir_pass_as_they_are() -> None:
    ben = {"rank": 1, "nir": None, "name": "X", "first_name": None, "birth_date": "1961-00-00"}
    who = teleservices._identity(_context(ben), SimpleNamespace(params={"patient": "p"}))  # type: ignore[arg-type]
    assert (who["nir"], who["birth_date"]) == (None, "1961-00-00")
