"""``testbench ui``: the exam workstation (Textual TUI), and ``default_ui`` for a bare ``testbench``.

Textual is imported only when the UI starts, so the rest of the CLI works without it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from testbench import cmdline
from testbench.i18n import _t, colon
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_USAGE
from testbench.runner.options import (
    UI,
    FileValue,
    PathValue,
    Unusable,
    add_options,
    options_from_args,
    read_back,
    remembered,
)

if TYPE_CHECKING:
    from testbench.domain.attestation import Operator
    from testbench.tui.workstation import Workstation


def register(sub: argparse._SubParsersAction) -> None:
    ui = sub.add_parser("ui", help="poste d'examen : parcourir, exécuter, comparer, réviser (interface texte)")
    ui.add_argument(
        "casebooks",
        nargs="+",
        type=PathValue("CAHIER"),
        metavar="CAHIER",
        help="un ou plusieurs cahiers de tests (XML)",
    )
    ui.add_argument(
        "--session",
        type=FileValue("--session", "campagne.tbsession"),
        default=None,
        help="fichier de session (défaut : <cahier>.tbsession ici)",
    )
    ui.add_argument(
        "--create-dirs",
        action="store_true",
        help="créer le dossier de la session s'il n'existe pas (refusé sinon : un support non monté se voit)",
    )
    add_options(ui, UI)  # the same bench, capture and identity options as ``testbench run``
    ui.set_defaults(func=cmd_ui)


def cmd_ui(args: argparse.Namespace) -> int:
    from testbench.cli.outputs import session_dir_problem

    session = args.session or Path.cwd() / f"{Path(args.casebooks[0]).stem}.tbsession"
    if args.create_dirs and (refused := terminal_refused(args.lang)) is not None:  # before the folder is made
        return refused
    problem = session_dir_problem(session, args.create_dirs, args.lang)  # as ``run``: a missing drive is said
    if problem:
        print(f"testbench ui{colon(args.lang)}{problem}", file=sys.stderr)
        return EXIT_USAGE
    return launch(list(args.casebooks), session, args)


def default_ui(args: argparse.Namespace | None = None) -> int:
    """``testbench`` with no arguments: the last session, or the bundled demo (virtual cards, reference engine).

    The demo's session is ``testbench demo``'s, in the user's data folder: never beside the package; its
    exam plan is recorded by the runs, as ``testbench demo`` records it.
    """
    from testbench.cli.demo_cmd import demo_casebook, demo_paths, demo_plan
    from testbench.i18n import translator
    from testbench.tui.config import UiState

    defaults = argparse.ArgumentParser(add_help=False)
    add_options(defaults, UI)
    ns = defaults.parse_args([])
    given = {key: value for key, value in vars(args or argparse.Namespace()).items() if value is not None}
    state = UiState()
    last = state.last()
    t = translator(given.get("lang"))
    missing = [p for p in last[1] if not p.is_file()] if last is not None else []
    if last is not None and missing:  # the demo instead, said (seen on quit)
        said = t(
            "la dernière session {session} ne s'ouvre pas : cahier introuvable « {path} » ; la démo s'ouvre à sa place"
        )
        print(said.format(session=last[0], path=missing[0]), file=sys.stderr)
    reopen = last is not None and bool(last[1]) and not missing
    if reopen and last is not None:  # the bench it was opened with, unless the command line says otherwise
        values, unusable = read_back(state.last_bench())
        if not last[0].parent.is_dir():  # a drive not mounted: no new session elsewhere than the exam's
            unusable.insert(0, Unusable("--session", str(last[0]), t("dossier introuvable (support non monté ?)")))
        if unusable:
            return _not_reopened(last[0], last[1], unusable, t)
        for key, value in values.items():
            if key in vars(ns):
                setattr(ns, key, value)
    for key, value in given.items():
        if key in vars(ns):
            setattr(ns, key, value)
    if reopen and last is not None:
        return launch(last[1], last[0], ns)
    session = demo_paths()[1]
    ns.plan = ns.plan or demo_plan()  # ``ui --plan``'s option: the runs record it, the window ``c`` reads it
    print(translator(ns.lang)("démo : session {session}").format(session=session), file=sys.stderr)  # seen on quit
    return launch([demo_casebook()], session, ns)


def _not_reopened(session: Path, casebooks: list[Path], unusable: list[Unusable], t: Callable[[str], str]) -> int:
    """The last session is not reopened without what it was opened with: which remembered option, why, and the
    command that reopens it once the option is corrected (or given anew)."""
    said = t("testbench : la dernière session {session} a été ouverte avec {option} « {value} » : {why}")
    for item in unusable:
        print(said.format(session=session, option=item.flag, value=item.value, why=item.why), file=sys.stderr)
    # quoted as this system's shell reads it: a Windows path with a space between double quotes, not POSIX's '…'
    command = cmdline.join(["testbench", "ui", *map(str, casebooks), "--session", str(session)])
    print(t("rouvrez-la avec l'option corrigée : {command} …").format(command=command), file=sys.stderr)
    return EXIT_USAGE


def launch(
    casebook_paths: list[Path],
    session: Path,
    args: argparse.Namespace,
    *,
    performer: Operator | None = None,
    run_on_start: bool = False,
    on_close: Callable[[str, Path | None], None] | None = None,
) -> int:
    """The workstation on ``session``; ``performer`` performs the steps instead of the person (the demo
    application's scripted operator), ``run_on_start`` runs the remaining cases as soon as it opens;
    ``on_close`` is told, once it has closed, the language it was left in (F2) and the report ``g`` last wrote."""
    from testbench.casebook.problems import read_casebooks
    from testbench.i18n import translator

    t = translator(args.lang)
    # an invalid casebook opens read-only, its problems beside its cases; nothing readable at all is refused
    states = read_casebooks(casebook_paths)
    casebooks = [s.casebook for s in states if s.casebook is not None]
    if not casebooks:
        for state in states:
            for problem in state.all_problems():
                print(problem.text(args.lang), file=sys.stderr)
        return EXIT_USAGE
    try:
        from testbench.tui.app import WorkstationApp
    except ImportError as exc:  # Textual missing: say so, do not crash
        text = t("interface texte indisponible : le module Python « {module} » manque")
        print(text.format(module=exc.name or exc), file=sys.stderr)
        return EXIT_ENVIRONMENT
    from testbench.tui.config import UiState, load_settings
    from testbench.tui.execution import check_options
    from testbench.tui.render import bench_words
    from testbench.tui.workstation import Workstation

    if (refused := terminal_refused(args.lang)) is not None:  # no terminal, or one that cannot draw the window
        return refused
    settings = load_settings()
    if args.lang:
        settings.lang = args.lang
    state = UiState()
    from testbench.cli.coverage_cmd import attach_plan

    options = options_from_args(args)
    for problem in attach_plan(options, args.lang, casebook_paths):  # the plan refused, or warnings
        print(f"testbench ui{colon(args.lang)}{problem}", file=sys.stderr)
    if options.plan is not None and options.plan_record is None:
        return EXIT_USAGE
    refused = check_options(session, casebooks, options)  # as ``run``: --workers 0, several benches with --app-log…
    for refusal in refused:
        print(f"testbench ui{colon(args.lang)}{t(refusal.line)}", file=sys.stderr)
    if refused:
        return EXIT_USAGE
    workstation = Workstation(casebooks, session, states)
    unopened = _unopened(workstation, t)  # said before the window: never a traceback behind it
    if unopened is not None:
        return unopened
    # everything given that shapes the bench or the record (the SUT profile, the watched folder, the operator,
    # the cover, the plan…): a bare ``testbench`` reopens the session with it (default_ui) — once accepted, so
    # that a refused line (a bad plan, --workers 0) is not the one reopened
    state.remember_last(session, casebook_paths, remembered(args))
    with drawn_on_terminal():  # Textual keeps the stream it draws on from the app's making
        app = WorkstationApp(
            workstation,
            settings=settings,
            state=state,
            operator_name=options.identity.operator or None,
            bench_label=bench_words(options.bench, translator("fr")),  # the overview says it in the language shown
            options=options,
            performer=performer,
            run_on_start=run_on_start,
        )
        result = app.run()
    if on_close is not None:
        on_close(app.lang, app.last_report)
    return int(result or 0)


#: ``testbench ui`` without a terminal: refused before anything is opened or remembered
NO_TERMINAL = _t(
    "pas de terminal : le poste d'examen en demande un ; sans terminal, lancez la campagne avec testbench run"
    " CAHIER --session FICHIER (ou testbench demo --headless)"
)


#: ``testbench ui`` on a terminal that declares it moves no cursor: refused as without a terminal, said as such
DUMB_TERMINAL = _t(
    "terminal sans écran plein (TERM=dumb) : le poste d'examen ne peut pas s'y dessiner ; ouvrez-le dans un terminal"
    " complet, ou lancez la campagne avec testbench run CAHIER --session FICHIER (ou testbench demo --headless)"
)


def _no_terminal(lang: str | None) -> int:
    from testbench.i18n import translator

    print(f"testbench ui{colon(lang)}{translator(lang)(NO_TERMINAL)}", file=sys.stderr)
    return EXIT_USAGE


def terminal_refused(lang: str | None) -> int | None:
    """Why the workstation cannot open here, said on standard error, and its exit code (3); None when it can: a
    script or a CI job without a terminal (the full screen would wait there for ever), or a dumb terminal (an
    editor's shell: the window would be drawn as escape codes, its keys read blind)."""
    from testbench.i18n import translator

    if not has_terminal():
        return _no_terminal(lang)
    if dumb_terminal():
        print(f"testbench ui{colon(lang)}{translator(lang)(DUMB_TERMINAL)}", file=sys.stderr)
        return EXIT_USAGE
    return None


def dumb_terminal() -> bool:
    """A terminal that declares it moves no cursor (``TERM=dumb``: Emacs' shell, some CI runners' pseudo-terminal),
    as the progress lines read it. Windows leaves TERM unset: never dumb there."""
    return os.environ.get("TERM", "").strip().lower() == "dumb"


def can_draw() -> bool:
    """Whether the workstation can open here: a terminal to read keys and draw on, and not a dumb one (the demo
    runs headless otherwise)."""
    return has_terminal() and not dumb_terminal()


def has_terminal() -> bool:
    """The workstation can read keys and draw: standard input is a terminal, and so is a stream to draw on —
    standard error (where Textual draws on POSIX, leaving standard output free) or, when standard error is
    redirected (``2>errors.log``), standard output (:func:`drawn_on_terminal`); Windows's Textual draws on
    standard output. Never the full screen drawn into a file while the keys are read blind."""
    if not sys.stdin.isatty():
        return False
    if os.name == "nt":
        return sys.stdout.isatty()
    return sys.stderr.isatty() or sys.stdout.isatty()


def _draws_on_stdout() -> bool:
    """POSIX, standard error redirected and standard output on the terminal: the window draws on standard output."""
    return os.name != "nt" and not sys.stderr.isatty() and sys.stdout.isatty()


@contextlib.contextmanager
def drawn_on_terminal() -> Iterator[None]:
    """Textual (POSIX) draws on ``sys.__stderr__``: with standard error redirected to a file and standard output on
    the terminal, it is pointed at standard output while the window is up. Only Python's name moves: the file keeps
    what the command says before and after the window, and what the bench's child processes write on their
    inherited standard error (an engine's, an emulator's), which would otherwise be drawn over the screen."""
    if not _draws_on_stdout() or sys.__stdout__ is None:
        yield
        return
    saved = sys.__stderr__
    sys.__stderr__ = sys.__stdout__
    try:
        yield
    finally:
        sys.__stderr__ = saved


def _unopened(workstation: Workstation, t: Callable[[str], str]) -> int | None:
    """Open the session as the window would (:meth:`Workstation.prepare`); when it cannot be, say why as ``run``
    and ``report`` say it and give the exit code: 2 for a full disk, 3 for a session damaged, another program's
    or too new. None: open (or read-only, locked by another process)."""
    from testbench.cli.crash import failure_code, failure_text
    from testbench.store.connection import SessionError, SessionWriteError, damage_reason

    try:
        workstation.prepare()
    except SessionError as exc:
        print(f"testbench ui{colon()}{t(str(exc))}", file=sys.stderr)
        return EXIT_ENVIRONMENT if isinstance(exc, SessionWriteError) else EXIT_USAGE
    except Exception as exc:  # SQLite finding a page damaged mid-file; anything else is a defect, the CLI's net
        if damage_reason(exc) is None:
            raise
        print(f"testbench ui{colon()}{failure_text(exc, [], t)}", file=sys.stderr)
        return failure_code(exc)
    return None
