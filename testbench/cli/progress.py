"""The run's progress line: a bar with counts per verdict on a terminal, one line per case otherwise.

A terminal that declares it moves no cursor (``TERM=dumb``: an editor's shell, some CI runners) gets the plain
lines too: the bar's « \\r » and erase code would be printed there as they are.

On a terminal, a case that does not pass (failed, in error, inconclusive, pending) is said above the bar as it
ends — its id, verdict and the first line of its reason —, as pytest names a failure while its bar goes on.
Without a terminal the lines land in a CI log, which is kept and shared like an export: a case's reason
passes through the redaction rules first (a NIR, a labelled name or birth date…, docs/traces.md), and the values
of the deviation it names are hidden whole when their expectation's path says what they are (``…name``,
``…birth_date``, ``…nir``), as the report and the JUnit file do with the same reason.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any, TextIO

from testbench.domain.verdict import NOT_PASSED, Verdict
from testbench.i18n import colon, translator
from testbench.runner.events import CaseFinished, CaseStarted, RunEvent

if TYPE_CHECKING:
    from testbench.casebook.model import Case
    from testbench.report.personal import Scrubber

_ORDER = (
    Verdict.PASS,
    Verdict.FAIL,
    Verdict.ERROR,
    Verdict.INCONCLUSIVE,
    Verdict.PENDING,
    Verdict.NONE,  # a session's case without a final verdict (never one of this run's outcomes)
    Verdict.SKIPPED,
)

#: the longest reason said there, in characters (the report and the JUnit keep it whole)
_SHORT = 100

#: the value deviation a reason opens with, as testbench.runner.compare words it (French, as recorded)
_DEVIATION = re.compile(
    r"(?P<id>\S+) : (?:attendu (?P<expected>.+?), observé (?P<observed>.+?) \((?:égal|différent|écart [^()]*)\)"
    r"|valeur (?:attendue|observée) « (?P<value>.+?) » : )"
)


def by_path(recorded: str, case: Case | None, scrub: Scrubber) -> tuple[str, list[dict[str, Any]]]:
    """``recorded`` with the values of the deviation it opens with hidden whole when its expectation's path says
    what they are (``…name``, ``…nir``: :meth:`Scrubber.at_path`, which needs no known value), and that deviation
    as a comparison, for the note saying how the two hidden values differ (:meth:`Scrubber.noted`)."""
    from testbench.report.personal import path_kind

    found = _DEVIATION.match(recorded)
    if found is None or case is None:
        return recorded, []
    path = next((e.path for e in case.expectations if e.id == found["id"]), "")
    if not path or path_kind(path) is None:
        return recorded, []
    masked = recorded
    for name in ("value", "observed", "expected"):  # from the right: the spans before stay where they are
        if found[name] is not None:
            start, end = found.span(name)
            masked = masked[:start] + str(scrub.at_path(path, found[name])) + masked[end:]
    if found["expected"] is None:
        return masked, []
    end = found.end() + len(masked) - len(recorded)
    message = masked[len(found["id"]) + 3 : end]
    deviation = {"expectation_id": found["id"], "message": message, "path": path, "kind": "value", "outcome": "fail"}
    return masked, [deviation | {"expected": found["expected"], "observed": found["observed"]}]


class Progress:
    def __init__(self, out: TextIO | None = None, width: int = 24) -> None:
        #: None once a write failed: progress is dropped for the rest of the run, its counts kept
        self.out: TextIO | None = out or sys.stderr
        self.tty = self.out.isatty() and os.environ.get("TERM") != "dumb"  # dumb: no cursor moves, plain lines
        self.width = width
        self.counts: Counter[Verdict] = Counter()
        self.t = translator()  # the command's language (--lang)
        self.colon = colon()
        self._scrub: Scrubber | None = None  # built at the first reason: most runs print none
        self._drawn = False  # the bar is on the terminal's last row, with no newline after it

    def counts_text(self, counts: Counter[Verdict] | None = None) -> str:
        """``counts`` (this run's by default) as « réussi 3 · échec 1 », in the command's language."""
        counts = self.counts if counts is None else counts
        return " · ".join(f"{self.t(v.label_fr)} {counts[v]}" for v in _ORDER if counts[v])

    def __call__(self, event: RunEvent) -> None:
        if isinstance(event, CaseFinished):
            self.counts[event.outcome.verdict] += 1
        if self.out is None:
            return
        try:
            self._show(self.out, event)
        except (OSError, ValueError):  # stderr refuses (a full disk, closed): the campaign goes on without it
            self.out = None

    def release(self) -> None:
        """End the bar's row, so that a line said now (« interrompu », a bench's notice) starts a row of its own
        rather than being glued after the bar; the bar is drawn again below it at the next case."""
        if self.out is None or not self._drawn:
            return
        self._drawn = False
        try:
            self.out.write("\n")
            self.out.flush()
        except (OSError, ValueError):
            self.out = None

    @property
    def done(self) -> int:
        """The cases this run ended: under ``--workers`` they end out of the campaign's order, so the bar and
        the « [n/N] » lines count them as they end, never by a case's place (which would go back and forth)."""
        return self.counts.total()

    def _show(self, out: TextIO, event: RunEvent) -> None:
        if isinstance(event, CaseStarted) and self.tty:
            self._bar(out, self.done, event.total, f"{event.case.id}…")
        elif isinstance(event, CaseFinished):
            if self.tty:
                if event.outcome.verdict in NOT_PASSED:  # above the bar, which is drawn again below it
                    out.write(f"\r{self._line(event, short=True)}\x1b[K\n")
                self._bar(out, self.done, event.total, self.counts_text())
                if self.done >= event.total:
                    self.release()
            else:
                out.write(f"{self._line(event)}\n")
            out.flush()

    def _line(self, event: CaseFinished, *, short: bool = False) -> str:
        """« [2/5] DEMO-FSE-099 : échec — reason », the reason redacted; ``short``: its first line, clipped.
        « 2 » is the count of cases ended so far (:attr:`done`), the case's place in a serial run."""
        reason = self._reason(event.outcome.reason, event.case) if event.outcome.reason else ""
        if short and reason:
            first = reason.splitlines()[0]
            if first != reason or len(first) > _SHORT:  # more than its first line: « … » says so
                reason = first[: _SHORT - 1].rstrip() + "…"
        said = f" — {reason}" if reason else ""
        verdict = self.t(event.outcome.verdict.label_fr)
        return f"[{self.done}/{event.total}] {event.case.id}{self.colon}{verdict}{said}"

    def _reason(self, recorded: str, case: Case | None = None) -> str:
        """The reason (recorded in French) in the command's language, redacted without the session's known values:
        a card refused hides its found and expected holder alike, a value at a personal path (``…name``) is hidden
        whole, each saying how the two differ as the report does (« RPPS : ‹RPPS› au lieu de ‹RPPS› (4 caractères
        sur 11 diffèrent) », « attendu ‹NOM›, observé ‹NOM› (différent) (autre nom) »)."""
        from testbench.report.hidden_difference import guard_values
        from testbench.report.personal import Scrubber  # its rules compile at import: a run that passes needs none

        if values := guard_values(recorded):
            from testbench.traces.known import KnownValues

            known = KnownValues()
            for kind, value in values:
                known.add(kind, value)
            scrub = Scrubber(True, known)
        else:
            scrub = self._scrub = self._scrub or Scrubber(True)
        masked, deviations = by_path(recorded, case, scrub)
        return scrub.noted(masked, self.t, deviations)

    def _bar(self, out: TextIO, done: int, total: int, text: str) -> None:
        """The bar on one row, clipped to the terminal's width: a wrapped bar is not redrawn in place (« \\r »
        goes back to the start of its last row only), each redraw leaving a stale row behind."""
        filled = int(self.width * done / total) if total else self.width
        line = f"{'█' * filled}{'░' * (self.width - filled)} {done}/{total} {text}"
        columns = _columns(out)
        if columns and len(line) >= columns:  # the last column left free: some terminals wrap on it
            line = line[: max(columns - 2, 1)].rstrip() + "…"
        out.write(f"\r{line}\x1b[K")
        out.flush()
        self._drawn = True


def _columns(out: TextIO) -> int | None:
    """The width of the terminal ``out`` writes to; None when it gives none (0 from a bare pseudo-terminal)."""
    try:
        return os.get_terminal_size(out.fileno()).columns or None
    except (OSError, ValueError, AttributeError):  # not a terminal, closed, or no descriptor (a test's stream)
        return None
