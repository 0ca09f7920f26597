"""The report's glossary: terms of the cases' objectives and steps linked to their definitions.

Each term found (``domain.glossary.find_terms``) in a case's objective or step instruction becomes
``<a class="term" href="#glossaire-FSE" title="…">FSE</a>``; the glossary section at the end of the page
defines every term the report links to, in the report's language, with its public references.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from html import escape
from typing import Any

from markupsafe import Markup

from testbench import fmt
from testbench.domain.glossary import find_terms

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
