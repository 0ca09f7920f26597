"""``<remove-card>`` on a physical reader (audit s26-cards, E1): the bench cannot pull the card, so it asks the
person and waits until pcscd shows the reader empty, with an insertion's stop and time limit; it used to record
the card removed while it stayed in the reader (false evidence).

The test plays the person with its own emulator in the vpcd reader named as physical
(tests/test_cards_physical_readers).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
import test_cards_physical_readers as physical
from test_cards_physical_readers import PSAD, READER, Person

from testbench.cards.api import CardUnavailable, CardWaitStopped
from testbench.cards.pcsc import card_present
from testbench.cards.reader_pools import ReaderSpec
from testbench.i18n import english

pytestmark = pytest.mark.integration
person = physical.person  # the fixture: the test's hand at the reader

ASK = f"Retirez la carte du lecteur « {READER} » (cps)."


def _bay(prompt: Any, timeout: float = 5.0) -> Any:
    from testbench.cards.bay import PcscBay

    return PcscBay(readers={"cps": ReaderSpec(READER)}, prompt=prompt, operator_timeout=timeout)


def _empty() -> bool:
    from testbench.cards.pcsc import Context

    with Context() as ctx:
        return not card_present(ctx.status([READER])[READER][0])


def test_remove_asks_the_person_and_waits_until_the_reader_is_empty(person: Person) -> None:
    prompts: list[str] = []

    def operator(message: str) -> None:
        prompts.append(message)
        threading.Timer(0.3, person.pull).start()

    person.insert(PSAD)
    with _bay(operator) as bay:
        bay.present("cps", PSAD)
        bay.remove("cps")
        assert prompts == [ASK] and _empty()
        assert "cps" not in bay.profiles
    assert english(ASK) == f"Remove the card from reader “{READER}” (cps)."


def test_remove_of_an_empty_reader_asks_nothing(person: Person) -> None:
    prompts: list[str] = []
    with _bay(prompts.append) as bay:
        bay.remove("cps")
    assert prompts == []


def test_a_card_nobody_pulls_is_not_recorded_removed(person: Person) -> None:
    prompts: list[str] = []
    person.insert(PSAD)
    with _bay(prompts.append, timeout=0.5) as bay:
        with pytest.raises(CardUnavailable) as caught:
            bay.remove("cps")
        assert str(caught.value) == f"pas de réponse de l'opérateur en 0.5 s au lecteur {READER} : {ASK}"
        assert english(str(caught.value)).startswith("no answer from the operator within 0.5 s")
        bay.prompt = None  # no one to ask: the card still in is said at once
        with pytest.raises(CardUnavailable) as caught:
            bay.remove("cps")
        assert str(caught.value) == f"carte toujours dans le lecteur {READER} : {ASK}"
        assert english(str(caught.value)) == f"card still in reader {READER}: {english(ASK)}"
    assert prompts == [ASK]


def test_a_stop_ends_the_wait_for_a_removal(person: Person) -> None:
    stop = threading.Event()
    person.insert(PSAD)
    with _bay(lambda _message: threading.Timer(0.3, stop.set).start(), timeout=30.0) as bay:
        bay.stop_on(stop)
        with pytest.raises(CardWaitStopped) as caught:
            bay.remove("cps")
    assert str(caught.value) == f"arrêt demandé avant le retrait de la carte du lecteur {READER}"
