"""Presenting a card's test PIN for a ``verify-pin`` step.

The PIN comes from the card profile present in the slot (never from a casebook) and goes only to
the card: the channel masks VERIFY data before any trace sink, and neither the result nor a refusal
contains it. Tries are counted first and the PIN is not sent when fewer than ``min_tries`` remain,
so a bench or casebook bug cannot block a test card (design note 13).

A refusal by the card is a business answer a case may expect, so it is raised as the runner's
refusal type (:class:`testbench.domain.refusal.EngineRefusal`) with a stable code:
``PIN_BLOCKED`` (0 tries left, nothing sent), ``PIN_TRIES_LOW`` (too few tries left to risk one,
nothing sent), ``PIN_WRONG`` (the card refused the PIN; ``details`` has the tries left).
"""

from __future__ import annotations

from typing import Any

from testbench.domain.refusal import EngineRefusal

from .apdu import INS_VERIFY, build
from .api import CardChannel, CardError
from .layout import PIN_REFERENCE, pin_block
from .read import exchange, pin_tries_left
from .sw import sw_meaning

PIN_BLOCKED = "PIN_BLOCKED"
PIN_TRIES_LOW = "PIN_TRIES_LOW"
PIN_WRONG = "PIN_WRONG"


def verify_test_pin(bay: CardChannel, slot: str, min_tries: int = 2) -> dict[str, Any]:
    """Present the slot's test PIN; return ``{"verified", "sent", "tries_before"}`` (no PIN in it).

    Raises EngineRefusal (codes above) when the card refuses or the PIN is not sent, CardError when
    no test PIN is known for the card, CardUnavailable when the card is gone.
    """
    profile = getattr(bay, "profiles", {}).get(slot)
    if profile is None or profile.pin is None:
        raise CardError(f"aucun code porteur de test connu pour la carte du lecteur {slot}")
    before = pin_tries_left(bay, slot)
    if before is None:  # already verified in this card session
        return {"verified": True, "sent": False, "tries_before": None}
    if before == 0:
        raise EngineRefusal(PIN_BLOCKED, "code porteur bloqué : non présenté", {"tries_before": 0, "sent": False})
    if before < min_tries:
        raise EngineRefusal(
            PIN_TRIES_LOW,
            f"code porteur non présenté : {before} essai(s) restant(s) seulement",
            {"tries_before": before, "sent": False},
        )
    _, sw = exchange(bay, slot, build(0, INS_VERIFY, 0, PIN_REFERENCE, pin_block(profile.pin.reveal())))
    if sw == 0x9000:
        return {"verified": True, "sent": True, "tries_before": before}
    after = 0 if sw == 0x6983 else (sw & 0x0F if sw & 0xFFF0 == 0x63C0 else None)
    code = PIN_BLOCKED if after == 0 else PIN_WRONG
    raise EngineRefusal(
        code, f"code porteur refusé : {sw_meaning(sw)}", {"tries_before": before, "tries_after": after, "sent": True}
    )
