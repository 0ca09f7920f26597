"""The window of the definitions of the terms on screen (key ``d``): what the current case's words mean.

Its content is ``Renderer.glossary`` (``tui.render``): the terms of the case's title, objective and step
instructions, each with our short definition in the language shown and its public references.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from testbench.tui.screens import CLOSE, ReadingWindow, workstation_keys


class GlossaryScreen(ReadingWindow[None]):
    """The definitions of the current case's terms; Escape, d or q closes it, F2 shows them in the other language."""

    DEFAULT_CSS = """
    GlossaryScreen { align: center middle; }
    GlossaryScreen > VerticalScroll { width: 90%; max-width: 110; height: 90%; border: thick $primary;
        background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,d,q", "close", CLOSE),
        *workstation_keys("help", "quit"),  # its footer: this window's keys, not the main screen's
    ]

    def __init__(self, content: Text, again: Callable[[], Text] | None = None) -> None:
        super().__init__()
        self.content = content
        self.again = again  # the content in the language shown (F2)

    async def retranslate(self) -> None:
        if self.again is not None:
            self.content = self.again()
            self.query_one("#glossary-text", Static).update(self.content)

    def content_widgets(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.content, id="glossary-text")

    def action_close(self) -> None:
        self.dismiss(None)
