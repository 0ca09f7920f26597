"""The definitions of the terms on screen (key ``d``): what the current case's words mean.

The terms are those of the case's title, objective and step instructions (``casebook.instructions.case_terms``),
each with our short definition in the language shown and its public references (``domain.glossary``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from testbench.domain.glossary import Term, find_terms

T = Callable[[str], str]
#: how a glossary term is marked in the case view (the same words the window defines)
TERM_STYLE = "underline"


def marked(text: str, style: str = "") -> Text:
    """``text`` with each glossary term underlined."""
    out = Text(text, style=style)
    for start, end, _term in find_terms(text):
        out.stylize(TERM_STYLE, start, end)
    return out


def glossary_text(terms: list[Term], t: T, lang: str, heading: str) -> Text:
    """The window's content: each term, its definition in ``lang``, its references."""
    out = Text()
    out.append(f"{t('Définitions des termes')} — {heading}\n\n", style="bold")
    if not terms:
        out.append(t("Aucun terme du glossaire dans ce cas."))
    for term in terms:
        out.append(term.name, style="bold cyan")
        others = [n for n in term.names[1:] if n.casefold() != term.name.casefold()][:2]
        if others:
            out.append(f" ({', '.join(others)})", style="dim")
        out.append(f"\n  {term.text(lang)}\n")
        for url in term.references:
            out.append(f"  ↗ {url}\n", style="dim")
        out.append("\n")
    return out


class GlossaryScreen(ModalScreen[None]):
    """The definitions of the current case's terms; Escape, d or q closes it."""

    DEFAULT_CSS = """
    GlossaryScreen { align: center middle; }
    GlossaryScreen > VerticalScroll { width: 90%; max-width: 110; height: 90%; border: thick $primary;
        background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,d,q", "close", "Fermer")]

    def __init__(self, content: Text) -> None:
        super().__init__()
        self.content = content

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.content, id="glossary-text")

    def action_close(self) -> None:
        self.dismiss(None)
