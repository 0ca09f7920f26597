"""``testbench demo``: the bundled demo casebook on virtual cards and the reference engine, and its report.

It works from any directory after a plain ``pip install``: the casebook is read from the installed
package data and nothing is written beside the package. Without ``--output`` the report goes to the
user's data folder (``testbench.paths.user_data_dir()``: ``demo/``, the session beside it as
``demo.tbsession``), the same place every time, so a bare ``testbench`` reopens the same demo session;
the paths are printed. On a terminal the report is written when the workstation closes, unless ``g`` already
wrote the session's report and nothing was recorded since (that one is said, not a second book beside it);
the closing lines are in the language the workstation was left in (F2).

``--exam`` plays exam day on the demo application under test (:mod:`testbench.demoapp`): the application
runs as a separate process in its own folder, a scripted operator performs each engine step in it, and
the bench reads its log and its FSE and lot files through the application's profile (assisted operator
mode), exactly as on a real application. ``--flaw`` plants a known defect in the application. On a
terminal the run is live in the workstation (its exam view); with ``--headless`` it runs, then reports.

Each demo casebook runs with its exam plan recorded in the session, as ``run --plan`` would
(``casebooks/plans/demo-plan.toml``; ``exam-demo-plan.toml`` with ``--exam``): its report has the coverage
page, the workstation its coverage window, and ``testbench coverage SESSION`` needs no file.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from testbench.cli.outputs import output_dir_problem
from testbench.demoapp import FLAWS
from testbench.fmt import os_reason
from testbench.i18n import _t, tn, translator
from testbench.interrupts import INTERRUPTED_EXIT
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_OK, EXIT_USAGE, exit_code
from testbench.runner.options import DEMO, PathValue, add_options, options_from_args

if TYPE_CHECKING:
    from testbench.demoapp.driver import DemoApp
    from testbench.runner.campaign import CampaignError

#: The software the plain demo names as under test (the reference engine): a name, the same in both languages
DEMO_SOFTWARE = "testbench-demo"
#: The meta key of a session ``testbench demo`` made: the only session it reopens, or deletes to start afresh
DEMO_META = "demo"


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="exécuter le cahier de démonstration et produire son rapport")
    demo.add_argument(
        "--output",
        type=PathValue("--output"),
        default=None,
        metavar="DOSSIER",
        help="dossier du rapport (défaut : demo/ dans le dossier de données de l'utilisateur)",
    )
    demo.add_argument("--headless", action="store_true", help="sans interface : exécuter puis écrire le rapport")
    demo.add_argument(
        "--exam",
        action="store_true",
        help="le jour de l'examen sur l'application de démonstration : un opérateur scripté la pilote, "
        "le banc lit son journal et ses fichiers",
    )
    demo.add_argument(
        "--flaw",
        choices=FLAWS,
        default=None,
        help="avec --exam : défaut planté dans l'application de démonstration (ald-rate : taux AMO faux en ALD)",
    )
    add_options(demo, DEMO)  # the bench, capture and identity options of ``testbench run``
    demo.set_defaults(func=cmd_demo)


def demo_casebook(exam: bool = False) -> Path:
    from testbench.paths import CASEBOOKS_DIR

    return CASEBOOKS_DIR / ("exam-demo.xml" if exam else "demo.xml")


def demo_plan(exam: bool = False) -> Path:
    """The exam plan of the demo casebook (``exam``: of the exam casebook), ours, a demonstration, recorded
    by the demo's runs."""
    from testbench.paths import CASEBOOKS_DIR

    return CASEBOOKS_DIR / "plans" / ("exam-demo-plan.toml" if exam else "demo-plan.toml")


def demo_paths(output: Path | None = None, name: str = "demo") -> tuple[Path, Path]:
    """The report folder and the session file beside it (the signed report holds redacted copies, not the record)."""
    from testbench.paths import user_data_dir

    out = output or user_data_dir() / name
    return out, out.with_name(out.name + ".tbsession")


def _said(lang: str | None) -> Callable[..., None]:
    """What prints a line for the person on stderr, in ``lang``."""
    t = translator(lang)

    def say(text: str, **values: object) -> None:
        print(t(text).format(**values), file=sys.stderr)

    return say


def cmd_demo(args: argparse.Namespace) -> int:
    """The workstation on a terminal, else (or with --headless) a run and its report."""
    say = _said(args.lang)
    if args.flaw and not args.exam:
        say("--flaw n'a de sens qu'avec --exam")
        return EXIT_USAGE
    out, session = demo_paths(args.output, "demo-exam" if args.exam else "demo")
    problem = output_dir_problem(out, args.lang) or _not_the_demos(session, out, args.lang)
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        say(
            "{folder} : impossible de créer ce dossier ({reason})",
            folder=out,
            reason=os_reason(exc, translator(args.lang)),
        )
        return EXIT_ENVIRONMENT
    if args.exam:
        return _exam(args, session, out)
    casebook = demo_casebook()
    args.plan = demo_plan()  # ``run --plan``'s option, which ``demo`` does not offer: the workstation records it
    if _draws(args, say):
        unmarked = None if session.exists() else _mark_as_demo(session)
        if unmarked is not None:
            say(unmarked, session=session)
            return EXIT_ENVIRONMENT
        code, closed = _workstation(args, casebook, session, out)
        if closed.report is not None:
            _said(closed.lang)("démo : session {session}, rapport {report}", session=session, report=closed.report)
        return code
    if (refused := _start_afresh(session, say)) is not None:
        return refused
    code = _run(args, casebook, session, out)
    if code not in (EXIT_OK, EXIT_FAILED):
        return _not_resumed(code, say)  # the run said why
    say("démo : session {session}, rapport {report}", session=session, report=out / "index.html")
    # the demo contains a case built to fail: that is the demo working; any other case not passed is not
    if others := _others_not_passed(session):
        shown = ", ".join(others[:SHOWN]) + (", …" if len(others) > SHOWN else "")
        line = tn(
            "démo : {count} cas non construit pour échouer n'a pas réussi ({cases})",
            "démo : {count} cas non construits pour échouer n'ont pas réussi ({cases})",
            len(others),
            args.lang,
            cases=shown,
        )
        print(line, file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


#: Why the demo runs headless when ``--headless`` was not asked: no terminal, or one that cannot draw (TERM=dumb)
HEADLESS_WHY = {
    False: _t("démo : pas de terminal interactif, exécution sans interface (--headless)"),
    True: _t("démo : terminal sans écran plein (TERM=dumb), exécution sans interface (--headless)"),
}


def _draws(args: argparse.Namespace, say: Callable[..., None]) -> bool:
    """Whether the workstation opens here (``testbench ui``'s own test); else the demo runs headless, said in one
    line when ``--headless`` was not asked — never ``ui``'s refusal of a terminal the demo can run without."""
    from testbench.cli.ui_cmd import can_draw, has_terminal

    if args.headless:
        return False
    if can_draw():
        return True
    say(HEADLESS_WHY[has_terminal()])
    return False


#: the tag of the demo's case built to fail (casebooks/demo.xml, DEMO-FSE-099)
BUILT_TO_FAIL = "echec-volontaire"
SHOWN = 3  # the cases named in that line: the run listed each one already


def _others_not_passed(session: Path) -> list[str]:
    """The demo's cases not built to fail that did not pass (an engine given with ``--engine`` that cannot start
    or prices otherwise): the README's « exits 0 when everything else behaves »."""
    from testbench.store.read import read_session

    with read_session(session) as view:
        return [
            case.case_id
            for case in view.cases
            if case.verdict != "pass" and BUILT_TO_FAIL not in (case.definition.get("tags") or ())
        ]


def _not_the_demos(session: Path, out: Path, lang: str | None) -> str | None:
    """Why the demo may not use ``session`` and ``out``: a session it did not make (an exam run into the same
    folder, or not a session at all), or a folder holding the report of another session than that one. None:
    the demo's own, or nothing there yet."""
    from testbench.report.owner import other_session_problem
    from testbench.store.read import recorded_meta

    if not os.path.lexists(session):
        return other_session_problem(out, None, lang)
    meta = recorded_meta(session, "session_id", DEMO_META)
    if meta is None or DEMO_META not in meta:  # unreadable, or a session the demo did not make
        return translator(lang)(
            "{session} : ce fichier n'est pas une session de la démo ; il n'est ni remplacé ni modifié. "
            "Indiquez un autre dossier (--output)"
        ).format(session=session)
    return other_session_problem(out, meta.get("session_id"), lang)


#: What the demo says when its new session could not be made (``{session}``): the run has not started
UNMARKED = _t(
    "démo : la session {session} n'a pas pu être créée (disque plein ou dossier non inscriptible) ; "
    "libérez de l'espace disque puis relancez la démo"
)
#: What the demo says after a run that stopped or could not write: it has no --resume, it starts afresh
NOT_RESUMED = _t(
    "démo : relancer testbench demo recommence sa session (la commande demo n'a pas de --resume ; testbench run …"
    " --resume reprend celle-ci)"
)


def _mark_as_demo(session: Path) -> str | None:
    """Create the demo's session, marked as the demo's (:data:`DEMO_META`) before any case is written in it, so
    that the next demo replaces it whatever stopped this one. None when made; else what to say (``{session}``),
    the half-made file removed (it is the demo's own, and unmarked it would be refused as another's)."""
    from testbench.store.connection import SessionError
    from testbench.store.session import SessionStore

    try:
        with SessionStore.open(session) as store:
            store.set_meta(DEMO_META, "testbench demo")
    except (SessionError, OSError):
        _remove_session(session)
        return UNMARKED
    return None


def _remove_session(session: Path) -> None:
    """The session file and its SQLite companions, those that exist."""
    for stale in (session, session.with_name(session.name + "-wal"), session.with_name(session.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()


def _start_afresh(session: Path, say: Callable[..., None]) -> int | None:
    """Replace the previous demo's session (:func:`_not_the_demos` said it is one) with a new one, marked as the
    demo's; None when done, else the exit code, having said why: a process (a workstation) has it open (3), or
    the new one could not be made (2, a full disk)."""
    from filelock import FileLock, Timeout

    from testbench.store.connection import lock_path

    lock = FileLock(lock_path(session), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        say(
            "démo : la session {session} est ouverte par un autre processus ; fermez-le ou choisissez --output",
            session=session,
        )
        return EXIT_USAGE
    try:
        _remove_session(session)
    finally:
        lock.release()
    unmarked = _mark_as_demo(session)
    if unmarked is not None:
        say(unmarked, session=session)
        return EXIT_ENVIRONMENT
    return None


def _not_resumed(code: int, say: Callable[..., None]) -> int:
    """``code`` of a run that did not conclude (a full disk, an interrupt, a pending case), after the demo's own
    advice: the run's « --resume » is ``testbench run``'s, the demo starts its session afresh."""
    if code == EXIT_ENVIRONMENT:
        say(NOT_RESUMED)
    return code


def _run(args: argparse.Namespace, casebook: Path, session: Path, out: Path, exam: DemoApp | None = None) -> int:
    """``testbench run`` on the demo casebook with its prepared attestations, report and JUnit.

    With ``exam``: in assisted operator mode on the demo application, through its profile, driven by its
    scripted operator (the casebook's own manual steps, if any, keep their prepared attestations).
    """
    from testbench.cli.coverage_cmd import attach_plan
    from testbench.cli.run_cmd import execute
    from testbench.interrupts import terminate_as_interrupt
    from testbench.runner.campaign import CampaignError, RunRequest, make_operator

    options = options_from_args(args)
    problems = attach_plan(options, args.lang)  # the demo's plan (the exam's with --exam), checked as ``run`` does
    for problem in problems:
        print(f"testbench demo: {problem}", file=sys.stderr)
    if problems:
        return EXIT_USAGE
    options.attestations = _prepared_attestations(options.attestations, casebook)
    options.outputs.report, options.outputs.junit = out, out / "junit.xml"
    operator = None
    if exam is not None:  # ``args`` already name the operator engine and the application's profile
        try:
            operator = exam.operator(make_operator(options.attestations))
        except CampaignError as exc:  # unreadable prepared attestations: said, as ``run`` says it
            return _refused(exc, args.lang)
    else:
        options.identity.sut = options.identity.sut or DEMO_SOFTWARE
    with terminate_as_interrupt():  # a CI's cancel stops it as ``run``: « interrompu », exit 2, resumable
        request = RunRequest([casebook], session, options, argv=list(sys.argv))
        return execute(request, operator=operator, replace_report=True)  # its own folder, started afresh


def _prepared_attestations(given: Path | None, casebook: Path) -> Path | None:
    """The manual steps' prepared attestations: those given (a missing file is refused where it is read, as
    ``run`` refuses it), else the demo's own beside the casebook, if it has any."""
    if given is not None:
        return given
    attestations = casebook.with_name("demo-attestations.json")
    return attestations if attestations.exists() else None


def _refused(exc: CampaignError, lang: str | None) -> int:
    """A run that cannot start (its prepared attestations unreadable): its lines said as ``run`` says them."""
    t = translator(lang)
    for line in exc.lines:
        print(t(line), file=sys.stderr)
    return exc.exit_code


def _exam(args: argparse.Namespace, session: Path, out: Path) -> int:
    """Exam day on the demo application: it runs beside the bench, the scripted operator drives it.

    The application's folder sits beside the report (``<report>-app``). On a terminal the workstation
    opens in its exam view and runs the exam casebook live, the scripted operator performing each step in
    the application while the person watches the values fill in; otherwise (or with ``--headless``) the
    run is headless and writes the report.
    """
    from testbench.demoapp.driver import start_demo_app

    say = _said(args.lang)
    if (refused := _start_afresh(session, say)) is not None:
        return refused
    workdir = out.with_name(out.name + "-app")
    try:
        app = start_demo_app(workdir, flaw=args.flaw)
    except OSError as exc:
        reason = os_reason(exc, translator(args.lang))
        say("démo examen : l'application de démonstration n'a pas démarré ({reason})", reason=reason)
        return EXIT_ENVIRONMENT
    args.engine, args.sut_profile = "operator", app.profile_path  # the run's, and the workstation's after it
    args.plan = demo_plan(exam=True)  # recorded as the plain demo's is: the rehearsal's coverage page
    say("démo examen : application de démonstration dans {folder} (processus {pid})", folder=workdir, pid=app.pid)
    casebook = demo_casebook(exam=True)
    live = _draws(args, say)
    closed = Closed(args.lang, out / "index.html")
    try:
        if live:
            code, closed = _live(args, casebook, session, out, app)
        else:
            code = _run(args, casebook, session, out, app)
    finally:
        app.close()
    if code not in (EXIT_OK, EXIT_FAILED) or closed.report is None:
        return _not_resumed(code, say) if not live else code
    _said(closed.lang)("démo : session {session}, rapport {report}", session=session, report=closed.report)
    if live and code == EXIT_OK:  # the workstation closed as asked: the code is the session's, as headless
        code = _session_code(session)
    return code  # a planted flaw fails its cases: 1, as a failing product does


def _session_code(session: Path) -> int:
    """The exit code of the session's verdicts, as ``run`` gives it (README « Exit codes »): 1 when a case failed,
    2 when one did not conclude (the application stopped, the workstation closed before the end). A workstation
    closed with Ctrl+Q returns 0 whatever it ran; the live exam demo must say what its headless run says."""
    from testbench.store.connection import SessionError
    from testbench.store.read import read_session

    try:
        with read_session(session) as view:
            return exit_code(case.verdict for case in view.cases)
    except SessionError:  # unreadable now (its report was just written from it): not concluded
        return EXIT_ENVIRONMENT


def _live(args: argparse.Namespace, casebook: Path, session: Path, out: Path, app: DemoApp) -> tuple[int, Closed]:
    """The exam casebook run live in the workstation, the scripted operator driving the application; the
    report is written from the session when the workstation closes (see :func:`_workstation`)."""
    from testbench.runner.campaign import CampaignError, make_operator

    try:
        performer = app.operator(make_operator(_prepared_attestations(options_from_args(args).attestations, casebook)))
    except CampaignError as exc:  # unreadable prepared attestations: said, as ``run`` says it
        return _refused(exc, args.lang), Closed(args.lang, None)
    return _workstation(args, casebook, session, out, performer=performer, run_on_start=True)


@dataclass(frozen=True)
class Closed:
    """What the demo says once the workstation has closed: in the language the person left it in (F2), the
    one report of the session as it is (None: no session, nothing to report)."""

    lang: str | None
    report: Path | None


def _workstation(
    args: argparse.Namespace, casebook: Path, session: Path, out: Path, **options: Any
) -> tuple[int, Closed]:
    """The workstation on the demo session, then its report: the one ``g`` wrote if the session has not
    changed since (no second book beside it), else one written now in ``out``, in the workstation's last
    language. A workstation closed by a signal (a logout, ``kill``: exit 2, its session kept) writes it too, as
    Ctrl+Q does; one that failed otherwise writes nothing."""
    from testbench.cli.ui_cmd import launch
    from testbench.report.html import write_report

    left: dict[str, Any] = {"lang": args.lang}
    code = launch([casebook], session, args, on_close=lambda lang, report: left.update(lang=lang, g=report), **options)
    closed = "g" in left  # the window opened and closed (on_close): not a refusal before it
    if not (code == EXIT_OK or (closed and code == INTERRUPTED_EXIT)) or not session.exists():
        return code, Closed(left["lang"], None)
    report = left.get("g")
    if report is None or not _reports_the_session_now(report.parent, session):
        report = write_report(session, out, lang=left["lang"] or "fr")
    return code, Closed(left["lang"], report)


def _reports_the_session_now(folder: Path, session: Path) -> bool:
    """Whether ``folder`` holds the report of ``session`` as it is now: its own ``report.json`` names the
    session and the journal's head the session still has (nothing recorded since it was built)."""
    from testbench.report.owner import NotAReport, is_other_session, read_report
    from testbench.store.read import chain_head, recorded_session_id

    try:
        data = read_report(folder)
    except NotAReport:
        return False
    integrity = data.get("integrity")
    built_on = (integrity.get("chain_length"), integrity.get("chain_head")) if isinstance(integrity, dict) else None
    return not is_other_session(data, recorded_session_id(session)) and built_on == chain_head(session)
