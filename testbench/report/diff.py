"""Campaign diff: what changed between two sessions (last release → this release).

Cases are matched by (plan id, case id), so a new version of the same plan still lines up. For each
case: the verdict change, the values observed for each expectation (amounts flagged), and the trace
after normalisation — timestamps, durations, invoice/lot references, UUIDs and handles legitimately
vary between runs and are replaced by markers first; the rules applied are named in the output.

A *regression* is a case that now fails (``fail`` or ``error``) and did not before; a case that did not exist
before, or that A has without a final verdict, is a *new failure*: both come first and set the exit code a CI
gates on. A case that fails now only on expectations B's casebook added or rewrote, the product answering as
before, is such a failure too (it gates CI) but is named for what changed: the casebook asks more, the product
did not regress. Its mirror, a case that failed in A only on expectations B's casebook removed or rewrote and
passes in B, the product giving the same value on them, is no fix: it is named for what changed too, and counted
apart from the cases « corrigé » (it does not gate CI: nothing fails). A case of A that B does not have, or has
without a final verdict (a shard missing from a merge, a run cut short, a case left ``en attente`` of an operator),
is *absent*.

Each session's journal chain is checked as ``report`` checks it: a comparison with an altered session is
written with a warning at its top, since its verdicts are no evidence.

Two benches running the same release differ in reader names, card mode, host, paths and engine
command line: those are normalised (testbench.report.diff_bench), so they never show as changed
traces; the product's environment (engine and its version, software under test, casebooks) is
compared and shown.

Sessions are compared as recorded; what the diff shows is redacted as in a report
(testbench.report.personal, no opt-out): a diff is written to files and CI logs. A change in personal
data shows as a changed line whose masked parts look alike.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from html import escape
from pathlib import Path
from typing import Any

from testbench import fmt
from testbench.domain import normalize
from testbench.domain.verdict import Verdict
from testbench.domain.vocabulary import is_amount
from testbench.engines.operator.origin import keyed, origin_text
from testbench.i18n import LANGUAGES, _t, colon, default_language, semicolon, tn, translator
from testbench.report import hidden_difference
from testbench.report.diff_bench import (
    BENCH_RULES,
    EnvChange,
    Row,
    bench_differences,
    bench_lifetime,
    bench_normaliser,
    bench_order,
    bench_phrasing,
    bench_set_aside,
    either_guard_check,
    product_changes,
)
from testbench.report.labels import verdict_label
from testbench.report.personal import Scrubber, cut_difference, value_kind
from testbench.report.recorded import recorded_words
from testbench.store.read import CaseView, SessionView, read_session
from testbench.traces.bench_text import trace_text

FAILING = {"fail", "error"}
_TIMESTAMP = re.compile(
    r"(?:\d{4}-\d{2}-\d{2}|\b\d{8})[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b"
)

#: a measured duration as the bench writes it: « (12.40 ms) » after an APDU, « (310 µs) »
_DURATION = re.compile(r"\(\d+(?:\.\d+)? ?(?:ms|s|µs|us)\)")
#: a simulated téléservice's answer time (testbench.services.process.format_record: « POST /adri → 200 en 0,181 ms ·
#: scénario … », « 0.181 » in a session recorded before the decimal comma), read as the bracketed form so that the
#: line still reads in either language
_HTTP_DURATION = re.compile(r"^(\S+ \S* → \d{3}) en \d+(?:[.,]\d+)? ms(?= · scénario )")

_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
_INVOICE_REF = re.compile(r"\b[0-9a-f]{8}-\d+(?:-\d+)*\b")
_HEX_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{4,}\b")

def _durations(text: str) -> str:
    return _HTTP_DURATION.sub(r"\1 (‹durée›)", _DURATION.sub("(‹durée›)", text))


#: named trace normalisation rules, applied in order (the last one is testbench.runner.normalize's); each skips a
#: line without the character its pattern needs (most lines: ``diff`` reads a campaign's 100,000 twice)
TRACE_RULES: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("horodatage", lambda s: _TIMESTAMP.sub("‹T›", s) if ":" in s else s),
    ("durée", lambda s: _durations(s) if "(" in s or " ms" in s else s),
    ("uuid", lambda s: _UUID.sub("‹UUID›", s) if "-" in s else s),
    ("référence-facture", lambda s: _INVOICE_REF.sub("‹REF›", s) if "-" in s else s),
    ("adresse-hexa", lambda s: _HEX_ADDRESS.sub("‹0x›", s) if "0x" in s else s),
    ("espaces", normalize.RULES["whitespace"]),
)


def normalise_line(text: str) -> str:
    for _, rule in TRACE_RULES:
        text = rule(text)
    return text


@dataclass
class ValueChange:
    expectation_id: str
    path: str
    value_type: str
    expected: str
    before: str | None
    after: str | None
    # where each side's value was read (assisted operator mode: file and offset, or log line), else None
    provenance_before: dict[str, Any] | None = None
    provenance_after: dict[str, Any] | None = None
    #: the comparison's kind (value, refusal, trace): which recorded values are the bench's French words
    kind: str = ""
    # each side's observation source (``operator``: keyed in, which its origin says without a provenance)
    source_before: str = ""
    source_after: str = ""
    #: A's expected value when B's casebook expects another (``expected`` is B's): a case « corrigé » by editing
    #: what it expects, not the product, shows it; None when both expect the same
    expected_before: str | None = None
    #: the casebooks' doing rather than the product's: ``removed``, an expectation of A's case that B's no longer
    #: has (B compared nothing: its missing value is no product's); ``added``, one only B's case has; "" for one
    #: both cases have (or sessions that do not say)
    expectation: str = ""
    #: language → how A's and B's observed values differ when the redaction hides both whole, as one kind
    #: (« 3 caractères sur 15 diffèrent », « même valeur »): made from the raw values, which are not kept
    hidden_change: dict[str, str] = field(default_factory=dict)

    @property
    def from_casebook(self) -> bool:
        """Whether the casebooks alone make this change: an expectation only one has, or one B's casebook rewrote
        (another expected value) while the product gave the same value on both sides."""
        return bool(self.expectation) or (self.expected_before is not None and self.before == self.after)

    @property
    def is_amount(self) -> bool:
        """A decimal at an amount's path (a rate, a quantity or a casebook's own manual value is no amount)."""
        return self.value_type == "decimal" and is_amount(self.path)


@dataclass
class CaseDiff:
    plan_id: str
    case_id: str
    title: str
    before: str | None  # verdict, None when the case is new
    after: str | None  # verdict, None when the case disappeared (« none »: in B's selection, not run)
    attempts_before: int = 0
    attempts_after: int = 0
    values: list[ValueChange] = field(default_factory=list)
    trace_diff: list[str] = field(default_factory=list)
    trace_added: int = 0
    trace_removed: int = 0
    casebook_changed: bool = False
    #: the trace differs only by what the casebooks made it say: the end-of-case line, which quotes the expectations
    #: each side failed
    trace_from_casebook: bool = False
    #: the expectations B's latest attempt failed (its comparisons' ids): a failure the casebook alone made names
    #: only expectations B's casebook added or rewrote
    failed_after: frozenset[str] = frozenset()
    #: the expectations A's latest attempt failed: a pass the casebook alone made names only expectations B's
    #: casebook removed or rewrote
    failed_before: frozenset[str] = frozenset()
    #: A's latest attempt's reason is one of its failed comparisons' deviations, not a step's refusal or a fault
    failed_before_on_comparisons: bool = False
    # each side as the read model states it (testbench.store.read), as the report and the workstation do
    retained_before: str | None = None  # the verdict the review retains
    retained_after: str | None = None
    steps_before: dict[str, str] = field(default_factory=dict)  # step id → status of the latest attempt
    steps_after: dict[str, str] = field(default_factory=dict)
    cards_before: dict[str, str] = field(default_factory=dict)  # slot → inserted | accepted | refused
    cards_after: dict[str, str] = field(default_factory=dict)

    @property
    def from_casebook(self) -> bool:
        """Whether the casebooks alone make what differs: every value change is one (:attr:`ValueChange.
        from_casebook`) and the traces are the same but for the end-of-case line that quotes them."""
        traced = not self.trace_diff or self.trace_from_casebook
        return bool(self.values) and traced and all(v.from_casebook for v in self.values)

    def _made_by_casebook(self, failed: frozenset[str]) -> bool:
        """Whether ``failed`` (one side's failed expectations) are all expectations one casebook has and the other
        not, or rewrote while the product gave the same value."""
        made = {v.expectation_id for v in self.values if v.from_casebook}
        return bool(failed) and failed <= made

    @property
    def failed_on_casebook(self) -> bool:
        """Whether B fails only on expectations B's casebook added or rewrote, the product answering as in A (nothing
        else differs: a failure is said the product's unless the casebook alone explains it)."""
        return self.from_casebook and self._made_by_casebook(self.failed_after)

    @property
    def passed_on_casebook(self) -> bool:
        """Whether A failed only on expectations B's casebook removed or rewrote (its reason one of their deviations,
        the product giving the same value on each): B passes because its casebook stopped asking, not because the
        product was fixed. Other differences (an engine's new trace lines, a passing value moved) do not make it a
        fix: a pass is said the product's only when it answers otherwise on what A failed."""
        return self.failed_before_on_comparisons and self._made_by_casebook(self.failed_before)

    @property
    def kind(self) -> str:
        if self.after in FAILING and self.before not in FAILING:
            if self.before is None or not Verdict(self.before).is_final:
                return "new-failure"  # no verdict in A (not run, cut short, left to an operator): nothing regressed
            # still a failure (it gates CI), but the casebook asks more: the product did not change its answers
            return "casebook-failure" if self.failed_on_casebook else "regression"
        if self.before is None:
            return "new"
        if self.after is None or (not Verdict(self.after).is_final and Verdict(self.before).is_final):
            return "gone"  # B has no final verdict for it: a case not run, or left to an operator, is as absent
        if self.before in FAILING and self.after == "pass":
            # B's casebook no longer asks what A failed, the product answering as before: no fix (and no CI gate)
            return "casebook-pass" if self.passed_on_casebook else "fixed"
        if self.before != self.after:
            return "changed"
        if self.retained_before != self.retained_after:
            return "reviewed"  # same recorded verdict, but a review on one side retains another: never « identique »
        if self.from_casebook:
            return "casebook"  # expectations one casebook has and the other not, or rewrote: not the product's doing
        if self.values or self.trace_diff:
            return "details"
        return "same"

    @property
    def regression(self) -> bool:
        """Whether the case fails now and did not before: what sets the exit code a CI gates on."""
        return self.kind in GATING


#: the kinds of a case failing now that did not before (exit 1)
GATING = ("regression", "new-failure", "casebook-failure")


KIND_FR = {
    "regression": "RÉGRESSION",
    "new-failure": "NOUVEL ÉCHEC",
    "casebook-failure": "ÉCHEC SUR ATTENTE AJOUTÉE OU RÉÉCRITE",
    "casebook-pass": "RÉUSSI SANS L'ATTENTE RETIRÉE OU RÉÉCRITE",
    "changed": "verdict changé",
    "fixed": "corrigé",
    "reviewed": "verdict retenu changé par une revue",
    "new": "nouveau cas",
    "gone": "cas absent",
    "details": "valeurs ou traces changées",
    "casebook": "attentes du cahier changées",
    "same": "identique",
}
#: regressions first, then what changed in a case both sessions ran (the casebook's verdict changes first, a reviewer
#: must not miss them); absent cases (a shard's worth) after them
KIND_ORDER = (
    "regression",
    "new-failure",
    "casebook-failure",
    "casebook-pass",
    "changed",
    "fixed",
    "reviewed",
    "details",
    "casebook",
    "new",
    "gone",
    "same",
)


@dataclass
class SessionDiff:
    a: str
    b: str
    cases: list[CaseDiff]
    #: the product's environment where it differs (engine, its version, software under test, casebooks)
    product: list[EnvChange] = field(default_factory=list)
    #: what differs on the bench side only (readers and card mode, host, paths…): normalised, not compared
    bench: list[str] = field(default_factory=list)
    #: "A" and "B" → why that session's journal chain does not verify (French, as the chain says it); absent
    #: when it does
    altered: dict[str, list[str]] = field(default_factory=dict)

    @property
    def compared(self) -> bool:
        """Whether a case is in both sessions: with none, nothing was compared (two unrelated sessions)."""
        return any(c.before is not None and c.after is not None for c in self.cases)

    @property
    def regressions(self) -> list[CaseDiff]:
        """Every case failing now that did not before (exit 1), those failing on the casebook's change included."""
        return [c for c in self.cases if c.regression]

    @property
    def casebook_failures(self) -> list[CaseDiff]:
        """The cases failing now only on expectations B's casebook added or rewrote: no regression of the product."""
        return [c for c in self.cases if c.kind == "casebook-failure"]

    @property
    def casebook_passes(self) -> list[CaseDiff]:
        """The cases failing in A only on expectations B's casebook removed or rewrote and passing in B: no fix."""
        return [c for c in self.cases if c.kind == "casebook-pass"]

    @property
    def absent(self) -> list[CaseDiff]:
        """The cases of A that B does not have, or has not run (dropped from the scope, a shard missing, a run
        cut short)."""
        return [c for c in self.cases if c.kind == "gone"]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.cases:
            out[c.kind] = out.get(c.kind, 0) + 1
        return {k: out[k] for k in KIND_ORDER if k in out}


def _same_expected(x: dict[str, Any], y: dict[str, Any]) -> bool:
    """Whether two comparisons expect the same value: a decimal the casebook rewrote (« 56.00 » → « 56.0 ») is the
    same expectation, which a reviewer must not read as a change."""
    before, after = x.get("expected"), y.get("expected")
    if before == after:
        return True
    if x.get("value_type") == y.get("value_type") == "decimal" and isinstance(before, str) and isinstance(after, str):
        number = fmt.decimal_of(before)
        return number is not None and number == fmt.decimal_of(after)
    return False


def _expectation_ids(case: CaseView) -> set[str] | None:
    """The ids of the expectations the case's recorded definition holds; None when it says none (no definition)."""
    expectations = case.definition.get("expectations")
    if not isinstance(expectations, list):
        return None
    return {str(e.get("id", "")) for e in expectations if isinstance(e, dict)}


def _expectation_change(
    eid: str, x: dict[str, Any] | None, y: dict[str, Any] | None, ids_a: set[str] | None, ids_b: set[str] | None
) -> str:
    """``removed`` when only A compared ``eid`` because B's case no longer expects it, ``added`` when only B compared
    it because A's case did not expect it; "" otherwise — a comparison missing from a case that expects it is the
    run's doing, shown as a value gone."""
    if x and not y and ids_b is not None and eid not in ids_b:
        return "removed"
    if y and not x and ids_a is not None and eid not in ids_a:
        return "added"
    return ""


def _hidden_change(path: str, before: Any, after: Any, comparison: dict[str, Any]) -> dict[str, str]:
    """How A's and B's observed values differ, in each language, when both are personal values of one kind that
    the diff shows as the same marker (« ‹NIR› → ‹NIR› » says nothing else), or two long values the cut shows
    alike (where they differ: :func:`~testbench.report.personal.cut_difference`); {} otherwise."""
    if comparison.get("kind") == "trace" or any(v in (None, "", True, False) for v in (before, after)):
        return {}
    kind = value_kind(path, before)
    if kind is None and cut_difference(before, after, None):  # two long values the cut shows alike: where they differ
        return {lang: cut_difference(before, after, lang) for lang in LANGUAGES}
    if kind is None or kind != value_kind(path, after):
        return {}
    return {lang: hidden_difference.change(kind, before, after, lang) for lang in LANGUAGES}


def _latest_details(session: SessionView, case: Any) -> tuple[dict[str, dict[str, Any]], list[Row]]:
    latest = case.latest
    if latest is None:
        return {}, []
    comparisons = {c.get("expectation_id", ""): c for c in session.comparisons(latest.id)}
    return comparisons, [(ch, step, text) for _, ch, step, text in session.trace_rows(latest.id)]


_END_OF_CASE = "fin du cas "


#: a reason's count of the other deviations, as recorded (testbench.runner.reasons.others_said, in French)
_OTHERS_SAID = re.compile(r" \(et \d+ autres? écarts?\)$")
#: a comparison's outcomes that are no deviation (testbench.runner.reasons.deviations)
_MET = ("pass", "none")
#: an attempt's comparisons by expectation id
Comparisons = dict[str, dict[str, Any]]


def _said_by_comparisons(text: str, case_id: str, comparisons: Comparisons) -> bool:
    """Whether ``text`` is the case's end-of-case line as its comparisons make it read: its verdict alone when it
    failed none, else its verdict and one failed expectation's deviation (« e-amo : attendu 163,50 €, … »), with how
    many others it failed (testbench.runner.runner). A step's refusal or a bench fault as the reason is not."""
    head = f"{_END_OF_CASE}{case_id} : "
    if not text.startswith(head):
        return False
    said = text[len(head) :]
    for verdict in Verdict:
        if said == verdict.label_fr:
            return not any(c.get("outcome") not in _MET for c in comparisons.values())
        if said.startswith(f"{verdict.label_fr} "):
            return _is_a_deviation(said[len(verdict.label_fr) + 1 :], comparisons)
    return False


def _is_a_deviation(reason: str, comparisons: Comparisons) -> bool:
    """Whether an attempt's recorded ``reason`` is one of its failed comparisons' deviations (« e-amo : attendu
    163,50 €, … », with how many others it failed): the expectations' doing, not a step's refusal nor a fault."""
    failed = {f"{eid} : {c.get('message')}" for eid, c in comparisons.items() if c.get("outcome") not in _MET}
    return _OTHERS_SAID.sub("", reason) in failed


def _as_if_expected(
    case_id: str, rows_a: list[Row], rows_b: list[Row], comp_a: Comparisons, comp_b: Comparisons
) -> list[Row]:
    """B's trace rows with its end-of-case line as A's, when each side's says only what its comparisons make it
    say (:func:`_said_by_comparisons`): the line quotes the expectations the case failed, which a casebook that
    added or rewrote one changes (« échec e-amo : attendu 163,50 € … » for « … 163,00 € … », « (et 1 autre écart) »
    more, « échec e-new : … » for « réussi »). Equal to A's then, the trace differs only by what the casebooks
    changed; the comparisons themselves are compared as values."""
    ends = [
        [i for i, (channel, _, text) in enumerate(rows) if channel == "bench" and text.startswith(_END_OF_CASE)]
        for rows in (rows_a, rows_b)
    ]
    if [len(found) for found in ends] != [1, 1]:
        return rows_b
    end_a, end_b = rows_a[ends[0][0]], rows_b[ends[1][0]]
    if not (_said_by_comparisons(end_a[2], case_id, comp_a) and _said_by_comparisons(end_b[2], case_id, comp_b)):
        return rows_b
    return [end_a if i == ends[1][0] else row for i, row in enumerate(rows_b)]


def _ordered(rows: list[Row]) -> list[tuple[str, str]]:
    """A trace's (channel, text) lines in the order the bench's rules compare them, as recorded."""
    return bench_set_aside(bench_lifetime(bench_order([(ch, text) for ch, _, text in rows])))


def _line(channel: str, text: str, bench: Callable[[str], str]) -> str:
    """« channel text », the text normalised: the line the diff compares and shows."""
    return f"{channel} {normalise_line(bench_phrasing(channel, bench(text)))}"


def _trace_lines(rows: list[Row], bench: Callable[[str], str]) -> list[str]:
    return [_line(ch, text, bench) for ch, text in _ordered(rows)]


def _cut_masked(
    ordered: list[tuple[str, str]], lines: list[str], bench: Callable[[str], str], scrub: Scrubber
) -> list[str]:
    """``lines`` (``ordered``'s, normalised) with the known values a line break cut between two lines of one channel
    masked on both, as the report masks them (Scrubber.trace_lines): read on the texts as recorded, since the
    normalisation collapses the spaces and replaces the timestamps that tell a cut from a break between words; each
    line's own redaction still to do. Most lines hold no cut value and stay the very line compared."""
    cut = scrub.cut_values(ordered)
    return [
        line if text == masked else _line(ch, masked, bench)
        for line, (ch, text), masked in zip(lines, ordered, cut, strict=True)
    ]


def _hunk_range(start: int, stop: int) -> str:
    """A hunk's range as ``diff -u`` (and difflib) writes it: « 3 » for one line, « 2,0 » for none after line 2."""
    length = stop - start
    return str(start + 1) if length == 1 else f"{start + 1 if length else start},{length}"


def _unified(lines_a: list[str], lines_b: list[str], context: int) -> list[tuple[str, int, int]]:
    """difflib.unified_diff's lines without its two headers, as (sign, side, index): a hunk's header whole in ``sign``
    (side -1), else the line ``index`` of side 0 (A: ``-`` and context) or 1 (B: ``+``); ``diff`` compares the lines
    as recorded and shows each redacted with its neighbours (a value cut over two lines), which no line alone says."""
    out: list[tuple[str, int, int]] = []
    for group in difflib.SequenceMatcher(None, lines_a, lines_b).get_grouped_opcodes(context):
        (_, i1, _, j1, _), (_, _, i2, _, j2) = group[0], group[-1]
        out.append((f"@@ -{_hunk_range(i1, i2)} +{_hunk_range(j1, j2)} @@", -1, 0))
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                out += [(" ", 0, i) for i in range(a1, a2)]
                continue
            out += [("-", 0, i) for i in range(a1, a2)]  # empty for an insert
            out += [("+", 1, j) for j in range(b1, b2)]  # empty for a delete
    return out


def _step_status(session: SessionView, case: CaseView | None) -> dict[str, str]:
    return {s.id: s.status for s in session.steps(case)} if case else {}


def _card_status(session: SessionView, case: CaseView | None) -> dict[str, str]:
    return {slot: c.status for slot, c in session.cards(case).items()} if case else {}


def diff_sessions(path_a: Path, path_b: Path, *, trace_context: int = 1, max_trace_lines: int = 60) -> SessionDiff:
    with read_session(path_a) as a, read_session(path_b) as b:
        scrub = Scrubber.for_sessions(a, b)  # what leaves the machine carries no personal data
        cases_a, cases_b = _cases_by_key(a), _cases_by_key(b)
        keys = list(cases_b) + [k for k in cases_a if k not in cases_b]
        bench_a, bench_b = bench_normaliser(a), bench_normaliser(b)
        product, bench = product_changes(a, b), bench_differences(a, b)
        altered = {side: problems for side, session in (("A", a), ("B", b)) if (problems := session.chain_problems())}
        out = []
        for key in keys:
            ca, cb = cases_a.get(key), cases_b.get(key)
            d = CaseDiff(
                plan_id=key[0],
                case_id=key[1],
                title=scrub.wording((cb or ca).title),  # type: ignore[union-attr]  # a title may name a patient
                before=ca.verdict if ca else None,
                after=cb.verdict if cb else None,
                attempts_before=len(ca.attempts) if ca else 0,
                attempts_after=len(cb.attempts) if cb else 0,
                casebook_changed=bool(ca and cb and ca.casebook_sha != cb.casebook_sha),
                retained_before=ca.retained_verdict if ca else None,
                retained_after=cb.retained_verdict if cb else None,
                steps_before=_step_status(a, ca),
                steps_after=_step_status(b, cb),
                cards_before=_card_status(a, ca),
                cards_after=_card_status(b, cb),
            )
            if ca and cb:
                comp_a, rows_a = _latest_details(a, ca)
                comp_b, rows_b = _latest_details(b, cb)
                expects_a, expects_b = _expectation_ids(ca), _expectation_ids(cb)
                rows_a, rows_b = either_guard_check(rows_a, rows_b)  # a card read again or a kept check
                ordered_a, ordered_b = _ordered(rows_a), _ordered(rows_b)
                lines_a = [_line(ch, text, bench_a) for ch, text in ordered_a]
                lines_b = [_line(ch, text, bench_b) for ch, text in ordered_b]
                d.failed_before = frozenset(eid for eid, c in comp_a.items() if c.get("outcome") not in _MET)
                d.failed_before_on_comparisons = bool(ca.latest and _is_a_deviation(ca.latest.reason, comp_a))
                d.failed_after = frozenset(eid for eid, c in comp_b.items() if c.get("outcome") not in _MET)
                for eid in list(comp_b) + [e for e in comp_a if e not in comp_b]:
                    x, y = comp_a.get(eid), comp_b.get(eid)
                    before = x.get("observed") if x else None
                    after = y.get("observed") if y else None
                    expected_before = x.get("expected", "") if x and y and not _same_expected(x, y) else None
                    expectation = _expectation_change(eid, x, y, expects_a, expects_b)
                    if before != after or expected_before is not None or expectation:
                        src = y or x or {}
                        path = src.get("path", "")
                        d.values.append(
                            ValueChange(
                                eid,
                                path,
                                src.get("value_type", ""),
                                scrub.at_path(path, src.get("expected", "")),
                                scrub.at_path(path, before),
                                scrub.at_path(path, after),
                                kind=src.get("kind", ""),
                                expected_before=None
                                if expected_before is None
                                else scrub.at_path(path, expected_before),
                                expectation=expectation,
                                hidden_change=_hidden_change(path, before, after, y or x or {}),
                            )
                        )
                if d.values:
                    _add_provenance(d.values, a, ca, b, cb, scrub)
                if lines_a != lines_b:
                    as_if = _as_if_expected(d.case_id, rows_a, rows_b, comp_a, comp_b)
                    d.trace_from_casebook = lines_a == _trace_lines(as_if, bench_b)
                    # compared as recorded, shown redacted (each side's lines together: a value cut over two)
                    hunks = _unified(lines_a, lines_b, trace_context)
                    d.trace_added = sum(1 for sign, _, _ in hunks if sign == "+")
                    d.trace_removed = sum(1 for sign, _, _ in hunks if sign == "-")
                    shown = [_cut_masked(ordered_a, lines_a, bench_a, scrub)]
                    shown.append(_cut_masked(ordered_b, lines_b, bench_b, scrub))
                    diff = [s if side < 0 else s + scrub(shown[side][i]) for s, side, i in hunks[:max_trace_lines]]
                    more = len(hunks) - max_trace_lines  # said in French, like the rest of the data (read back by t)
                    d.trace_diff = diff + (
                        [tn("… {count} ligne de plus", "… {count} lignes de plus", more, "fr")] if more > 0 else []
                    )
            out.append(d)
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    order = {k: i for i, k in enumerate(keys)}
    out.sort(key=lambda c: (rank[c.kind], order[(c.plan_id, c.case_id)]))
    # a rehearsal's session may be named after its patient, as the report's header says it (scrubbed)
    named = scrub(str(path_a)), scrub(str(path_b))
    return SessionDiff(*named, out, [_scrubbed(c, scrub) for c in product], bench, altered)


#: what the diff says first of a session whose chain does not verify ({side}: A or B)
ALTERED = _t(
    "ATTENTION : session {side} altérée (chaîne du journal rompue) : ses verdicts ne valent pas preuve,"
    " ni cette comparaison"
)


def altered_lines(diff: SessionDiff, lang: str | None) -> list[str]:
    """The warning for each altered session, then its chain's problems, in ``lang`` (text and HTML)."""
    t, sep = translator(lang), colon(lang)
    lines: list[str] = []
    for side, problems in diff.altered.items():
        lines.append(t(ALTERED).format(side=side))
        lines += [f"  {side}{sep}{t(p)}" for p in problems]
    return lines


def _cases_by_key(session: SessionView) -> dict[tuple[str, str], CaseView]:
    """The session's cases by (plan id, case id): how two sessions' cases line up."""
    plans = {cb.sha256: cb.plan_id for cb in session.casebooks}
    return {(plans.get(c.casebook_sha, ""), c.case_id): c for c in session.cases}


#: how many absent cases the warning names
ABSENT_SHOWN = 5


def absent_warning(count: int, case_ids: Iterable[str], lang: str | None) -> str:
    """« attention : 184 cas de A absents de B (PSAD-SEC-001, …) », or "" when none is."""
    if not count:
        return ""
    ids = list(case_ids)[:ABSENT_SHOWN]
    cases = ", ".join(ids) + (", …" if count > len(ids) else "")
    return tn(
        "attention : {count} cas de A absent de B ({cases})",
        "attention : {count} cas de A absents de B ({cases})",
        count,
        lang,
        cases=cases,
    )


def _provenances(session: SessionView, case: CaseView) -> dict[str, tuple[dict[str, Any] | None, str]]:
    """Path → the provenance (None without one) and the source of its last observed value in the case's latest
    attempt."""
    if case.latest is None:
        return {}
    return {o["path"]: (o["provenance"], str(o["source"] or "")) for o in session.observations(case.latest.id)}


def _add_provenance(
    values: list[ValueChange], a: SessionView, ca: CaseView, b: SessionView, cb: CaseView, scrub: Scrubber
) -> None:
    """Each changed value names where it was read on each side, redacted (:meth:`Scrubber.provenance`), and
    whether the operator keyed it in (its source)."""
    before, after = _provenances(a, ca), _provenances(b, cb)
    for v in values:
        for side, seen in (("before", before), ("after", after)):
            found, source = seen.get(v.path, (None, ""))
            setattr(v, f"source_{side}", source)
            if found:  # its file's path, excerpt and a correction's reason, as the report has them
                setattr(v, f"provenance_{side}", scrub.provenance(found, v.path))


def _scrubbed(change: EnvChange, scrub: Callable[[str], str]) -> EnvChange:
    return EnvChange(change.key, scrub(change.before), scrub(change.after))


def to_json(diff: SessionDiff, lang: str | None = None) -> dict[str, Any]:
    """The diff as data, for scripts (format ``testbench-diff/1``): codes as they are, labels in ``lang``."""
    t = translator(lang)
    return {
        "format": "testbench-diff/1",
        "a": diff.a,
        "b": diff.b,
        "counts": diff.counts(),
        # every case failing now that did not before (exit 1); among them, those failing only on expectations B's
        # casebook added or rewrote (``kind`` ``casebook-failure``)
        "regressions": len(diff.regressions),
        "casebook_failures": len(diff.casebook_failures),
        # the cases failing in A only on expectations B's casebook removed or rewrote, passing in B (``kind``
        # ``casebook-pass``): no fix of the product, no regression either
        "casebook_passes": len(diff.casebook_passes),
        "absent": [{"plan_id": c.plan_id, "case_id": c.case_id} for c in diff.absent],
        "integrity": {
            side.lower(): {
                "chain_ok": side not in diff.altered,
                "chain_problems": [t(p) for p in diff.altered.get(side, [])],
            }
            for side in ("A", "B")
        },
        "trace_rules": [t(name) for name, _ in TRACE_RULES],
        "bench_rules": [t(name) for name in BENCH_RULES],
        "environment": {
            "product": [
                {"key": _key(e.key, t), "before": _said(e.key, e.before, t), "after": _said(e.key, e.after, t)}
                for e in diff.product
            ],
            "bench_normalised": [t(name) for name in diff.bench],
        },
        "cases": [
            {
                "plan_id": c.plan_id,
                "case_id": c.case_id,
                "title": c.title,
                "kind": c.kind,
                "kind_label": t(KIND_FR[c.kind]),
                "before": c.before,
                "after": c.after,
                "attempts_before": c.attempts_before,
                "attempts_after": c.attempts_after,
                "casebook_changed": c.casebook_changed,
                "retained_before": c.retained_before,
                "retained_after": c.retained_after,
                "steps_before": c.steps_before,
                "steps_after": c.steps_after,
                "cards_before": c.cards_before,
                "cards_after": c.cards_after,
                "values": [
                    {
                        "expectation_id": v.expectation_id,
                        "path": v.path,
                        "value_type": v.value_type,
                        "expected": v.expected,
                        "before": v.before,
                        "after": v.after,
                        "amount": v.is_amount,
                        # as the text shows them: the bench's words (« accepté ») and amounts in ``lang``
                        "expected_before": v.expected_before,
                        # an expectation only one side's casebook has: « removed » from B's, « added » to B's
                        "expectation": v.expectation or None,
                        "expectation_label": t(EXPECTATION_CHANGE[v.expectation]) if v.expectation else None,
                        "expected_label": _shown(v, v.expected, lang),
                        "expected_before_label": None
                        if v.expected_before is None
                        else _shown(v, v.expected_before, lang),
                        "before_label": _shown(v, v.before, lang),
                        "after_label": _shown(v, v.after, lang),
                        "origin_before": _origin(v, v.before, v.provenance_before, t, lang, v.source_before),
                        "origin_after": _origin(v, v.after, v.provenance_after, t, lang, v.source_after),
                        # how the two observed values differ when the redaction or the cut shows both alike (else null)
                        "redacted_difference": _hidden(v, lang) or None,
                    }
                    for v in c.values
                ],
                "trace": {
                    "added": c.trace_added,
                    "removed": c.trace_removed,
                    "diff": [_markers(line, t) for line in c.trace_diff],
                },
            }
            for c in diff.cases
        ],
    }


def _shown(change: ValueChange, value: object, lang: str | None) -> str:
    """An observed or expected value as a person reads it: a boolean yes/no, an amount as money, the bench's words
    (« présent /motif/ sur engine », « accepté ») in ``lang``, a dash when there is none."""
    value = recorded_words(change.kind, value, translator(lang))
    return fmt.typed(change.value_type, value, lang, is_amount(change.path))


def _hidden(value: ValueChange, lang: str | None) -> str:
    """How A's and B's hidden observed values differ, in ``lang``; "" when the values are shown."""
    return value.hidden_change.get(lang or default_language(), "")


def _expected(change: ValueChange, lang: str | None) -> str:
    """B's expected value, « 33,70 € → 33,60 € » when A's casebook expected another."""
    if change.expected_before is None:
        return _shown(change, change.expected, lang)
    return f"{_shown(change, change.expected_before, lang)} → {_shown(change, change.expected, lang)}"


#: a value line's words for an expectation only one side's casebook has: the casebook changed, not the product
EXPECTATION_CHANGE = {
    "removed": _t("attente retirée du cahier de B"),
    "added": _t("attente ajoutée au cahier de B"),
}


def _only_side(change: ValueChange, t: Callable[[str], str], sep: str, lang: str | None) -> str:
    """« A : 22,40 € (attendu 22,40 €) »: the one side that compared an expectation the other's casebook lacks."""
    side, value = ("A", change.before) if change.expectation == "removed" else ("B", change.after)
    return f"{side}{sep}{_shown(change, value, lang)} ({t('attendu')} {_shown(change, change.expected, lang)})"


def _change(change: ValueChange, t: Callable[[str], str], sep: str, lang: str | None) -> str:
    """« 33,60 € → 36,00 € (attendu 33,60 €) »; an expectation B's casebook removed (or added) says so first —
    « attente retirée du cahier de B — A : 22,40 € (attendu 22,40 €) » —, never « 22,40 € → — » as if the product
    had stopped giving the value."""
    if change.expectation:
        return f"{t(EXPECTATION_CHANGE[change.expectation])} — {_only_side(change, t, sep, lang)}"
    before, after = _shown(change, change.before, lang), _shown(change, change.after, lang)
    return f"{before} → {after} ({t('attendu')} {_expected(change, lang)})"


def _v(verdict: str | None, t: Callable[[str], str]) -> str:
    return "—" if verdict is None else t(verdict_label(verdict))


def _retained(case: CaseDiff, t: Callable[[str], str]) -> str:
    """« échec → réussi », the verdicts the reviews retain, when a review makes either side's differ from its
    recorded one (or the two sides differ); "" otherwise: the recorded verdicts say it all."""
    if (case.retained_before, case.retained_after) == (case.before, case.after):
        return ""
    return f"{_v(case.retained_before, t)} → {_v(case.retained_after, t)}"


#: a marker the normalisation or the redaction put in a trace line (‹durée›, ‹lecteur›, ‹NOM›…)
_MARKER = re.compile(r"‹([^›\n]{1,40})›")


def _markers(line: str, t: Callable[[str], str]) -> str:
    """A trace line of the diff in the output's language: the bench's words (its lines, an APDU status word's
    meaning) and the markers; the rest of the line as recorded."""
    if line.startswith("… "):  # « … 12 lignes de plus »: the diff's own words
        return t(line)
    if line[:1] in ("+", "-", " "):  # « +apdu A>> … », as _trace_lines wrote it after the diff's sign
        channel, _, text = line[1:].partition(" ")
        line = f"{line[0]}{channel} {trace_text(channel, text, t)}"
    return _MARKER.sub(lambda m: f"‹{t(m[1])}›", line) if "‹" in line else line


def _key(key: str, t: Callable[[str], str]) -> str:
    """An environment item's name: « cahier PLAN » keeps the plan as written."""
    return f"{t('cahier')} {key[7:]}" if key.startswith("cahier ") else t(key)


#: the product's items whose recorded value the bench's own engines write in French (« opérateur », « logiciel sous
#: test », « reference (non certifié) »)
_SAID_IN_FRENCH = ("moteur", "version du socle")


def _said(key: str, value: str, t: Callable[[str], str]) -> str:
    """An environment item's value in the output's language: the bench's own engines' French words translated
    as the report's cover translates them (``t`` of the recorded value), each of the values joined; any other
    value as recorded."""
    return ", ".join(t(item) for item in value.split(", ")) if key in _SAID_IN_FRENCH else value


def _rules(t: Callable[[str], str], names: Iterable[str]) -> str:
    return ", ".join(t(name) for name in names)


def _environment_lines(diff: SessionDiff, lang: str | None) -> list[str]:
    """The product's environment (compared) and the bench's (normalised), as the text and HTML say them."""
    t, sep = translator(lang), colon(lang)
    lines = [t("environnement du produit") + sep + t("identique" if not diff.product else "différent")]
    lines += [f"  {_key(e.key, t)}{sep}{_said(e.key, e.before, t)} → {_said(e.key, e.after, t)}" for e in diff.product]
    lines.append(t("normalisation du banc") + sep + _rules(t, BENCH_RULES))
    if diff.bench:
        lines.append(t("différences du banc, sans effet sur la comparaison") + sep + _rules(t, diff.bench))
    return lines


def to_text(diff: SessionDiff, *, show_same: bool = False, lang: str | None = None) -> str:
    t, sep = translator(lang), colon(lang)
    out = [f"A{sep}{diff.a}", f"B{sep}{diff.b}", *altered_lines(diff, lang)]
    counts = diff.counts()
    out.append(t("bilan") + sep + ", ".join(f"{t(KIND_FR[k])} {n}" for k, n in counts.items()))
    if warning := absent_warning(len(diff.absent), (c.case_id for c in diff.absent), lang):
        out.append(warning)
    out.append(t("normalisation des traces") + sep + _rules(t, (name for name, _ in TRACE_RULES)))
    out += _environment_lines(diff, lang)
    for c in diff.cases:
        if (c.kind == "same" and not show_same) or c.kind == "gone":
            continue
        out.append("")
        attempts = (
            f" ({t('tentatives')} {c.attempts_before} → {c.attempts_after})"
            if c.attempts_before != c.attempts_after
            else ""
        )
        out.append(
            f"[{t(KIND_FR[c.kind])}] {c.plan_id} {c.case_id} — {c.title}{sep}"
            f"{_v(c.before, t)} → {_v(c.after, t)}{attempts}"
        )
        if retained := _retained(c, t):
            out.append(f"  {t('verdict retenu')}{sep}{retained}")
        if c.casebook_changed:
            out.append("  " + t("cahier de tests différent entre A et B"))
        for v in c.values:
            out.append(f"  {_named(v, t)}{sep}{_change(v, t, sep, lang)}")
            out += [f"    {side}{sep}{text}" for side, text in _origins(v, t, lang)]
            if note := _hidden(v, lang):
                out.append(f"    A → B{sep}{note}")
        if c.trace_diff:
            counts_line = t("traces : +{added} −{removed} lignes (après normalisation)")
            out.append("  " + counts_line.format(added=c.trace_added, removed=c.trace_removed))
            out += [f"    {_markers(line, t)}" for line in c.trace_diff]
    out += _absent_block(diff, t, sep)
    out.append("")
    out.append(failures_said(diff, lang))
    return "\n".join(out) + "\n"


def failures_said(diff: SessionDiff, lang: str | None) -> str:
    """« 1 régression », « aucune régression », or the failures on expectations B's casebook added or rewrote
    said apart (« 1 échec sur attente ajoutée ou réécrite du cahier »): both gate CI, only one is the product's. The
    passes on expectations B's casebook removed or rewrote follow, said apart too: a CI log must not read a clean
    gate as the product fixed."""
    casebook = len(diff.casebook_failures)
    product = len(diff.regressions) - casebook
    said = [tn("{count} régression", "{count} régressions", product, lang)] if product else []
    if casebook:
        said.append(
            tn(
                "{count} échec sur attente ajoutée ou réécrite du cahier",
                "{count} échecs sur attentes ajoutées ou réécrites du cahier",
                casebook,
                lang,
            )
        )
    said = said or [translator(lang)("aucune régression")]
    if passes := len(diff.casebook_passes):
        said.append(
            tn(
                "{count} cas réussi sans l'attente retirée ou réécrite du cahier, non corrigé",
                "{count} cas réussis sans les attentes retirées ou réécrites du cahier, non corrigés",
                passes,
                lang,
            )
        )
    return semicolon(lang).join(said)


def _absent_block(diff: SessionDiff, t: Callable[[str], str], sep: str) -> list[str]:
    """The absent cases in one block, a line each, after the changed ones: a shard's worth of them (hundreds) would
    otherwise bury the few cases that changed."""
    gone = [c for c in diff.cases if c.kind == "gone"]
    lines = [""] if gone else []
    for c in gone:
        changed = c.attempts_before != c.attempts_after
        attempts = f" ({t('tentatives')} {c.attempts_before} → {c.attempts_after})" if changed else ""
        lines.append(
            f"[{t(KIND_FR['gone'])}] {c.plan_id} {c.case_id} — {c.title}{sep}{_v(c.before, t)} → {_v(c.after, t)}"
            f"{attempts}"
        )
    return lines


def _origins(value: ValueChange, t: Callable[[str], str], lang: str | None) -> list[tuple[str, str]]:
    """(side, where its value was read, or that the operator keyed it in) for each side that has one."""
    sides = (
        ("A", value.before, value.provenance_before, value.source_before),
        ("B", value.after, value.provenance_after, value.source_after),
    )
    return [
        (side, text) for side, shown, where, source in sides if (text := _origin(value, shown, where, t, lang, source))
    ]


def _origin(
    change: ValueChange, value: object, where: Any, t: Callable[[str], str], lang: str | None, source: str = ""
) -> str:
    """Where a side's value was read, its value (and the one a correction replaced) as the diff shows values; a
    value of ``source`` ``operator`` without provenance was keyed in (:func:`keyed`)."""
    quote = partial(_shown, change, lang=lang)
    return origin_text(quote(value), where, t, quote=quote, keyed=keyed(change.path, value, source))


def _label(value: ValueChange, t: Callable[[str], str]) -> str:
    return t("montant" if value.is_amount else "valeur")


def _named(value: ValueChange, t: Callable[[str], str]) -> str:
    """« montant e-base invoice.lines[0].base »; a refusal, which has no path, « valeur r-c2s »."""
    return " ".join(filter(None, (_label(value, t), value.expectation_id, value.path)))


_HTML_CSS = (
    "body{font:14px/1.45 system-ui,sans-serif;margin:1rem auto;max-width:1200px;padding:0 1rem;color:#1d2430}"
    "table{border-collapse:collapse;width:100%}th,td{border:1px solid #d5dae1;padding:.25rem .45rem;"
    "text-align:left;vertical-align:top}th{background:#f2f4f7}.k-regression,.k-new-failure{background:#fde0e0}"
    ".k-casebook-failure{background:#fdecd0}.k-casebook-pass{background:#fff3c4}.k-fixed{background:#dcf5e3}"
    "pre{font:12px/1.3 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;"
    "word-break:break-all;margin:0}.add{color:#135c2b}.del{color:#8a1414}"
    ".altered{background:#fde0e0;border:2px solid #8a1414;padding:.5rem}"
)


def _css(line: str) -> str:
    return "add" if line.startswith("+") else "del" if line.startswith("-") else ""


def _html_change(change: ValueChange, t: Callable[[str], str], sep: str, lang: str | None) -> str:
    """A value change in the HTML, as :func:`_change` says it in the text."""
    if change.expectation:
        words = escape(t(EXPECTATION_CHANGE[change.expectation]))
        return f"<strong>{words}</strong><br><small>{escape(_only_side(change, t, sep, lang))}</small>"
    return (
        f"{escape(_shown(change, change.before, lang))} → <strong>{escape(_shown(change, change.after, lang))}</strong>"
        f"<br><small>{escape(t('attendu'))} {escape(_expected(change, lang))}</small>"
    )


def to_html(diff: SessionDiff, lang: str | None = None, *, show_same: bool = False) -> str:
    """The comparison as one offline page; ``show_same`` (``--all``) lists the unchanged cases too, as the text does."""
    from testbench.report.assets import csp_hash

    lang = lang or default_language()
    t, sep = translator(lang), colon(lang)
    csp = f"default-src 'none'; style-src {csp_hash(_HTML_CSS)}; base-uri 'none'; form-action 'none'"
    rows = []
    for c in diff.cases:
        if c.kind == "same" and not show_same:
            continue
        values = "".join(
            f"<div>{escape(_named(v, t))}{sep}{_html_change(v, t, sep, lang)}"
            + "".join(f"<br><small>{escape(side)}{sep}{escape(text)}</small>" for side, text in _origins(v, t, lang))
            + (f"<br><small>A → B{sep}{escape(note)}</small>" if (note := _hidden(v, lang)) else "")
            + "</div>"
            for v in c.values
        )
        trace = ""
        if c.trace_diff:
            lines = "".join(f'<span class="{_css(x)}">{escape(_markers(x, t))}</span>\n' for x in c.trace_diff)
            trace = f"<div>+{c.trace_added} −{c.trace_removed}</div><pre>{lines}</pre>"
        retained = f"<br><small>{escape(t('verdict retenu'))}{sep}{escape(r)}</small>" if (r := _retained(c, t)) else ""
        rows.append(
            f'<tr class="k-{c.kind}"><td>{escape(t(KIND_FR[c.kind]))}</td><td>{escape(c.plan_id)} '
            f"<strong>{escape(c.case_id)}</strong><br>{escape(c.title)}</td><td>{escape(_v(c.before, t))} → "
            f"{escape(_v(c.after, t))}{retained}</td><td>{values}</td><td>{trace}</td></tr>"
        )
    counts = ", ".join(f"{t(KIND_FR[k])} {n}" for k, n in diff.counts().items())
    rules = _rules(t, (name for name, _ in TRACE_RULES))
    title = escape(t("Comparaison de campagnes"))
    # the tab's and a screen reader's first words: which two sessions, not only what kind of page
    named = escape(fmt.visible_controls(f"{t('Comparaison de campagnes')} — {Path(diff.a).name} → {Path(diff.b).name}"))
    regressions = failures_said(diff, lang)
    warning = absent_warning(len(diff.absent), (c.case_id for c in diff.absent), lang)
    altered = altered_lines(diff, lang)
    headings = ("Changement", "Cas", "Verdict", "Valeurs", "Traces")
    return (
        f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}"><title>{named}</title>'
        f"<style>{_HTML_CSS}</style></head><body><main><h1>{title}</h1>"
        f"<p>A{sep}<code>{escape(diff.a)}</code><br>B{sep}<code>{escape(diff.b)}</code></p>"
        + (f'<p class="altered"><strong>{"<br>".join(map(escape, altered))}</strong></p>' if altered else "")
        + f"<p>{escape(counts)} — {escape(regressions)}</p>"
        + (f"<p><strong>{escape(warning)}</strong></p>" if warning else "")
        + f"<p>{escape(t('Normalisation des traces'))}{sep}{escape(rules)}</p>"
        + "".join(f"<p>{escape(line)}</p>" for line in _environment_lines(diff, lang))
        + "<table><tr>"
        + "".join(f"<th>{escape(t(h))}</th>" for h in headings)
        + "</tr>"
        + "".join(rows)
        + "</table></main></body></html>\n"
    )


__all__ = ["SessionDiff", "Verdict", "diff_sessions", "to_html", "to_json", "to_text"]
