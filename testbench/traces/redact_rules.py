"""The rules that find personal data and secrets in one line of text, by shape or by label.

Markers, patterns, the NIR key, and the steps a :class:`~testbench.traces.redact.Redactor` chains over
each line (see docs/traces.md for the rules and their limits). Each step gets a :class:`LineContext`
and counts what it replaced there; the context says how a value is masked (:meth:`LineContext.mask`): by
its marker, or, in a fixed-width record, by as many characters as it had.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, MutableSequence, Sequence
from urllib.parse import unquote_plus

from testbench.cards.apdu import PIN_INS
from testbench.cards.decode import personal_fields
from testbench.traces.known import MONTH_FIRST_PATTERN, MONTH_PATTERN, fold
from testbench.traces.pin_words import (
    C_HEX_COMMAND,
    COMMAND_HEX,
    DECIMAL_COMMAND,
    ESCAPED_COMMAND,
    FULL_WIDTH,
    PIN_WORDS,
    known_code_pattern,
    names_code_phrase,
    names_known_code,
)

MARKERS: dict[str, str] = {
    "pin": "‹PIN›",
    "secret": "‹SECRET›",
    "nir": "‹NIR›",
    "nir?": "‹NIR?›",
    "name": "‹NOM›",
    "birth_date": "‹DATE_NAISSANCE›",
    "finess": "‹FINESS›",
    "rpps": "‹RPPS›",
    "adeli": "‹ADELI›",
    "id_ps": "‹ID_PS›",
    "base64": "‹BASE64›",
}

ALL_KINDS = frozenset(k for k in MARKERS if k != "nir?")

# -------------------------------------------------------------------------------------- patterns
# A pattern that starts with a lookbehind is tried at every position of a line; the lookahead of the first
# letters its label (or value) can start with, put before it, rejects most positions at once (3-7 times
# faster on a long line, same matches: the lookahead holds wherever the rest can match).

# key, then a separator (``=``, ``:``, ``=>``, quotes of JSON/XML attributes)
_SEP = r"""["']?[ \t]*(?:=>|[:=]|%3[AaDd])[ \t]*["']?"""  # %3D, %3A: « = », « : » in a URL
# key, a short gap of non-digit text ("FINESS de l'établissement : "), then the number
_GAP = r"""[^\d\r\n<]{0,30}?"""

#: « vérification porteur 4719 ok », « présentation du code porteur : 4719 »: the holder's code verified, said so
_HOLDER_CHECK = (
    r"(?:v[ée]rif(?:ication|ier|i[ée]e?)?|authentification|pr[ée]sentation|saisie|contr[ôo]le)[ _-]+"
    r"(?:(?:du|de|code|pin)[ _-]+)?porteur"
)
_PIN_LABEL = (
    rf"(?:{_HOLDER_CHECK}|code[ _-]?(?:pin|porteur|cps|confidentiel|d['’]acc[eè]s)"
    r"|pin[ _-]?(?:code|value|valeur|block|cps)|(?:user|verify)[ _-]?pin"
    r"|(?:cps|secret|access|cardholder|unblock(?:ing)?)[ _-]?code"
    r"|code[ _-]?(?:de[ _-]?)?d[ée](?:blocage|verrouillage)|puk|pin|codecps)"
)
#: the codes of a PIN change (« ancien code 4719 nouveau code 7031 »): the code right after, no word between
#: (« nouveau code postal 75011 » is an address's), on a line that speaks of a PIN (:data:`_CHANGE_CONTEXT`)
_CHANGE_LABEL = r"(?:ancien|nouvel|nouveau|old|new)[ _-]?code"
#: what makes « ancien/nouveau code N » a PIN's (a PIN, a card, a change of code), masked at capture for good:
#: without it, « le nouveau code 2024 est livré » is a product's
_CHANGE_CONTEXT = re.compile(r"(?<![a-z])(?:pin|puk)|porteur|cps|carte|card|(?<![a-z])chang")
#: a code's number in a card's count of its digits (« code porteur (4 chiffres) : 1234 ») is no code
_DIGIT_COUNT = r"\((?:[àa][ ])?\d{1,2}[ ]?(?:chiffres|digits|caract[èe]res|characters)\)"
#: words between a code's label and its separator, in the same clause (« PIN transmis à la carte : », « PIN (CPS) :
#: », « code porteur (4 chiffres) : », « code PIN saisi par l'opérateur sur le clavier du lecteur : »): up to twelve
#: words of letters (« par l'utilisateur ») or in brackets, no digit nor punctuation (« PIN saisi, montant : 1234 »
#: is the amount's), read a word at a time (no backtracking in one)
_WORD = r"[^\W\d]++(?:['’/-][^\W\d]++)*+"
_CLAUSE_GAP = rf"(?:[ \t]++(?:{_WORD}|\({_WORD}(?:[ ]{_WORD}){{0,3}}\)|{_DIGIT_COUNT})){{1,12}}?"
#: words a secret's label may have before its value (« mot de passe saisi : »): a closed list, as a password may be
#: any token (« password expired for user bob: 2 days » holds none)
_SECRET_GAP = (
    r"(?:[ \t]+(?:(?:saisi|entr[ée]|tap[ée]|fourni|re[çc]u|envoy[ée]|transmis)e?s?|entered|typed|received|provided"
    r"|carte|card|cps|porteur|de|la|du|of|the)){1,4}?"
)
#: after a code's separator, the words before its number (« changement de PIN : ancien 1234 », « PIN : réponse 6982
#: »), ending in a space
_VALUE_GAP = rf"(?:{_WORD}[ \t]++){{1,4}}?"
_SECRET_LABEL = r"(?:password|passwd|pwd|mot[ _-]?de[ _-]?passe|mdp|secret)"

#: what may not follow a code's digits: more of a word, or a date's or a number's next part (« pin 2026-01-12 »)
_NOT_MORE = r"(?![\w]|[-/.:,]\d)"
#: eight digits that read as a date (« PIN reçu 20260312 à 10:00 »), a unit of time (« code porteur (1250 ms) »)
_MMDD = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_DATE8 = rf"(?:(?:19|20)\d\d{_MMDD}|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d\d)"
_TIME_UNIT = r"[ \t]*(?:[mµun]?s|secs?|secondes?|seconds?|h|mn|mins?|minutes?)(?!\w)"
#: a code: 4 to 8 digits standing alone (spaces between them allowed), no date, no duration
_CODE_ALONE = rf"(?!{_DATE8}(?!\d))\d(?: ?\d){{3,7}}{_NOT_MORE}(?!{_TIME_UNIT})"
#: a label starts a word, or a word of a camelCase name (« VerifyPIN(4719) », « enterPin=4719 »)
_PIN_TOKEN = r"""[^\s"',;&|<>)\]}]+"""
#: right after a code's label and its separator, a value: a code, up to 12 digits (no date, no duration), a token
#: starting with no digit that holds four (« pin=ab12cd34 »: a date or a time starts with one), letters and digits
#: (« pinBlock=244719FFFF »), or stars
_TOKEN_CHAR = r"""[^\s"',;&|<>)\]}]"""
_NON_DIGIT = r"""[^\d\s"',;&|<>)\]}]"""
_PIN_VALUE = (
    rf"(?:(?!{_DATE8}(?!\d))\d(?: ?\d){{3,11}}{_NOT_MORE}(?!{_TIME_UNIT})"
    rf"|(?=(?:{_NON_DIGIT}+\d)(?:{_NON_DIGIT}*\d){{3}}){_TOKEN_CHAR}+"
    rf"|(?!\d+{_TIME_UNIT})(?=\d*[A-Za-z])(?=(?:[A-Za-z]*\d){{4}})[0-9A-Za-z]+(?!{_TOKEN_CHAR})"
    rf"|\*(?: ?[\d*]){{3,7}}{_NOT_MORE})"
)
_CODE_OR_STARS = rf"(?:{_CODE_ALONE}|\*(?: ?[\d*]){{3,7}}{_NOT_MORE})"
_PIN_KV = re.compile(
    rf"(?i)(?=[cpsmuvaon])(?:(?<![A-Za-z])|(?-i:(?<=[a-z])(?=P)))"
    rf"(?P<key>{_PIN_LABEL}|(?P<ck>{_CHANGE_LABEL})|(?P<sk>{_SECRET_LABEL}))"
    rf"(?![A-Za-z])(?(ck)|(?P<gap>(?(sk){_SECRET_GAP}|{_CLAUSE_GAP}))?)"
    rf"(?:(?P<sep>{_SEP}|[ \t]*#[ \t]*|(?P<br>[ \t]*[(\[])[ \t]*)"
    rf"(?:(?P<v1>(?(sk){_PIN_TOKEN}|(?(gap){_CODE_OR_STARS}|(?(br){_CODE_ALONE}|{_PIN_VALUE}))))"
    rf"|{_VALUE_GAP}(?P<v3>{_CODE_ALONE}))"
    rf"|(?P<sp>[ \t]+|(?(sk)(?!)|(?(ck)(?!)|_)))(?P<v2>{_CODE_OR_STARS}))"  # « CPS_PIN_4719 »: a code's name
)
#: a next code of the same clause after a masked (or starred) one: « ancien ‹PIN›, nouveau 5678 », « ancien ‹PIN›
#: nouveau 5678 », « nouveau PIN : ‹PIN›, confirmation : 8765 », « PIN saisi : ****, confirmation 4719 »
_NEXT_CODE = (
    rf"[ \t]*[,;]?[ \t]*(?:(?:et|and|puis|then)[ \t]+)?(?:nouveau|nouvel|ancien|new|old|confirm(?:ation|ed|é|e)?)"
    rf"(?:[ \t]+(?:pin|code))?(?:{_SEP}|[ \t]+)(?P<v>{_CODE_ALONE})"
)
_PIN_NEXT = re.compile(rf"(?i)‹PIN›{_NEXT_CODE}")  # its literal start: found at once
_STARS_NEXT = re.compile(rf"(?i)(?<![*\w])\*{{4,8}}{_NEXT_CODE}")
_DIGIT = re.compile(r"\d")
_CODECPS = re.compile(r"(?i)(?<=codecps)\d+")
#: a call that verifies a code, its code an argument: quoted (« VERIFY(0x81, "4719") », « verify(ctx, '4719') ») or
#: right after the reference of the PIN (P2: « verify(0x81, 4719) »); « verify(buf, 1024) » is a length
_VERIFY_CALL = re.compile(
    r"""(?i)(?<![A-Za-z])verify\w*[ \t]*\((?:[^()\r\n]{0,80}?(?P<q>["'])"""
    rf"(?!{_DATE8}(?P=q))(?P<v>\d{{4,8}})(?P=q)"
    r"|[ \t]*(?:0x(?:0[0-3]|8[01])|12[89]|[0-3])[ \t]*,[ \t]*(?P<b>\d{4,8})(?=[ \t]*[,)]))"
)
#: a code said to be a card's right after it (« Code: 4719 (CPS) », « code 4719 (carte CPS) »): « code » alone is in
#: every other line (« code retour : 0 »), the bracket makes it a PIN
_CODE_QUALIFIED = re.compile(
    rf"(?i)(?<![A-Za-z])code(?:{_SEP}|[ \t]+)(?P<v>\d(?: ?\d){{3,7}})(?=[ \t]*\((?:carte[ ]+)?(?:cps|pin|porteur)\))"
)
# The commands that carry a code in their data: VERIFY (INS 20, and 21 its BER-TLV form: the PIN), CHANGE
# REFERENCE DATA (24: the old and the new PIN), RESET RETRY COUNTER (2C: the unblock code and the new PIN) —
# CLA INS P1 P2 Lc data, hex packed or with one separator between bytes (a space, « - » as .NET writes bytes, « : »)
#: — its data after a « | » or a double space too, and split by one (``hexdump -C`` writes 8 bytes, two spaces, 8)
#: — its class byte may be glued to the byte before it, as ``xxd`` groups bytes two by two (« 9900 2000 8108 »): the
#: second byte of a group of two, whose data must then be a code (:func:`_is_command_here`)
_VERIFY = re.compile(
    r"(?i)(?:(?<![0-9a-f])|(?<=(?<![0-9a-f])[0-9a-f]{2}))"
    r"(?P<head>[0-9a-f]{2}[\s:-]?(?:2[01]|24|2c)[\s:-]?(?:0[0-3]|8[01])[\s:-]?[0-9a-f]{2}[\s:-]?)"
    r"(?P<lc>0[1-9a-f]|10)(?P<gap>[ \t]*\|[ \t]*|[ \t]{2})?(?P<data>(?:(?:[ \t]{2}|[\s:-])?[0-9a-f]{2}){1,16})"
)
#: what says whose a line's bytes are, the last one before a command read in them deciding: a card's answer
#: (« A<< », « << », « R-APDU », « resp »), where a command rule never fires (1 in 2,000 random 60-byte answers
#: holds what reads as a VERIFY), or a command (« A>> », « >> », « C-APDU », « Transmit »)
_DIRECTION = re.compile(
    r"(?i)(?P<answer><<|r-?apdu|(?<![a-z])resp|(?<![a-z])r[ée]ponse)|>>|c-?apdu|transmit|(?<![a-z])send"
)
#: the marks that tell a command from a card's answer (group ``answer``), for the rules that read either
DIRECTION = _DIRECTION
#: a byte of a run of hex written just before a command: the command is inside the run, not starting it
_IN_HEX_RUN = re.compile(r"(?i)[0-9a-f]{2}[ \t:-]$")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
#: a code's data block alone (testbench.traces.pin_words.PIN_BLOCK_HEX is its search): 4 to 7 ASCII digits padded
#: with FF to 8 bytes — a card's PIN as the bench sends it — in hex, packed, spaced, grouped or split by a hexdump
_BLOCK_SEP = r"(?:[ \t]{1,2}|[:-])?"
_PIN_BLOCK_HEX = re.compile(
    r"(?<![0-9A-Fa-f])(?:"
    + "|".join(
        rf"3[0-9](?:{_BLOCK_SEP}3[0-9]){{{n - 1}}}(?:{_BLOCK_SEP}[fF]{{2}}){{{8 - n}}}" for n in range(4, 8)
    )
    + r")(?![0-9A-Fa-f])"
)
#: the same as bytes, a base64 token's whole (« NDcxOf////8= »; a longer token is a frame, read by its command)
_PIN_BLOCK_BYTES = re.compile(b"|".join(rb"[0-9]{%d}\xff{%d}" % (n, 8 - n) for n in range(4, 8)))
#: an ISO 9564 format 2 block after a PIN's label (« pinblock=2447 19FF FFFF FFFF »), hex with any grouping: the
#: label rule would read its first digits as the code and leave the rest
_FORMAT2_LABELLED = re.compile(
    r"(?i)(?:(?<![A-Za-z])|(?-i:(?<=[a-z])(?=P)))(?:pin|puk)(?:[ _-]?(?:block|bloc|data|code))?[a-z_]*"
    rf"(?:{_SEP}|[ \t]+)(?P<v>2[4-9a-c](?:[ \t:-]?[0-9a-f]){{14}})(?![0-9a-f])"
)
_HEX_SEPARATORS = re.compile(r"[\s:|-]")
#: a log's level (« DEBUG », « [INFO ] » padded as the demo application writes it)
_LEVEL = r"(?:(?:TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR)[ \t]+|\[[A-Za-z]{3,8}[ ]*\][ \t]+)"
#: a logger's name after the level: a word and its colon (« card: »), in capitals (« CARD », the demo application's
#: « FACT ») or holding a digit, a dot or « _ » (« dump2 », « c.e.Card »), never a message's first word (« INFO facture
#: 12-34 »); with a letter no hex digit is, so that a dump's offset or first bytes are never taken for it
_LOGGER = (
    r"(?:(?=[\w.$-]*[G-Zg-z_])(?:[A-Za-z_][\w.$-]{0,40}:|[A-Z][A-Z0-9_]{1,15}|[A-Za-z_][\w$-]{0,20}[\d._$][\w.$-]{0,20})"
    r"[ \t]+)"
)
#: the head of a log line before what it says: the bench's own prefix of an external engine's stderr line (« stderr :
#: », docs/engine-protocol.md), then a timestamp (ISO, or French « 07/12/2026 20:23:43,520 »), its level and logger, or
#: a level alone (« DEBUG dump2 ») — an application that dumps its buffers through its logger (« 2026-12-07
#: 10:00:01.123 0000: … », « [10:00:01] 0010  … », « 10:00:01,123 DEBUG card: 0010: … »)
_CHANNEL = r"(?:stderr :[ \t]+)"
_TIME = (
    r"(?:\[[^\]\r\n]{1,40}\]|(?:(?:\d{4}-\d\d-\d\d|\d\d/\d\d/\d{4})[T ])?\d\d:\d\d:\d\d(?:[.,]\d{1,9})?"
    r"(?:Z|[+-]\d\d:?\d\d)?)[ \t]+"
)
_STAMP_CORE = rf"(?:{_LEVEL}|{_TIME}{_LEVEL}?)"
_STAMP = rf"(?:{_CHANNEL}{_STAMP_CORE}?|{_STAMP_CORE})"
#: the same with a logger's name after the level, for the known values a dump's line break cut (masked at export
#: only: a code's rules at capture, which mask for good, do not take a word for a logger's — « 10:00:01 fin 3139 »)
_NAMED_CORE = rf"(?:{_LEVEL}{_LOGGER}?|{_TIME}(?:{_LEVEL}{_LOGGER}?)?)"
_NAMED_STAMP = rf"(?:{_CHANNEL}{_NAMED_CORE}?|{_NAMED_CORE})"
#: a line of ``hexdump -C`` or ``xxd``: its offset first (« 0x0010: » too), a log's timestamp before it or not
_DUMP_LINE = re.compile(rf"[ \t]*(?:{_STAMP})?(?:0[xX])?[0-9A-Fa-f]{{4,8}}:?[ \t]")
#: after a dump line's last masked code: its other bytes, then its column of characters
_DUMP_TAIL = re.compile(r"(?:[ \t]{1,2}[0-9A-Fa-f]{2,4})*(?:[ \t]{2,}|[ \t]*(?=\|))(?P<chars>.*)")
_DIGITS = re.compile(r"[0-9]+")

#: what may stand between a NIR's groups: a space, or as a URL's query writes one, « + » or « %20 »
_NIR_SEP = r"(?:[ +]|%20)?"
_NIR_SEPARATORS = re.compile(r"[ +]|%20")
_NIR_BODY = (
    rf"[1-478]{_NIR_SEP}\d{{2}}{_NIR_SEP}(?:0[1-9]|1[0-2]|[2-3]\d|4[0-2]|[5-9]\d){_NIR_SEP}(?:\d{{2}}|2[ABab])"
    rf"{_NIR_SEP}\d{{3}}{_NIR_SEP}\d{{3}}"
)
# after « %20 » (a URL's space) too, whose « 0 » would otherwise glue the NIR to a word
_NIR = re.compile(rf"(?=[1-478])(?:(?<=%20)|(?<![\w.,/-]))(?P<body>{_NIR_BODY}){_NIR_SEP}(?P<key>\d{{2}})(?![\w])")
_NIR_LABEL = (
    r"(?:nir|n[°o]\.?[ _]?(?:ss|s[ée]cu(?:rit[ée] sociale)?)|num[ée]ro (?:de )?s[ée]curit[ée] sociale"
    r"|immatriculation|matricule|num_?secu|nss|ins(?:_?nir)?)"
)
_NIR_LABELLED = re.compile(
    rf"(?i)(?=[nim])(?<![A-Za-z])(?P<key>{_NIR_LABEL})(?![A-Za-z]){_GAP}"
    rf"(?P<v>[1-478](?:{_NIR_SEP}[\dAaBb]){{12}}(?:{_NIR_SEP}\d{_NIR_SEP}\d)?)(?![\w])"
)

_DATE_SEP = r"(?:[/.-]|\\/|%2[Ff])"  # « \/ » in a JSON string, « %2F » in a URL
_DATE = rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}{_DATE_SEP}\d{{1,2}}{_DATE_SEP}\d{{2,4}}|\d{{8}}|\d{{6}})"
#: a date as a person or a program writes it after its label: « 3 avril 2012 », « 1er mars 1980 », « 15 janv. 80 »,
#: « 15-JAN-1980 », « Jan 15, 1980 », « January 15th 1980 »
_WRITTEN_DATE = (
    rf"(?:(?:1er|\d{{1,2}})[ ]+{MONTH_PATTERN}[ ]+(?:\d{{4}}|\d{{2}})|\d{{1,2}}-{MONTH_PATTERN}-(?:\d{{4}}|\d{{2}})"
    rf"|{MONTH_FIRST_PATTERN}[ ]+\d{{1,2}}(?:st|nd|rd|th)?,?[ ]+\d{{4}})"
)
#: « né le », « née le », « né(e) le » (a form's either), « ne(e) le » in ASCII
_BIRTH_LABEL = (
    r"(?:date[ _-]?(?:de[ _-]?)?naissance|datenaissance|date_?naiss|naissance|n[ée](?:e|\(e\))?[ ]+le|ddn|dob|born"
    r"|birth[ _-]?date|date[ _-]?of[ _-]?birth|birthday)"
)
#: between a birth label and its date: a separator (or « du » against the label), then words up to « , » « ; » or
#: a word that brings another date (« naissance non renseignée, facture du 3 avril 2026 », « ddn absente : soins 12
#: mai 2026 », « ddn inconnue du 03/04/2026 »)
_OTHER_DATE = (
    r"\b(?:du[ ]+(?=\d|1er)|soins?\b|factur|invoice|care\b|visit|consult|ordonnance|prescri|[ée]mis|edit|[ée]dit"
    r"|paiement|payment|r[èe]glement|ex[ée]cut|d[ée]livr|service)"
)
_BIRTH_GAP = rf"(?:[ \t]*[:=,;][ \t]*|[ \t]+du(?=[ \t]))?(?:(?!{_OTHER_DATE})[^\d\r\n<,;]){{0,30}}?"
_BIRTH = re.compile(
    rf"(?i)(?=[dnb])(?<![A-Za-z])(?P<key>{_BIRTH_LABEL})(?![A-Za-z]){_BIRTH_GAP}(?P<v>{_DATE}|{_WRITTEN_DATE})"
    rf"(?![\d])"
)

_IDS = re.compile(
    r"(?i)(?=[nfraip])(?<![A-Za-z])(?P<key>"
    r"(?P<finess>(?:n[°o]\.?[ _]?|num_?)?finess(?:[ _-]?(?:g[ée]o(?:graphique)?|juridique|ej|et))?)"
    r"|(?P<rpps>(?:n[°o]\.?[ _]?|num_?|id_?)?rpps)"
    r"|(?P<adeli>(?:n[°o]\.?[ _]?|num_?)?adeli)"
    r"|(?P<idps>num[ée]ro[ _]praticien|n[°o]\.?[ _]?ps|num(?:[ée]ro)?_?ps|id(?:entifiant)?_?ps)"
    r"|(?P<prescriber>prescri(?:pteur|ber)s?(?:[ _-]?(?:rpps|id|num(?:[ée]ro)?|am))?))"
    rf"(?![A-Za-z]){_GAP}(?P<v>(?:\d{{2}}|2[AB])\d{{6,10}})(?![\w])"
)
_ID_LENGTHS = {"finess": (9,), "rpps": (11, 12), "adeli": (9,), "id_ps": (8, 9, 11, 12)}


def prescriber_kind(value: str) -> str | None:
    """What a prescriber's identifier is, by its length: an RPPS (11 digits, 12 with the leading 8) or an
    AM number (numéro de PS, 9 digits; 8 without its key), as an FSE's ``prescripteur`` carries either."""
    digits = value.replace(" ", "")
    if not digits.isdigit():
        return None
    return "rpps" if len(digits) in (11, 12) else "id_ps" if len(digits) in (8, 9) else None


_NAME_LABEL = (
    r"(?:nom(?:[ _-]?(?:usuel|patronymique|de[ _-]?naissance|d'usage|de[ _-]?famille|complet))?"
    r"|pr[ée]noms?|(?:first|last|given|family|full|patient|middle|birth|maiden|usual|used)[ _-]?name|name|surname"
    r"|nomusuel"
    r"|nompatronymique)"
)
_NAME_WORD = r"""[^\s;,|&<>"'=:{}\[\]]+"""  # a word of a value, never a JSON brace nor a field's separator
_NAME_QUOTED = r""""[^"\r\n]{1,80}"|'[^'\r\n]{1,80}'"""
_NAME_VALUE = rf"(?:{_NAME_QUOTED}|{_NAME_WORD}(?:[ ](?!{_NAME_WORD}[ \t]*[=:]){_NAME_WORD}){{0,3}})"
_NAME_KV = re.compile(
    rf"(?i)(?=[npfglsmbu])(?<![\w.-])(?P<key>{_NAME_LABEL})(?![\w])(?P<sep>{_SEP})(?P<v>{_NAME_VALUE})"
)
#: a "name:" field right after these words is a device or file name, not a person's
_NOT_PERSON = re.compile(
    r"(?i)(?:reader|lecteur|file|fichier|host|device|card|carte|server|serveur|service|process|module|class"
    r"|method|function|table|field|key|display|user|app|application|printer|imprimante|port|driver|pilote)"
    r"[ _-]?$"
)

# XML elements: <Nom>…</Nom>, <ns:NIR>…</ns:NIR>, <CodePorteur>…</CodePorteur>
_XML_TAGS = {
    "pin": r"pin|codepin|codeporteur|codecps|pincode",
    "secret": r"password|motdepasse|mdp",
    "nir": r"nir|nirbeneficiaire|nirassure|immatriculation|matricule|ins|numsecu",
    "name": (
        r"nom|nomusuel|nompatronymique|nomdenaissance|prenom|prénom"
        r"|lastname|firstname|givenname|familyname|name|surname"
    ),
    "birth_date": r"datenaissance|datedenaissance|birthdate|dateofbirth|dob",
    "finess": r"finess|numfiness|finessgeo|finessjuridique",
    "rpps": r"rpps|numrpps|idrpps",
    "adeli": r"adeli|numadeli",
    "id_ps": r"numps|numeropraticien|idps",
    "prescriber": r"prescripteur|prescriber|idprescripteur|numprescripteur|rppsprescripteur",  # RPPS or n° AM
}
_XML = re.compile(
    r"(?i)<(?P<tag>(?:[\w-]+:)?(?P<local>"
    + "|".join(f"(?P<x_{k.replace('?', '')}>{v})" for k, v in _XML_TAGS.items())
    + r"))(?:\s[^>]*)?>(?P<v>[^<]{1,300})</"
)

#: cheap tests that let most lines skip a step (substring checks on the lowered line, or a regex with a
#: literal or character-class start, which the regex engine scans fast)
_KW_NIR = re.compile("nir|n°|no|cu|immat|matricul|nss|ins")
_KW_BIRTH = re.compile("naiss|né|ne le|nee le|ne\\(e\\) le|ddn|dob|birth|born")
# a PS number's label ends in "ps" after n°/no, num/numéro, id/identifiant or a separator: "ps" alone (an FSE's
# <ps> element, every produced file) is no label
_KW_IDS = re.compile("finess|rpps|adeli|praticien|prescri|[°o. _mdt]ps")
_KW_NAME = re.compile("nom|name")
_KW_PIN = re.compile("|".join(PIN_WORDS))


def _names_a_code(lowered: str) -> bool:
    """Whether a line may hold a labelled code or secret: one of :data:`PIN_WORDS`, or « code » in a label."""
    if _KW_PIN.search(lowered) is not None:
        return True
    return names_code_phrase(lowered)


_VERIFY_FAST = COMMAND_HEX  # the store's question asks it too (testbench.traces.pin_words)
#: A token that may be base64 holding a code (see :func:`_b64_code`): 11 characters or more of either
#: alphabet — « pin=4719 » is 8 bytes, 11 characters unpadded; a VERIFY with a 4-byte code is 9 bytes. A
#: run's shorter tails never match once its start did not, so no lookbehind is needed.
_B64_PIN_TOKEN = re.compile(r"[A-Za-z0-9+/_-]{11,}={0,2}")
#: the same in a URL, its « + », « / » and « = » percent-encoded (a query's « req=eyJ…%3D »)
_B64_PIN_QUOTED = re.compile(r"(?:[A-Za-z0-9+/_-]|%2[BbFf]){11,}(?:=|%3[Dd]){0,2}")
_QUOTED_B64 = {"%2B": "+", "%2b": "+", "%2F": "/", "%2f": "/", "%3D": "=", "%3d": "="}
_PIN_INS = PIN_INS  # the card layer's: VERIFY (20, 21), CHANGE REFERENCE DATA (24), RESET RETRY COUNTER (2C)
#: the class bytes of the commands a bench sends: ISO (00), proprietary (80), Vitale 1 and CPS2ter (BC), as
#: testbench.cards.apdu names them; any other first byte is no command (« PSAD-AMC-005 » decodes to 3D 20 03…)
_PIN_CLA = frozenset({0x00, 0x80, 0xBC})
#: a command that carries a code inside a longer binary frame (a proxy's or a middleware's header before it):
#: a class byte above, a code's INS, P1, P2, Lc 4–16 and at least four ASCII digits — the code as the bench's
#: cards take it; random bytes hardly ever hold this (the start of a token is read by :data:`_VERIFY`)
_VERIFY_EMBEDDED = re.compile(rb"(?s)[\x00\x80\xbc][\x20\x21\x24\x2c][\x00-\x03\x80\x81].[\x04-\x10][0-9]{4}")
#: what a decoded token must hold to be read by the PIN rules: a label (every XML tag of a code holds one
#: too), a command written in hex, or a token of base64 again
_KW_PIN_BYTES = re.compile(("(?i)" + _KW_PIN.pattern + "|code").encode())
_VERIFY_FAST_BYTES = re.compile(_VERIFY_FAST.pattern.encode())
_B64_PIN_BYTES = re.compile(_B64_PIN_TOKEN.pattern.encode())
#: a command in a program's form of bytes (:func:`_sub_byte_runs`): ``\x``, ``0x``, a code's INS in decimal
_BYTE_FORM_HINTS = (b"\\x", b"0x", b"0X", b"32,", b"33,", b"36,", b"44,")
_HEX_ID = re.compile(r"[0-9A-Fa-f-]+")
_NIR_FAST = re.compile(r"[1-478] ?\d\d ?\d\d ?(?:\d\d|2[ABab]) ?\d\d\d ?\d\d\d")
#: the same with a URL's spaces, looked for only in a line that holds one (« + » or « %20 »)
_NIR_FAST_URL = re.compile(
    rf"[1-478]{_NIR_SEP}\d\d{_NIR_SEP}\d\d{_NIR_SEP}(?:\d\d|2[ABab]){_NIR_SEP}\d\d\d{_NIR_SEP}\d\d\d"
)
_B64_FAST = re.compile(r"[A-Za-z0-9+/_-]{40}")

_XML_PIN = re.compile(
    r"(?i)<(?P<tag>(?:[\w-]+:)?(?:(?P<x_pin>" + _XML_TAGS["pin"] + r")|(?P<x_secret>" + _XML_TAGS["secret"] + r")))"
    r"(?:\s[^>]*)?>(?P<v>[^<]{1,300})</"
)

_B64 = re.compile(r"(?<![A-Za-z0-9+/_-])(?P<v>[A-Za-z0-9+/_-]{40,}+={0,2})(?![A-Za-z0-9+/=_-])")
_HEX = re.compile(r"[0-9A-Fa-f]+")
#: base64's own alphabet at work: both cases of letters, and a digit or ``+`` (``/`` alone is a path's).
#: Fixed-width records (B2), FSE fields and identifiers are written in one case, while 30 or more bytes
#: encode without a lower-case letter once in 10⁹ ((38/64)⁴⁰): a single-case run needs other evidence
_B64_ALPHABET = re.compile(r"(?=[^a-z]*[a-z])(?=[^A-Z]*[A-Z])[^\d+]*[\d+]")
#: a path of folder names, which base64's alphabet writes too (« /tmp/GestPSAD/Sorties/FSE/2026/12/FSE »): from the
#: root, four names or more of letters and digits, no ``+``, no ``=`` padding
_FOLDERS = re.compile(r"(?:/[A-Za-z0-9]{1,32}){4,}")
#: the words of a folder name: a capital and small letters (« Sorties »), small letters alone, or capitals (« PSAD »)
_NAME_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
#: a line with none of these is taken for a fixed-width record (a B2 lot): its masks keep their width
_FREE_TEXT = re.compile(r"""[<>{}"=:\t]""")
_MASK_DIGIT = re.compile(r"\d")
_MASK_LETTER = re.compile(r"[^\W\d_]")
#: the bytes of a card field as a card writes them (names, NIR and dates are text on the card)
_FIELD_TEXT = re.compile(rb"[\x20-\x7e\xa0-\xff]+")


def nir_key(body13: str) -> int:
    """97 - (NIR mod 97), Corsica 2A/2B counted as 19/18 (the NIR key rule, see docs/cards.md)."""
    digits = body13.upper().replace(" ", "")
    digits = digits.replace("2A", "19", 1) if digits[5:7] == "2A" else digits
    digits = digits.replace("2B", "18", 1) if digits[5:7] == "2B" else digits
    return 97 - int(digits) % 97


def nir_is_valid(nir: str) -> bool:
    compact = nir.replace(" ", "").upper()
    if len(compact) != 15 or not compact[13:].isdigit():
        return False
    try:
        return nir_key(compact[:13]) == int(compact[13:])
    except ValueError:
        return False


def is_fixed_width(line: str) -> bool:
    """A line with no markup nor separator (``<``, ``{``, quotes, ``=``, ``:``, a tab): a record of a
    fixed-width file (a B2 lot), whose fields are found by column, so a mask must keep their width."""
    return not _FREE_TEXT.search(line)


def same_width_mask(value: str) -> str:
    """``value`` masked in place: 0 for each digit, X for each letter, other characters kept. Numeric and
    date fields of the record stay numbers (zero is their « absent » value), so the file still parses."""
    return _MASK_LETTER.sub("X", _MASK_DIGIT.sub("0", value))


_JSON_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})")


class LineContext:
    """Per-line state shared by the steps. ``lowered``/``folded`` are computed from the original line:
    steps only ever replace text by masks, so a keyword absent from them is absent from the line.
    ``fixed``: the line is a fixed-width record (see :meth:`mask`)."""

    __slots__ = ("_folded", "counts", "fixed", "lowered", "original")

    def __init__(self, text: str, *, fixed: bool = False) -> None:
        self.original = text
        self.lowered = text.lower()
        self.counts: Counter[str] = Counter()
        self.fixed = fixed
        self._folded: str | None = None

    @property
    def folded(self) -> str:
        """The line without accents, lower-case, its JSON, HTML and URL escapes read (« Lef\\u00e8vre »,
        « Lef&egrave;vre », « Lef%C3%A8vre » fold to « lefevre »): what the cheap tests before a search look at
        (a URL's bytes are read as UTF-8 and as cp1252, both kept: the test only asks what the line holds)."""
        if self._folded is None:
            text = self.original
            if "\\u" in text or "&" in text:
                text = html.unescape(_JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))
            if "%" in text or "+" in text:
                text += " " + unquote_plus(text) + " " + unquote_plus(text, encoding="cp1252")
            self._folded = fold(text)
        return self._folded

    def mask(self, kind: str, value: str) -> str:
        """What replaces ``value`` of ``kind``: its marker (``‹NIR›``), or in a fixed-width record a mask of
        the same width (:func:`same_width_mask`), so the record's other fields stay in their columns."""
        return same_width_mask(value) if self.fixed else MARKERS[kind]


Step = Callable[[str, LineContext], str]


def text_steps(kinds: frozenset[str]) -> list[Step]:
    """The steps that find ``kinds`` by their shape or label, in their order (after PINs and card fields)."""
    steps: list[Step] = [_sub_xml_factory(kinds)]
    if "nir" in kinds:
        steps.append(_labelled(_KW_NIR, _NIR_LABELLED, "nir"))
    if "birth_date" in kinds:
        steps.append(_labelled(_KW_BIRTH, _BIRTH, "birth_date"))
    if kinds & {"finess", "rpps", "adeli", "id_ps"}:
        steps.append(_sub_ids_factory(kinds))
    if "name" in kinds:
        steps.append(_sub_name_kv)
    if "nir" in kinds:
        steps.append(_sub_nir)
    if "base64" in kinds:
        steps.append(_sub_b64_factory(kinds))
    return steps


# -------------------------------------------------------------------------------------- steps


#: the status words of the code's commands written in digits alone (docs/cards.md §2.2: 9000 success, 6983 code
#: blocked, 9804 CPS2ter wrong code…; a 63Cx holds a letter, no code), and what makes a line a card's answer or a
#: measure of it
_PIN_SW = re.compile(r"9000|6300|6581|6700|698[1-6]|9804|9840")
_STATUS_LINE = re.compile(
    r"pr[ée]sentation|v[ée]rif|verify|check|contr[ôo]le|\bsw|status|statut|r[ée]ponse|response|r[ée]sultat|result"
    r"|retour|apdu|dur[ée]e|duration|temps|elapsed|bloqu|blocked|refus|rejet|reject"
)
_VALUES = ("v1", "v2", "v3")


def _is_status_word(m: re.Match[str], value: str, lowered: str) -> bool:
    """A PIN-command status word on a line that reads as the card's answer or a measure of it (« Présentation
    PIN [9000] », « SW PIN = 6982 », « PIN: 6983 carte bloquée ») is no code: the card said OK or blocked.
    ``VerifyPIN(9000)``, a bracket against its label, is a call and its argument the code."""
    if m.group("br") == "(" and m.group("gap") is None:
        return False
    return _PIN_SW.fullmatch(value) is not None and _STATUS_LINE.search(lowered) is not None


#: a no-break space against a label's separator (« code porteur\u202f: 4719 », French typography), which the
#: label patterns read as a plain one once in NFKC; elsewhere (« 1\u00a0234,56 ») it hides nothing
_SPACED_SEPARATOR = re.compile("[\u00a0\u2007\u202f][:=]|[:=][\u00a0\u2007\u202f]")


def sub_pins(text: str, ctx: LineContext) -> str:
    """PINs and secrets in ``text``, masked (:func:`_sub_pins_as_written`); a line in compatibility characters
    (full-width « ＰＩＮ », a no-break space before « : ») is read again in NFKC, and kept in that form only when
    it held a code the first reading missed; then a known test card's code after « code » (:func:`_sub_known_codes`)."""
    masked = _sub_pins_as_written(text, ctx)
    # a compatibility character where it could hide a label, its separator or a code: read again in NFKC
    if not masked.isascii() and (FULL_WIDTH.search(masked) is not None or _SPACED_SEPARATOR.search(masked) is not None):
        normal = unicodedata.normalize("NFKC", masked)
        if _names_a_code(normal.lower()) or _VERIFY_FAST.search(normal):  # else nothing more to find
            inner = LineContext(normal)
            found = _sub_pins_as_written(normal, inner)
            if inner.counts:
                ctx.counts.update(inner.counts)
                masked = found
    return _sub_known_codes(masked, ctx) if "code" in ctx.lowered else masked


def _sub_known_codes(text: str, ctx: LineContext) -> str:
    """A known test card's code after the word « code » (testbench.traces.pin_words.known_code_pattern), whatever
    words are between (« code 4719 », « le code est 4719 », « code carte 4719 »): no label needed, the bench knows
    the value; a substring test first, as every captured line comes here."""
    if not names_known_code(ctx.lowered):
        return text
    known = known_code_pattern()
    assert known is not None

    def repl(m: re.Match[str]) -> str:
        ctx.counts["pin"] += 1
        return m.group()[: m.start("v") - m.start()] + MARKERS["pin"]

    return known.sub(repl, text)


def _sub_pins_as_written(text: str, ctx: LineContext) -> str:
    def kv(m: re.Match[str]) -> str:
        kind = "secret" if m.group("sk") is not None else "pin"
        name = next(v for v in _VALUES if m.group(v) is not None)
        value = m.group(name)
        if kind == "pin" and len(_DIGIT.findall(value)) < 4:
            return m.group()  # a PIN has 4 digits or more: « étape s-pin : verify-pin », « PIN : 3 essais »
        if m.group("ck") is not None and _CHANGE_CONTEXT.search(ctx.lowered) is None:
            return m.group()  # « le nouveau code 2024 est livré »: no PIN on the line
        if kind == "pin" and _is_status_word(m, value, ctx.lowered):
            return m.group()  # « Présentation PIN [9000] »: the card's answer, the match holds nothing else
        ctx.counts[kind] += 1
        return m.group()[: m.start(name) - m.start()] + MARKERS[kind]

    def next_code(m: re.Match[str]) -> str:
        ctx.counts["pin"] += 1
        return m.group()[: m.start("v") - m.start()] + MARKERS["pin"]

    def xml(m: re.Match[str]) -> str:
        kind = "pin" if m.group("x_pin") is not None else "secret"
        ctx.counts[kind] += 1
        return m.group()[: m.start("v") - m.start()] + MARKERS[kind] + "</"

    def call(m: re.Match[str]) -> str:
        name = "v" if m.group("v") is not None else "b"
        ctx.counts["pin"] += 1
        return m.group()[: m.start(name) - m.start()] + MARKERS["pin"] + m.group()[m.end(name) - m.start() :]

    def qualified(m: re.Match[str]) -> str:
        if m.group("v").replace(" ", "") == "9000":
            return m.group()  # « Code: 9000 (CPS) »: the card's success, a status word
        if _PIN_SW.fullmatch(m.group("v")) and _STATUS_LINE.search(ctx.lowered):
            return m.group()  # « code : 6983 (CPS) bloquée »: the card's answer
        ctx.counts["pin"] += 1
        return m.group()[: m.start("v") - m.start()] + MARKERS["pin"]

    def verify(m: re.Match[str]) -> str:
        data = m.group("data")
        hex_digits = _HEX_SEPARATORS.sub("", data)
        n = int(m.group("lc"), 16)
        if not _is_command_here(m.string, m.start(), bytes.fromhex(hex_digits[: 2 * n]), n):
            return m.group()
        ctx.counts["pin"] += 1
        # keep what follows the Lc data bytes (status words, the next APDU, a dump's column of characters whose first
        # letters read as hex: « 9000  ABC… ») as it is written, apart from the marker
        pairs = list(_HEX_BYTE.finditer(data))
        rest = data[pairs[n - 1].end() :] if len(pairs) > n else ""
        if rest[:1].isalnum():
            rest = " " + rest  # the data ended inside a group of xxd (« ff90 »)
        return m.group("head") + m.group("lc") + (m.group("gap") or " ") + MARKERS["pin"] + rest

    def block(m: re.Match[str]) -> str:
        ctx.counts["pin"] += 1
        return MARKERS["pin"]

    def format2(m: re.Match[str]) -> str:
        if not _is_format2(bytes.fromhex(_HEX_SEPARATORS.sub("", m.group("v")))):
            return m.group()
        ctx.counts["pin"] += 1
        return m.group()[: m.start("v") - m.start()] + MARKERS["pin"]

    if "\n" in text:
        text = _sub_wrapped_in_text(text, ctx)
    lowered = ctx.lowered
    before = ctx.counts["pin"]
    if _names_a_code(lowered):
        if ("pin" in lowered or "puk" in lowered) and "2" in text:
            text = _FORMAT2_LABELLED.sub(format2, text)
        text = _PIN_KV.sub(kv, text)
        if "****" in text:
            text = _STARS_NEXT.sub(next_code, text)
        if "‹PIN›" in text:
            n = 1
            while n:  # « ancien ‹PIN›, nouveau ‹PIN›, confirmation ‹PIN› »: one more each pass
                text, n = _PIN_NEXT.subn(next_code, text)
        if "codecps" in lowered:
            text, n = _CODECPS.subn(MARKERS["pin"], text)
            ctx.counts["pin"] += n
    if "verify" in lowered and "(" in text:
        text = _VERIFY_CALL.sub(call, text)
    if "code" in lowered and ")" in text:
        text = _CODE_QUALIFIED.sub(qualified, text)
    if _VERIFY_FAST.search(text):
        text = _VERIFY.sub(verify, text)
    if "ff" in lowered:
        text = _PIN_BLOCK_HEX.sub(block, text)
    if ctx.counts["pin"] > before and _DUMP_LINE.match(text):
        text = _mask_dump_chars(text)
    text = _sub_byte_runs(text, ctx)
    if "</" in text:
        text = _XML_PIN.sub(xml, text)
    return _sub_b64_codes(text, ctx)


def _is_command_here(text: str, start: int, data: bytes, count: int) -> bool:
    """Whether what :data:`_VERIFY` read at ``start`` is a command that carries a code: never in a card's answer
    (:data:`_DIRECTION`); its ``data`` (``count`` bytes, fewer when the line ends first) a code's
    (:func:`_is_code_data`), or else the command starting its run of hex — a header read inside random bytes
    masked what was no code, for good."""
    before = text[:start]
    last = next(reversed([*_DIRECTION.finditer(before)]), None)
    if last is not None and last.group("answer") is not None:
        return False
    glued = before[-1:] in _HEX_DIGITS  # « 9900 2000 »: inside an xxd group, so inside a run
    if not glued and not _IN_HEX_RUN.search(before):
        return True
    if len(data) < count:  # cut by the line's end (a dump's next line holds the rest): digits and padding so far
        return all(0x30 <= b <= 0x39 or b == 0xFF for b in data)
    return _is_code_data(data)


def _mask_dump_chars(text: str) -> str:
    """A dump line whose bytes held a code: the digits of its column of characters masked too (``hexdump -C``'s
    « |. ...4719....| », ``xxd``'s « . ...4719.... »), which show the code as text."""
    at = text.rfind(MARKERS["pin"])
    if at < 0:
        return text
    at += len(MARKERS["pin"])
    tail = _DUMP_TAIL.match(text, at)
    if tail is None:
        return text
    chars = _DIGITS.sub(MARKERS["pin"], tail.group("chars"))
    return text[: tail.start("chars")] + chars


# A code cut by a dump's line break: an application that dumps its buffers 16 bytes a line writes a VERIFY's header
# and the first digits of its code on one line, the rest on the next (« 0000: … 00 20 00 00 08 31 32 », « 0010: 33
# 34 FF FF … »), or a code's data block across two lines; each line alone shows a piece the one-line rules miss. A
# dump of 4 or 8 bytes a line cuts a command (21 bytes at most) over three lines or more: the lines after the one it
# starts on are read on while each is bytes alone (:func:`_continued_heads`).
#: a line that may continue a dump: a log's timestamp or none, its offset (``0010:``, ``00000010``, ``0x0010:``) or
#: none, then bytes (never a timestamp's digits, « 2026-11-25 »)
_CONTINUATION = re.compile(
    rf"[ \t]*(?:{_STAMP})?(?:(?:0[xX])?[0-9A-Fa-f]{{4,8}}:?[ \t]+)?(?P<first>[0-9A-Fa-f]{{2}})"
    r"(?:[ \t:-][0-9A-Fa-f]{2}|[0-9A-Fa-f]{2}(?:[ \t]|$))"
)
#: near a line's end: a code's command begun (class byte and INS, ``hexdump -C``'s middle gap between them too), or
#: an ASCII digit a data block may start with
_SPLIT_COMMAND = re.compile(r"(?:00|80|[bB][cC])(?:[ \t]{1,2}|[:-])?2[014cC]")
_SPLIT_DIGIT = re.compile(r"3[0-9]")
#: the bytes that end a dump line's area of bytes (before its column of characters), and that start the next one's
_TAIL_BYTES = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{2}(?:(?:[ \t]{1,2}|[:-])?[0-9A-Fa-f]{2})*[ \t]*$")
_HEAD_BYTES = re.compile(r"[0-9A-Fa-f]{2}(?:(?:[ \t]{1,2}|[:-])?[0-9A-Fa-f]{2}){0,23}(?![0-9A-Za-z])")
_SINGLE_SEP_HEAD = re.compile(r"[0-9A-Fa-f]{2}(?:[ \t:-]?[0-9A-Fa-f]{2}){0,23}(?![0-9A-Za-z])")
_DOUBLE_SPACE = re.compile(r"[ \t]{2,}")
_SPLIT_WINDOW = 90  # a command cut by the break starts in a line's last 21 bytes (and a column of characters after)

#: bytes of a dump line: (byte, start, end) of each in the line's text
DumpBytes = list[tuple[int, int, int]]


def _byte_area_end(line: str, start: int) -> int:
    """Where a dump line's bytes end: before its column of characters (``|…|`` of ``hexdump -C``; for a line that
    starts with its offset, after two spaces, as ``xxd`` writes it), else at the line's end (a log line's bytes)."""
    stripped = line.rstrip()
    if stripped.endswith("|") and stripped.count("|") >= 2:
        return stripped.rindex("|", 0, len(stripped) - 1)
    if _DUMP_LINE.match(line) is not None:
        gap = _DOUBLE_SPACE.search(line, start)
        if gap is not None:
            return gap.start()
    return len(stripped)


def _pairs(text: str, start: int, end: int) -> DumpBytes:
    return [(int(m.group(), 16), m.start(), m.end()) for m in _HEX_BYTE.finditer(text, start, end)]


_HEX_BYTE = re.compile(r"[0-9A-Fa-f]{2}")


def _line_tail(line: str) -> DumpBytes:
    """The bytes that end a line's area of bytes (its last 21 at most)."""
    offset = _DUMP_LINE.match(line)
    end = _byte_area_end(line, offset.end() if offset is not None else 0)
    found = _TAIL_BYTES.search(line, max(0, end - 80), end)  # 21 bytes written with their separators
    if found is None:
        return []
    return _pairs(line, found.start(), found.end())[-21:]


def _line_head(line: str, start: int) -> DumpBytes:
    """The bytes that start a continuation line from ``start`` (after its timestamp and offset: where
    :data:`_CONTINUATION` read its first byte); its column of characters left out."""
    end = _byte_area_end(line, start)
    head = (_HEAD_BYTES if end < len(line) and line[end] == "|" else _SINGLE_SEP_HEAD).match(line, start, end)
    return [] if head is None else _pairs(line, head.start(), head.end())


def _all_bytes(line: str, head: DumpBytes) -> bool:
    """Whether ``head`` is all of ``line``'s bytes (nothing but spaces after it before its column of characters): a
    code may run on through it to the next line."""
    end = _byte_area_end(line, head[0][1])
    return not line[head[-1][2] : end].strip()


def _class_then_ins(line: str, first: str) -> bool:
    """Whether ``line`` ends on a code's class byte (00, 80, BC) and the next line starts (``first``) with its INS
    (20, 21, 24, 2C): a command the break cut between its first two bytes, which no window of one line shows."""
    if int(first, 16) not in _PIN_INS:
        return False
    tail = _line_tail(line)
    return bool(tail) and tail[-1][0] in _PIN_CLA


def _split_codes(tail: DumpBytes, heads: list[DumpBytes], open_end: bool = False) -> list[tuple[int, int]]:
    """Where codes cut by the breaks are in the joined bytes (start, end of their data): a code's command starting in
    ``tail`` whose data (or header) runs past it into the next lines' ``heads``, or a data block alone (4 to 7 ASCII
    digits, FF to 8 bytes) across the first break; its data a code's as a card takes it (:func:`_is_code_data`).
    ``open_end``: the last line read may go on (a poll ended there): a command whose data runs past it, digits and
    padding so far, is a code cut by the end of what was read, as one line's rule takes it."""
    data = bytes(b for b, _, _ in tail) + bytes(b for head in heads for b, _, _ in head)
    cut = len(tail)
    found: list[tuple[int, int]] = []
    for i in range(max(0, cut - 21), min(cut, len(data) - 4)):
        if data[i] not in _PIN_CLA or data[i + 1] not in _PIN_INS or not 1 <= data[i + 4] <= 16:
            continue
        end = i + 5 + data[i + 4]
        p1_ok = data[i + 2] <= 3 or data[i + 2] in (0x80, 0x81)
        if p1_ok and cut < end <= len(data) and _is_code_data(data[i + 5 : end]):
            found.append((i + 5, end))
        elif p1_ok and open_end and end > len(data) > max(cut, i + 5) and _digits_so_far(data[i + 5 :]):
            found.append((i + 5, len(data)))
    if found:
        return found
    for i in range(max(0, cut - 7), cut):  # a block alone: it starts before the break and ends after it
        if i + 8 > cut and (i == 0 or not 0x30 <= data[i - 1] <= 0x39) and _PIN_BLOCK_BYTES.fullmatch(data[i : i + 8]):
            return [(i, i + 8)]
    return found


def _digits_so_far(data: bytes) -> bool:
    """A code's data cut before its end: ASCII digits and FF padding so far."""
    return all(0x30 <= b <= 0x39 or b == 0xFF for b in data)


def _mask_bytes(line: str, spans: DumpBytes) -> str:
    """``line`` with the text of ``spans`` (consecutive bytes) replaced by one ``‹PIN›``, its column's digits too."""
    before, after = line[: spans[0][1]], line[spans[-1][2] :]
    # a group of ``xxd`` cut by the code (« 0834 », « ff90 »): its other byte stays apart from the marker
    glued_before = " " if before[-1:].isalnum() else ""
    glued_after = " " if after[:1].isalnum() else ""
    masked = before + glued_before + MARKERS["pin"] + glued_after + after
    return _mask_dump_chars(masked) if _DUMP_LINE.match(masked) else masked


#: the most bytes a code's command spans (class, INS, P1, P2, Lc and 16 bytes of data): how far past a line's tail the
#: lines after it are read, however few bytes each holds (a dump of 4 or 8 bytes a line cuts one over 3 lines or more)
_COMMAND_MAX = 21


def _continued_heads(texts: Sequence[str | None], i: int) -> tuple[list[tuple[int, DumpBytes]], bool]:
    """The bytes that start each line after ``texts[i]`` that continues the dump, as far as a code begun on ``texts[i]``
    may run: (index, bytes) of the next line, then of each next one while the one before it was bytes alone; and
    whether they end with the last line read, bytes alone (the dump may go on in lines not read yet)."""
    heads: list[tuple[int, DumpBytes]] = []
    count = 0
    for n in range(i + 1, len(texts)):
        text = texts[n]
        continued = _CONTINUATION.match(text) if text else None
        if text is None or continued is None:
            break
        if heads and not _all_bytes(texts[n - 1] or "", heads[-1][1]):
            break  # the line before ends with other text: the bytes do not run on here
        head = _line_head(text, continued.start("first"))
        if not head:
            break
        heads.append((n, head))
        count += len(head)
        if count >= _COMMAND_MAX:
            return heads, False
    else:
        return heads, bool(heads) and _all_bytes(texts[-1] or "", heads[-1][1])
    return heads, False


#: the most bytes read on each side of a break for a known value it cut (testbench.traces.redact_bytes): a whole dump
#: line of 16 or 32 bytes, written with its separators
_VALUE_SIDE = 64
_LONG_HEAD_BYTES = re.compile(
    rf"[0-9A-Fa-f]{{2}}(?:(?:[ \t]{{1,2}}|[:-])?[0-9A-Fa-f]{{2}}){{0,{_VALUE_SIDE - 1}}}(?![0-9A-Za-z])"
)
_LONG_SINGLE_SEP_HEAD = re.compile(
    rf"[0-9A-Fa-f]{{2}}(?:[ \t:-]?[0-9A-Fa-f]{{2}}){{0,{_VALUE_SIDE - 1}}}(?![0-9A-Za-z])"
)
#: a line between two lines of a dump that holds none of its bytes: empty, or a log's timestamp (and level) alone or
#: with a few words without a digit (« 2026-12-07 10:00:01.124 DEBUG suite : »), as a logger that stamps each of its
#: writes puts between a dump's pieces; an external engine's empty stderr line (« stderr : ») too. Read with a space
#: after the line (a stamp's own)
STAMP_LINE = re.compile(rf"[ \t]*{_CHANNEL}?(?:{_STAMP_CORE}[^\d\r\n]{{0,40}})?")
#: a line that may continue a dump, as :data:`_CONTINUATION` reads one, or a dump's last line of one byte
#: (« 00000018  35               |5| »: where a value's last byte may be); each part read once (possessive: every line
#: of a trace is tried, most of them a log's line after its timestamp, which fails at its first word)
CONTINUED_DUMP = re.compile(
    rf"[ \t]*+(?:{_NAMED_STAMP})?+(?:(?:0[xX])?[0-9A-Fa-f]{{4,8}}:?[ \t]++)?+(?P<first>[0-9A-Fa-f]{{2}})"
    r"(?:[ \t:-][0-9A-Fa-f]{2}|[0-9A-Fa-f]{2}(?:[ \t]|$)|(?<=[ \t][0-9A-Fa-f]{2})(?=[ \t]*(?:\||$)|[ \t]{2}))"
)

#: a line that may continue a dump written packed (« 2F313938302038… », no separator between its bytes): its head as
#: :data:`CONTINUED_DUMP` reads one (a logger's name any word: « DEBUG packed 2F31… »), an offset with its colon or
#: none, then the hex digits (an odd count too: a dump cut inside a byte), up to a character no word goes on with
_WORD_LOGGER = r"(?:(?=[\w.$-]*[G-Zg-z_])[A-Za-z_][\w.$-]{0,40}:?[ \t]+)"
_PACKED_CORE = rf"(?:{_LEVEL}{_WORD_LOGGER}?|{_TIME}(?:{_LEVEL}{_WORD_LOGGER}?)?)"
PACKED_HEAD = re.compile(
    rf"[ \t]*+(?:{_CHANNEL}{_PACKED_CORE}?|{_PACKED_CORE})?+(?:(?:0[xX])?[0-9A-Fa-f]{{4,8}}:[ \t]++)?+"
    r"(?P<hex>[0-9A-Fa-f]{2,})(?![0-9A-Za-z])"
)


#: a dump's bytes as one span of text (``DumpSpan``): where they start and end in the line, their values, and where the
#: line's area of bytes ends (its column of characters after)
DumpSpan = tuple[int, int, bytes, int]
_NOT_HEX = re.compile(r"[^0-9A-Fa-f]")


def continued_head(line: str) -> DumpSpan | None:
    """The bytes that start ``line`` when it may continue a dump (:data:`CONTINUED_DUMP`: a timestamp and an offset or
    none, then bytes; up to :data:`_VALUE_SIDE`); None for any other line."""
    continued = CONTINUED_DUMP.match(line)
    if continued is None:
        return None
    start = continued.start("first")
    end = _byte_area_end(line, start)
    head = (_LONG_HEAD_BYTES if end < len(line) and line[end] == "|" else _LONG_SINGLE_SEP_HEAD).match(line, start, end)
    if head is None:
        return None
    return head.start(), head.end(), bytes.fromhex(_NOT_HEX.sub("", head.group())), end


def dump_tail(line: str) -> DumpSpan | None:
    """The bytes that end ``line``'s area of bytes (its last :data:`_VALUE_SIDE`), after its timestamp and offset;
    None when the area ends with other text."""
    continued = CONTINUED_DUMP.match(line)
    start = continued.start("first") if continued is not None else 0
    end = _byte_area_end(line, start)
    found = _TAIL_BYTES.search(line, max(start, end - 3 * _VALUE_SIDE), end)
    if found is None:
        return None
    data = bytes.fromhex(_NOT_HEX.sub("", found.group()))
    return found.start(), found.end(), data[-_VALUE_SIDE:], end


def span_bytes(line: str, span: DumpSpan) -> DumpBytes:
    """(byte, start, end) of each byte of ``span`` in ``line``'s text (the last ones, as many as its values)."""
    return _pairs(line, span[0], span[1])[-len(span[2]) :]


def sub_split_dump_codes(lines: MutableSequence[str], counts: Counter[str], previous: str | None = None) -> None:
    """Mask, in consecutive ``lines`` of one source, each code a dump's line breaks cut (see above): its bytes on every
    line it spans become ``‹PIN›``, and the digits of their columns of characters. ``previous``: the lines read just
    before ``lines`` (an earlier poll; several joined by « \\n »), whose bytes the first line may continue; they are
    not changed."""
    before = previous.split("\n") if previous is not None else []
    texts: list[str] = [*before, *lines]
    shift = len(before)
    for i in range(len(texts) - 1):
        line, nxt = texts[i], texts[i + 1]
        continued = _CONTINUATION.match(nxt) if line else None
        if continued is None:
            continue
        window = line[-_SPLIT_WINDOW:] if len(line) > _SPLIT_WINDOW else line
        first = continued.group("first")
        if _SPLIT_COMMAND.search(window) is None and not _class_then_ins(line, first):
            # a data block alone: its next bytes on the next line are digits or padding, and there is padding
            if (first[0] != "3" or not first[1].isdigit()) and first not in ("ff", "FF"):
                continue
            if ("ff" not in nxt and "FF" not in nxt) or _SPLIT_DIGIT.search(window) is None:
                continue
        tail = _line_tail(line)
        if not tail:
            continue
        last = next(reversed([*_DIRECTION.finditer(line, 0, tail[0][1])]), None)
        if last is not None and last.group("answer") is not None:
            continue  # a card's answer: never a command
        heads, open_end = _continued_heads(texts, i)
        if not heads:
            continue
        for start, end in _split_codes(tail, [head for _, head in heads], open_end):
            counts["pin"] += 1
            cut = len(tail)
            if start < cut and i >= shift:
                texts[i] = lines[i - shift] = _mask_bytes(line, tail[start:cut])
            at = cut  # where each next line's bytes start in the joined bytes
            for n, head in heads:
                piece = head[max(0, start - at) : max(0, end - at)]
                if piece and n >= shift:
                    texts[n] = lines[n - shift] = _mask_bytes(texts[n], piece)
                at += len(head)
            break


# A code's command as a program logs its bytes, not in hex: a Python bytes literal or ``\x`` escapes
# (``b'\x00 \x00\x81\x084719\xff…'``), a C array (``0x00,0x20,…``), a list of numbers (``[0, 32, 0, 129, 8, …]``,
# Java's signed bytes too). A run of one form is read as bytes, the one rule finds the commands in them
# (:func:`_code_commands`), and their data are masked in the run as written (:func:`_mask_run`).
_ESCAPED_BYTE = r"""\\x[0-9A-Fa-f]{2}|\\[tnr\\'"]|[ -\[\]-~]"""
_C_HEX_BYTE = r"0[xX][0-9A-Fa-f]{1,2}(?![0-9A-Fa-f])"
_DECIMAL_BYTE = r"-?(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w.])"
_ESCAPES = {"\\t": 9, "\\n": 10, "\\r": 13}


def _escaped_byte(element: str) -> int:
    """``\\x81``, ``\\n`` or a character of a bytes literal (``\\'`` its quote)."""
    if element.startswith("\\x"):
        return int(element[2:], 16)
    return _ESCAPES.get(element, ord(element[-1]))


#: each form: the test that lets a line skip it (the class and INS bytes of a command as it writes them), a run of
#: bytes, one byte of the run and its value
ByteForm = tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], Callable[[str], int]]
_ESCAPED_FORM: ByteForm = (  # the first tests are the store's question's too (testbench.traces.pin_words)
    ESCAPED_COMMAND,
    re.compile(rf"(?:{_ESCAPED_BYTE})+"),
    re.compile(_ESCAPED_BYTE),
    _escaped_byte,
)
_C_HEX_FORM: ByteForm = (
    C_HEX_COMMAND,
    re.compile(rf"{_C_HEX_BYTE}(?:(?:[ \t]*,[ \t]*|[ \t]+){_C_HEX_BYTE}){{5,}}"),
    re.compile(_C_HEX_BYTE),
    lambda element: int(element[2:], 16),
)
_DECIMAL_FORM: ByteForm = (
    DECIMAL_COMMAND,
    re.compile(rf"(?<![\w.-]){_DECIMAL_BYTE}(?:[ \t]*,[ \t]*{_DECIMAL_BYTE}){{5,}}"),
    re.compile(_DECIMAL_BYTE),
    lambda element: int(element) % 256,
)


def _code_commands(data: bytes) -> Iterator[tuple[int, int]]:
    """Where the code of each command that carries one is in ``data``: (start, end) of its data bytes
    (:func:`_is_code_command`)."""
    i = 0
    while i + 5 < len(data):
        if _is_code_command(data, i):
            end = i + 5 + data[i + 4]
            yield i + 5, end
            i = end
        else:
            i += 1


def _is_code_command(data: bytes, i: int) -> bool:
    """Whether a command that carries a code starts at ``data[i]``: a bench's class byte (:data:`_PIN_CLA`), what
    :data:`_VERIFY` reads in hex, its Lc data bytes all there and either ending the run or padded with FF, and
    data a code's (:func:`_is_code_data`). A list of numbers is often no command (« [0, 32, 0, 128, 5, 1, 2, 3,
    4, 5] »), and what is masked at capture is gone for good."""
    if data[i] not in _PIN_CLA or data[i + 1] not in _PIN_INS or not _VERIFY.match(data[i : i + 22].hex(" ")):
        return False
    end = i + 5 + data[i + 4]
    if end > len(data) or (end < len(data) and data[end - 1] != 0xFF):
        return False
    return _is_code_data(data[i + 5 : end])


def _is_code_data(block: bytes) -> bool:
    """Whether ``block`` is one code or more as a card takes them: ASCII digits padded with FF (the bench's
    cards, testbench.cards.layout.pin_block), or ISO 9564 format 2 blocks of 8 bytes (``24 47 19 FF…``)."""
    digits = block.replace(b"\xff", b"")
    if len(digits) >= 4 and digits.isdigit():
        return True
    return len(block) % 8 == 0 and all(_is_format2(block[k : k + 8]) for k in range(0, len(block), 8))


def _is_format2(block: bytes) -> bool:
    """An ISO 9564 format 2 PIN block: ``2``, the count of digits (4 to 12), the digits, ``F`` fill."""
    text = block.hex()
    count = int(text[1], 16)
    return text[0] == "2" and 4 <= count <= 12 and text[2 : 2 + count].isdigit() and not text[2 + count :].strip("f")


def _sub_byte_runs(text: str, ctx: LineContext) -> str:
    """The data of the code's commands in runs of bytes written in a program's forms, each replaced by ``‹PIN›``
    between the run's own separators; substring tests first, as every captured line comes here."""
    if "\\x" in text:
        text = _sub_byte_form(text, _ESCAPED_FORM, ctx)
    if "0x" in ctx.lowered:
        text = _sub_byte_form(text, _C_HEX_FORM, ctx)
    if "32," in text or "33," in text or "36," in text or "44," in text:  # INS 20, 21, 24, 2C in decimal
        text = _sub_byte_form(text, _DECIMAL_FORM, ctx)
    return text


def _sub_byte_form(text: str, form: ByteForm, ctx: LineContext) -> str:
    fast, run, element, value = form
    if not fast.search(text):
        return text
    return run.sub(lambda m: _mask_run(m.group(), element, value, ctx), text)


def _mask_run(run: str, element: re.Pattern[str], value: Callable[[str], int], ctx: LineContext) -> str:
    """``run`` with the data of each command in its bytes replaced by ``‹PIN›``, what is around kept as written."""
    elements = list(element.finditer(run))
    data = bytes(value(e.group()) for e in elements)
    out, done = [], 0
    for start, end in _code_commands(data):
        ctx.counts["pin"] += 1
        out += [run[done : elements[start].start()], MARKERS["pin"]]
        done = elements[end - 1].end()
    return "".join(out) + run[done:] if out else run


#: the characters of a base64 token, either alphabet (``=`` padding apart)
_B64_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-"
_B64_SET = frozenset(_B64_CHARS)
#: the shortest line of a wrapped token: MIME wraps at 76 characters, PEM at 64, every encoder at a multiple of 4
_WRAP_MIN = 16

#: where a token wrapped over lines is: each of its pieces as (line, start, end)
Pieces = list[tuple[int, int, int]]


def wrapped_b64(lines: Sequence[str]) -> list[Pieces]:
    """The base64 tokens wrapped over consecutive ``lines`` (MIME's 76 columns, PEM's 64): a token ending a line,
    as long as the wrap (16 characters or more, a multiple of 4), then lines that are the token's next piece of
    that length (indented or not), and at most one shorter piece starting the line that ends it (its ``=``
    padding included). Each line alone decodes to a piece of the bytes only: a PIN cut by the wrap is in
    none of them, and is found in the token the pieces join into."""
    found: list[Pieces] = []
    count = len(lines)
    i = 0
    while i < count - 1:
        line = lines[i]
        if not line or (line[-1] not in _B64_SET and line[-1] not in " \t\r"):
            i += 1
            continue
        end = len(line.rstrip(" \t\r"))
        start = len(line[:end].rstrip(_B64_CHARS))
        width = end - start
        if width < _WRAP_MIN or width % 4:
            i += 1
            continue
        pieces: Pieces = [(i, start, end)]
        j = i + 1
        while j < count:
            nxt = lines[j]
            head = len(nxt) - len(nxt.lstrip(" \t"))
            stop = len(nxt) - len(nxt[head:].lstrip(_B64_CHARS))
            pad = 2 if nxt.startswith("==", stop) else 1 if nxt.startswith("=", stop) else 0
            size = stop - head + pad
            if size == width and not pad and not nxt[stop:].strip(" \t\r"):
                pieces.append((j, head, stop))  # a whole line of the token: it goes on
                j += 1
                continue
            if stop > head and size <= width:
                pieces.append((j, head, stop + pad))  # its last piece
                j += 1
            break
        if len(pieces) > 1:
            found.append(pieces)
        i = j
    return found


def sub_wrapped_b64_codes(lines: MutableSequence[str], counts: Counter[str]) -> None:
    """Mask, in ``lines``, each piece of a base64 token wrapped over them (:func:`wrapped_b64`) whose joined
    bytes hold a code (:func:`_b64_code`): ``‹PIN›`` (``‹SECRET›``) in place of each piece, one counted."""
    for pieces in wrapped_b64(lines):
        kind = _b64_code("".join(lines[n][start:end] for n, start, end in pieces))
        if kind is None:
            continue
        counts[kind] += 1
        for n, start, end in pieces:  # one piece a line
            lines[n] = lines[n][:start] + MARKERS[kind] + lines[n][end:]


def _sub_wrapped_in_text(text: str, ctx: LineContext) -> str:
    """A text of several lines (a syslog message, a multi-line note): its wrapped base64 tokens holding a code, and
    the codes a dump's line break cut (:func:`sub_split_dump_codes`)."""
    lines = text.split("\n")
    before = sum(ctx.counts.values())
    sub_wrapped_b64_codes(lines, ctx.counts)
    sub_split_dump_codes(lines, ctx.counts)
    return "\n".join(lines) if sum(ctx.counts.values()) != before else text


def _sub_b64_codes(text: str, ctx: LineContext) -> str:
    """Base64 tokens that hold a code (:func:`_b64_code`), masked whole: ``‹PIN›`` (``‹SECRET›`` for a
    password). Runs at capture, so a PIN in base64 never reaches the session either."""
    pattern = _B64_PIN_QUOTED if "%" in text else _B64_PIN_TOKEN
    memo = _b64_codes
    # most lines hold no token, or words seen before (a class name, a step's id): looked up without a call
    for token in pattern.findall(text):
        kind = memo.get(token, "")
        if kind == "":
            kind = _b64_code(_unquote_b64(token) if "%" in token else token)
        if kind is not None:
            break
    else:
        return text

    def repl(m: re.Match[str]) -> str:
        token = m.group()
        kind = _b64_code(_unquote_b64(token) if "%" in token else token)
        if kind is None:
            return token
        ctx.counts[kind] += 1
        return MARKERS[kind]

    return pattern.sub(repl, text)


def _unquote_b64(token: str) -> str:
    for quoted, plain in _QUOTED_B64.items():
        token = token.replace(quoted, plain)
    return token


_b64_codes: dict[str, str | None] = {}  # token → what it hides: a capture repeats its tokens (a class name)


def _b64_code(token: str) -> str | None:
    """``"pin"`` when ``token`` is base64 (either alphabet, padded or not) of a command that carries a code
    (:data:`_VERIFY` at its start, class byte 00, 80 or a Vitale 1's BC; :data:`_VERIFY_EMBEDDED` inside a
    frame) or of text in which
    these rules find a PIN — a label and a code, a command written in hex or as a program's bytes, XML, base64
    again — as one-byte
    text or UTF-16 of either order; ``"secret"`` for a password; else None. Hexadecimal (a dump, a hash, a
    UUID) is not looked at: the VERIFY rule reads dumps. Memoised, bounded: unique tokens cost a decoding and
    three searches of its bytes."""
    found = _b64_codes.get(token, "")
    if found != "":
        return found
    found = None
    data = None if _HEX_ID.fullmatch(token) else _b64_loose(token)
    if data is not None and len(data) >= 8:
        at_start = data[0] in _PIN_CLA and data[1] in _PIN_INS and _VERIFY.match(data[:22].hex(" "))
        if at_start or _VERIFY_EMBEDDED.search(data) or _PIN_BLOCK_BYTES.fullmatch(data):
            found = "pin"
        else:
            # UTF-16 text without its zero bytes is its one-byte text (labels and digits are ASCII)
            if b"\x00" in data:
                data = data.replace(b"\x00", b"")
            if (
                _KW_PIN_BYTES.search(data)
                or _VERIFY_FAST_BYTES.search(data)
                or _B64_PIN_BYTES.search(data)
                or any(hint in data for hint in _BYTE_FORM_HINTS)
            ):
                decoded = data.decode("latin-1")
                inner = LineContext(decoded)
                sub_pins(decoded, inner)
                found = "pin" if inner.counts["pin"] else "secret" if inner.counts["secret"] else None
    if len(_b64_codes) >= 4096:
        _b64_codes.clear()
    _b64_codes[token] = found
    return found


def _b64_loose(token: str) -> bytes | None:
    """The bytes of ``token`` read as base64 of either alphabet, padded or not; unlike :func:`b64_bytes`, the
    unused bits of its last character are not looked at (a command's code is masked on weaker evidence than a
    token of personal data: a PIN never leaves)."""
    core = token.rstrip("=")
    if len(core) % 4 == 1:
        return None
    altchars = b"-_" if ("-" in core or "_" in core) else None
    if altchars and ("+" in core or "/" in core):
        return None
    try:
        return base64.b64decode(core + "=" * (-len(core) % 4), altchars=altchars, validate=True)
    except (binascii.Error, ValueError):
        return None


def _sub_xml_factory(kinds: frozenset[str]) -> Step:
    wanted = [k for k in _XML_TAGS if k in kinds or k in ("pin", "secret") or k == "prescriber"]

    def sub(text: str, ctx: LineContext) -> str:
        if "</" not in text:
            return text

        def repl(m: re.Match[str]) -> str:
            for tag in wanted:
                if m.group(f"x_{tag}") is not None:
                    kind = prescriber_kind(m.group("v").strip()) if tag == "prescriber" else tag
                    if tag == "prescriber" and kind not in kinds:
                        return m.group()  # not an identifier (a name is the name rules'), or a kind not asked
                    ctx.counts[kind] += 1
                    start = m.start("v") - m.start()
                    return m.group()[:start] + ctx.mask(kind, m.group("v")) + "</"
            return m.group()

        return _XML.sub(repl, text)

    return sub


def _labelled(keyword: re.Pattern[str], pattern: re.Pattern[str], kind: str) -> Step:
    """A value behind a label (``NIR=…``, ``né le …``): the label stays, the value becomes the marker.
    The keyword test on the lowered line skips the regular expression on most lines."""

    def sub(text: str, ctx: LineContext) -> str:
        if not keyword.search(ctx.lowered):
            return text

        def repl(m: re.Match[str]) -> str:
            ctx.counts[kind] += 1
            return text[m.start() : m.start("v")] + ctx.mask(kind, m.group("v"))

        return pattern.sub(repl, text)

    return sub


def _sub_nir(text: str, ctx: LineContext) -> str:
    if not _NIR_FAST.search(text) and not (("+" in text or "%20" in text) and _NIR_FAST_URL.search(text)):
        return text

    def repl(m: re.Match[str]) -> str:
        kind = "nir" if nir_key(_NIR_SEPARATORS.sub("", m.group("body"))) == int(m.group("key")) else "nir?"
        ctx.counts[kind] += 1
        return ctx.mask(kind, m.group())

    return _NIR.sub(repl, text)


def _sub_ids_factory(kinds: frozenset[str]) -> Step:
    def sub(text: str, ctx: LineContext) -> str:
        lowered = ctx.lowered
        if not _KW_IDS.search(lowered):
            return text

        def repl(m: re.Match[str]) -> str:
            label = next(k for k in ("finess", "rpps", "adeli", "idps", "prescriber") if m.group(k) is not None)
            value = m.group("v")
            kind = prescriber_kind(value) if label == "prescriber" else "id_ps" if label == "idps" else label
            if kind is None or kind not in kinds or len(value) not in _ID_LENGTHS[kind]:
                return m.group()
            ctx.counts[kind] += 1
            return text[m.start() : m.start("v")] + ctx.mask(kind, value)

        return _IDS.sub(repl, text)

    return sub


_JSON_WORDS = frozenset({"null", "true", "false"})


def _sub_name_kv(text: str, ctx: LineContext) -> str:
    lowered = ctx.lowered
    if not _KW_NAME.search(lowered):
        return text

    def repl(m: re.Match[str]) -> str:
        if _NOT_PERSON.search(text, max(0, m.start() - 14), m.start()):
            return m.group()
        value = m.group("v")
        if value.startswith("‹") or value in _JSON_WORDS:  # already masked, or a JSON null: no name to hide
            return m.group()
        ctx.counts["name"] += 1
        quote = value[0] if value[0] in "\"'" else ""
        inner = value[1:-1] if quote else value
        return m.group("key") + m.group("sep") + quote + ctx.mask("name", inner) + quote

    return _NAME_KV.sub(repl, text)


def b64_bytes(token: str) -> bytes | None:
    """The bytes ``token`` encodes when it obeys base64's rules (RFC 4648 §4-5), else None: one alphabet
    (``+/`` or ``-_``), ``=`` only to fill the last group of four, never a lone sixth of a byte, and the
    unused bits of the last character at zero (every encoder writes them so; two runs in three of
    capitals and digits that are not base64 break one of these rules)."""
    core = token.rstrip("=")
    if (len(core) != len(token) and len(token) % 4) or len(core) % 4 == 1:
        return None
    altchars = b"-_" if ("-" in core or "_" in core) else None
    if altchars and ("+" in core or "/" in core):
        return None
    try:
        data = base64.b64decode(core + "=" * (-len(core) % 4), altchars=altchars, validate=True)
    except (binascii.Error, ValueError):
        return None
    if base64.b64encode(data, altchars=altchars).rstrip(b"=") != core.encode("ascii"):
        return None  # non-zero unused bits: not what an encoder writes
    return data


def _folders(value: str) -> bool:
    """``value`` reads as a path of folder names rather than base64: three letters in four or more are in words of
    three letters or more (« tmp », « Gest », « PSAD », « Sorties », « FSE »), where base64 switches case at random.
    40 characters of random base64 read so less than twice in a million; even then, masked when their bytes are
    personal."""
    if not _FOLDERS.fullmatch(value):
        return False
    words = [len(word) for word in _NAME_WORD.findall(value)]
    return sum(n for n in words if n >= 3) >= 0.75 * sum(words)


def _sub_b64_factory(kinds: frozenset[str]) -> Step:
    """Base64 blobs, masked whole (an error answer carries the request, hence the PIN code), when there is
    evidence that the run is base64 rather than a record or an identifier of letters and digits: it decodes
    by base64's rules and either uses base64's alphabet (both cases and digits, or ``=`` padding) and does not read
    as a path of folder names (:func:`_folders`), or what it decodes to holds personal data (a card file's fields,
    a VERIFY's PIN, text the other rules mask).
    The session's known values in shorter tokens are testbench.traces.redact_bytes' search."""
    inner = [sub_pins, *text_steps(kinds - {"base64"})]

    def personal(data: bytes) -> bool:
        if any(_FIELD_TEXT.fullmatch(data[f.start : f.end]) for f in personal_fields(data)):
            return True
        if _VERIFY.search(data.hex(" ")):
            return True
        try:
            decoded = data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        ctx = LineContext(decoded)
        for step in inner:
            decoded = step(decoded, ctx)
        return bool(ctx.counts)

    def sub(text: str, ctx: LineContext) -> str:
        if len(text) < 40 or not _B64_FAST.search(text):
            return text

        def repl(m: re.Match[str]) -> str:
            value = m.group("v")
            if _HEX.fullmatch(value):
                return value  # an APDU dump, searched by testbench.traces.redact_bytes
            data = b64_bytes(value)
            if data is None:
                return value
            evident = not _folders(value) and (value.endswith("=") or _B64_ALPHABET.match(value))
            if not (evident or personal(data)):
                return value
            ctx.counts["base64"] += 1
            return ctx.mask("base64", value)

        return _B64.sub(repl, text)

    return sub


# A word a line break cut right after a known one-word name (« … des ESSAI » then « S restants », or its bytes in a
# dump): the joined word is no name, but each line's own redaction, which sees its line alone, would take the end of the
# first line for the name. The step that reads lines joined (testbench.traces.redact.Redactor.sub_cut_values) keeps such
# a piece out of the later rules by writing it in private-use characters, which no rule reads and which
# :func:`restore_kept` turns back at the end of the line's redaction.
_KEPT_BASE = 0xF0000
_KEPT = re.compile("[\U000f0000-\U000fffff]+")


def keep_piece(text: str) -> str:
    """``text`` written so that no redaction rule reads it (:func:`restore_kept` gives it back)."""
    return "".join(chr(_KEPT_BASE + ord(c)) for c in text)


def restore_kept(text: str) -> str:
    """``text`` with the pieces :func:`keep_piece` hid given back (ASCII text costs one test)."""
    if text.isascii() or _KEPT.search(text) is None:
        return text
    return _KEPT.sub(lambda m: "".join(chr(ord(c) - _KEPT_BASE) for c in m.group()), text)
