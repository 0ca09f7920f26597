"""The test PIN steps: ``verify-pin``, ``change-pin`` and ``unblock-pin``.

The PIN, the PIN a change sets and the unblock code come from the card profile present in the slot
(never from a casebook) and go only to the card: the channel masks VERIFY, CHANGE REFERENCE DATA and
RESET RETRY COUNTER data before any trace sink, and neither a result nor a refusal contains them.
Tries are counted first and nothing is sent when fewer than ``min_tries`` remain, so a bench or
casebook bug cannot block a test card (design note 13).

Which of the profile's two test PINs the card holds after a ``change-pin`` is the bay's
``changed_pins`` (slot → PIN): a bay forgets it when it presents a fresh card, so each case starts
from the profile's ``code``. A second ``change-pin`` changes back.

A refusal by the card is a business answer a case may expect, so it is raised as the runner's
refusal type (:class:`testbench.domain.refusal.EngineRefusal`) with a stable code:
``PIN_BLOCKED`` (0 tries left, nothing sent), ``PIN_TRIES_LOW`` (too few tries left to risk one,
nothing sent), ``PIN_WRONG`` (the card refused the PIN; ``details`` has the tries left), and for the
unblock code ``UNBLOCK_BLOCKED``, ``UNBLOCK_TRIES_LOW``, ``UNBLOCK_WRONG`` likewise.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from testbench.domain.refusal import EngineRefusal
from testbench.i18n import tn

from .apdu import INS_CHANGE_REFERENCE_DATA, INS_RESET_RETRY_COUNTER, INS_VERIFY, build
from .api import CardChannel, CardError
from .layout import PIN_REFERENCE, UNBLOCK_REFERENCE, pin_block
from .profile import Pin
from .read import exchange, pin_tries_left
from .sw import sw_meaning

PIN_BLOCKED = "PIN_BLOCKED"
PIN_TRIES_LOW = "PIN_TRIES_LOW"
PIN_WRONG = "PIN_WRONG"
UNBLOCK_BLOCKED = "UNBLOCK_BLOCKED"
UNBLOCK_TRIES_LOW = "UNBLOCK_TRIES_LOW"
UNBLOCK_WRONG = "UNBLOCK_WRONG"


def known_test_codes(profiles: Path) -> frozenset[str]:
    """The codes of the test cards whose profiles are in the folder ``profiles``: each PIN, the PIN a change sets
    and the unblock code. For redaction only (:mod:`testbench.traces.pin_words` masks them after the word
    « code »): the bench knows these values, so a note that writes one needs no label to be masked. A profile
    that cannot be read adds none (its own checks say why where it is used)."""
    from .profile import ProfileError, load_profile

    codes: set[str] = set()
    try:
        files = sorted(profiles.glob("*.xml"))
    except OSError:
        return frozenset()
    for file in files:
        try:
            pin = load_profile(file).pin
        except (ProfileError, OSError, ValueError):
            continue
        if pin is not None:
            codes |= {code for code in (pin.reveal(), pin.reveal_new(), pin.reveal_unblock()) if code}
    return frozenset(codes)


def _one_sequence(step: Callable[[CardChannel, str, int], dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """A PIN step's commands in one PC/SC transaction of a bay that has them (``sequence``), ended after the step:
    no other program's command comes between the tries count and the VERIFY, nor waits until the case ends."""

    @functools.wraps(step)
    def run(bay: CardChannel, slot: str, min_tries: int = 2) -> dict[str, Any]:
        sequence = getattr(bay, "sequence", None)
        with sequence(slot) if sequence is not None else contextlib.nullcontext():
            return step(bay, slot, min_tries)

    return run


def _pin(bay: CardChannel, slot: str) -> Pin:
    profile = getattr(bay, "profiles", {}).get(slot)
    if profile is None or profile.pin is None:
        raise CardError(f"aucun code porteur de test connu pour la carte du lecteur {slot}")
    return profile.pin


def _current(bay: CardChannel, slot: str, pin: Pin) -> str:
    return getattr(bay, "changed_pins", {}).get(slot) or pin.reveal()


def _tries_after(sw: int) -> int | None:
    return 0 if sw == 0x6983 else (sw & 0x0F if sw & 0xFFF0 == 0x63C0 else None)


def _count(bay: CardChannel, slot: str, min_tries: int) -> int | None:
    """The PIN tries left (None: already verified), refusing when too few remain to risk one."""
    before = pin_tries_left(bay, slot)
    if before == 0:
        raise EngineRefusal(PIN_BLOCKED, "code porteur bloqué : non présenté", {"tries_before": 0, "sent": False})
    if before is not None and before < min_tries:
        raise EngineRefusal(
            PIN_TRIES_LOW,
            tn(
                "code porteur non présenté : {count} essai restant seulement",
                "code porteur non présenté : {count} essais restants seulement",
                before,
                "fr",
            ),
            {"tries_before": before, "sent": False},
        )
    return before


def _refused(sw: int, before: int | None) -> EngineRefusal:
    after = _tries_after(sw)
    return EngineRefusal(
        PIN_BLOCKED if after == 0 else PIN_WRONG,
        f"code porteur refusé : {sw_meaning(sw)}",
        {"tries_before": before, "tries_after": after, "sent": True},
    )


@_one_sequence
def verify_test_pin(bay: CardChannel, slot: str, min_tries: int = 2) -> dict[str, Any]:
    """Present the slot's test PIN; return ``{"status", "verified", "sent", "tries_before", "tries_left"}``.

    Raises EngineRefusal (codes above) when the card refuses or the PIN is not sent, CardError when
    no test PIN is known for the card, CardUnavailable when the card is gone.
    """
    pin = _pin(bay, slot)
    before = _count(bay, slot, min_tries)
    if before is None:  # already verified in this card session
        return {"status": "verified", "verified": True, "sent": False, "tries_before": None, "tries_left": None}
    _, sw = exchange(bay, slot, build(0, INS_VERIFY, 0, PIN_REFERENCE, pin_block(_current(bay, slot, pin))))
    if sw == 0x9000:
        return {
            "status": "verified",
            "verified": True,
            "sent": True,
            "tries_before": before,
            "tries_left": pin.max_tries,
        }
    raise _refused(sw, before)


@_one_sequence
def change_test_pin(bay: CardChannel, slot: str, min_tries: int = 2) -> dict[str, Any]:
    """CHANGE REFERENCE DATA from the card's current test PIN to the profile's other one.

    Returns ``{"status": "changed", "sent", "tries_before", "tries_left"}``; refuses like
    :func:`verify_test_pin` (a wrong old PIN counts a try on the card).
    """
    pin = _pin(bay, slot)
    before = _count(bay, slot, min_tries)
    old = _current(bay, slot, pin)
    new = pin.reveal_new() if old == pin.reveal() else pin.reveal()
    _, sw = exchange(bay, slot, build(0, INS_CHANGE_REFERENCE_DATA, 0, PIN_REFERENCE, pin_block(old) + pin_block(new)))
    if sw != 0x9000:
        raise _refused(sw, before)
    changed = getattr(bay, "changed_pins", None)
    if changed is not None:
        if new == pin.reveal():
            changed.pop(slot, None)
        else:
            changed[slot] = new
    return {"status": "changed", "sent": True, "tries_before": before, "tries_left": pin.max_tries}


@_one_sequence
def unblock_test_pin(bay: CardChannel, slot: str, min_tries: int = 2) -> dict[str, Any]:
    """RESET RETRY COUNTER with the profile's unblock code: the PIN gets all its tries back, unchanged.

    Returns ``{"status": "unblocked", "sent", "tries_before", "tries_left"}`` (``tries_before``: the
    PIN's tries before, 0 when it was blocked). The unblock code's own tries are counted first, and it
    is not sent when fewer than ``min_tries`` remain (``UNBLOCK_TRIES_LOW``; ``UNBLOCK_BLOCKED`` at 0).
    Raises CardError when the profile has no unblock code.
    """
    pin = _pin(bay, slot)
    unblock = pin.reveal_unblock()
    if unblock is None:
        raise CardError(f"aucun code de déblocage de test connu pour la carte du lecteur {slot}")
    before = pin_tries_left(bay, slot)
    _, sw = exchange(bay, slot, build(0, INS_VERIFY, 0, UNBLOCK_REFERENCE))
    left = _tries_after(sw)
    if left == 0:
        raise EngineRefusal(
            UNBLOCK_BLOCKED, "code de déblocage bloqué : non présenté", {"unblock_tries_before": 0, "sent": False}
        )
    if left is not None and left < min_tries:
        raise EngineRefusal(
            UNBLOCK_TRIES_LOW,
            tn(
                "code de déblocage non présenté : {count} essai restant seulement",
                "code de déblocage non présenté : {count} essais restants seulement",
                left,
                "fr",
            ),
            {"unblock_tries_before": left, "sent": False},
        )
    _, sw = exchange(bay, slot, build(0, INS_RESET_RETRY_COUNTER, 1, PIN_REFERENCE, pin_block(unblock)))
    if sw != 0x9000:
        after = _tries_after(sw)
        raise EngineRefusal(
            UNBLOCK_BLOCKED if after == 0 else UNBLOCK_WRONG,
            f"code de déblocage refusé : {sw_meaning(sw)}",
            {"unblock_tries_before": left, "unblock_tries_after": after, "sent": True},
        )
    return {"status": "unblocked", "sent": True, "tries_before": before, "tries_left": pin.max_tries}
