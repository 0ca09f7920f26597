"""How values are written for a person (CLI, reports): never a raw Python value.

Booleans read oui/non (yes/no), a missing value reads « — », a duration reads « 1 min 56 s », a
structure reads as « clé : valeur » pairs, and control characters — bidirectional ones (which can make a
trace line or a title display in a misleading order, the "Trojan Source" trick) and those a terminal obeys
(an escape sequence recolours it, a carriage return overwrites the line) — are shown as visible markers
such as ``⟨U+202E⟩`` or ``⟨U+001B⟩``. One place for these rules, used by the report and the CLI.
"""

from __future__ import annotations

import codecs
import errno
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from testbench.i18n import _t, colon, default_language, semicolon, translator

MISSING = "—"
#: the no-break space French typography puts between thousands and before a unit (« 1 234,00 € »)
NBSP = "\u00a0"

#: The error handler (``str.encode(…, errors=PLAIN)``) for text written in an encoding that cannot spell every
#: character — Windows' ANSI code page, cp1252 in France, for a redirected output or an Excel CSV; ASCII
#: (``PYTHONIOENCODING=ascii``, an old terminal): the bench's symbols and quotes outside it in ASCII, a letter
#: without its accent (« é » as « e »), anything else « ? ». French letters, « », € and — are in cp1252.
PLAIN = "testbench-plain"
PLAIN_SPELLINGS = {
    "→": "->",
    "←": "<-",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "−": "-",
    "✔": "OK",
    "✘": "X",
    "⟨": "<",
    "⟩": ">",
    "☐": "[ ]",
    "█": "#",
    "░": ".",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "—": "-",
    "–": "-",
    "€": "EUR",
    "œ": "oe",
    "Œ": "OE",
    "æ": "ae",
    "Æ": "AE",
}


def _plain(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return "".join(_plain_char(char) for char in text), error.end


def _plain_char(char: str) -> str:
    """``char`` in ASCII: the bench's spelling, else the letter without its accents (NFKD: « é » is « e » and an
    accent; a no-break space a space), else « ? » (a character that is no accented ASCII)."""
    spelt = PLAIN_SPELLINGS.get(char)
    if spelt is not None:
        return spelt
    bare = "".join(part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part))
    return bare if bare and bare.isascii() and bare.isprintable() else "?"


codecs.register_error(PLAIN, _plain)

#: Unicode bidirectional controls (embeddings and overrides, isolates, implicit marks), the C0 and C1 controls
#: but tab and line feed (a terminal obeys them: escape sequences, carriage return, backspace), and the
#: invisible ones (zero-width space, joiners, word joiner, byte-order mark, line and paragraph separators:
#: a quoted line that holds one looks whole)
CONTROLS = re.compile(
    "[\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


#: the control characters a free text a person types may not hold: those above but tab and line ends
_TYPED_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_in(text: str) -> str | None:
    """« U+001B » for the first control character ``text`` holds (a NUL, an escape; tab and line ends are typed
    text), None when none: a name or a note a file gives that holds one is refused where it is written, since it
    would reach every screen and report raw."""
    found = _TYPED_CONTROLS.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def visible_controls(text: str) -> str:
    """``text`` with each control character (above) replaced by a visible ``⟨U+XXXX⟩`` marker."""
    if CONTROLS.search(text) is None:  # the common case, at the cost of one scan
        return text
    return CONTROLS.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)


def shown(text: str, limit: int) -> str:
    """``text`` as a sentence quotes what another program wrote: cut to ``limit`` characters (« … » marks the cut),
    its control characters made visible (:func:`visible_controls`): a huge value never makes a huge line, and no
    escape sequence reaches a terminal raw."""
    return visible_controls(text if len(text) <= limit else text[: limit - 1] + "…")


def program_text(raw: bytes) -> str:
    """What another program wrote to a pipe (an engine's or a simulator's standard error): UTF-8 when it is,
    else the Windows code page French software writes (cp1252, « impossible à démarrer » written on Windows),
    never « \ufffd » for each accent."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def _decimal(number: float, digits: int, lang: str) -> str:
    text = f"{number:.{digits}f}"
    return text.replace(".", ",") if lang == "fr" else text


def duration(seconds: float | None, lang: str | None = None) -> str:
    """« 350 ms », « 12,4 s », « 1 min 56 s », « 2 h 05 min 00 s »; « — » when unknown."""
    if seconds is None:
        return MISSING
    lang = lang or default_language()
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    if seconds < 60:
        return f"{_decimal(seconds, 1, lang)} s"
    minutes, sec = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min {sec:02d} s" if hours else f"{minutes} min {sec:02d} s"


def duration_ms(milliseconds: float | None, lang: str | None = None) -> str:
    return duration(None if milliseconds is None else milliseconds / 1000, lang)


def yes_no(flag: bool, lang: str | None = None) -> str:
    return translator(lang)("oui" if flag else "non")


#: The words a casebook or an operator may write for a boolean (``value_type="boolean"``).
BOOLEAN_WORDS = {
    **dict.fromkeys(("true", "1", "oui", "yes"), True),
    **dict.fromkeys(("false", "0", "non", "no"), False),
}


def parse_boolean(text: str) -> bool | None:
    """``text`` as a boolean, or None when it is not one of :data:`BOOLEAN_WORDS`."""
    return BOOLEAN_WORDS.get(text.strip().lower())


def typed(value_type: str, item: Any, lang: str | None = None, amount: bool | None = None) -> str:
    """An expected or observed value as a person reads it: a boolean reads oui/non whatever was written; when
    the caller knows what its observation path holds (``amount``: domain.vocabulary.is_amount), a decimal
    reads as the language writes numbers, and an amount as money (« 56,00 € », "€56.00"). The session and
    report.json keep the value as recorded."""
    if value_type == "boolean" and isinstance(item, str) and (flag := parse_boolean(item)) is not None:
        return yes_no(flag, lang)
    if value_type == "decimal" and amount is not None and isinstance(item, str):
        return money(item, lang) if amount else number(item, lang)
    return value(item, lang)


#: A case's mode and domain (casebook.model.Mode, Domain) and a casebook's PS category, in words: the files and
#: report.json keep the codes (``securise``, ``cards``), a person reads « sécurisé », « cartes ».
MODE_LABELS = {
    "securise": _t("sécurisé"),
    "degrade": _t("dégradé"),
    "sesam-sans-vitale": _t("SESAM sans Vitale"),
    "none": _t("sans objet"),
}
DOMAIN_LABELS = {
    "fse": _t("FSE"),
    "dre": _t("DRE"),
    "adri": _t("ADRi"),
    "apcv": _t("ApCV"),
    "insi": _t("INSi"),
    "eprescription": _t("e-prescription"),
    "lot": _t("lots et retours"),
    "cards": _t("cartes"),
    "scor": _t("SCOR"),  # a service of an exam plan (scope.plan.SERVICES), no casebook domain
}
#: An invoice line's prestation type (a casebook's ``prestation``, the engine's request) in words: a step's
#: instruction and the reference engine's refusals say it so
PRESTATION_LABELS = {
    "achat": _t("achat"),
    "entretien": _t("entretien"),
    "location": _t("location"),
    "frais-de-port": _t("frais de port"),
    "reparation": _t("réparation"),
    "service": _t("service"),
    "livraison": _t("livraison"),
}
PS_CATEGORY_LABELS = {
    "demonstration": _t("démonstration"),
    "fournisseur-lpp": _t("fournisseur LPP (PSAD/MAD)"),
    "infirmier": _t("infirmier"),
}


#: An engine's status word (``pin.status`` = ``verified``) as a person reads it, as a boolean reads oui/non: the
#: session and the casebook keep the engine's word; one not listed is shown as recorded
STATUS_LABELS: dict[str, dict[str, str]] = {
    "secure.status": {"secured": _t("sécurisée")},  # the invoice (secure_invoice's answer)
    "pin.status": {"verified": _t("vérifié"), "changed": _t("changé"), "unblocked": _t("débloqué")},
    "insi.status": {"found": _t("trouvé"), "not-found": _t("non trouvé"), "several": _t("plusieurs")},
    "apcv.status": {"valid": _t("valide")},
    "returns.status": {
        "accepted": _t("accepté"),
        "rejected": _t("rejeté"),
        "paid": _t("payé"),
        "partial": _t("partiel"),
    },
}


def status_word(path: str, item: Any, lang: str | None = None) -> str | None:
    """An engine's known status word at ``path`` in the person's language; None for any other value."""
    label = STATUS_LABELS.get(path, {}).get(item) if isinstance(item, str) else None
    return None if label is None else translator(lang)(label)


#: A step's status (store.model's step statuses), in words: the report's step table and the workstation's run log
STEP_STATUS_LABELS = {
    "not-run": _t("non exécutée"),
    "started": _t("commencée"),  # begun, never ended (the process was killed meanwhile)
    "done": _t("faite"),
    "refused": _t("refusée"),
    "failed": _t("en défaut"),
    "error": _t("en erreur"),  # the step stopped its case in error (a bench fault): not the product's failure
    "inconclusive": _t("non concluante"),
    "pending": _t("en attente de l'opérateur"),
    "confirmed": _t("confirmée"),
    "rejected": _t("rejetée"),
}


def label(labels: Mapping[str, str], code: str, lang: str | None = None) -> str:
    """A code of one of the tables above in words, in ``lang``; a code the table does not know as written."""
    return translator(lang)(labels[code]) if code in labels else code


def template_label(domain: str, mode: str, lang: str | None = None) -> str:
    """A case template in words (« FSE · sécurisé »); a domain without modes (« cartes ») by its name alone."""
    words = label(DOMAIN_LABELS, domain, lang)
    return words if mode == "none" else f"{words} · {label(MODE_LABELS, mode, lang)}"


def decimal_of(text: str) -> Decimal | None:
    """``text`` as a finite decimal as recorded (« 56.00 »), None when it is not one."""
    try:
        found = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return found if found.is_finite() else None


def number(text: str, lang: str | None = None) -> str:
    """A decimal as the language writes it (« 0,5 », "0.5"), its digits exactly as written: never grouped nor
    rebuilt, since an identifier the import typed as a decimal (« 000001 », an invoice number) must read as the
    product wrote it, in the recorded verdict sentence as on screen; as written when it is not one."""
    if (lang or default_language()) == "en" or decimal_of(text) is None:
        return text
    return text.strip().replace(".", ",")


def seconds(value: float, lang: str | None = None) -> str:
    """A time limit in seconds as a person reads it, without its unit: « 30 », « 1,5 », « 0,25 » ("1.5" in English);
    one decimal from a second up, two below — never Python's repr of a computed limit (« 0.979274 »)."""
    text = f"{value:.{1 if value >= 1 else 2}f}".rstrip("0").rstrip(".")
    return number(text or "0", lang)


#: binary multiples a size is written in when it is a whole number of them (« 8 Mio »), largest first
_SIZE_UNITS = ((1 << 30, "Gio", "GiB"), (1 << 20, "Mio", "MiB"), (1 << 10, "Kio", "KiB"))


def byte_size(count: int, lang: str | None = None) -> str:
    """A size in bytes as a person reads it, exact: « 8 Mio » for a whole number of Kio, Mio or Gio, else
    « 9 437 250 octets » (no-break spaces between thousands and before the unit); "8 MiB", "9,437,250 bytes"
    in English. Never rounded: a limit and a size just past it must not read alike."""
    english = (lang or default_language()) == "en"
    space = " " if english else NBSP
    for scale, french_unit, english_unit in _SIZE_UNITS:
        if count >= scale and count % scale == 0:
            whole = f"{count // scale:,}"
            return f"{whole if english else whole.replace(',', NBSP)}{space}{english_unit if english else french_unit}"
    grouped = f"{count:,}"
    if english:
        return f"{grouped} {'byte' if count == 1 else 'bytes'}"
    return f"{grouped.replace(',', NBSP)}{NBSP}{'octet' if abs(count) <= 1 else 'octets'}"


#: A size as :func:`byte_size` writes it in French, read back in English.
_FRENCH_SIZE = re.compile(r"(-?\d{1,3}(?:\u00a0\d{3})*|-?\d+)[ \u00a0](octets?|Kio|Mio|Gio)")
_ENGLISH_UNITS = {"octet": "byte", "octets": "bytes", "Kio": "KiB", "Mio": "MiB", "Gio": "GiB"}


#: amounts from here up are shown as written: ``quantize`` to cents fails past the decimal context's 28 digits
_MONEY_LIMIT = Decimal(10) ** 25


def money(text: str, lang: str | None = None) -> str:
    """« 1 234,00 € » in French (no-break spaces between thousands and before the sign, so that an amount never
    breaks across lines), "€1,234.00" in English; cents always shown, and any further digit (« 3,545 € »: a
    value the product wrote with a mill is not shown rounded to the one expected); as written when it is not an
    amount."""
    amount = decimal_of(text)
    if amount is None or not amount.is_finite() or amount.copy_abs() >= _MONEY_LIMIT:  # copy_abs: never overflows
        return text  # beyond what cents can be counted in (an external engine's value, recorded as given)
    exact = abs(amount).normalize()  # cents always; a further digit the value has is shown, never rounded away
    shown = f"{exact if exact.as_tuple().exponent < -2 else exact.quantize(Decimal('0.01')):,f}"  # type: ignore[operator]
    sign = "-" if amount < 0 else ""
    if (lang or default_language()) == "en":
        return f"{sign}€{shown}"
    return f"{sign}{shown.replace(',', NBSP).replace('.', ',')}{NBSP}€"


#: A French amount or decimal as :func:`money` and :func:`number` write them (or as sessions recorded before
#: amounts were grouped: a plain space before €), read back in English.
_FRENCH_MONEY = re.compile(r"(-?)(\d{1,3}(?:\u00a0\d{3})*|\d+),(\d{2,})[ \u00a0]€")
_FRENCH_NUMBER = re.compile(r"-?(?:\d{1,3}(?:\u00a0\d{3})+(?:,\d+)?|\d+,\d+)")


def english_number(text: str) -> str:
    """A value a French sentence recorded (« 56,00 € », « 0,5 », « 05/01/2026 », « 8 Mio ») as English writes it
    ("€56.00", "0.5", the ISO date "2026-01-05", "8 MiB"; a time as :func:`timestamp` writes it, "2026-01-05
    10:00:00 UTC")."""
    if (found := _FRENCH_MONEY.fullmatch(text)) is not None:
        return f"{found[1]}€{found[2].replace(NBSP, ',')}.{found[3]}"
    if (found := _FRENCH_DATE.fullmatch(text)) is not None:
        return _iso_date(found)
    if (found := _FRENCH_SIZE.fullmatch(text)) is not None:  # a size, as byte_size writes it
        unit = _ENGLISH_UNITS[found[2]] if found[2] != "octet" or found[1] == "1" else "bytes"
        return f"{found[1].replace(NBSP, ',')} {unit}"
    return text.replace(",", ".").replace(NBSP, ",") if _FRENCH_NUMBER.fullmatch(text) else text


def iso(wall: float | None) -> str | None:
    """A recorded wall-clock time as the session's records and the report's JSON write it (ISO 8601 UTC, to the
    hundredth: « 2026-12-03T23:40:07.56Z »); None for none."""
    if wall is None:
        return None
    return datetime.fromtimestamp(wall, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"


#: A date as French writes it (« 05/01/2026 »), or a time as :func:`timestamp` does (« 05/01/2026 10:00:00 UTC »)
_FRENCH_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})((?: \d{2}:\d{2}:\d{2})? UTC)?")


def _iso_date(found: re.Match[str]) -> str:
    """A French date (:data:`_FRENCH_DATE`) as English writes it: ISO, "2026-01-05" (a time "2026-01-05 10:00:00
    UTC", as :func:`timestamp` writes it in English)."""
    day, month, year, rest = found.groups()
    return f"{year}-{month}-{day}{rest or ''}"


def timestamp(text: str | None, lang: str | None = None) -> str:
    """A recorded UTC time (ISO 8601, « 2026-12-03T23:40:07.564Z ») as a person reads it: « 03/12/2026 23:40:07
    UTC » in French, "2026-12-03 23:40:07 UTC" in English; « — » when there is none, as written when unreadable."""
    if not text:
        return MISSING
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return text
    shape = "%Y-%m-%d %H:%M:%S UTC" if (lang or default_language()) == "en" else "%d/%m/%Y %H:%M:%S UTC"
    return when.strftime(shape)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def day(text: str | None, lang: str | None = None) -> str:
    """A recorded calendar date (ISO, « 2026-01-01 ») as a person reads it: « 01/01/2026 » in French, as recorded
    in English (ISO, as the English book writes dates); « — » when there is none, as written when unreadable.
    The one spelling of a date for the book, the step instructions and the engine's refusals."""
    if not text:
        return MISSING
    try:  # the ISO form every recorder writes read in C; any other spelling as strptime reads it (« 2026-1-5 »)
        when = date.fromisoformat(text) if _ISO_DAY.fullmatch(text) else datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return text
    if (lang or default_language()) == "en":
        return text
    return f"{when.day:02d}/{when.month:02d}/{when.year:04d}"  # strftime writes the year 999 « 999 »


def value(item: Any, lang: str | None = None) -> str:
    """Any recorded value as a person reads it: oui/non, « — », « clé : valeur ; … », « a, b »."""
    if item is None or item == "":
        return MISSING
    if isinstance(item, bool):
        return yes_no(item, lang)
    if isinstance(item, Mapping):
        pairs = (f"{k}{colon(lang)}{value(v, lang)}" for k, v in item.items())  # typography of ``lang``
        return semicolon(lang).join(pairs) or MISSING
    if isinstance(item, list | tuple | set | frozenset):
        return ", ".join(value(v, lang) for v in item) or MISSING
    return str(item)


#: What the OS said, in French (its own words, ``strerror``, are in the system's language).
_OS_REASONS = {
    errno.ENAMETOOLONG: "nom trop long pour le système de fichiers",
    errno.ENOENT: "introuvable",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EACCES: "accès refusé (droits insuffisants)",
    errno.EPERM: "accès refusé (droits insuffisants)",
    errno.ELOOP: "trop de liens symboliques",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EINVAL: "chemin invalide",
    errno.EEXIST: "existe déjà",
    errno.EISDIR: "est un dossier",
    errno.ENOTEMPTY: "dossier non vide",
    errno.ENOSPC: "disque plein",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EBUSY: "occupé par un autre programme",
    errno.EADDRINUSE: "port déjà utilisé par un autre programme",
    errno.EFBIG: "fichier trop grand",  # the adjective of the file-size limit (store.connection.SIZE_LIMIT)
}


#: Windows' ERROR_SHARING_VIOLATION and ERROR_LOCK_VIOLATION: a file another program holds open (the exam
#: book in Excel, the report in a PDF reader), which Python reports as EACCES, not a lack of rights
WINDOWS_FILE_IN_USE = (32, 33)
#: Windows' ERROR_FILENAME_EXCED_RANGE: a path past 260 characters (a deep exam folder, a long case id), which
#: Python reports as ENOENT — « introuvable » would send the person looking for a file that is not the matter; a
#: short name in a deep folder gets it too, so the rule names the whole path, not only the name
WINDOWS_NAME_TOO_LONG = 206
WINDOWS_LENGTH_RULE = _t(
    "nom ou chemin trop long pour Windows (260 caractères au plus pour le chemin entier) : raccourcissez le nom ou"
    " choisissez un dossier moins profond"
)
#: Windows' ERROR_INVALID_NAME: a name with a character Windows forbids (a time typed in a file name, « 12:30 »),
#: which Python reports as EINVAL — « chemin invalide » did not say which characters
WINDOWS_INVALID_NAME = 123
WINDOWS_NAME_RULE = _t(
    'nom refusé par Windows : les caractères * ? " < > | et « : » (sauf après la lettre du lecteur) y sont interdits'
)


def os_reason(exc: OSError | ValueError, t: Callable[[str], str] | None = None) -> str:
    """Why a path could not be checked or read, worded by ``t`` (French by default)."""
    t = t or translator("fr")
    winerror = getattr(exc, "winerror", None)
    if winerror in WINDOWS_FILE_IN_USE:
        return t("fichier ouvert dans un autre programme (Excel, lecteur PDF…) : fermez-le puis recommencez")
    if winerror == WINDOWS_NAME_TOO_LONG:
        return t(WINDOWS_LENGTH_RULE)
    if winerror == WINDOWS_INVALID_NAME:
        return t(WINDOWS_NAME_RULE)
    code = exc.errno if isinstance(exc, OSError) else None
    if code in _OS_REASONS:
        return t(_OS_REASONS[code])
    if code:
        return t("erreur système {code}").format(code=errno.errorcode.get(code, code))
    return t("chemin invalide")


def json_reason(exc: Exception) -> str | None:
    """Why a JSON file a person gave could not be read, in French (Python's own words are English), or None for
    another error: its syntax placed, not text, nested too deep, or the system's reason."""
    if isinstance(exc, json.JSONDecodeError):
        return f"JSON invalide ligne {exc.lineno}, colonne {exc.colno}"
    if isinstance(exc, UnicodeDecodeError):
        return "pas du texte UTF-8"
    if isinstance(exc, RecursionError):
        return "JSON trop imbriqué"
    if isinstance(exc, OSError):
        return os_reason(exc)
    return None


#: What Python's ``json`` says of a syntax error, in French (its own words are English), by the start of its
#: message; the first that fits wins, so a longer prefix comes before a shorter one.
_JSON_REASONS = (
    ("Expecting value", "valeur attendue"),
    ("Expecting property name enclosed in double quotes", "nom de propriété entre guillemets droits attendu"),
    ("Expecting ':' delimiter", "« : » attendu"),
    ("Expecting ',' delimiter", "« , » attendu"),
    ("Unterminated string", "chaîne jamais fermée"),
    ("Invalid control character", "caractère de contrôle dans une chaîne"),
    ("Invalid \\uXXXX escape", "séquence \\uXXXX invalide"),
    ("Invalid \\escape", "séquence d'échappement invalide"),
    ("Illegal trailing comma", "virgule en trop avant la fin"),
    ("Extra data", "texte après la fin du document JSON"),
)


def json_syntax(exc: json.JSONDecodeError) -> str:
    """What is wrong at a JSON syntax error's place, in French (the catalogue gives the English): Python's
    English never reaches a person."""
    return next((fr for prefix, fr in _JSON_REASONS if exc.msg.startswith(prefix)), "syntaxe invalide")


#: What Python's ``re`` says of a pattern it cannot compile, in French (its own words are English), by the
#: start of its message; the first that fits wins, so a longer prefix comes before a shorter one.
_REGEX_REASONS = (
    ("missing ), unterminated comment", "commentaire (?#…) jamais fermé"),
    ("missing ), unterminated subpattern", "parenthèse ouverte jamais fermée"),
    ("unbalanced parenthesis", "parenthèse fermante sans parenthèse ouvrante"),
    ("unterminated character set", "crochet ouvert jamais fermé"),
    ("nothing to repeat", "quantificateur sans rien à répéter"),
    ("multiple repeat", "deux quantificateurs de suite"),
    ("min repeat greater than max repeat", "répétition minimale plus grande que la maximale"),
    ("bad escape", "séquence d'échappement invalide"),
    ("incomplete escape", "séquence d'échappement invalide"),
    ("bad character range", "intervalle de caractères à l'envers"),
    ("redefinition of group name", "nom de groupe déjà défini"),
    ("bad character in group name", "nom de groupe invalide"),
    ("missing group name", "nom de groupe manquant"),
    ("unknown group name", "référence à un groupe inconnu"),
    ("invalid group reference", "référence à un groupe inconnu"),
    ("bad group number", "référence à un groupe inconnu"),
    ("cannot refer to an open group", "référence à un groupe encore ouvert"),
    ("unknown extension", "construction (?…) inconnue"),
    ("unexpected end of pattern", "le motif s'arrête trop tôt"),
    ("look-behind requires fixed-width pattern", "une assertion arrière (?<=…) doit avoir une longueur fixe"),
    ("too many groups", "trop de groupes"),
)


#: What compiling a pattern someone wrote may raise: ``re``'s error, and for a repetition count beyond C's
#: integers (``a{99999999999}``) or a pattern nested too deep, Python's own.
REGEX_ERRORS = (re.error, OverflowError, RecursionError)


def regex_reason(exc: Exception, t: Callable[[str], str] | None = None) -> str:
    """Why a regular expression does not compile (one of :data:`REGEX_ERRORS`), worded by ``t`` (French by
    default), with its place."""
    t = t or translator("fr")
    if isinstance(exc, OverflowError):
        return t("nombre de répétitions trop grand")
    if not isinstance(exc, re.error):
        return t("motif trop imbriqué")
    message = exc.msg
    what = next((fr for prefix, fr in _REGEX_REASONS if message.startswith(prefix)), None)
    if what is None:
        unterminated = message.startswith("missing ") and "unterminated name" in message
        what = "nom de groupe jamais fermé" if unterminated else "syntaxe invalide"
    if exc.pos is None:
        return t(what)
    return t("{what}, caractère {position}").format(what=t(what), position=exc.pos + 1)
