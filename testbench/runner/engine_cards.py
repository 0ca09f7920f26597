"""Where an out-of-process engine reads the cards: the protocol's ``cards.mode`` (``--engine-cards``).

``client`` (the default): the engine asks the bench for every APDU. ``pcsc``: it opens the bench's PC/SC readers
itself, by the names given at its start, so each slot needs one reader (``TESTBENCH_CARD_READERS``). ``profiles``:
it builds the case's cards in its own process from their profile files; it is told them when it starts, so a case
whose cards differ from the running process's starts a fresh engine (recorded as a restart of that case).
``none``: it reads no card. See docs/engine-protocol.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from testbench.cards.api import CardBay, CardUnavailable
from testbench.cards.profile import CardProfile
from testbench.engines.api import JsonObject
from testbench.engines.protocol.client import SubprocessEngine


def engine_cards(mode: str, bay: CardBay) -> JsonObject:
    """The ``cards`` object of ``initialize`` for ``mode``; a bench that cannot give it raises CardUnavailable."""
    if mode == "pcsc":
        return {"mode": "pcsc", "readers": own_readers(bay)}
    if mode == "profiles":
        return {"mode": "profiles", "profiles": profile_paths(getattr(bay, "profiles", {}))}
    return {"mode": mode}


def own_readers(bay: Any) -> dict[str, str]:
    """Slot → the PC/SC reader an engine opens itself: one reader per slot, named once for the whole run."""
    if not callable(getattr(bay, "reader_pool", None)):
        raise CardUnavailable(
            "--engine-cards pcsc : le moteur ouvre lui-même les lecteurs PC/SC, mais le banc n'en a pas (cartes en"
            " mémoire) ; lancez pcscd, ou --cards pcsc"
        )
    pools = {slot: bay.reader_pool(slot) for slot in bay.slots()}
    several = [f"{slot} ({len(pool)})" for slot, pool in pools.items() if len(pool) > 1]
    if several:
        raise CardUnavailable(
            "--engine-cards pcsc : le moteur est configuré à son démarrage avec un lecteur par emplacement ; "
            f"plusieurs lecteurs pour {', '.join(several)} : choisissez-en un par emplacement (TESTBENCH_CARD_READERS)"
        )
    return {slot: pool[0] for slot, pool in pools.items()}


def profile_paths(profiles: Mapping[str, CardProfile | Path]) -> dict[str, str]:
    """Slot → the file of the card profile presented there (a profile built in memory has none: left out)."""
    paths = {slot: p.path if isinstance(p, CardProfile) else p for slot, p in profiles.items()}
    return {slot: str(path) for slot, path in paths.items() if path is not None}


class ProfiledEngine(SubprocessEngine):
    """An out-of-process engine started in ``profiles`` mode: it is told each case's cards when they are
    presented (:meth:`cards_presented`, called by the runner), and restarted when they differ from its own."""

    def cards_presented(self, profiles: Mapping[str, CardProfile | Path]) -> None:
        wanted = {"mode": "profiles", "profiles": profile_paths(profiles)}
        if wanted != self.cards:
            self.cards = wanted
            self.close()  # the next call starts a process built on these cards


@contextlib.contextmanager
def kit_cards(mode: str) -> Iterator[JsonObject | None]:
    """The ``cards`` object ``engine check`` starts the engine with for ``mode`` (None: client, the kit's own
    in-memory cards): the kit's test Vitale and CPS as profile files, or presented in the bench's PC/SC readers
    for the engine to open (``pcsc``; CardUnavailable without a PC/SC stack), released when the check ends."""
    from testbench.engines.protocol.conformance import SAMPLE_CARDS
    from testbench.paths import CARD_PROFILES_DIR

    paths = {slot: Path(CARD_PROFILES_DIR) / name for slot, name in SAMPLE_CARDS.items()}
    if mode == "client":
        yield None
    elif mode == "profiles":
        yield {"mode": "profiles", "profiles": profile_paths(paths)}
    elif mode == "pcsc":
        from testbench.cards import bays

        problem = bays.pcsc_problem()
        if problem is not None:
            raise CardUnavailable(f"--engine-cards pcsc : pile PC/SC indisponible : {problem}")
        with bays.PcscBay() as bay:
            for slot, path in paths.items():
                bay.present(slot, path)
            yield {"mode": "pcsc", "readers": {slot: bay.reader_name(slot) for slot in paths}}
    else:
        yield {"mode": mode}
