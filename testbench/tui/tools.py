"""The CLI's tools in the workstation (group « Outils »): what each asks, with its default, and which core
function does the work — the very one its command calls (:mod:`testbench.tools`).

Pure data and plain functions (no Textual): the tool window (``tui.tool_screen``) asks for the fields, runs
the tool in a worker and shows its lines in the language shown. Each tool's id is its action's id in the
registry (``tui.actions``); :data:`CLI_COMMANDS` says which workstation action covers each CLI command and
why the others are not offered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from testbench import cmdline, fmt
from testbench.i18n import translator
from testbench.report.options import DEFAULT_EXCERPT
from testbench.report.owner import default_folder
from testbench.runner.exits import EXIT_USAGE
from testbench.runner.options import BENCH_ENGINES
from testbench.tools.result import ToolResult
from testbench.tui.actions import effective_keys, reach

#: a spreadsheet or table the office import and export read, in the order a default is looked for
OFFICE_SUFFIXES = (".xlsx", ".ods", ".csv", ".docx")
MAPPING_SUFFIX = ".mapping.toml"


@dataclass(frozen=True)
class ToolContext:
    """What the tools' defaults and runs read from the workstation, taken on the UI thread."""

    session: Path
    casebooks: tuple[Path, ...]
    casebook: Path | None  # the selected case's
    signing_key: Path | None  # tui.toml's signing_key (testbench keys init's default when None)
    engine: str  # --engine: reference, inprocess, operator or a command
    sut_profile: Path | None
    lang: str
    engine_cards: str = "client"  # --engine-cards: where an out-of-process engine reads the cards
    engine_timeout: float = 10.0  # --engine-timeout: the bench's time limit per engine call
    keymap: Mapping[str, str] = dataclasses.field(default_factory=dict)  # tui.toml's [keymap]: a refusal names the key


Values = dict[str, str]
#: a field's choices in a language: (the words shown, the value the tool gets)
Choices = Callable[["str | None"], list[tuple[str, str]]]


@dataclass(frozen=True)
class Field:
    id: str
    label: str  # French; English in the catalogue
    default: Callable[[ToolContext], str] = lambda _ctx: ""
    required: bool = True
    choices: Choices | None = None  # a list to choose from instead of a text to type


def defaults(tool: Tool, ctx: ToolContext) -> Values:
    """Each field's default; one that cannot be read now (a session vanished, a broken link) is left empty
    rather than keeping the window from opening."""
    found: Values = {}
    for field in tool.fields:
        try:
            found[field.id] = field.default(ctx)
        except OSError:
            found[field.id] = ""
    return found


def split_words(text: str, posix: bool | None = None) -> list[str] | None:
    """Paths or a command typed on one line, as the system splits them (:func:`testbench.cmdline.split`;
    Windows: backslashes kept, double quotes around a path with spaces); None when a quote is left open."""
    try:
        return cmdline.split(text, windows=None if posix is None else not posix)
    except ValueError:  # an unclosed quote, or a trailing backslash (POSIX)
        return None


def join_words(words: list[str]) -> str:
    """The inverse of :func:`split_words`: a line the person can edit and the tool splits back."""
    return cmdline.join(words)


def yes_no(lang: str | None) -> list[tuple[str, str]]:
    return [(fmt.yes_no(False, lang), ""), (fmt.yes_no(True, lang), "oui")]


def _templates(lang: str | None) -> list[tuple[str, str]]:
    """Every template the scaffold has, in words; the value is its name (« fse securise »)."""
    from testbench.casebook.scaffold import templates

    return [(fmt.template_label(t.domain.value, t.mode.value, lang), t.name) for t in templates()]


@dataclass(frozen=True)
class Tool:
    id: str  # the registry's action id
    title: str  # French
    fields: tuple[Field, ...]
    run: Callable[[Values, ToolContext], ToolResult]
    waiting: str  # French, shown while it runs


def unquoted(text: str) -> str:
    """A path typed or pasted in a one-path field, without one pair of matching quotes around it: Windows'
    « Copier en tant que chemin d'accès » gives ``"C:\\Examen\\livre.xlsx"``, quotes included (no file name
    holds a ``"``)."""
    text = text.strip()
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1].strip()
    return text


def _path(text: str) -> Path:
    return Path(unquoted(text)).expanduser()


def _optional(text: str) -> Path | None:
    return _path(text) if unquoted(text) else None


# -- defaults --------------------------------------------------------------------------------------------


def _other_session(ctx: ToolContext) -> str:
    """The newest other session beside the open one that shares a plan with it (the diff lines cases up by plan
    and id, and refuses two sessions with none in common): the reference a comparison most often wants."""
    from testbench.store.read import recorded_plans

    plans = recorded_plans(ctx.session)
    others = [p for p in ctx.session.parent.glob("*.tbsession") if p.resolve() != ctx.session.resolve()]
    others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return next((str(p) for p in others if plans & recorded_plans(p)), "")


def _mapping(ctx: ToolContext) -> Path | None:
    """A mapping file beside an open casebook (``cahier.mapping.toml``, as docs/office-import.md names it)."""
    for folder in dict.fromkeys(path.parent for path in ctx.casebooks):
        found = sorted(folder.glob(f"*{MAPPING_SUFFIX}"))
        if found:
            return found[0]
    return None


def _document(ctx: ToolContext) -> str:
    """The exam book beside the mapping file, of the same name (``cahier.xlsx`` beside ``cahier.mapping.toml``)."""
    mapping = _mapping(ctx)
    if mapping is None:
        return ""
    stem = mapping.name.removesuffix(MAPPING_SUFFIX)
    found = (mapping.with_name(stem + suffix) for suffix in OFFICE_SUFFIXES)
    return str(next((path for path in found if path.exists()), ""))


def _report_folder(ctx: ToolContext) -> str:
    """The report ``g`` writes (``SESSION-report``), when it is there: the export links each case to it."""
    folder = default_folder(ctx.session)
    return str(folder) if folder.is_dir() else ""


def _engine_command(ctx: ToolContext) -> str:
    """The bench's engine as a command: the reference engine's (what ``inprocess`` runs in this process, and
    what operator mode has none of), or the command ``--engine`` names."""
    from testbench.runner.assemble import reference_engine_command

    if ctx.engine in BENCH_ENGINES:
        return join_words(reference_engine_command())
    return ctx.engine


def _key(ctx: ToolContext) -> str:
    from testbench.signing import default_key_path

    return str(ctx.signing_key or default_key_path())


def _sut_profile(ctx: ToolContext) -> str:
    if ctx.sut_profile is not None:
        return str(ctx.sut_profile)
    return "sut.toml" if Path("sut.toml").is_file() else ""


# -- runs ------------------------------------------------------------------------------------------------


def _diff(values: Values, ctx: ToolContext) -> ToolResult:
    from testbench.tools.diff import context_problem, diff_tool

    typed = values["context"].strip()
    problem = context_problem(typed)
    if problem is not None:  # the command's rule, said by the field
        return ToolResult().fail(EXIT_USAGE, lambda t, lang: f"{t(_CONTEXT)}{t(' : ')}{problem(t, lang)}")
    return diff_tool(
        _path(values["reference"]),
        ctx.session,
        html=_optional(values["html"]),
        json_file=_optional(values["json"]),
        show_same=bool(values["all"]),
        context=int(typed),
        lang=ctx.lang,
        fail_on_absent=bool(values["fail_on_absent"]),
        absent_option=_FAIL_ON_ABSENT,
    )


def _export(values: Values, ctx: ToolContext) -> ToolResult:
    from testbench.tools.export import export_tool

    return export_tool(
        ctx.session,
        document=_path(values["document"]),
        mapping=_path(values["mapping"]),
        target=_path(values["target"]),
        report=_optional(values["report"]),
        redact=bool(values["redact"]),
        lang=ctx.lang,
        no_redact_option=_NOT_REDACTED_VALUES,
    )


def _sut_check(values: Values, _ctx: ToolContext) -> ToolResult:
    from testbench.tools.sut import sut_check_tool

    typed = values["lines"].strip()
    try:
        lines = int(typed)
    except ValueError:
        lines = 0
    if lines < 1:  # the CLI's rule (--lines: 1 or more), said by the field
        return ToolResult().fail(
            EXIT_USAGE,
            lambda t, _lang: t("{field} : un nombre entier ≥ 1, pas « {typed} »").format(field=t(_LINES), typed=typed),
        )
    return sut_check_tool(_path(values["profile"]), lines=lines)


def _engine_check(values: Values, ctx: ToolContext) -> ToolResult:
    from testbench.runner.options import seconds_problem
    from testbench.tools.engine import engine_check_tool

    typed = values["timeout"].strip()
    read = typed.replace(",", ".")  # a French decimal comma read as the point
    # the CLI's rule (--timeout, --engine-timeout), said in the workstation's language
    if seconds_problem(read, lambda text: text) is not None:
        return ToolResult().fail(EXIT_USAGE, lambda t, _lang: str(seconds_problem(read, t, shown=typed)))
    timeout = float(read)
    command = split_words(values["command"])
    if command is None:
        return ToolResult().fail(EXIT_USAGE, lambda t, _lang: t("commande illisible : guillemet non fermé"))
    return engine_check_tool(command, timeout=timeout, engine_cards=ctx.engine_cards)


def _cover(values: Values, ctx: ToolContext) -> ToolResult:
    from testbench.tools.cover import cover_tool

    return cover_tool(ctx.session, values)


def _keys_show(values: Values, ctx: ToolContext) -> ToolResult:
    from testbench.tomlfile import read_config
    from testbench.tools.keys import keys_show_tool

    path = _path(values["key"])
    try:
        read_config(path)
    except OSError as exc:  # the signer's words name ``testbench keys init``: here, the workstation's action
        failed = exc

        def unreadable(t: Callable[[str], str], lang: str | None) -> str:
            how = reach("keys-init", effective_keys(dict(ctx.keymap)), translator(lang, "tui"))
            said = t("{path} : clé de signature illisible ({reason}) ; créez-la avec l'action {action}")
            return said.format(path=path, reason=fmt.os_reason(failed, t), action=how)

        return ToolResult().fail(EXIT_USAGE, unreadable)
    return keys_show_tool(path)


_FORCE = "Remplacer la clé existante"
_CONTEXT = "Lignes de contexte des traces"
_FAIL_ON_ABSENT = "Échouer si des cas de A manquent dans B"
_REDACT_VALUES = "Anonymiser les valeurs observées (les codes PIN restent masqués)"
_NOT_REDACTED_VALUES = "« Anonymiser les valeurs observées » à non"
_EXCERPT = "Lignes de trace par cas dans la page"
_LINES = "Lignes de journal montrées par source"
SUT_CHECK_LINES = 10  # sut check's --lines by default (testbench/cli/sut_cmd.py)
_REDACT = "Anonymiser (NIR, noms, dates de naissance, FINESS/RPPS)"
_NOT_REDACTED = "« Anonymiser » à non"
_ID = "Identifiant du nouveau cas"
_CASEBOOK = "Cahier auquel ajouter le cas"
_PATIENT = "Patient des fixtures (facultatif)"
_VERIFY_KEY = "Clé publique attendue du signataire (facultatif)"
_VERIFY_SIGNED = "Refuser un rapport non signé"
_NEW_CASEBOOK = "Ou nouveau cahier à créer avec ce cas (facultatif)"
_ALLOW_TAMPERED = "Fusionner même si une session a été modifiée"
_ALLOW_MISSING = "Fusionner même s'il manque des partitions CI"
_ALLOW_MIXED = "Fusionner même si les partitions CI ont des versions différentes"
_ALLOW_UNFINISHED = "Fusionner même si une exécution n'a pas de fin (interrompue ou tuée, fichier -wal manquant)"


def _keys_init(values: Values, _ctx: ToolContext) -> ToolResult:
    from testbench.tools.keys import keys_init_tool

    return keys_init_tool(_path(values["key"]), force=bool(values["force"]), force_option=_FORCE)


def _new_case(values: Values, _ctx: ToolContext) -> ToolResult:
    """``new case --casebook``, or ``-o`` when « Nouveau cahier à créer » is filled (the casebook field, filled
    with the selected case's by default, is then not the one written); neither: the case is only shown."""
    from testbench.tools.new_case import new_case_tool

    domain, _, mode = values["template"].partition(" ")  # a template's name: « fse securise »
    output = _optional(values.get("output", ""))
    return new_case_tool(
        domain,
        mode,
        values["id"].strip(),
        casebook=None if output is not None else _optional(values["casebook"]),
        output=output,
        patient=values["patient"].strip() or None,
        id_option=_ID,
        casebook_option=_CASEBOOK,
        output_option=_NEW_CASEBOOK,
        patient_option=_PATIENT,
    )


def _merge(values: Values, _ctx: ToolContext) -> ToolResult:
    from testbench.tools.merge import merge_tool

    words = split_words(values["sessions"])
    if words is None:
        return ToolResult().fail(EXIT_USAGE, lambda t, _lang: t("sessions illisibles : guillemet non fermé"))
    return merge_tool(
        [Path(item).expanduser() for item in words],
        _path(values["output"]),
        allow_tampered=bool(values["allow_tampered"]),
        allow_missing_shards=bool(values["allow_missing_shards"]),
        allow_mixed_versions=bool(values.get("allow_mixed_versions")),
        allow_unfinished=bool(values.get("allow_unfinished")),
        missing_shards_option=_ALLOW_MISSING,
        tampered_option=_ALLOW_TAMPERED,
        mixed_versions_option=_ALLOW_MIXED,
        unfinished_option=_ALLOW_UNFINISHED,
    )


def _verify(values: Values, ctx: ToolContext) -> ToolResult:
    from testbench.tools.verify import verify_tool

    path = _path(values["folder"])
    return verify_tool(
        path,
        key=_optional(values["key"]),
        # « vient de la session ouverte » (yes by default) asks of a report: a session file is checked itself
        session=ctx.session if values["same_session"] and not path.is_file() else None,
        require_signature=bool(values["require_signature"]),
        key_option=_VERIFY_KEY,
        signature_option=_VERIFY_SIGNED,
    )


def _report(values: Values, ctx: ToolContext) -> ToolResult:
    """``testbench report`` with every option: the window's fields are its flags, named by their labels."""
    from testbench.tools.report import report_tool

    typed = values["excerpt"].strip()
    try:
        excerpt = int(typed)
    except ValueError:  # « ² » is a digit to str.isdigit, not to int
        excerpt = -1
    if excerpt < 0:  # the CLI's rule (an integer ≥ 0), said by the field
        return ToolResult().fail(
            EXIT_USAGE,
            lambda t, _lang: t("{field} : un nombre entier ≥ 0, pas « {typed} »").format(
                field=t(_EXCERPT), typed=typed
            ),
        )
    return report_tool(
        ctx.session,
        _path(values["folder"]),
        lang=ctx.lang,
        pdf=bool(values["pdf"]),
        key=_optional(values["key"]),
        redact=bool(values["redact"]),
        excerpt=excerpt,
        junit=_optional(values["junit"]),
        plan=_optional(values["plan"]),
        excerpt_option=_EXCERPT,
        no_redact_option=_NOT_REDACTED,
    )


def _existing_key(ctx: ToolContext) -> str:
    """The signing key when it exists (the book is then signed, as ``g`` does); empty: an unsigned book."""
    path = Path(_key(ctx))
    return str(path) if path.is_file() else ""


def _pdf_default(_ctx: ToolContext) -> str:
    """Printed when Chromium is there, as ``g`` does."""
    from testbench.report.pdf import PdfError, find_chromium

    try:
        find_chromium()
    except PdfError:
        return ""
    return "oui"


#: ``import --drop-absent``: the cases no import wrote (added by hand) are kept unless asked
_DROP_ABSENT = "Supprimer aussi les cas ajoutés à la main (sans ligne dans le document)"


def _import(values: Values, _ctx: ToolContext) -> ToolResult:
    from testbench.tools.importer import import_tool

    return import_tool(
        _path(values["document"]), _path(values["mapping"]), _path(values["output"]), bool(values["drop_absent"])
    )


TOOLS: dict[str, Tool] = {
    tool.id: tool
    for tool in (
        Tool(
            "diff",
            "Comparer la session ouverte (B) à une session de référence (A)",
            (
                Field("reference", "Session de référence (A)", _other_session),
                Field("html", "Comparaison HTML à écrire (facultatif)", required=False),
                Field("json", "Comparaison JSON à écrire (facultatif)", required=False),
                Field("all", "Lister aussi les cas identiques", required=False, choices=yes_no),
                Field("context", _CONTEXT, lambda _ctx: "1"),
                Field("fail_on_absent", _FAIL_ON_ABSENT, required=False, choices=yes_no),
            ),
            _diff,
            "… comparaison des sessions",
        ),
        Tool(
            "export",
            "Reporter les résultats de la session dans le classeur du cahier de tests",
            (
                Field("document", "Cahier de tests d'origine (XLSX, ODS, CSV, DOCX)", _document),
                Field("mapping", "Fichier de correspondance (TOML)", lambda ctx: str(_mapping(ctx) or "")),
                Field(
                    "target",
                    "Fichier à écrire (.xlsx ou .csv)",
                    lambda ctx: str(ctx.session.parent / f"{ctx.session.stem}-resultats.xlsx"),
                ),
                Field("report", "Dossier du rapport, pour les liens (facultatif)", _report_folder, required=False),
                Field(
                    "redact",
                    _REDACT_VALUES,
                    lambda _ctx: "oui",
                    required=False,
                    choices=yes_no,
                ),
            ),
            _export,
            "… écriture des résultats",
        ),
        Tool(
            "sut-check",
            "Vérifier le profil du logiciel testé : lignes lues et valeurs extraites maintenant",
            (
                Field("profile", "Profil du logiciel testé (sut.toml)", _sut_profile),
                Field("lines", _LINES, lambda _ctx: str(SUT_CHECK_LINES)),
            ),
            _sut_check,
            "… lecture des journaux et dossiers du logiciel",
        ),
        Tool(
            "engine-check",
            "Vérifier la conformité du moteur au protocole",
            (
                Field("command", "Commande du moteur", _engine_command),
                Field("timeout", "Délai par appel (secondes)", lambda ctx: f"{ctx.engine_timeout:g}"),
            ),
            _engine_check,
            "… vérification du moteur (quelques secondes)",
        ),
        Tool(
            "keys",
            "Clé de signature : clé publique et empreinte",
            (Field("key", "Clé privée", _key),),
            _keys_show,
            "… lecture de la clé",
        ),
        Tool(
            "keys-init",
            "Créer la clé de signature (paire Ed25519)",
            (
                Field("key", "Clé privée à créer", _key),
                Field("force", _FORCE, required=False, choices=yes_no),
            ),
            _keys_init,
            "… création de la clé",
        ),
        Tool(
            "new-case",
            "Nouveau cas à partir du modèle de son domaine, ajouté au cahier",
            (
                Field("template", "Modèle (domaine · mode)", lambda _ctx: "fse securise", choices=_templates),
                Field("id", _ID),
                Field(
                    "casebook", _CASEBOOK, lambda ctx: str(ctx.casebook or ""), required=False
                ),
                Field("output", _NEW_CASEBOOK, required=False),
                Field("patient", _PATIENT, required=False),
            ),
            _new_case,
            "… écriture du cas",
        ),
        Tool(
            "merge",
            "Fusionner des sessions (relances, partitions CI) en une nouvelle session",
            (
                Field(
                    "sessions",
                    "Sessions à fusionner (séparées par des espaces)",
                    lambda ctx: join_words([str(ctx.session)]),
                ),
                Field(
                    "output",
                    "Nouvelle session",
                    lambda ctx: str(ctx.session.parent / f"{ctx.session.stem}-fusion.tbsession"),
                ),
                Field("allow_tampered", _ALLOW_TAMPERED, required=False, choices=yes_no),
                Field("allow_missing_shards", _ALLOW_MISSING, required=False, choices=yes_no),
                Field("allow_mixed_versions", _ALLOW_MIXED, required=False, choices=yes_no),
                Field("allow_unfinished", _ALLOW_UNFINISHED, required=False, choices=yes_no),
            ),
            _merge,
            "… fusion des sessions",
        ),
        Tool(
            "verify-report",
            "Vérifier l'intégrité d'un rapport : manifeste, signature, chaîne du journal",
            (
                Field("folder", "Dossier du rapport (ou fichier de session)", _report_folder),
                Field("key", _VERIFY_KEY, required=False),
                Field(
                    "same_session",
                    "Vérifier qu'il vient de la session ouverte",
                    lambda _ctx: "oui",
                    required=False,
                    choices=yes_no,
                ),
                Field("require_signature", _VERIFY_SIGNED, required=False, choices=yes_no),
            ),
            _verify,
            "… vérification du rapport",
        ),
        Tool(
            "report-options",
            "Rapport de la session, avec ses options (dossier, anonymisation, extraits, PDF, signature, JUnit, plan)",
            (
                Field("folder", "Dossier du rapport", lambda ctx: str(default_folder(ctx.session))),
                Field("redact", _REDACT, lambda _ctx: "oui", required=False, choices=yes_no),
                Field("excerpt", _EXCERPT, lambda _ctx: str(DEFAULT_EXCERPT)),
                Field("pdf", "Imprimer aussi report.pdf (Chromium)", _pdf_default, required=False, choices=yes_no),
                Field("key", "Clé privée de signature (vide : rapport non signé)", _existing_key, required=False),
                Field("junit", "JUnit XML à écrire aussi (facultatif)", required=False),
                Field("plan", "Plan d'examen de la couverture (vide : celui de la session)", required=False),
            ),
            _report,
            "… construction du rapport",
        ),
        Tool(
            "cover",
            "Compléter la page de garde : les champs qu'aucune exécution n'a nommés (sans rejouer de cas)",
            (
                Field("sut", "Logiciel testé (facultatif)", required=False),
                Field("sut_version", "Version du logiciel testé (facultatif)", required=False),
                Field("agrement", "N° d'agrément ou de test (facultatif)", required=False),
                Field("operator", "Opérateur (facultatif)", required=False),
            ),
            _cover,
            "… page de garde",
        ),
        Tool(
            "import",
            "Importer un cahier de tests depuis un classeur ou un tableau Word",
            (
                Field("document", "Document (XLSX, ODS, CSV, DOCX)", _document),
                Field("mapping", "Fichier de correspondance (TOML)", lambda ctx: str(_mapping(ctx) or "")),
                Field("output", "Cahier de tests à écrire (XML)"),
                Field("drop_absent", _DROP_ABSENT, required=False, choices=yes_no),
            ),
            _import,
            "… import du document",
        ),
    )
}

#: Each CLI command (as ``testbench --help`` lists them, a sub-command as « engine check ») and the workstation
#: action that does what it does. ``tests/test_tui_tools.py`` checks this table and :data:`NOT_OFFERED` against
#: the argparse parser: a new CLI command placed in neither fails it.
CLI_ACTIONS: dict[str, str] = {
    "run": "run-selection",  # also run-case and run-rest; --workers and --shard: run-options
    "report": "report",  # every option: report-options
    "cards list": "readers",
    "engine check": "engine-check",
    "keys init": "keys-init",  # also « Créer ma clé de signature » in the review window
    "keys show": "keys",
    "verify": "verify-report",  # the open session's own: integrity (i)
    "review": "review",
    "diff": "diff",
    "merge": "merge",
    "sut check": "sut-check",
    "import": "import",
    "coverage": "coverage",
    "new case": "new-case",
    "export": "export",
    "cover": "cover",
}

#: The CLI commands deliberately not offered in the workstation, and why (for its maintainers).
NOT_OFFERED: dict[str, str] = {
    "validate": "the workstation checks its casebooks when it opens them and on every save (⚠ in the tree, "
    "problems in the overview); new case and import validate what they write",
    "demo": "it opens the workstation itself (or runs headless)",
    "ui": "the workstation itself",
    "cards watch": "the run view's card prompt and the readers window (l) say what each reader holds",
    "cards probe": "decoding a card's data is a card-level diagnosis for the bench's authors, outside the exam",
    "cards emulate": "serves a virtual card to pcscd until stopped: a long-running service, not an action",
    "cards record": "records a card's exchanges to a file: a card-level tool for the bench's authors",
    "cards replay": "serves a recording to pcscd until stopped: a long-running service",
    "engine serve": "the engine's JSON-RPC server on stdio: what the bench starts, not a person's action",
    "sut init": "asks its questions and watches the logs for seconds on a terminal: a set-up step before the "
    "workstation opens on the profile (sut check, key u, then tries it)",
    "services serve": "the simulated teleservices' HTTP server: the bench starts it for the cases that need "
    "it and shows its exchanges in the http trace pane; there is no status command to mirror",
}
