"""A failed case's reason and the count of its other deviations (« … (et 2 autres écarts) »).

The reason names the first failed expectation; a reviewer must see there were more. Recorded in French like
every reason; :data:`EN_SHAPES` reads it back in English (``testbench.i18n``): the catalogue's template
cannot, its first part (« e-amo : attendu … ») holding « : », which only a last part may span.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from testbench.domain.verdict import Outcome
from testbench.i18n import tn


def others_said(reason: str, others: int, lang: str | None = None) -> str:
    """``reason`` and the count of the other deviations, in ``lang`` (the active language by default)."""
    return tn("{reason} (et {count} autre écart)", "{reason} (et {count} autres écarts)", others, lang, reason=reason)


def with_others(outcome: Outcome, others: int) -> Outcome:
    """The same verdict, its reason followed by how many other deviations the case had (French, recorded)."""
    if others <= 0 or not outcome.reason:
        return outcome
    return Outcome(outcome.verdict, others_said(outcome.reason, others, "fr"))


_OTHERS = re.compile(r"(?P<reason>.+) \(et (?P<count>\d+) autres? écarts?\)", re.DOTALL)


def _others_en(match: re.Match[str], t: Callable[[str], str]) -> str:
    return others_said(t(match["reason"]), int(match["count"]), "en")


EN_SHAPES = ((_OTHERS, _others_en),)
