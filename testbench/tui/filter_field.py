"""The case tree's filter field: its placeholder says what the filter takes, whole at any width.

The whole form (« Filtrer : mots, tag:xxx, verdict:échec ») is wider than the field at 80 columns, where the tree
is 24 columns wide: Textual cut it after « Filtrer : mots, ». The field shows the longest form that fits: the whole
one, « Filtrer : mots tag: verdict:… » (29 columns: 100 to 130 columns), or « mots tag: verdict:… » (21 columns at
most, French and English: 80 columns), which still names what the filter reads; F1 says the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.cells import cell_len
from textual import events

from testbench.i18n import _t
from testbench.tui.screens import FreeText

#: the placeholder's forms, longest first: the field shows the first that fits, else the last
FORMS = (
    _t("Filtrer : mots, tag:xxx, verdict:échec"),
    _t("Filtrer : mots tag: verdict:…"),
    _t("mots tag: verdict:…"),
)


class FilterField(FreeText):
    """The filter (words: a paste of several lines is one line, ``FreeText``), its placeholder the form that fits."""

    def __init__(self, translate: Callable[[str], str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._forms = [translate(form) for form in FORMS]
        self.placeholder = self._forms[0]

    def retranslate(self, translate: Callable[[str], str]) -> None:
        """The placeholder in the language now shown (F2)."""
        self._forms = [translate(form) for form in FORMS]
        self._fit()

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        width = self.content_size.width
        fitting = (form for form in self._forms if not width or cell_len(form) <= width)
        self.placeholder = next(fitting, self._forms[-1])
