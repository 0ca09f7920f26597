"""The ``<right>`` names and values of a patient fixture, as the runner reads them (runner/actions.py).

A right the runner does not know would silently become a coverage flag the engine ignores, and a date
written otherwise than ISO would fail the case as the product's fault (INVALID_REQUEST): the loader
refuses both at the ``<right>``, in ``validate``, ``run`` and the workstation alike.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from datetime import date

from testbench.casebook.xsd_messages import no_such_date
from testbench.i18n import _t

#: Rights that are identity, régime or organisme (caisse, centre), not coverage flags (runner/actions.py).
IDENTITY_RIGHTS = frozenset({"nir", "name", "first_name", "birth_date", "regime", "caisse", "centre"})
#: The coverage flags the reference engine reads (its model imports them), each with its optional period.
COVERAGE_FLAGS = ("ald", "c2s", "ame", "maternity", "at_mp", "prevention", "alsace_moselle", "exonerated", "aspa")
#: The words of a ``coverage`` right: the flags, or ``standard`` (none).
COVERAGE_WORDS = frozenset({*COVERAGE_FLAGS, "standard"})
#: Every right name the runner reads, keyed as it keys them (``birth-date`` → ``birth_date``).
KNOWN_RIGHTS = frozenset(
    {
        *IDENTITY_RIGHTS,
        "coverage",
        "exo",
        "rights_start",
        "rights_end",
        *COVERAGE_FLAGS,
        *(f"{flag}_{end}" for flag in COVERAGE_FLAGS for end in ("start", "end")),
    }
)
#: A NIR as the bench sends it: 13 characters, or 15 with its key; the first digit is the sex (1, 2, 3, 4, 7, 8),
#: the department may be Corsica's 2A/2B (testbench.cards.nir has the full rule and the key).
_NIR = re.compile(r"[1-478][0-9]{4}(?:[0-9]{2}|2[AB])[0-9]{6}(?:[0-9]{2})?")  # ASCII digits: \d takes any script's
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Report = Callable[..., None]
_NOT_ISO = _t("droit « {name} » : date « {value} » invalide (AAAA-MM-JJ attendu)")
_NOT_IN_CALENDAR = _t("droit « {name} » : « {value} » n'est pas une date du calendrier : {reason}")


def right_key(name: str) -> str:
    """A right's name as the runner keys it."""
    return name.replace("-", "_")


def is_date_right(key: str) -> bool:
    """Whether the right holds a date (a birth date, a period's start or end)."""
    return key == "birth_date" or key.endswith(("_start", "_end"))


def _is_iso_date(value: str) -> bool:
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_right(name: str, value: str, at: int, report: Report) -> None:
    """Report a right the runner would drop or the engine refuse: an unknown name, a date not
    AAAA-MM-JJ, a NIR of the wrong shape, an unknown coverage word."""
    key = right_key(name)
    if key not in KNOWN_RIGHTS:
        _unknown(name, at, report)
    elif is_date_right(key) and not _is_iso_date(value):
        if no_such_date(value, str) is not None:  # written AAAA-MM-JJ: « AAAA-MM-JJ attendu » would say nothing
            reason = functools.partial(no_such_date, value)
            report(at, _NOT_IN_CALENDAR, "value", name=name, value=value, reason=reason)
        else:
            report(at, _NOT_ISO, "value", name=name, value=value)
    elif key == "nir" and not _NIR.fullmatch(value):
        report(
            at,
            "NIR « {value} » invalide : 13 caractères, ou 15 avec la clé, le premier chiffre 1, 2, 3, 4, 7 ou 8",
            "value",
            value=value,
        )
    elif key == "coverage":
        unknown = [word for word in value.split() if right_key(word) not in COVERAGE_WORDS]
        if unknown:
            report(
                at,
                "couverture inconnue : {unknown} (connues : {known})",
                "value",
                unknown=", ".join(unknown),
                known=", ".join(sorted(COVERAGE_WORDS)),
            )


def _unknown(name: str, at: int, report: Report) -> None:
    """An unknown right's name, with the closest known one as a hint (spelt with dashes if it was)."""
    import difflib  # for a hint on an error only

    near = difflib.get_close_matches(right_key(name).lower(), sorted(KNOWN_RIGHTS), n=1)
    if near:
        hint = near[0].replace("_", "-") if "-" in name else near[0]
        report(at, "droit « {name} » inconnu — vouliez-vous dire « {near} » ?", "name", name=name, near=hint)
    else:
        report(at, "droit « {name} » inconnu (voir docs/casebook-format.md, <patient>)", "name", name=name)


#: The identity traits an INSi search sends (runner/teleservices.py): without them the service refuses it.
INSI_TRAITS = ("nir", "name", "birth_date")


def missing_insi_traits(rights: Mapping[str, str]) -> list[str]:
    """The traits an INSi search on this fixture's identity would lack (the sex comes from the NIR)."""
    keyed = {right_key(name): value for name, value in rights.items()}
    return [name.replace("_", "-") for name in INSI_TRAITS if not keyed.get(name)]

