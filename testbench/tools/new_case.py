"""A case from the template of its domain (``testbench new case``; the workstation's « Nouveau cas »).

Into an existing casebook (inserted before ``</cases>``, the file otherwise unchanged), into a new casebook
(the skeleton with its fixtures, the bundled test card profiles copied into ``cards/`` beside it when
missing), or only shown (the skeleton's fixture ids). Nothing is written unless the casebook validates with
the new case.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from testbench.casebook.vocabulary import CASE_ID_RULE, case_id_fault
from testbench.fmt import os_reason, template_label, visible_controls
from testbench.i18n import _t, semicolon
from testbench.runner.exits import EXIT_OK, EXIT_USAGE
from testbench.tools.result import ToolResult, option, unwritten_code

if TYPE_CHECKING:
    from collections.abc import Callable

    from testbench.casebook.errors import Problem
    from testbench.casebook.model import Casebook
    from testbench.casebook.scaffold import Template


def new_case_tool(
    domain: str,
    mode: str | None,
    case_id: str,
    *,
    casebook: Path | None = None,
    output: Path | None = None,
    patient: str | None = None,
    id_option: str = "--id",
    casebook_option: str = "--casebook",
    output_option: str = "-o",
    patient_option: str = "--patient",
) -> ToolResult:
    """Write the new case into ``casebook``, or a new casebook ``output``, or show it (neither given); exit 0
    written or shown, 2 disk full, 3 invalid input (nothing written). A refusal names the input at fault, or the
    one to use instead, by ``*_option``: the CLI's flag, or the window's field (its French label)."""
    from testbench.casebook import scaffold
    from testbench.casebook.vocabulary import CASE_ID

    result = ToolResult()
    # as the loader reads them: an id's surrounding spaces dropped, a domain or mode in any case (« LOT »)
    case_id, domain = case_id.strip(), domain.strip().casefold()
    mode = _mode(mode) if mode is not None else None
    if not CASE_ID.fullmatch(case_id):
        return result.fail(EXIT_USAGE, lambda t, _lang: _bad_id(case_id, option(id_option, t), t))
    try:
        template = scaffold.find_template(domain, mode)
        if casebook is not None:
            return _into_casebook(result, casebook, case_id, template, (patient, patient_option), output_option)
        values = _skeleton_values(template, patient)
        lacking = scaffold.missing(template, values)
        if lacking:  # a patient with a card for a case without one, or the other way round
            return result.fail(
                EXIT_USAGE,
                lambda t, lang: t(PATIENT_MISFIT).format(
                    patient=_given(patient_option, str(patient), t),
                    template=_words(template, lang),
                    what=_needs(lacking, t, lang),
                ),
            )
        case_xml = scaffold.render(template, case_id, values)
        if output is None:
            result.say(lambda _t, _lang: case_xml.removesuffix("\n"))
            return result
        return _new_casebook(result, output, case_id, template, case_xml, casebook_option)
    except scaffold.ScaffoldError as exc:
        refused = exc
        return result.fail(EXIT_USAGE, lambda _t, lang: refused.text(lang))
    except OSError as exc:
        path, failed = exc.filename or casebook or output, exc
        return result.fail(
            unwritten_code(exc),  # 2 for a full or failing disk, else 3 (the path given)
            lambda t, _lang: t("{path} : {reason} ; rien n'a été écrit").format(path=path, reason=os_reason(failed, t)),
        )


#: A refused case id: what is wrong with it (testbench.casebook.vocabulary.case_id_fault), then what an id is.
BAD_ID = _t("{option} : identifiant de cas invalide « {id} » — {why} ({rule})")
EMPTY_ID = _t("{option} : identifiant de cas vide ({rule})")


def _bad_id(case_id: str, named: str, t: Callable[[str], str]) -> str:
    """The refusal of ``case_id`` (``named``: the option or the field it was given in), in ``t``'s language."""
    if not case_id:
        return t(EMPTY_ID).format(option=named, rule=t(CASE_ID_RULE))
    return t(BAD_ID).format(
        option=named, id=visible_controls(case_id), why=case_id_fault(case_id, t), rule=t(CASE_ID_RULE)
    )


#: A mode as the tool shows it (« SESAM sans Vitale », « sans objet », "not applicable"), folded -> its code.
_MODE_WORDS = {
    "securise": "securise",
    "secure": "securise",
    "degrade": "degrade",
    "degraded": "degrade",
    "sesam-sans-vitale": "sesam-sans-vitale",
    "sesam-without-vitale": "sesam-sans-vitale",
    "none": "none",
    "sans-objet": "none",
    "not-applicable": "none",
}


def _mode(typed: str) -> str:
    """The mode's code from any of its shown spellings (case, accents, spaces or hyphens aside); else what was
    typed, so that a refusal quotes it as written."""
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFD", typed.casefold()) if not unicodedata.combining(c))
    folded = "-".join(re.split(r"[\s_-]+", plain.strip(" \t-_")))
    return _MODE_WORDS.get(folded, typed.strip())


def _skeleton_values(template: Template, patient: str | None) -> dict[str, str]:
    """The new casebook's values, ``patient`` honoured as ``--casebook`` honours it: one of the skeleton's
    patients, else refused (never silently replaced by another)."""
    from testbench.casebook import scaffold

    values = dict(scaffold.NEW_CASEBOOK_VALUES)
    if patient is None:
        return values
    if patient == values["patient-card"]:
        del values["patient"]
    elif patient == values["patient"]:
        for name in ("patient-card", "vitale", "rank"):
            del values[name]
    else:
        raise scaffold.ScaffoldError("patient « {patient} » absent des fixtures du cahier", patient=patient)
    return values


#: A --casebook that does not exist: a new casebook is -o's (« cahier invalide ; corrigez-le » had nothing to correct).
NOT_FOUND = _t("{path} : fichier introuvable ; pour créer un cahier avec ce cas, utilisez {use}")
#: A --patient the template cannot use (a patient without a card for a sécurisé case).
PATIENT_MISFIT = _t("{patient} : le modèle {template} a besoin de : {what}")


#: A value typed in the window's field, as a refusal names it.
_IN_FIELD = _t("« {value} » (champ « {field} »)")


def _given(name: str, value: str, t: Callable[[str], str]) -> str:
    """An input and its value as a refusal names them: ``--patient p-std`` on the command line, « « p-std » (champ
    « Patient des fixtures (facultatif) ») » in the window — words of its own around the parts: a bare « {field}
    « {value} » » would be the shape of any quoted value, which the English reading would then take for it."""
    return f"{name} {value}" if name.startswith("-") else t(_IN_FIELD).format(field=t(name), value=value)


def _use(name: str, path: Path, t: Callable[[str], str]) -> str:
    """What to give instead: ``-o new.xml`` on the command line, the window's field by its label."""
    return f"{name} {path}" if name.startswith("-") else t("le champ « {field} »").format(field=t(name))


def _into_casebook(
    result: ToolResult,
    path: Path,
    case_id: str,
    template: Template,
    patient_given: tuple[str | None, str],
    output_option: str,
) -> ToolResult:
    """``template``'s case inserted into the casebook ``path``; ``patient_given``: the patient asked for (or None)
    and the input that named it."""
    from testbench.cards.profile_check import card_profile_problems
    from testbench.casebook import scaffold
    from testbench.casebook.loader import check_casebook

    patient, patient_option = patient_given
    if not os.path.lexists(path):
        return result.fail(
            EXIT_USAGE,
            lambda t, _lang: t(NOT_FOUND).format(path=path, use=_use(output_option, path, t)),
            prefixed=False,
        )
    casebook, problems = check_casebook(path)
    first = _without_cases(path) if casebook is None else None
    if first is not None:  # a casebook whose <cases> is still empty: its only fault is the case to come
        casebook, problems = first, []
    if casebook is None or problems:
        result.warn_each(problems)
        return result.fail(
            EXIT_USAGE,
            lambda t, _lang: t("{path} : cahier invalide ; corrigez-le avant d'y ajouter un cas").format(path=path),
            prefixed=False,
        )
    if any(case.id == case_id for case in casebook.cases):
        return result.fail(
            EXIT_USAGE,
            lambda t, _lang: t("{path} : le cas « {id} » existe déjà").format(path=path, id=case_id),
            prefixed=False,
        )
    values = scaffold.fixture_values(casebook, patient)
    lacking = scaffold.missing(template, values)
    if lacking and patient is not None:  # the patient chosen does not fit: the casebook may well hold one that does
        return result.fail(
            EXIT_USAGE,
            lambda t, lang: t(PATIENT_MISFIT).format(
                patient=_given(patient_option, patient, t),
                template=_words(template, lang),
                what=_needs(lacking, t, lang),
            ),
        )
    if lacking:
        return result.fail(
            EXIT_USAGE,
            lambda t, lang: t("{path} : le modèle {template} a besoin dans <fixtures> de : {what}").format(
                path=path, template=_words(template, lang), what=_needs(lacking, t, lang)
            ),
            prefixed=False,
        )
    read = path.read_bytes()
    text = scaffold.insert_case(_opened(read.decode("utf-8")), scaffold.render(template, case_id, values))
    return _written(result, scaffold.write_checked(path, text, card_profile_problems, read), path, case_id, template)


#: ``<cases/>`` (or ``<cases></cases>``), spelt open and closed so that a case can be inserted in it.
_EMPTY_CASES = re.compile(r"<((?:[A-Za-z_][\w.-]*:)?cases)\s*(?:/>|>\s*</\1\s*>)")


def _opened(text: str) -> str:
    """``text`` with an empty ``<cases/>`` written open and closed, its closing tag indented as the opening one."""
    found = _EMPTY_CASES.search(text)
    if found is None:
        return text
    indent = text[text.rfind("\n", 0, found.start()) + 1 : found.start()]
    newline = "\r\n" if "\r\n" in text else "\n"
    spelt = f"<{found.group(1)}>{newline}{indent if not indent.strip() else ''}</{found.group(1)}>"
    return text[: found.start()] + spelt + text[found.end() :]


def _without_cases(path: Path) -> Casebook | None:
    """The casebook at ``path`` when all it lacks is a case (``<cases/>``, the schema wants one): read by the
    builder alone, whose own checks (fixtures, identity) must pass. None for any other fault."""
    from lxml import etree

    from testbench.casebook.build import Builder
    from testbench.casebook.source import LoadLimits, read_casebook_source
    from testbench.casebook.vocabulary import NAMESPACE
    from testbench.xmlsafe import from_bytes

    if not path.is_file():  # a FIFO would be read forever; a folder or a device is no casebook, said by the loader
        return None
    try:
        root = from_bytes(path.read_bytes())
    except (OSError, etree.XMLSyntaxError):
        return None
    holders = root.findall(f"{{{NAMESPACE}}}cases")
    if len(holders) != 1 or any(isinstance(child.tag, str) for child in holders[0]):
        return None
    read = read_casebook_source(path, LoadLimits())
    if read.source is None:
        return None
    builder = Builder(read.source, path)
    built = builder.build(read.sha256)
    if built is None or builder.problems or builder.malformed is not None or builder.unknown:
        return None
    return built


#: ``-o`` a folder: « existe déjà ; utilisez --casebook . » would then be refused as a folder
FOLDER_GIVEN = _t("{path} est un dossier : donnez le chemin du cahier à créer (par exemple {example})")


def _new_casebook(
    result: ToolResult, output: Path, case_id: str, template: Template, case_xml: str, casebook_option: str
) -> ToolResult:
    from testbench.cards.profile_check import card_profile_problems
    from testbench.casebook import scaffold

    if output.is_dir():  # « utilisez --casebook . » would be refused as a folder: a casebook is a file
        return result.fail(
            EXIT_USAGE,
            lambda t, _lang: t(FOLDER_GIVEN).format(path=output, example=output / "cahier.xml"),
            prefixed=False,
        )
    if os.path.lexists(output):
        return result.fail(
            EXIT_USAGE,
            lambda t, _lang: t("{path} existe déjà ; pour y ajouter le cas, utilisez {use}").format(
                path=output, use=_use(casebook_option, output, t)
            ),
            prefixed=False,
        )
    folder = output.parent
    if not folder.is_dir():
        return result.fail(
            EXIT_USAGE,
            lambda t, _lang: t("{folder} : dossier introuvable ; le cahier n'a pas été créé").format(folder=folder),
            prefixed=False,
        )
    problems, copied = scaffold.write_new_casebook(output, scaffold.new_casebook(case_xml), card_profile_problems)
    _written(result, problems, output, case_id, template)
    if result.code == EXIT_OK and copied:
        names = ", ".join(copied)
        result.say(
            lambda t, _lang: t("profils de carte de test copiés dans {folder} : {names}").format(
                folder=folder / "cards", names=names
            )
        )
    return result


def _written(result: ToolResult, problems: list[Problem], path: Path, case_id: str, template: Template) -> ToolResult:
    if problems:
        result.warn_each(problems)
        return result.fail(
            EXIT_USAGE,
            lambda t, _lang: t("{path} : le cahier ne serait pas valide ; rien n'a été écrit").format(path=path),
            prefixed=False,
        )
    result.say(
        lambda t, lang: t("{path} : cas {id} ajouté (modèle {template}), cahier valide").format(
            path=path, id=case_id, template=_words(template, lang)
        )
    )
    result.written.append(path)
    return result


def _needs(lacking: list[str], t: Callable[[str], str], lang: str | None) -> str:
    """What a template lacks, as a list in ``lang`` (« a ; b » in French, "a; b" in English)."""
    return semicolon(lang).join(t(item) for item in lacking)


def _words(template: Template, lang: str | None) -> str:
    """The template as the workstation offers it (« FSE · sécurisé »), not its file's code."""
    return template_label(template.domain.value, template.mode.value, lang)
