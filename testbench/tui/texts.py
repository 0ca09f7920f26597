"""The workstation's words in English; French is the source text (the default language).

The core translator (``testbench.i18n``) covers verdicts and report words; this table adds the
TUI's own words so the shared module stays small. Unknown texts fall back to French.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from testbench.i18n import translator as core_translator

_EN: dict[str, str] = {
    "Aide": "Help",
    "Commandes": "Commands",
    "Filtrer": "Filter",
    "Verdict": "Verdict",
    "Exécuter": "Run",
    "Sélection": "Selection",
    "Reste": "Rest",
    "Arrêter": "Stop",
    "Exécution": "Run",
    "Attendu/observé": "Expected/observed",
    "Synthèse": "Overview",
    "Revue": "Review",
    "Réviser": "Review",
    "Rapport": "Report",
    "Chercher": "Search",
    "Suivant": "Next",
    "Précédent": "Previous",
    "Étape +": "Step +",
    "Étape −": "Step −",
    "Quitter": "Quit",
    "Cas": "Case",
    "Traces": "Traces",
    "Prérequis": "Prerequisites",
    "Cartes": "Cards",
    "Attentes": "Expectations",
    "Étapes": "Steps",
    "Objectif": "Objective",
    "aucune carte": "no card",
    "non vérifiée": "not checked",
    "insérée": "inserted",
    "acceptée par le contrôle": "accepted by the guard",
    "refusée": "refused",
    "lecteur": "reader",
    "carte": "card",
    "Aucun cas sélectionné.": "No case selected.",
    "Aucune exécution pour ce cas.": "No run for this case.",
    "Aucune trace pour ce cas.": "No trace for this case.",
    "Filtrer : mots, tag:xxx, verdict:échec": "Filter: words, tag:xxx, verdict:fail",
    "Chercher dans les traces (Entrée) — ctrl+f : filtrer": "Search traces (Enter) — ctrl+f: filter",
    "Attente": "Expectation",
    "Chemin": "Path",
    "Attendu": "Expected",
    "Observé": "Observed",
    "Résultat": "Result",
    "Règles": "Rules",
    "Avancement": "Progress",
    "cas avec un verdict final": "cases with a final verdict",
    "Temps passé": "Time spent",
    "Reste à faire": "Remaining",
    "rien": "nothing",
    "Par domaine": "By domain",
    "Domaine": "Domain",
    "Total": "Total",
    "Verdict d'origine": "Original verdict",
    "Verdict retenu": "Retained verdict",
    "Verdicts enregistrés": "Recorded verdicts",
    "Verdicts retenus": "Retained verdicts",
    "Annotations": "Annotations",
    "Aucune annotation.": "No annotation.",
    "accepté": "accepted",
    "remplacé par": "overridden with",
    "Étape manuelle": "Manual step",
    "Valeur attendue à l'écran": "Expected on screen",
    "Valeur saisie": "Value keyed in",
    "Note": "Note",
    "Confirmer": "Confirm",
    "Rejeter": "Reject",
    "Annuler": "Cancel",
    "Enregistrer": "Save",
    "Réviser le verdict": "Review the verdict",
    "Décision": "Decision",
    "Accepter le verdict": "Accept the verdict",
    "Remplacer par": "Override with",
    "Motif (obligatoire)": "Reason (required)",
    "Un motif est obligatoire.": "A reason is required.",
    "Commentaire seulement": "Comment only",
    "commentaire": "comment",
    "Annotation signée avec votre clé (testbench keys init).": "Annotation signed with your key (testbench keys init).",
    "Réviseur": "Reviewer",
    "Un motif est obligatoire pour remplacer un verdict.": "A reason is required to override a verdict.",
    "Une exécution est en cours.": "A run is in progress.",
    "Rapport écrit": "Report written",
    "Rapport impossible": "Report failed",
    "exécution terminée": "run finished",
    "exécution arrêtée": "run stopped",
    "exécution impossible": "cannot run",
    "en cours": "running",
    "Touches": "Keys",
    "Action": "Action",
    "Touche": "Key",
    "Aller au cas": "Go to case",
    "Session": "Session",
    "tentative": "attempt",
    "Tentatives": "Attempts",
    "Motif": "Reason",
    "étape": "step",
    "Carte à insérer": "Card to insert",
    "Retirez les cartes.": "Remove the cards.",
    "Mode": "Mode",
    "cas": "cases",
    "Banc": "Bench",
    "tentative précédente / suivante": "previous / next attempt",
    "Valeurs observées": "Observed values",
    "Valeur": "Value",
    "Source": "Source",
    "moteur": "engine",
    "opérateur": "operator",
    "fait": "done",
    "en défaut": "failed",
    "confirmée": "confirmed",
    "rejetée": "rejected",
    "commencée": "started",
    "manuelle": "manual",
    "automatique": "automatic",
    "Général": "General",
    "Vues": "Views",
    "différent": "different",
    "égal": "equal",
    "tentative interrompue (processus arrêté avant le verdict)": (
        "attempt interrupted (process stopped before the verdict)"
    ),
    " : ": ": ",
    "aucun": "none",
    "absent": "absent",
    "présent": "present",
    "signée": "signed",
    "signature invalide": "invalid signature",
    "touche": "key",
    "échap": "escape",
    "filtre": "filter",
    "autres canaux": "other channels",
    "lignes": "lines",
    "étapes": "steps",
    "trace illisible": "unreadable trace",
    "filtre des traces actif": "trace filter on",
    "filtre des traces inactif": "trace filter off",
    "arrêt demandé : fin après le cas en cours": "stop requested: ends after the current case",
    "le nom du réviseur est obligatoire": "the reviewer's name is required",
    "choisissez un verdict différent du verdict d'origine": "choose a verdict other than the original one",
    "Créer ma clé de signature": "Create my signing key",
    "Clé de signature créée": "Signing key created",
    "ctrl+s pour enregistrer l'annotation": "ctrl+s to save the annotation",
    "Lecture seule : la session est ouverte en écriture par un autre processus.": (
        "Read only: another process is writing the session."
    ),
}


#: Messages with variable parts, from the bench (runner, card layer, comparisons) and the TUI: the French
#: shape, and its English with the parts in order (each part is translated again: a reason may carry
#: a message of the card layer). Shapes the core already writes in the active language need no entry.
_EN_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(french), english)
    for french, english in (
        (
            r"(\d+) tentative\(s\) interrompue\(s\) conservée\(s\) dans l'historique",
            "{} interrupted attempt(s) kept in the history",
        ),
        (
            r"pile PC/SC indisponible \((.+)\) : lecteur virtuel en mémoire utilisé à la place",
            "PC/SC stack unavailable ({}): in-memory virtual reader used instead",
        ),
        (r"pile PC/SC indisponible : (.+)", "PC/SC stack unavailable: {}"),
        (r"pyscard absent \((.+)\)", "pyscard missing ({})"),
        (r"lecteur\(s\) absent\(s\) : (.+) \(présents : (.+)\)", "reader(s) missing: {} (present: {})"),
        (r"carte refusée, le cas n'a pas démarré : (.+)", "card refused, the case did not start: {}"),
        (r"carte indisponible : (.+)", "card unavailable: {}"),
        (r"défaut du banc : (.+)", "bench fault: {}"),
        (r"étape manuelle (\S+) en attente de l'opérateur", "manual step {} waiting for the operator"),
        (r"étape manuelle (\S+) rejetée par l'opérateur : (.*)", "manual step {} rejected by the operator: {}"),
        (r"étape (\S+) refusée par le moteur : (.+)", "step {} refused by the engine: {}"),
        (r"(\S+) : (attendu .+)", "{}: {}"),
        (r"attendu (.+), observé (.+) \((.+)\)", "expected {}, observed {} ({})"),
        (r"écart (\S+) ([≤>]) tolérance (\S+)", "difference {} {} tolerance {}"),
        (r"valeur absente : (.+)", "value missing: {}"),
        (r"l'étape (\S+) n'a pas été exécutée", "step {} was not run"),
        (r"refus attendu (\S+), refus observé (\S+)", "refusal {} expected, refusal {} observed"),
        (
            r"refus (\S+) attendu à l'étape (\S+), mais l'étape a été acceptée",
            "refusal {} expected at step {}, but the step was accepted",
        ),
        (
            r"Le lecteur « (.+) » \((.+)\) contient (?:la|une) (.+?) ; le cas attend la (.+)\. Différences : (.+)\.",
            "Reader “{}” ({}) holds the {}; the case expects the {}. Differences: {}.",
        ),
        (r"Le lecteur « (.+) » \((.+)\) contient (?:la|une) (.+?) : (.+)\.", "Reader “{}” ({}) holds the {}: {}."),
        (r"Insérez la (.+) dans le lecteur « (.+) »\.", "Insert the {} in reader “{}”."),
        (r"acceptée par le contrôle \((.+)\)", "accepted by the guard ({})"),
        (r"refusée : (.+)", "refused: {}"),
        (r"Pas encore de clé de signature : (.+)", "No signing key yet: {}"),
        (
            r"(.+): clé de signature illisible \((.+)\) ; créez-la avec « testbench keys init »",
            "{}: signing key unreadable ({}); create it with “testbench keys init”",
        ),
        (
            r"(.+): clé privée lisible par d'autres utilisateurs ; chmod 600 (.+)",
            "{}: private key readable by other users; chmod 600 {}",
        ),
        (
            r"(.+): une clé existe déjà \(--force pour la remplacer\)",
            "{}: a key already exists (--force to replace it)",
        ),
        (r"tui\.toml : actions inconnues dans \[keymap\] : (.+)", "tui.toml: unknown actions in [keymap]: {}"),
        (r"(.+): illisible \((.+)\)", "{}: unreadable ({})"),
        (r"(.+): langue inconnue « (.+) » \(fr ou en\)", "{}: unknown language “{}” (fr or en)"),
        (r"(.+): \[keymap\] doit être une table action = touche", "{}: [keymap] must be a table action = key"),
        (r"… rapport en cours : (.+)", "… writing the report: {}"),
    )
)


def make_translator(lang: str) -> Callable[[str], str]:
    """``t(text)``: French as written, or English from this table, the core table, then the shapes."""
    if lang != "en":
        return lambda text: text
    core = core_translator("en")

    def t(text: str) -> str:
        found = _EN.get(text) or core(text)
        if found != text:
            return found
        for pattern, english in _EN_SHAPES:
            match = pattern.fullmatch(text)
            if match:
                return english.format(*(t(part) for part in match.groups()))
        return text

    return t
