"""User-facing words in French (default, the CNDA's language) and English (on request)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator

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
    # command line: where a command writes (testbench/cli/outputs.py)
    "{path} : ce chemin est un fichier, pas un dossier ; indiquez un dossier pour le rapport": "{path}: this path is a file, not a folder; give a folder for the report",  # noqa: E501
    "{path} : ce chemin est un dossier, pas un fichier ; indiquez un fichier": "{path}: this path is a folder, not a file; give a file",  # noqa: E501
    "{folder} : ce chemin n'est pas un dossier ; la session n'a pas été créée": "{folder}: this path is not a folder; the session was not created",  # noqa: E501
    "{folder} : dossier introuvable (support non monté ?) ; la session n'a pas été créée. Vérifiez le chemin, ou ajoutez --create-dirs pour créer ce dossier": "{folder}: folder not found (a drive not mounted?); the session was not created. Check the path, or add --create-dirs to create this folder",  # noqa: E501
    "{folder} : impossible de créer ce dossier ({reason})": "{folder}: cannot create this folder ({reason})",
    # testbench review
    "verdict inconnu « {name} » ; noms valides : {french} (en anglais : {english})": "unknown verdict “{name}”; valid names: {english} (in French: {french})",  # noqa: E501
    "annotation {ident} enregistrée et signée ({fingerprint}…)": "annotation {ident} recorded and signed ({fingerprint}…)",  # noqa: E501
    # testbench demo and a bare testbench (testbench/cli/demo_cmd.py, ui_cmd.py)
    "démo : session {session}, rapport {report}": "demo: session {session}, report {report}",
    "démo : session {session}": "demo: session {session}",
    "démo : pas de terminal interactif, exécution sans interface (--headless)": "demo: no interactive terminal, running without the interface (--headless)",  # noqa: E501
    "démo : la session {session} est ouverte par un autre processus ; fermez-le ou choisissez --output": "demo: session {session} is open in another process; close it or choose --output",  # noqa: E501
    # report (exam book)
    "ATTENTION : rapport exporté SANS anonymisation (--no-redact) : il peut contenir des données personnelles (NIR, noms, dates de naissance, identifiants de professionnels).": "WARNING: report exported WITHOUT redaction (--no-redact): it may contain personal data (NIR, names, birth dates, professional identifiers).",  # noqa: E501
    "Action / instruction": "Action / instruction",
    "Annexe : environnement": "Appendix: environment",
    "Anonymisation": "Redaction",
    "Attestation de l'opérateur": "Operator's attestation",
    "Carte": "Card",
    "Cartes": "Cards",
    "Chaîne du journal": "Journal chain",
    "Commande": "Command",
    "Date": "Date",
    "Dates": "Dates",
    "Décision": "Decision",
    "Déroulement de la campagne": "Campaign timeline",
    "Emplacement": "Slot",
    "Exécutions": "Runs",
    "Fichier": "File",
    "INVALIDE": "INVALID",
    "Lecteur": "Reader",
    "Logiciel testé": "Software under test",
    "Moteur de facturation": "Billing engine",
    "Nature": "Nature",
    "N° d'agrément ou de test": "Agrément or test number",
    "Opérateur": "Operator",
    "Page de garde": "Cover",
    "Par domaine": "By domain",
    "Par plan": "By plan",
    "Poste": "Workstation",
    "Rapport reconstruit depuis le fichier de session ; vérifiez son intégrité avec « testbench verify » sur ce dossier.": 'Report rebuilt from the session file; check its integrity with "testbench verify" on this folder.',  # noqa: E501
    "Relecteur": "Reviewer",
    "Revue": "Review",
    "Signature": "Signature",
    "Trace complète": "Full trace",
    "Verdicts par domaine": "Verdicts by domain",
    "Visa de l'examinateur": "Examiner's signature",
    "Version du socle": "Socle version",
    "activée": "enabled",
    "agrément": "agrément",
    "anonymisé": "redacted",
    "au": "to",
    "cas": "cases",
    "clé publique": "public key",
    "code PIN masqué": "PIN code masked",
    "commentaire": "comment",
    "confirmée": "confirmed",
    "du": "from",
    "désactivée (--no-redact)": "disabled (--no-redact)",
    "empreinte de la clé": "key fingerprint",
    "en attente de l'opérateur": "waiting for the operator",
    "en défaut": "failed",
    "entrées": "entries",
    "faite": "done",
    "intègre": "intact",
    "lignes": "lines",
    "lignes dans le fichier de trace complet": "lines in the full trace file",
    "non exporté : fichier binaire, anonymisation impossible (--no-redact pour l'inclure)": "not exported: binary file, cannot be redacted (--no-redact to include it)",  # noqa: E501
    "non exécutée": "not run",
    "non évalué": "not evaluated",
    "non renseigné": "not recorded",
    "rapport non signé": "unsigned report",
    "refusée": "refused",
    "rejetée": "rejected",
    "rompue": "broken",
    "session": "session",
    "tentatives": "attempts",
    "tous les domaines": "all domains",
    "tous les verdicts": "all verdicts",
    "tout sauf réussi": "all but passed",
    "valide": "valid",
    "verdict accepté": "verdict accepted",
    "verdict remplacé": "verdict overridden",
    "version": "version",
    "à relever": "to read",
    "échecs d'abord": "failures first",
    "Verdict enregistré": "Recorded verdict",
    "Verdict retenu après revue": "Retained verdict after review",
    "Cas dont la revue a changé le verdict": "Cases whose verdict the review changed",
    "verdict enregistré": "recorded verdict",
    "sans effet sur le verdict": "no effect on the verdict",
    "oui": "yes",
    "exécution": "run",
    "tentative": "attempt",
    "codes PIN": "PIN codes",
    "secrets": "secrets",
    "NIR": "NIR",
    "NIR probables": "probable NIR",
    "noms": "names",
    "dates de naissance": "birth dates",
    "FINESS": "FINESS",
    "RPPS": "RPPS",
    "ADELI": "ADELI",
    "numéros de PS": "PS numbers",
    "blocs base64": "base64 blocks",
    "non": "no",
}


_active: str | None = None


def default_language() -> str:
    """The language in use: the one a command asked for (``use_language``), else ``TESTBENCH_LANG``, else fr."""
    if _active is not None:
        return _active
    lang = os.environ.get("TESTBENCH_LANG", "fr").lower()[:2]
    return lang if lang in LANGUAGES else "fr"


@contextlib.contextmanager
def use_language(lang: str | None) -> Iterator[str]:
    """Make ``lang`` the default language for the duration of a command (``--lang``), then restore."""
    global _active
    previous = _active
    _active = lang if lang in LANGUAGES else None
    try:
        yield default_language()
    finally:
        _active = previous


def translator(lang: str | None = None) -> Callable[[str], str]:
    """Return ``t(text)``: the French text itself, or its English version when asked."""
    lang = lang or default_language()
    if lang == "en":
        return lambda text: _EN.get(text, text)
    return lambda text: text
