"""What a session records of a casebook's fixtures (its meta ``fixtures:<sha256>``), for the exports' redaction.

A report is rebuilt from its session file alone, and must mask the same personal values whichever cases the
session ran (a ``-k`` selection, a CI shard, a ``--failed`` rerun): a case's title may name the holder of a card
another case reads. So the session records, once per casebook, the personal data its fixtures declare — a patient's
rights, a prescription's attributes, and the holders of every card profile the casebook declares (card fields named
as :data:`testbench.cards.layout.PERSONAL_FIELDS` names them; never a PIN) — which
``testbench.report.personal.known_values`` adds to the values the session read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from testbench.cards.profile import CardProfile, ProfileError, load_profile
from testbench.casebook.model import Casebook


def recorded_fixtures(casebook: Casebook) -> dict[str, dict[str, Any]]:
    """The casebook's fixtures as its session records them: ``patients`` (id → rights), ``prescriptions`` (id →
    attributes), ``cards`` (id → its holders' card fields); the empty ones left out by the caller."""
    fixtures = casebook.fixtures
    return {
        "patients": {p.id: dict(p.rights) for p in fixtures.patients.values() if p.rights},
        "prescriptions": {p.id: dict(p.attributes) for p in fixtures.prescriptions.values() if p.attributes},
        "cards": {card.id: holders for card in fixtures.cards.values() if (holders := _holders(card.profile))},
    }


def _holders(path: Path) -> list[dict[str, str]]:
    """The personal fields of a card profile, one dict per person or situation; none when the profile cannot be
    read (the casebook's own checks say why, and a case that needs it is refused)."""
    try:
        profile = load_profile(path)
    except (ProfileError, OSError, ValueError):
        return []
    return card_holders(profile)


def card_holders(profile: CardProfile) -> list[dict[str, str]]:
    """A profile's holders as card fields: the Vitale's holder NIR and each beneficiary, the CPS's professional and
    each situation's structure, FINESS and AM number. Its PIN and unblock code are never among them."""
    people: list[dict[str, Any]] = [{"nir": profile.holder_nir}]
    for b in profile.beneficiaries:
        people.append(
            {
                "nir": b.nir,
                "name": b.name,
                "first_name": b.first_name,
                "usual_name": b.usual_name,
                "birth_date": b.birth_date.isoformat(),
            }
        )
    if profile.professional is not None:
        pro = profile.professional
        people.append({"rpps": pro.rpps, "name": pro.name, "first_name": pro.first_name})
    for s in profile.situations:
        people.append({"structure": s.structure, "finess": s.finess, "am_number": s.am_number})
    kept = [{k: str(v) for k, v in person.items() if v not in (None, "")} for person in people]
    return [person for person in kept if person]
