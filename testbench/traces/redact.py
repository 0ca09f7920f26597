"""Redaction of personal data and secrets in trace text: deterministic, and it says what it replaced.

Each match is replaced by a marker naming its kind — ``‹NIR›``, ``‹NOM›``, ``‹PIN›``… — never by a hash
(a hashed NIR can be found again by brute force). The same input always gives the same output.

What is redacted (see docs/traces.md for the rules and their limits):

- PIN and secrets, always, with or without a label: ``PIN=…``, ``code porteur: …``, ``codecps1234``,
  ``<CodePorteur>…</CodePorteur>``, passwords; the data of a VERIFY APDU (``xx 20 00 xx Lc data``); a base64
  token holding such a command or such text (``requête=eyJwaW4iOiI0NzE5In0=``), whole; a test card's code the bench
  knows (its card profiles) after the word « code », no label needed (``le code est 4719``).
  :func:`redact_pins` does only this and runs at capture: a PIN never reaches the session file.
- NIR: 13 digits + 2-digit key, with or without spaces (« + », « %20 » in a URL), 2A/2B for Corsica.
  Unlabelled, a 15-digit number is redacted when its structure is plausible (sex 1/2/3/4/7/8, month
  01-12, 20-42 or 50-99): ``‹NIR›`` when the key checks (97 - NIR mod 97), ``‹NIR?›`` when it does not.
  After a label (``NIR``, ``immatriculation``, ``matricule``, ``n° SS``…) 13 digits without key are
  redacted too.
- Names: the known names of the session (card profiles, fixtures), in any case and with or without
  accents; and the values of name fields (``Nom=``, ``prénom :``, ``name:``, ``"lastName": "…"``,
  ``<NomUsuel>…</NomUsuel>``).
- Birth dates, FINESS (9), RPPS (11, or 12 with the leading 8), ADELI (9), numéro de PS: after a label;
  a prescriber's identifier (``prescripteur``) as an RPPS or a numéro de PS (an AM number), by its length.
- base64 blobs of 40 characters or more (error answers carry the request, hence the PIN code), on
  evidence: base64's rules, and its alphabet (both cases and a digit or ``+``, or ``=`` padding) or
  personal data in what they decode to. Pure hexadecimal strings are kept (APDU dumps), as are runs in one
  case (a B2 record, an FSE field) and runs with neither a digit nor ``+`` (paths, words).
- Card data in APDU lines, by structure: the NIR, name, birth date… fields of a card file's bytes become
  ``‹NIR masqué, 15 octets›`` (testbench.traces.redact_bytes).
- The session's known values (:class:`~testbench.traces.known.KnownValues`: what its cards and
  observations held) wherever they appear: in text — a one-word name only as a whole word written as a
  name (``ESSAI``, ``Essai``, not the word « essai »; in a casebook's own text, ``wording``, only in capitals
  or after a civility: « Essai de lecture » is a title's word); a whole name (first name and surname) in any case,
  glued too as a login, an address or a URL writes it (``sarah.modele@``) — and inside hex runs, byte arrays
  (``0x32,0x39…``, Java's ``[50, 57…]``) and base64 tokens; and, in a trace's lines redacted together
  (:meth:`Redactor.sub_cut_values`, :meth:`Redactor.redact_lines`), one a dump's line breaks cut (over two lines or
  more), a base64 token wrapped over them, and a known number a message's line break cut.

In a fixed-width record (``records=True``, a line without markup) every mask keeps the width of the
value it replaces (``0`` per digit, ``X`` per letter), so the record's other fields stay in their columns.
"""

from __future__ import annotations

import contextlib
import functools
import html.entities
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, MutableSequence, Sequence
from dataclasses import dataclass, field
from typing import Any

from testbench.i18n import default_language, translator
from testbench.traces.known import (
    FIELD_KINDS,
    TRANSLITERATED,
    KnownValues,
    date_keys,
    date_spellings,
    fold,
    name_words,
    single_word_forms,
)
from testbench.traces.redact_bytes import EncodedValues, mask_apdu_fields
from testbench.traces.redact_rules import (
    ALL_KINDS,
    MARKERS,
    LineContext,
    Step,
    is_fixed_width,
    keep_piece,
    restore_kept,
    same_width_mask,
    sub_pins,
    sub_split_dump_codes,
    sub_wrapped_b64_codes,
    text_steps,
)

#: the markers whose word is French, as an English export reads them (NIR, FINESS, RPPS… are names)
MARKERS_EN: dict[str, str] = {"‹NOM›": "‹NAME›", "‹DATE_NAISSANCE›": "‹BIRTH_DATE›", "‹ID_PS›": "‹PS_ID›"}
_FRENCH_MARKER = re.compile("|".join(map(re.escape, MARKERS_EN)))


#: an elided word right before a masked name (« d'‹NOM› », « qu'‹NOM› », « lorsqu’‹NOM› »): the elision would
#: tell that the hidden name starts with a vowel, so the word is written whole (« de ‹NOM› »), which reads as
#: well before any name. ``l'`` never stands before a person's name.
_ELIDED_BEFORE_NAME = re.compile(r"(?<![^\W\d_])(?P<word>[dD]|[^\W\d_]*[qQ][uU])['’](?=‹NOM›)")


def _unelided(m: re.Match[str]) -> str:
    """« d' » → « de », « D' » → « De » (« DE » after a word in capitals), « qu' » → « que », « QU' » → « QUE »."""
    word = m["word"]
    before = m.string[max(0, m.start() - 3) : m.start()].rstrip()
    capitals = word.isupper() and (len(word) > 1 or (len(before) >= 2 and before[-2:].isupper()))
    return word + ("E " if capitals else "e ")


def unelide_names(text: str) -> str:
    """``text`` with no elided word before a masked name (:data:`_ELIDED_BEFORE_NAME`); most text has no
    marker at all and is returned after two substring tests."""
    if "'‹NOM›" not in text and "’‹NOM›" not in text:
        return text
    return _ELIDED_BEFORE_NAME.sub(_unelided, text)


def english_markers(text: str) -> str:
    """``text`` with the French marker words in English (‹NOM› → ‹NAME›): an English export, one language."""
    return _FRENCH_MARKER.sub(lambda m: MARKERS_EN[m.group()], text) if "‹" in text else text


# -------------------------------------------------------------------------------------- redactor


@dataclass
class Redaction:
    """A redacted text, and how many values of each kind the rules masked in it (a report's cover counts them)."""

    text: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.counts)


#: combining accents after a letter: a name written decomposed (NFD: « E » then U+0301, as macOS file names
#: and some applications write it) is the same name
_COMBINING = "[\u0300-\u036f]*"
_FRENCH_ACCENTS = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿæœ"  # their escapes are looked for (every accent's: too many)


@functools.cache
def _accented_letters() -> dict[str, frozenset[str]]:
    """Each base letter → every precomposed Latin letter (Latin-1, Extended-A/B, Vietnamese's Extended
    Additional) that is it with accents, or whose ASCII spelling it is (« ł » for « l »): a card's « NGUYEN »,
    « LUKASZ » find « Nguyễn », « Łukasz ». Made in one pass the first time a name is compiled."""
    table: dict[str, set[str]] = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        letter = chr(code)
        if letter.isalpha():
            base = TRANSLITERATED.get(letter.lower()) or unicodedata.normalize("NFD", letter)[0].lower()
            if len(base) == 1:
                table.setdefault(base, set()).add(letter)
    return {base: frozenset(letters) for base, letters in table.items()}


def _fold_class(char: str, *, cased: bool = False, ignore_case: bool = False) -> str:
    """``e`` → ``[eéèêëEÉÈÊË]`` (and the accents of a decomposed spelling after it); a letter no accent
    removal makes ASCII also as it is written without it (``ł`` → ``l``, ``ß`` → ``ss``); with ``cased``,
    only the letters of ``char``'s own case. ``ignore_case``: the class stands under ``(?i)``, where an escape
    differing from another by case only (``\\u00e9``, ``\\u00E9``) is the same one, written once."""
    base = unicodedata.normalize("NFD", char)[0]
    upper = char.isupper()
    base = base.lower()
    # the name's own letter, whatever it is, and every Latin letter that is its base with accents
    variants = {base, base.upper(), char, char.lower(), char.upper(), *_accented_letters().get(base, ())}
    plain = TRANSLITERATED.get(char.lower())
    if plain is not None:
        variants |= {plain, plain.upper(), plain.capitalize()}
    if cased:
        variants = {v for v in variants if (v != v.lower()) == upper or not v.isalpha()}  # « Ss » for « ẞ »
    singles = sorted(v for v in variants if len(v) == 1)
    spelled = sorted(v for v in variants if len(v) > 1)  # « ss », « oe », « SS » (ß upper-cased)
    if singles == [char] and not spelled:
        return re.escape(char)
    # under (?i) a letter stands for its other case: its lower case alone (a class half as long to compile)
    cases = sorted({v.lower() if len(v.lower()) == 1 else v for v in singles}) if ignore_case else singles
    letters = "[" + "".join(re.escape(v) for v in cases) + "]"
    # escapes for French accents and the name's own letter (every Latin accent would make the pattern huge)
    own = char.lower()
    forms = [
        form
        for v in singles
        if ord(v) > 127 and (v.lower() in _FRENCH_ACCENTS or v.lower() == own)
        for form in _escapes(v)
    ]
    alternatives = [letters, *(re.escape(v) for v in spelled), *_escape_alternatives(forms, ignore_case)]
    return (f"(?:{'|'.join(alternatives)})" if len(alternatives) > 1 else letters) + _COMBINING


def _escape_alternatives(forms: list[str], ignore_case: bool) -> list[str]:
    """``forms`` (a letter's escapes, in their order) as patterns: those no other form starts with, nor starts
    another (whichever is tried first, the same one matches), as one tree of their common prefixes; the others
    as they are, in their order. The same matches as their plain alternation, a pattern a fraction as long:
    each letter of each known name carries these escapes, and compiling them was most of an export's start."""
    if ignore_case:
        seen: set[str] = set()
        forms = [form for form in forms if not (form.lower() in seen or seen.add(form.lower()))]  # the first of each
    lowered = [form.lower() for form in forms]
    related = {
        i
        for i, a in enumerate(lowered)
        for j, b in enumerate(lowered)
        if i != j and (a.startswith(b) or b.startswith(a))
    }
    tree = _prefix_tree(form for i, form in enumerate(forms) if i not in related)
    return [*(re.escape(form) for i, form in enumerate(forms) if i in related), *([tree] if tree else [])]


def _escapes(char: str) -> list[str]:
    """How JSON, HTML and URLs write a letter outside ASCII: ``\\u00e9`` (.NET's and Python's JSON escape them
    by default), ``&eacute;``, ``&#233;``, ``&#xe9;``, ``%C3%A9``."""
    code = ord(char)
    forms = [f"\\u{code:04x}", f"\\u{code:04X}", f"&#{code};", f"&#x{code:x};", f"&#x{code:X};"]
    for encoding in ("utf-8", "cp1252"):  # a URL's bytes: « %C3%A8 », or a Windows application's « %E8 »
        with contextlib.suppress(UnicodeEncodeError):
            encoded = char.encode(encoding)
            forms += ["".join(f"%{b:02X}" for b in encoded), "".join(f"%{b:02x}" for b in encoded)]
    entity = html.entities.codepoint2name.get(code)
    return [*forms, f"&{entity};"] if entity else forms


#: a name's edge in text may be a URL's escape (« patient=SARAH%20MODELE »: the « 0 » of « %20 » is no letter of it)
_ESCAPE_BEFORE = r"(?<=%[0-9A-Fa-f]{2})"


def _name_pattern(name: str) -> str:
    """A name of several words: any case, with or without accents, any separator, and also surname first
    (« MARTIN Éloïse », « Martin, Éloïse »: the administrative order), glued as logins and URLs write it
    (« sarah.modele@ », « Sarah+Modele »). A one-word name: only the forms a name is written in (see
    testbench.traces.known.single_word_forms), accents optional — never in lower case, which is a word of the
    language or a setting (« 1 essai restant », « mode=essai », « www.exemple.fr »)."""
    words = name_words(name)
    if len(words) == 1:
        forms = sorted(single_word_forms(words[0]), key=len, reverse=True)
        return "|".join("".join(_fold_class(c, cased=True) for c in form) for form in forms)
    folded = ["".join(_fold_class(c, ignore_case=True) for c in word) for word in words]
    # a space, an apostrophe, a dash, « _ », « . » or « / » (an identifier, « ESSAI/PAUL », a login « sarah.modele »);
    # in a URL « + » or « %20 »
    between = r"(?:[\s'+_./-]|%20)+"
    given_first = between.join(folded)
    surname_first = folded[-1] + "(?:,|%2C)?" + between + between.join(folded[:-1])
    return f"(?i:{given_first}|{surname_first})"


def _first_letters(names: list[str]) -> str:
    """A lookahead of the letters the names can start with (either order of a name's words), any case and
    accent: most word starts of a line fail it at once, instead of each name's pattern in turn (the time of
    the names' search no longer grows as fast with their count: a campaign knows a hundred)."""
    firsts: set[str] = set()
    for name in names:
        words = name_words(name)
        if len(words) == 1:  # its written forms (« Orsted » for « Ørsted »)
            firsts |= {form[0] for form in single_word_forms(words[0]) if form}
        if words:
            firsts |= {words[0][0], words[-1][0]}
    return "(?=" + "|".join(sorted({_fold_class(c) for c in firsts})) + ")" if firsts else ""


def _prefix_tree(words: Iterable[str]) -> str:
    """A pattern that matches any of ``words``, the longest first, written as the tree of their common prefixes:
    the regex engine reads each position of a line once, where an alternation tried every word there (a known
    birth date has a hundred spellings, a campaign knows dozens of dates). ``""`` when there is no word."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # greedy: the longer word first

    return pattern(tree)


@functools.lru_cache(maxsize=8)
def _names_regex(names: tuple[str, ...], edge: str) -> re.Pattern[str]:
    """The search of ``names`` (the longest first) as whole words, ``edge`` being the class of the characters
    that may not touch them."""
    return re.compile(
        rf"(?:{_ESCAPE_BEFORE}|(?<!{edge})){_first_letters(list(names))}(?:"
        + "|".join(_name_pattern(n) for n in names)
        + rf")(?!{edge})"
    )


#: the edge of a name in both rules (:class:`Redactor`: a letter, with digits or « _ » besides)
_LETTER_EDGE = r"[^\W\d_]"


#: In a casebook's own text (a title, an objective, an instruction: :class:`Redactor`'s ``wording``) a known name of
#: one word written otherwise than in capitals is the language's word (« Exemple de facture » for a persona EXEMPLE)
#: unless a civility or a title stands before it (« Mme Essai », « Dr Exemple »).
_ONE_WORD = re.compile(r"[^\W\d_]+")
_CIVILITY_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:M\.|Mme|Mlle|Mr|Mrs|Ms|Me|Dr|Pr|Madame|Monsieur|Mademoiselle|Docteur|Professeur)[ \u00a0]$"
)


#: In a casebook's text written all in capitals (« EXEMPLE DE FACTURE ») capitals are no evidence: a one-word name that
#: starts it (or a part after « : », « - ») and is followed by a preposition is the language's noun (« ESSAI DE
#: LECTURE », « MODELE POUR FSE »), as no title puts a surname so (« FACTURE DE DUPONT », « DUPONT JEAN » stay names).
_CAPITALS_TITLE_WORD = re.compile(
    r"(?:(?<=^)|(?<=[:–—-] )|(?<=[«(] ))[^\W\d_]+[ \u00a0]+(?:DE|D['’]|DU|DES|POUR|SUR|SANS|AVEC|EN|PAR)(?![^\W\d_])"
)


class _NameSearch:
    """The known names' search of a :class:`Redactor`, with the ``re`` API it uses (``subn``, ``search``).

    Its regex is long (each letter of each name in every accent and escape) and took seconds to compile for a
    campaign's hundred names, twice per export (text, and fixed-width records, whose name edges differ). So it
    is compiled at the first line that needs it, and once per process for both rules: with a letter alone as
    the edge, each match is then checked against this redactor's ``edge``. A match of the shared regex that
    passes the check is the one the exact regex finds (every earlier try failed the looser edge already); a
    line where one fails the check goes through the exact regex, compiled then (rare: a name against a digit
    or an « _ »)."""

    def __init__(self, names: tuple[str, ...], edge: str, wording: bool = False) -> None:
        """``wording``: the search of a casebook's own text (:meth:`_named`)."""
        self._names = names
        self._edge = edge
        self._wording = wording
        self._before = re.compile(rf"{_ESCAPE_BEFORE}|(?<!{edge})")
        self._after = re.compile(rf"(?!{edge})")

    def _fits(self, m: re.Match[str]) -> bool:
        return bool(self._before.match(m.string, m.start()) and self._after.match(m.string, m.end()))

    def _exact(self) -> re.Pattern[str]:
        return _names_regex(self._names, self._edge)

    def _named(self, m: re.Match[str]) -> bool:
        """Whether a match is a name where it stands: always, but in a casebook's own text (``wording``) a word alone
        that is not in capitals nor after a civility (:data:`_CIVILITY_BEFORE`)."""
        if not self._wording:
            return True
        word = m.group()
        if not _ONE_WORD.fullmatch(word):
            return True  # a whole name (several words)
        if word.isupper():  # in capitals as a card writes it, but a title all in capitals has no other case
            return not _CAPITALS_TITLE_WORD.match(m.string, m.start()) or m.string.upper() != m.string
        return _CIVILITY_BEFORE.search(m.string, max(0, m.start() - 14), m.start()) is not None

    def search(self, text: str) -> re.Match[str] | None:
        found = _names_regex(self._names, _LETTER_EDGE).search(text)
        if found is not None and not self._fits(found):
            found = self._exact().search(text)
        if found is None or self._named(found):
            return found
        return next((m for m in self._hits(text) if self._named(m)), None)

    def _hits(self, text: str) -> list[re.Match[str]]:
        hits = list(_names_regex(self._names, _LETTER_EDGE).finditer(text))
        return hits if all(map(self._fits, hits)) else list(self._exact().finditer(text))

    def hits(self, text: str) -> list[re.Match[str]]:
        """Every name in ``text``, where it stands (:meth:`_named`)."""
        return [hit for hit in self._hits(text) if self._named(hit)]

    def subn(self, repl: str | Callable[[re.Match[str]], str], text: str) -> tuple[str, int]:
        hits = self.hits(text)
        out, pos = [], 0
        for hit in hits:
            out += [text[pos : hit.start()], repl if isinstance(repl, str) else repl(hit)]
            pos = hit.end()
        return "".join([*out, text[pos:]]), len(hits)


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
        records: bool = False,
        wording: bool = False,
    ) -> None:
        """``records=True`` for the lines of produced files: fixed-width records (a B2 lot) pack a birth date
        between other digits, and a line that is such a record gets masks of the values' own width.
        ``wording=True`` for a casebook's own text (a title, an objective, an instruction): there a known name of
        one word is a name only in capitals or after a civility, its other forms the language's word (a persona
        named EXEMPLE, and a case titled « Exemple de facture »)."""
        self.kinds = frozenset(kinds)
        self._records = records
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
        # a whole word (« _ » joins words in identifiers and file names: « ESSAI_PAUL », « FSE_ESSAI_1 »); in a
        # fixed-width record a name may be glued to the digits of the field before it
        edge = r"[^\W\d]" if records else r"[^\W_]"
        self._names = _NameSearch(tuple(cleaned), edge, wording) if cleaned and "name" in self.kinds else None
        # the first letters of each word of a name, folded: a line ending so may end inside it (:meth:`_sub_wrapped`)
        self._name_heads = {fold(w)[:k] for n in cleaned for w in name_words(n) for k in range(1, len(fold(w)))}
        # the longest word of each name, folded: a substring test that lets most lines skip the regex
        keys = {max((fold(w) for w in name_words(n)), key=len) for n in cleaned}
        self._name_keys = re.compile("|".join(re.escape(k) for k in sorted(keys) if k) or "(?!)")
        spellings = sorted({v for d in self.known.birth_dates for v in date_spellings(d)}, key=len, reverse=True)
        # in text a date stands apart from other digits; in fixed-width records its packed forms (19700909,
        # 09091970) sit between other fields, so there they are found inside longer digit runs too
        inside = {v for v in spellings if records and v.isdigit() and len(v) >= 8}
        packed = _prefix_tree([v for v in spellings if v in inside])
        spaced = _prefix_tree([v for v in spellings if v not in inside])
        found = [p for p in (packed, spaced and rf"(?<!\d)(?:{spaced})(?!\d)") if p]
        self._dates = re.compile("|".join(found)) if found and "birth_date" in self.kinds else None
        # a prefilter: the year (or the whole value) must be in the line
        self._date_years = tuple({key for d in self.known.birth_dates for key in date_keys(d)})
        numbers = {k: v for k, v in self.known.numbers.items() if k in self.kinds and v}

        # NIRs and professional numbers the session read, wherever they appear (one named group per kind).
        # A NIR (13 or 15 digits) is found inside longer digit runs too: fixed-width records (a B2 lot) write
        # it between other fields with no separator, and 13 known digits in a row do not occur by chance.
        # Shorter numbers (RPPS, FINESS) keep their boundaries, so a longer number is never cut into.
        # A known number is found with a space, a dot or a dash between any of its digits too (« 1 80 01 99
        # 999 001 68 », « 1.80.01… », an RPPS « 10 00 123 456 7 »), or what a URL's query writes for a space
        # (« 1+80+01… », « 1%2080%2001… »): its own digits in order, so nothing else is taken for it.
        # A line break between two of its digits too: a message of several lines wraps a number anywhere (its line
        # break kept by the mask), and two lines of a trace are read joined so (:meth:`sub_cut_values`).
        def spelled(value: str) -> str:
            return "(?:[ .+-]|%20|[ \t]*\r?\n[ \t]*)?".join(re.escape(c) for c in value)

        def group(kind: str, values: set[str]) -> str:
            ordered = sorted(values, key=len, reverse=True)
            # an RPPS inside the national PS identifier (« 8 » + RPPS), either padded to 13 digits: one optional
            # prefix rather than each spelling (known.rpps_spellings, which the hex search takes), the regex every
            # line goes through staying as short
            prefix = r"(?:0?8(?:[ .+-]|%20)?|00)?" if kind == "rpps" else ""
            body = f"(?P<{kind}>{prefix}(?:" + "|".join(spelled(n) for n in ordered) + "))"
            return body if kind == "nir" else rf"(?<![\dA-Za-z]){body}(?![\dA-Za-z])"

        alternatives = "|".join(group(k, v) for k, v in numbers.items())
        self._numbers = re.compile(alternatives) if numbers else None
        self._encoded = EncodedValues(self.known.spelled(), self.kinds, self._t)  # an RPPS in its IdNat_PS too
        self._steps = self._build_steps()

    def _build_steps(self) -> list[Step]:
        k = self.kinds
        steps: list[Step] = [sub_pins]  # never optional
        if k & set(FIELD_KINDS.values()):
            t = self._t

            def sub_card_fields(text: str, ctx: LineContext) -> str:
                if "A<< " not in text and '"response"' not in text:  # most lines: no APDU
                    return text
                return mask_apdu_fields(text, k, t, ctx.counts)

            steps.append(sub_card_fields)
        steps += text_steps(k)
        if self._names is not None:
            names = self._names

            keys = self._name_keys

            def sub_names(text: str, ctx: LineContext) -> str:
                folded = ctx.folded
                if not keys.search(folded):
                    return text
                new, n = names.subn(_masker(ctx, "name"), text)
                if "\\u" in new:
                    new = _ESCAPED_WORD.sub(lambda m: _escaped_name(m, names, ctx), new)
                if n:
                    ctx.counts["name"] += n
                return new

            steps.append(sub_names)
        if self._dates is not None:
            dates, years = self._dates, self._date_years

            def sub_dates(text: str, ctx: LineContext) -> str:
                if not any(year in text for year in years):
                    return text
                new, n = dates.subn(_masker(ctx, "birth_date"), text)
                if n:
                    ctx.counts["birth_date"] += n
                return new

            steps.append(sub_dates)
        if self._numbers is not None:
            numbers = self._numbers

            def sub_numbers(text: str, ctx: LineContext) -> str:
                def repl(m: re.Match[str]) -> str:
                    kind = m.lastgroup or "nir"
                    ctx.counts[kind] += 1
                    if "\n" in m.group():  # a number a line break cut: its lines stay
                        end = "\r\n" if "\r\n" in m.group() else "\n"
                        return ctx.mask(kind, re.sub(r"\s", "", m.group())) + end
                    return ctx.mask(kind, m.group())

                return numbers.sub(repl, text)

            steps.append(sub_numbers)
        if self._encoded:
            encoded = self._encoded

            arrays: dict[tuple[str, bool], tuple[str, Counter[str]]] = {}  # lines repeat the same commands

            def array(m: re.Match[str], ctx: LineContext) -> str:
                hit = arrays.get((m.group(), ctx.fixed))
                if hit is None:
                    found: Counter[str] = Counter()
                    hit = (_byte_array(m, encoded, found, ctx.fixed), found)
                    if len(arrays) >= 4096:  # bounded: unique arrays do not grow the memory
                        arrays.clear()
                    arrays[(m.group(), ctx.fixed)] = hit
                ctx.counts.update(hit[1])
                return hit[0]

            def sub_encoded(text: str, ctx: LineContext) -> str:
                if "0x" in text or "0X" in text:
                    text = _HEX_ARRAY.sub(lambda m: array(m, ctx), text)
                if "\\x" in text:
                    text = _ESCAPED_ARRAY.sub(lambda m: array(m, ctx), text)
                if "," in text and ("[" in text or "{" in text):
                    text = _DECIMAL_ARRAY.sub(lambda m: array(m, ctx), text)
                return encoded(text, ctx.counts, fixed=ctx.fixed)

            steps.append(sub_encoded)
        return steps

    def marker(self, kind: str) -> str:
        """The marker of ``kind`` in this redactor's language (a value replaced whole)."""
        found = MARKERS[kind]
        return MARKERS_EN.get(found, found) if self._english else found

    def redact(self, text: str) -> str:
        return self.redact_with_report(text).text

    def redact_with_report(self, text: str) -> Redaction:
        if "\x00" in text:  # UTF-16 read in another encoding: « P\0A\0T… » is « PAT… » to every rule
            text = text.replace("\x00", "")
        cut: Counter[str] | None = None
        if "\n" in text and self._encoded:  # a text of several lines (a syslog message): a dump in it cut too
            lines, cut = text.split("\n"), Counter()
            self._encoded.sub_cut(lines, [""] * len(lines), cut)
            text = "\n".join(lines) if cut else text
        ctx = LineContext(text, fixed=self._records and is_fixed_width(text))
        if cut:
            ctx.counts.update(cut)
        for step in self._steps:
            text = step(text, ctx)
        if not ctx.fixed:  # a fixed-width record keeps its widths (its masks are no markers anyway)
            text = unelide_names(text)
        text = restore_kept(text)  # a word a line break cut after a known name (sub_cut_values)
        return Redaction(english_markers(text) if self._english else text, ctx.counts)

    def sub_cut_values(
        self, lines: MutableSequence[str], sources: Sequence[str | None], counts: Counter[str]
    ) -> None:
        """Mask, in a trace's ``lines`` (in order; ``sources``: each one's source), the known values a dump's line
        break cut between two lines of the same source, on both (testbench.traces.redact_bytes); before each line's
        own redaction, which leaves the markers as they are. A line whose source is None is left out. ``counts`` gets
        one per value."""
        if self._encoded:
            self._encoded.sub_cut(lines, sources, counts)
        self._sub_wrapped(lines, sources, counts)

    def _sub_wrapped(self, lines: MutableSequence[str], sources: Sequence[str | None], counts: Counter[str]) -> None:
        """A known value a line break cut in a message its application wrote over two lines: a number (« NIR 1 61 03
        75 » then « 123 456 42 »), a name cut inside a word (« Patient ROG » then « ER, né le … ») or a birth date
        (« né le 17/03/ » then « 1961 »). The end of a line read with the start of the next line of its source (after
        its indentation, kept) when both sides of the break are of the value's kind; each piece becomes the value's
        marker, one counted. Most lines start with a timestamp, or follow one that ends with a space or a bracket."""
        stamp, lead = _STAMP_OR_OFFSET.match, _LEAD_WORD.match  # its indentation (a logger's) before its value
        last: dict[str | None, int] = {}  # each source's line before
        for i, (source, line) in enumerate(zip(sources, lines, strict=True)):
            before = last.get(source, -1)
            last[source] = i
            if before < 0 or source is None or (at := lead(line)) is None or stamp(line, at.end()):
                continue
            first, indent, text = lines[before].rstrip(), line[: at.end()], line[at.end() :]
            hit = self._cut_value(lines[before], first, text)
            if hit is None:
                unindented = not line.removeprefix("stderr : ")[:1].isspace()  # an indented line: another message
                if unindented and (kept := self._name_then_letters(lines[before], first, text)) is not None:
                    lines[before] = first[:kept] + keep_piece(first[kept:])
                continue
            kind, tail, start, end = hit
            counts[kind] += 1
            lines[before] = first[: len(first) - len(tail) + start] + MARKERS[kind]
            lines[i] = indent + MARKERS[kind] + text[end:]

    def _name_then_letters(self, line: str, first: str, text: str) -> int | None:
        """Where a known one-word name starts that ends ``line`` (``first``: without its trailing spaces) when the next
        line, ``text``, goes on with its word (« … des ESSAI » then « S restants »: the word is ESSAIS, no name), else
        None."""
        if self._names is None or line != first or not first[-1:].isalpha():
            return None
        suffix = _INFLECTION.match(text)
        if suffix is None or suffix.group().isupper() != first[-1].isupper():
            return None  # another word (« ESSAI » then « de lecture »: two messages), or a change of case
        tail = first[-_WRAP_SIDE:]
        ends = [m for m in self._names.hits(tail) if m.end() == len(tail)]
        return len(first) - len(tail) + ends[0].start() if ends else None

    def _cut_value(self, line: str, first: str, text: str) -> tuple[str, str, int, int] | None:
        """(kind, the line's tail read, where the value starts in it, where it ends in ``text``) of a known value the
        break between ``line`` (``first``: without its trailing spaces) and ``text`` cut, else None."""
        if not first:
            return None
        if text[0].isdigit() and first[-1:].isdigit() and self._numbers is not None:
            tail = first[-_WRAP_SIDE:]
            for m in self._numbers.finditer(tail + "\n" + text[:_WRAP_SIDE]):
                if m.start() < len(tail) < m.end() - 1:  # its digits on both lines
                    return m.lastgroup or "nir", tail, m.start(), m.end() - len(tail) - 1
        if line != first:  # a break after a space: a word or a date cut in it is whole on each line
            return None
        tail = first[-_WRAP_SIDE:]
        joined = tail + text[:_WRAP_SIDE]
        dated = text[0].isdigit() and first[-1] in _DATE_END and any(year in joined for year in self._date_years)
        if dated and self._dates is not None:
            for m in self._dates.finditer(joined):
                if m.start() < len(tail) < m.end():
                    return "birth_date", tail, m.start(), m.end() - len(tail)
        if text[0].isalpha() and first[-1].isalpha() and self._names is not None:
            piece = _TRAILING_LETTERS.search(tail)
            if piece is not None and fold(piece.group()) in self._name_heads:
                for m in self._names.hits(joined):
                    if m.start() < len(tail) < m.end():
                        return "name", tail, m.start(), m.end() - len(tail)
        return None

    def redact_lines(self, lines: Iterable[str]) -> tuple[list[str], Counter[str]]:
        """Each line, and a base64 token wrapped over several of them (its code is in none alone), a code or a known
        value a dump's line break cut."""
        total: Counter[str] = Counter()
        out = []
        texts = [line.replace("\x00", "") if "\x00" in line else line for line in lines]
        sub_wrapped_b64_codes(texts, total)
        sub_split_dump_codes(texts, total)
        self.sub_cut_values(texts, [""] * len(texts), total)
        for line in texts:
            result = self.redact_with_report(line)
            out.append(result.text)
            total.update(result.counts)
        return out, total


#: the characters of each of two lines read joined for a number a line break cut (a NIR spaced out: 21 characters)
_WRAP_SIDE = 40
_STAMP_OR_OFFSET = re.compile(r"\d{4}-\d\d-\d\d|\d\d/\d\d/\d{4}[T ]|\d\d:\d\d|[0-9A-Fa-f]{4,8}:")
#: a line's indentation before its first word, after the bench's own prefix of an external engine's stderr line
#: (« stderr : », docs/engine-protocol.md): part of the line's head, as a wrapped message's next line has it too
_LEAD_WORD = re.compile(r"(?:stderr :[ \t]+)?[ \t]*(?=[^\W_])")
#: the last characters of a line a birth date was cut after (« 17/03/ », « 1961-03- », « 17.03 »)
_DATE_END = frozenset("0123456789/.-")
#: the end of a word a line break cut after a known name, as the next line starts (a plural, a feminine: « S »,
#: « es »), then no letter; any other word there may be a message of its own, the name before it a name
_INFLECTION = re.compile(r"(?i)(?:e?s|x|e)(?![^\W\d_]|['’])")  # « s'est … » starts a message
_TRAILING_LETTERS = re.compile(r"(?<![^\W\d_])[^\W\d_]+\Z")

#: bytes as C, C#, Java and Python logs write them, which no hex run is: ``0x32,0x39,…`` (or spaced, or in
#: braces), ``\\x32\\x39…``, Java's ``Arrays.toString`` ``[50, 57, -1, …]`` (signed decimal, in brackets); each
#: after a substring test, as most lines hold none
_HEX_ARRAY = re.compile(
    r"(?<![0-9A-Za-z])0[xX][0-9A-Fa-f]{1,2}(?:(?:\s*,\s*|\s+)?0[xX][0-9A-Fa-f]{1,2})+(?![0-9A-Za-z])"
)
_ESCAPED_ARRAY = re.compile(r"(?:\\x[0-9A-Fa-f]{2}){2,}")
_DECIMAL_ARRAY = re.compile(r"[\[{]\s*-?\d{1,3}(?:\s*,\s*-?\d{1,3})+\s*(?=[\]}])")
_ARRAY_ITEM = re.compile(r"-?(?:0[xX]|\\x)?[0-9A-Fa-f]{1,3}")
_ITEM_PREFIX = re.compile(r"-?(?:0[xX]|\\x)?")
#: the size a marker of masked bytes states (« ‹NIR masqué, 15 octets› »)
_MARKER_SIZE = re.compile(r"‹[^›]*?(\d+)[^\d›]*›")


def _byte_value(item: str) -> int | None:
    """One element of a byte array as a byte (a Java byte is signed), or None if it is none."""
    text = item.lower()
    value = int(text[2:], 16) if text.startswith(("0x", "\\x")) else int(text) if text.lstrip("-").isdigit() else None
    if value is None or not -128 <= value <= 255:
        return None
    return value % 256


def _byte_array(m: re.Match[str], encoded: EncodedValues, counts: Counter[str], fixed: bool) -> str:
    """A byte array searched as the hex run of its bytes (:class:`EncodedValues`); what a hit masks becomes its
    marker in the array, whose other elements and separators stay as written."""
    items = list(_ARRAY_ITEM.finditer(m.group()))
    values = [_byte_value(i.group()) for i in items]
    if None in values:
        return m.group()
    spaced = bytes(v for v in values if v is not None).hex(" ")
    masked = encoded(spaced, counts, fixed=fixed)
    if masked == spaced:
        return m.group()
    text, out, index = m.group(), [], 0
    for token in re.finditer(r"‹[^›]*›|[0-9a-f]{2}", masked):
        if index:  # the separator written before this element
            out.append(text[items[index - 1].end() : items[index].start()])
        item, size = items[index].group(), 1
        if (size_m := _MARKER_SIZE.fullmatch(token.group())) is not None:
            out.append(token.group())
            size = int(size_m.group(1))
        elif token.group() == spaced[3 * index : 3 * index + 2]:
            out.append(item)
        else:  # a fixed-width record's mask: the element's digits as zeros, its « 0x » kept
            prefix = _ITEM_PREFIX.match(item)
            out.append(item[: prefix.end()] + "0" * (len(item) - prefix.end()) if prefix else item)
        index += size
    return text[: items[0].start()] + "".join(out) + text[items[-1].end() :]


#: a word with a JSON escape in it (« \\u0053ARAH »: any letter may be escaped, not only an accented one)
_ESCAPED_WORD = re.compile(r"(?:[^\W\d_]|\\u[0-9A-Fa-f]{4})*\\u[0-9A-Fa-f]{4}(?:[^\W\d_]|\\u[0-9A-Fa-f]{4})*")
_JSON_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})")


def _escaped_name(m: re.Match[str], names: _NameSearch, ctx: LineContext) -> str:
    """The word ``m`` masked whole when, its escapes read, it holds a known name (counted in ``ctx``)."""
    word = _JSON_ESCAPE.sub(lambda e: chr(int(e.group(1), 16)), m.group())
    if not names.search(word):
        return m.group()
    ctx.counts["name"] += 1
    return same_width_mask(m.group()) if ctx.fixed else MARKERS["name"]


def _masker(ctx: LineContext, kind: str) -> str | Callable[[re.Match[str]], str]:
    """The replacement of ``kind`` for ``re.sub``: its marker, or in a fixed-width record each match's mask."""
    return (lambda m: same_width_mask(m.group())) if ctx.fixed else MARKERS[kind]


def redact_pins(text: str) -> str:
    """Only PINs and secrets: runs on every captured line before it is stored (and without NUL characters:
    a PIN in UTF-16 read in another encoding, a NUL byte after each digit, is a PIN too)."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return sub_pins(text, LineContext(text))


#: the lines of a source a capture keeps from one poll to the next (:func:`recent_lines`): a code's command (21 bytes at
#: most) dumped 4 bytes a line spans 6
_RECENT = 6


def recent_lines(previous: str | None, lines: Sequence[str]) -> str:
    """The last lines of a source read so far (``previous``, the ones kept before, then ``lines``), joined by « \\n »:
    what :func:`redact_pins_lines` takes as ``previous`` at the next poll, so that a code a dump cut over several lines
    is found whatever poll each line is read in."""
    kept = [*(previous.split("\n") if previous else ()), *lines]
    return "\n".join(kept[-_RECENT:])


def redact_pins_lines(lines: Sequence[str], previous: str | None = None) -> list[str]:
    """:func:`redact_pins` of consecutive lines of one source, which also finds a code in base64 wrapped over
    them (MIME's 76 columns: each line alone holds a piece of the bytes, a PIN cut in two is in none) and a code a
    dump's line breaks cut (16 bytes a line: a VERIFY's header and first digits on one line, the rest on the
    next; 4 or 8 bytes a line: over three lines or more). ``previous``: the source's lines read before these (an
    earlier poll; several joined by « \\n », :func:`recent_lines`), which the first may continue."""
    texts = [line.replace("\x00", "") if "\x00" in line else line for line in lines]
    if len(texts) > 1:
        sub_wrapped_b64_codes(texts, Counter())
    if len(texts) > 1 or previous:
        sub_split_dump_codes(texts, Counter(), previous.replace("\x00", "") if previous else None)
    return [sub_pins(text, LineContext(text)) for text in texts]


def redact(text: str, names: Iterable[str] = ()) -> str:
    """Everything, with a throwaway :class:`Redactor` (build one and reuse it for many lines)."""
    return Redactor(names).redact(text)


def for_export(text: str, redactor: Redactor | None, *, redact: bool = True) -> str:
    """Exports redact by default; ``redact=False`` is the explicit opt-out (PINs are still removed)."""
    if not redact:
        return redact_pins(text)
    return (redactor or Redactor()).redact(text)
