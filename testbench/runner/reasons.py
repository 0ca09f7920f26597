"""A failed case's reason and the count of its other deviations (« … (et 2 autres écarts) »).

The reason names the first failed expectation; a reviewer must see there were more. Recorded in French like
every reason; :data:`EN_SHAPES` reads it back in English (``testbench.i18n``): the catalogue's template
cannot, its first part (« e-amo : attendu … ») holding « : », which only a last part may span.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from testbench.domain.verdict import Outcome
from testbench.i18n import tn

#: the reason of an attempt a stopped process left without a verdict (^C, SIGTERM, kill): recorded by the next run
#: that opens the session, and said by a JUnit written before any did (:mod:`testbench.report.junit`)
INTERRUPTED = "tentative interrompue (processus arrêté avant le verdict)"


def others_said(reason: str, others: int, lang: str | None = None) -> str:
    """``reason`` and the count of the other deviations, in ``lang`` (the active language by default)."""
    return tn("{reason} (et {count} autre écart)", "{reason} (et {count} autres écarts)", others, lang, reason=reason)


def with_others(outcome: Outcome, others: int) -> Outcome:
    """The same verdict, its reason followed by how many other deviations the case had (French, recorded)."""
    if others <= 0 or not outcome.reason:
        return outcome
    return Outcome(outcome.verdict, others_said(outcome.reason, others, "fr"))


def counted(step: str | None, finished: Collection[str] | None) -> bool:
    """Whether a failed expectation of ``step`` is one of its case's deviations. ``finished``: the steps a stopped
    case finished (None: it ran to its end); an expectation of a step it never finished failed because the case
    stopped (a refusal expected at a step never run, a value of the step that stopped it), not one more deviation."""
    return finished is None or step is None or step in finished


def deviations(comparisons: Iterable[Mapping[str, Any]], finished: Collection[str] | None = None) -> list[str]:
    """Every deviation of an attempt, in the recorded order, each as a reason names one (« e-amo : attendu
    163,00 €, observé 163,80 € (différent) »): the expectations it did not meet (a value a stopped case never
    reached is not evaluated, « none », not one of them) that :func:`counted` counts. French, as recorded."""
    return [
        f"{c.get('expectation_id')} : {c.get('message')}"
        for c in comparisons
        if str(c.get("outcome")) not in ("pass", "none") and counted(c.get("step"), finished)
    ]


def detail_lines(
    reason: str, comparisons: Iterable[Mapping[str, Any]], finished: Collection[str] | None = None
) -> list[str]:
    """What the body of a case's failure says, where its one-line reason names only the first deviation (a JUnit
    ``<failure>``'s text, pytest's report of the item): every deviation (:func:`deviations`), one a line, after
    the reason when the reason is not one of them (a step's refusal, a bench fault); the reason alone when the
    case has none."""
    lines = deviations(comparisons, finished)
    if reason and not any(reason.startswith(line) for line in lines):
        lines.insert(0, reason)
    return lines


_OTHERS = re.compile(r"(?P<reason>.+) \(et (?P<count>\d+) autres? écarts?\)", re.DOTALL)


def _others_en(match: re.Match[str], t: Callable[[str], str]) -> str:
    return others_said(t(match["reason"]), int(match["count"]), "en")


EN_SHAPES = ((_OTHERS, _others_en),)
