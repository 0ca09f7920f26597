"""``python -m testbench`` and the ``testbench`` console script (:func:`entry`, pyproject's ``[project.scripts]``).

A ^C in the first moments of a command, while its modules load, printed Python's ``KeyboardInterrupt``
traceback: this module imports only what the guard needs (``os``, ``signal``, ``sys``) and installs it before
the command line's modules load; from then on a ^C is « interrompu », exit 2, as for any interrupted command
(README § Exit codes).
"""

import os
import signal
import sys

#: an interrupted command's exit code (testbench.runner.exits.EXIT_ENVIRONMENT, not imported: it loads more)
INTERRUPTED = 2


def _english() -> bool:
    """Whether the command speaks English: its first ``--lang`` (before ``--``), else ``TESTBENCH_LANG``, read as
    testbench.cli.main and testbench.i18n read them (blanks and case aside), without loading them."""
    value = os.environ.get("TESTBENCH_LANG", "")
    words = sys.argv[1:]
    for i, word in enumerate(words):
        if word == "--":
            break
        if word == "--lang" and i + 1 < len(words):
            value = words[i + 1]
            break
        if word.startswith("--lang="):
            value = word.partition("=")[2]
            break
    return value.strip().lower()[:2] == "en"


def _say_interrupted() -> None:
    """« interrompu » on stderr, in the command's language (the catalogue's English of it, spelt here: the
    catalogue may not be loaded yet); a further ^C does not cut it, a stderr that refuses it loses it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a further ^C does not cut the line: the process ends
    try:
        sys.stderr.write("interrupted\n" if _english() else "interrompu\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # a full disk, a closed stderr, none at all (pythonw)
        pass


def _early(_signum: int, _frame: object) -> None:
    """^C before the command line can take it (its modules loading, the console script's own lines): said, and
    the process ends at once — nothing is written yet, nothing to put back."""
    _say_interrupted()
    os._exit(INTERRUPTED)


def _guard() -> object:
    """Install :func:`_early` for SIGINT and return the handler it replaced; a ^C ignored since the process
    began (``nohup``, a background job) stays ignored."""
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.default_int_handler:
        signal.signal(signal.SIGINT, _early)
    return previous


#: the handler ^C had when the process began, given back once the command line can take it
_PREVIOUS = _guard()


def entry() -> int:
    """The ``testbench`` command: :func:`testbench.cli.main.main`, a ^C before it takes over said as it says one."""
    from testbench.cli.main import main

    if signal.getsignal(signal.SIGINT) is _early:
        signal.signal(signal.SIGINT, _PREVIOUS)  # type: ignore[arg-type]
    try:
        return main()
    except KeyboardInterrupt:  # before main's own net: while it sets the streams up
        _say_interrupted()
        return INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(entry())
