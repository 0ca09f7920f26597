"""The organisme destinataire's caisse and centre, as a Vitale card, an ApCV context, an ADRi answer or an
attestation de droits (a patient fixture) give them: where an invoice's lot is addressed, with the régime.

A value is kept only in its own shape (caisse: 3 digits, centre: 4); anything else counts as not given, so
that a lot is refused as unaddressed rather than sent to a caisse « 000 ».
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: each part of the organisme beside the régime, by its number of digits
ORGANISME_DIGITS = {"caisse": 3, "centre": 4}


def organisme_of(rights: Mapping[str, Any]) -> dict[str, str]:
    """The caisse and centre ``rights`` give, each only when it has its number of digits."""
    found = {}
    for name, size in ORGANISME_DIGITS.items():
        value = str(rights.get(name) or "")
        if value.isdigit() and len(value) == size:
            found[name] = value
    return found
