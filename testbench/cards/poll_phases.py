"""Spread pcscd's poll phases over the readers of a pool, so a prepared card shows in the reader polled next.

Run once right after pcscd starts (``scripts/pcscd.sh start``); see :func:`stagger_poll_phases` and
docs/cards.md §4.1.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

from .api import CardUnavailable
from .pcsc import Context, card_present, list_readers, wait_for
from .reader_pools import ReaderSpec, default_pools
from .virtual import build_card
from .vpcd import VirtualICC

#: pcscd checks each reader for a card every 400 ms (``PCSCLITE_STATUS_POLL_RATE`` in pcsc-lite's
#: ``src/pcscd.h``; docs/cards.md §4.1).
POLL_PERIOD = 0.4


class _SlowFirstAtr:
    """A card that answers vpcd's first ATR request late: pcscd's poll thread of that reader is held
    that long, so its 400 ms poll cycle is shifted for good (used by :func:`stagger_poll_phases`)."""

    def __init__(self, card: Any, delay: float) -> None:
        self._card = card
        self._delay = delay

    @property
    def atr(self) -> bytes:
        if self._delay > 0:
            time.sleep(self._delay)
            self._delay = 0.0
        return bytes(self._card.atr)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._card, name)


def _insert_all(readers: dict[str, ReaderSpec], delays: dict[str, float], timeout: float) -> dict[str, float]:
    """Insert a card in every reader at once (late first ATR per ``delays``), return when pcscd showed
    each one (time.monotonic()), then pull them all and wait for EMPTY."""
    from ..paths import CARD_PROFILES_DIR

    profile = CARD_PROFILES_DIR / "vitale2-adult-standard.xml"
    cards = {n: VirtualICC(_SlowFirstAtr(build_card(profile), delays.get(n, 0.0)), s.port) for n, s in readers.items()}
    seen: dict[str, float] = {}

    def watch(name: str) -> None:
        with contextlib.suppress(CardUnavailable):
            wait_for(name, True, timeout)
            seen[name] = time.monotonic()

    threads = [threading.Thread(target=watch, args=(n,), daemon=True) for n in readers]
    try:
        for card in cards.values():
            card.insert(2.0)
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout + 1.0)
    finally:
        for card in cards.values():
            card.remove()
        for name in readers:
            with contextlib.suppress(CardUnavailable):
                wait_for(name, False, 2.0)
    if len(seen) != len(readers):
        raise CardUnavailable(f"lecteurs muets pendant le calage : {', '.join(sorted(set(readers) - set(seen)))}")
    return seen


def stagger_poll_phases(pools: dict[str, list[ReaderSpec]] | None = None) -> dict[str, float]:
    """Spread pcscd's poll phases over the readers of each pool of 3 readers or more; return the shifts (s).

    A freshly started pcscd polls all its readers in step, so a card prepared in any spare reader shows
    at the same moment. Spread evenly (every 400/n ms), the bay's ``prepare()`` can pick the spare that
    pcscd polls next. Run once right after pcscd starts (``scripts/pcscd.sh start``), with no card in
    the readers: it inserts a test card in each reader and answers pcscd's first ATR request late.
    Pools of two are left in step, which suits them better (the old card's reader must show EMPTY
    first). This is our own technique, not a pcsc-lite feature.
    """
    listed = set(list_readers())
    groups = [
        [r for r in specs if r.name in listed and r.port]
        for specs in (pools if pools is not None else default_pools()).values()
    ]
    groups = [g for g in groups if len(g) >= 3]
    readers = {r.name: r for g in groups for r in g}
    if not readers:
        return {}
    with Context() as ctx:
        if any(card_present(state) for state, _ in ctx.status(list(readers)).values()):
            raise CardUnavailable("calage des lecteurs impossible : un lecteur contient déjà une carte")
    seen = _insert_all(readers, {}, 2.0)
    delays: dict[str, float] = {}
    for group in groups:
        ref = seen[group[0].name]
        for k, r in enumerate(group):
            shift = (ref + k * POLL_PERIOD / len(group) - seen[r.name]) % POLL_PERIOD
            delays[r.name] = 0.0 if shift > POLL_PERIOD - 0.01 else shift  # ~a full period: in place already
    _insert_all(readers, delays, 2.0 + POLL_PERIOD)
    return delays
