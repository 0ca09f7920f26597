"""A line of the workstation never begins with « : » (or « ; ! ? » ») nor ends with « « ».

French typography puts a space before those signs and after « «, a space no line may break at; the messages write it
as an ordinary space (« attendu : 12 »), so Rich and Textual broke there: at 80 columns the run log showed a line
ending on « s-inv2 » and the next beginning with « : fichier … ». The workstation's wrappers join those spaces to
their sign (``tui.nobreak``), as they do the no-break spaces of an amount; no text changes.
"""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.text import Text
from textual.content import Content

from testbench.tui.nobreak import keep_no_break_spaces

LINE = "étape s-inv2 : fichier F000002.b2 créé pendant que le banc était fermé, laissé par l'étape « s-inv1 » : lu ici"


def _wrapped(text: str, width: int) -> list[list[str]]:
    keep_no_break_spaces()
    rich_lines = [line.plain for line in Text(text).wrap(Console(width=200), width)]
    content_lines = [line.plain for line in Content(text).wrap(width)]
    return [rich_lines, content_lines]


@pytest.mark.parametrize("width", range(14, 60))
def test_no_line_begins_with_a_french_sign_or_ends_with_an_opening_quote(width: int) -> None:
    for lines in _wrapped(LINE, width):
        for line in lines:
            assert not line.lstrip().startswith((":", ";", "!", "?", "»")), lines
            assert not line.rstrip().endswith("«"), lines
        # the text is wrapped, not cropped: every word is there
        assert " ".join(" ".join(lines).split()) == " ".join(LINE.split())


def test_the_sign_goes_down_with_its_word_at_the_edge() -> None:
    """The premise: at 12 columns « étape s-inv2 » fills the line, and the « : » would begin the next one."""
    for lines in _wrapped("étape s-inv2 : fichier", 12):
        assert lines[0].rstrip() == "étape", lines
        assert lines[1].rstrip() == "s-inv2 :", lines


def test_the_other_spaces_still_break() -> None:
    for lines in _wrapped("attendu 12 observé 13", 10):
        assert [line.rstrip() for line in lines] == ["attendu 12", "observé 13"], lines
