"""NIR (numéro d'inscription au répertoire) parsing and key check.

The key rule (clé = 97 − (13-digit NIR mod 97), Corsica 2A/2B counted as 19/18) is tagged
unverified against an official text; it is what public validators use (docs/cards.md §2.1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NIR_RE = re.compile(r"^[12345678][0-9]{2}(?:0[1-9]|1[0-2]|[2-9][0-9])(?:[0-9]{2}|2A|2B)[0-9]{6}$")  # ASCII digits only


class NirError(ValueError):
    """The string is not a well-formed NIR or its key is wrong."""


def _numeric_body(body13: str) -> int:
    """The 13 characters as an integer, with Corsica's 2A/2B replaced by 19/18."""
    body = body13.upper()
    if body[5:7] == "2A":
        body = body[:5] + "19" + body[7:]
    elif body[5:7] == "2B":
        body = body[:5] + "18" + body[7:]
    return int(body)


def nir_key(body13: str) -> str:
    """Return the 2-digit key of a 13-character NIR body."""
    if len(body13) != 13 or not _NIR_RE.match(body13.upper()):
        raise NirError(f"NIR invalide (13 caractères attendus) : {body13}")
    return f"{97 - _numeric_body(body13) % 97:02d}"


def normalize_nir(nir: str) -> str:
    """Remove spaces and upper-case; accepts 13 (no key) or 15 characters."""
    return re.sub(r"\s+", "", nir).upper()


def is_valid_nir(nir: str) -> bool:
    try:
        check_nir(nir)
    except NirError:
        return False
    return True


def check_nir(nir: str) -> str:
    """Return the normalised 15-character NIR, or raise NirError (bad shape or bad key)."""
    value = normalize_nir(nir)
    if len(value) != 15 or not value[13:].isdigit():
        raise NirError(f"NIR invalide (15 caractères attendus) : {nir}")
    expected = nir_key(value[:13])
    if value[13:] != expected:
        raise NirError(f"clé NIR incorrecte pour {value[:13]} : {value[13:]} (attendu {expected})")
    return value


def with_key(body13: str) -> str:
    """Append the computed key to a 13-character body."""
    return normalize_nir(body13) + nir_key(normalize_nir(body13))


@dataclass(frozen=True)
class NirParts:
    """A NIR cut into its fields (sex, birth year and month, place, order, key)."""

    sex: str
    year: str
    month: str
    department: str
    commune: str
    order: str
    key: str

    @property
    def temporary(self) -> bool:
        """Temporary numbers start with 3, 4, 7 or 8 (as public validators have it; docs/cards.md §2.1)."""
        return self.sex in "3478"


def split_nir(nir: str) -> NirParts:
    v = check_nir(nir)
    return NirParts(v[0], v[1:3], v[3:5], v[5:7], v[7:10], v[10:13], v[13:15])


def format_nir(nir: str) -> str:
    """Human layout: 1 80 01 99 999 001 23."""
    v = normalize_nir(nir)
    if len(v) != 15:
        return v
    return f"{v[0]} {v[1:3]} {v[3:5]} {v[5:7]} {v[7:10]} {v[10:13]} {v[13:15]}"
