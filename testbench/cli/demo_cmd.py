"""``testbench demo``: the bundled demo casebook on virtual cards and the reference engine, and its report.

It works from any directory after a plain ``pip install``: the casebook is read from the installed
package data and nothing is written beside the package. Without ``--output`` the report goes to the
user's data folder (``testbench.paths.user_data_dir()``: ``demo/``, the session beside it as
``demo.tbsession``), the same place every time, so a bare ``testbench`` reopens the same demo session;
the paths are printed.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from testbench.cli.outputs import output_dir_problem
from testbench.i18n import translator
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from testbench.runner.options import DEMO, add_options, options_from_args


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="exécuter le cahier de démonstration et produire son rapport")
    demo.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="DIR",
        help="dossier du rapport (défaut : demo/ dans le dossier de données de l'utilisateur)",
    )
    demo.add_argument("--headless", action="store_true", help="sans interface : exécuter puis écrire le rapport")
    add_options(demo, DEMO)  # the bench, capture and identity options of ``testbench run``
    demo.set_defaults(func=cmd_demo)


def demo_casebook() -> Path:
    from testbench.paths import CASEBOOKS_DIR

    return CASEBOOKS_DIR / "demo.xml"


def demo_paths(output: Path | None = None) -> tuple[Path, Path]:
    """The report folder and the session file beside it (the signed report holds redacted copies, not the record)."""
    from testbench.paths import user_data_dir

    out = output or user_data_dir() / "demo"
    return out, out.with_name(out.name + ".tbsession")


def cmd_demo(args: argparse.Namespace) -> int:
    """The workstation on a terminal, else (or with --headless) a run and its report."""
    t = translator(args.lang)

    def say(text: str, **values: object) -> None:
        print(t(text).format(**values), file=sys.stderr)

    out, session = demo_paths(args.output)
    problem = output_dir_problem(out, args.lang)
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        say("{folder} : impossible de créer ce dossier ({reason})", folder=out, reason=exc.strerror or exc)
        return EXIT_ENVIRONMENT
    casebook = demo_casebook()
    interactive = not args.headless and sys.stdin.isatty() and sys.stdout.isatty()
    if interactive:
        from testbench.cli.ui_cmd import launch

        code = launch([casebook], session, args)
        if session.exists():
            from testbench.report.html import write_report

            report = write_report(session, out, lang=args.lang or "fr")
            say("démo : session {session}, rapport {report}", session=session, report=report)
        return code
    if not args.headless:
        say("démo : pas de terminal interactif, exécution sans interface (--headless)")
    if not _start_afresh(session):
        say(
            "démo : la session {session} est ouverte par un autre processus ; fermez-le ou choisissez --output",
            session=session,
        )
        return EXIT_USAGE
    code = _run(args, casebook, session, out)
    if code not in (EXIT_OK, EXIT_FAILED):
        return code  # the run said why
    say("démo : session {session}, rapport {report}", session=session, report=out / "index.html")
    return EXIT_OK  # the demo contains a case built to fail: that is the demo working, not the bench failing


def _start_afresh(session: Path) -> bool:
    """Remove the previous headless demo's session, unless a process (a workstation) has it open."""
    from filelock import FileLock, Timeout

    from testbench.store.connection import lock_path

    lock = FileLock(lock_path(session), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return False
    try:
        for stale in (session, session.with_name(session.name + "-wal"), session.with_name(session.name + "-shm")):
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
    finally:
        lock.release()
    return True


def _run(args: argparse.Namespace, casebook: Path, session: Path, out: Path) -> int:
    """``testbench run`` on the demo casebook with its prepared attestations, report and JUnit."""
    from testbench.cli.run_cmd import execute
    from testbench.runner.campaign import RunRequest

    options = options_from_args(args)
    attestations = options.attestations or casebook.with_name("demo-attestations.json")
    options.attestations = attestations if attestations.exists() else None
    options.outputs.report, options.outputs.junit = out, out / "junit.xml"
    options.identity.sut = options.identity.sut or "démo testbench"
    return execute(RunRequest([casebook], session, options, argv=list(sys.argv)))
