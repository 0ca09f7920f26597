"""The bundled PSAD/MAD and nurse casebooks, as data (see scripts/make_bundled_casebooks.py)."""

from __future__ import annotations

from bundled_cases import (
    nurse,
    psad_amc,
    psad_cartes,
    psad_degrade,
    psad_lots,
    psad_regles,
    psad_securise,
    psad_teleservices,
)

BOOKS = [
    psad_securise.BOOK,
    psad_degrade.BOOK,
    psad_lots.BOOK,
    psad_regles.BOOK,
    psad_amc.BOOK,
    psad_teleservices.BOOK,
    psad_cartes.BOOK,
    nurse.BOOK,
]
