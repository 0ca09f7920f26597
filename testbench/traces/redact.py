"""Redaction of personal data and secrets in trace text: deterministic, and it says what it replaced.

Each match is replaced by a marker naming its kind — ``‹NIR›``, ``‹NOM›``, ``‹PIN›``… — never by a hash
(a hashed NIR can be found again by brute force). The same input always gives the same output.

What is redacted (see docs/traces.md for the rules and their limits):

- PIN and secrets, always, with or without a label: ``PIN=…``, ``code porteur: …``, ``codecps1234``,
  ``<CodePorteur>…</CodePorteur>``, passwords; the data of a VERIFY APDU (``xx 20 00 xx Lc data``).
  :func:`redact_pins` does only this and runs at capture: a PIN never reaches the session file.
- NIR: 13 digits + 2-digit key, with or without spaces, 2A/2B for Corsica. Unlabelled, a 15-digit number
  is redacted when its structure is plausible (sex 1/2/3/4/7/8, month 01-12, 20-42 or 50-99): ``‹NIR›``
  when the key checks (97 - NIR mod 97), ``‹NIR?›`` when it does not. After a label (``NIR``,
  ``immatriculation``, ``matricule``, ``n° SS``…) 13 digits without key are redacted too.
- Names: the known names of the session (card profiles, fixtures), in any case and with or without
  accents; and the values of name fields (``Nom=``, ``prénom :``, ``name:``, ``"lastName": "…"``,
  ``<NomUsuel>…</NomUsuel>``).
- Birth dates, FINESS (9), RPPS (11, or 12 with the leading 8), ADELI (9), numéro de PS: after a label.
- base64 blobs of 40 characters or more (error answers carry the request, hence the PIN code); pure
  hexadecimal strings are kept (APDU dumps), as are runs with neither a digit nor ``+`` (paths, words).
- Card data in APDU lines, by structure: the NIR, name, birth date… fields of a card file's bytes become
  ``‹NIR masqué, 15 octets›`` (testbench.traces.redact_bytes).
- The session's known values (:class:`~testbench.traces.known.KnownValues`: what its cards and
  observations held) wherever they appear: in text — a one-word name only as a whole word written as a
  name (``ESSAI``, ``Essai``, not the word « essai ») — and inside hex runs and base64 tokens.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from testbench.i18n import default_language, translator
from testbench.traces.known import (
    FIELD_KINDS,
    KnownValues,
    date_key,
    date_spellings,
    fold,
    name_words,
    single_word_forms,
)
from testbench.traces.redact_bytes import EncodedValues, mask_apdu_fields

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

#: the markers whose word is French, as an English export reads them (NIR, FINESS, RPPS… are names)
MARKERS_EN: dict[str, str] = {"‹NOM›": "‹NAME›", "‹DATE_NAISSANCE›": "‹BIRTH_DATE›", "‹ID_PS›": "‹PS_ID›"}
_FRENCH_MARKER = re.compile("|".join(map(re.escape, MARKERS_EN)))


def english_markers(text: str) -> str:
    """``text`` with the French marker words in English (‹NOM› → ‹NAME›): an English export, one language."""
    return _FRENCH_MARKER.sub(lambda m: MARKERS_EN[m.group()], text) if "‹" in text else text


# -------------------------------------------------------------------------------------- patterns

# key, then a separator (``=``, ``:``, ``=>``, quotes of JSON/XML attributes)
_SEP = r"""["']?[ \t]*(?:=>|[:=])[ \t]*["']?"""
# key, a short gap of non-digit text ("FINESS de l'établissement : "), then the number
_GAP = r"""[^\d\r\n<]{0,30}?"""

_PIN_LABEL = r"(?:code[ _-]?(?:pin|porteur|cps|confidentiel)|pin[ _-]?code|pin|codecps)"
_SECRET_LABEL = r"(?:password|passwd|pwd|mot[ _-]?de[ _-]?passe|mdp|secret)"

_PIN_KV = re.compile(
    rf"(?i)(?<![A-Za-z])(?P<key>{_PIN_LABEL}|{_SECRET_LABEL})(?![A-Za-z])"
    rf"(?:(?P<sep>{_SEP})(?P<v1>\d(?: ?\d){{3,11}}(?![\w])|[^\s\"',;&|<>)\]}}]+)"
    rf"|(?P<sp>[ \t]+)(?P<v2>[\d*]{{4,12}})(?![\w]))"
)
_CODECPS = re.compile(r"(?i)(?<=codecps)\d+")
# VERIFY: CLA 20 00|80|81 P2 Lc data; hex with or without spaces
_VERIFY = re.compile(
    r"(?i)(?<![0-9a-f])(?P<head>[0-9a-f]{2}\s?20\s?(?:00|8[01])\s?[0-9a-f]{2}\s?)(?P<lc>0[1-9a-f]|10)"
    r"(?P<data>(?:\s?[0-9a-f]{2}){1,16})"
)

_NIR_BODY = r"[1-478] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-3]\d|4[0-2]|[5-9]\d) ?(?:\d{2}|2[ABab]) ?\d{3} ?\d{3}"
_NIR = re.compile(rf"(?<![\w.,/-])(?P<body>{_NIR_BODY}) ?(?P<key>\d{{2}})(?![\w])")
_NIR_LABEL = (
    r"(?:nir|n[°o]\.?[ _]?(?:ss|s[ée]cu(?:rit[ée] sociale)?)|num[ée]ro (?:de )?s[ée]curit[ée] sociale"
    r"|immatriculation|matricule|num_?secu|nss|ins(?:_?nir)?)"
)
_NIR_LABELLED = re.compile(
    rf"(?i)(?<![A-Za-z])(?P<key>{_NIR_LABEL})(?![A-Za-z]){_GAP}"
    r"(?P<v>[1-478](?: ?[\dAaBb]){12}(?: ?\d ?\d)?)(?![\w])"
)

_DATE = r"(?:\d{4}-\d{2}-\d{2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{8}|\d{6})"
_BIRTH_LABEL = (
    r"(?:date[ _-]?(?:de[ _-]?)?naissance|datenaissance|date_?naiss|naissance|n[ée]e?[ ]+le|ddn|dob"
    r"|birth[ _-]?date|date[ _-]?of[ _-]?birth|birthday)"
)
_BIRTH = re.compile(rf"(?i)(?<![A-Za-z])(?P<key>{_BIRTH_LABEL})(?![A-Za-z]){_GAP}(?P<v>{_DATE})(?![\d])")

_IDS = re.compile(
    r"(?i)(?<![A-Za-z])(?P<key>"
    r"(?P<finess>(?:n[°o]\.?[ _]?|num_?)?finess(?:[ _-]?(?:g[ée]o(?:graphique)?|juridique|ej|et))?)"
    r"|(?P<rpps>(?:n[°o]\.?[ _]?|num_?|id_?)?rpps)"
    r"|(?P<adeli>(?:n[°o]\.?[ _]?|num_?)?adeli)"
    r"|(?P<idps>num[ée]ro[ _]praticien|n[°o]\.?[ _]?ps|num(?:[ée]ro)?_?ps|id(?:entifiant)?_?ps))"
    rf"(?![A-Za-z]){_GAP}(?P<v>(?:\d{{2}}|2[AB])\d{{6,10}})(?![\w])"
)
_ID_LENGTHS = {"finess": (9,), "rpps": (11, 12), "adeli": (9,), "id_ps": (8, 9, 11, 12)}

_NAME_LABEL = (
    r"(?:nom(?:[ _-]?(?:usuel|patronymique|de[ _-]?naissance|d'usage|de[ _-]?famille|complet))?"
    r"|pr[ée]noms?|(?:first|last|given|family|full|patient|middle)[ _-]?name|name|surname|nomusuel"
    r"|nompatronymique)"
)
_NAME_VALUE = (
    r"""(?:"[^"\r\n]{1,80}"|'[^'\r\n]{1,80}'|[^\s;,|&<>"'=:]+(?:[ ](?![^\s=:]+[ \t]*[=:])[^\s;,|&<>"'=:]+){0,3})"""
)
_NAME_KV = re.compile(rf"(?i)(?<![\w.-])(?P<key>{_NAME_LABEL})(?![\w])(?P<sep>{_SEP})(?P<v>{_NAME_VALUE})")
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
}
_XML = re.compile(
    r"(?i)<(?P<tag>(?:[\w-]+:)?(?P<local>"
    + "|".join(f"(?P<x_{k.replace('?', '')}>{v})" for k, v in _XML_TAGS.items())
    + r"))(?:\s[^>]*)?>(?P<v>[^<]{1,300})</"
)

#: cheap tests that let most lines skip a step (substring checks on the lowered line, or a regex with a
#: literal or character-class start, which the regex engine scans fast)
_KW_NIR = re.compile("nir|n°|no|cu|immat|matricul|nss|ins")
_KW_BIRTH = re.compile("naiss|né|ne le|nee le|ddn|dob|birth")
_KW_IDS = re.compile("finess|rpps|adeli|praticien|ps")
_KW_NAME = re.compile("nom|name")
_KW_PIN = re.compile("pin|porteur|cps|confidentiel|pass|pwd|mdp|secret")
_VERIFY_FAST = re.compile(r"20 ?(?:00|8[01]) ?[0-9A-Fa-f]{2} ?(?:0[1-9a-fA-F]|10)")
_NIR_FAST = re.compile(r"[1-478] ?\d\d ?\d\d ?(?:\d\d|2[ABab]) ?\d\d\d ?\d\d\d")
_B64_FAST = re.compile(r"[A-Za-z0-9+/_-]{40}")

_XML_PIN = re.compile(
    r"(?i)<(?P<tag>(?:[\w-]+:)?(?:(?P<x_pin>" + _XML_TAGS["pin"] + r")|(?P<x_secret>" + _XML_TAGS["secret"] + r")))"
    r"(?:\s[^>]*)?>(?P<v>[^<]{1,300})</"
)

_B64 = re.compile(r"(?<![A-Za-z0-9+/=_-])(?P<v>[A-Za-z0-9+/_-]{40,}+={0,2})(?![A-Za-z0-9+/=_-])")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_HAS_B64_SIGNAL = re.compile(r"[\d+]")


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


# -------------------------------------------------------------------------------------- redactor


@dataclass
class Redaction:
    text: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.counts)


class _Ctx:
    """Per-line state shared by the steps. ``lowered``/``folded`` are computed from the original line:
    steps only ever replace text by markers, so a keyword absent from them is absent from the line."""

    __slots__ = ("_folded", "counts", "lowered", "original")

    def __init__(self, text: str) -> None:
        self.original = text
        self.lowered = text.lower()
        self.counts: Counter[str] = Counter()
        self._folded: str | None = None

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold(self.original)
        return self._folded


_Step = Callable[[str, _Ctx], str]


def _fold_class(char: str, *, cased: bool = False) -> str:
    """``e`` → ``[eéèêëEÉÈÊË]``; with ``cased``, only the letters of ``char``'s own case."""
    base = unicodedata.normalize("NFD", char)[0]
    upper = base.isupper()
    base = base.lower()
    variants = {base, base.upper()}
    for candidate in "àâäáãåçéèêëíìîïñóòôöõúùûüýÿæœ":
        if unicodedata.normalize("NFD", candidate)[0] == base:
            variants |= {candidate, candidate.upper()}
    if cased:
        variants = {v for v in variants if v.isupper() == upper or not v.isalpha()}
    if len(variants) == 1:
        return re.escape(char)
    return "[" + "".join(sorted(re.escape(v) for v in variants)) + "]"


def _name_pattern(name: str) -> str:
    """A name of several words: any case, with or without accents, any separator. A one-word name: only
    the forms a name is written in (see testbench.traces.known.single_word_forms), accents optional."""
    words = name_words(name)
    if len(words) == 1:
        forms = sorted(single_word_forms(words[0]), key=len, reverse=True)
        return "|".join("".join(_fold_class(c, cased=True) for c in form) for form in forms)
    return "(?i:" + r"[\s'-]+".join("".join(_fold_class(c) for c in word) for word in words) + ")"


class Redactor:
    """Redacts the configured ``kinds`` (all by default).

    ``names``: known names of the session (card profiles, fixtures, card reads). ``birth_dates``: known
    birth dates (``YYYYMMDD``, ``YYYY-MM-DD``, ``DD/MM/YYYY``…), redacted wherever they appear, without a
    label, in their usual spellings. ``known``: every known value at once (names, birth dates, NIRs and
    professional numbers), also looked for in hex and base64. ``lang``: the language of the markers that
    say what card bytes were masked (the report's).
    """

    def __init__(
        self,
        names: Iterable[str] = (),
        kinds: Iterable[str] = ALL_KINDS,
        *,
        birth_dates: Iterable[str] = (),
        known: KnownValues | None = None,
        lang: str | None = None,
    ) -> None:
        self.kinds = frozenset(kinds)
        unknown = self.kinds - ALL_KINDS
        if unknown:
            raise ValueError(f"types d'anonymisation inconnus : {', '.join(sorted(unknown))}")
        self.known = KnownValues()
        if known is not None:
            self.known.update(known)
        for name in names:
            self.known.add("name", name)
        for date in birth_dates:
            self.known.add("birth_date", date)
        self._t = translator(lang)
        self._english = (lang or default_language()) == "en"
        cleaned = sorted(self.known.names, key=len, reverse=True)
        self._names = (
            re.compile(r"(?<!\w)(?:" + "|".join(_name_pattern(n) for n in cleaned) + r")(?!\w)")
            if cleaned and "name" in self.kinds
            else None
        )
        # the longest word of each name, folded: a substring test that lets most lines skip the regex
        keys = {max((fold(w) for w in name_words(n)), key=len) for n in cleaned}
        self._name_keys = re.compile("|".join(re.escape(k) for k in sorted(keys) if k) or "(?!)")
        spellings = sorted({v for d in self.known.birth_dates for v in date_spellings(d)}, key=len, reverse=True)
        self._dates = (
            re.compile(r"(?<![\d])(?:" + "|".join(re.escape(v) for v in spellings) + r")(?![\d])")
            if spellings and "birth_date" in self.kinds
            else None
        )
        # a prefilter: the year (or the whole value) must be in the line
        self._date_years = tuple({date_key(d) for d in self.known.birth_dates})
        numbers = {k: v for k, v in self.known.numbers.items() if k in self.kinds and v}
        # NIRs and professional numbers the session read, wherever they appear (one named group per kind)
        alternatives = "|".join(
            f"(?P<{k}>" + "|".join(re.escape(n) for n in sorted(v, key=len, reverse=True)) + ")"
            for k, v in numbers.items()
        )
        self._numbers = re.compile(rf"(?<![\dA-Za-z])(?:{alternatives})(?![\dA-Za-z])") if numbers else None
        self._encoded = EncodedValues(self.known, self.kinds, self._t)
        self._steps = self._build_steps()

    def _build_steps(self) -> list[_Step]:
        k = self.kinds
        steps: list[_Step] = [_sub_pins]  # never optional
        if k & set(FIELD_KINDS.values()):
            t = self._t

            def sub_card_fields(text: str, ctx: _Ctx) -> str:
                if "A<< " not in text and '"response"' not in text:  # most lines: no APDU
                    return text
                return mask_apdu_fields(text, k, t, ctx.counts)

            steps.append(sub_card_fields)
        steps.append(_sub_xml_factory(k))
        if "nir" in k:
            steps.append(_labelled(_KW_NIR, _NIR_LABELLED, "nir"))
        if "birth_date" in k:
            steps.append(_labelled(_KW_BIRTH, _BIRTH, "birth_date"))
        if k & {"finess", "rpps", "adeli", "id_ps"}:
            steps.append(_sub_ids_factory(k))
        if "name" in k:
            steps.append(_sub_name_kv)
        if "nir" in k:
            steps.append(_sub_nir)
        if "base64" in k:
            steps.append(_sub_b64)
        if self._names is not None:
            names = self._names

            keys = self._name_keys

            def sub_names(text: str, ctx: _Ctx) -> str:
                folded = ctx.folded
                if not keys.search(folded):
                    return text
                new, n = names.subn(MARKERS["name"], text)
                if n:
                    ctx.counts["name"] += n
                return new

            steps.append(sub_names)
        if self._dates is not None:
            dates, years = self._dates, self._date_years

            def sub_dates(text: str, ctx: _Ctx) -> str:
                if not any(year in text for year in years):
                    return text
                new, n = dates.subn(MARKERS["birth_date"], text)
                if n:
                    ctx.counts["birth_date"] += n
                return new

            steps.append(sub_dates)
        if self._numbers is not None:
            numbers = self._numbers

            def sub_numbers(text: str, ctx: _Ctx) -> str:
                def repl(m: re.Match[str]) -> str:
                    kind = m.lastgroup or "nir"
                    ctx.counts[kind] += 1
                    return MARKERS[kind]

                return numbers.sub(repl, text)

            steps.append(sub_numbers)
        if self._encoded:
            encoded = self._encoded

            def sub_encoded(text: str, ctx: _Ctx) -> str:
                return encoded(text, ctx.counts)

            steps.append(sub_encoded)
        return steps

    def marker(self, kind: str) -> str:
        """The marker of ``kind`` in this redactor's language (a value replaced whole)."""
        found = MARKERS[kind]
        return MARKERS_EN.get(found, found) if self._english else found

    def redact(self, text: str) -> str:
        return self.redact_with_report(text).text

    def redact_with_report(self, text: str) -> Redaction:
        ctx = _Ctx(text)
        for step in self._steps:
            text = step(text, ctx)
        return Redaction(english_markers(text) if self._english else text, ctx.counts)

    def redact_lines(self, lines: Iterable[str]) -> tuple[list[str], Counter[str]]:
        total: Counter[str] = Counter()
        out = []
        for line in lines:
            result = self.redact_with_report(line)
            out.append(result.text)
            total.update(result.counts)
        return out, total


def redact_pins(text: str) -> str:
    """Only PINs and secrets: runs on every captured line before it is stored."""
    return _sub_pins(text, _Ctx(text))


def redact(text: str, names: Iterable[str] = ()) -> str:
    """Everything, with a throwaway :class:`Redactor` (build one and reuse it for many lines)."""
    return Redactor(names).redact(text)


def for_export(text: str, redactor: Redactor | None, *, redact: bool = True) -> str:
    """Exports redact by default; ``redact=False`` is the explicit opt-out (PINs are still removed)."""
    if not redact:
        return redact_pins(text)
    return (redactor or Redactor()).redact(text)


# -------------------------------------------------------------------------------------- steps


def _sub_pins(text: str, ctx: _Ctx) -> str:
    def kv(m: re.Match[str]) -> str:
        kind = "secret" if re.fullmatch(_SECRET_LABEL, m.group("key"), re.IGNORECASE) else "pin"
        ctx.counts[kind] += 1
        if m.group("v1") is not None:
            return m.group("key") + m.group("sep") + MARKERS[kind]
        return m.group("key") + m.group("sp") + MARKERS[kind]

    def xml(m: re.Match[str]) -> str:
        kind = "pin" if m.group("x_pin") is not None else "secret"
        ctx.counts[kind] += 1
        return m.group()[: m.start("v") - m.start()] + MARKERS[kind] + "</"

    def verify(m: re.Match[str]) -> str:
        ctx.counts["pin"] += 1
        data = m.group("data")
        hex_digits = re.sub(r"\s", "", data)
        n = int(m.group("lc"), 16)
        # keep what follows the Lc data bytes (status words, the next APDU) untouched
        spaced = data[:1].isspace()
        rest_bytes = [hex_digits[i : i + 2] for i in range(2 * n, len(hex_digits), 2)]
        rest = " " + (" " if spaced else "").join(rest_bytes) if rest_bytes else ""
        return m.group("head") + m.group("lc") + " " + MARKERS["pin"] + rest

    lowered = ctx.lowered
    if _KW_PIN.search(lowered):
        text = _PIN_KV.sub(kv, text)
        if "codecps" in lowered:
            text, n = _CODECPS.subn(MARKERS["pin"], text)
            ctx.counts["pin"] += n
    if _VERIFY_FAST.search(text):
        text = _VERIFY.sub(verify, text)
    if "</" in text:
        text = _XML_PIN.sub(xml, text)
    return text


def _sub_xml_factory(kinds: frozenset[str]) -> _Step:
    wanted = [k for k in _XML_TAGS if k in kinds or k in ("pin", "secret")]

    def sub(text: str, ctx: _Ctx) -> str:
        if "</" not in text:
            return text

        def repl(m: re.Match[str]) -> str:
            for kind in wanted:
                if m.group(f"x_{kind}") is not None:
                    ctx.counts[kind] += 1
                    start = m.start("v") - m.start()
                    return m.group()[:start] + MARKERS[kind] + "</"
            return m.group()

        return _XML.sub(repl, text)

    return sub


def _labelled(keyword: re.Pattern[str], pattern: re.Pattern[str], kind: str) -> _Step:
    """A value behind a label (``NIR=…``, ``né le …``): the label stays, the value becomes the marker.
    The keyword test on the lowered line skips the regular expression on most lines."""

    def sub(text: str, ctx: _Ctx) -> str:
        if not keyword.search(ctx.lowered):
            return text

        def repl(m: re.Match[str]) -> str:
            ctx.counts[kind] += 1
            return text[m.start() : m.start("v")] + MARKERS[kind]

        return pattern.sub(repl, text)

    return sub


def _sub_nir(text: str, ctx: _Ctx) -> str:
    if not _NIR_FAST.search(text):
        return text

    def repl(m: re.Match[str]) -> str:
        valid = nir_key(m.group("body").replace(" ", "")) == int(m.group("key"))
        ctx.counts["nir" if valid else "nir?"] += 1
        return MARKERS["nir" if valid else "nir?"]

    return _NIR.sub(repl, text)


def _sub_ids_factory(kinds: frozenset[str]) -> _Step:
    def sub(text: str, ctx: _Ctx) -> str:
        lowered = ctx.lowered
        if not _KW_IDS.search(lowered):
            return text

        def repl(m: re.Match[str]) -> str:
            kind = next(k for k in ("finess", "rpps", "adeli", "idps") if m.group(k) is not None)
            kind = "id_ps" if kind == "idps" else kind
            if kind not in kinds or len(m.group("v")) not in _ID_LENGTHS[kind]:
                return m.group()
            ctx.counts[kind] += 1
            return text[m.start() : m.start("v")] + MARKERS[kind]

        return _IDS.sub(repl, text)

    return sub


def _sub_name_kv(text: str, ctx: _Ctx) -> str:
    lowered = ctx.lowered
    if not _KW_NAME.search(lowered):
        return text

    def repl(m: re.Match[str]) -> str:
        if _NOT_PERSON.search(text, max(0, m.start() - 14), m.start()):
            return m.group()
        value = m.group("v")
        if value.startswith("‹"):
            return m.group()
        ctx.counts["name"] += 1
        quote = value[0] if value[0] in "\"'" else ""
        return m.group("key") + m.group("sep") + quote + MARKERS["name"] + quote

    return _NAME_KV.sub(repl, text)


def _sub_b64(text: str, ctx: _Ctx) -> str:
    if len(text) < 40 or not _B64_FAST.search(text):
        return text

    def repl(m: re.Match[str]) -> str:
        value = m.group("v")
        if _HEX.fullmatch(value) or not _HAS_B64_SIGNAL.search(value):
            return value
        ctx.counts["base64"] += 1
        return MARKERS["base64"]

    return _B64.sub(repl, text)
