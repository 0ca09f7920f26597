"""Which PC/SC readers a card bay uses: per slot, a pool of readers (name + vpcd port).

The pools come from ``TESTBENCH_CARD_READERS`` or the vpcd default plus the spare entries
``scripts/pcscd.sh start --readers N`` adds (docs/cards.md §4.1). No PC/SC call here: the bay keeps
only the spares pcscd actually lists.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

#: vpcd's first port (0x8C7B), Debian's /etc/reader.conf.d/vpcd
DEFAULT_PORT = 35963


@dataclass(frozen=True)
class ReaderSpec:
    """A reader of the bench: its PC/SC name and, for a vpcd reader, its port."""

    name: str  # PC/SC reader name
    port: int = 0  # vpcd port (0 for a physical reader)


#: Debian's default vpcd entry: two readers on 35963/35964.
DEFAULT_READERS = {
    "vitale": ReaderSpec("Virtual PCD 00 00", DEFAULT_PORT),
    "cps": ReaderSpec("Virtual PCD 00 01", DEFAULT_PORT + 1),
}

#: The extra vpcd entries ``scripts/pcscd.sh start --readers N`` adds: letter, first port (2 slots each).
SPARE_ENTRIES = tuple((letter, 36000 + 2 * i) for i, letter in enumerate("BCDEFGH"))


def default_pools() -> dict[str, list[ReaderSpec]]:
    """Slot → readers: ``TESTBENCH_CARD_READERS`` (see :func:`parse_reader_pools`), else the vpcd default
    plus every entry ``pcscd.sh --readers N`` may add (vitale on slot 00 of each, cps on slot 01).
    The bay keeps only the spares pcscd actually lists."""
    text = os.environ.get("TESTBENCH_CARD_READERS", "").strip()
    if text:
        return parse_reader_pools(text)
    return {
        "vitale": [DEFAULT_READERS["vitale"], *(ReaderSpec(f"Virtual PCD {x} 00 00", p) for x, p in SPARE_ENTRIES)],
        "cps": [DEFAULT_READERS["cps"], *(ReaderSpec(f"Virtual PCD {x} 00 01", p + 1) for x, p in SPARE_ENTRIES)],
    }


def parse_reader_pools(text: str) -> dict[str, list[ReaderSpec]]:
    """``vitale=Virtual PCD 00 00@35963|Virtual PCD B 00 00@36000,cps=Virtual PCD 00 01@35964`` → pools.

    ``|`` separates the readers of one slot (the first is where the slot starts); the port is optional.
    """
    out: dict[str, list[ReaderSpec]] = {}
    for item in filter(None, (x.strip() for x in text.split(","))):
        slot, _, rest = item.partition("=")
        specs = []
        for reader in filter(None, (x.strip() for x in rest.split("|"))):
            name, _, port = reader.rpartition("@") if "@" in reader else (reader, "", "0")
            specs.append(ReaderSpec(name.strip(), int(port or 0)))
        if specs:
            out[slot.strip()] = specs
    return out


def parse_reader_map(text: str) -> dict[str, ReaderSpec]:
    """``vitale=Virtual PCD 00 00@35963,cps=Virtual PCD 00 01@35964`` → mapping (port optional; the
    first reader of each pool)."""
    return {slot: specs[0] for slot, specs in parse_reader_pools(text).items()}


def default_readers() -> dict[str, ReaderSpec]:
    """Slot → first reader: ``TESTBENCH_CARD_READERS`` or the vpcd default (what must exist to run)."""
    text = os.environ.get("TESTBENCH_CARD_READERS", "").strip()
    return parse_reader_map(text) if text else dict(DEFAULT_READERS)
