"""The personal values a session is known to hold, and the ways each one is spelled.

Redaction by pattern (a NIR's shape, a ``Nom=`` label) cannot see a name in free text or a birth date in
hex. The values the session itself read — card files, observed values — can be looked for wherever they
appear: :class:`~testbench.traces.redact.Redactor` takes them from here. The spelling rules live here so
the text and the bytes searches agree on what "the same value" means.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from testbench.cards.decode import personal_fields

#: card field (testbench.cards.layout.PERSONAL_FIELDS) → redaction kind
FIELD_KINDS: dict[str, str] = {
    "name": "name",
    "first_name": "name",
    "usual_name": "name",
    "structure": "name",
    "nir": "nir",
    "birth_date": "birth_date",
    "rpps": "rpps",
    "finess": "finess",
    "am_number": "id_ps",
}
NUMBER_KINDS = ("nir", "rpps", "finess", "adeli", "id_ps")
#: card fields (and observation paths' last parts) that hold a first name, and those that hold a surname
FIRST_NAME_FIELDS = frozenset({"first_name", "firstname", "prenom", "prénom"})
SURNAME_FIELDS = frozenset({"name", "usual_name", "nom", "nom_usuel", "nomusuel", "last_name", "lastname"})

_WORD_SPLIT = re.compile(r"[\s'-]+")
_DATE_FORMS = (
    re.compile(r"(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})"),  # 1985-05-12, 19850512
    re.compile(r"(?P<d>\d{2})[/.-]?(?P<m>\d{2})[/.-]?(?P<y>\d{4})"),  # 12/05/1985, 12051985
)


#: letters no accent removal turns into ASCII, as a name is written without them (« Lukasz », « Weiss »)
TRANSLITERATED = {"ł": "l", "ø": "o", "đ": "d", "ı": "i", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th"}
_TRANSLITERATION = str.maketrans(TRANSLITERATED | {k.upper(): v.upper() for k, v in TRANSLITERATED.items() if k != "ß"})


#: the letters :data:`_TRANSLITERATION` changes (« I », the upper case of « ı », maps to itself): ``str.translate``
#: with a dict looks every character up (~100 µs for a 1 KB FSE record), a search of this class is one C scan
_TRANSLITERABLE = re.compile("[" + "".join(re.escape(chr(k)) for k, v in _TRANSLITERATION.items() if chr(k) != v) + "]")


def ascii_spelling(text: str) -> str:
    """``text`` in ASCII as it is written without its accents: ``Łukasz Nguyễn`` → ``Lukasz Nguyen``."""
    if text.isascii():  # most lines: nothing to transliterate nor decompose
        return text
    if _TRANSLITERABLE.search(text):
        text = text.translate(_TRANSLITERATION)
    plain = unicodedata.normalize("NFKD", text)
    return plain.encode("ascii", "ignore").decode("ascii")


def fold(text: str) -> str:
    """Without accents, lower-case: ``Éloïse`` → ``eloise``, ``Łukasz`` → ``lukasz``."""
    return ascii_spelling(text).lower()


def name_words(name: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(name.strip()) if w]


def single_word_forms(name: str) -> set[str]:
    """How a one-word name is written when it is a name: as read, in capitals, capitalised.

    An all-lower-case occurrence is a word of the language, not the name: the status message
    « 1 essai restant » does not hold the surname ESSAI, « par exemple » not EXEMPLE. Names of
    several words (``JEAN-PIERRE``, ``LE GALL``) are specific enough to be matched in any case.
    """
    name = name.strip()
    forms = {name, name.upper(), name[:1].upper() + name[1:].lower()}
    return forms | {ascii_spelling(f) for f in forms}  # « Weiss » for « Weiß » (dropping « ß » gave « Wei »)


def rpps_spellings(digits: str) -> set[str]:
    """An RPPS (11 digits) as it also travels: inside the national PS identifier (« 8 » + RPPS, the card's
    IdNat_PS), and either of them left-padded with zeros to 13 digits (« 0089990000013 »)."""
    rpps = digits[1:] if len(digits) == 12 and digits.startswith("8") else digits
    if len(rpps) != 11 or not rpps.isdigit():
        return {digits}
    return {digits, rpps, "8" + rpps, rpps.zfill(13), ("8" + rpps).zfill(13)}


def date_keys(date: str) -> set[str]:
    """What a line holding a known birth date holds in every spelling: its year, or its short spellings
    (« 15/01/80 » has no « 1980 ») — a cheap test before the full search."""
    date = date.strip()
    for form in _DATE_FORMS:
        m = form.fullmatch(date)
        if m:
            return {m.group("y"), *short_year_spellings(m.group("y"), m.group("m"), m.group("d"))}
    return {date}


_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")  # fmt: skip


#: the abbreviations French writes (« 15 janv. 1980 »); a month of four letters or fewer has none
_ABBREVIATED = {"janvier": "janv", "février": "févr", "avril": "avr", "juillet": "juil", "septembre": "sept",
                "octobre": "oct", "novembre": "nov", "décembre": "déc"}  # fmt: skip
#: each month in English, and in three letters as programs and English write it (« 15 jan 1980 », « 15-JAN-1980 »,
#: « Jan 15, 1980 »; French's « fév », « aoû » too)
_MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december")  # fmt: skip
_THREE_LETTERS = (("jan",), ("feb", "fév"), ("mar",), ("apr", "avr"), (), ("jun",), ("jul",), ("aug", "aoû"),
                  ("sep",), ("oct",), ("nov",), ("dec", "déc"))  # fmt: skip


def _month_words(index: int) -> tuple[set[str], set[str], set[str], set[str]]:
    """Month ``index`` (0-11) as words, accents optional: its full names (French, English), French's abbreviations
    (written dotted or not), three letters (written undotted), and the words English puts before the day."""
    french, three = _MONTHS[index], _THREE_LETTERS[index]
    full = {french, _MONTHS_EN[index]}
    abbreviated = {_ABBREVIATED[french]} if french in _ABBREVIATED else set()
    english = {_MONTHS_EN[index], *three[:1], *(("sept",) if index == 8 else ())}
    plain = [{w for word in words for w in (word, ascii_spelling(word))} for words in (full, abbreviated, set(three))]
    return plain[0], plain[1], plain[2], english


#: a month as :func:`_written_out` writes it (« 3 avril 2012 », « 15 janv. 1980 », « 15 Jan 1980 »), for the pattern
#: that finds a date after its label; its accents optional too, as a log in ASCII drops them
_WORDS = [_month_words(i) for i in range(12)]
_MONTH_NAMES = sorted({w for words in _WORDS for w in words[0]}, key=lambda w: (-len(w), w))
_MONTH_SHORT = sorted({w for words in _WORDS for w in words[1] | words[2]}, key=lambda w: (-len(w), w))
MONTH_PATTERN = "(?:" + "|".join([*_MONTH_NAMES, *(w + r"\.?" for w in _MONTH_SHORT)]) + ")"
#: the months English writes before the day (« Jan 15, 1980 », « January 15 1980 »)
_MONTHS_FIRST = sorted({w for words in _WORDS for w in words[3]}, key=lambda w: (-len(w), w))
MONTH_FIRST_PATTERN = "(?:" + "|".join(w + (r"\.?" if len(w) <= 4 else "") for w in _MONTHS_FIRST) + ")"


def _written_out(y: str, mo: str, d: str) -> set[str]:
    """A date as a document or a program writes it in words: « 15 janvier 1980 », « 1er mars 1980 », « 15 janv.
    1980 », « 15 jan 1980 », « 15-JAN-1980 », « Jan 15, 1980 », « January 15 1980 », « 15 01 1980 »."""
    if not 1 <= int(mo) <= 12 or not 1 <= int(d) <= 31:
        return set()
    full, abbreviated, three, english = _month_words(int(mo) - 1)
    days = {d, str(int(d))}
    cased = lambda words: {form for w in words for form in (w, w.capitalize(), w.upper())}  # noqa: E731
    first_days = days | ({"1er"} if int(d) == 1 else set())
    written = {f"{day} {form} {y}" for day in first_days for form in cased(full | three)}
    written |= {f"{day} {form}{dot} {y}" for day in days for form in cased(abbreviated) for dot in ("", ".")}
    written |= {f"{day}-{form}-{y}" for day in days for form in cased(three)}
    written |= {f"{form} {day}{comma} {y}" for form in cased(english) for day in days for comma in (",", "")}
    return written | {f"{d} {mo} {y}"}


def short_year_spellings(y: str, mo: str, d: str) -> set[str]:
    """« 15/01/80 »: the day, the month and the year's last two digits, as short French dates are written (the
    « / » escaped too, as JSON and URLs write it)."""
    return {f"{d}{sep}{mo}{sep}{y[2:]}" for sep in ("/", ".", "-", "\\/", "%2F", "%2f")}


def date_spellings(date: str) -> set[str]:
    """The usual ways a date is written in logs and files (lunar dates, month > 12, are kept as is)."""
    date = date.strip()
    for form in _DATE_FORMS:
        m = form.fullmatch(date)
        if m:
            y, mo, d = m.group("y"), m.group("m"), m.group("d")
            plain = {
                f"{y}-{mo}-{d}",
                f"{y}{mo}{d}",
                f"{y}/{mo}/{d}",
                f"{d}/{mo}/{y}",
                f"{d}-{mo}-{y}",
                f"{d}.{mo}.{y}",
                f"{d}{mo}{y}",
                f"{int(d)}/{int(mo)}/{y}",  # « 5/3/1980 »: a day and a month without their zero
                *short_year_spellings(y, mo, d),
                *_written_out(y, mo, d),
            }
            # in a JSON string a « / » is often written « \/ » (Java, PHP), in a URL « %2F »
            escaped = {s.replace("/", sep) for s in plain if "/" in s for sep in ("\\/", "%2F", "%2f")}
            return plain | escaped
    return {date} if len(date) >= 6 else set()


@dataclass
class KnownValues:
    """Names, NIRs, birth dates and professional identifiers of one session (or of a few sessions)."""

    names: set[str] = field(default_factory=set)
    birth_dates: set[str] = field(default_factory=set)
    numbers: dict[str, set[str]] = field(default_factory=dict)  # kind in NUMBER_KINDS → digits

    def add(self, kind: str, value: object) -> None:
        """Record ``value`` as personal data of redaction kind ``kind``; empty or trivial values are ignored."""
        if value is None or isinstance(value, bool):
            return
        text = str(value).strip().strip('"').strip()
        if kind == "name":
            if 2 <= len(text) <= 60 and any(c.isalpha() for c in text):
                self.names.add(text)
        elif kind == "birth_date":
            if text not in self.birth_dates and date_spellings(text):  # a guard's check repeats it in every case
                self.birth_dates.add(text)
        elif kind in NUMBER_KINDS:
            digits = re.sub(r"\s", "", text).upper()
            if len(digits) >= 8 and digits[:1].isdigit():
                self.numbers.setdefault(kind, set()).add(digits)
                if kind == "nir" and len(digits) == 15:
                    self.numbers[kind].add(digits[:13])  # the body alone, as fixed-width records write it

    def add_person(self, first_names: Iterable[object], surnames: Iterable[object]) -> None:
        """One holder's first name with each of its surnames (name, usual name) as one name too (« SARAH
        MODELE »), never names of two holders (each pair is one more name every line is searched for): a card
        gives them as separate words, and a one-word name is found only as a name is written (capitals), while
        the whole name is found in any case and glued the way logins and URLs write it (« sarah.modele »,
        « Sarah%20Modele »)."""
        firsts = [str(f).strip() for f in first_names if f and str(f).strip()]
        lasts = [str(s).strip() for s in surnames if s and str(s).strip()]
        for first in firsts:
            for last in lasts:
                self.add("name", f"{first} {last}")

    def add_card_fields(self, fields: object) -> None:
        """Values named by card field (``{"name": …, "nir": …}``, as the card guard records a holder)."""
        if not isinstance(fields, dict):
            return
        for name, value in fields.items():
            kind = FIELD_KINDS.get(str(name))
            if kind is not None:
                self.add(kind, value)
        firsts = [v for k, v in fields.items() if k in FIRST_NAME_FIELDS]
        self.add_person(firsts, [v for k, v in fields.items() if k in SURNAME_FIELDS])

    def add_card_file(self, data: bytes) -> None:
        """The personal fields of a card file (an APDU response), found by the card layer's TLV layout: one
        holder's fields until a field comes again (the next beneficiary's)."""
        holder: dict[str, str] = {}
        for found in personal_fields(data):
            if found.field in holder:
                self.add_card_fields(holder)
                holder = {}
            raw = data[found.start : found.end].rstrip(b" \x00")
            try:
                holder[found.field] = raw.decode("utf-8")
            except UnicodeDecodeError:
                holder[found.field] = raw.decode("latin-1")
        self.add_card_fields(holder)

    def spelled(self) -> KnownValues:
        """A copy whose numbers hold the other forms each travels in too (an RPPS inside an IdNat_PS:
        :func:`rpps_spellings`), for the searches; the values themselves stay as recorded."""
        out = KnownValues(set(self.names), set(self.birth_dates), {k: set(v) for k, v in self.numbers.items()})
        if "rpps" in out.numbers:
            out.numbers["rpps"] = {s for value in self.numbers["rpps"] for s in rpps_spellings(value)}
        return out

    def update(self, other: KnownValues) -> None:
        self.names |= other.names
        self.birth_dates |= other.birth_dates
        for kind, values in other.numbers.items():
            self.numbers.setdefault(kind, set()).update(values)

    def __bool__(self) -> bool:
        return bool(self.names or self.birth_dates or any(self.numbers.values()))
