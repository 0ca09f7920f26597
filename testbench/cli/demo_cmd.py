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

from testbench.cli.main import EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from testbench.cli.outputs import output_dir_problem
from testbench.cli.run_cmd import add_bench_options
from testbench.i18n import translator


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
    add_bench_options(demo)
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

        args.operator = args.operator or None
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

    from testbench.store.session import lock_path

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
    attestations = args.attestations or casebook.with_name("demo-attestations.json")
    argv = [
        "run",
        str(casebook),
        "--session",
        str(session),
        "--report",
        str(out),
        "--junit",
        str(out / "junit.xml"),
        "--engine",
        args.engine,
        "--cards",
        args.cards,
        "--engine-timeout",
        str(args.engine_timeout),
    ]
    if attestations.exists():
        argv += ["--attestations", str(attestations)]
    if args.allow_real_cards:
        argv.append("--allow-real-cards")
    for flag, value in (
        ("--sut", args.sut or "démo testbench"),
        ("--sut-version", args.sut_version),
        ("--agrement", args.agrement),
        ("--operator", args.operator),
        ("--lang", args.lang),
    ):
        if value:
            argv += [flag, value]
    from testbench.cli.main import main

    return main(argv)
