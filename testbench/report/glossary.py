"""The report's glossary: terms of the cases' objectives and steps linked to their definitions.

Each term found (``domain.glossary.find_terms``) in a case's objective or step instruction becomes
``<a class="term" href="#glossaire-FSE" title="…">FSE</a>``; the glossary section at the end of the page
defines every term the report links to, in the report's language, with its public references.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

from markupsafe import Markup

from testbench import fmt
from testbench.domain.glossary import find_terms
from testbench.i18n import translator

ANCHOR = "glossaire-"


def case_texts(case: dict[str, Any]) -> Iterable[str]:
    """What the report links in a case: its objective and its steps (sentence, or a manual step's instruction)."""
    yield case.get("objective", "")
    for step in case.get("steps", []):
        yield step.get("sentence") or step.get("instruction", "")


def linker(lang: str) -> Callable[[str], Markup]:
    """``linked(text)``: the text escaped, each glossary term a link to its definition (its title the definition)."""

    @functools.lru_cache(maxsize=1024)  # a campaign's cases repeat the same objectives and steps
    def linked(text: str) -> Markup:
        out, last = [], 0
        for start, end, term in find_terms(text):
            out.append(escape(fmt.visible_controls(text[last:start])))
            out.append(
                f'<a class="term" href="#{ANCHOR}{escape(term.key)}" title="{escape(term.text(lang))}">'
                f"{escape(text[start:end])}</a>"
            )
            last = end
        out.append(escape(fmt.visible_controls(text[last:])))
        return Markup("".join(out))

    return linked


# -- refusal codes and trace patterns: what a case expects, in words -------------------------------------------

#: the anchor of a refusal code's entry in the glossary section (``#code-refus-PRICE_ABOVE_PLV``: apart from the
#: terms' ``glossaire-…``, whose keys may start like a code)
CODE_ANCHOR = "code-refus-"
#: the anchor of the glossary's entry on a trace expectation's pattern
PATTERN_ANCHOR = "motif-de-trace"

#: where a code of ours comes from, as a sentence that says it is ours (French; English in the catalogue)
REFERENCE_SOURCE = (
    "Code de refus de testbench (son moteur de référence, son protocole moteur) : le nôtre, pas un code officiel "
    "de la CNDA ni du GIE SESAM-Vitale."
)
CARDS_SOURCE = (
    "Code de la couche carte de testbench : le nôtre, pas un code officiel de la CNDA ni du GIE SESAM-Vitale."
)
OPERATOR_SOURCE = (
    "Code du mode opérateur de testbench : le nôtre, pas un code officiel de la CNDA ni du GIE SESAM-Vitale."
)
UNKNOWN_SOURCE = "Code donné par le moteur ou le logiciel testé : testbench ne le définit pas."
#: the same, shortly, beside the meaning shown in a case
OURS_SHORT = "code de testbench, non officiel"
UNKNOWN_SHORT = "code du logiciel testé, non défini par testbench"

#: the codes the bench itself gives a step (testbench.cards.pin, testbench.engines.operator.mode), in words; the
#: reference engine's are in testbench.engines.reference.refusals.MEANINGS
BENCH_CODES: dict[str, tuple[str, str]] = {
    "PIN_BLOCKED": ("Code porteur bloqué (plus aucun essai) : il n'est pas présenté.", CARDS_SOURCE),
    "PIN_TRIES_LOW": (
        "Trop peu d'essais restants du code porteur : le banc ne risque pas le dernier et ne le présente pas.",
        CARDS_SOURCE,
    ),
    "PIN_WRONG": ("La carte a refusé le code porteur présenté.", CARDS_SOURCE),
    "UNBLOCK_BLOCKED": ("Code de déblocage bloqué (plus aucun essai) : il n'est pas présenté.", CARDS_SOURCE),
    "UNBLOCK_TRIES_LOW": (
        "Trop peu d'essais restants du code de déblocage : le banc ne le présente pas.",
        CARDS_SOURCE,
    ),
    "UNBLOCK_WRONG": ("La carte a refusé le code de déblocage présenté.", CARDS_SOURCE),
    "REFUS_LOGICIEL": (
        "Mode opérateur : l'opérateur a constaté que le logiciel testé refusait l'étape, "
        "sans code reconnu dans sa note.",
        OPERATOR_SOURCE,
    ),
}

#: a trace channel in words (testbench.traces.model.Channel)
CHANNEL_WORDS = {
    "apdu": "échanges avec les cartes (APDU)",
    "engine": "journal du moteur de facturation",
    "app": "journal du logiciel testé",
    "http": "échanges avec les téléservices simulés",
    "bench": "journal du banc",
}

#: what a link to that entry says of a pattern (its title)
PATTERN_TITLE = "expression régulière cherchée dans le texte de chaque ligne (voir le glossaire)"
#: the glossary's entry on patterns, shown when the page explains a trace expectation
PATTERN_TEXT = (
    "Motif d'une attente de trace : une expression régulière (syntaxe Python « re »), citée telle que le cahier "
    "l'écrit, cherchée dans le texte de chaque ligne du canal ; une ligne y correspond dès que le motif s'y trouve. "
    "Quelques signes : (?i) ignore majuscules et minuscules, \\b marque une limite de mot, \\d un chiffre, \\s une "
    "espace, [:=] l'un des caractères entre crochets, * et + répètent ce qui précède (zéro fois ou plus, une fois ou "
    "plus), un nombre entre accolades le répète autant de fois, | sépare des variantes. Une attente « exigée » veut "
    "au moins une ligne qui corresponde ; une attente « interdite » n'en admet aucune."
)


@dataclass(frozen=True)
class RefusalCode:
    """A refusal code as the report explains it: its meaning and its source, in French (the report translates)."""

    code: str
    meaning: str  # "" for a code testbench does not define (an external engine's, an application's)
    source: str  # a sentence: whose code it is (ours, never an official one), or that testbench does not define it
    anchor: str  # the code as an HTML id's end (``CODE_ANCHOR + anchor``)

    @property
    def ours(self) -> bool:
        return bool(self.meaning)

    def text(self, lang: str) -> str:
        """The definition in ``lang``: the meaning, then whose code it is."""
        t = translator(lang)
        return f"{t(self.meaning)} {t(self.source)}" if self.meaning else t(self.source)

    def short(self, lang: str) -> str:
        """What a case shows beside the code: the meaning and, shortly, that the code is ours (or not defined)."""
        t = translator(lang)
        return f"{t(self.meaning).rstrip('.')} ({t(OURS_SHORT)})" if self.meaning else t(UNKNOWN_SHORT)


@functools.lru_cache(maxsize=512)
def refusal_code(code: str) -> RefusalCode:
    """What the report says of ``code``: the reference engine's meaning, the bench's own, or none (a code testbench
    does not define)."""
    from testbench.engines.reference.refusals import MEANINGS

    anchor = code if re.fullmatch(r"[A-Za-z0-9_-]+", code) else "x" + hashlib.sha256(code.encode()).hexdigest()[:12]
    if code in MEANINGS:
        return RefusalCode(code, MEANINGS[code], REFERENCE_SOURCE, anchor)
    meaning, source = BENCH_CODES.get(code, ("", UNKNOWN_SOURCE))
    return RefusalCode(code, meaning, source, anchor)
