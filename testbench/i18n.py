"""User-facing words in French (default, the CNDA's language) and English (on request)."""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import re
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
    # PC/SC failures (testbench/cards/pcsc_errors.py) and testbench cards list
    "aucune carte dans le lecteur « {reader} »": "no card in reader “{reader}”",
    "erreur de communication avec le lecteur « {reader} » (lecteur débranché ?)": "communication error with reader “{reader}” (reader unplugged?)",  # noqa: E501
    "l'échange avec la carte du lecteur « {reader} » a échoué (carte retirée ou muette)": "the exchange with the card in reader “{reader}” failed (card removed or mute)",  # noqa: E501
    "la carte a été retirée du lecteur « {reader} »": "the card was removed from reader “{reader}”",
    "la carte du lecteur « {reader} » a été réinitialisée par une autre application": "the card in reader “{reader}” was reset by another application",  # noqa: E501
    "la carte du lecteur « {reader} » ne répond pas (mal insérée ou muette)": "the card in reader “{reader}” does not answer (badly inserted or mute)",  # noqa: E501
    "la connexion au service PC/SC a été perdue (service redémarré ?) : recommencez": "the connection to the PC/SC service was lost (service restarted?): try again",  # noqa: E501
    "le lecteur « {reader} » est introuvable (débranché ?)": "reader “{reader}” cannot be found (unplugged?)",
    "le lecteur « {reader} » est utilisé en exclusivité par une autre application : fermez-la ou attendez qu'elle libère la carte, puis recommencez": "reader “{reader}” is in exclusive use by another application: close it or wait until it releases the card, then try again",  # noqa: E501
    "le lecteur « {reader} » n'a pas répondu à temps": "reader “{reader}” did not answer in time",
    "erreur PC/SC inattendue avec le lecteur « {reader} »": "unexpected PC/SC error with reader “{reader}”",
    " (code PC/SC {code})": " (PC/SC code {code})",
    "{message} (code PC/SC {code})": "{message} (PC/SC code {code})",
    "{message} : le service pcscd tourne-t-il, avec le paquet vsmartcard-vpcd installé ?": "{message}: is the pcscd service running, with the vsmartcard-vpcd package installed?",  # noqa: E501
    "pyscard indisponible ; {hint}": "pyscard unavailable; {hint}",
    "pile PC/SC absente : installez les paquets système pcscd et vsmartcard-vpcd (lecteurs virtuels), et libpcsclite-dev (Debian, Ubuntu) ou pcsc-lite-devel (Fedora) pour compiler pyscard, puis démarrez le service pcscd": "PC/SC stack missing: install the system packages pcscd and vsmartcard-vpcd (virtual readers), and libpcsclite-dev (Debian, Ubuntu) or pcsc-lite-devel (Fedora) to build pyscard, then start the pcscd service",  # noqa: E501
    "délai dépassé ({seconds} s) en attendant l'insertion de la carte dans le lecteur « {reader} »": "timed out ({seconds} s) waiting for a card in reader “{reader}”",  # noqa: E501
    "délai dépassé ({seconds} s) en attendant le retrait de la carte dans le lecteur « {reader} »": "timed out ({seconds} s) waiting for the card to leave reader “{reader}”",  # noqa: E501
    "service PC/SC indisponible": "PC/SC service unavailable",
    "liste des lecteurs impossible": "cannot list the readers",
    "état des lecteurs indisponible": "the readers' state is unavailable",
    "connexion impossible au lecteur « {reader} »": "cannot connect to reader “{reader}”",
    "carte indisponible dans le lecteur « {reader} » (retirée ou muette)": "card unavailable in reader “{reader}” (removed or mute)",  # noqa: E501
    "le service Windows « Carte à puce » (SCardSvr) ne tourne pas : branchez un lecteur ou démarrez ce service": "the Windows “Smart Card” service (SCardSvr) is not running: plug in a reader or start this service",  # noqa: E501
    "le service PC/SC du système ne répond pas : débranchez et rebranchez le lecteur": "the system's PC/SC service does not answer: unplug the reader and plug it in again",  # noqa: E501
    "pcscd n'est pas installé : installez le paquet système pcscd (et vsmartcard-vpcd pour les lecteurs virtuels), puis démarrez le service pcscd": "pcscd is not installed: install the system package pcscd (and vsmartcard-vpcd for virtual readers), then start the pcscd service",  # noqa: E501
    "pcscd est installé mais ne tourne pas : démarrez-le (sudo systemctl start pcscd.socket, ou sudo pcscd)": "pcscd is installed but not running: start it (sudo systemctl start pcscd.socket, or sudo pcscd)",  # noqa: E501
    "le service PC/SC tourne mais ne voit aucun lecteur : branchez un lecteur de cartes ; pour des lecteurs virtuels, installez le paquet système vsmartcard-vpcd puis redémarrez pcscd": "the PC/SC service is running but sees no reader: plug in a card reader; for virtual readers, install the system package vsmartcard-vpcd, then restart pcscd",  # noqa: E501
    "carte présente": "card present",
    "vide": "empty",
    "carte inconnue": "unknown card",
    "aucune carte dans les lecteurs {readers}": "no card in the readers {readers}",
    # the card guard and the card bays (testbench/cards: guard, messages, bay, inprocess, link, read, pin)
    "famille de carte : {found} au lieu de {expected}": "card family: {found} instead of {expected}",
    "NIR du bénéficiaire 1 : {found} au lieu de {expected}": "NIR of beneficiary 1: {found} instead of {expected}",
    "bénéficiaire 1 : {found} au lieu de {expected}": "beneficiary 1: {found} instead of {expected}",
    "RPPS : {found} au lieu de {expected}": "RPPS: {found} instead of {expected}",
    "porteur : {found} au lieu de {expected}": "holder: {found} instead of {expected}",
    "nature : carte {found} au lieu de carte {expected}": "nature: {found} card instead of {expected} card",
    "carte {nature} refusée : seules les cartes de test sont admises": "{nature} card refused: only test cards are allowed",  # noqa: E501
    "lecture de la carte impossible : {reason}": "the card cannot be read: {reason}",
    "{step} : SW {sw} ({meaning})": "{step}: SW {sw} ({meaning})",
    "de test": "test",
    "de démonstration": "demonstration",
    "réelle": "real",
    "de nature « {code} »": "of nature “{code}”",
    "inconnue": "unknown",
    "Insérez la {card} dans le lecteur « {reader} ».": "Insert the {card} in reader “{reader}”.",
    "Insérez la {card} dans le lecteur « {reader} » ({slot}).": "Insert the {card} in reader “{reader}” ({slot}).",
    "carte refusée, le cas n'a pas démarré : {detail}": "card refused, the case did not start: {detail}",
    "carte indisponible : {detail}": "card unavailable: {detail}",
    "aucune carte dans le lecteur {reader} : {message}": "no card in reader {reader}: {message}",
    "la carte a été retirée du lecteur « {reader} » pendant le cas": "the card was removed from reader “{reader}” during the case",  # noqa: E501
    "la carte du lecteur « {reader} » ne répond plus (muette)": "the card in reader “{reader}” no longer answers (mute)",  # noqa: E501
    "la carte du lecteur « {reader} » ne répond plus (muette depuis {seconds} s)": "the card in reader “{reader}” no longer answers (mute for {seconds} s)",  # noqa: E501
    "réponse invalide de la carte ({count} octet(s)) dans le lecteur « {reader} »": "invalid answer from the card ({count} byte(s)) in reader “{reader}”",  # noqa: E501
    "aucun code porteur de test connu pour la carte du lecteur {slot}": "no known test PIN for the card in reader {slot}",  # noqa: E501
    "emplacement de lecteur inconnu : {slot}": "unknown reader slot: {slot}",
    "pas de carte émulée dans {slot}": "no emulated card in {slot}",
    "le lecteur virtuel vpcd ne répond pas sur le port {port} ({reason})": "the virtual reader vpcd does not answer on port {port} ({reason})",  # noqa: E501
    "connexion refusée": "connection refused",
    "délai dépassé": "timed out",
    "connexion interrompue": "connection reset",
    "hôte injoignable": "host unreachable",
    "le port vpcd {port} est utilisé par un autre banc ou une autre session de tests (verrou 127.0.0.1:{lock})": "vpcd port {port} is in use by another bench or test session (lock 127.0.0.1:{lock})",  # noqa: E501
    "l'émulateur de carte n'a pas démarré : {reason}": "the card emulator did not start: {reason}",
    "pas de réponse": "no answer",
    "code porteur bloqué : non présenté": "PIN blocked: not presented",
    "code porteur non présenté : {tries} essai(s) restant(s) seulement": "PIN not presented: only {tries} tries left",
    "code porteur non présenté : {tries} essai(s) restant(s)": "PIN not presented: {tries} tries left",
    "code porteur refusé : {meaning}": "PIN refused: {meaning}",
    "{where}: ligne qui n'est pas un objet JSON": "{where}: line that is not a JSON object",
    "{where}: en-tête « {format} » attendu": "{where}: header “{format}” expected",
    "{where}: champ « {field} » manquant": "{where}: field “{field}” missing",
    "{where}: champ « {field} » : hexadécimal invalide": "{where}: field “{field}”: invalid hexadecimal",
    "{where}: enregistrement vide": "{where}: empty recording",
    "{where}: réponse sans commande": "{where}: response without a command",
    "{where}: hexadécimal invalide : « {text} »": "{where}: invalid hexadecimal: “{text}”",
    "{path} : fichier illisible ({reason})": "{path}: file cannot be read ({reason})",
    # testbench cards watch, probe, emulate, record, replay (testbench/cli/cards_cmd.py)
    "carte insérée": "card inserted",
    "carte retirée": "card removed",
    "Lecteur : {reader}": "Reader: {reader}",
    "ATR : {atr} ({family})": "ATR: {atr} ({family})",
    "Carte non reconnue (ni Vitale ni CPS d'après l'ATR).": "Card not recognised (neither Vitale nor CPS by its ATR).",
    "Carte Vitale {generation} {nature} (nature {code})": "{nature} Vitale {generation} card (nature {code})",
    "  Immatriculation : {nir}": "  Registration number (NIR): {nir}",
    "  Droits : du {start} au {end}": "  Rights: from {start} to {end}",
    "(non portée par la carte)": "(not on the card)",
    "  Bénéficiaire {rank} : {who}, né(e) le {birth}, qualité {qualite}": "  Beneficiary {rank}: {who}, born {birth}, qualité {qualite}",  # noqa: E501
    " jumeau n°{rank}": " twin no. {rank}",
    "maternité": "maternity",
    "non lu": "not read",
    "BLOQUÉ": "BLOCKED",
    "Carte {type} (CPS{generation}) {nature}": "{nature} {type} card (CPS{generation})",
    "  Porteur : {who}  RPPS {rpps}": "  Holder: {who}  RPPS {rpps}",
    "  Profession : {profession} (code {code})  spécialité : {specialty}": "  Profession: {profession} (code {code})  specialty: {specialty}",  # noqa: E501
    "  Émetteur ANS : {issuer}  essais code porteur restants : {tries}": "  ANS issuer: {issuer}  PIN tries left: {tries}",  # noqa: E501
    "  Situation {number} : {structure}  mode {mode}  FINESS {finess}  n° AM {am}": "  Situation {number}: {structure}  mode {mode}  FINESS {finess}  AM no. {am}",  # noqa: E501
    "Carte « {card} »": "Card “{card}”",
    "Enregistrement {name}": "Recording {name}",
    "{card} insérée sur le port vpcd {port} ; Ctrl-C pour la retirer": "{card} inserted on vpcd port {port}; Ctrl-C to remove it",  # noqa: E501
    "{count} échange(s) enregistré(s) dans {path}": "{count} exchange(s) recorded in {path}",
    "script scriptor écrit : {path}": "scriptor script written: {path}",
    "cartes émulées via pcscd + vpcd ({readers})": "cards emulated through pcscd + vpcd ({readers})",
    "lecteurs PC/SC ({readers})": "PC/SC readers ({readers})",
    "cartes virtuelles en mémoire ({slots})": "in-memory virtual cards ({slots})",
    "l'émulateur s'est arrêté (code {code})": "the emulator stopped (code {code})",
    "profil de carte invalide : {reason}": "invalid card profile: {reason}",
    "un profil chargé depuis un fichier est nécessaire pour l'émulateur": "the emulator needs a profile loaded from a file",  # noqa: E501
    "le lecteur {reader} contient déjà une carte qui n'est pas celle du banc (un autre émulateur ou une autre session utilise le port {port} ?)": "reader {reader} already holds a card that is not the bench's (another emulator or test session using port {port}?)",  # noqa: E501
    "le lecteur {reader} présente l'ATR {atr} au lieu de celui du profil {profile} : un autre émulateur occupe-t-il le port {port} ?": "reader {reader} shows ATR {atr} instead of the one of profile {profile}: is another emulator holding port {port}?",  # noqa: E501
    "lecteurs muets pendant le calage : {readers}": "readers silent during the calibration: {readers}",
    "calage des lecteurs impossible : un lecteur contient déjà une carte": "cannot calibrate the readers: a reader already holds a card",  # noqa: E501
    # status words (testbench/cards/sw.py)
    "succès": "success",
    "données retournées peut-être corrompues": "returned data may be corrupted",
    "fin de fichier atteinte avant Le octets": "end of file reached before Le bytes",
    "fichier sélectionné invalidé": "selected file invalidated",
    "erreur mémoire": "memory failure",
    "longueur incorrecte": "wrong length",
    "messagerie sécurisée non supportée": "secure messaging not supported",
    "commande incompatible avec la structure du fichier": "command incompatible with the file structure",
    "conditions de sécurité non satisfaites": "security conditions not satisfied",
    "code porteur bloqué": "PIN blocked",
    "données de référence inutilisables": "reference data unusable",
    "conditions d'utilisation non satisfaites": "conditions of use not satisfied",
    "commande non autorisée (aucun EF sélectionné)": "command not allowed (no EF selected)",
    "paramètres incorrects dans les données": "incorrect parameters in the data",
    "fonction non supportée": "function not supported",
    "fichier ou application introuvable": "file or application not found",
    "enregistrement introuvable": "record not found",
    "paramètres P1-P2 incorrects": "incorrect P1-P2 parameters",
    "données de référence introuvables": "reference data not found",
    "paramètres P1-P2 incorrects (hors du fichier)": "incorrect P1-P2 parameters (outside the file)",
    "instruction non supportée": "instruction not supported",
    "classe non supportée": "class not supported",
    "erreur inconnue de la carte": "unknown card error",
    "code porteur faux (CPS2ter)": "wrong PIN (CPS2ter)",
    "code porteur bloqué (CPS2ter)": "PIN blocked (CPS2ter)",
    "fichier introuvable (CPS2ter)": "file not found (CPS2ter)",
    "{count} octets de réponse disponibles (GET RESPONSE)": "{count} response bytes available (GET RESPONSE)",
    "Le incorrect : renvoyer avec Le = {le}": "wrong Le: send again with Le = {le}",
    "code porteur non vérifié ou faux, {tries} essai(s) restant(s)": "PIN not verified or wrong, {tries} tries left",
    "avertissement : mémoire non modifiée": "warning: memory unchanged",
    "avertissement : mémoire modifiée": "warning: memory changed",
    "erreur d'exécution : mémoire non modifiée": "execution error: memory unchanged",
    "erreur d'exécution : mémoire modifiée": "execution error: memory changed",
    "commande non autorisée": "command not allowed",
    "paramètres incorrects": "incorrect parameters",
    "statut inconnu": "unknown status",
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
    "Contrôle": "Guard check",  # the card guard's verdict on the cover: acceptée / refusée
    "acceptée": "accepted",
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
    # testbench verify's verdicts
    "INTÈGRE": "INTACT",
    "ALTÉRÉ": "ALTERED",
    "NON SIGNÉ : conforme au manifeste, mais l'authenticité n'est pas prouvée (aucune signature)": "UNSIGNED: matches its manifest, but authenticity is not proven (no signature)",  # noqa: E501
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
    "interrompu": "interrupted",
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
    # markers of masked card bytes (testbench.traces.redact_bytes)
    "NIR masqué": "NIR redacted",
    "nom masqué": "name redacted",
    "prénom masqué": "first name redacted",
    "nom d'usage masqué": "usual name redacted",
    "raison sociale masquée": "structure name redacted",
    "date de naissance masquée": "birth date redacted",
    "RPPS masqué": "RPPS redacted",
    "FINESS masqué": "FINESS redacted",
    "ADELI masqué": "ADELI redacted",
    "n° AM masqué": "AM number redacted",
    "n° de PS masqué": "PS number redacted",
    "base64 masqué": "base64 redacted",
    "octet": "byte",
    "octets": "bytes",
    # casebook problems composed from parts (testbench.casebook: errors, source, build, xsd_messages)
    "lecture impossible : {reason}": "cannot be read: {reason}",
    "profil de carte « {profile} » illisible : {reason}": 'card profile "{profile}" cannot be read: {reason}',
    "plus de {limit} éléments inconnus du format : les règles ne sont plus vérifiées au-delà": (
        "more than {limit} elements unknown to the format: the rules are not checked beyond"
    ),
    "nom trop long pour le système de fichiers": "name too long for the file system",
    "introuvable": "not found",
    "un élément du chemin n'est pas un dossier": "a part of the path is not a folder",
    "accès refusé (droits insuffisants)": "access denied (insufficient rights)",
    "trop de liens symboliques": "too many symbolic links",
    "erreur d'entrée-sortie du disque": "disk input/output error",
    "chemin invalide": "invalid path",
    "erreur système {code}": "system error {code}",
    "non conforme au schéma : {detail}": "not valid against the schema: {detail}",
    "non conforme au schéma : {subject} : {detail}": "not valid against the schema: {subject}: {detail}",
    "<{element}>, attribut « {attribute} »": '<{element}>, attribute "{attribute}"',
    "Vouliez-vous dire <{name}> ?": "Did you mean <{name}>?",
    "élément inattendu ici ; attendu : l'un de {expected}": "element not expected here; expected one of: {expected}",
    "élément inattendu ici ; attendu : {expected}": "element not expected here; expected: {expected}",
    "élément inattendu ici": "element not expected here",
    "élément enfant manquant ; attendu : l'un de {expected}": "missing child element; expected one of: {expected}",
    "élément enfant manquant ; attendu : {expected}": "missing child element; expected: {expected}",
    "« {value} » n'est pas une valeur valide du type « {type} »": '"{value}" is not a valid value of type "{type}"',
    "« {value} » n'est pas une valeur valide pour ce type": '"{value}" is not a valid value for this type',
    "attribut obligatoire « {name} » manquant": 'required attribute "{name}" is missing',
    "attribut non autorisé": "attribute not allowed",
    "la valeur « {value} » ne respecte pas le motif « {pattern} »": (
        'the value "{value}" does not match the pattern "{pattern}"'
    ),
    "la valeur « {value} » n'est pas permise ; valeurs permises : {allowed}": (
        'the value "{value}" is not allowed; allowed values: {allowed}'
    ),
    "longueur {length}, au-delà du maximum permis ({limit})": "length {length}, above the allowed maximum ({limit})",
    "longueur {length}, en deçà du minimum permis ({limit})": "length {length}, below the allowed minimum ({limit})",
    "longueur {length}, différente de la longueur exigée ({limit})": (
        "length {length}, different from the required length ({limit})"
    ),
    "la valeur « {value} » est inférieure au minimum permis ({limit})": (
        'the value "{value}" is below the allowed minimum ({limit})'
    ),
    "la valeur « {value} » est supérieure au maximum permis ({limit})": (
        'the value "{value}" is above the allowed maximum ({limit})'
    ),
    "la valeur « {value} » doit être strictement supérieure à {limit}": (
        'the value "{value}" must be greater than {limit}'
    ),
    "la valeur « {value} » doit être strictement inférieure à {limit}": 'the value "{value}" must be less than {limit}',
    "la valeur « {value} » a plus de chiffres que permis ({limit})": (
        'the value "{value}" has more digits than allowed ({limit})'
    ),
    "la valeur « {value} » a plus de décimales que permis ({limit})": (
        'the value "{value}" has more decimal places than allowed ({limit})'
    ),
    "séquence de clé [{key}] en double (contrainte « {name} »)": 'duplicate key sequence [{key}] (constraint "{name}")',
    "aucune correspondance pour la séquence de clé [{key}] (référence « {name} »)": (
        'no match for the key sequence [{key}] (reference "{name}")'
    ),
    "contenu d'éléments interdit : ce type n'admet que du texte": (
        "element content not allowed: this type holds text only"
    ),
    "texte interdit : ce type n'admet que des éléments": "text not allowed: this type holds elements only",
    # engines out of process (testbench/engines/protocol: client, jsonrpc, validation) and the runner's reasons
    "moteur en défaut ({kind}) : {detail}": "engine fault ({kind}): {detail}",
    "moteur indisponible : {detail}": "engine unavailable: {detail}",
    "erreur du moteur : {detail}": "engine error: {detail}",
    "réponse invalide": "invalid answer",
    "arrêt ou erreur interne": "stopped or internal error",
    "{method} : pas de réponse en {seconds} s": "{method}: no answer within {seconds} s",
    "{method} : le moteur s'est arrêté (code {code})": "{method}: the engine stopped (code {code})",
    "{method} : le moteur s'est arrêté (code {code}) ; stderr : {stderr}": "{method}: the engine stopped (code {code}); stderr: {stderr}",  # noqa: E501
    "{method} : sortie qui n'est pas du JSON-RPC ({reason}) : « {excerpt} »": "{method}: output that is not JSON-RPC ({reason}): “{excerpt}”",  # noqa: E501
    "{method} : ligne de plus de {limit} octets ({size} octets ignorés)": "{method}: line longer than {limit} bytes ({size} bytes skipped)",  # noqa: E501
    "{method} : message sans jsonrpc 2.0 : {excerpt}": "{method}: message without jsonrpc 2.0: {excerpt}",
    "{method} : réponse à un autre identifiant ({id})": "{method}: answer to another id ({id})",
    "{method} : une réponse porte soit result soit error": "{method}: a response carries either result or error",
    "{method} : résultat qui n'est pas un objet JSON": "{method}: result that is not a JSON object",
    "JSON imbriqué sur plus de {depth} niveaux": "JSON nested more than {depth} levels deep",
    "message JSON qui n'est pas un objet": "JSON message that is not an object",
    "impossible de lancer le moteur « {command} » : {reason}": "cannot run the engine “{command}”: {reason}",
    "le moteur refuse de démarrer : {detail}": "the engine refuses to start: {detail}",
    "le moteur n'a pas démarré : {reason}": "the engine did not start: {reason}",
    "le moteur n'a pas démarré, deux fois de suite : {reason}": "the engine did not start, twice in a row: {reason}",
    "au lancement de la campagne, {reason} ; relancé, il sert les cas suivants": "when the campaign started, {reason}; started again, it serves the next cases",  # noqa: E501
    "le moteur s'est arrêté pendant le cas ; un moteur redémarré ne connaîtrait plus ce que le cas lui a demandé : le cas s'arrête en erreur du banc (le cas suivant aura un moteur neuf)": "the engine stopped during the case; a restarted engine would no longer know what the case asked of it: the case stops as an error of the bench (the next case gets a fresh engine)",  # noqa: E501
    "le moteur s'est arrêté entre deux appels (code {code})": "the engine stopped between two calls (code {code})",
    "le moteur s'est arrêté entre deux appels (code {code}) ; stderr : {stderr}": "the engine stopped between two calls (code {code}); stderr: {stderr}",  # noqa: E501
    "moteur redémarré (processus {pid})": "engine restarted (process {pid})",
    "{path} : type {found} au lieu de {expected}": "{path}: type {found} instead of {expected}",
    "{path} : champ obligatoire absent « {name} »": "{path}: missing required field “{name}”",
    "{path} : champ inattendu « {name} »": "{path}: unexpected field “{name}”",
    "{path} : {value} au lieu de {expected}": "{path}: {value} instead of {expected}",
    "{path} : {value} hors de {allowed}": "{path}: {value} not among {allowed}",
    "{path} : {value} ne suit pas le motif {pattern}": "{path}: {value} does not follow the pattern {pattern}",
    "{path} : chaîne de moins de {count} caractère(s)": "{path}: string shorter than {count} character(s)",
    "{path} : chaîne de plus de {count} caractère(s)": "{path}: string longer than {count} character(s)",
    "{path} : {value} inférieur au minimum {limit}": "{path}: {value} below the minimum {limit}",
    "{path} : {value} supérieur au maximum {limit}": "{path}: {value} above the maximum {limit}",
    "{path} : moins de {count} élément(s)": "{path}: fewer than {count} item(s)",
    "{path} : ne correspond à aucune des formes permises": "{path}: matches none of the allowed forms",
    "{path} : correspond à plusieurs formes au lieu d'une seule": "{path}: matches several forms instead of one",
    "{path} : non conforme ({keyword})": "{path}: does not conform ({keyword})",
    # casebook problems: reading, parsing, the root, the semantic rules (testbench.casebook)
    "est un dossier, pas un fichier de cahier de tests": "is a folder, not a casebook file",
    "n'est pas un fichier ordinaire": "is not a regular file",
    "fichier trop volumineux ({size} octets, limite {limit} octets)": (
        "file too large ({size} bytes, limit {limit} bytes)"
    ),
    "fichier introuvable": "file not found",
    "lecture refusée (droits insuffisants)": "reading refused (insufficient rights)",
    "fichier trop volumineux (limite {limit} octets)": "file too large (limit {limit} bytes)",
    "fichier vide": "empty file",
    "le fichier n'est pas encodé en UTF-8 (seul encodage accepté)": (
        "the file is not encoded in UTF-8 (the only encoding accepted)"
    ),
    "encodage déclaré « {encoding} » refusé : un cahier de tests est en UTF-8": (
        'declared encoding "{encoding}" refused: a casebook is in UTF-8'
    ),
    "déclaration DOCTYPE refusée : un cahier de tests ne doit contenir ni DTD ni entités (protection contre XXE et "
    "« billion laughs »)": (
        "DOCTYPE declaration refused: a casebook contains neither DTD nor entities (protection against XXE and "
        '"billion laughs")'
    ),
    "déclaration DOCTYPE refusée": "DOCTYPE declaration refused",
    "XML mal formé : {detail}": "malformed XML: {detail}",
    # what the XML libraries said (testbench.casebook.source: malformed), names kept as written
    "fin du fichier avant la fermeture de <{tag}> (ouvert ligne {line})": "end of file before <{tag}> is closed (opened at line {line})",  # noqa: E501
    "balise fermante </{close}> alors que <{open}> (ligne {line}) est ouvert": "closing tag </{close}> while <{open}> (line {line}) is open",  # noqa: E501
    "balise ouvrante <{tag}> non terminée (ligne {line})": "start tag <{tag}> not finished (line {line})",
    "attribut « {name} » en double": 'duplicate attribute "{name}"',
    "entité « {name} » non définie": 'undefined entity "{name}"',
    "contenu après la fin de l'élément racine": "content after the end of the root element",
    "nom d'élément invalide": "invalid element name",
    "nom d'attribut invalide": "invalid attribute name",
    "valeur d'attribut sans guillemets": "attribute value without quotes",
    "attributs mal écrits": "badly written attributes",
    "attribut « {name} » sans valeur": 'attribute "{name}" without a value',
    "« < » non échappé dans une valeur d'attribut": "unescaped “<” in an attribute value",
    "commentaire non terminé": "comment not terminated",
    "« & » seul : écrivez &amp;": "a lone “&”: write &amp;",
    "référence de caractère interdite (&#{code};)": "forbidden character reference (&#{code};)",
    "aucun élément XML": "no XML element",
    "caractère ou balise invalide": "invalid character or tag",
    "balise fermante qui ne correspond pas à la balise ouverte": "closing tag that does not match the open tag",
    "balise ou texte non terminé": "tag or text not finished",
    "aucun élément (fichier vide ou coupé)": "no element (empty or cut-short file)",
    "entité non définie": "undefined entity",
    "attribut en double": "duplicate attribute",
    "imbrication trop profonde (plus de {limit} niveaux d'éléments)": (
        "nesting too deep (more than {limit} levels of elements)"
    ),
    'espace de noms « {found} » inconnu : un cahier de tests version 1 déclare xmlns="{namespace}"': (
        'unknown namespace "{found}": a version 1 casebook declares xmlns="{namespace}"'
    ),
    "aucun espace de noms": "no namespace",
    'élément racine <{root}> : un cahier de tests commence par <casebook xmlns="{namespace}" format-version="1">': (
        'root element <{root}>: a casebook starts with <casebook xmlns="{namespace}" format-version="1">'
    ),
    "identifiant de cas « {case} » déjà utilisé en {where}": 'case id "{case}" already used at {where}',
    "identifiant de cas « {case} » en double (déjà utilisé en {where})": (
        'duplicate case id "{case}" (already used at {where})'
    ),
    "date d'effet « {date} » invalide : attendu AAAA-MM-JJ sans fuseau": (
        'invalid effective date "{date}": YYYY-MM-DD expected, without a time zone'
    ),
    "profil de carte « {profile} » refusé : chemin relatif au dossier du cahier, sans « .. »": (
        'card profile "{profile}" refused: a path relative to the casebook\'s folder, without ".."'
    ),
    "profil de carte introuvable : {path}": "card profile not found: {path}",
    "le lecteur « {slot} » est déjà exigé pour ce cas": 'reader "{slot}" is already required for this case',
    "carte « {card} » absente des fixtures": 'card "{card}" is not in the fixtures',
    "identifiant d'étape « {step} » en double dans ce cas": 'duplicate step id "{step}" in this case',
    "identifiant d'attendu « {expectation} » en double dans ce cas": (
        'duplicate expectation id "{expectation}" in this case'
    ),
    "carte « {card} » déjà déclarée dans les fixtures": 'card "{card}" already declared in the fixtures',
    "patient « {patient} » déjà déclaré dans les fixtures": 'patient "{patient}" already declared in the fixtures',
    "prescription « {prescription} » déjà déclarée dans les fixtures": (
        'prescription "{prescription}" already declared in the fixtures'
    ),
    "le patient référence la carte « {card} », absente des fixtures": (
        'the patient refers to card "{card}", which is not in the fixtures'
    ),
    "l'étape « {step} » n'existe pas dans le cas {case}": 'step "{step}" does not exist in case {case}',
    "règle de normalisation inconnue : {unknown} (connues : {known})": (
        "unknown normalisation rule: {unknown} (known: {known})"
    ),
    "valeur attendue « {expected} » invalide pour le type {type}": (
        'expected value "{expected}" is not valid for type {type}'
    ),
    "une tolérance ne s'applique qu'au type decimal": "a tolerance applies to the decimal type only",
    "un refus ne peut viser qu'une action automatique (« {step} » est manuelle)": (
        'a refusal can only target an automatic action ("{step}" is manual)'
    ),
    "l'étape « {step} » a déjà un refus attendu": 'step "{step}" already has an expected refusal',
    "code de refus « {code} » inconnu (codes connus : {known})": 'unknown refusal code "{code}" (known codes: {known})',
    "motif de trace invalide (expression régulière) : {error}": "invalid trace pattern (regular expression): {error}",
    "valeur attendue sur une étape dont le refus est attendu ({steps})": (
        "value expected from a step whose refusal is expected ({steps})"
    ),
    "chemin d'observation « {path} » inconnu (voir docs/casebook-format.md)": (
        'unknown observation path "{path}" (see docs/casebook-format.md)'
    ),
    "aucune étape manuelle du cas n'observe « {path} »": 'no manual step of the case observes "{path}"',
    "« {path} » est observé par l'étape « {source} », pas « {step} »": (
        '"{path}" is observed by step "{source}", not "{step}"'
    ),
    "« {path} » n'est pas produit par l'étape « {step} » ({action}) mais par : {producers}": (
        '"{path}" is not produced by step "{step}" ({action}) but by: {producers}'
    ),
    "aucune étape du cas ne produit « {path} » ({producers})": 'no step of the case produces "{path}" ({producers})',
    "un cas fse précise son mode : securise, degrade ou sesam-sans-vitale": (
        "an fse case states its mode: securise, degrade or sesam-sans-vitale"
    ),
    "un cas fse contient au moins une étape <invoice>": "an fse case contains at least one <invoice> step",
    'un cas en mode sécurisé exige une carte Vitale (<card slot="vitale" …/> dans <cards>)': (
        'a case in sécurisé mode requires a Vitale card (<card slot="vitale" …/> in <cards>)'
    ),
    "un cas en mode sécurisé lit la carte Vitale (étape <read-vitale>)": (
        "a case in sécurisé mode reads the Vitale card (<read-vitale> step)"
    ),
    "lecture de la carte Vitale impossible en mode {mode}": "the Vitale card cannot be read in {mode} mode",
    "aucune carte dans le lecteur « {slot} » à cette étape": 'no card in reader "{slot}" at this step',
    "<{action}> exige une carte dans le lecteur « {slot} » (exigée dans <cards> ou insérée avant)": (
        '<{action}> needs a card in reader "{slot}" (required in <cards> or inserted before)'
    ),
    "<secure> sans facture préalable (<invoice>) dans le cas": (
        "<secure> without an earlier invoice (<invoice>) in the case"
    ),
    "<build-lot> sans facture sécurisée préalable (<secure>) dans le cas": (
        "<build-lot> without an earlier secured invoice (<secure>) in the case"
    ),
    "<read-returns> sans lot préalable (<build-lot>) dans le cas": (
        "<read-returns> without an earlier batch (<build-lot>) in the case"
    ),
    "patient « {patient} » absent des fixtures": 'patient "{patient}" is not in the fixtures',
    "un code de rejet n'a pas de sens pour le scénario « {scenario} »": (
        'a rejection code makes no sense for scenario "{scenario}"'
    ),
    "prescription « {prescription} » absente des fixtures": 'prescription "{prescription}" is not in the fixtures',
    "en mode sécurisé, la carte Vitale est lue (<read-vitale>) avant la facture": (
        "in sécurisé mode, the Vitale card is read (<read-vitale>) before the invoice"
    ),
    "le patient « {patient} » est sur la carte « {card} », mais le lecteur vitale contient « {vitale} »": (
        'patient "{patient}" is on card "{card}", but the vitale reader holds "{vitale}"'
    ),
    "tiers payant amo+amc : précisez le contrat AMC (attribut amc)": (
        "tiers payant amo+amc: state the AMC contract (amc attribute)"
    ),
    "amc-cap ne s'applique qu'au contrat amc=\"tm+depassement\"": (
        'amc-cap applies to the amc="tm+depassement" contract only'
    ),
    "la facture n'a aucune ligne (<line>)": "the invoice has no line (<line>)",
    "code LPP « {code} » invalide : 7 chiffres attendus": 'invalid LPP code "{code}": 7 digits expected',
    "lettre-clé NGAP « {code} » invalide : 1 à 5 lettres majuscules attendues": (
        'invalid NGAP key letter "{code}": 1 to 5 capital letters expected'
    ),
    "quantité nulle ou négative : attendez le refus INVALID_QUANTITY ou corrigez": (
        "zero or negative quantity: expect the INVALID_QUANTITY refusal or correct it"
    ),
    "le PLV ne concerne que les lignes LPP": "the PLV concerns LPP lines only",
    "PLV {plv} inférieur au tarif {tariff} : impossible": "PLV {plv} below the tariff {tariff}: impossible",
    "prix unitaire {price} au-dessus du PLV {plv} sans refus PRICE_ABOVE_PLV attendu": (
        "unit price {price} above the PLV {plv} without an expected PRICE_ABOVE_PLV refusal"
    ),
    # testbench validate
    "{path} : valide — {plan} {evolution} v{version}, {count} cas, sha256 {digest}": (
        "{path}: valid — {plan} {evolution} v{version}, {count} case(s), sha256 {digest}"
    ),
    "{failed} cahier(s) sur {total} invalide(s)": "{failed} of {total} casebook(s) invalid",
    "--max-size doit être positif": "--max-size must be positive",
    # testbench diff (testbench/report/diff.py, diff_bench.py)
    "RÉGRESSION": "REGRESSION",
    "NOUVEL ÉCHEC": "NEW FAILURE",
    "verdict changé": "verdict changed",
    "corrigé": "fixed",
    "nouveau cas": "new case",
    "cas absent": "case gone",
    "valeurs ou traces changées": "values or traces changed",
    "identique": "same",
    "différent": "different",
    "bilan": "summary",
    "normalisation des traces": "trace normalisation",
    "Normalisation des traces": "Trace normalisation",
    "environnement du produit": "product environment",
    "normalisation du banc": "bench normalisation",
    "différences du banc, sans effet sur la comparaison": "bench differences, with no effect on the comparison",
    "cahier de tests différent entre A et B": "casebook differs between A and B",
    "montant": "amount",
    "valeur": "value",
    "attendu": "expected",
    "traces : +{added} −{removed} lignes (après normalisation)": "traces: +{added} −{removed} lines (after normalisation)",  # noqa: E501
    "… {count} ligne(s) de plus": "… {count} more line(s)",
    "{count} régression(s)": "{count} regression(s)",
    "aucune régression": "no regression",
    "Comparaison de campagnes": "Campaign comparison",
    "Changement": "Change",
    "Valeurs": "Values",
    "horodatage": "timestamp",
    "durée": "duration",
    "référence-facture": "invoice-reference",
    "lecteurs": "readers",
    "lecteur": "reader",
    "poste": "workstation",
    "chemins": "paths",
    "chemin": "path",
    "commande du moteur": "engine command",
    "cartes": "cards",
    "utilisateur": "user",
    "plateforme": "platform",
    "ligne de commande": "command line",
    "moteur": "engine",
    "version du socle": "socle version",
    "agrément du moteur": "engine's agrément",
    "logiciel testé": "software under test",
    "cahier": "casebook",
    # testbench report (testbench/cli/report_cmd.py) and the stages of testbench/report/build.py
    "rapport : {stage}…": "report: {stage}…",
    "lecture de la session, anonymisation, pièces": "reading the session, redaction, evidence files",
    "mise en page HTML": "HTML layout",
    "impression PDF par Chromium (environ 1 min pour 700 cas)": "PDF printing by Chromium (about 1 min for 700 cases)",
    "manifeste": "manifest",
    "manifeste et signature": "manifest and signature",
    "--excerpt doit être positif ou nul": "--excerpt must be zero or more",
    "ATTENTION rapport NON anonymisé (--no-redact)": "WARNING: report NOT redacted (--no-redact)",
    "signé": "signed",
    # testbench engine check's failures (testbench/engines/protocol/conformance.py)
    "pas de FSE dans la réponse": "no FSE in the answer",
    "FSE XML mal formée : {detail}": "malformed FSE XML: {detail}",
    "FSE non conforme au XSD : {errors}": "FSE not valid against the XSD: {errors}",
    "la même requête rend des montants différents": "the same request returns different amounts",
    "pas de facture à sécuriser (create_invoice a échoué)": "no invoice to secure (create_invoice failed)",
    "pas de facture à mettre en lot": "no invoice to put in a lot",
    "invoice_count = {count} au lieu de 1": "invoice_count = {count} instead of 1",
    "totals.amo du lot {amo} ≠ facture": "the lot's totals.amo {amo} ≠ the invoice's",
    "méthode inconnue acceptée au lieu de l'erreur -32601": "unknown method accepted instead of error -32601",
    "le moteur a dû être redémarré": "the engine had to be restarted",
    "aucune réponse à une ligne illisible (moteur arrêté ou muet)": "no answer to an unreadable line (engine stopped or mute)",  # noqa: E501
    "réponse {answer} au lieu de -32700": "answer {answer} instead of -32700",
    "délai de {seconds} s dépassé : {methods}": "time limit of {seconds} s exceeded: {methods}",
    "moteur non démarré": "engine not started",
    "code de sortie {code} après shutdown (arrêt forcé)": "exit code {code} after shutdown (forced stop)",
    "capacités absentes : {names}": "missing capabilities: {names}",
    "code de refus instable : {first} puis {second}": "unstable refusal code: {first} then {second}",
    "paramètres invalides acceptés": "invalid parameters accepted",
    "requête acceptée au lieu d'un refus typé": "request accepted instead of a typed refusal",
    "code {code} au lieu de {expected}": "code {code} instead of {expected}",
    "code {code} au lieu de {expected} ou d'un refus": "code {code} instead of {expected} or a refusal",
    "ligne {line}: amo + amc + patient ≠ base + dépassement": "line {line}: amo + amc + patient ≠ base + excess fee",
    "totals.{key} = {value} ≠ somme des lignes {total}": "totals.{key} = {value} ≠ sum of the lines {total}",
    # card profiles (testbench/cards/profile.py: ProfileError) and the NIRs they hold (testbench/cards/nir.py)
    "profil de carte illisible : {reason}": "card profile cannot be read: {reason}",
    "ATR trop court": "ATR too short",
    "<{tag}> n'a pas de sens sur une carte {kind}": "<{tag}> makes no sense on a {kind} card",
    "une carte {kind} exige <{tag}>": "a {kind} card requires <{tag}>",
    "une carte Vitale exige au moins un <beneficiary>": "a Vitale card requires at least one <beneficiary>",
    "une carte Vitale 1 ne porte pas de date de fin de droits": "a Vitale 1 card carries no end date of rights",
    "rang {rank} en double": "duplicate rank {rank}",
    "le bénéficiaire de rang 1 manque": "the beneficiary of rank 1 is missing",
    "numéro de situation hors de 0…15": "situation number outside 0…15",
    "tries-left dépasse max-tries": "tries-left exceeds max-tries",
    "df invalide : {df}": "invalid df: {df}",
    "NIR invalide (13 caractères attendus) : {nir}": "invalid NIR (13 characters expected): {nir}",
    "NIR invalide (15 caractères attendus) : {nir}": "invalid NIR (15 characters expected): {nir}",
    "clé NIR incorrecte pour {body} : {key} (attendu {expected})": "wrong NIR key for {body}: {key} ({expected} expected)",  # noqa: E501
    # the runner's reasons and comparisons (testbench/runner: runner.py, compare.py), recorded in French
    "{expectation} : attendu {expected}, observé {observed} ({detail})": "{expectation}: expected {expected}, observed {observed} ({detail})",  # noqa: E501
    "attendu {expected}, observé {observed} ({detail})": "expected {expected}, observed {observed} ({detail})",
    "égal": "equal",
    "écart {delta} ≤ tolérance {tolerance}": "difference {delta} ≤ tolerance {tolerance}",
    "écart {delta} > tolérance {tolerance}": "difference {delta} > tolerance {tolerance}",
    "{expectation} : valeur absente : {path}": "{expectation}: value missing: {path}",
    "valeur absente : {path}": "value missing: {path}",
    "{expectation} : l'étape {step} n'a pas été exécutée": "{expectation}: step {step} was not run",
    "l'étape {step} n'a pas été exécutée": "step {step} was not run",
    "{expectation} : refus attendu {expected}, refus observé {code}": "{expectation}: refusal {expected} expected, refusal {code} observed",  # noqa: E501
    "refus attendu {expected}, refus observé {code}": "refusal {expected} expected, refusal {code} observed",
    "{expectation} : refus {code} attendu à l'étape {step}, mais l'étape a été acceptée": "{expectation}: refusal {code} expected at step {step}, but the step was accepted",  # noqa: E501
    "refus {code} attendu à l'étape {step}, mais l'étape a été acceptée": "refusal {code} expected at step {step}, but the step was accepted",  # noqa: E501
    "étape {step} refusée par le moteur : {code} {message}": "step {step} refused by the engine: {code} {message}",
    "étape manuelle {step} en attente de l'opérateur": "manual step {step} waiting for the operator",
    "étape manuelle {step} rejetée par l'opérateur : {note}": "manual step {step} rejected by the operator: {note}",
    "défaut du banc : {detail}": "bench fault: {detail}",
    "{expectation} : {count} ligne(s) interdite(s) {where}": "{expectation}: {count} forbidden line(s) {where}",
    "{count} ligne(s) interdite(s) {where}": "{count} forbidden line(s) {where}",
    "{expectation} : aucune ligne ne correspond {where}": "{expectation}: no line matches {where}",
    "aucune ligne ne correspond {where}": "no line matches {where}",
    "{count} ligne(s) trouvée(s) {where}": "{count} line(s) found {where}",
    "aucune ligne {where}": "no line {where}",
    "à l'étape {step}": "at step {step}",
    "pendant le cas": "during the case",
    "motif invalide : {error}": "invalid pattern: {error}",
    "présent /{pattern}/ sur {channel}": "present /{pattern}/ on {channel}",
    "absent /{pattern}/ sur {channel}": "absent /{pattern}/ on {channel}",
    # the reference engine's refusals (testbench/engines/reference, codes in refusals.py): the code stays,
    # its sentence reads in the report's language
    "lecture de carte indisponible ({reason})": "card reading unavailable ({reason})",
    "aucun lecteur de cartes n'est relié au moteur": "no card reader is linked to the engine",
    "carte {kind} de nature réelle : seules les cartes de test sont acceptées": "{kind} card of real nature: only test cards are accepted",  # noqa: E501
    "ADRi: NIR absent de la requête": "ADRi: NIR missing from the request",
    "ADRi: bénéficiaire inconnu": "ADRi: unknown beneficiary",
    "facture {ref} déjà créée (doublon de FSE)": "invoice {ref} already created (duplicate FSE)",
    "facture inconnue {invoice}": "unknown invoice {invoice}",
    "lot sans facture": "lot without an invoice",
    "facture {number} non sécurisée": "invoice {number} not secured",
    "facture {number} déjà dans le lot {lot}": "invoice {number} already in lot {lot}",
    "régimes différents dans un lot: {regimes}": "different regimes in one lot: {regimes}",
    "scénario de retour inconnu {scenario}": "unknown return scenario {scenario}",
    "aucun lot construit": "no lot built",
    "lot inconnu {lot}": "unknown lot {lot}",
    "{field}: objet attendu": "{field}: object expected",
    "{field}: chaîne attendue": "{field}: string expected",
    "{field}: booléen attendu": "{field}: boolean expected",
    "{field}: date ISO attendue (AAAA-MM-JJ)": "{field}: ISO date expected (YYYY-MM-DD)",
    "{field}: date invalide {value}": "{field}: invalid date {value}",
    "{field}: quantité entière de 1 à 999 attendue": "{field}: a whole quantity from 1 to 999 expected",
    "{field}: nomenclature {nomenclature} non gérée": "{field}: nomenclature {nomenclature} not supported",
    "{field}: un code LPP a 7 chiffres ({code})": "{field}: an LPP code has 7 digits ({code})",
    "{field}: coefficient positif attendu": "{field}: positive coefficient expected",
    "{field}: code d'exonération d'un caractère attendu": "{field}: one-character exoneration code expected",
    "{field}: une valeur parmi {values}": "{field}: one of {values}",
    "arrondi {rounding} non géré": "rounding {rounding} not supported",
    "{field}: entier attendu": "{field}: integer expected",
    "amc.contract: 'tm' ou 'tm+depassement'": "amc.contract: 'tm' or 'tm+depassement'",
    "{field}: liste attendue": "{field}: list expected",
    "facture sans ligne": "invoice without a line",
    "{count} lignes (999 au plus)": "{count} lines (999 at most)",
    "ligne {line}: aucun taux {category} {modulation} au {date}": "line {line}: no {category} {modulation} rate on {date}",  # noqa: E501
    "ligne {line}: ALD facturée sans droits ALD": "line {line}: ALD billed without ALD rights",
    "ligne {line}: pas de tarif {code} au {date}": "line {line}: no tariff for {code} on {date}",
    "ligne {line}: code {nomenclature} {code} inconnu": "line {line}: unknown {nomenclature} code {code}",
    "ligne {line}: soins du {date} hors de la période de droits": "line {line}: care on {date} outside the rights period",  # noqa: E501
    "tiers payant AMO+AMC sans contrat AMC": "tiers payant AMO+AMC without an AMC contract",
    "ligne {line}: montant négatif": "line {line}: negative amount",
    "ligne {line}: prix {price} au-dessus du PLV {plv} ({code})": "line {line}: price {price} above the PLV {plv} ({code})",  # noqa: E501
    "ligne {line}: dépassement de {amount} interdit pour un bénéficiaire C2S": "line {line}: excess fee of {amount} not allowed for a C2S beneficiary",  # noqa: E501
    # the command line's own messages (verify, keys, merge, engine check, run, ui) and what they print of the
    # core (session store, campaign, integrity checks): French as written, read back here in English
    "{path}: {message}": "{path}: {message}",  # a file named before what is said of it: each part on its own
    "ok : {check}": "ok: {check}",
    "modifié : {path}": "modified: {path}",
    "manquant : {path}": "missing: {path}",
    "ajouté : {path}": "added: {path}",
    "{path} (lien symbolique)": "{path} (symbolic link)",
    "{path} (fichier spécial)": "{path} (special file)",
    "{path} (dossier vide)": "{path} (empty folder)",
    "clé illisible ({reason})": "unreadable key ({reason})",
    "ni une clé publique en base64 ni une clé privée PEM": "neither a base64 public key nor a PEM private key",
    "fichier de session introuvable": "session file not found",
    "n'est pas un fichier de session lisible ({reason})": "is not a readable session file ({reason})",
    "signature Ed25519 valide, clé {key} (signé le {date})": "valid Ed25519 signature, key {key} (signed on {date})",
    "{count} fichiers conformes au manifeste": "{count} files match the manifest",
    "journal-chain.json ne correspond pas à la tête de chaîne annoncée par report.json": (
        "journal-chain.json does not match the chain head stated in report.json"
    ),
    "journal-chain.json ne correspond pas à la tête de chaîne inscrite au manifeste": (
        "journal-chain.json does not match the chain head recorded in the manifest"
    ),
    "chaîne du journal cohérente ({count} entrées, tête {head}…)": "journal chain consistent ({count} entries, head {head}…)",  # noqa: E501
    "chaîne du journal intègre ({count} entrées, tête {head}…)": "journal chain intact ({count} entries, head {head}…)",
    "le rapport annonce une autre clé de signature que celle qui l'a signé": (
        "the report states another signing key than the one that signed it"
    ),
    "manifest.json : ancre de la chaîne du journal illisible": "manifest.json: the journal chain's anchor is unreadable",  # noqa: E501
    "journal-chain.json illisible ou incomplet": "journal-chain.json unreadable or incomplete",
    "session : {message}": "session: {message}",
    "journal coupé — la session n'a plus que {live} entrée(s) de chaîne, le rapport a été construit sur {length} (tête {head}…) : des enregistrements ont été retirés": "journal cut short — the session has only {live} chain entries left, the report was built on {length} (head {head}…): records were removed",  # noqa: E501
    "le rapport n'a pas été construit depuis cette session, ou la session a été réécrite (chaînes différentes)": (
        "the report was not built from this session, or the session was rewritten (different chains)"
    ),
    "{count} entrée(s) ajoutée(s) depuis le rapport (revue ?)": "{count} entries added since the report (a review?)",
    "le rapport correspond à la session": "the report matches the session",
    "annotation {id} du cas {case} : signature invalide": "annotation {id} of case {case}: invalid signature",
    "manifest.json absent : rien ne permet de vérifier ce dossier": "manifest.json missing: nothing can verify this folder",  # noqa: E501
    "{name} illisible ({reason})": "{name} unreadable ({reason})",
    "{name} invalide ({reason})": "{name} invalid ({reason})",
    "format inconnu": "unknown format",
    "forme non canonique": "not in canonical form",
    "format ou algorithme inattendu": "unexpected format or algorithm",
    "encodage base64 non canonique": "non-canonical base64 encoding",
    "manifest.json n'est plus sous sa forme d'origine": "manifest.json is no longer in its original form",
    "{name} ne correspond plus à la signature (manifeste modifié après signature)": (
        "{name} no longer matches the signature (manifest changed after signing)"
    ),
    "{name} : empreinte de clé incohérente avec la clé publique": "{name}: key fingerprint inconsistent with the public key",  # noqa: E501
    "{name} : signature invalide": "{name}: invalid signature",
    "signé par une autre clé ({found}…) que la clé attendue ({expected}…)": (
        "signed by another key ({found}…) than the expected key ({expected}…)"
    ),
    "chaîne : entrée n° {seq} à la place {place} (entrée supprimée ou déplacée)": (
        "chain: entry no. {seq} in place {place} (an entry deleted or moved)"
    ),
    "chaîne : l'entrée {seq} ne suit pas la précédente (prev différent)": (
        "chain: entry {seq} does not follow the previous one (different prev)"
    ),
    "chaîne : l'entrée {seq} ({kind}) a été modifiée": "chain: entry {seq} ({kind}) was modified",
    "session sans chaîne d'intégrité (schéma antérieur à la v2)": "session without an integrity chain (schema before v2)",  # noqa: E501
    "chaîne : entrée {seq} de type inconnu {kind}": "chain: entry {seq} of unknown kind {kind}",
    # (rows spelt out: a "{table} {rows}" shape would also take "session : attempts lignes…" apart wrongly)
    "{table} lignes {first}–{last} : contenu différent de celui enregistré dans la chaîne (entrée {seq})": (
        "{table} lines {first}–{last}: content differs from what the chain recorded (entry {seq})"
    ),
    "{table} lignes {first}–{last} : contenu différent de celui enregistré dans la chaîne (entrée {seq}), {count} ligne(s) supprimée(s)": "{table} lines {first}–{last}: content differs from what the chain recorded (entry {seq}), {count} line(s) deleted",  # noqa: E501
    "{table} ligne {id} : contenu différent de celui enregistré dans la chaîne (entrée {seq})": (
        "{table} line {id}: content differs from what the chain recorded (entry {seq})"
    ),
    "{table} ligne {id} : contenu différent de celui enregistré dans la chaîne (entrée {seq}), {count} ligne(s) supprimée(s)": "{table} line {id}: content differs from what the chain recorded (entry {seq}), {count} line(s) deleted",  # noqa: E501
    "tentative {id} : verdict ou motif modifié après coup (entrée {seq})": (
        "attempt {id}: verdict or reason changed afterwards (entry {seq})"
    ),
    "{table} : {count} ligne(s) hors chaîne (ajoutées après coup ?) : {ids}": (
        "{table}: {count} line(s) outside the chain (added afterwards?): {ids}"
    ),
    "artifacts : le fichier {sha}… ne correspond plus à son empreinte": "artifacts: file {sha}… no longer matches its hash",  # noqa: E501
    "attempts : verdict sans entrée de chaîne pour les tentatives {ids}": (
        "attempts: verdict without a chain entry for attempts {ids}"
    ),
    "{table} : table absente de la chaîne (entrées supprimées ?)": "{table}: table missing from the chain (entries deleted?)",  # noqa: E501
    "{table} : contenu modifié depuis son dernier enregistrement dans la chaîne (entrée {seq})": (
        "{table}: content changed since its last record in the chain (entry {seq})"
    ),
    "{table} : contenu modifié depuis son dernier enregistrement dans la chaîne (entrée {seq}), {count} ligne(s) au lieu de {expected}": "{table}: content changed since its last record in the chain (entry {seq}), {count} line(s) instead of {expected}",  # noqa: E501
    "annotation {id} : signée sur une autre tête de chaîne que celle qui la précède (journal réécrit avant elle)": (
        "annotation {id}: signed over another chain head than the one before it (journal rewritten before it)"
    ),
    # testbench keys (and the signing keys' errors)
    "refus d'écrire une clé privée dans un dossier de rapport": "refusing to write a private key into a report folder",
    "clé privée : {path} (lisible par vous seul ; ne la copiez ni dans une session ni dans un rapport)": (
        "private key: {path} (readable by you only; copy it into neither a session nor a report)"
    ),
    "clé publique : {key}": "public key: {key}",
    "empreinte : ": "fingerprint: ",
    "une clé existe déjà (--force pour la remplacer)": "a key already exists (--force to replace it)",
    "clé de signature illisible ({reason}) ; créez-la avec « testbench keys init »": (
        'signing key unreadable ({reason}); create it with "testbench keys init"'
    ),
    "clé privée lisible par d'autres utilisateurs ; chmod 600 {path}": "private key readable by other users; chmod 600 {path}",  # noqa: E501
    "pas une clé privée PEM lisible": "not a readable PEM private key",
    "la clé n'est pas une clé Ed25519": "the key is not an Ed25519 key",
    "clé publique Ed25519 invalide (32 octets attendus)": "invalid Ed25519 public key (32 bytes expected)",
    # testbench merge
    "{path} : {sessions} sessions, {cases} cas, {attempts} tentatives": (
        "{path}: {sessions} session(s), {cases} case(s), {attempts} attempt(s)"
    ),
    ", {count} tentative(s) en double ignorée(s)": ", {count} duplicate attempt(s) ignored",
    "existe déjà ; choisissez un nouveau fichier de session": "already exists; choose a new session file",
    "la session fusionnée doit être un nouveau fichier": "the merged session must be a new file",
    "fusion refusée : une session d'entrée a été modifiée": "merge refused: an input session was modified",
    # testbench engine check (testbench/engines/protocol/conformance.py)
    "indiquez la commande du moteur après --": "give the engine's command after --",
    "Conformité du moteur : {command}": "Engine conformance: {command}",
    "MOTEUR INDISPONIBLE : vérifications interrompues.": "ENGINE UNAVAILABLE: checks stopped.",
    "NON CONFORME : {failed} échec(s) sur {total} vérifications.": "NOT CONFORMANT: {failed} of {total} checks failed.",
    "CONFORME : {total} vérifications réussies.": "CONFORMANT: {total} checks passed.",
    "le moteur démarre et répond à initialize": "the engine starts and answers initialize",
    "describe rend la description du moteur": "describe returns the engine's description",
    "create_invoice (exemple E1) : forme et arithmétique": "create_invoice (example E1): shape and arithmetic",
    "la FSE est du XML bien formé (et conforme à notre XSD si c'est notre format)": (
        "the FSE is well-formed XML (and valid against our XSD if it is our format)"
    ),
    "même requête deux fois → mêmes montants": "same request twice → same amounts",
    "quantité nulle → refus typé, code stable": "zero quantity → typed refusal, stable code",
    "code LPP inconnu → refus typé, code stable": "unknown LPP code → typed refusal, stable code",
    "secure_invoice rend une facture sécurisée": "secure_invoice returns a secured invoice",
    "build_lot rend un lot et son fichier": "build_lot returns a lot and its file",
    "read_returns : ARL ±, RSP payé / rejeté": "read_returns: ARL ±, RSP paid / rejected",
    "adri_query rend des droits ou un refus typé": "adri_query returns rights or a typed refusal",
    "read_vitale / read_cps : contenu ou erreur typée": "read_vitale / read_cps: content or typed error",
    "méthode inconnue → erreur -32601": "unknown method → error -32601",
    "paramètres invalides → erreur -32602 ou refus, sans arrêt": "invalid parameters → error -32602 or refusal, no stop",  # noqa: E501
    "ligne illisible → erreur -32700, sans arrêt": "unreadable line → error -32700, no stop",
    "chaque message reçu est du JSON-RPC 2.0 conforme": "every message received is conformant JSON-RPC 2.0",
    "notifications de trace conformes": "conformant trace notifications",
    "chaque appel répond dans le délai": "every call answers in time",
    "shutdown arrête le moteur proprement (code 0)": "shutdown stops the engine cleanly (code 0)",
    "{count} capacités": "{count} capabilities",
    "FSE conforme au XSD testbench": "FSE valid against the testbench XSD",
    "FSE XML bien formée (élément {tag}, XSD non applicable)": "well-formed FSE XML (element {tag}, XSD not applicable)",  # noqa: E501
    "deux requêtes identiques, mêmes montants": "two identical requests, same amounts",
    "refus {code}": "refusal {code}",
    "statut {status}": "status {status}",
    "droits ouverts : {rights}": "rights open: {rights}",
    "vitale : {vitale}, cps : {cps}": "vitale: {vitale}, cps: {cps}",
    "lue": "read",
    "erreur carte typée ({name})": "typed card error ({name})",
    "refus typé {code}": "typed refusal {code}",
    "refus typé {code} (accepté)": "typed refusal {code} (accepted)",
    "erreur {code}": "error {code}",
    "erreur typée, le moteur continue": "typed error, the engine keeps running",
    "erreur {code}, le moteur continue": "error {code}, the engine keeps running",
    "{count} messages reçus conformes": "{count} conformant messages received",
    "{count} lignes de trace": "{count} trace lines",
    "tous les appels sous {seconds} s": "every call under {seconds} s",
    "arrêt propre en {seconds} s": "clean stop in {seconds} s",
    "délai dépassé : {reason}": "timed out: {reason}",
    "le moteur s'est arrêté : {reason}": "the engine stopped: {reason}",
    "redémarrage impossible : {reason}": "cannot restart: {reason}",
    "protocole : {reason}": "protocol: {reason}",
    "refus inattendu {code} : {message}": "unexpected refusal {code}: {message}",
    # testbench run (testbench/runner/campaign.py) and the session store (testbench/store/session.py)
    "aucun cas exécuté": "no case run",
    "session : {path} — {counts}": "session: {path} — {counts}",
    "rapport : {path}": "report: {path}",
    "aucun cas ne correspond à la sélection (-k / --tag)": "no case matches the selection (-k / --tag)",
    "aucune campagne à reprendre dans cette session": "no campaign to resume in this session",
    "le cahier de tests d'empreinte {sha}… de la session n'est pas parmi les fichiers donnés (ou il a changé depuis le début de la session)": "the session's casebook with hash {sha}… is not among the files given (or it changed since the session began)",  # noqa: E501
    "attestations illisibles ({reason})": "unreadable attestations ({reason})",
    "JSON invalide ligne {line}, colonne {column}": "invalid JSON at line {line}, column {column}",
    "pas du texte UTF-8": "not UTF-8 text",
    "syslog : 127.0.0.1 UDP {udp} / TCP {tcp}": "syslog: 127.0.0.1 UDP {udp} / TCP {tcp}",
    "source de traces : {reason}": "trace source: {reason}",
    "{count} tentative(s) interrompue(s) conservée(s) dans l'historique": "{count} interrupted attempt(s) kept in the history",  # noqa: E501
    "la session contient déjà des résultats ; --resume pour reprendre, --rerun pour rejouer les cas (nouvelles tentatives)": "the session already holds results; --resume to resume, --rerun to run the cases again (new attempts)",  # noqa: E501
    "banc indisponible : {reason}": "bench unavailable: {reason}",
    "tentative interrompue (processus arrêté avant le verdict)": "attempt interrupted (process stopped before the verdict)",  # noqa: E501
    "expression -k invalide (colonne {column}) : {message} — « {expression} »": (
        "invalid -k expression (column {column}): {message} — “{expression}”"
    ),
    "expression -k invalide : {message} — « {expression} »": "invalid -k expression: {message} — “{expression}”",
    "expression vide": "empty expression",
    "« {word} » inattendu": "unexpected “{word}”",
    "l'expression se termine trop tôt": "the expression ends too early",
    "parenthèse fermante manquante": "missing closing parenthesis",
    "est un dossier, pas un fichier de session": "is a folder, not a session file",
    "session déjà ouverte en écriture par un autre processus ; fermez-le ou ouvrez la session en lecture seule": (
        "session already open for writing by another process; close it or open the session read-only"
    ),
    "session déjà ouverte en écriture par un autre processus (pid {pid} sur {host}) ; fermez-le ou ouvrez la session en lecture seule": "session already open for writing by another process (pid {pid} on {host}); close it or open the session read-only",  # noqa: E501
    "écriture impossible ({reason}) ; la session est intacte jusqu'au dernier événement enregistré : libérez de l'espace disque puis reprenez avec --resume": "cannot write ({reason}); the session is intact up to the last recorded event: free some disk space, then resume with --resume",  # noqa: E501
    "schéma de session {version} non pris en charge (attendu 1..{latest})": (
        "session schema {version} not supported (expected 1..{latest})"
    ),
    "fichier de session au schéma {version}, cette version de testbench connaît le schéma {latest} au plus : mettez testbench à jour": "session file at schema {version}, this version of testbench knows schema {latest} at most: update testbench",  # noqa: E501
    # testbench ui, before the workstation starts
    "interface texte indisponible : le module Python « {module} » manque": (
        'text interface unavailable: the Python module "{module}" is missing'
    ),
    "cartes {cards}, moteur {engine}": "cards {cards}, engine {engine}",
    "cartes {cards}, moteur {engine}, cartes réelles admises": "cards {cards}, engine {engine}, real cards allowed",
    # what SQLite said (testbench/store/session.py: sqlite_reason)
    "pas une base SQLite": "not an SQLite database",
    "base SQLite endommagée": "damaged SQLite database",
    "disque plein": "disk full",
    "ouverture impossible": "cannot open",
    "base occupée par un autre processus": "database busy in another process",
    "erreur SQLite {name}": "SQLite error {name}",
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


def set_language(lang: str | None) -> None:
    """Make ``lang`` the active language from now on (the workstation's F2 switches it while it runs)."""
    global _active
    _active = lang if lang in LANGUAGES else None


def translator(lang: str | None = None) -> Callable[[str], str]:
    """Return ``t(text)``: the French text itself, or its English version when asked."""
    lang = lang or default_language()
    if lang == "en":
        return english
    return lambda text: text


def colon(lang: str | None = None) -> str:
    """What joins a label to its value: « : » in French typography, ": " in English (no space before)."""
    return ": " if (lang or default_language()) == "en" else " : "


def semicolon(lang: str | None = None) -> str:
    """What separates the items of a list of sentences: « ; » in French, "; " in English."""
    return "; " if (lang or default_language()) == "en" else " ; "


#: Modules whose ``EN_SHAPES`` read back French sentences composed from parts (see :func:`english`).
_SHAPE_MODULES = (
    "testbench.cards.messages",
    "testbench.engines.protocol.validation",
    "testbench.engines.protocol.client",
)
Shape = tuple[re.Pattern[str], Callable[[re.Match[str], Callable[[str], str]], str]]


@functools.lru_cache(maxsize=8192)
def english(text: str) -> str:
    """The English of ``text``: the table's word, else that of a sentence composed from French parts.

    The bench records French (the session is read in either language later), so a composed sentence
    (« aucune carte dans le lecteur « X » ») is read back by its shape: the modules' shapes first, then
    every ``{name}`` template of the table, most literal text first; each part is translated again.
    """
    found = _EN.get(text)
    if found is not None:
        return found
    for needle, pattern, build in _shapes():
        match = pattern.fullmatch(text) if needle in text else None  # the substring test is the cheap one
        if match:
            return build(match, english)
    return text


def _template_shape(french: str, english_text: str) -> Shape | None:
    """A table entry with ``{name}`` parts as a shape; None for a plain word."""
    pieces = re.split(r"\{(\w+)\}", french)
    if len(pieces) == 1 or not "".join(pieces[::2]).strip() or not set(pieces[1::2]) >= _names(english_text):
        return None
    regex, seen, last = "", set(), len(pieces) - 2
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            regex += re.escape(piece)
        elif piece in seen:
            regex += f"(?P={piece})"
        else:  # only the last part may span « : » or « ; » (a reason that carries a whole sentence)
            regex += f"(?P<{piece}>.+?)" if i == last else f"(?P<{piece}>(?:(?! : | ; ).)+?)"
            seen.add(piece)

    def build(match: re.Match[str], t: Callable[[str], str]) -> str:
        return english_text.format(**{k: t(v) for k, v in match.groupdict().items()})

    return re.compile(regex, re.DOTALL), build


def _names(template: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", template))


@functools.cache
def _shapes() -> tuple[tuple[str, *Shape], ...]:
    """(a literal the text must hold, the shape): the modules' shapes, then the templates."""
    own = [("", *s) for name in _SHAPE_MODULES for s in importlib.import_module(name).EN_SHAPES]
    templates = sorted(
        ((fr, en) for fr, en in _EN.items() if "{" in fr),
        key=lambda item: -len(re.sub(r"\{\w+\}", "", item[0])),
    )
    shapes = ((fr, _template_shape(fr, en)) for fr, en in templates)
    return (*own, *((max(re.split(r"\{\w+\}", fr), key=len), *s) for fr, s in shapes if s is not None))
