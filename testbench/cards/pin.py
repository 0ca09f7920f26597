"""Presenting a card's test PIN for a ``verify-pin`` step.

The PIN comes from the card profile present in the slot (never from a casebook) and goes only to
the card: the channel masks VERIFY data before any trace sink, and the result never contains it.
Tries are counted first and the PIN is not sent when fewer than ``min_tries`` remain, so a bench or
casebook bug cannot block a test card (design note 13).
"""

from __future__ import annotations

from typing import Any

from .api import CardChannel, CardError
from .read import PinRefused, pin_tries_left, verify_pin


def verify_test_pin(bay: CardChannel, slot: str, min_tries: int = 2) -> dict[str, Any]:
    """Return ``{"verified", "sent", "tries_before", "tries_after", "reason"}`` (no PIN in it).

    Card refusals (wrong PIN, blocked, too few tries) are results, not errors: a case may expect
    them. Environment problems raise CardError (CardUnavailable…).
    """
    profile = getattr(bay, "profiles", {}).get(slot)
    if profile is None or profile.pin is None:
        raise CardError(f"aucun code porteur de test connu pour la carte du lecteur {slot}")
    before = pin_tries_left(bay, slot)
    result: dict[str, Any] = {"verified": False, "sent": False, "tries_before": before, "tries_after": before}
    if before is None:  # already verified in this card session
        result.update(verified=True, reason="déjà vérifié")
        return result
    try:
        verify_pin(bay, slot, profile.pin.reveal(), min_tries)
    except PinRefused as exc:
        after = pin_tries_left(bay, slot)
        result.update(sent=after != before, tries_after=after, reason=str(exc))
        return result
    result.update(verified=True, sent=True, tries_after=None, reason="")
    return result
