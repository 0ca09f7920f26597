"""User-facing words in French (default, the CNDA's language) and English (on request)."""

from __future__ import annotations

import os
from collections.abc import Callable

LANGUAGES = ("fr", "en")

_EN: dict[str, str] = {
    "réussi": "passed",
    "échec": "failed",
    "non concluant": "inconclusive",
    "erreur": "error",
    "ignoré": "skipped",
    "en attente": "pending",
    "non exécuté": "not run",
    "Cahier d'examen pré-validé": "Pre-validated exam book",
    "Session": "Session",
    "Synthèse": "Summary",
    "Cas": "Case",
    "Cas de test": "Test cases",
    "Verdict": "Verdict",
    "Objectif": "Objective",
    "Étapes": "Steps",
    "Attendu / observé": "Expected / observed",
    "Attendu": "Expected",
    "Observé": "Observed",
    "Tolérance": "Tolerance",
    "Règles": "Rules",
    "Résultat": "Result",
    "Traces": "Traces",
    "Pièces": "Evidence files",
    "Tentatives": "Attempts",
    "Motif": "Reason",
    "Durée": "Duration",
    "Domaine": "Domain",
    "Mode": "Mode",
    "Cahier de tests": "Casebook",
    "Plan": "Plan",
    "Version": "Version",
    "Empreinte": "Hash",
    "Moteur": "Engine",
    "Lecteurs": "Readers",
    "Début": "Start",
    "Fin": "End",
    "Aucune trace pour ce cas.": "No trace for this case.",
    "Aucune attente.": "No expectation.",
    "Tentative": "Attempt",
    "Validé par l'examinateur ☐ — visa": "Confirmed by the examiner ☐ — signature",
    "Valeurs observées": "Observed values",
    "Étape": "Step",
    "Action": "Action",
    "Instruction": "Instruction",
    "Source": "Source",
    "Taille": "Size",
    "Nom": "Name",
    "manuelle": "manual",
    "automatique": "automatic",
    "Environnement": "Environment",
    "Généré depuis le fichier de session": "Built from the session file",
    "Total": "Total",
    "Filtrer": "Filter",
}


def default_language() -> str:
    lang = os.environ.get("TESTBENCH_LANG", "fr").lower()[:2]
    return lang if lang in LANGUAGES else "fr"


def translator(lang: str | None = None) -> Callable[[str], str]:
    """Return ``t(text)``: the French text itself, or its English version when asked."""
    lang = lang or default_language()
    if lang == "en":
        return lambda text: _EN.get(text, text)
    return lambda text: text
