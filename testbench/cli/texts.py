"""The command line's words, one language at a time: argparse's own messages in French, and the English
of every help text (French is the source text, as everywhere in testbench).

argparse looks its words up through the module-level ``_`` and ``ngettext`` it imported from
:mod:`gettext`, when it builds a parser, formats help and reports an error. :func:`argparse_words`
swaps those two names for the duration of one command (and restores them), which is simpler and
more contained than installing a process-wide gettext catalogue: nothing else in the process is
affected, and no compiled ``.mo`` file has to ship with the package.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator

from testbench.i18n import default_language, translator

#: argparse's messages (msgid → French); every one argparse can show is listed (tests check it)
ARGPARSE_FR: dict[str, str] = {
    "usage: ": "usage : ",
    "positional arguments": "arguments positionnels",
    "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "show program's version number and exit": "afficher la version du programme et quitter",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ignored explicit argument %r": "argument explicite ignoré : %r",
    "expected one argument": "une valeur attendue",
    "expected at most one argument": "au plus une valeur attendue",
    "expected at least one argument": "au moins une valeur attendue",
    "expected %s argument": "%s valeur attendue",
    "expected %s arguments": "%s valeurs attendues",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut désigner %(matches)s",
    "unexpected option string: %s": "option inattendue : %s",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : %(value)r (valeurs possibles : %(choices)s)"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "commande inconnue : %(parser_name)r (commandes possibles : %(choices)s)"
    ),
    'argument "-" with mode %r': "argument « - » avec le mode %r",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
    "mutually exclusive arguments must be optional": "des arguments exclusifs doivent être des options",
    # mistakes in our own parser definitions (never a user's), translated all the same
    ".__call__() not defined": ".__call__() non défini",
    "conflicting subparser: %s": "sous-commande en double : %s",
    "conflicting subparser alias: %s": "alias de sous-commande en double : %s",
    "cannot merge actions - two groups are named %r": "fusion impossible : deux groupes s'appellent %r",
    "'required' is an invalid argument for positionals": "« required » est invalide pour un argument positionnel",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r": (
        "option invalide %(option)r : doit commencer par %(prefix_chars)r"
    ),
    "dest= is required for options like %r": "dest= est obligatoire pour une option comme %r",
    "invalid conflict_resolution value: %r": "valeur de conflict_resolution invalide : %r",
    "conflicting option string: %s": "option en double : %s",
    "conflicting option strings: %s": "options en double : %s",
    "cannot have multiple subparser arguments": "un seul groupe de sous-commandes possible",
    "%r is not callable": "%r n'est pas appelable",
}

#: argparse's English words that would show a raw Python name (``invalid int value``)
ARGPARSE_EN: dict[str, str] = {"invalid %(type)s value: %(value)r": "invalid value: %(value)r"}

#: the English of every help text, description and group title of the sub-commands (French → English)
HELP_EN: dict[str, str] = {
    "Banc de test pour l'agrément SESAM-Vitale (CNDA).": "Test bench for the SESAM-Vitale agrément (CNDA).",
    "afficher la version et quitter": "show the version and exit",
    "langue des messages : fr (défaut) ou en ; aussi TESTBENCH_LANG": (
        "language of the messages: fr (default) or en; also TESTBENCH_LANG"
    ),
    # sub-commands
    "valider des cahiers de tests (schéma et règles), sans rien exécuter": (
        "validate casebooks (schema and rules) without running anything"
    ),
    "exécuter des cahiers de tests et enregistrer la session": "run casebooks and record the session",
    "exécuter le cahier de démonstration et produire son rapport": "run the demo casebook and build its report",
    "construire le rapport d'une session (cahier d'examen)": "build the report of a session (exam book)",
    "poste d'examen : parcourir, exécuter, comparer, réviser (interface texte)": (
        "exam workstation: browse, run, compare, review (text interface)"
    ),
    "lecteurs et cartes (Vitale, CPS) : lister, observer, identifier, émuler": (
        "readers and cards (Vitale, CPS): list, watch, identify, emulate"
    ),
    "moteurs de facturation : service JSON-RPC, conformité": "billing engines: JSON-RPC service, conformance",
    "clés de signature des rapports (Ed25519)": "report signing keys (Ed25519)",
    "vérifier l'intégrité d'un dossier de rapport ou d'une session": (
        "check the integrity of a report folder or a session"
    ),
    "annoter un cas (accepter ou remplacer son verdict), entrée signée": (
        "annotate a case (accept or override its verdict), signed entry"
    ),
    "comparer deux sessions (verdicts, montants, traces normalisées)": (
        "compare two sessions (verdicts, amounts, normalised traces)"
    ),
    "fusionner des sessions (relances, partitions CI) en une nouvelle session": (
        "merge sessions (reruns, CI shards) into a new session"
    ),
    # validate
    "Valide chaque cahier de tests et signale chaque problème sous la forme fichier:ligne:colonne.": (
        "Validates each casebook and reports every problem as file:line:column."
    ),
    "taille maximale d'un fichier en mégaoctets (défaut : 20)": "maximum size of a file in megabytes (default: 20)",
    # run
    "fichier de session (créé s'il n'existe pas)": "session file (created if it does not exist)",
    "créer le dossier de la session s'il n'existe pas (refusé sinon : un support non monté se voit)": (
        "create the session's folder if it does not exist (refused otherwise: an unmounted drive shows)"
    ),
    "reprendre au premier cas sans verdict final": "resume at the first case without a final verdict",
    "rejouer les cas d'une session existante (nouvelle tentative)": (
        "run the cases of an existing session again (new attempt)"
    ),
    "sélection par mots (and, or, not, parenthèses)": "selection by words (and, or, not, parentheses)",
    "ne garder que les cas de ce tag": "keep only the cases with this tag",
    "écrire un rapport JUnit XML": "write a JUnit XML report",
    "écrire le rapport HTML à la fin": "write the HTML report at the end",
    "reference (hors processus, défaut), inprocess, operator (l'opérateur réalise les étapes dans le logiciel "
    "testé), ou la commande d'un moteur externe": (
        "reference (out of process, default), inprocess, operator (the operator performs the steps in the "
        "software under test), or the command of an external engine"
    ),
    "mode opérateur : dossier où le logiciel testé écrit ses FSE et lots B2 (capturés comme pièces)": (
        "operator mode: folder where the software under test writes its FSE and B2 batches (captured as evidence)"
    ),
    "cartes virtuelles via pcscd (auto : si disponible) ou lecteur en mémoire": (
        "virtual cards through pcscd (auto: when available) or the in-memory reader"
    ),
    "accepter des cartes réelles (hors mode test)": "accept real cards (not test cards)",
    "attestations préparées des étapes manuelles (JSON, clé CAS/ETAPE)": (
        "prepared attestations of manual steps (JSON, key CASE/STEP)"
    ),
    "journal de l'application à suivre : CHEMIN[;channel=app][;format=auto|log4j|log4crc…][;encoding=cp1252]"
    "[;offset=SECONDES] (répétable, motifs glob acceptés)": (
        "application log to follow: PATH[;channel=app][;format=auto|log4j|log4crc…][;encoding=cp1252]"
        "[;offset=SECONDS] (repeatable, glob patterns accepted)"
    ),
    "recevoir le syslog de l'application sur 127.0.0.1:PORT (UDP et TCP ; 0 = port libre)": (
        "receive the application's syslog on 127.0.0.1:PORT (UDP and TCP; 0 = a free port)"
    ),
    "logiciel testé (page de garde du rapport)": "software under test (report cover)",
    "version du logiciel testé": "version of the software under test",
    "numéro d'agrément ou de test du logiciel": "agrément or test number of the software",
    "opérateur de la campagne": "operator of the campaign",
    # demo
    "dossier du rapport (défaut : demo/ dans le dossier de données de l'utilisateur)": (
        "report folder (default: demo/ in the user's data folder)"
    ),
    "sans interface : exécuter puis écrire le rapport": "without the interface: run, then write the report",
    # report
    "Construit le dossier du rapport depuis le seul fichier de session : index.html, evidence/, report.json, "
    "junit.xml, journal-chain.json, manifest.json (+ report.pdf, manifest.sig.json).": (
        "Builds the report folder from the session file alone: index.html, evidence/, report.json, junit.xml, "
        "journal-chain.json, manifest.json (+ report.pdf, manifest.sig.json)."
    ),
    "dossier du rapport": "report folder",
    "langue (fr par défaut)": "language (fr by default)",
    "imprimer aussi report.pdf (Chromium headless)": "also print report.pdf (headless Chromium)",
    "signer le manifeste (Ed25519)": "sign the manifest (Ed25519)",
    "clé privée de signature": "private signing key",
    "NE PAS anonymiser (NIR, noms, dates de naissance, FINESS/RPPS/ADELI, blocs base64) ; le rapport l'affiche "
    "en tête": (
        "do NOT redact (NIR, names, birth dates, FINESS/RPPS/ADELI, base64 blocks); the report says so at the top"
    ),
    "lignes de trace par cas dans la page": "trace lines per case in the page",
    "écrire aussi le JUnit XML à cet endroit": "also write the JUnit XML there",
    # ui
    "fichier de session (défaut : <cahier>.tbsession ici)": "session file (default: <casebook>.tbsession here)",
    # (the bench, capture and identity options are run's: testbench.runner.options)
    # cards
    "lister les lecteurs PC/SC et leur carte": "list the PC/SC readers and their card",
    "afficher les insertions et retraits (comme pcsc_scan)": "show insertions and removals (like pcsc_scan)",
    "identifier et décoder la carte d'un lecteur": "identify and decode the card in a reader",
    "présenter un profil de carte via vpcd à pcscd": "present a card profile to pcscd through vpcd",
    "enregistrer une session APDU (lecture publique ou script scriptor)": (
        "record an APDU session (public read or scriptor script)"
    ),
    "présenter un enregistrement comme carte virtuelle via vpcd": "present a recording as a virtual card through vpcd",
    "lecteur à observer (répétable ; tous par défaut)": "reader to watch (repeatable; all by default)",
    "arrêter après N secondes": "stop after N seconds",
    "nom du lecteur (par défaut : le premier qui contient une carte)": "reader name (default: the first with a card)",
    "sortie JSON (as_dict)": "JSON output",
    "afficher les APDU échangés (code porteur masqué)": "show the APDUs exchanged (cardholder code masked)",
    "numéro du lecteur vpcd : 0, 1 (défaut), 2… (entrées ajoutées)": (
        "vpcd reader number: 0, 1 (default), 2… (added entries)"
    ),
    "port vpcd explicite (prioritaire sur --reader)": "explicit vpcd port (takes precedence over --reader)",
    "fichier JSON lines des APDU reçus (stdout sinon)": "JSON lines file of the APDUs received (stdout otherwise)",
    "retirer la carte après N secondes": "remove the card after N seconds",
    "nom du lecteur": "reader name",
    "fichier d'enregistrement (JSON lines)": "recording file (JSON lines)",
    "script scriptor à rejouer sur la carte (sinon : lecture publique)": (
        "scriptor script to replay on the card (otherwise: public read)"
    ),
    "écrire un script scriptor au lieu de rejouer": "write a scriptor script instead of replaying",
    # engine
    "servir le moteur de référence en JSON-RPC 2.0 sur stdin/stdout": (
        "serve the reference engine as JSON-RPC 2.0 on stdin/stdout"
    ),
    "vérifier qu'une commande de moteur respecte le protocole": "check that an engine command follows the protocol",
    "Exemple : testbench engine check -- python -m testbench engine serve": (
        "Example: testbench engine check -- python -m testbench engine serve"
    ),
    "délai par appel, en secondes (défaut 5)": "timeout per call, in seconds (default 5)",
    "rapport JSON au lieu du texte": "JSON report instead of text",
    "-- COMMANDE [ARGUMENTS…]": "-- COMMAND [ARGUMENTS…]",
    # keys
    "créer la paire de clés du signataire": "create the signer's key pair",
    "afficher la clé publique et son empreinte": "show the public key and its fingerprint",
    "clé privée à créer": "private key to create",
    "remplacer une clé existante": "replace an existing key",
    # verify
    "clé publique attendue du signataire": "expected public key of the signer",
    "vérifier aussi que le rapport vient de cette session": "also check that the report comes from this session",
    "refuser un rapport non signé": "refuse an unsigned report",
    # review
    "accepter le verdict enregistré": "accept the recorded verdict",
    "remplacer le verdict": "override the verdict",
    "simple commentaire": "comment only",
    "motif (obligatoire)": "reason (required)",
    "nom du relecteur (défaut : l'utilisateur)": "reviewer's name (default: the user)",
    "empreinte du cahier si l'id est ambigu": "casebook hash when the id is ambiguous",
    # diff, merge
    "référence (version précédente)": "reference (previous version)",
    "session à juger": "session to judge",
    "écrire aussi la comparaison en HTML": "also write the comparison as HTML",
    "écrire aussi la comparaison en JSON": "also write the comparison as JSON",
    "lister aussi les cas identiques": "also list the identical cases",
    "lignes de contexte des traces": "context lines of the traces",
    "nouvelle session": "new session",
    "fusionner même si la chaîne d'une entrée est rompue": "merge even when an input's chain is broken",
}


def cli_translator(lang: str | None = None) -> Callable[[str], str]:
    """``t(text)`` for the command line: help texts first, then the core words (verdicts, report)."""
    lang = lang or default_language()
    core = translator(lang)
    if lang == "en":
        return lambda text: HELP_EN.get(text) or core(text)
    return core


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, with every help text, description and section title in the active language."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._t = cli_translator()
        self._before_colon = " " if default_language() == "fr" else ""  # « options : », "options:"

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return self._t(action.help) if action.help else action.help

    def add_text(self, text: str | None) -> None:
        super().add_text(self._t(text) if text and text is not argparse.SUPPRESS else text)

    def start_section(self, heading: str | None) -> None:
        super().start_section(self._t(heading) + self._before_colon if heading else heading)


def argparse_word(msgid: str, lang: str | None = None) -> str:
    """One of argparse's messages in ``lang`` (the active language by default)."""
    table = ARGPARSE_FR if (lang or default_language()) == "fr" else ARGPARSE_EN
    return table.get(msgid, msgid)


@contextlib.contextmanager
def argparse_words(lang: str | None = None) -> Iterator[None]:
    """argparse speaks ``lang`` (the active language by default) until the block ends.

    English is argparse's own, whatever gettext catalogue the system may hold for it.
    """
    lang = lang or default_language()
    module = vars(argparse)
    saved = module["_"], module["ngettext"]
    module["_"] = lambda msgid: argparse_word(msgid, lang)
    module["ngettext"] = lambda one, many, n: argparse_word(one if n == 1 else many, lang)
    try:
        yield
    finally:
        module["_"], module["ngettext"] = saved
