"""The card profiles a casebook names, read before a campaign needs them (``validate``, ``new case``).

A malformed, empty or foreign profile is otherwise found only when a case presents that card, as a bench
error in the middle of a campaign. It lives in the card layer, which reads profiles, above the casebook's.
"""

from __future__ import annotations

from collections.abc import Iterable

from testbench.cards.profile import ProfileError, load_profile
from testbench.casebook.errors import Problem
from testbench.casebook.model import CardFixture, SourceRef
from testbench.casebook.source import xml_detail
from testbench.i18n import translator

_PROFILE_INVALID = "profil de carte invalide : {reason}"
_MALFORMED = "XML mal formé : "  # testbench.cards.profile's prefix of the XML library's detail


def card_profile_problems(cards: Iterable[CardFixture]) -> list[Problem]:
    """Each card profile the fixtures name that is there but cannot be used, at its own file:line:col.

    Each file is read once; a missing one is already a problem of the casebook
    (:meth:`FixturesReader._card_profile`).
    """
    problems: list[Problem] = []
    t_fr, t_en = translator("fr"), translator("en")
    for profile in dict.fromkeys(card.profile for card in cards):
        try:
            load_profile(profile)
        except ProfileError as exc:
            if not profile.is_file():
                continue
            for each in exc.all:  # every problem of the profile at once, as a casebook's
                where = SourceRef(each.file, each.line, each.col)
                french = t_fr(_PROFILE_INVALID).format(reason=t_fr(_one_line(each.message)))
                english = t_en(_PROFILE_INVALID).format(reason=_one_line(each.said("en")))
                problems.append(Problem(where, french, english))
    return problems


def _one_line(message: str) -> str:
    """The problem on one line, as ``validate --watch`` pairs problems and CI greps them: libxml2 echoes the
    faulty source line after its detail, which is dropped; a detail of a known shape is then said in French."""
    first = " ".join(message.strip().split("\n", 1)[0].split())
    head, malformed, detail = first.partition(_MALFORMED)
    return head + malformed + xml_detail(detail) if malformed else first
