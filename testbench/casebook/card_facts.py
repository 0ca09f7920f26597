"""What the casebook's checks need of a card profile: its kind and its beneficiaries' ranks.

The card layer reads profiles in full (testbench.cards.profile, above this layer); the loader only
peeks at these two facts, so that a CPS profile put in the Vitale reader, or a rank the card does not
carry, is refused at the casebook's element rather than found by a campaign. A profile that cannot be
read gives no facts: the fixture's own problem (missing, invalid profile) says why.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from testbench.xmlsafe import parse_file

#: Each family of card (the slot it goes in) by its name in a message.
FAMILY_LABEL = {"vitale": "Vitale", "cps": "CPS"}


@dataclass(frozen=True)
class CardFacts:
    """A profile's ``kind`` (``vitale2``, ``cps3``…) and the ranks of its beneficiaries (Vitale only)."""

    kind: str
    ranks: tuple[int, ...]

    @property
    def family(self) -> str:
        """``vitale`` or ``cps``: the slot the card goes in."""
        return "cps" if self.kind.startswith("cps") else "vitale"


def card_facts(profile: Path) -> CardFacts | None:
    """The profile's facts, or None when it cannot be read (re-read when the file changes)."""
    try:
        stat = profile.stat()
    except (OSError, ValueError):
        return None
    return _read(str(profile), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _read(path: str, _mtime: int, _size: int) -> CardFacts | None:
    try:
        root = parse_file(path).getroot()
    except (OSError, etree.XMLSyntaxError, ValueError):
        return None
    kind = root.get("kind") or ""
    if root.tag != "card-profile" or not kind.startswith(("vitale", "cps")):
        return None
    ranks = []
    for beneficiary in root.findall("beneficiary"):
        rank = beneficiary.get("rank", "")
        if rank.isdigit():
            ranks.append(int(rank))
    return CardFacts(kind=kind, ranks=tuple(sorted(ranks)))
