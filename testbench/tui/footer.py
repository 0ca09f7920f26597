"""The footer of the workstation and of its windows: each key with its word, or not at all.

Textual's compact footer lets the command palette's key, docked right, cover the keys that do not fit: the last
one showed its letter without its word (« a Review g▏Ctrl+P Commands » at 80 columns), a key that says nothing.
Those keys are left out until the terminal is wide enough again (F1 lists them all).
A footer composed again (a window closed, the focus moved, the language switched under a window) is fitted once its
screen has laid its keys out: fitted before, their regions were still empty and the letter came back alone.
A key's word may depend on the view shown: the app's ``footer_label(action)`` gives it (``/`` reads « Filtrer les
cas » beside the traces' own search box), else the binding's.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class WholeKeysFooter(Footer):
    """A compact footer whose keys are shown whole: those the palette's key would cut or cover are hidden."""

    _pending = False  # keys composed or shown again, not fitted yet

    def __init__(self) -> None:
        super().__init__(compact=True)

    def compose(self) -> ComposeResult:
        relabel = getattr(self.app, "footer_label", None)
        for widget in super().compose():
            if callable(relabel) and isinstance(widget, FooterKey) and widget.description:
                widget.description = relabel(widget.action) or widget.description
            yield widget
        self._pending = True
        self.call_after_refresh(self._fit)  # the keys are laid out once composed (a language switch composes again)

    def on_mount(self) -> None:
        self.screen.screen_layout_refresh_signal.subscribe(self, self._laid_out)

    def on_unmount(self) -> None:
        self.screen.screen_layout_refresh_signal.unsubscribe(self)

    def on_resize(self, _event: events.Resize) -> None:
        for key in self.query(FooterKey):  # wider: the keys hidden may fit now, laid out again before they are fitted
            key.display = True
        self._pending = True
        self.call_after_refresh(self._fit)

    def _laid_out(self, _screen: Screen) -> None:
        if self._pending:
            self._fit()

    def _fit(self) -> None:
        keys = [key for key in self.query(FooterKey) if key.display]
        if not keys or any(not key.region.width for key in keys):  # not laid out yet: at the screen's next layout
            return
        self._pending = False
        palettes = self.query("FooterKey.-command-palette")
        edge = palettes.first().region.x if palettes else self.region.right
        for key in keys:
            if not key.has_class("-command-palette") and key.region.right > edge:
                key.display = False
