"""How the report words times, verdicts and attempts: one owner for the HTML, the JSON, JUnit and diff."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from testbench.domain.attestation import BENCH_OPERATORS
from testbench.domain.verdict import Verdict
from testbench.i18n import _t, colon, translator

NOT_RECORDED = "non renseigné"
#: an attempt cut before its verdict (^C, a CI's cancel, a killed process): it ran and did not conclude, as its
#: JUnit's « tentative interrompue » says; « non exécuté » is a case never run
CUT = _t("interrompue")
#: what a workstation run records after its launch command: the cases it ran (testbench.tui.execution)
COMMENT = "#"


def command_line(argv: Sequence[str]) -> str:
    """A run's command line as a person would type it (an argument with a space quoted); the cases a workstation
    run names after its launch command stay a comment (« … # EXAM-LPP-001 »)."""
    import shlex

    args = list(argv)
    if COMMENT not in args:
        return shlex.join(args)
    at = args.index(COMMENT)
    return f"{shlex.join(args[:at])} {COMMENT} {' '.join(args[at + 1 :])}".strip()


_CLOCK_MEMO: dict[int, str] = {}


def clock_text(wall: float) -> str:
    """HH:MM:SS.mmm in UTC, as every other time of the report: the same session gives the same bytes on
    any machine, whatever its time zone. Memoised by second (a report formats 100,000 of them)."""
    second = int(wall // 1)
    head = _CLOCK_MEMO.get(second)
    if head is None:
        head = datetime.fromtimestamp(second, tz=UTC).strftime("%H:%M:%S")
        if len(_CLOCK_MEMO) >= 4096:  # lines come in time order: recent seconds are the ones asked again
            _CLOCK_MEMO.clear()
        _CLOCK_MEMO[second] = head
    return f"{head}.{int((wall - second) * 1000):03d}"


def operator_name(name: str, lang: str) -> str:
    """Who attested or corrected, as the book shows it: the bench's own operators (the demo's scripted operator,
    its prepared attestations: :data:`~testbench.domain.attestation.BENCH_OPERATORS`) in the book's language, a
    person's name as typed."""
    return translator(lang)(name) if name in BENCH_OPERATORS else name


def verdict_label(verdict: str) -> str:
    try:
        return Verdict(verdict).label_fr
    except ValueError:
        return verdict


def attempt_label(verdict: str) -> str:
    """An attempt's verdict in French: an attempt without one was cut (:data:`CUT`), never « non exécuté »."""
    return CUT if verdict == "none" else verdict_label(verdict)


def case_label(case: dict[str, Any]) -> str:
    """A case's recorded verdict in French: a case whose last attempt was cut (steps run, no verdict) reads
    « interrompue » wherever the book names it (index, section, timeline), as its JUnit says, not « non exécuté »."""
    return attempt_label(case["verdict"]) if case["attempts"] else verdict_label(case["verdict"])


def ordinal_fr(n: int) -> str:
    return "1re" if n == 1 else f"{n}e"


def _ordinal(n: int, lang: str) -> str:
    if lang != "en":
        return ordinal_fr(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def final_label(attempts: list[dict[str, Any]], lang: str = "fr") -> str:
    """« réussi à la 2e tentative — 1re : échec (motif) »: attempts are history, not overwrites. Attempts that
    all ended the same way (a shard re-run in CI re-deals cases that had passed) read « réussi à chacune des 2
    tentatives »: « à la 2e tentative — 1re : réussi » reads as a case that needed a retry."""
    t = translator(lang)
    if not attempts:
        return t(verdict_label("none"))
    last = attempts[-1]
    label = t(attempt_label(last["verdict"]))
    if len(attempts) == 1:
        return label
    if all((a["verdict"], a["reason"]) == (last["verdict"], last["reason"]) for a in attempts):
        if lang == "en":
            return f"{label} at each of the {len(attempts)} attempts"
        return f"{label} à chacune des {len(attempts)} tentatives"
    earlier = "; ".join(
        f"{_ordinal(a['number'], lang)}{colon(lang)}{t(attempt_label(a['verdict']))}"
        + (f" ({a['reason']})" if a["reason"] else "")
        for a in attempts[:-1]
    )
    if lang == "en":
        return f"{label} at the {_ordinal(last['number'], lang)} attempt — {earlier}"
    return f"{label} à la {_ordinal(last['number'], lang)} tentative — {earlier}"
