"""The one action registry: key bindings, the command palette and the F1 help are all built from it.

Pure data (no Textual), so the keymap file can be checked and documented without the UI. Each
action has a stable ``id`` (what ``[keymap]`` in ``tui.toml`` names), a default key, the Textual
action it triggers, and its French label and help, whose English is in the one catalogue
(``testbench/locale``; the ``tui`` context where the workstation's word differs).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from testbench.i18n import translator


@dataclass(frozen=True)
class ActionSpec:
    id: str
    key: str  # default key(s), comma separated, Textual key names; empty: the palette only
    action: str  # Textual action string on the app
    label: str  # short French label (footer, palette)
    help: str  # one-line French help (F1)
    footer: bool = True
    group: str = "Général"
    #: the footer's label in a view where the short one would mislead: view name -> French label
    view_labels: tuple[tuple[str, str], ...] = ()


ACTIONS: tuple[ActionSpec, ...] = (
    # « ? » where no field takes it (the app gives it no priority): the key people try first
    ActionSpec("help", "f1,question_mark", "help", "Aide", "Afficher cette aide et les touches", group="Général"),
    ActionSpec(
        "palette",
        "ctrl+p",
        "command_palette",
        "Commandes",
        "Chercher un cas ou une commande",
        footer=False,
        group="Général",
    ),
    # beside the traces' own search box, « Filtrer » alone read as a filter of the traces: it filters the cases
    ActionSpec(
        "filter",
        "slash",
        "focus_filter",
        "Filtrer",
        "Filtrer les cas : mots, tag:xxx, verdict:échec",
        view_labels=(("traces", "Filtrer les cas"),),
    ),
    ActionSpec(
        "verdict-filter", "v", "cycle_verdict", "Verdict", "Ne montrer qu'un verdict (tour à tour)", footer=False
    ),
    ActionSpec("tree", "ctrl+b", "focus_tree", "Arbre des cas", "Aller à l'arbre des cas", footer=False),
    ActionSpec(
        "run-case",
        "r",
        "run_case",
        "Exécuter",
        "Exécuter le cas sélectionné (nouvelle tentative, ou suite d'une tentative inachevée)",
        group="Exécution",
    ),
    ActionSpec(
        "run-selection", "s", "run_selection", "Sélection", "Exécuter les cas affichés par le filtre", group="Exécution"
    ),
    ActionSpec("run-rest", "x", "run_rest", "Reste", "Exécuter les cas sans verdict final", group="Exécution"),
    ActionSpec(
        "run-failed",
        "f",
        "run_failed",
        "Relancer les échecs",
        "Relancer les cas affichés qui n'ont pas réussi : échec, erreur, non concluant, en attente (run --failed)",
        footer=False,
        group="Exécution",
    ),
    ActionSpec(
        "run-options",
        "o",
        "run_options",
        "Options",
        "Options d'exécution : bancs en parallèle (--workers), partition CI (--shard)",
        footer=False,
        group="Exécution",
    ),
    ActionSpec(
        "readers",
        "l",
        "readers",
        "Lecteurs",
        "Lecteurs PC/SC et carte de chacun (cards list) ; cartes du banc : PC/SC ou lecteur en mémoire",
        footer=False,
        group="Exécution",
    ),
    ActionSpec(
        "stop", "ctrl+t", "stop_run", "Arrêter", "Arrêter après le cas en cours", footer=False, group="Exécution"
    ),
    ActionSpec(
        "view-case",
        "1",
        "show_view('case')",
        "Cas",
        "Vue du cas : objectif, cartes, étapes, attentes",
        footer=False,
        group="Vues",
    ),
    ActionSpec(
        "view-run", "2", "show_view('run')", "Exécution", "Vue de l'exécution en cours", footer=False, group="Vues"
    ),
    ActionSpec(
        "view-compare",
        "3",
        "show_view('compare')",
        "Attendu/observé",
        "Attendu et observé côte à côte",
        footer=False,
        group="Vues",
    ),
    ActionSpec(
        "view-traces",
        "4",
        "show_view('traces')",
        "Traces",
        "Traces liées par temps et par étape",
        footer=False,
        group="Vues",
    ),
    ActionSpec(
        "view-overview",
        "5",
        "show_view('overview')",
        "Synthèse",
        "Avancement de la session",
        footer=False,
        group="Vues",
    ),
    ActionSpec(
        "view-review",
        "6",
        "show_view('review')",
        "Revue",
        "Annotations et verdicts révisés",
        footer=False,
        group="Vues",
    ),
    ActionSpec(
        "view-exam",
        "7",
        "show_view('exam')",
        "Examen",
        "Vue d'examen : consigne, étape, journal, fichiers, valeurs, chrono",
        footer=False,
        group="Vues",
    ),
    ActionSpec(
        "glossary",
        "d",
        "glossary",
        "Définitions",
        "Définitions des termes du cas affiché (glossaire)",
        footer=False,
        group="Vues",
    ),
    ActionSpec(
        "attempt-prev",
        "comma",
        "attempt(-1)",
        "Tentative −",
        "Tentative précédente (attendu/observé, traces, examen)",
        footer=False,
        group="Vues",
    ),
    ActionSpec(
        "attempt-next",
        "full_stop",
        "attempt(1)",
        "Tentative +",
        "Tentative suivante (attendu/observé, traces, examen)",
        footer=False,
        group="Vues",
    ),
    ActionSpec("review", "a", "review", "Réviser", "Annoter le cas, accepter ou remplacer son verdict", group="Revue"),
    ActionSpec("report", "g", "report", "Rapport", "Générer le rapport HTML de la session", group="Revue"),
    ActionSpec(
        "report-options",
        "G",
        "tool('report-options')",
        "Rapport…",
        "Rapport avec ses options : dossier, anonymisation, extraits, PDF, signature, JUnit, plan (report)",
        footer=False,
        group="Revue",
    ),
    ActionSpec(
        "coverage",
        "c",
        "coverage",
        "Couverture",
        "Couverture du plan d'examen : exigences, domaines, non couvert, prêt pour le pré-examen",
        footer=False,
        group="Revue",
    ),
    ActionSpec(
        "coverage-plan",
        "p",
        "coverage_plan",
        "Plan",
        "Choisir le plan d'examen de la couverture : un plan fourni avec testbench, ou un chemin",
        footer=False,
        group="Revue",
    ),
    ActionSpec(
        "integrity",
        "i",
        "integrity",
        "Intégrité",
        "Vérifier l'intégrité de la session ouverte (verify) : INTÈGRE ou ALTÉRÉ, avec chaque problème",
        footer=False,
        group="Revue",
    ),
    ActionSpec(
        "trace-search",
        "ctrl+f",
        "trace_search",
        "Chercher",
        "Chercher ou filtrer dans les traces",
        footer=False,
        group="Traces",
    ),
    ActionSpec(
        "trace-next", "n", "trace_next", "Suivant", "Occurrence suivante dans les traces", footer=False, group="Traces"
    ),
    ActionSpec(
        "trace-prev",
        "N",
        "trace_prev",
        "Précédent",
        "Occurrence précédente dans les traces",
        footer=False,
        group="Traces",
    ),
    ActionSpec(
        "step-next",
        "right_square_bracket",
        "step_next",
        "Étape +",
        "Étape suivante (toutes les traces)",
        footer=False,
        group="Traces",
    ),
    ActionSpec(
        "step-prev",
        "left_square_bracket",
        "step_prev",
        "Étape −",
        "Étape précédente (toutes les traces)",
        footer=False,
        group="Traces",
    ),
    # the CLI's tools (tui.tools, tui.tool_screen): one window asks for their inputs and shows their result;
    # an empty key: the palette only (a key can still be given in tui.toml's [keymap])
    ActionSpec(
        "diff",
        "D",
        "tool('diff')",
        "Comparer",
        "Comparer la session ouverte à une session de référence (diff) : régressions d'abord",
        footer=False,
        group="Outils",
    ),
    ActionSpec(
        "export",
        "e",
        "tool('export')",
        "Exporter",
        "Reporter les résultats dans le classeur du cahier de tests (export)",
        footer=False,
        group="Outils",
    ),
    ActionSpec(
        "sut-check",
        "u",
        "tool('sut-check')",
        "Profil",
        "Vérifier le profil du logiciel testé (sut check) : lignes lues, valeurs extraites",
        footer=False,
        group="Outils",
    ),
    ActionSpec(
        "engine-check",
        "m",
        "tool('engine-check')",
        "Moteur",
        "Vérifier la conformité du moteur du banc au protocole (engine check)",
        footer=False,
        group="Outils",
    ),
    ActionSpec(
        "keys",
        "k",
        "tool('keys')",
        "Clé",
        "Clé de signature : clé publique et empreinte (keys show)",
        footer=False,
        group="Outils",
    ),
    ActionSpec(
        "keys-init",
        "",
        "tool('keys-init')",
        "Créer la clé",
        "Créer la clé de signature des rapports (keys init)",
        footer=False,
        group="Outils",
    ),
    ActionSpec(
        "new-case",
        "",
        "tool('new-case')",
        "Nouveau cas",
        "Nouveau cas à partir du modèle de son domaine, ajouté au cahier (new case)",
        footer=False,
        group="Outils",
    ),
    ActionSpec(
        "merge",
        "",
        "tool('merge')",
        "Fusionner",
        "Fusionner des sessions (relances, partitions CI) en une nouvelle session (merge)",
        footer=False,
        group="Outils",
    ),
    ActionSpec(
        "verify-report",
        "",
        "tool('verify-report')",
        "Vérifier un rapport",
        "Vérifier l'intégrité d'un dossier de rapport : manifeste, signature, chaîne du journal (verify)",
        footer=False,
        group="Outils",
    ),
    ActionSpec(
        "import",
        "",
        "tool('import')",
        "Importer",
        "Importer un cahier de tests depuis un classeur ou un tableau Word (import)",
        footer=False,
        group="Outils",
    ),
    ActionSpec(
        "cover",
        "",
        "tool('cover')",
        "Page de garde",
        "Compléter la page de garde du rapport : logiciel, version, agrément, opérateur (cover)",
        footer=False,
        group="Outils",
    ),
    ActionSpec("language", "f2", "toggle_language", "FR/EN", "Changer de langue (français / anglais)", footer=False),
    ActionSpec("quit", "ctrl+q", "quit", "Quitter", "Quitter (la session est déjà enregistrée)"),
)

BY_ID = {a.id: a for a in ACTIONS}

#: the manual-step window's own keys (``tui.screens.AttestScreen``): its bindings, and what F1 lists over it
MANUAL_STEP_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "step-confirm",
        "ctrl+s",
        "confirm",
        "Confirmer",
        "Confirmer l'étape, avec les valeurs saisies",
        group="Étape manuelle",
    ),
    ActionSpec(
        "step-reject", "ctrl+r", "reject", "Rejeter", "Rejeter l'étape (le motif dans la note)", group="Étape manuelle"
    ),
)
#: the workstation's actions that still act while the manual-step window is open: every other key is typed there
IN_MANUAL_STEP = ("stop", "help", "language", "quit")


def label(spec: ActionSpec, lang: str) -> str:
    """The action's short label in ``lang`` (footer, Textual's keys panel), from the one catalogue."""
    return translator(lang, "tui")(spec.label)


def footer_label(action: str, view: str, lang: str) -> str | None:
    """The footer's label of the Textual ``action`` in ``view``, in ``lang``, where it differs from its short
    label (:attr:`ActionSpec.view_labels`); else None."""
    for spec in ACTIONS:
        if spec.action == action:
            found = dict(spec.view_labels).get(view)
            return translator(lang, "tui")(found) if found else None
    return None


def describe(spec: ActionSpec, lang: str) -> str:
    """The action's one-line help in ``lang`` (command palette, F1), from the one catalogue."""
    return translator(lang, "tui")(spec.help)


#: Textual key names whose Unicode name differs from the key name (Textual itself finds no character for them).
KEY_CHARACTERS = {"slash": "/"}

#: Textual key names as a French keyboard names them (their English is in the catalogue, ``tui`` context); a
#: name not here is shown as its character (``question_mark`` → ``?``) or as it is written.
KEY_NAMES = {
    "ctrl": "Ctrl",
    "alt": "Alt",
    "shift": "Maj",
    "meta": "Méta",
    "escape": "Échap",
    "enter": "Entrée",
    "tab": "Tab",
    "space": "Espace",
    "backspace": "Retour arrière",
    "delete": "Suppr",
    "insert": "Inser",
    "home": "Origine",
    "end": "Fin",
    "pageup": "Pg préc",
    "pagedown": "Pg suiv",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
}


def display_key(keys: str, t: Callable[[str], str] | None = None) -> str:
    """Keys as people read them, in the language of ``t`` (the workstation's translator; the default language's
    when None): ``ctrl+q`` → « Ctrl+Q », ``escape`` → « Échap » ("Esc"), ``slash`` → ``/``, ``f1`` → ``F1``.

    The one way the workstation shows a key: its footer (``WorkstationApp.get_key_display``), the F1 help, the
    palette and every sentence that names a key. ``keys`` is a comma-separated list of Textual key names (the
    registry's and the keymap's form); the keys are shown separated by spaces, since a comma may itself be one.
    """
    t = t or translator(None, "tui")
    return " ".join(_display_one(key.strip(), t) for key in keys.split(",") if key.strip()) or "—"


def _display_one(key: str, t: Callable[[str], str]) -> str:
    *modifiers, name = key.split("+")
    char = KEY_CHARACTERS.get(name)
    if char is None and name in KEY_NAMES:
        char = t(KEY_NAMES[name])
    elif char is None and len(name) > 1 and name[0] == "f" and name[1:].isdigit():
        char = name.upper()
    elif char is None and len(name) > 1:
        try:
            found = unicodedata.lookup(name.replace("_", " ").upper())
        except KeyError:
            found = ""
        char = found if len(found) == 1 and found.isprintable() and not found.isspace() else None
    shown = char or name
    if modifiers and len(shown) == 1:  # « Ctrl+Q » as the keyboard's key reads, not ctrl+q
        shown = shown.upper()
    return "+".join([*(t(KEY_NAMES.get(m, m.capitalize())) for m in modifiers), shown])


def effective_keys(keymap: dict[str, str]) -> dict[str, str]:
    """Action id -> key(s) after applying the user's keymap (unknown ids are ignored)."""
    return {a.id: keymap.get(a.id, a.key) for a in ACTIONS}


def reach(action_id: str, keys: Mapping[str, str], t: Callable[[str], str]) -> str:
    """How a person reaches an action, for a sentence that points to it (never a CLI command): its label and
    its key, « « Plan » (touche p) », or, for an action without one, « « Créer la clé » dans la palette
    (Ctrl+P) »; ``keys`` as :func:`effective_keys` gives them, ``t`` the workstation's translator."""
    name = t(BY_ID[action_id].label)
    key = keys.get(action_id, "")
    if key.strip():
        return t("« {action} » (touche {key})").format(action=name, key=display_key(key, t))
    palette = display_key(keys.get("palette", ""), t)
    return t("« {action} » dans la palette ({key})").format(action=name, key=palette)


def unknown_ids(keymap: dict[str, str]) -> list[str]:
    return sorted(k for k in keymap if k not in BY_ID)
