"""A casebook from a spreadsheet or a Word table (``testbench import``; the workstation's « Importer »).

Over an existing casebook, says what changed per case id (docs/office-import.md); over any other existing
file (the document itself, by mistake), refuses and writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from testbench.fmt import shown
from testbench.i18n import colon, tn
from testbench.runner.exits import EXIT_USAGE
from testbench.tools.result import Said, T, ToolResult, unwritten, unwritten_code

if TYPE_CHECKING:
    from testbench.office.diff import Change
    from testbench.office.importer import ImportResult


def import_tool(document: Path, mapping: Path, output: Path, drop_absent: bool = False) -> ToolResult:
    """Write the casebook ``output``; exit 0 when every case was mapped, 3 when something could not be (each
    problem with its place, ``Feuille1!D14: …``; the casebook then written without those cases, or not at all
    when none is left or the document cannot be read). A case of ``output`` no import wrote is kept and said,
    unless ``drop_absent``."""
    from testbench.office.diff import FIELD_WORDS, diff_casebooks, read_cases
    from testbench.office.importer import OfficeError, write_import
    from testbench.office.mapping import load_mapping

    result = ToolResult()
    for path in (document, output):  # said as a folder, not as an unknown format or « not a casebook »
        if path.is_dir():
            return result.fail(
                EXIT_USAGE,
                lambda t, _lang, path=path: t(
                    "{path} : ce chemin est un dossier, pas un fichier ; indiquez un fichier"
                ).format(path=path),
                prefixed=False,
            )
    if not output.parent.resolve().is_dir():
        return result.fail(
            EXIT_USAGE,
            lambda t, _lang: t("dossier de sortie introuvable : {path}").format(path=output.parent),
            prefixed=False,
        )
    try:
        previous = output.read_bytes() if output.exists() else None
    except OSError:
        previous = b""
    if previous is not None and read_cases(previous) is None:
        broken = _unreadable_casebook(output, previous)
        if broken is not None:  # a casebook with a typo: where it is, not « not a casebook »
            result.warn_each([broken])
            return result.fail(
                EXIT_USAGE,
                lambda t, _lang: t(
                    "{path} est un cahier de tests mal formé : corrigez-le, puis importez à nouveau ; rien n'est écrit"
                ).format(path=output),
                prefixed=False,
            )
        return result.fail(
            EXIT_USAGE,
            lambda t, _lang: t("{path} existe et n'est pas un cahier de tests : rien n'est écrit").format(path=output),
            prefixed=False,
        )
    try:
        done = write_import(document, load_mapping(mapping), output, drop_absent)
    except OfficeError as exc:
        for note in exc.notes:  # the sheet read, other sheets with data: often why the columns are not found
            result.say(lambda _t, lang, note=note: note.text(lang))
        result.warn_each(exc.problems)
        return result.fail(EXIT_USAGE, lambda t, _lang: t("rien n'est écrit"), prefixed=False)
    except OSError as exc:
        return result.fail(unwritten_code(exc), unwritten(output, exc), prefixed=False)
    for note in done.notes:  # the sheet read, the sheets and columns not taken: said, never an error
        result.say(lambda _t, lang, note=note: note.text(lang))
    result.warn_each(done.problems)
    for path in done.copied:
        result.say(lambda t, _lang, path=path: t("profil de carte copié : {path}").format(path=path))
    if previous is not None:
        changes = diff_casebooks(previous, done.xml) or []
        if not changes and not done.left_out and not done.duplicates:  # a row left out is a change not made
            result.say(lambda t, _lang: t("aucun changement depuis l'import précédent"))
        for change in changes:

            def changed(t: T, lang: str | None, change: Change = change) -> str:
                words = ", ".join(t(FIELD_WORDS[name]) for name in change.fields)
                kind = {"added": t("ajouté"), "modified": t("modifié"), "removed": t("supprimé")}[change.kind]
                subject = change.case if change.case is not None else t("cahier")
                return f"{kind} {subject}" + (f"{colon(lang)}{words}" if words else "")

            result.say(changed)
    for case_id in done.hand:
        result.say(
            lambda t, _lang, case_id=case_id: t("conservé : {id} n'a pas de ligne dans le document").format(id=case_id)
        )
    count = len(done.cases)
    result.say(
        lambda _t, lang: tn("{path} : {count} cas écrit", "{path} : {count} cas écrits", count, lang, path=output)
    )
    if done.left_out or done.duplicates:
        result.warn(lambda t, lang: _left_out(done, t, lang))
    if done.problems:
        result.code = EXIT_USAGE
    result.written.append(output)
    return result


def _left_out(done: ImportResult, t: T, lang: str | None) -> str:
    """The closing count of the cases left out, each row refused for an id already used among them."""
    from testbench.office.problems import QUOTED_MAX

    doubled = [
        t("{id} ({place}, en double)").format(id=case_id, place=place.text(lang)) for case_id, place in done.duplicates
    ]
    twice = {case_id for case_id, _place in done.duplicates}  # each of its rows is said with its place
    ids = [*(case_id for case_id in done.left_out if case_id not in twice), *doubled]
    return tn(
        "{count} cas laissé de côté : {ids}",
        "{count} cas laissés de côté : {ids}",
        len(ids),
        lang,
        ids=", ".join(shown(case_id, QUOTED_MAX) for case_id in ids),  # a control character shown, never sent raw
    )


def _unreadable_casebook(path: Path, data: bytes) -> Said | None:
    """The first problem of a casebook that does not parse (``file:line:col: XML mal formé : …``), or None when
    ``data`` is no casebook at all (the document itself, by mistake) or parses."""
    from lxml import etree

    from testbench.casebook.model import SourceRef
    from testbench.casebook.source import malformed
    from testbench.casebook.vocabulary import NAMESPACE
    from testbench.xmlsafe import parser as xml_parser

    if NAMESPACE.encode() not in data and b"<casebook" not in data:
        return None
    parser = xml_parser()
    try:
        etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        errors = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
        line, col, detail = (errors[0].line, errors[0].column, errors[0].message) if errors else (
            *(exc.position or (1, 1)),
            exc.msg,
        )
        return malformed(SourceRef(str(path), max(line, 1), max(col, 1)), detail)
    return None
