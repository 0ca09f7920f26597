"""The workstation's model: casebooks, the session's record, filters, counts and the overview.

Everything the screens show is computed here from the casebooks and the session file, with no
Textual import, so it is unit-tested on its own and the widgets only display it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout

from testbench import fmt
from testbench.casebook.errors import Problem
from testbench.casebook.model import Case, Casebook, ExpectationKind, Step
from testbench.casebook.problems import CasebookState
from testbench.casebook.selection import Matcher, SelectionError, compile_keyword, field_of, fold, is_expression
from testbench.casebook.selection import Problem as FilterProblem
from testbench.domain.verdict import NOT_PASSED, VERDICT_ORDER, Verdict
from testbench.domain.vocabulary import is_amount
from testbench.i18n import _t, translator
from testbench.runner.campaign import INTERRUPTED, interrupted_notice, record_casebooks
from testbench.runner.resume import Continuation, continuation
from testbench.runner.shard import Shard, read_record, shard_record, shard_slice
from testbench.runner.versions import changed_versions, follow_selection, followed_notices, takes_new_cases
from testbench.store.annotations import Annotation
from testbench.store.connection import READ_FAILURES, SessionError, SessionLocked, damage_reason, lock_path
from testbench.store.model import card_states
from testbench.store.read import (
    SHARD_META,
    AttemptView,
    CaseView,
    SessionView,
    read_session,
    recorded_campaign,
    recorded_case_counts,
)
from testbench.store.session import SessionStore
from testbench.store.verdicts import VerdictCounts, count_verdicts

if TYPE_CHECKING:
    from testbench.report.cover import CoverField

Key = tuple[str, str]  # (casebook sha256, case id)

#: what a workstation opening a session another one has open says (see :meth:`Workstation._hold_presence`)
ANOTHER_WORKSTATION = _t(
    "Un autre poste d'examen (testbench ui) a déjà cette session ouverte : ce que l'un exécute apparaît dans"
    " l'autre à la fin de l'exécution, au plus tard à sa réouverture"
)


#: what a workstation opening a session another process is writing (``testbench run``) says, until it ends
WRITTEN_ELSEWHERE = _t("Lecture seule : la session est ouverte en écriture par un autre processus.")


def without_path(said: str, path: Path) -> str:
    """The store's sentence about the session at ``path`` without the path it starts with (« x.tbsession : … »),
    for a notice that names the file itself."""
    for colon in (" : ", ": "):
        if said.startswith(f"{path}{colon}"):
            return said[len(f"{path}{colon}") :]
    return said


def presence_path(session: Path) -> Path:
    """The lock file a workstation holds while it has ``session`` open, beside the session's writer lock."""
    return session.with_name(session.name + ".ui.lock")

def draft_path(session: Path) -> Path:
    """Where what a manual step's window, the values read's and the review window hold is kept as it is typed, beside
    the session (whose writer lock is the run's while a step's window is open): reopened after a closed terminal, a
    crash or ``kill -9``, it is offered back."""
    return session.with_name(session.name + ".draft.json")


#: what was typed and not confirmed for a session another file replaced while open (:meth:`Workstation.reload`):
#: kept in the drafts' file, never offered to the session now at the path, offered again if that one comes back
DRAFTS_SET_ASIDE = _t(
    "Saisie non confirmée de la session remplacée mise de côté dans {file} ({steps}) : elle n'est pas reprise dans"
    " la session désormais à sa place ; elle sera proposée de nouveau si la session remplacée y est remise"
)


@dataclass(frozen=True)
class Draft:
    """A manual step's values and note as typed, not yet confirmed (:meth:`Workstation.save_draft`); for the window
    of the values read, the corrected values and their ``reasons``, by path (:meth:`Workstation.save_read_draft`)."""

    values: dict[str, str]
    note: str
    reasons: dict[str, str] = dataclasses.field(default_factory=dict)


#: the end of the name of a step's draft of the window of the values read, beside its manual window's own draft
READ_VALUES = "/read"
#: the end of the name of a case's draft of the review window (``a``), after the case where a step's id would be: no
#: id starts with « # » (casebook-1.xsd), so it is never a step's
REVIEW = "/#review"
#: the review window in the steps a replaced session's drafts are said for (« TC-OK-001 · revue du verdict »)
REVIEW_PLACE = _t("revue du verdict")
#: where a tool window's draft is named, after the session's id (then the tool's id): a casebook's fingerprint
#: never starts with « # », so it is never a case's
TOOL = "#tool"
#: a tool window in the places a replaced session's drafts are said for (« outil · cover »)
TOOL_PLACE = _t("outil")


@dataclass(frozen=True)
class KeptCorrections:
    """Corrections typed in the window of the values read of a step and never confirmed (a ``kill -9`` while it
    was shown), found as the session opens; ``offered_again``: the step is asked again when its case continues,
    and the window offers them back — else they were said and dropped (:meth:`Workstation.kept_corrections`)."""

    key: Key
    step_id: str
    draft: Draft
    offered_again: bool


@dataclass(frozen=True)
class KeptReview:
    """A review typed in the review window and never saved, found as the session opens; ``offered_again``: its case
    is open, and ``a`` on it offers the review back — else it was said and dropped (:meth:`Workstation.kept_reviews`).
    """

    key: Key
    draft: Draft
    offered_again: bool


def _draft_id(session_id: str, key: Key, step_id: str) -> str:
    """A draft's name: the session's own id first, so that a new session given a deleted one's name (same file,
    casebook and case) is never offered the old one's values."""
    return f"{session_id}/{key[0]}/{key[1]}/{step_id}"


def _review_id(session_id: str, key: Key) -> str:
    """The name of the draft of the review window of case ``key``: its case's, ended by :data:`REVIEW`."""
    return f"{session_id}/{key[0]}/{key[1]}{REVIEW}"


def _tool_id(session_id: str, tool_id: str) -> str:
    """The name of the draft of a tool's window (:data:`TOOL`): one per tool, not per case."""
    return f"{session_id}/{TOOL}/{tool_id}"


def _aside_place(name: str) -> str:
    """Where a draft set aside was typed, as said (« case · step », « case · revue du verdict », « outil · cover »),
    from its name."""
    parts = name.split("/")
    if parts[1:2] == [TOOL]:
        return f"{TOOL_PLACE} · {'/'.join(parts[2:])}"
    case, step = parts[2:4]
    return f"{case} · {REVIEW_PLACE}" if f"/{step}" == REVIEW else f"{case} · {step}"


def aside_said(places: list[str], t: Callable[[str], str]) -> str:
    """The places :meth:`Workstation.take_set_aside` gives, in ``t``'s language: the review window's and the tools'
    named in it."""
    review, tool = f" · {REVIEW_PLACE}", f"{TOOL_PLACE} · "

    def said(place: str) -> str:
        if place.endswith(review):
            return place.removesuffix(review) + f" · {t(REVIEW_PLACE)}"
        return f"{t(TOOL_PLACE)} · {place.removeprefix(tool)}" if place.startswith(tool) else place

    return ", ".join(said(p) for p in places)


def _kept(entry: dict[str, Any]) -> dict[str, Any]:
    """A draft of the session open now, no longer set aside: the session it was typed for is back in its place."""
    return {key: value for key, value in entry.items() if key != "aside"}


def _as_draft(entry: Any) -> Draft | None:
    """A draft as the file holds it (values, note, a correction's reasons); None when it holds nothing typed."""
    if not isinstance(entry, dict):
        return None
    values, reasons = entry.get("values"), entry.get("reasons")
    values = {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {}
    reasons = {str(k): str(v) for k, v in reasons.items()} if isinstance(reasons, dict) else {}
    note = str(entry.get("note") or "")
    return Draft(values, note, reasons) if values or note or reasons else None


def _replaced(old: SessionView, new: SessionView) -> bool:
    """Whether ``new``, read at ``old``'s path, is another session (its own id) or ``old``'s copied back at an
    earlier state, rather than ``old`` plus what was written since (:meth:`SessionView.continues`, which compares the
    ids first)."""
    try:
        return not new.continues(old)
    except READ_FAILURES:  # read again at the next reload; the same session still: its drafts are its own
        return False


def _holds_pin(label: str, value: str) -> bool:
    """Whether a field's value, read as its label says it (« Code porteur : 4719 »), holds a PIN: not kept (a masked
    value offered back would be confirmed as « ‹PIN› »; the person types it again)."""
    from testbench.traces.pin_words import pin_free

    said = f"{label} : {value}"
    return pin_free(said) != said


def verdict_key(name: str) -> str:
    """How a ``verdict:`` word is compared: case, accents, hyphens, underscores and spaces aside, so the
    two-word names can be typed in one word (``non-concluant``, ``nonconcluant``, ``not-run``)."""
    return "".join(fold(name).replace("-", " ").replace("_", " ").split())


@functools.cache
def verdict_aliases() -> dict[str, str]:
    """Every name a ``verdict:`` word may give, folded: the stored value, the French label, the English one
    (read at the first filter: the English catalogue is not loaded at import)."""
    english = translator("en")
    names = {name: v.value for v in Verdict for name in (v.value, v.label_fr, english(v.label_fr))}
    names |= {"échoué": "fail", "ok": "pass", "passed": "pass", "failed": "fail", "attente": "pending"}
    return {verdict_key(name): value for name, value in names.items()}


#: an unknown ``verdict:`` word, refused as ``domain:`` refuses an unknown domain
UNKNOWN_VERDICT = _t("verdict inconnu « {value} » (verdicts connus {known})")


def _verdict(name: str, column: int, text: str, t: Callable[[str], str]) -> str:
    """The stored value a ``verdict:`` word names; :class:`SelectionError` placed at its column when none."""
    value = verdict_aliases().get(verdict_key(name))
    if value is not None:
        return value
    known = ", ".join(t(Verdict(v).label_fr).replace(" ", "-") for v in VERDICT_ORDER)  # as typed: one word
    message = t(UNKNOWN_VERDICT).format(value=name, known=known)
    problem = FilterProblem(message, column, text)
    raise SelectionError(problem.said(), problem)


@dataclass(frozen=True)
class Filter:
    """What the tree shows: cases holding every word (or matching ``expression``), one of the tags, one of
    the verdicts."""

    words: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    verdicts: tuple[str, ...] = ()
    #: the words as ``run -k`` reads them (``lit and not ald``), compiled once, over the filter's words of a case
    expression: Matcher | None = dataclasses.field(default=None, compare=False)

    @property
    def empty(self) -> bool:
        return not (self.words or self.tags or self.verdicts or self.expression)


def parse_filter(text: str, t: Callable[[str], str] | None = None) -> Filter:
    """``lit ald tag:lpp verdict:échec`` → words, tags and verdicts (French or English names); words joined
    by ``and``, ``or``, ``not`` or in parentheses are read as ``run -k`` reads them (``lit and not ald``),
    its :class:`~testbench.casebook.selection.SelectionError` raised while the expression is malformed or a
    verdict unknown (named in ``t``'s language, French by default)."""
    t = t or translator(None)
    words: list[str] = []
    tags: list[str] = []
    verdicts: list[str] = []
    for match in re.finditer(r"\S+", text):
        low = match.group().casefold()
        if low.startswith("tag:") and len(low) > 4:
            tags.append(low[4:])
        elif low.startswith("verdict:") and len(low) > 8:
            verdicts.append(_verdict(match.group()[8:], match.start() + 1, text, t))
        else:
            words.append(low)
    if is_expression(" ".join(words)):
        return Filter((), tuple(tags), tuple(verdicts), compile_keyword(" ".join(words), case_words))
    if any(field_of(word) for word in words):  # ``domain:fse mode:dégradé``: every one, as ``run -k`` reads each
        return Filter((), tuple(tags), tuple(verdicts), compile_keyword(" and ".join(words), case_words))
    return Filter(tuple(words), tuple(tags), tuple(verdicts))


def case_words(case: Case) -> tuple[str, ...]:
    """What a filter's word is looked for in (casefolded): the id, title, objective, tags, the domain and the
    mode by their codes and as the tree names them in either language (« sécurisé », "cartes": French terms
    kept in English)."""
    labels = (
        fmt.label(labels, code, lang)
        for labels, code in ((fmt.DOMAIN_LABELS, case.domain.value), (fmt.MODE_LABELS, case.mode.value))
        for lang in ("fr", "en")
    )
    texts = (case.id, case.title, case.objective, case.domain.value, case.mode.value, *labels, *case.tags)
    return tuple(text.casefold() for text in texts)


@dataclass
class CaseEntry:
    casebook: Casebook
    case: Case
    view: CaseView | None = None
    #: how many cases of its casebook came before it with its id (an invalid casebook's duplicate, shown as read
    #: and never run): its own entry, keyed apart, so that its node shows it and not the first case of that id
    occurrence: int = 0

    @property
    def id_key(self) -> Key:
        """Its casebook and case id, as the casebook's problems and the session name it."""
        return (self.casebook.sha256, self.case.id)

    @property
    def annotations(self) -> list[Annotation]:
        """The case's annotations, oldest first, each with its signature checked."""
        return list(self.view.annotations) if self.view else []

    @property
    def key(self) -> Key:
        """What the tree and the views know it by: its :attr:`id_key`, but a duplicate's (« T-001#2 »; « # » is
        no case id's character)."""
        return self.id_key if not self.occurrence else (self.casebook.sha256, f"{self.case.id}#{self.occurrence + 1}")

    @property
    def original_verdict(self) -> str:
        return self.view.verdict if self.view else "none"

    @property
    def verdict(self) -> str:
        """The retained verdict: the read model's (testbench.store.verdicts), as the report has it."""
        return self.view.retained_verdict if self.view else "none"

    @property
    def latest(self) -> AttemptView | None:
        return self.view.latest if self.view else None

    @property
    def is_final(self) -> bool:
        return Verdict(self.original_verdict).is_final

    @property
    def unfinished(self) -> AttemptView | None:
        """The latest attempt when it stopped without a verdict: a step left pending (``ctrl+q``, ``ctrl+t``)
        or the process killed. An operator attempt continues at its first unfinished step
        (:meth:`Workstation.continuation`); another starts again at its first step, in a new attempt (the
        engine's state of that attempt is gone)."""
        latest = self.latest
        if latest is None or Verdict(latest.verdict).is_final or not latest.reason:
            return None
        return latest

    def matches(self, flt: Filter) -> bool:
        if flt.tags and not {fold(t) for t in flt.tags}.intersection(fold(t) for t in self.case.tags):
            return False
        if flt.verdicts and self.verdict not in flt.verdicts:
            return False
        if flt.expression is not None:
            return flt.expression(self.case)
        hay = fold(" ".join(case_words(self.case)))
        return all(fold(w) in hay for w in flt.words)


@dataclass(frozen=True)
class Overview:
    total: int
    final: int
    verdicts: VerdictCounts  # recorded and retained, counted as the report counts them
    by_domain: dict[str, dict[str, int]]
    time_spent_ms: float
    attempts: int
    remaining: list[str]

    @property
    def counts(self) -> dict[str, int]:
        """Retained verdicts, in the workstation's display order."""
        return _display_order(self.verdicts.retained)

    @property
    def recorded_counts(self) -> dict[str, int]:
        """Recorded verdicts (before review), in the workstation's display order."""
        return _display_order(self.verdicts.recorded)


def _display_order(counts: dict[str, int]) -> dict[str, int]:
    return {v: counts[v] for v in VERDICT_ORDER if v in counts}


def shown_value(path: str, value_type: str, item: Any, lang: str | None = None) -> str:
    """An expected or observed value at ``path`` as the views show it: :func:`fmt.typed` (oui/non, money), an
    engine's known status word in the person's language (:func:`fmt.status_word`, as the exam book says it)."""
    word = fmt.status_word(path, item, lang)
    return word if word is not None else fmt.typed(value_type, item, lang, is_amount(path))


@dataclass(frozen=True)
class FieldDiff:
    """One expectation beside what was observed, with the differing characters marked.

    The values read as a person reads them in the language asked (:meth:`Workstation.comparisons`).
    """

    expectation_id: str
    kind: str
    path: str
    expected: str
    observed: str
    outcome: str
    rules: str
    message: str
    expected_marks: tuple[tuple[str, bool], ...]  # (text, differs)
    observed_marks: tuple[tuple[str, bool], ...]


def mark_differences(expected: str, observed: str) -> tuple[tuple[tuple[str, bool], ...], tuple[tuple[str, bool], ...]]:
    """Character-level diff of two short values: runs of (text, differs) for each side."""
    left: list[tuple[str, bool]] = []
    right: list[tuple[str, bool]] = []
    matcher = difflib.SequenceMatcher(a=expected, b=observed, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        same = tag == "equal"
        if i2 > i1:
            left.append((expected[i1:i2], not same))
        if j2 > j1:
            right.append((observed[j1:j2], not same))
    return tuple(left), tuple(right)


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    return str(value)


class Workstation:
    """Casebooks + one session file. ``reload()`` re-reads the record after every change.

    ``states`` (testbench.casebook.problems) are the casebook files as read, when some are invalid: their
    readable cases are browsable, read-only, with their problems beside them; ``use_casebooks`` takes the
    files as read again after a save.
    """

    def __init__(self, casebooks: list[Casebook], session: Path, states: list[CasebookState] | None = None) -> None:
        self.session_path = session
        self.read_only = False
        #: what ``testbench verify`` finds wrong in the session (French, a line each; see check_integrity)
        self.altered: list[str] = []
        #: why the check of the session's integrity could not be made (French; see unchecked_reason), None when made
        self.unchecked: str | None = None
        self.session: SessionView | None = None
        self.entries: list[CaseEntry] = []
        self._by_key: dict[Key, CaseEntry] = {}
        #: the CI shard the session is (``testbench run --shard K/N``), and its cases: the only ones its runs take
        self.shard: Shard | None = None
        self.shard_keys: set[Key] | None = None
        #: the version of each file last recorded in the session (an invalid save in between records nothing)
        self._recorded: dict[Path, str] = {}
        #: what opening the session said (prepare), None until it is open: it is opened once
        self._prepared: list[str] | None = None
        #: the presence lock held while open (:meth:`_hold_presence`)
        self._presence: FileLock | None = None
        #: the session file's own id, read when first needed (:meth:`_session_id`)
        self._own_id: str | None = None
        #: why the session could not be read at the last reload (French), None when it was (:meth:`reload`)
        self.unreadable: str | None = None
        #: the steps (« case · step ») whose unconfirmed values were set aside at the last replacement of the
        #: session file (:meth:`reload`), for the interface to say (:meth:`take_set_aside`); empty when none
        self.set_aside: list[str] = []
        self.use_casebooks(states if states is not None else [CasebookState(cb.path, cb) for cb in casebooks])

    def use_casebooks(self, states: list[CasebookState]) -> None:
        """The casebooks as read from their files; an invalid one's readable cases carry its problems."""
        self.states = states
        self.casebooks = [s.casebook for s in states if s.casebook is not None]
        self.invalid = {s.casebook.sha256 for s in states if s.casebook is not None and not s.valid}
        self.case_problems: dict[Key, list[Problem]] = {}
        #: problems no readable case holds (identity, fixtures, a case that could not be read), per file
        self.file_problems: dict[Path, list[Problem]] = {}
        for state in states:
            ids = {c.id for c in state.casebook.cases} if state.casebook is not None else set()
            for case_id, problems in state.problems.items():
                if case_id is not None and case_id in ids and state.casebook is not None:
                    self.case_problems[(state.casebook.sha256, case_id)] = problems
                else:
                    self.file_problems.setdefault(state.path, []).extend(problems)

    @property
    def runnable_casebooks(self) -> list[Casebook]:
        """The valid casebooks: an invalid one's cases are shown, never run nor recorded."""
        return [cb for cb in self.casebooks if cb.sha256 not in self.invalid]

    def runnable(self, entry: CaseEntry) -> bool:
        return entry.casebook.sha256 not in self.invalid

    def reload_casebooks(self, states: list[CasebookState]) -> str | None:
        """The files were saved: show them as read now, record the valid ones in the session, the session's
        selection following each file's cases into its new version. Returns why they could not be recorded
        (French: the store's sentence, SQLite's reason), None when recorded — or read-only: another process
        writes the session, recorded once the workstation writes it again (:meth:`take_writer`)."""
        before = self._recorded
        problem = None
        self.use_casebooks(states)
        if not self.read_only:
            replaced = {
                before[cb.path]: cb for cb in self.runnable_casebooks if before.get(cb.path, cb.sha256) != cb.sha256
            }
            added = [cb for cb in self.runnable_casebooks if cb.path not in before]
            try:
                with SessionStore.open(self.session_path) as store:
                    record_casebooks(store, [*replaced.values(), *added])
                    shard = read_record(store.meta(SHARD_META)) is not None
                    whole = takes_new_cases(store.selection(), replaced, recorded_case_counts(store.path), shard)
                    selection = follow_selection(store.selection(), replaced, added, new_cases=whole)
                    if selection != store.selection():
                        store.set_selection(selection)
                    self._read_shard(store)
                self._recorded = before | {cb.path: cb.sha256 for cb in self.runnable_casebooks}
            except SessionLocked:
                self.read_only = True
            except SessionError as exc:  # damaged, gone, or no longer writable here
                problem = str(exc)
            except READ_FAILURES as exc:  # SQLite unable to read a page now (SessionError is caught above)
                if (reason := damage_reason(exc)) is None:
                    raise
                problem = f"{self.session_path} : {reason}"
        self.reload()
        return problem

    # -- opening and reloading -------------------------------------------------------------------
    def prepare(self) -> list[str]:
        """Create or update the session file with the casebooks; say what the operator should know.

        ``testbench ui`` calls it before the window opens, so that a session it cannot open (damaged, another
        program's, too new, a full disk) is said as ``run`` says it; the window's own call then finds it done.
        Raises the store's errors (:class:`SessionError`, SQLite's on a damaged page) but a lock (read-only).
        """
        if self._prepared is not None:
            self.reload()
            return list(self._prepared)
        self._prepared = self._open_session()
        return list(self._prepared)

    def _open_session(self) -> list[str]:
        from testbench.store.connection import EMPTY_DATABASE, empty_database, not_a_file
        from testbench.store.location import share_warning

        if (other := not_a_file(self.session_path)) is not None:  # a pipe, a device: no presence lock beside it
            raise SessionError(other)
        notes: list[str] = [shared] if (shared := share_warning(self.session_path)) else []
        if not self._hold_presence():
            notes.append(ANOTHER_WORKSTATION)
        if empty_database(self.session_path):  # a copy of a running session without its -wal: not a new session
            raise SessionError(f"{self.session_path} : {EMPTY_DATABASE}")
        try:
            with SessionStore.open(self.session_path) as store:
                notes += self._take_session(store)
        except SessionLocked:
            self.read_only = True
            notes.append(WRITTEN_ELSEWHERE)
        self.reload()
        return notes

    def _take_session(self, store: SessionStore) -> list[str]:
        """The session opened for writing: what an earlier writer left unfinished is closed as interrupted, the
        casebooks recorded, the selection and the shard read; what the operator should know returned."""
        closed = store.close_dangling_attempts(INTERRUPTED)
        notes = interrupted_notice(closed, self._continued(store, closed)) if closed else []
        record_casebooks(store, self.runnable_casebooks)
        self._recorded = {cb.path: cb.sha256 for cb in self.runnable_casebooks}
        notes += self._follow_changed_files(store)
        if not store.selection():
            store.set_selection([(cb.sha256, c.id) for cb in self.runnable_casebooks for c in cb.cases])
        self._read_shard(store)
        return notes

    def _continued(self, store: SessionStore, closed: list[str]) -> set[str]:
        """The cases among ``closed`` whose interrupted attempt ``r`` continues (an operator attempt,
        ``runner.resume``) rather than keeps in the history: what opening says of them. Read as
        :meth:`kept_corrections` reads it: an attempt recorded in operator mode goes on in operator mode."""
        from testbench.runner.options import OPERATOR_ENGINE
        from testbench.store.read import read_session

        with read_session(store.path) as session:
            views = {view.key: view for view in session.cases}
            return {
                case.id
                for cb in self.runnable_casebooks
                for case in cb.cases
                if case.id in closed
                and continuation(session, views.get((cb.sha256, case.id)), case, OPERATOR_ENGINE) is not None
            }

    def take_writer(self) -> list[str] | None:
        """Opened read-only (another process, ``testbench run``, was writing the session): whether that writer has
        let the session go — ended, or killed —; then the session is opened as at opening (what the writer left
        under way closed as interrupted), read again and no longer read-only, and what opening it says is returned.
        None while the writer holds it still. Never waits: the interface polls it."""
        if not self.read_only:
            return []
        if self._writer_lock() is not False:  # still written (or no lock can be taken here): read-only still
            return None
        try:
            with SessionStore.open(self.session_path) as store:
                notes = self._take_session(store)
        except SessionLocked:  # a writer took it again meanwhile
            return None
        self.read_only = False
        self.reload()
        return notes

    def written_elsewhere(self) -> bool:
        """Whether a process holds the session's writer lock now (``testbench run``): the session is not this
        workstation's to write until it lets it go. A folder that takes no lock file is not that (the store says
        why it cannot write there)."""
        return self._writer_lock() is True

    def _writer_lock(self) -> bool | None:
        """Whether the session's writer lock is held now (True), free (False), or cannot be taken here (None).
        Never waits: the interface polls it."""
        probe = FileLock(lock_path(self.session_path), timeout=0)
        try:
            probe.acquire()
        except Timeout:
            return True
        except OSError:
            return None
        probe.release()
        return False

    def _follow_changed_files(self, store: SessionStore) -> list[str]:
        """A file of the session's campaign changed since it was recorded: its cases follow the new version, as a
        save seen while open does (:func:`follow_selection`), and the change is said — the new version's cases
        start without a verdict, as with ``run --resume``; the old version's verdicts stay, as history."""
        current = {cb.sha256 for cb in self.casebooks}
        selected = (sha for sha, _ in store.selection())
        replaced = changed_versions(selected, store.recorded_casebooks(), self.runnable_casebooks, current)
        if not replaced:
            return []
        shard = read_record(store.meta(SHARD_META)) is not None
        whole = takes_new_cases(store.selection(), replaced, recorded_case_counts(store.path), shard)
        store.set_selection(follow_selection(store.selection(), replaced, [], new_cases=whole))
        return followed_notices(replaced, store.last_attempts())

    def _hold_presence(self) -> bool:
        """Take the session's presence lock (beside its writer lock) while the workstation is open; False when
        another workstation holds it. The writer lock is held only while writing, so two workstations could
        each write the session unaware of the other's runs. A folder that takes no lock file: nothing to say."""
        lock = FileLock(presence_path(self.session_path), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            return False
        except OSError:
            return True
        self._presence = lock
        return True

    # -- a manual step's window, kept as typed ---------------------------------------------------
    def _session_id(self) -> str:
        """The session file's own id (meta ``session_id``), read once known: what its drafts are named by."""
        if self._own_id is None:
            from testbench.store.read import recorded_session_id

            with contextlib.suppress(Exception):  # unreadable (not created yet): no id, nothing else's either
                self._own_id = recorded_session_id(self.session_path)
        return self._own_id or ""

    def _draft_file(self) -> dict[str, Any]:
        """Every draft the file beside the session holds, whichever session it was typed for."""
        import json

        try:
            drafts = json.loads(draft_path(self.session_path).read_text(encoding="utf-8"))
        except (OSError, ValueError):  # none yet, or unreadable: nothing to offer back
            return {}
        return drafts if isinstance(drafts, dict) else {}

    def _drafts(self) -> dict[str, Any]:
        """This session's drafts; another session's are left out: an earlier one of the same name's, which the
        next write drops, and one set aside when another file replaced the session (:meth:`_set_drafts_aside`),
        which every write keeps."""
        own = self._session_id() + "/"
        drafts = self._draft_file().items()
        return {name: _kept(entry) for name, entry in drafts if name.startswith(own) and isinstance(entry, dict)}

    def _set_drafts_aside(self, session_id: str) -> None:
        """The replaced session's drafts marked set aside in the file (kept by every later write, offered again if
        that session is put back), their steps kept in :attr:`set_aside` for the interface to say."""
        drafts, mine = self._draft_file(), f"{session_id}/"
        aside = {name: entry for name, entry in drafts.items() if name.startswith(mine) and isinstance(entry, dict)}
        if not aside:
            return
        for entry in aside.values():
            entry["aside"] = True
        self.set_aside = list(dict.fromkeys(_aside_place(name) for name in aside))
        self._write_drafts({}, drafts)

    def _write_drafts(self, drafts: dict[str, Any], held: dict[str, Any] | None = None) -> None:
        """Write this session's ``drafts`` beside it, with the drafts set aside from a replaced session (read from
        ``held``, the file as read, by default read now): never dropped — but this session's own, put back in
        its place, which ``drafts`` holds as they are now."""
        import json

        from testbench.wholefile import write_whole

        held = self._draft_file() if held is None else held
        own = self._session_id() + "/"
        aside = {n: e for n, e in held.items() if isinstance(e, dict) and e.get("aside") and not n.startswith(own)}
        drafts = aside | drafts
        path = draft_path(self.session_path)
        with contextlib.suppress(OSError):  # a folder that refuses it: the window works on, as before
            if drafts:
                write_whole(path, json.dumps(drafts, ensure_ascii=False).encode("utf-8"), mode=0o600)
            else:
                path.unlink(missing_ok=True)

    def save_draft(self, key: Key, step: Step, values: dict[str, str], note: str) -> None:
        """Keep what the window of ``step`` (of case ``key``) holds now, so that a closed terminal, a crash or
        ``kill -9`` loses nothing of it but a PIN, never written: a value that holds one (read with its path and
        label) is left out, the note is kept with its PINs masked as the session masks them. Nothing typed: the
        draft is dropped."""
        labels = {obs.path: obs.label for obs in step.observe}
        kept = {
            path: value
            for path, value in values.items()
            if value and not _holds_pin(f"{path} {labels.get(path, '')}", value)
        }
        from testbench.traces.pin_words import pin_free

        note = pin_free(note)
        drafts = self._drafts()
        if kept or note:
            drafts[_draft_id(self._session_id(), key, step.id)] = {"values": kept, "note": note}
        elif drafts.pop(_draft_id(self._session_id(), key, step.id), None) is None:
            return
        self._write_drafts(drafts)

    def draft(self, key: Key, step_id: str) -> Draft | None:
        """What was typed in the window of ``step_id`` and not confirmed, kept by :meth:`save_draft`; None when
        nothing was."""
        return _as_draft(self._drafts().get(_draft_id(self._session_id(), key, step_id)))

    def drop_draft(self, key: Key, step_id: str) -> None:
        """The step's answer is recorded (or its stop accepted what it drops): its draft is no longer needed."""
        drafts = self._drafts()
        if drafts.pop(_draft_id(self._session_id(), key, step_id), None) is not None:
            self._write_drafts(drafts)

    # -- the window of the values read, kept as typed, in the same file ---------------------------------
    def save_read_draft(self, key: Key, step_id: str, corrections: dict[str, tuple[str, str]]) -> None:
        """Keep the corrections the window of the values read of ``step_id`` holds now (path → value, reason), as
        :meth:`save_draft` keeps a manual step's: a ``kill -9`` while it is shown loses nothing of them but a PIN
        (a value that holds one is left out, a reason is kept with its PINs masked). None left: dropped."""
        from testbench.engines.operator.engine import path_label
        from testbench.traces.pin_words import pin_free

        values = {
            path: value
            for path, (value, _reason) in corrections.items()
            if value and not _holds_pin(f"{path} {path_label(path)}", value)
        }
        reasons = {path: pin_free(reason) for path, (_value, reason) in corrections.items() if reason}
        name = _draft_id(self._session_id(), key, step_id) + READ_VALUES
        drafts = self._drafts()
        if values or reasons:
            drafts[name] = {"values": values, "note": "", "reasons": reasons}
        elif drafts.pop(name, None) is None:
            return
        self._write_drafts(drafts)

    def read_draft(self, key: Key, step_id: str) -> Draft | None:
        """The corrections typed in the window of the values read of ``step_id`` and not confirmed; None when none."""
        return _as_draft(self._drafts().get(_draft_id(self._session_id(), key, step_id) + READ_VALUES))

    def drop_read_draft(self, key: Key, step_id: str) -> None:
        """The values read were answered (accepted, corrected and recorded) or the person was told the corrections
        are dropped: their draft goes."""
        drafts = self._drafts()
        if drafts.pop(_draft_id(self._session_id(), key, step_id) + READ_VALUES, None) is not None:
            self._write_drafts(drafts)

    # -- the review window, kept as typed, in the same file ----------------------------------------------------
    def save_review_draft(self, key: Key, typed: dict[str, str]) -> None:
        """Keep what the review window of case ``key`` holds now (``ReviewScreen.typed_now``: the decision, the
        reviewer, the original verdict it was typed against, the reason), so that a closed terminal, a crash or
        ``kill -9`` loses nothing of it: the reason with its PINs masked, as a note is. No reason typed and the
        choices as the window opened them (``typed`` empty): dropped."""
        from testbench.traces.pin_words import pin_free

        name, drafts = _review_id(self._session_id(), key), self._drafts()
        if typed:
            values = {k: v for k, v in typed.items() if k != "reason"}
            drafts[name] = {"values": values, "note": pin_free(typed.get("reason", ""))}
        elif drafts.pop(name, None) is None:
            return
        self._write_drafts(drafts)

    def review_draft(self, key: Key) -> Draft | None:
        """What was typed in the review window of case ``key`` and not saved (the reason as ``note``, the rest as
        ``values``); None when nothing was."""
        return _as_draft(self._drafts().get(_review_id(self._session_id(), key)))

    def kept_reviews(self) -> list[KeptReview]:
        """The review windows' drafts of this session (a closed terminal, a ``kill -9`` left them), for the interface
        to say as the session opens — a reason nobody knows of is as good as lost. A draft of a case open in another
        version of its casebook (the file changed since) follows it there, offered back on that case (the window
        says the verdict it was typed against); one of a case no casebook open holds any more is returned to be said
        once and dropped — no window would offer it again. Read-only, or another workstation having the session
        open, nothing is moved nor dropped: that process's window may be the one showing it."""
        shared = self.read_only or not self.take_presence()
        own, found, drafts = self._session_id() + "/", [], self._drafts()
        changed = False
        for name, entry in list(drafts.items()):
            parts = name.removeprefix(own).removesuffix(REVIEW).split("/")
            if not name.endswith(REVIEW) or len(parts) != 2 or (draft := _as_draft(entry)) is None:
                continue
            key: Key = (parts[0], parts[1])
            now = self.entry(key) or self._same_case(key)
            if not shared and (now is None or now.key != key):  # gone, or to follow the case's new version
                moved = drafts.pop(name)
                if now is not None:
                    drafts[_review_id(self._session_id(), now.key)] = moved
                    key = now.key
                changed = True
            found.append(KeptReview(key, draft, now is not None))
        if changed:
            self._write_drafts(drafts)
        return found

    def gone_step_drafts(self) -> list[tuple[Key, str, Draft]]:
        """As the session opens: the manual steps' drafts (values and note typed, never confirmed) of a case no
        casebook open holds under its key. One of a case open in another version of its casebook follows it there
        (its step, asked again, offers it back); one of a case gone is returned — case, step, draft — to be said
        once, and dropped: no step would offer it again. Read-only, or another workstation having the session open,
        nothing is moved nor dropped."""
        if self.read_only or not self.take_presence():
            return []
        own, found, drafts, changed = self._session_id() + "/", [], self._drafts(), False
        for name in list(drafts):
            parts = name.removeprefix(own).split("/")  # casebook, case, step: not a review's (« #review »), a tool's
            if len(parts) != 3 or parts[0] == TOOL or parts[2].startswith("#") or self.entry((parts[0], parts[1])):
                continue
            now, moved = self._same_case((parts[0], parts[1])), drafts.pop(name)
            if now is not None and all(step.id != parts[2] for step in now.case.steps):
                now = None  # its new version has no such step: nothing would ask it again
            changed = True
            if now is not None:
                drafts[_draft_id(self._session_id(), now.key, parts[2])] = moved
            elif (draft := _as_draft(moved)) is not None:
                found.append(((parts[0], parts[1]), parts[2], draft))
        if changed:
            self._write_drafts(drafts)
        return found

    def _same_case(self, key: Key) -> CaseEntry | None:
        """The case open under ``key``'s id in another version of its casebook (same plan id, when the session
        recorded the version the key names), else None."""
        entry = self.find(key[1])
        recorded = {cb.sha256: cb.plan_id for cb in self.session.casebooks} if self.session is not None else {}
        plan = recorded.get(key[0])
        return entry if entry is not None and plan in (None, entry.casebook.identity.plan_id) else None

    def drop_review_draft(self, key: Key) -> None:
        """The review was saved, or the person backed out told it drops what was typed: its draft goes."""
        drafts = self._drafts()
        if drafts.pop(_review_id(self._session_id(), key), None) is not None:
            self._write_drafts(drafts)

    # -- a tool's window (« Outils »: new case, the cover's fields…), kept as typed, in the same file ---------------
    def save_tool_draft(self, tool_id: str, labels: dict[str, str], typed: dict[str, str]) -> None:
        """Keep the fields of tool ``tool_id``'s window that differ from their defaults and were not run yet
        (``ToolScreen.typed_now``), so that a closed terminal, a crash or ``kill -9`` loses nothing of them but a
        PIN: a field whose value, read with its ``labels`` entry, holds one is left out. None left: dropped."""
        values = {k: v for k, v in typed.items() if not _holds_pin(f"{k} {labels.get(k, '')}", v)}
        name, drafts = _tool_id(self._session_id(), tool_id), self._drafts()
        if values:
            drafts[name] = {"values": values, "note": ""}
        elif drafts.pop(name, None) is None:
            return
        self._write_drafts(drafts)

    def tool_draft(self, tool_id: str) -> Draft | None:
        """What was typed in the window of tool ``tool_id`` and not run; None when nothing was."""
        return _as_draft(self._drafts().get(_tool_id(self._session_id(), tool_id)))

    def kept_tools(self) -> list[str]:
        """The tools whose window holds a draft (a closed terminal, a ``kill -9`` left it), for the interface to
        say as the session opens."""
        start = _tool_id(self._session_id(), "")
        kept = self._drafts().items()
        return [name.removeprefix(start) for name, entry in kept if name.startswith(start) and _as_draft(entry)]

    def drop_tool_draft(self, tool_id: str) -> None:
        """The tool's window was closed on purpose (told what it drops) or the workstation quit: its draft goes."""
        drafts = self._drafts()
        if drafts.pop(_tool_id(self._session_id(), tool_id), None) is not None:
            self._write_drafts(drafts)

    def kept_corrections(self) -> list[KeptCorrections]:
        """As the session opens: the corrections a ``kill -9`` left in the window of the values read, never
        confirmed. Those whose step is asked again when its case continues (its attempt unfinished, the step not
        finished) stay, for the window to offer back; the others are returned to be said once and dropped — the
        window will not show them again. Read-only, or another workstation having the session open, nothing is
        dropped: the window showing them may be that process's, open now."""
        from testbench.runner.options import OPERATOR_ENGINE

        shared = self.read_only or not self.take_presence()
        own = self._session_id() + "/"
        found, drafts = [], self._drafts()
        for name, entry in list(drafts.items()):
            draft = _as_draft(entry)
            parts = name.removeprefix(own).removesuffix(READ_VALUES).split("/")
            if not name.endswith(READ_VALUES) or draft is None or len(parts) != 3:  # a manual step's, a review's
                continue
            key, step_id = (parts[0], parts[1]), parts[2]
            entry_now = self.entry(key)
            resumed = self.continuation(entry_now, OPERATOR_ENGINE) if entry_now is not None else None
            again = shared or (resumed is not None and step_id not in resumed.done)
            found.append(KeptCorrections(key, step_id, draft, again))
            if not again:
                drafts.pop(name)
        if any(not kept.offered_again for kept in found):
            self._write_drafts(drafts)
        return found

    def take_presence(self) -> bool:
        """Whether this workstation holds the session's presence lock now, taking it if the workstation that held
        it (:data:`ANOTHER_WORKSTATION`) has closed the session since."""
        return self._presence is not None or self._hold_presence()

    def check_integrity(self) -> list[str]:
        """What ``testbench verify`` finds wrong in the session (a broken chain, an annotation whose signature
        fails), French, a line each; empty when intact or not a session file (said elsewhere). Raises what
        stopped the check (the system refusing the file, SQLite finding it damaged, a defect): the workstation
        says the session unverified (``unchecked_reason``), never intact. It reads the whole journal (≈ 1.3 s
        for 200,000 trace lines): the workstation calls it off the UI thread."""
        from testbench.integrity.verify import VerifyUsageError, verify_session

        try:
            return verify_session(self.session_path).lines()
        except VerifyUsageError:
            return []

    @staticmethod
    def unchecked_reason(exc: Exception) -> str:
        """Why the integrity check failed (``check_integrity`` raised ``exc``), in French: the store's words for
        a damaged session file, the system's for a file it cannot read, else a defect of the bench with where
        its details were written (never an exception's class name)."""
        from testbench.tui.fault import defect_text, known_reason

        return known_reason(exc) or defect_text(exc, "vérification de l'intégrité de la session")

    def set_shard(self, shard: Shard | None) -> None:
        """Make the session shard K/N of its campaign, recorded as ``testbench run --shard K/N`` records it
        (``testbench merge`` gathers it with the CI's shards), or the whole campaign again (None).

        The campaign is the session's selection before any shard (kept in the shard's record), so another
        shard, or none, deals the same cases again. Raises the store's errors (a locked session).
        """
        with SessionStore.open(self.session_path) as store:
            record = read_record(store.meta(SHARD_META))
            campaign = [(str(k[0]), str(k[1])) for k in record["campaign"]] if record else store.selection()
            if shard is None:
                if record is not None:
                    store.set_selection(campaign)
                    store.set_meta(SHARD_META, "")  # not a shard record: the session is whole again
            else:
                cases = [(e.casebook, e.case) for key in campaign if (e := self.entry(key)) is not None]
                store.set_meta(SHARD_META, shard_record(shard, cases))
                store.set_selection([(cb.sha256, case.id) for cb, case in shard_slice(cases, shard)])
            self._read_shard(store)
        self.reload()

    def _read_shard(self, store: SessionStore) -> None:
        record = read_record(store.meta(SHARD_META))
        self.shard = Shard(int(record["index"]), int(record["count"])) if record else None
        self.shard_keys = set(store.selection()) if record else None

    def in_shard(self, entries: list[CaseEntry]) -> list[CaseEntry]:
        """The entries the session's shard takes (all of them when the session is not a shard)."""
        keys = self.shard_keys
        return entries if keys is None else [e for e in entries if e.key in keys]

    def reload(self) -> None:
        """Read the session again. One read before that cannot be read now (damaged, locked by another process,
        gone with its USB stick) is kept as last read, and why is kept in :attr:`unreadable` (French) until a
        later reload reads it: the workstation says it and reads it again (``tui.session_watch``), never a
        traceback, never the cases shown as if nothing had been recorded."""
        old = self.session
        try:
            self.session = read_session(self.session_path)
        except SessionError as exc:
            if old is not None:  # read before: kept as last read (never opened: nothing recorded to show)
                self.unreadable = without_path(str(exc), self.session_path)
        except READ_FAILURES as exc:  # a page SQLite cannot read now, past the file's opening (SessionError above)
            if old is None or (reason := damage_reason(exc)) is None:  # never read: the opening refuses it
                raise
            self.unreadable = reason
        else:
            self.unreadable = None
            if old is not None:
                if _replaced(old, self.session):
                    self._follow_replacement(old, self.session)
                with contextlib.suppress(Exception):
                    old.close()
        if self.session is old and old is not None:  # unreadable: each case as last shown (a run's own attempts,
            # read one by one since, included: refresh_entries), in the order shown
            views = {e.id_key: e.view for e in self.entries if e.view is not None and not e.occurrence}
        else:
            views = {(c.casebook_sha, c.case_id): c for c in self.session.cases} if self.session else {}
        known = {cb.sha256: cb for cb in self.casebooks}
        entries = []
        for key in views:  # the session's order first (a session never records an invalid casebook's duplicate)
            cb = known.get(key[0])
            try:
                case = cb.case(key[1]) if cb is not None else None
            except KeyError:
                continue
            if case is not None:
                entries.append(CaseEntry(cb, case, views[key]))
        seen = {e.key for e in entries}
        for cb in self.casebooks:  # then each case of the casebooks, each its own entry, a duplicate id's too
            before: dict[str, int] = {}
            for case in cb.cases:
                entry = CaseEntry(cb, case, occurrence=before.get(case.id, 0))
                before[case.id] = entry.occurrence + 1
                if entry.key not in seen:
                    entries.append(entry)
        self.entries = entries
        self._by_key = {e.key: e for e in entries}

    def _follow_replacement(self, old: SessionView, new: SessionView) -> None:
        """Another file was put at the session's path (copied over it): what the workstation knows of the session
        it had open is read again from the one now there, through the store's reading — its id (what drafts are
        named by), its shard, the casebook versions it records. What was typed for the replaced session and not
        confirmed is set aside, never offered to this one (:meth:`take_set_aside` says it)."""
        before, now = old.meta.get("session_id") or "", new.meta.get("session_id") or ""
        self._own_id = now or None  # first: what is written from now on is named by it
        if before and before != now:
            self._set_drafts_aside(before)
        record = read_record(new.meta.get(SHARD_META))
        selection, casebooks = recorded_campaign(self.session_path)
        self.shard = Shard(int(record["index"]), int(record["count"])) if record else None
        self.shard_keys = set(selection) if record else None
        by_path = {Path(given): sha for sha, (given, _plan) in casebooks.items()}  # a later version wins
        self._recorded = {
            cb.path: cb.sha256 if cb.sha256 in casebooks else by_path[cb.path]
            for cb in self.runnable_casebooks
            if cb.sha256 in casebooks or cb.path in by_path
        }

    def take_set_aside(self) -> list[str]:
        """The steps whose drafts the last replacement set aside (« case · step », « case · revue du verdict »: said
        with :func:`aside_said`), once: the interface says them."""
        steps, self.set_aside = self.set_aside, []
        return steps

    def refresh_entries(self, keys: set[Key]) -> bool:
        """Re-read only the attempts of ``keys`` (cases a run touched); False when a full reload is needed."""
        if self.session is None:
            return False
        for key in keys:
            entry = self._by_key.get(key)
            if entry is None or entry.view is None:
                return False  # a case new to the session: its definition comes with a full reload
            entry.view = dataclasses.replace(entry.view, attempts=self.session.attempts_of(key))
        return True

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None
        if self._presence is not None:
            self._presence.release()
            self._presence = None

    # -- queries ---------------------------------------------------------------------------------
    def entry(self, key: Key) -> CaseEntry | None:
        return self._by_key.get(key)

    def find(self, case_id: str) -> CaseEntry | None:
        return next((e for e in self.entries if e.case.id == case_id), None)

    def filtered(self, flt: Filter) -> list[CaseEntry]:
        return [e for e in self.entries if e.matches(flt)]

    @staticmethod
    def verdict_counts(entries: list[CaseEntry]) -> VerdictCounts:
        """Recorded and retained verdicts of ``entries``: the report's rule (testbench.store.verdicts)."""
        return count_verdicts((e.original_verdict, e.verdict) for e in entries)

    @staticmethod
    def counts(entries: list[CaseEntry]) -> dict[str, int]:
        """Retained verdicts of ``entries``, in the workstation's display order."""
        return _display_order(Workstation.verdict_counts(entries).retained)

    @staticmethod
    def tree(entries: list[CaseEntry]) -> dict[str, dict[str, dict[str, list[CaseEntry]]]]:
        """plan id → domain → mode → cases, in casebook order."""
        out: dict[str, dict[str, dict[str, list[CaseEntry]]]] = {}
        for e in entries:
            plan = (
                f"{e.casebook.identity.plan_id} {e.casebook.identity.evolution} v{e.casebook.identity.document_version}"
            )
            out.setdefault(plan, {}).setdefault(e.case.domain.value, {}).setdefault(e.case.mode.value, []).append(e)
        return out

    def failed(self, entries: list[CaseEntry], *, invalid_too: bool = False) -> list[CaseEntry]:
        """Of ``entries``, the runnable ones whose retained verdict did not pass (``run --failed``'s
        :data:`~testbench.domain.verdict.NOT_PASSED`), of the session's shard when it is one; ``invalid_too``:
        an invalid casebook's too, for a run to say why they do not run rather than that none is left."""
        return self.in_shard([e for e in entries if e.verdict in NOT_PASSED and (invalid_too or self.runnable(e))])

    def remaining(self, *, invalid_too: bool = False) -> list[CaseEntry]:
        """The runnable cases without a final verdict, of the session's shard when it is one; ``invalid_too``:
        an invalid casebook's too (see :meth:`failed`)."""
        return self.in_shard([e for e in self.entries if not e.is_final and (invalid_too or self.runnable(e))])

    def overview(self) -> Overview:
        """The session's progress, over the cases the session holds (its selection and every case run), as
        the report counts them; a casebook case outside the session is browsable but not counted."""
        scope = [e for e in self.entries if e.view is not None] or self.entries
        by_domain: dict[str, dict[str, int]] = {}
        spent = 0.0
        attempts = 0
        for e in scope:
            row = by_domain.setdefault(e.case.domain.value, {})
            row[e.verdict] = row.get(e.verdict, 0) + 1
            for a in e.view.attempts if e.view else ():
                attempts += 1
                spent += a.duration_ms or 0.0
        remaining = [e.case.id for e in scope if not e.is_final]
        return Overview(
            total=len(scope),
            final=len(scope) - len(remaining),
            verdicts=self.verdict_counts(scope),
            by_domain=by_domain,
            time_spent_ms=spent,
            attempts=attempts,
            remaining=remaining,
        )

    def cover(self, lang: str = "fr", upcoming: dict[str, Any] | None = None) -> list[CoverField]:
        """The exam book's cover as the session would give it now, line by line in ``lang``, each required field
        it does not name yet said « à renseigner » (testbench.report.cover.session_cover); ``upcoming``: the
        options the workstation's next run records (``CampaignOptions.recorded``), named beside such a field."""
        if self.session is None:
            return []
        from testbench.report.cover import session_cover  # the report's reading, loaded when the overview asks

        return session_cover(self.session, lang, upcoming)

    # -- one case --------------------------------------------------------------------------------
    def events(self, entry: CaseEntry) -> list[dict[str, Any]]:
        if self.session is None or entry.latest is None:
            return []
        return self.session.events(entry.latest.id)

    def continuation(self, entry: CaseEntry, engine: str) -> Continuation | None:
        """Where a run of ``entry`` on a bench of ``engine`` goes on in its unfinished attempt, as the campaign
        decides it (``runner.resume``); None when the case starts again."""
        if self.session is None or entry.unfinished is None:
            return None
        return continuation(self.session, entry.view, entry.case, engine)

    def step_status(self, entry: CaseEntry) -> dict[str, str]:
        """step id → its status (testbench.store.model.STEP_STATUSES) for the steps the latest attempt reached."""
        if self.session is None or entry.view is None:
            return {}
        return {s.id: s.status for s in self.session.steps(entry.view) if s.status != "not-run"}

    def card_status(self, entry: CaseEntry) -> dict[str, str]:
        """slot → what the latest attempt says about its card (inserted, guard verdict, refusal)."""
        latest = entry.latest
        if latest is None:
            return {}
        return self.card_status_of(entry.case, latest.id, latest.reason)

    def card_status_of(self, case: Case, attempt_id: int, reason: str) -> dict[str, str]:
        """The same for a given attempt (a run just finished: no need to reload the whole session); the
        read model's card states (testbench.store.model), in the workstation's words."""
        events = self.session.events(attempt_id) if self.session is not None else []
        states = card_states([r.slot for r in case.cards], events, reason)
        return {slot: state.text_fr for slot, state in states.items()}

    def comparisons(self, entry: CaseEntry, attempt: AttemptView | None = None, lang: str = "fr") -> list[FieldDiff]:
        """The attempt's comparisons in ``lang``: values as recorded (data, as the report shows them) but a
        boolean's oui/non (yes/no), and a trace expectation's sentence (« présent /motif/ sur engine »)."""
        attempt = attempt or entry.latest
        if self.session is None or attempt is None:
            return []
        t = translator(lang)
        rows = []
        for comp in self.session.comparisons(attempt.id):
            kind = str(comp.get("kind", ""))
            value_type = str(comp.get("value_type") or "")
            path = str(comp.get("path") or "")  # an amount reads as money, as in the report
            expected = shown_value(path, value_type, _text(comp.get("expected")), lang)
            observed = shown_value(path, value_type, _text(comp.get("observed")), lang)
            if kind == "trace":  # the bench's sentence, recorded in French
                expected = "—" if comp.get("expected") is None else t(expected)
            # yes/no and a trace expectation are words, not characters to mark
            words = value_type == "boolean" or kind == "trace" or path in fmt.STATUS_LABELS
            left, right = ([], []) if words else mark_differences(expected, observed)
            rows.append(
                FieldDiff(
                    expectation_id=str(comp.get("expectation_id", "")),
                    kind=kind,
                    path=str(comp.get("path") or comp.get("step") or ""),
                    expected=expected,
                    observed=observed,
                    outcome=str(comp.get("outcome", "")),
                    rules=", ".join(str(r) for r in comp.get("rules") or ()),
                    message=str(comp.get("message", "")),
                    expected_marks=left,
                    observed_marks=right,
                )
            )
        return rows

    @staticmethod
    def observe_hints(case: Case, step: Step, lang: str | None = "fr") -> list[tuple[str, str, str]]:
        """For a manual step: (path, label, what the screen should show) for every observed value.

        The hint written on the step comes first; the case's value expectations on that path add
        the expected value (and its tolerance), so the operator compares before keying in. Values read
        as ``lang`` writes them (an amount as money); French by default, as the attestation window
        translates the words it shows (« oui »).
        """
        out = []
        for obs in step.observe:
            amount = is_amount(obs.path)
            values = [e for e in case.expectations if e.kind is ExpectationKind.VALUE and e.path == obs.path]
            expected = [
                # a status as the application's screen says it (« sécurisée »), not the casebook's word (secured)
                (fmt.status_word(obs.path, e.expected, lang) or fmt.typed(e.value_type, e.expected, lang, amount))
                + (f" (± {fmt.typed(e.value_type, str(e.tolerance), lang, amount)})" if e.tolerance is not None else "")
                for e in values
            ]
            value_type = values[0].value_type if values else ""
            hint = fmt.typed(value_type, obs.expected_hint, lang, amount) if obs.expected_hint else obs.expected_hint
            shown = " / ".join(dict.fromkeys([h for h in [hint, *expected] if h]))
            out.append((obs.path, obs.label, shown))
        return out
