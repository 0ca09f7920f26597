"""How two redacted values differ, said without showing either of them.

A failed comparison of two personal values reads « attendu ‹NIR›, observé ‹NIR› (différent) » once redacted:
a reviewer cannot tell one mistyped digit from another person. The exports add a note made from the raw values
that names no character of them: how many characters differ (an identifier), which part differs (a birth date),
how far apart two names are. The raw values never leave this module; the note holds only counts and words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from testbench.i18n import tn, translator

#: a birth date as the bench, a card or an application writes it: (year, month, day) groups by pattern
_DATES = (
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), (1, 2, 3)),
    (re.compile(r"(\d{2})[/.-](\d{2})[/.-](\d{4})"), (3, 2, 1)),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), (1, 2, 3)),
)


def difference(kind: str, expected: Any, observed: Any, lang: str | None) -> str:
    """How ``observed`` differs from ``expected``, two values of the redaction ``kind``; "" when they do not."""
    a, b = str(expected).strip(), str(observed).strip()
    if a == b:
        return ""
    if kind == "birth_date":
        said = _date_difference(a, b, lang)
        if said is not None:
            return said
    if kind == "name":
        return _name_difference(a, b, lang)
    return _characters_difference(a, b, lang)


def change(kind: str, before: Any, after: Any, lang: str | None) -> str:
    """How a hidden value changed between two sessions (``testbench diff``: A's observed value, B's): how they
    differ, or « même valeur » — a value line shown because its expectation changed, the product giving the same."""
    return difference(kind, before, after, lang) or translator(lang)("même valeur")


def _characters_difference(a: str, b: str, lang: str | None) -> str:
    """An identifier's (NIR, RPPS, FINESS…): how many characters differ, or both lengths."""
    if len(a) != len(b):
        t = translator(lang)
        return t("longueurs différentes : {expected} et {observed} caractères").format(expected=len(a), observed=len(b))
    count = sum(x != y for x, y in zip(a, b, strict=True))
    return tn(
        "{count} caractère sur {length} diffère",
        "{count} caractères sur {length} diffèrent",
        count,
        lang,
        length=len(a),
    )


def _date(text: str) -> tuple[str, str, str] | None:
    """(year, month, day) of a date written in one of :data:`_DATES`' forms, else None."""
    for pattern, (y, m, d) in _DATES:
        found = pattern.fullmatch(text)
        if found:
            return found[y], found[m], found[d]
    return None


def _date_difference(a: str, b: str, lang: str | None) -> str | None:
    """A birth date's: the parts that differ (day, month, year); None when either is not a date read here."""
    first, second = _date(a), _date(b)
    if first is None or second is None:
        return None
    t = translator(lang)
    words = (t("jour"), t("mois"), t("année"))  # (day, month, year): the order a person reads a date in
    parts = [word for word, x, y in zip(words, first[::-1], second[::-1], strict=True) if x != y]
    if not parts:
        return t("même date, écrite autrement")
    return tn("partie différente : {parts}", "parties différentes : {parts}", len(parts), lang, parts=", ".join(parts))


def _folded(name: str) -> str:
    """A name without case, accents, hyphens nor extra spaces: what a person reads as the same name."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace("-", " ").split())


def _distance(a: str, b: str) -> int:
    """The edit distance (insertions, deletions, substitutions) between ``a`` and ``b``."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def _name_difference(a: str, b: str, lang: str | None) -> str:
    """A name's: the same name written otherwise, a few characters apart (a typo), or another name."""
    first, second = _folded(a), _folded(b)
    t = translator(lang)
    if first == second:
        return t("même nom aux majuscules, accents ou espaces près")
    count = _distance(first, second)
    if count > max(1, max(len(first), len(second)) // 4):
        return t("autre nom")
    return tn("{count} caractère d'écart", "{count} caractères d'écart", count, lang)


#: a card guard's difference that names the holder, as recorded (testbench.cards.guard: « {what} : {found} au lieu
#: de {expected} », the differences joined by « ; », the message ending with a full stop) → the kind of its values
_GUARD_KINDS = {"NIR du bénéficiaire 1": "nir", "RPPS": "rpps", "bénéficiaire 1": "name", "porteur": "name"}
_GUARD_DIFFERENCE = re.compile(
    r"(NIR du bénéficiaire 1|RPPS|bénéficiaire 1|porteur) : (.+?) au lieu de (.+?)(?= ; |\.(?:\s|$)|$)"
)

#: (a deviation as recorded, in French; its note), in the order of the text
Notes = list[tuple[str, str]]


def guard_notes(text: str, lang: str | None) -> Notes:
    """The card guard's differences that name a holder in ``text`` (its refusal, or a reason quoting it), each
    with how the two values differ."""
    if " au lieu de " not in text:
        return []
    notes = []
    for found in _GUARD_DIFFERENCE.finditer(text):
        note = difference(_GUARD_KINDS[found[1]], found[3], found[2], lang)
        if note:
            notes.append((found[0], note))
    return notes


def guard_values(text: str) -> list[tuple[str, str]]:
    """(kind, value) of both values of each card guard's difference naming a holder in ``text``: what a redactor
    knowing no session (the run's console) is told, so that it hides the found value and the expected one alike."""
    if " au lieu de " not in text:
        return []
    found = _GUARD_DIFFERENCE.finditer(text)
    return [(_GUARD_KINDS[each[1]], value) for each in found for value in each.group(2, 3)]


def deviation_notes(comparisons: Iterable[Mapping[str, Any]], note: Callable[[Mapping[str, Any]], str]) -> Notes:
    """Each comparison's deviation as a reason names it (``testbench.runner.reasons.deviations``) with its note
    (``note(comparison)``), for those that have one."""
    notes = []
    for c in comparisons:
        said = note(c)
        if said:
            notes.append((f"{c.get('expectation_id')} : {c.get('message')}", said))
    return notes


def noted(said: str, notes: Notes, shown: Callable[[str], str]) -> str:
    """``said`` (a text as an export shows it: translated, redacted) with each note put right after its deviation
    as ``shown`` makes it read there (« e3 : attendu ‹NIR›, observé ‹NIR› (différent) (2 caractères sur 15
    diffèrent) (et 1 autre écart) »); a deviation ``said`` does not hold, or that the redaction left as it was
    (its values are shown), gets none."""
    at = 0
    for raw, note in notes:
        head = shown(raw)
        found = said.find(head, at)
        if found < 0 or "‹" not in head:
            continue
        end = found + len(head)
        said = f"{said[:end]} ({note}){said[end:]}"
        at = end + len(note) + 3
    return said
