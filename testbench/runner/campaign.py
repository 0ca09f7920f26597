"""A campaign from casebooks to a session: load, select, open the session, run, record.

This is the execution core that the CLI, the workstation and tests call (:class:`Campaign`); it needs
no user interface. Its options are one object (:mod:`testbench.runner.options`).
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from testbench.casebook.errors import CasebookError
from testbench.casebook.model import Case, Casebook
from testbench.domain.attestation import Operator
from testbench.domain.events import EventKind
from testbench.domain.verdict import Outcome
from testbench.fmt import json_reason, os_reason
from testbench.i18n import _t, tn
from testbench.runner.assemble import Bench, assembled_bench
from testbench.runner.events import Listener, TracesCaptured
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_USAGE, exit_code
from testbench.runner.fixtures_meta import recorded_fixtures
from testbench.runner.manual import AttestationsError, HeadlessOperator, ScriptedOperator
from testbench.runner.options import (
    MAX_WORKERS,
    OPERATOR_ENGINE,
    WORKERS_RANGE,
    CampaignOptions,
)
from testbench.runner.reasons import INTERRUPTED
from testbench.runner.resume import (
    GAP_META,
    STEP_FILES_META,
    Continuation,
    Interrupted,
    continuation,
    gap_cleared,
    gap_files,
    gap_record,
    interrupted,
    step_files_record,
)
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.runner.versions import changed_versions, follow_selection, followed_notices, takes_new_cases
from testbench.store.connection import SessionError, SessionVanished, SessionWriteError, writer_refusal
from testbench.store.read import EXAM_PLAN_META, FIXTURES_META, SHARD_META, superseded
from testbench.store.session import SessionStore
from testbench.traces.model import Channel, TraceLine

if TYPE_CHECKING:
    from testbench.runner.shard import Shard
    from testbench.runner.workers import Interruption
    from testbench.traces.capture import TraceCapture
    from testbench.traces.followed import FilePosition


def interrupted_notice(cases: list[str], continued: Collection[str] = ()) -> list[str]:
    """What a resumed session says of the attempts a killed process left open: how many, and which cases. The
    one wording of it, in the bench's words, read in the person's language. An attempt of a case in
    ``continued`` goes on where it stopped (an operator attempt, :mod:`.resume`): it is said to be continued,
    not kept in the history as a dead one; the others are kept, and the view shows each as not run until it
    runs again."""
    kept = list(dict.fromkeys(case for case in cases if case not in continued))
    going = list(dict.fromkeys(case for case in cases if case in continued))
    said = []
    if kept:
        said.append(
            tn(
                "{count} tentative interrompue conservée dans l'historique : {cases}",
                "{count} tentatives interrompues conservées dans l'historique : {cases}",
                len(kept),
                "fr",
                cases=", ".join(kept),
            )
        )
    if going:
        said.append(
            tn(
                "{count} tentative interrompue, à continuer : {cases}",
                "{count} tentatives interrompues, à continuer : {cases}",
                len(going),
                "fr",
                cases=", ".join(going),
            )
        )
    return said


#: the system could not give the benches their threads or memory (« can't start new thread », MemoryError)
SYSTEM_EXHAUSTED = _t(
    "le système n'a plus assez de mémoire ou de fils d'exécution pour ces bancs : relancez avec moins de bancs "
    "(--workers)"
)
#: an error of Python's own while a bench started: its kind in words, never its English message
UNEXPECTED_ERROR = _t("erreur inattendue au démarrage ({kind}) ; relancez, et signalez-la si elle revient")
#: Python's error kinds in words (the nearest class of the error, by its method resolution order)
_ERROR_KINDS = {
    TypeError: _t("type de valeur inattendu"),
    ValueError: _t("valeur inattendue"),
    LookupError: _t("élément introuvable"),
    ImportError: _t("module Python manquant"),
    ArithmeticError: _t("erreur de calcul"),
    RuntimeError: _t("erreur d'exécution"),
}


def unavailable_reason(exc: BaseException) -> str:
    """Why a bench could not start, in French: testbench's own errors in their words, the system's (a disk, a
    missing reader, threads or memory exhausted) with the next step, anything else by its kind: Python's
    English (« can't start new thread ») never reaches the person nor the session."""
    if isinstance(exc, MemoryError) or (isinstance(exc, RuntimeError) and "new thread" in str(exc)):
        return SYSTEM_EXHAUSTED
    if isinstance(exc, OSError):
        return os_reason(exc)
    if type(exc).__module__.split(".")[0] == "testbench":
        return str(exc)
    kind = next((_ERROR_KINDS[c] for c in type(exc).__mro__ if c in _ERROR_KINDS), _t("erreur inconnue"))
    return UNEXPECTED_ERROR.format(kind=kind)


#: Builds the bench (engine, card bay, guard) around the session's trace recorder; ``notify`` tells the person.
BenchFactory = Callable[[TraceRecorder, Callable[[str], None]], Bench]


class CampaignError(Exception):
    """The campaign cannot start; ``lines`` say why, ``exit_code`` is what the CLI returns. ``recorded``: the
    session holds the run that could not start and why (:meth:`Campaign._unavailable`), or verdicts that stand
    (``--failed`` with nothing to rerun), so its JUnit and report are still written, to say it."""

    def __init__(
        self,
        lines: list[str],
        exit_code: int = EXIT_USAGE,
        *,
        recorded: bool = False,
        by_option: dict[str, str] | None = None,
        vanished: Path | None = None,
    ) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines
        self.exit_code = exit_code
        self.recorded = recorded
        #: the session file that left its path while the campaign ran (deleted, its drive pulled): the lines give
        #: a command's advice (``run --resume``); the workstation gives its own
        self.vanished = vanished
        #: a refusal of one option's value, by the option (``--workers``), said without it: a window that
        #: asks for that value names its field instead of the flag
        self.by_option = by_option or {}


@dataclass
class RunRequest:
    """A headless run: casebooks, the session, the options, and how to treat the session's history."""

    casebooks: list[Path]
    session: Path
    options: CampaignOptions = field(default_factory=CampaignOptions)
    resume: bool = False
    rerun: bool = False
    argv: list[str] = field(default_factory=list)
    #: ``--failed``: of the selected cases, those whose retained verdict in the session did not pass (a rerun)
    failed: bool = False


@dataclass
class CampaignResult:
    """What a campaign ran and the verdicts its exit code is computed from."""

    run_id: int | None
    ran: int  # cases run by this invocation
    final_verdicts: list[str] = field(default_factory=list)  # latest verdict of every case of the selection
    verdicts: dict[str, str] = field(default_factory=dict)  # case id -> verdict of this run
    stopped: bool = False  # asked to stop between cases

    @property
    def exit_code(self) -> int:
        return exit_code(self.final_verdicts)


def load(request: RunRequest) -> tuple[list[Casebook], list[tuple[Casebook, Case]]]:
    from testbench.casebook.loader import SelectionError, load_casebooks, select_cases

    try:
        casebooks = load_casebooks(request.casebooks)
    except CasebookError as exc:
        raise CampaignError([p.text() for p in exc.problems]) from None  # in the active language
    try:
        selected = select_cases(casebooks, request.options.selection.keyword, request.options.selection.tags)
    except SelectionError as exc:
        raise CampaignError([str(exc)]) from None
    if not selected:
        raise CampaignError(["aucun cas ne correspond à la sélection (-k / --tag)"])
    return casebooks, selected


def record_casebooks(store: SessionStore, casebooks: list[Casebook]) -> None:
    """Snapshot each casebook's identity and cases in the session (what a report rebuilds from); the store
    encodes the models itself, in one walk each (``codec.dumps``)."""
    for cb in casebooks:
        store.add_casebook(
            cb.sha256,
            str(cb.path),
            cb.identity.plan_id,
            cb.identity,
            [(c.id, c.title, c.domain.value, c.mode.value, c) for c in cb.cases],
        )
        # --resume: recorded once; a section an older bench did not record (its cards' holders) added
        recorded = json.loads(store.meta(FIXTURES_META + cb.sha256) or "{}")
        given = recorded | {s: v for s, v in recorded_fixtures(cb).items() if v and not recorded.get(s)}
        if given != recorded:
            store.set_meta(FIXTURES_META + cb.sha256, json.dumps(given, ensure_ascii=False, sort_keys=True))


def _check_resumed_casebooks(store: SessionStore, casebooks: list[Casebook], followed: Mapping[str, Casebook]) -> None:
    """``--resume`` goes on with the session's casebooks, before anything of the session is changed: no other may
    be given (but the new version of one, ``followed``) — its cases would not run, yet its plan would be named by
    the JUnit and the report (``--rerun`` adds a casebook's cases)."""
    recorded = store.recorded_casebooks()
    news = {cb.sha256 for cb in followed.values()}
    extra = [str(cb.path) for cb in casebooks if cb.sha256 not in recorded and cb.sha256 not in news]
    if extra:
        said = _t(
            "{path} : cahier de tests absent de cette session : {casebooks} ; --resume reprend la session avec ses"
            " cahiers, --rerun y ajoute les cas d'un autre cahier"
        )
        raise CampaignError([said.format(path=store.path, casebooks=", ".join(extra))])


def _followed(
    session: Path, keys: list[tuple[str, str]], recorded: Mapping[str, tuple[str, str]], casebooks: list[Casebook],
    *, resume: bool
) -> dict[str, Casebook]:
    """The session's casebooks (its selection ``keys``, ``recorded``: sha → path as given, plan id) given in a new
    version (:func:`~testbench.runner.versions.changed_versions`): old sha → new version, which the selection
    follows. On ``resume``, a casebook of the session neither given nor in a new version is refused, named as the
    person gave it, not by its hash alone."""
    followed = changed_versions((sha for sha, _ in keys), recorded, casebooks)
    given = {cb.sha256 for cb in casebooks}
    missing = sorted({sha for sha, _ in keys if sha not in given and sha not in followed})
    if resume and missing:
        raise CampaignError([_not_given(session, sha, *recorded.get(sha, ("?", "?"))) for sha in missing])
    return followed


#: said instead of ``versions.FOLLOWED`` when the new version is another file than the one the session recorded
#: (an edited copy given to ``--rerun``): that file was never in the session, it has not « changed »
REPLACES = _t(
    "{file} (plan {plan_id}) remplace {old} dans la session : ses cas suivent cette version, sans verdict (ceux de"
    " {old} restent dans la session)"
)


def _changed_notices(
    followed: Mapping[str, Casebook], recorded: Mapping[str, tuple[str, str]], ran: Collection[str]
) -> list[str]:
    """What is said of each casebook followed (old sha → new version): the file changed, came back to a version
    already run, or — another file than the session's — replaces it (French)."""
    other = {
        sha: cb
        for sha, cb in followed.items()
        if sha in recorded and cb.sha256 not in ran and not _same_path(recorded[sha][0], cb.path)
    }
    said = followed_notices({sha: cb for sha, cb in followed.items() if sha not in other}, ran)
    return said + [
        REPLACES.format(file=cb.path, plan_id=cb.identity.plan_id, old=recorded[sha][0]) for sha, cb in other.items()
    ]


def _same_path(given: str, path: Path) -> bool:
    try:
        return Path(given).resolve() == path.resolve()
    except OSError:
        return False


def _not_given(session: Path, sha: str, path: str, plan: str) -> str:
    """Why a casebook of the session cannot be resumed, and the way forward: it is not given."""
    said = _t(
        "{session} : le cahier de tests « {plan} » de la session ({path}, empreinte {sha}…) n'est pas parmi les"
        " fichiers donnés : donnez-le aussi pour reprendre la session"
    )
    return said.format(session=session, plan=plan, path=path, sha=sha[:12])


def _resume_selection(store: SessionStore, casebooks: list[Casebook]) -> list[tuple[Casebook, Case]]:
    """What ``--resume`` runs: the selection's cases without a final verdict, and those of a rerun cut short
    (``--rerun``, ``--failed``) that it had not given one yet, though an earlier attempt had
    (:func:`~testbench.store.read.rerun_left`)."""
    from testbench.store.read import rerun_left

    by_sha = {cb.sha256: cb for cb in casebooks}
    keys = store.selection()
    if not keys:
        raise CampaignError([f"{store.path} : aucune campagne à reprendre dans cette session"])
    done = store.final_cases() - rerun_left(store.path)
    return [(by_sha[sha], by_sha[sha].case(cid)) for sha, cid in keys if (sha, cid) not in done and sha in by_sha]


def _check_kept_shard(
    path: Path, recorded_value: str | None, wanted_value: str | None, *, option: str | None = None
) -> None:
    """A session keeps its slice: ``--shard`` (its record ``wanted_value``) must be the one the session was started
    with (``recorded_value``), else a resume would run nothing of the new slice and carry its label, and a rerun
    would relabel the session (exit 3). A resume (``option`` None) goes on with the session's selection: it may
    leave ``--shard`` out; a rerun (``option``: the one the person typed, ``--rerun`` or ``--failed``) needs the
    session's ``--shard``. ``--rerun`` runs the cases it is given, dealt from the session's selection of cases;
    ``--failed`` reruns the session's own cases, which ``-k`` filters: it never deals them again."""
    from testbench.runner.shard import read_record

    wanted = read_record(wanted_value)
    recorded = read_record(recorded_value)
    new = None if wanted is None else f"{wanted['index']}/{wanted['count']}"
    if recorded is None:
        if new is None:
            return
        problem = (
            f"{path} : cette session n'est pas une partition ; {option} la rejoue sans --shard {new}"
            if option
            else f"{path} : cette session n'est pas une partition ; --resume la reprend sans --shard {new}"
        )
        raise CampaignError([problem])
    old = f"{recorded['index']}/{recorded['count']}"
    if wanted is None and option is None:
        return
    if new != old:
        problem = (
            f"{path} : cette session est la partition {old} de sa campagne ; {option} la rejoue avec"
            f" --shard {old} (une session garde sa partition)"
            if option
            else f"{path} : cette session est la partition {old} de sa campagne ; --resume la reprend sans"
            f" --shard {new} (une session reprise garde sa partition)"
        )
    elif wanted is not None and option != FAILED_OPTION and recorded["campaign"] != wanted["campaign"]:
        problem = (
            f"{path} : la partition {old} de cette session a été tirée d'une autre sélection de cas ;"
            " --rerun la rejoue avec les cahiers et la sélection (-k, --tag) de son début"
            if option
            else f"{path} : la partition {old} de cette session a été tirée d'une autre sélection de cas ;"
            " --resume la reprend sans --shard"
        )
    else:
        return
    raise CampaignError([problem])


def _has_results(session: Path) -> CampaignError:
    """A fresh run given a session that already holds results: refused, never run into it."""
    return CampaignError(
        [
            f"{session} : la session contient déjà des résultats ; --resume pour reprendre,"
            " --rerun pour rejouer les cas (nouvelles tentatives)"
        ]
    )


def _written_elsewhere(session: Path) -> CampaignError | None:
    """Another process's run writes ``session`` now (two CI jobs given one name): said as such, never as results
    to ``--resume``, which would only meet the same lock. None when its lock is free (or cannot be probed)."""
    from filelock import FileLock, Timeout

    from testbench.store.connection import describe_writer, lock_path
    from testbench.store.session import LOCKED, LOCKED_BY

    probe = FileLock(lock_path(session), timeout=0)
    try:
        probe.acquire()
    except Timeout:
        holder = describe_writer(session)
        said = LOCKED if holder is None else LOCKED_BY.format(pid=holder[0], host=holder[1])
        return CampaignError([f"{session} : {said}"])
    except OSError:  # no lock can be made here: the store's own refusal says why, when it opens
        return None
    probe.release()
    return None


def make_operator(attestations: Path | None) -> Operator:
    """A headless run's operator: prepared attestations, or none (manual steps stay pending)."""
    if attestations is None:
        return HeadlessOperator()
    try:
        return ScriptedOperator(attestations)
    except AttestationsError as exc:  # a mistake in the file's contents: placed at its line and column
        # a place in the file as compilers write it (file:line:col: ), the file alone as French writes a label
        where = f"{attestations}:{exc.line}:{exc.col}: " if exc.line is not None else f"{attestations} : "
        raise CampaignError([f"{where}attestations illisibles ({exc.reason})"]) from None
    except (OSError, ValueError, RecursionError) as exc:
        reason = json_reason(exc) or str(exc)  # the file's own problems are said in French already
        raise CampaignError([f"{attestations} : attestations illisibles ({reason})"]) from None


def apply_profile(options: CampaignOptions) -> CampaignOptions:
    """Load ``--sut-profile`` into ``options`` (in place, once; the workstation's bench factory shares them).

    The profile's product fills the identity the command line left empty, its syslog port is used when
    ``--syslog`` is not given, its first output folder (``fse`` first) is operator mode's watch when
    ``--watch`` is not given, and its logs join the capture (:meth:`Campaign._start_capture`).
    """
    bench = options.bench
    if bench.sut_profile is None or bench.profile is not None:
        return options
    from testbench.sut.profile import SutProfileError, load_profile

    try:
        profile = load_profile(bench.sut_profile)
    except SutProfileError as exc:
        raise CampaignError([exc.text()]) from None
    bench.profile = profile
    identity, product = options.identity, profile.product
    identity.sut = identity.sut or product.name
    identity.sut_version = identity.sut_version or product.version
    identity.agrement = identity.agrement or product.agrement
    if options.capture.syslog_port is None:
        options.capture.syslog_port = profile.syslog_port
    if bench.watch_dir is None and profile.outputs:
        bench.watch_dir = profile.outputs.get("fse") or next(iter(profile.outputs.values()))
    return options


class Campaign:
    """One campaign's sequence, for the CLI and the workstation alike.

    Open the session, close the attempts a killed process left, record the casebooks, assemble the
    bench, follow the application's traces, begin a run, run the cases (stopping between cases when
    asked), end the run; the bench, the capture and the session are closed whatever happens.
    """

    def __init__(
        self,
        casebooks: Sequence[Casebook],
        session: Path,
        options: CampaignOptions | None = None,
        *,
        operator: Operator | None = None,
        listener: Listener | None = None,
        notify: Callable[[str], None] | None = None,
        bench_factory: BenchFactory | None = None,
        argv: Sequence[str] = (),
        session_checked: bool = False,
    ) -> None:
        self.casebooks = list(casebooks)
        self.session = session
        self.options = apply_profile(options or CampaignOptions())
        self.operator = operator or make_operator(self.options.attestations)
        self.listener = listener
        self.notify = notify
        self.bench_factory = bench_factory or assembled_bench(self.options.bench)
        self._own_benches = bench_factory is None  # a parallel run gives each worker its own readers
        self._check_readers()
        self._check_workers()
        self._log_sources = self._parsed_log_sources()
        self.argv = list(argv)
        self._early_run: int | None = None  # a rerun's run, recorded with its selection (:meth:`_begin_run`)
        # the caller found the session whole just now (run_campaign): the first open does not read it all again
        self._session_checked = session_checked

    @staticmethod
    def _check_card_profiles(targets: Sequence[tuple[Casebook, Case]]) -> None:
        """The card profiles the cases' casebooks name, read as ``validate`` reads them: a broken one is refused
        before anything is recorded, at its file:line:col, not met as a bench error when a case presents it."""
        from testbench.cards.profile_check import card_profile_problems

        casebooks = {cb.sha256: cb for cb, _ in targets}.values()
        problems = card_profile_problems(card for cb in casebooks for card in cb.fixtures.cards.values())
        if problems:
            raise CampaignError([problem.text() for problem in problems])

    def run(
        self,
        targets: Sequence[tuple[Casebook, Case]],
        stop: threading.Event | None = None,
        *,
        restart: Collection[tuple[str, str]] = (),
    ) -> CampaignResult:
        """Run ``targets`` in order (the workstation's one case, filtered set or rest): as new attempts, but an
        unfinished operator attempt goes on at its first unfinished step (:mod:`.resume`) unless its case's
        key is in ``restart``.

        The session's selection is kept; a new session's is every case of the casebooks.
        """
        self._check_card_profiles(targets)
        factories = self._worker_factories()
        with self._open() as store:
            store.close_dangling_attempts(INTERRUPTED)
            record_casebooks(store, self.casebooks)
            if not store.selection():
                store.set_selection([(cb.sha256, c.id) for cb in self.casebooks for c in cb.cases])
            argv = self.argv or [*sys.argv[:1], "ui", *(c.id for _, c in targets)]
            self._record_plan(store)
            self._warn_at_start()
            continuing = self._continuations(store, targets, restart)
            return self._execute(store, list(targets), stop, argv, {"origin": "ui"}, factories, continuing)

    def run_selection(
        self,
        selected: Sequence[tuple[Casebook, Case]],
        *,
        resume: bool = False,
        rerun: bool = False,
        meta: dict[str, str] | None = None,
        notice: str | None = None,
    ) -> CampaignResult:
        """A headless run: ``selected`` becomes the session's selection, or ``resume`` goes on with it.

        ``meta`` is recorded in the session (a CI shard's place in its campaign); ``notice`` (the shard's
        share) is told once the run goes ahead, never before a refusal.
        """
        self._check_card_profiles(selected)
        factories = self._worker_factories()
        if not resume and not rerun:  # refused before the writer marks the session as its own
            from testbench.store.read import attempt_products

            if attempt_products(self.session):
                raise _written_elsewhere(self.session) or _has_results(self.session)
        if resume:  # a casebook of the session not given: refused before the writer marks the session as its own
            from testbench.store.read import recorded_campaign

            _followed(self.session, *recorded_campaign(self.session), self.casebooks, resume=True)
        with self._open() as store:
            has_history = store.has_attempts()
            if resume and (has_history or store.selection()):  # else the set-up never finished: do it
                _check_kept_shard(store.path, store.meta(SHARD_META), (meta or {}).get(SHARD_META))
                keys, recorded = store.selection(), store.recorded_casebooks()
                followed = _followed(store.path, keys, recorded, self.casebooks, resume=True)
                _check_resumed_casebooks(store, self.casebooks, followed)
                closed = store.close_dangling_attempts(INTERRUPTED)
                record_casebooks(store, self.casebooks)
                self._follow(store, followed)
                to_run = _resume_selection(store, self.casebooks)
                continuing = self._continuations(store, to_run)
                if closed and self.notify:  # an attempt continued is said so, not as kept in the history
                    for said in interrupted_notice(closed, {case_id for _, case_id in continuing}):
                        self.notify(said)
            else:
                if has_history and not rerun:
                    raise _has_results(self.session)
                if has_history:
                    _check_kept_shard(
                        store.path, store.meta(SHARD_META), (meta or {}).get(SHARD_META), option="--rerun"
                    )
                keys, recorded = store.selection(), store.recorded_casebooks()
                followed = _followed(store.path, keys, recorded, self.casebooks, resume=False)
                store.close_dangling_attempts(INTERRUPTED)
                record_casebooks(store, self.casebooks)
                self._follow(store, followed)
                chosen = [(cb.sha256, case.id) for cb, case in selected]
                if has_history:  # a rerun adds to the session's cases (of these casebooks), it does not shrink them
                    given = {cb.sha256 for cb in self.casebooks}
                    kept = [key for key in store.selection() if key[0] in given]
                    chosen = kept + sorted(set(chosen) - set(kept), key=chosen.index)
                to_run = list(selected)
                continuing = {}
                with store.transaction():  # a rerun cut before its first case leaves its cases to --resume
                    store.set_selection(chosen)
                    if rerun:
                        self._early_run = self._begin_run(store, self.argv, self._flags(to_run, rerun=True), {}, [])
            for key, value in (meta or {}).items():
                store.set_meta(key, value)
            self._record_plan(store)
            if notice is not None and self.notify:
                self.notify(notice)
            self._warn_at_start()
            for (_sha, case_id), resumed in continuing.items():
                if self.notify:
                    self.notify(resumed.notice(case_id))
            flags = self._flags(to_run, resume=resume, rerun=rerun)
            return self._execute(store, to_run, None, self.argv, flags, factories, continuing)

    @staticmethod
    def _flags(to_run: Sequence[tuple[Casebook, Case]], *, resume: bool = False, rerun: bool = False) -> dict[str, Any]:
        """The run's own options; a rerun's cases with them: --resume finishes them if it is cut
        (:func:`~testbench.store.read.rerun_left`)."""
        flags: dict[str, Any] = {"resume": resume, "rerun": rerun}
        if rerun:
            from testbench.store.read import RERUN_CASES, rerun_record

            flags[RERUN_CASES] = rerun_record((cb.sha256, case.id) for cb, case in to_run)
        return flags

    def _follow(self, store: SessionStore, followed: Mapping[str, Casebook]) -> None:
        """The selection follows the casebooks given in a new version, as the workstation's does, and each is
        said; the old version's verdicts stay in the session, as history. The new version's new cases join only a
        selection that held all of the old one's (a CI shard keeps its slice, ``-k`` its cases)."""
        if not followed:
            return
        from testbench.runner.shard import read_record
        from testbench.store.read import recorded_case_counts

        shard = read_record(store.meta(SHARD_META)) is not None
        whole = takes_new_cases(store.selection(), followed, recorded_case_counts(store.path), shard)
        store.set_selection(follow_selection(store.selection(), dict(followed), [], new_cases=whole))
        for said in _changed_notices(followed, store.recorded_casebooks(), store.last_attempts()):
            if self.notify:
                self.notify(said)

    def _continuations(
        self,
        store: SessionStore,
        targets: Sequence[tuple[Casebook, Case]],
        restart: Collection[tuple[str, str]] = (),
    ) -> dict[tuple[str, str], Continuation]:
        """The unfinished operator attempts that ``targets`` continue (:func:`.resume.continuation`), read from
        the session once its dangling attempts are closed; the cases of ``restart`` start again."""
        engine = self.options.bench.engine
        if engine != OPERATOR_ENGINE:  # only operator attempts continue: no need to read the session
            return {}
        from testbench.store.read import read_session

        out: dict[tuple[str, str], Continuation] = {}
        with read_session(store.path) as session:
            views = {view.key: view for view in session.cases}
            for casebook, case in targets:
                key = (casebook.sha256, case.id)
                found = None if key in restart else continuation(session, views.get(key), case, engine)
                if found is not None:
                    out[key] = found
        return out

    def _warn_at_start(self) -> None:
        """Each ``--sut-profile`` log or output folder that is not there, and each prepared attestation that names no
        step of the casebooks, said as the run starts (``run``'s stderr, the workstation's notice): not refused
        (the application may create its folder at its first write; a file may serve several casebooks)."""
        if self.notify is None:
            return
        if isinstance(self.operator, ScriptedOperator):
            for key in self.operator.unknown_keys(case for cb in self.casebooks for case in cb.cases):
                self.notify(f"attestation « {key} » : aucune étape de ce nom dans les cahiers (faute de frappe ?)")
        profile = self.options.bench.profile
        if profile is None:
            return
        from testbench.sut.check import profile_warnings

        for warning in profile_warnings(profile):
            self.notify(warning)

    def _record_plan(self, store: SessionStore) -> None:
        """The exam plan the command checked (``--plan``) goes into the session: its report shows the coverage."""
        if self.options.plan_record is not None:
            store.set_meta(EXAM_PLAN_META, self.options.plan_record)

    @contextlib.contextmanager
    def _open(self) -> Iterator[SessionStore]:
        """The session store, its errors said as the campaign's (a full disk is an environment fault). A file
        that is no session, or one damaged on disk, is refused before the store makes its lock file or writes."""
        checked, self._session_checked = self._session_checked, False
        if not checked and (refusal := writer_refusal(self.session)) is not None:
            raise CampaignError([refusal])
        try:
            store = SessionStore.open(self.session)
        except SessionWriteError as exc:  # a full disk while migrating: an environment fault, resumable
            raise CampaignError([str(exc)], EXIT_ENVIRONMENT) from None
        except SessionError as exc:
            raise CampaignError([str(exc)]) from None
        try:
            yield store
        except SessionWriteError as exc:  # a full disk while setting up or running: the same clear message
            vanished = self.session if isinstance(exc, SessionVanished) else None
            raise CampaignError([str(exc)], EXIT_ENVIRONMENT, vanished=vanished) from None
        finally:
            store.close()

    def _execute(
        self,
        store: SessionStore,
        targets: list[tuple[Casebook, Case]],
        stop: threading.Event | None,
        argv: list[str],
        flags: dict[str, Any],
        factories: list[BenchFactory] | None,
        continuing: Mapping[tuple[str, str], Continuation] | None = None,
    ) -> CampaignResult:
        """Run ``targets`` on one bench, or on the workers' benches that ``factories`` build; the cases of
        ``continuing`` go on in their unfinished attempt (operator mode: one bench)."""
        result = CampaignResult(run_id=None, ran=0)
        if factories is not None:
            from testbench.runner.workers import Interruption, run_parallel

            interruption = Interruption()
            with self._parallel_run(store, argv, flags, factories, interruption) as (runners, run_id):
                result.run_id = run_id
                summary = run_parallel(runners, run_id, targets, stop, interruption, notify=self.notify)
        else:
            continuing = dict(continuing or {})
            with self._bench_run(store, argv, flags, continuing) as (runner, run_id):
                result.run_id = run_id
                runner.continuing = continuing
                summary = runner.run(run_id, targets, stop)
        result.ran = len(summary.outcomes)
        result.stopped = summary.stopped
        result.verdicts = {case.id: outcome.verdict.value for case, outcome in summary.outcomes}
        latest = store.latest_verdicts()
        # the session's cases, as its report and JUnit list them: its selection, then every case run in it but
        # those of an earlier version the selection moved on from (read_session's rule)
        keys = store.selection()
        listed = set(keys)
        plans = {sha: plan for sha, (_, plan) in store.recorded_casebooks().items()}
        gone = superseded({sha for sha, _ in keys}, plans, store.last_attempts())
        keys += [key for key in latest if key not in listed and key[0] not in gone]
        result.final_verdicts = [latest.get(key, "none") for key in keys]
        return result

    def _begin_run(
        self, store: SessionStore, argv: list[str], flags: dict[str, Any], description: dict[str, Any], notes: Any
    ) -> int:
        """Record the run: its command line, options and bench, and the casebooks it runs. A run a rerun recorded
        with its selection (before its bench was built) is completed instead."""
        casebooks = {cb.identity.plan_id: cb.sha256 for cb in self.casebooks}
        options = {**flags, **self.options.recorded()}
        environment = {**description, "notes": notes, "casebooks": casebooks}
        if (early := self._early_run) is not None:
            self._early_run = None
            store.describe_run(early, options, environment)
            return early
        return store.begin_run(argv, options, environment)

    def _unavailable(
        self, store: SessionStore, argv: list[str], flags: dict[str, Any], exc: BaseException
    ) -> CampaignError:
        """The bench could not start (an engine that dies at once, a reader missing): the session records a
        run that ran nothing and why (a ``bench-fault`` event of the run, its note), so its report and JUnit
        say it (:meth:`~testbench.store.read.SessionView.not_run_reason`); a disk that refuses even that
        leaves the reason to the person alone."""
        reason = f"banc indisponible : {unavailable_reason(exc)}"
        recorded = False
        with contextlib.suppress(SessionWriteError):
            run_id = self._begin_run(store, argv, flags, {}, [reason])
            store.add_event(EventKind.BENCH_FAULT, {"reason": reason}, run_id=run_id)
            store.end_run(run_id)
            recorded = True
        return CampaignError([reason], EXIT_ENVIRONMENT, recorded=recorded)

    def _runner(self, store: SessionStore, bench: Bench, recorder: TraceRecorder, listener: Listener | None) -> Runner:
        return Runner(
            store,
            bench.engine,
            bench.bay,
            recorder,
            operator=self.operator,
            guard=bench.guard,
            listener=listener,
            services=bench.services,
            product_engine=bench.product_engine,
        )

    @contextlib.contextmanager
    def _bench_run(
        self,
        store: SessionStore,
        argv: list[str],
        flags: dict[str, Any],
        continuing: Mapping[tuple[str, str], Continuation] | None = None,
    ) -> Iterator[tuple[Runner, int]]:
        """A run of the session on an assembled bench, the application's traces followed; closed whatever happens.
        The attempts of ``continuing`` go on where they stopped (:meth:`_continue_steps`)."""
        recorder = TraceRecorder(writer=store.add_trace_lines)
        notify = self.notify or (lambda _text: None)
        try:
            bench = self.bench_factory(recorder, notify)
        except Exception as exc:  # the environment could not provide a bench
            raise self._unavailable(store, argv, flags, exc) from None
        capture = None
        try:
            gap = self._interrupted(store)
            capture = self._start_capture(recorder, store, resume=bool(flags.get("resume")), gap=gap)
            self._keep_gap(bench.engine, store, gap)
            self._continue_steps(bench.engine, store, recorder, continuing or {})
            if hasattr(bench.engine, "read_log"):  # assisted mode: its log read to the end, its wait told to the screen
                bench.engine.read_log, bench.engine.on_waiting = capture and capture.drain, self.listener
            run_id = self._begin_run(store, argv, flags, bench.description, bench.notes)
            yield self._runner(store, bench, recorder, self.listener), run_id
            store.end_run(run_id)
        finally:
            bench.close()
            # last writes are best effort: when the disk is full the campaign's own error is the one to show
            with contextlib.suppress(SessionWriteError):
                if capture is not None:
                    capture.stop()
                    for clock in capture.clock_offsets():  # the book says each one that was off (report.cover)
                        said = {"source": clock.source, "text": clock.describe_fr(), "offset_s": clock.offset_s}
                        said |= {"configured": clock.configured, "corrected": clock.corrected}
                        store.add_event(EventKind.CLOCK_OFFSET, said)
                recorder.flush()

    def _check_readers(self) -> None:
        """A malformed ``TESTBENCH_CARD_READERS`` is refused before the session is touched (exit 2, the bench's
        set-up), rather than found by every case as an unknown slot or by the bench as Python's words."""
        if self.options.bench.cards == "inprocess":
            return
        from testbench.cards.reader_pools import reader_config_problem

        problem = reader_config_problem()
        if problem is not None:
            raise CampaignError([problem], EXIT_ENVIRONMENT)

    def _check_workers(self) -> None:
        """``--workers N`` is refused before the session is touched when N benches cannot run the campaign."""
        count, bench = self.options.workers, self.options.bench
        if not 1 <= count <= MAX_WORKERS:  # the command line refuses it first; the workstation's window does not
            said = WORKERS_RANGE.format(max=MAX_WORKERS, value=count)
            raise CampaignError([f"--workers : {said}"], by_option={"--workers": said})
        if count > 1 and (self.options.capture.active or bench.profile is not None or bench.engine == OPERATOR_ENGINE):
            # the application's lines could not be told to one case: it runs on one bench
            raise CampaignError(
                ["--workers : un seul banc quand le logiciel testé est suivi (journaux, profil, opérateur)"],
                by_option={"--workers": "un seul banc quand le logiciel testé est suivi (journaux, profil, opérateur)"},
            )

    def _parsed_log_sources(self) -> list[dict[str, Any]]:
        """The ``--app-log`` specs as ``add_files`` takes them, read before the session is touched: a bad one
        (an unknown option, format, encoding or channel, an offset no clock has) leaves no session behind."""
        if not self.options.capture.app_logs:
            return []
        from testbench.traces.capture import parse_file_spec

        try:
            return [parse_file_spec(spec) for spec in self.options.capture.app_logs]
        except ValueError as exc:
            raise CampaignError([f"source de traces : {exc}"]) from None

    def _worker_factories(self) -> list[BenchFactory] | None:
        """One bench factory per worker, each on its own reader pair of pcscd's readers (None: one bench).

        Called before the session is opened: too few readers leaves no session behind.
        """
        count = self.options.workers
        if count == 1:
            return None
        if not self._own_benches or self.options.bench.cards == "inprocess":
            return [self.bench_factory] * count
        from testbench.cards.bays import pcsc_problem
        from testbench.cards.pcsc import list_readers
        from testbench.runner.workers import reserve_readers, split_pools

        try:
            if pcsc_problem() is not None:  # in-memory readers (said by the bench's notes): one per bench anyway
                return [self.bench_factory] * count
            present = list_readers()
            pools = split_pools(count, present)
        except ValueError as exc:
            raise CampaignError([str(exc)], EXIT_ENVIRONMENT) from None
        # the readers no worker was given: where a bench turns when one of its own cannot be used
        reserve = reserve_readers(count, present)
        return [assembled_bench(self.options.bench, readers=pool, reserve=reserve) for pool in pools]

    @staticmethod
    def _build_benches(
        factories: list[BenchFactory], recorders: list[TraceRecorder], notify: Callable[[str], None]
    ) -> tuple[list[Bench], BaseException | None]:
        """The workers' benches, built at once (each starts its engine and its card emulators: about 0.3 s of
        waiting each, which overlaps), and the first failure; the benches built beside it are returned too,
        for the caller to close."""
        from concurrent.futures import Future, ThreadPoolExecutor

        from testbench.engines.protocol.client import abort_all

        pool = ThreadPoolExecutor(len(factories), thread_name_prefix="bench-start")
        futures: list[Future[Bench]] = []
        try:
            futures.extend(pool.submit(f, r, notify) for f, r in zip(factories, recorders, strict=True))
            pool.shutdown(wait=True)
        except KeyboardInterrupt:  # ^C while the engines start: killed, not waited for (the exit joins the threads)
            abort_all()
            pool.shutdown(wait=True, cancel_futures=True)
            for future in futures:
                if not future.cancelled() and future.exception() is None:
                    with contextlib.suppress(Exception):
                        future.result().close()
            raise
        failures = [exc for f in futures if (exc := f.exception()) is not None]
        return [f.result() for f in futures if f.exception() is None], next(iter(failures), None)

    @contextlib.contextmanager
    def _parallel_run(
        self,
        store: SessionStore,
        argv: list[str],
        flags: dict[str, Any],
        factories: list[BenchFactory],
        interruption: Interruption,
    ) -> Iterator[tuple[list[Runner], int]]:
        """A run on the benches ``factories`` build, writing the one session; closed whatever happens, once
        the workers have stopped (:func:`~testbench.runner.workers.run_parallel` waits for them).

        Each runner writes through a :class:`~testbench.runner.workers.WorkerStore` that ``interruption``
        closes: a ^C leaves the cases under way without a verdict.
        """
        from testbench.runner.workers import WorkerStore, locked_listener

        count = len(factories)
        notify = _said_once(self.notify or (lambda _text: None))
        listener = locked_listener(self.listener)
        benches: list[Bench] = []
        recorders: list[TraceRecorder] = []
        gated = cast(SessionStore, WorkerStore(store, interruption))
        try:
            recorders = [TraceRecorder(writer=store.add_trace_lines) for _ in factories]
            benches, failure = self._build_benches(factories, recorders, notify)
            if failure is not None:  # the environment could not provide a bench
                raise self._unavailable(store, argv, {**flags, "workers": count}, failure) from None
            description = dict(benches[0].description)
            description["workers"] = [bench.description.get("cards") for bench in benches]
            run_id = self._begin_run(store, argv, {**flags, "workers": count}, description, benches[0].notes)
            runners = [
                self._runner(gated, bench, recorder, listener)
                for bench, recorder in zip(benches, recorders, strict=True)
            ]
            yield runners, run_id
            store.end_run(run_id)
        finally:
            for bench in benches:
                with contextlib.suppress(Exception):
                    bench.close()
            with contextlib.suppress(SessionWriteError):
                for recorder in recorders:
                    recorder.flush()

    @contextlib.contextmanager
    def case_by_case(
        self, selected: Sequence[tuple[Casebook, Case]], shard: Shard | None = None
    ) -> Iterator[Callable[[Casebook, Case, tuple[Casebook, Case] | None], tuple[Outcome, list[dict[str, Any]]]]]:
        """Run cases one at a time as the caller asks (the pytest plugin: one item, one case) in a new session.

        Each call gives the case and the one that will follow it, if known (its cards are readied while
        this one runs, as in :meth:`Runner.run`), and returns its outcome with its comparisons as recorded (a
        failure's every deviation, :func:`testbench.runner.reasons.detail_lines`). Without ``shard`` the
        session's selection is ``selected``.
        A shard (a pytest-xdist worker) records ``selected`` as its campaign and the cases it ran as its own
        selection, for ``testbench merge``.
        """
        from testbench.runner.shard import shard_record
        from testbench.store.read import SHARD_META

        with self._open() as store:
            if store.has_attempts() or store.selection():
                raise CampaignError([f"{self.session} : existe déjà ; choisissez un nouveau fichier de session"])
            record_casebooks(store, self.casebooks)
            if shard is None:
                store.set_selection([(cb.sha256, case.id) for cb, case in selected])
            else:
                store.set_meta(SHARD_META, shard_record(shard, selected))
            self._record_plan(store)
            ran: list[tuple[str, str]] = []
            with self._bench_run(store, self.argv, {"origin": "pytest"}) as (runner, run_id):

                def run_one(
                    casebook: Casebook, case: Case, upcoming: tuple[Casebook, Case] | None
                ) -> tuple[Outcome, list[dict[str, Any]]]:
                    ran.append((casebook.sha256, case.id))
                    try:  # the attempt's start is committed with the case's first step, as in Runner.run
                        outcome = runner.attempt(run_id, len(ran) - 1, len(selected), casebook, case, upcoming)
                        return outcome, runner.last_comparisons
                    finally:  # what the bench says between cases belongs to no case (as in Runner.run)
                        runner.recorder.set_context(None, None)

                try:
                    yield run_one
                finally:
                    runner.bay.release()
                    if shard is not None:
                        store.set_selection(ran)

    def _interrupted(self, store: SessionStore) -> Interrupted | None:
        """Operator mode: the step the bench was closed on, still to be done (:func:`.resume.interrupted`)."""
        if self.options.bench.engine != OPERATOR_ENGINE:
            return None
        from testbench.store.read import read_session

        with read_session(store.path) as session:
            return interrupted(session)

    @staticmethod
    def _keep_gap(engine: Any, store: SessionStore, gap: Interrupted | None) -> None:
        """Assisted operator mode: the files written since the interrupted step began are kept for its attempt
        (:data:`.resume.GAP_META`) before anything runs, so that the cases run before it is continued, in this
        run or a later one, neither take them nor give it theirs."""
        written_since = getattr(engine, "written_since", None)
        if gap is None or not callable(written_since):
            return
        store.set_meta(GAP_META, gap_record(store.meta(GAP_META), gap, written_since(gap.files)))
        store.commit()

    @staticmethod
    def _continue_steps(
        engine: Any, store: SessionStore, recorder: TraceRecorder, continuing: Mapping[tuple[str, str], Continuation]
    ) -> None:
        """Assisted operator mode: each step's output folders as it begins are kept in the session (committed
        before the person is waited for); a continued step counts as new the files written while the bench was
        closed on it (:data:`.resume.GAP_META`), which it forgets once it read them, and reads its own earlier
        lines (:meth:`AssistedOperatorEngine.continue_step`)."""
        continue_step = getattr(engine, "continue_step", None)
        if not callable(continue_step):
            return

        def keep(step_id: str, files: dict[str, Any]) -> None:
            if recorder.attempt_id is not None:
                store.set_meta(STEP_FILES_META, step_files_record(recorder.attempt_id, step_id, files))
                store.commit()

        def spent(step_id: str) -> None:
            cleared = None if recorder.attempt_id is None else gap_cleared(
                store.meta(GAP_META), recorder.attempt_id, step_id
            )
            if cleared is not None:
                store.set_meta(GAP_META, cleared)
                store.commit()

        engine.on_step_files = keep
        engine.on_step_read = spent
        for (_sha, case_id), resumed in continuing.items():
            if resumed.step is not None:
                written = gap_files(store.meta(GAP_META), resumed.attempt_id, resumed.step)
                continue_step(case_id, resumed.step, written, resumed.step_lines)

    def _start_capture(
        self,
        recorder: TraceRecorder,
        store: SessionStore,
        *,
        resume: bool,
        gap: Interrupted | None = None,
    ) -> TraceCapture | None:
        """Follow the application's logs and syslog for the whole run, on the recorder's clock.

        Each written batch is told to the listener (:class:`TracesCaptured`), so a screen can show
        the lines while the case runs. The files' positions after the lines written are kept in the
        session; ``resume`` (``run --resume``) and an operator run with a step the bench was closed on (``gap``,
        :func:`.resume.interrupted`, whatever the run then does) read on from them, so the lines the application
        wrote while the bench was closed (quit, killed, crashed) are captured too (docs/traces.md). Those lines
        belong to that step of its attempt: they are recorded so at once, after a line of the bench that says it,
        and its steps read them when it goes on.
        """
        options = self.options.capture
        profile = self.options.bench.profile
        profile_sources = [source.capture_kwargs() for source in (profile.log_sources if profile else ())]
        if not options.active and not profile_sources:
            return None
        from testbench.traces.capture import POSITIONS_META, TraceCapture, positions_text, read_positions

        def write(lines: Sequence[TraceLine]) -> None:
            recorder.add_batch(lines)
            if self.listener is not None and lines:
                self.listener(TracesCaptured(len(lines)))

        def keep(positions: Sequence[FilePosition]) -> None:
            store.set_meta(POSITIONS_META, positions_text(positions))

        saved = read_positions(store.meta(POSITIONS_META)) if resume or gap is not None else []
        capture = TraceCapture(write, on_commit=keep)
        try:
            for source in [*self._log_sources, *profile_sources]:
                capture.add_files(**source, resume=saved)
            if options.syslog_port is not None:
                receiver = capture.add_syslog(port=options.syslog_port)
                if self.notify:
                    self.notify(f"syslog : 127.0.0.1 UDP {receiver.udp_port} / TCP {receiver.tcp_port}")
        except (ValueError, OSError) as exc:
            reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
            raise CampaignError([f"source de traces : {reason}"]) from None
        recorder.context_hooks.append(capture.set_context)
        if gap is None:
            return capture.start()
        return _start_after_gap(capture, recorder, gap)


def written_while_closed(count: int, step: str, case_id: str, number: int) -> str:
    """The bench's line before what the application wrote while the bench was closed (French, as recorded)."""
    return tn(
        "{count} ligne écrite par le logiciel pendant que le banc était fermé, rattachée à l'étape {step}"
        " du cas {case} (tentative {number})",
        "{count} lignes écrites par le logiciel pendant que le banc était fermé, rattachées à l'étape {step}"
        " du cas {case} (tentative {number})",
        count,
        "fr",
        step=step,
        case=case_id,
        number=number,
    )


def _start_after_gap(capture: TraceCapture, recorder: TraceRecorder, gap: Interrupted) -> TraceCapture:
    """Start ``capture``: the files' lines written since the positions kept (its first reading, done as it starts)
    carry ``gap``'s attempt and step, after a line of the bench that says how many, and are written at once; the
    recorder also keeps them for that attempt, should this run continue it (:meth:`TraceRecorder.carry`)."""
    from testbench.traces.clock import stamp

    recorder.carry(gap.attempt_id)
    mono, wall = stamp()  # before the lines it announces
    capture.set_context(gap.attempt_id, gap.step, settle=False)
    capture.start()
    read = capture.stats().captured
    capture.set_context(None, None)
    if read:
        text = written_while_closed(read, gap.step, gap.case_id, gap.number)
        recorder.add(TraceLine(Channel.BENCH, mono, wall, text, "testbench", None, None, gap.attempt_id, gap.step))
    recorder.flush()
    return capture


def _said_once(notify: Callable[[str], None]) -> Callable[[str], None]:
    """``notify`` telling each text once: the benches of a parallel run, built alike, say the same note (the
    in-memory reader standing in for an unavailable PC/SC stack) once for the run, not once per bench."""
    said: set[str] = set()
    lock = threading.Lock()  # the benches are built at once, in threads

    def tell(text: str) -> None:
        with lock:
            if text in said:
                return
            said.add(text)
        notify(text)

    return tell


#: the option that reruns what did not pass: a shard's session keeps its cases, ``-k`` filters them
FAILED_OPTION = "--failed"


def run_campaign(
    request: RunRequest,
    *,
    listener: Listener | None = None,
    notify: Callable[[str], None] | None = None,
    operator: Operator | None = None,
) -> CampaignResult:
    """``testbench run``: load and select, then run the selection (or resume it) as one campaign.

    ``--shard`` deals the selection; but ``--failed`` reruns a session's own cases: ``--shard`` names the
    session's share (checked first, whether or not anything is to rerun) and ``-k`` filters its cases.
    """
    _check_unaltered(request)
    casebooks, selected = load(request)
    meta: dict[str, str] = {}
    notice = None
    shard = _parsed_shard(request.options.selection.shard)
    if request.failed:
        selected, recorded_shard, held = failed_cases(request.session, casebooks, selected, shard)
        if recorded_shard is not None:  # the session's own record, kept as it is
            meta[SHARD_META] = recorded_shard
            notice = _share_notice(shard, held, len(_campaign_of(recorded_shard)))
    elif shard is not None:
        from testbench.runner.shard import shard_record, shard_slice

        meta[SHARD_META] = shard_record(shard, selected)
        total, selected = len(selected), shard_slice(selected, shard)
        notice = _share_notice(shard, len(selected), total)
    campaign = Campaign(
        casebooks,
        request.session,
        request.options,
        operator=operator,
        listener=listener,
        notify=notify,
        argv=request.argv,
        session_checked=True,  # _check_unaltered read it whole above
    )
    rerun = request.rerun or request.failed
    return campaign.run_selection(selected, resume=request.resume, rerun=rerun, meta=meta, notice=notice)


#: ``--resume``, ``--rerun`` or ``--failed`` on a session whose journal chain is broken, in the words ``review``,
#: ``cover`` and ``merge`` refuse it with
ALTERED_REFUSED = _t(
    "{option} refusé : la session a été modifiée ; ses résultats ne valent pas preuve : lancez la campagne dans une"
    " nouvelle session (--session)"
)


def _check_unaltered(request: RunRequest) -> None:
    """A run that goes on with an existing session first verifies its journal chain (exit 3, nothing written):
    new attempts appended to an altered record would be chained, reported and signed as if it were whole, and
    ``--failed`` would trust a forged « réussi ». A file damaged on disk is said first, a fresh run's too: else it
    read as « la session contient déjà des résultats », which --resume then refused as damaged. A fresh run needs no
    chain check: it refuses a session with results."""
    if (refusal := writer_refusal(request.session)) is not None:  # damaged: --failed would trust what it reads
        raise CampaignError([refusal])
    option = "--resume" if request.resume else "--failed" if request.failed else "--rerun" if request.rerun else None
    if option is None:
        return
    from testbench.store.read import modified_entries

    try:
        modified = modified_entries(request.session)
    except SessionError:
        return  # none there, or no session yet (a set-up a full disk cut): opening it says so, or finishes it
    if modified:
        raise CampaignError([*modified, ALTERED_REFUSED.format(option=option)])


def _parsed_shard(spec: str | None) -> Shard | None:
    """``--shard``'s slice; an empty one (a CI variable not set) is refused as ``0/2`` is, not read as none."""
    if spec is None:
        return None
    if not spec.strip():
        said = _t("--shard est vide (une variable de la CI non définie ?) : K/N attendu, par exemple 2/4")
        raise CampaignError([said])
    from testbench.runner.shard import ShardSpecError, parse_shard

    try:
        return parse_shard(spec)
    except ShardSpecError as exc:
        raise CampaignError([str(exc)]) from None


def _share_notice(shard: Shard | None, count: int, total: int) -> str:
    return tn(
        "partition {shard} : {count} cas sur {total}",
        "partition {shard} : {count} cas sur {total}",
        count,
        "fr",
        shard=shard,
        total=total,
    )


def _campaign_of(record_value: str) -> list[Any]:
    from testbench.runner.shard import read_record

    record = read_record(record_value)
    return list(record["campaign"]) if record is not None else []


def failed_cases(
    session: Path,
    casebooks: Sequence[Casebook],
    selected: list[tuple[Casebook, Case]],
    shard: Shard | None = None,
) -> tuple[list[tuple[Casebook, Case]], str | None, int]:
    """``--failed``: the ``selected`` cases whose retained verdict in ``session`` did not pass
    (:data:`~testbench.domain.verdict.NOT_PASSED`), the session's shard record (None: not a shard) and its
    number of cases. ``shard`` (``--shard``) must be the session's, checked before anything else (exit 3); a
    session holding no case of ``casebooks`` is refused as such (exit 3); none of the cases to rerun: refused
    with the session's exit code."""
    from testbench.domain.verdict import NOT_PASSED
    from testbench.runner.shard import read_record, shard_record
    from testbench.store.read import read_session

    try:
        with read_session(session) as view:
            recorded_shard = view.meta.get(SHARD_META)
            retained = {case.key: case.retained_verdict for case in view.cases}
            recorded = [case.verdict for case in view.cases]
            has_run = bool(view.runs)
            paths = {cb.sha256: (cb.path, cb.plan_id) for cb in view.casebooks}
            shas = (case.casebook_sha for case in view.cases)
            # a casebook given in a new version: the session's cases follow it, without a verdict, so all of them run
            news = {cb.sha256 for cb in changed_versions(shas, paths, list(casebooks)).values()}
    except SessionError as exc:
        raise CampaignError([str(exc)]) from None
    wanted = None if shard is None else shard_record(shard, [])
    _check_kept_shard(session, recorded_shard, wanted, option=FAILED_OPTION)
    given = {cb.sha256 for cb in casebooks}
    if retained and not news and not any(sha in given for sha, _ in retained):
        said = _t(
            "{path} : la session ne contient aucun cas des cahiers de tests donnés ({casebooks}) ; rien à relancer"
        )
        names = ", ".join(str(cb.path) for cb in casebooks)
        raise CampaignError([said.format(path=session, casebooks=names)])
    kept = [
        (cb, case)
        for cb, case in selected
        if retained.get(key := (cb.sha256, case.id)) in NOT_PASSED or (cb.sha256 in news and key not in retained)
    ]
    if not kept:
        said = _t(
            "{path} : aucun cas sélectionné n'est en échec, en erreur, non concluant ou en attente dans cette"
            " session ; rien à relancer"
        )
        if not (recorded or has_run):
            raise CampaignError([said.format(path=session)])
        # the session's verdicts stand: its JUnit and report say them, as a CI step that publishes them expects
        raise CampaignError([said.format(path=session)], exit_code(recorded), recorded=True)
    return kept, recorded_shard if read_record(recorded_shard) is not None else None, len(retained)
