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


def vpcd_port(number: int) -> int:
    """The port of vpcd reader ``number`` as ``cards emulate --reader`` numbers them: 0 and 1 pcscd's default
    entry, 2… the entries ``pcscd.sh --readers N`` adds (two ports each, from 36000)."""
    return DEFAULT_PORT + number if number < 2 else SPARE_ENTRIES[0][1] + number - 2


def vpcd_number(port: int) -> int | None:
    """The reader number of vpcd ``port`` (:func:`vpcd_port`'s inverse), or None for a port outside that numbering."""
    if DEFAULT_PORT <= port < DEFAULT_PORT + 2:
        return port - DEFAULT_PORT
    return port - SPARE_ENTRIES[0][1] + 2 if port >= SPARE_ENTRIES[0][1] else None


def vpcd_name(number: int) -> str | None:
    """The PC/SC name pcscd gives vpcd reader ``number`` (``pcscd.sh``'s config), or None past its entries."""
    if number < 2:
        return DEFAULT_READERS[SLOTS[number]].name
    entry = (number - 2) // 2
    return f"Virtual PCD {SPARE_ENTRIES[entry][0]} 00 0{number % 2}" if entry < len(SPARE_ENTRIES) else None


class ReaderConfigError(ValueError):
    """``TESTBENCH_CARD_READERS`` cannot be read; the message (French) names the variable and the bad part."""


#: The reader slots a casebook names (its schema's ``Slot``).
SLOTS = tuple(DEFAULT_READERS)


def default_pools() -> dict[str, list[ReaderSpec]]:
    """Slot → readers: ``TESTBENCH_CARD_READERS`` (see :func:`parse_reader_pools`), else the vpcd default
    plus every entry ``pcscd.sh --readers N`` may add (vitale on slot 00 of each, cps on slot 01).
    The bay keeps only the spares pcscd actually lists. Raises :class:`ReaderConfigError`."""
    text = os.environ.get("TESTBENCH_CARD_READERS", "").strip()
    if text:
        return parse_reader_pools(text)
    return {
        "vitale": [DEFAULT_READERS["vitale"], *(ReaderSpec(f"Virtual PCD {x} 00 00", p) for x, p in SPARE_ENTRIES)],
        "cps": [DEFAULT_READERS["cps"], *(ReaderSpec(f"Virtual PCD {x} 00 01", p + 1) for x, p in SPARE_ENTRIES)],
    }


def reader_config_problem() -> str | None:
    """Why ``TESTBENCH_CARD_READERS`` cannot be read (French), or None: a run checks it before it starts,
    rather than let every case find its slot unknown."""
    try:
        default_pools()
    except ReaderConfigError as exc:
        return str(exc)
    return None


def parse_reader_pools(text: str) -> dict[str, list[ReaderSpec]]:
    """``vitale=Virtual PCD 00 00@35963|Virtual PCD B 00 00@36000,cps=Virtual PCD 00 01@35964`` → pools.

    ``|`` separates the readers of one slot (the first is where the slot starts); the port is optional.
    Raises :class:`ReaderConfigError` on an item that is not ``SLOT=READER…``, a slot a casebook cannot
    name, a slot given twice or not given, a port that is not a number from 0 to 65535, a reader or a vpcd
    port given twice.
    """
    out: dict[str, list[ReaderSpec]] = {}
    for item in filter(None, (x.strip() for x in text.split(","))):
        slot, equals, rest = (part.strip() for part in item.partition("="))
        if not (slot and equals):
            raise _not_a_pool(item)
        if slot not in SLOTS:
            raise ReaderConfigError(
                f"TESTBENCH_CARD_READERS : emplacement inconnu « {slot} » dans « {item} » (vitale ou cps)"
            )
        specs = [_reader(reader, item) for reader in filter(None, (x.strip() for x in rest.split("|")))]
        if not specs or any(not spec.name for spec in specs):
            raise _not_a_pool(item)
        if slot in out:
            raise ReaderConfigError(f"TESTBENCH_CARD_READERS : emplacement « {slot} » donné deux fois")
        out[slot] = specs
    if not out:
        raise _not_a_pool(text.strip())
    _given_twice(out)
    missing = [slot for slot in SLOTS if slot not in out]
    if missing:  # every case that presents that card would end « emplacement de lecteur inconnu »
        raise ReaderConfigError(
            f"TESTBENCH_CARD_READERS : aucun lecteur pour l'emplacement « {missing[0]} » ; donnez-en un pour"
            f" chacun ({', '.join(SLOTS)})"
        )
    return out


def _given_twice(pools: dict[str, list[ReaderSpec]]) -> None:
    """Refuse a reader or a vpcd port given twice: the bench would wait on its own port lock, or ask the person
    to pull the card the other slot needs from the one reader both slots share."""
    slots: dict[str, str] = {}  # reader → the slot it was first given to
    readers: dict[int, str] = {}  # vpcd port → the reader it was first given to
    for slot, specs in pools.items():
        for i, spec in enumerate(specs):
            first = slots.setdefault(spec.name, slot)
            if first != slot:
                raise ReaderConfigError(
                    f"TESTBENCH_CARD_READERS : le lecteur « {spec.name} » est donné à deux emplacements"
                    f" ({first} et {slot}) ; chaque emplacement a son lecteur"
                )
            if spec.name in (other.name for other in specs[:i]):
                raise ReaderConfigError(f"TESTBENCH_CARD_READERS : le lecteur « {spec.name} » est donné deux fois")
            if spec.port and readers.setdefault(spec.port, spec.name) != spec.name:
                raise ReaderConfigError(
                    f"TESTBENCH_CARD_READERS : le port {spec.port} est donné à deux lecteurs"
                    f" (« {readers[spec.port]} » et « {spec.name} ») ; chaque lecteur vpcd a son port"
                )


def _reader(text: str, item: str) -> ReaderSpec:
    """``NAME@PORT`` or ``NAME`` (port 0: a physical reader)."""
    name, _, port = text.rpartition("@") if "@" in text else (text, "", "")
    try:
        number = int(port.strip() or 0)
    except ValueError:
        number = -1
    if not 0 <= number <= 65535:
        raise ReaderConfigError(
            f"TESTBENCH_CARD_READERS : port « {port.strip()} » invalide dans « {item} » (un nombre de 0 à 65535)"
        )
    return ReaderSpec(name.strip(), number)


def _not_a_pool(item: str) -> ReaderConfigError:
    return ReaderConfigError(
        f"TESTBENCH_CARD_READERS : « {item} » n'est pas de la forme EMPLACEMENT=LECTEUR@PORT|LECTEUR@PORT"
        " (par exemple vitale=Virtual PCD 00 00@35963,cps=Virtual PCD 00 01@35964)"
    )


def parse_reader_map(text: str) -> dict[str, ReaderSpec]:
    """``vitale=Virtual PCD 00 00@35963,cps=Virtual PCD 00 01@35964`` → mapping (port optional; the
    first reader of each pool). Raises :class:`ReaderConfigError`."""
    return {slot: specs[0] for slot, specs in parse_reader_pools(text).items()}


def default_readers() -> dict[str, ReaderSpec]:
    """Slot → first reader: ``TESTBENCH_CARD_READERS`` or the vpcd default (what must exist to run).
    Raises :class:`ReaderConfigError`."""
    text = os.environ.get("TESTBENCH_CARD_READERS", "").strip()
    return parse_reader_map(text) if text else dict(DEFAULT_READERS)
