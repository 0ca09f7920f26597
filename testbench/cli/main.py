"""The ``testbench`` command line: one sub-command per job, documented exit codes.

Exit codes: 0 all passed; 1 some case failed; 2 an inconclusive or error verdict is present
(environment or bench fault), or a standard output the disk refused (:func:`_said_lost_output`); 3 invalid
input or usage — a session file damaged or unreadable included, whichever command meets it
(:func:`testbench.cli.crash.failure_code`), and a bare ``testbench`` without a terminal.

A CI's cancel or timeout (SIGTERM) stops every command a CI runs as ^C does (:data:`TERMINATED_AS_INTERRUPTED`,
and ``demo``'s headless run): « interrompu », exit 2, its engines and services stopped, its temporary files
removed, a run's session resumable (:mod:`testbench.interrupts`); never 143, even when the signal comes as the
command ends.

Language: French by default, English with ``--lang en`` (anywhere on the line, read before parsing
so that argparse's own words and every help text follow it) or ``TESTBENCH_LANG=en``.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from testbench.cli.console import keep_writing_when_unread, lost_output, spell_standard_streams
from testbench.cli.texts import HelpFormatter, argparse_word, argparse_words
from testbench.i18n import LANGUAGES, _t, colon, set_language, translator, use_language
from testbench.interrupts import Stopping, ignored, stopping
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_OK, EXIT_USAGE
from testbench.runner.options import REPEATED_OPTION, StoreOnce, repeated_refusals

#: Each sub-command and the module that adds it (``register(subparsers)`` sets ``func`` on its parser), in
#: the order of the help. A command line that names its sub-command imports that module alone: ``run``
#: does not pay for the report, the workstation or the office formats (``tests/test_run_imports.py``).
COMMANDS = {
    "validate": "testbench.cli.casebook_cmd",
    "run": "testbench.cli.run_cmd",
    "demo": "testbench.cli.demo_cmd",
    "report": "testbench.cli.report_cmd",
    "ui": "testbench.cli.ui_cmd",
    "cards": "testbench.cli.cards_cmd",
    "engine": "testbench.cli.engine_cmd",
    "keys": "testbench.cli.keys_cmd",
    "verify": "testbench.cli.verify_cmd",
    "review": "testbench.cli.review_cmd",
    "diff": "testbench.cli.diff_cmd",
    "merge": "testbench.cli.merge_cmd",
    "sut": "testbench.cli.sut_cmd",
    "import": "testbench.cli.import_cmd",
    "services": "testbench.cli.services_cmd",
    "coverage": "testbench.cli.coverage_cmd",
    "new": "testbench.cli.new_cmd",
    "export": "testbench.cli.export_cmd",
    "cover": "testbench.cli.cover_cmd",
}

#: ``--lang``'s help, given to every command and command group (``testbench cards --lang en list``)
LANG_HELP = "langue des messages : fr (défaut) ou en ; aussi TESTBENCH_LANG"

#: The arguments that name a casebook or one of its companions (``cards emulate``'s card profile too: the wheel
#: ships ``casebooks/cards/``): one missing that testbench bundles is pointed at the bundled copy
#: (:func:`_said_bundled`)
BUNDLED_KINDS = ("casebooks", "plan", "attestations", "profile")

#: The commands a CI cancels or times out (SIGTERM) that stop as on ^C: all but the processes a bench starts and
#: stops itself — card emulators, téléservices, ``engine serve`` (:func:`_terminated_as_interrupted`). The
#: workstation (``ui``) is one while it loads; once its screen is up it takes the signals itself
#: (testbench.interrupts.on_interrupt) and gives them back as it closes. ``demo`` opens the workstation on a
#: terminal: its headless run installs the handler itself (testbench.cli.demo_cmd).
TERMINATED_AS_INTERRUPTED = frozenset(COMMANDS) - {"demo", "cards", "services"}


class _Parser(argparse.ArgumentParser):
    """Help in the active language (testbench.cli.texts); usage errors exit 3, not argparse's 2."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs.setdefault("allow_abbrev", False)  # « --watc » is a typo, not --watch: never a guess that runs
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # every option of one value, of every command: given twice, refused (:func:`_main`), never the last kept
        for name in (None, "store"):  # argparse's default action, and its name
            self.register("action", name, StoreOnce)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """An unknown word refused by the innermost command that met it, with that command's usage: argparse
        hands it up to ``testbench`` itself, whose usage lists no option of the command that was typed."""
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(argparse_word("unrecognized arguments: %s") % " ".join(extras))
        return parsed, extras

    def _check_value(self, action: argparse.Action, value: object) -> None:
        """A value outside an option's choices, said in the person's words: argparse names a sub-command's
        choice by its internal name (« argument cards_command ») and quotes values as Python does."""
        if action.choices is None or value in action.choices:
            return
        t = translator()
        choices = ", ".join(map(str, action.choices))
        if isinstance(action, argparse._SubParsersAction):
            said = t("« {value} » n'est pas une commande de {prog} (commandes : {choices})")
            raise argparse.ArgumentError(None, said.format(value=value, prog=self.prog, choices=choices))
        said = t("« {value} » n'est pas une valeur permise (valeurs : {choices})")
        raise argparse.ArgumentError(action, said.format(value=value, choices=choices))

    def _get_value(self, action: argparse.Action, arg_string: str) -> object:
        """A number that is none, said in the person's words (argparse: « valeur invalide : 'x' »)."""
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError:
            if action.type not in (int, float):
                raise  # the bench's own types word their errors (runner.options.positive_seconds…)
            said = "« {value} » n'est pas un nombre entier" if action.type is int else "« {value} » n'est pas un nombre"
            raise argparse.ArgumentError(action, translator()(said).format(value=arg_string)) from None

    def error(self, message: str) -> None:
        self.print_usage(sys.stderr)
        text = argparse_word("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message}
        sys.stderr.write(text)
        raise UsageRefused(message)


class UsageRefused(SystemExit):
    """argparse's refusal of the command line (exit 3), its ``reason`` kept: an earlier run's JUnit at the line's
    ``--junit`` is replaced by one that gives it (:func:`_replace_earlier_junit`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(EXIT_USAGE)
        self.reason = reason


def requested_language(argv: Sequence[str]) -> str | None:
    """``--lang X`` or ``--lang=X`` anywhere before ``--``: known before parsing, so parsing speaks it."""
    return next(iter(requested_languages(argv)), None)


def requested_languages(argv: Sequence[str]) -> list[str]:
    """Every ``--lang`` value before ``--``, in order: one per command level (``testbench --lang en cards --lang en
    list``) is allowed, two that differ are refused (:func:`_main`)."""
    found = []
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            found.append(argv[i + 1])
        elif arg.startswith("--lang="):
            found.append(arg.partition("=")[2])
    return found


def command_at(argv: Sequence[str]) -> int | None:
    """Where the sub-command is in ``argv``: the first word that is neither an option nor ``--lang``'s value; None
    when there is none, or a help (``-h``, ``--help``) or ``--`` comes first."""
    at = 0
    while at < len(argv):
        if argv[at] in ("-h", "--help", "--"):
            return None
        if argv[at] == "--lang":
            at += 2
            continue
        if not argv[at].startswith("-"):
            return at
        at += 1
    return None


def command_modules(argv: Sequence[str] | None = None) -> list[str]:
    """The modules to register for ``argv``: the named sub-command's alone, else all (help, a typo).

    The sub-command is :func:`command_at`'s; a help asked before it (``testbench --help run``) lists every command,
    and so does a language refused before it (``testbench --lang de validate``): its usage line names them all.
    """
    words = list(argv or ())
    at = command_at(words)
    if at is None or words[at] not in COMMANDS or requested_language(words[:at]) not in (None, *LANGUAGES):
        return list(COMMANDS.values())
    return [COMMANDS[words[at]]]


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line for ``argv`` (the whole one by default), its words in the active language.

    Group titles are set at construction, hence inside :func:`argparse_words`.
    """
    with argparse_words():
        parser = _Parser(prog="testbench", description="Banc de test pour l'agrément SESAM-Vitale (CNDA).")
        parser.add_argument("--version", action="store_true", help="afficher la version et quitter")
        parser.add_argument("--lang", choices=LANGUAGES, default=None, help=LANG_HELP)
        sub = parser.add_subparsers(dest="command", parser_class=_Parser)
        for name in command_modules(argv):
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            module.register(sub)
        _lang_everywhere(parser)
    return parser


def _lang_everywhere(parser: argparse.ArgumentParser) -> None:
    """``--lang`` on every command group and sub-command that lacks it, so that it goes anywhere on the line
    (README § Usage): ``testbench cards --lang en list`` was « en » taken for a command."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for command in set(action.choices.values()):
            if "--lang" not in command._option_string_actions:
                command.add_argument("--lang", choices=LANGUAGES, default=None, help=LANG_HELP)
            _lang_everywhere(command)


def main(argv: Sequence[str] | None = None) -> int:
    """The command ``argv`` (the process's own command line by default: the console script, ``python -m
    testbench``, after which the process ends) and its exit code."""
    spell_standard_streams()  # a redirected output on Windows is cp1252: never a traceback for a « → »
    keep_writing_when_unread()  # ``| head``, a ``| tee`` gone with the same ^C: the command ends as it would
    final = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = requested_language(argv)
    # SIGTERM as ^C from the start (a CI's cancel while the command's modules load is no 143 either) until the
    # command has said its last word — ``final``: until the process has ended
    with use_language(lang), argparse_words(), stopping(final=final) as signals:
        try:
            return _said_lost_output(_main(argv, lang, signals), argv)
        except SystemExit as stop:  # argparse's --help and usage errors: a help the disk refused is said too
            if not isinstance(stop.code, int | None):
                raise
            raise SystemExit(_said_lost_output(stop.code or EXIT_OK, argv)) from None
        except KeyboardInterrupt:  # before the command started, or while it said its last words
            with ignored(), _unwritable_stderr():
                print(translator()("interrompu"), file=sys.stderr)
            return EXIT_ENVIRONMENT


def _main(argv: list[str], lang: str | None, signals: Stopping) -> int:
    if (unreadable := _not_text(argv)) is not None:
        print(f"testbench: {unreadable}", file=sys.stderr)
        _replace_earlier_junit(argv, [unreadable])
        return EXIT_USAGE
    parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)
    except UsageRefused as refused:  # an unknown option, a value outside the choices, a missing one
        _replace_earlier_junit(argv, [refused.reason])
        raise
    if not _terminated_as_interrupted(args):
        signals.release_terminate()  # the workstation, a bench's own processes: SIGTERM is their owner's
    if (own := requested_language(_bench_words(argv, args))) != lang:  # ``engine check ./moteur --lang en``
        lang = own  # the engine's own --lang, read before parsing as the bench's: the bench speaks its own
        set_language(lang)  # until the command ends (main's use_language restores the one before)
    if lang in LANGUAGES and getattr(args, "lang", None) is None:
        args.lang = lang  # ``testbench --lang en report …``: the sub-command's own --lang defaulted to None
    if args.version:
        from testbench import __version__

        print(__version__)
        return EXIT_OK
    func = getattr(args, "func", None)
    if func is not None and len(set(requested_languages(_bench_words(argv, args)))) > 1:
        # ``testbench --lang en run … --lang fr``: argparse spoke the first, the command would speak the last —
        # two languages on one run; refused as a single option given twice is (argparse keeps one level's each)
        said = translator()(REPEATED_OPTION).format(option="--lang")
        print(f"testbench {args.command}{colon()}{said}", file=sys.stderr)
        _replace_earlier_junit(argv, [said])
        return EXIT_USAGE
    if func is not None and args.command not in SAYS_REPEATS and (twice := repeated_refusals(args)):
        for line in twice:  # which of the two values was meant? refused before the command acts
            print(f"testbench {args.command}{colon()}{line}", file=sys.stderr)
        _replace_earlier_junit(argv, twice)  # a --junit given twice names no file: neither is touched
        return EXIT_USAGE
    if func is not None and (unnamed := _unnamable_path(args)) is not None:
        print(f"testbench {args.command}{colon()}{unnamed}", file=sys.stderr)
        _replace_earlier_junit(argv, [unnamed])
        return EXIT_USAGE
    if func is None:
        if args.command is None and sys.stdin.isatty() and (sys.stderr.isatty() or sys.stdout.isatty()):
            from testbench.cli.ui_cmd import DUMB_TERMINAL, can_draw, default_ui, has_terminal

            if has_terminal():  # where the workstation draws (stderr, or stdout when stderr is redirected)
                if can_draw():
                    return default_ui(args)  # a bare ``testbench`` opens the workstation
                # TERM=dumb: one line, before the demo's session is named or a last session looked for
                print(f"testbench{colon()}{translator()(DUMB_TERMINAL)}", file=sys.stderr)
                return EXIT_USAGE
        if args.command is None:  # a script, ssh without -t, a scheduled job: why nothing opens, and what does
            print(f"testbench: {translator()(NO_TERMINAL)}", file=sys.stderr)
            return EXIT_USAGE
        parser.print_help()
        return EXIT_USAGE
    try:
        code = int(func(args))
        _said_bundled(args, code)
        return code
    except KeyboardInterrupt:
        with ignored(), _unwritable_stderr():  # a second ^C does not cut the line
            print(translator()("interrompu"), file=sys.stderr)
        return EXIT_ENVIRONMENT
    except Exception as exc:  # the net under each command's own errors: never a traceback (cli.crash)
        from testbench.cli.crash import failure_code, failure_text

        with ignored(), _unwritable_stderr():
            said = failure_text(exc, argv, translator())
            print(f"testbench {args.command}{colon()}{said}", file=sys.stderr)
            if failure_code(exc) == EXIT_USAGE and args.command in BUILDS_JUNIT_LAST:
                _replace_earlier_junit(argv, [said])  # a damaged session, before its JUnit was written: no result
        return failure_code(exc)  # 3 for a damaged session (the input), 2 for a fault of the bench


def _bench_words(argv: list[str], args: argparse.Namespace) -> list[str]:
    """``argv`` without the tail an engine's command took (``engine check ./moteur --lang fr``: the engine's own)."""
    tail = getattr(args, "engine_argv", None) or []
    return argv[: len(argv) - len(tail)]


#: the commands that refuse an option given twice themselves: ``run`` also replaces an earlier run's JUnit then
SAYS_REPEATS = frozenset({"run"})

#: the commands whose failure net (a damaged session, exit 3) is met before their JUnit is written: ``report``
#: writes it last, from the session it read whole; ``run`` may have written this run's own before
BUILDS_JUNIT_LAST = frozenset({"report"})


def _replace_earlier_junit(argv: Sequence[str], reasons: list[str]) -> None:
    """A command line refused before its command ran (argparse's refusal, an option given twice) or a session it
    found damaged: an earlier run's JUnit at the line's ``--junit`` would be published by CI as this one's result.
    It is replaced by the refused run's JUnit giving ``reasons`` (:func:`testbench.cli.outputs.refused_junit`, in
    the active language), or said to stay; nothing when the line names no single ``--junit``
    (:func:`~testbench.cli.outputs.named_junit`)."""
    from testbench.cli.outputs import named_junit, refused_junit

    named = named_junit(argv)
    if named is None:
        return
    command, junit, report, words = named
    said = refused_junit(junit, reasons, None, words, report)
    if said is not None:
        with _unwritable_stderr():
            print(f"testbench {command}{colon()}{said}", file=sys.stderr)


NO_TERMINAL = _t(
    "pas de terminal : testbench sans commande ouvre le poste d'examen, qui en demande un ; donnez une commande"
    " (testbench run CAHIER --session FICHIER, testbench demo --headless ; testbench --help les liste toutes)"
)


def _said_lost_output(code: int, argv: Sequence[str]) -> int:
    """``code``, or 2 once a full or failing disk lost the standard output (``> /dev/full``): said as such, what
    the command did and wrote kept — never « erreur interne », a bug it is not (README § Exit codes). A refusal
    (3) has said on stderr what matters: its code stays, unadorned."""
    failure = lost_output(sys.stdout)
    if failure is None or code == EXIT_USAGE:
        return code
    from testbench.fmt import os_reason

    t = translator()
    said = t(
        "sortie standard perdue ({reason}) : la commande est allée au bout (code {code}) et ce qu'elle écrit dans"
        " des fichiers est écrit, mais ce qu'elle affichait n'a pas pu l'être ; libérez de l'espace disque puis"
        " relancez-la pour le lire"
    )
    prog = " ".join(["testbench", *[arg for arg in argv if arg in COMMANDS][:1]])
    with _unwritable_stderr():
        print(f"{prog}: {said.format(reason=os_reason(failure, t), code=code)}", file=sys.stderr)
    return max(code, EXIT_ENVIRONMENT)


def _said_bundled(args: argparse.Namespace, code: int) -> None:
    """After a refusal, each casebook, plan or attestations file given that is not there but that testbench
    bundles (``casebooks/demo.xml`` outside a clone, after ``pip install``): where the bundled one is."""
    if code != EXIT_USAGE:
        return
    from testbench.cli.bundled import bundled_hint

    for kind in BUNDLED_KINDS:
        given = getattr(args, kind, None)
        for path in given if isinstance(given, list) else [given]:
            said = bundled_hint(path) if isinstance(path, Path) else None
            if said is not None:
                with _unwritable_stderr():
                    print(f"testbench {args.command}{colon()}{said}", file=sys.stderr)


def _unwritable_stderr() -> contextlib.AbstractContextManager[None]:
    """The last words of a command on a stderr that refuses them (a full disk, a closed descriptor) are lost,
    not raised: the exit code stays the one the failure gives (never Python's 1, which says « a case failed »)."""
    return contextlib.suppress(OSError, ValueError)


#: the ``cards`` commands a person or a CI runs and stops: SIGTERM as ^C (``emulate`` and ``replay`` serve a
#: card, the process a bench or a person starts and stops as its own)
CARDS_INTERRUPTED = frozenset({"list", "watch", "probe", "record"})


def _terminated_as_interrupted(args: argparse.Namespace) -> bool:
    """Whether SIGTERM stops the command as ^C does: not for ``engine serve``, the engine a bench starts
    and stops (by its process group) as its own, nor for a card ``cards emulate`` or ``replay`` serves."""
    if args.command == "cards":
        return getattr(args, "cards_command", None) in CARDS_INTERRUPTED
    return args.command in TERMINATED_AS_INTERRUPTED and getattr(args, "engine_command", None) != "serve"


def _not_text(argv: Sequence[str]) -> str | None:
    """The refusal of the first argument that is no text, or None. A file name in another encoding than the
    system's reaches Python with lone surrogates (PEP 383, POSIX only), which no session or report can store:
    it was a traceback once a case was recorded."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            said = _t(
                "« {arg} » n'est pas du texte UTF-8 (écrit dans un autre encodage) : s'il s'agit d'un nom de fichier,"
                " renommez le fichier ; sinon, récrivez l'argument"
            )
            return translator()(said).format(arg=shown)
    return None


#: what the system answers for a path it cannot name: a name longer than it allows, a loop of symbolic links
_UNNAMABLE = (errno.ENAMETOOLONG, errno.ELOOP)


def _unnamable_path(args: argparse.Namespace) -> str | None:
    """The refusal of the first path argument (a session, an output, a casebook) the system cannot name, or None:
    said before the command runs, as ``report -o`` says it, rather than met deep in it as a fault of the bench."""
    from testbench.fmt import os_reason

    for value in vars(args).values():
        for path in value if isinstance(value, list) else [value]:
            if not isinstance(path, Path):
                continue
            try:
                os.stat(path)
            except OSError as exc:
                if exc.errno in _UNNAMABLE:
                    t = translator()
                    return f"{path}{colon()}{os_reason(exc, t)}"
            except ValueError:  # a NUL in the name: the command's own checks say it
                continue
    return None


if __name__ == "__main__":
    raise SystemExit(main())
