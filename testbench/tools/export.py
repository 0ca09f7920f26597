"""A session's results into the exam book's spreadsheet (``testbench export``; the workstation's « Exporter »)."""

from __future__ import annotations

import os
from pathlib import Path

from testbench.i18n import default_language, tn
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_USAGE
from testbench.tools.outputs import output_problem
from testbench.tools.result import Render, ToolResult, french, option, unwritten, unwritten_code


def export_tool(
    session: Path,
    *,
    document: Path,
    mapping: Path,
    target: Path,
    report: Path | None = None,
    redact: bool = True,
    lang: str | None = None,
    no_redact_option: str = "--no-redact",
) -> ToolResult:
    """Write the results into ``target`` (the document's rows, ``lang`` for the words written in cells); exit 0
    when written (cases missing on either side listed), 2 when written from a session whose journal does not
    verify (said: its verdicts are no evidence), 3 when nothing is written (each reason said)."""
    from testbench.office.export import export_results
    from testbench.office.mapping import load_mapping
    from testbench.office.problems import OfficeError
    from testbench.store.connection import SessionError

    result = ToolResult()
    problem = _usage_problem(target, document) or output_problem(target, (session, mapping, report))
    if problem:
        return result.fail(EXIT_USAGE, problem)
    try:
        done = export_results(
            session, document, load_mapping(mapping), target, lang or default_language(), redact=redact, report=report
        )
    except OfficeError as exc:
        for note in exc.notes:  # the sheet read: often why the header is not found (as the import says it)
            result.say(lambda _t, lang, note=note: note.text(lang))
        result.warn_each(exc.problems)
        return result.fail(EXIT_USAGE, lambda t, _lang: t("rien n'est écrit"), prefixed=False)
    except SessionError as exc:
        return result.fail(EXIT_USAGE, french(str(exc)))
    except OSError as exc:
        return result.fail(unwritten_code(exc), unwritten(target, exc), prefixed=False)
    result.warn_each(done.problems)
    added = ", ".join(done.added_columns)
    absent = ", ".join(done.not_in_session)
    unreported = ", ".join(done.not_in_document)
    if added:
        result.say(lambda t, _lang: t("colonnes ajoutées : {names}").format(names=added))
    if absent:
        result.say(
            lambda t, _lang: t("cas du document absents de la session (lignes laissées telles quelles) : {ids}").format(
                ids=absent
            )
        )
    if unreported:
        result.say(
            lambda t, _lang: t("cas de la session absents du document (non reportés) : {ids}").format(ids=unreported)
        )
    if done.copied_personal:  # the editor's own cells: copied as they are, but the file then holds personal data
        copied, shown = len(done.copied_personal), done.copied_personal[:5]
        more = "…" if copied > len(shown) else ""
        result.warn(
            lambda _t, lang: _copied_personal(copied, lang, ", ".join(p.text(lang) for p in shown) + more, redact)
        )
    if not redact:
        result.say(
            lambda t, _lang: t(
                "anonymisation désactivée ({option}) : les valeurs observées sont écrites telles quelles"
            ).format(option=option(no_redact_option, t))
        )
    count = len(done.written)
    result.say(
        lambda _t, lang: tn(
            "{path} : résultats de {count} cas écrits",
            "{path} : résultats de {count} cas écrits",
            count,
            lang,
            path=target,
        )
    )
    result.written.append(target)
    if done.altered:  # as ``diff`` says it of an altered session: written, warned, exit 2
        result.warn(
            lambda t, _lang: t(
                "session {path} altérée (chaîne du journal rompue) : les verdicts écrits ne valent pas preuve"
                " (testbench verify le détaille)"
            ).format(path=session),
            prefixed=True,
        )
        result.code = EXIT_ENVIRONMENT
    return result


def _copied_personal(count: int, lang: str | None, places: str, redact: bool) -> str:
    """What is said of the document's cells copied with personal data: with --no-redact the result columns are
    not masked either, so the sentence does not claim they are."""
    if redact:
        return tn(
            "{count} cellule recopiée du document contient des données personnelles (nom, NIR, date de"
            " naissance…) : elle reste telle que le document l'avait, seules les colonnes de résultats écrites"
            " par testbench sont anonymisées ({places}) ; ce fichier contient donc des données personnelles",
            "{count} cellules recopiées du document contiennent des données personnelles (nom, NIR, date de"
            " naissance…) : elles restent telles que le document les avait, seules les colonnes de résultats"
            " écrites par testbench sont anonymisées ({places}) ; ce fichier contient donc des données"
            " personnelles",
            count,
            lang,
            places=places,
        )
    return tn(
        "{count} cellule recopiée du document contient des données personnelles (nom, NIR, date de"
        " naissance…) : elle reste telle que le document l'avait ({places}) ; ce fichier contient donc des"
        " données personnelles",
        "{count} cellules recopiées du document contiennent des données personnelles (nom, NIR, date de"
        " naissance…) : elles restent telles que le document les avait ({places}) ; ce fichier contient donc"
        " des données personnelles",
        count,
        lang,
        places=places,
    )


def _usage_problem(target: Path, document: Path) -> Render | None:
    """Where the file would go makes the export unusable: the sentence, or None (nothing read yet); what no
    output may replace is :func:`~testbench.tools.outputs.output_problem`'s."""
    if os.path.isdir(target):
        return output_problem(target)
    if not os.path.isdir(target.parent):
        return lambda t, _lang: t("dossier de sortie introuvable : {path}").format(path=target.parent)
    if os.path.lexists(target) and _same_file(target, document):
        return lambda t, _lang: t(
            "{path} est le document d'origine : écrivez les résultats dans un autre fichier"
        ).format(path=target)
    lock = _lock_file(target)
    if lock is not None:
        return lambda t, _lang: t(
            "{path} est ouvert dans un tableur (fichier de verrou {lock}) : fermez-le, puis exportez à nouveau"
        ).format(path=target, lock=lock.name)
    return None


def _lock_file(target: Path) -> Path | None:
    """The lock file of a spreadsheet that has ``target`` open: replaced there, the file would be saved over
    again by the spreadsheet, or the replacement refused on Windows."""
    from testbench.office.locks import spreadsheet_lock

    return spreadsheet_lock(target)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # the document is not there: the export says so, in its words
        return False
