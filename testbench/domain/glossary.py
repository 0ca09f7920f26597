"""The glossary of SESAM-Vitale terms a case uses (FSE, AMO/AMC, PLV, tiers payant, ADRi…).

"The main difficulty of the agrément is understanding the tests to validate": the workstation and the
report link the terms of a case's title, objective and steps to short definitions written by us (French
and English) with public references. The data lives in ``glossary.toml`` beside this module (shipped in
the wheel as package data) so it can be reviewed and extended without touching code.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources

FORMAT = "testbench-glossary/1"


@dataclass(frozen=True)
class Term:
    key: str  # stable, anchor-safe (``#glossaire-FSE``)
    names: tuple[str, ...]  # the spellings found in casebooks; the first is the one shown
    definition: dict[str, str] = field(hash=False)  # language -> definition
    references: tuple[str, ...] = ()  # addresses of public pages

    @property
    def name(self) -> str:
        return self.names[0]

    def text(self, lang: str = "fr") -> str:
        """The definition in ``lang`` (French when it has no other); the domain layer knows no active language."""
        return self.definition.get(lang) or self.definition["fr"]


def is_acronym(name: str) -> bool:
    """Two capital letters or more (FSE, ApCV, AT/MP): matched with its case, so « fse » is no FSE."""
    return sum(c.isupper() for c in name) >= 2


def read_glossary(text: str) -> tuple[Term, ...]:
    """Terms from the glossary's TOML text; ``ValueError`` names what is wrong (checked by the tests)."""
    data = tomllib.loads(text)
    if data.get("format") != FORMAT:
        raise ValueError(f"format {data.get('format')!r} instead of {FORMAT!r}")
    terms = []
    for raw in data.get("term", []):
        key = raw["key"]
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", key):
            raise ValueError(f"term key {key!r} is not anchor-safe")
        definition = {"fr": raw["fr"].strip(), "en": raw["en"].strip()}
        if not all(definition.values()) or not raw["names"]:
            raise ValueError(f"term {key!r}: empty names or definition")
        terms.append(Term(key, tuple(raw["names"]), definition, tuple(raw.get("references", ()))))
    return tuple(terms)


@functools.cache
def glossary() -> tuple[Term, ...]:
    """Every term of the built-in glossary, in the data file's order."""
    return read_glossary(resources.files(__package__).joinpath("glossary.toml").read_text(encoding="utf-8"))


@functools.cache
def _matcher() -> tuple[re.Pattern[str], dict[str, Term], dict[str, Term]]:
    """One regular expression over every name, longest first; acronyms exact, other names in any case."""
    exact: dict[str, Term] = {}
    folded: dict[str, Term] = {}
    for term in glossary():
        for name in term.names:
            if is_acronym(name):
                exact.setdefault(name, term)
            else:
                folded.setdefault(name.casefold(), term)
    names = sorted({*exact, *(n for t in glossary() for n in t.names if not is_acronym(n))}, key=len, reverse=True)
    alternatives = "|".join(re.escape(n) if is_acronym(n) else f"(?i:{re.escape(n)})" for n in names)
    # whole words, and never a part of a hyphenated identifier (« p-exo », « vitale-ald », « ARL-001 »)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])"), exact, folded


def find_terms(text: str) -> list[tuple[int, int, Term]]:
    """(start, end, term) of each glossary name in ``text``: whole words, acronyms with their case,
    the longest name where several start at the same place (« carte Vitale » rather than « Vitale »)."""
    pattern, exact, folded = _matcher()
    found = []
    for match in pattern.finditer(text):
        word = match.group()
        term = exact.get(word) or folded.get(word.casefold())
        if term is not None:
            found.append((match.start(), match.end(), term))
    return found


def terms_in(texts: Iterable[str]) -> list[Term]:
    """The terms found in ``texts``, each once, in the order they first appear."""
    seen: dict[str, Term] = {}
    for text in texts:
        for _start, _end, term in find_terms(text):
            seen.setdefault(term.key, term)
    return list(seen.values())
