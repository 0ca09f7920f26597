"""The run's progress line: a bar with counts per verdict on a terminal, one line per case otherwise."""

from __future__ import annotations

import sys
from collections import Counter
from typing import TextIO

from testbench.domain.verdict import Verdict
from testbench.i18n import colon, translator
from testbench.runner.events import CaseFinished, CaseStarted, RunEvent

_ORDER = (Verdict.PASS, Verdict.FAIL, Verdict.ERROR, Verdict.INCONCLUSIVE, Verdict.PENDING, Verdict.SKIPPED)


class Progress:
    def __init__(self, out: TextIO | None = None, width: int = 24) -> None:
        self.out = out or sys.stderr
        self.tty = self.out.isatty()
        self.width = width
        self.counts: Counter[Verdict] = Counter()
        self.t = translator()  # the command's language (--lang)
        self.colon = colon()

    def counts_text(self) -> str:
        return " · ".join(f"{self.t(v.label_fr)} {self.counts[v]}" for v in _ORDER if self.counts[v])

    def __call__(self, event: RunEvent) -> None:
        if isinstance(event, CaseStarted) and self.tty:
            self._bar(event.index, event.total, f"{event.case.id}…")
        elif isinstance(event, CaseFinished):
            self.counts[event.outcome.verdict] += 1
            if self.tty:
                self._bar(event.index + 1, event.total, self.counts_text())
                if event.index + 1 == event.total:
                    self.out.write("\n")
            else:
                reason = f" — {self.t(event.outcome.reason)}" if event.outcome.reason else ""  # recorded French
                verdict = self.t(event.outcome.verdict.label_fr)
                self.out.write(f"[{event.index + 1}/{event.total}] {event.case.id}{self.colon}{verdict}{reason}\n")
            self.out.flush()

    def _bar(self, done: int, total: int, text: str) -> None:
        filled = int(self.width * done / total) if total else self.width
        bar = "█" * filled + "░" * (self.width - filled)
        self.out.write(f"\r{bar} {done}/{total} {text}\x1b[K")
        self.out.flush()
