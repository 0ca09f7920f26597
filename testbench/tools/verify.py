"""Check a report folder or a session file (``testbench verify``; the workstation's « Vérifier un rapport »)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from testbench.i18n import _t, colon
from testbench.runner.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from testbench.tools.result import Render, T, ToolResult, french


def verify_tool(
    path: Path,
    *,
    key: Path | None = None,
    session: Path | None = None,
    require_signature: bool = False,
    key_option: str = "--key",
    signature_option: str = "--require-signature",
) -> ToolResult:
    """What ``verify`` says of ``path``, its verdict last; exit 0 intact, 1 altered or another session's
    report, 3 when the path, the folder or the key cannot serve. A session file given with a report's inputs
    is refused naming them: the CLI's flags, or (``key_option``, ``signature_option``) the window's fields."""
    from testbench.integrity.verify import VerifyUsageError, verdict_lines, verify_report, verify_session
    from testbench.signing import SigningKeyError, load_public
    from testbench.store.connection import not_a_file

    result = ToolResult()
    if path.is_file() and (key is not None or session is not None or require_signature):
        if key_option.startswith("--"):
            return result.fail(EXIT_USAGE, _report_only(path))
        given = [name for name, set_ in ((key_option, key is not None), (signature_option, require_signature)) if set_]
        return result.fail(EXIT_USAGE, _report_fields_only(path, given))
    trusted = None
    if key is not None:
        try:
            trusted = load_public(key)
        except (OSError, SigningKeyError, ValueError) as exc:
            return result.fail(EXIT_USAGE, _unreadable_key(key, exc))
    try:
        if path.is_dir():
            verdict = verify_report(
                path, trusted=trusted, session=session, allow_unsigned=not require_signature, scrubber=book_scrubber
            )
        elif path.is_file():
            _say_live(path, result)
            verdict = verify_session(path)
        elif (other := not_a_file(path)) is not None:  # a named pipe, a device: said, never waited on
            return result.fail(EXIT_USAGE, french(other))
        else:
            return result.fail(EXIT_USAGE, lambda t, lang: f"{path}{colon(lang)}{t('introuvable')}")
    except VerifyUsageError as exc:
        return result.fail(EXIT_USAGE, lambda t, _lang, exc=exc: exc.render(t))
    result.say(lambda t, lang: "\n".join(verdict_lines(verdict, t, lang)))  # the verdict last: a saved log holds it
    result.code = EXIT_OK if verdict.ok else EXIT_FAILED
    return result


#: a session a run still writes: what is checked is what was written so far
STILL_WRITTEN = _t(
    "ATTENTION : {path} : session encore ouverte en écriture par un autre processus (pid {pid} sur {host}) : seul"
    " ce qui est déjà écrit est vérifié ; vérifiez-la de nouveau quand l'exécution est finie"
)


def _say_live(path: Path, result: ToolResult) -> None:
    """A session still written by a run is checked as it stands (as ``coverage`` and ``diff`` read it), said
    first: an « INTÈGRE » of a session half-written would read as the run's."""
    from testbench.tools.report import live_writer

    if (writer := live_writer(path)) is not None:
        result.warn(lambda t, _lang: t(STILL_WRITTEN).format(path=path, pid=writer[0], host=writer[1]), prefixed=True)


def book_scrubber(session: Path, enabled: bool) -> Callable[[str], str] | None:
    """The report's own redaction of ``session``'s text, for what ``verify`` says of it (None: unreadable)."""
    from testbench.report.personal import Scrubber
    from testbench.store.connection import SessionError
    from testbench.store.read import read_session

    try:
        with read_session(session) as view:
            return Scrubber.for_sessions(view, enabled=enabled, lang="fr")
    except (SessionError, OSError):
        return None


def _report_only(path: Path) -> Render:
    """A session given with a report's options (arguments swapped?): checking it alone would say nothing of them."""

    def render(t: T, _lang: str | None) -> str:
        said = t(
            "{path} est une session : --session, --key et --require-signature ne s'appliquent qu'à un dossier de"
            " rapport (testbench verify RAPPORT --session SESSION)"
        )
        return said.format(path=path)

    return render


#: a session file given in the window with a field that only a report folder has a use for
REPORT_FIELD_ONLY = _t("{path} est une session : « {field} » ne s'applique qu'à un dossier de rapport")


def _report_fields_only(path: Path, fields: list[str]) -> Render:
    """:func:`_report_only` in the window's words: each field filled in that a session file has no use for."""
    return lambda t, _lang: "\n".join(t(REPORT_FIELD_ONLY).format(path=path, field=t(name)) for name in fields)


def _unreadable_key(key: Path, exc: Exception) -> Render:
    from testbench.fmt import os_reason
    from testbench.signing import SigningKeyError

    def render(t: T, lang: str | None) -> str:
        if isinstance(exc, OSError):
            reason = os_reason(exc, t)
        elif isinstance(exc, SigningKeyError):
            reason = t(str(exc))
        else:  # not base64
            reason = t("ni une clé publique en base64 ni une clé privée PEM")
        return f"{key}{colon(lang)}" + t("clé illisible ({reason})").format(reason=reason)

    return render
