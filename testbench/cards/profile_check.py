"""The card profiles a casebook names, read before a campaign needs them (``validate``, ``new case``).

A malformed, empty or foreign profile is otherwise found only when a case presents that card, as a bench
error in the middle of a campaign. It lives in the card layer, which reads profiles, above the casebook's.
"""

from __future__ import annotations

from collections.abc import Iterable

from testbench.cards.profile import ProfileError, load_profile
from testbench.casebook.errors import Problem, in_both
from testbench.casebook.model import CardFixture, SourceRef

_PROFILE_INVALID = "profil de carte invalide : {reason}"


def card_profile_problems(cards: Iterable[CardFixture]) -> list[Problem]:
    """Each card profile the fixtures name that is there but cannot be used, at its own file:line:col.

    Each file is read once; a missing one is already a problem of the casebook
    (:meth:`FixturesReader._card_profile`).
    """
    problems: list[Problem] = []
    for profile in dict.fromkeys(card.profile for card in cards):
        try:
            load_profile(profile)
        except ProfileError as exc:
            if not profile.is_file():
                continue
            for each in exc.all:  # every problem of the profile at once, as a casebook's
                where = SourceRef(each.file, each.line, each.col)
                said = in_both(lambda t, e=each: t(_PROFILE_INVALID).format(reason=t(e.message)))
                problems.append(Problem(where, *said))
    return problems
