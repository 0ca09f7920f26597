"""The case tree's filter says what it takes, whole, at 80×24 in French and in English (Pilot, headless).

At 80 columns the tree is 24 columns wide: « Filtrer : mots, tag:xxx, verdict:échec » was cut after « Filtrer :
mots, » (the whole grammar only in F1). There the field shows the short form, « mots tag: verdict:… »; where the
whole form fits (160 columns), the whole one, and « Filtrer : mots tag: verdict:… » between (100 columns); F2 gives
the other language's form for the same width.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from rich.cells import cell_len
from test_tui_helpers import make_app
from textual.widgets import Input

SHORT = {"fr": "mots tag: verdict:…", "en": "words tag: verdict:…"}
MIDDLE = {"fr": "Filtrer : mots tag: verdict:…", "en": "Filter: words tag: verdict:…"}
WHOLE = {"fr": "Filtrer : mots, tag:xxx, verdict:échec", "en": "Filter: words, tag:xxx, verdict:fail"}


def drawn(field: Input) -> str:
    """The field's one row as drawn (Textual wraps a placeholder too long for it: only its first line shows)."""
    return field.render_line(0).text.split("\n")[0].strip()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_filter_placeholder_is_whole_at_80_columns(tmp_path: Path, lang: str) -> None:
    seen: dict[str, tuple[str, str, int]] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            field = app.query_one("#filter", Input)
            seen["narrow"] = (field.placeholder, drawn(field), field.content_size.width)
            await pilot.press("f2")  # the other language, the same width
            await pilot.pause()
            seen["other"] = (field.placeholder, drawn(field), field.content_size.width)
            await pilot.resize_terminal(160, 48)
            await pilot.pause()
            seen["wide"] = (field.placeholder, drawn(field), field.content_size.width)
            await pilot.resize_terminal(100, 30)
            await pilot.pause()
            seen["middle"] = (field.placeholder, drawn(field), field.content_size.width)

    asyncio.run(scenario())
    other = "en" if lang == "fr" else "fr"
    expected_forms = {"narrow": SHORT[lang], "other": SHORT[other], "wide": WHOLE[other], "middle": MIDDLE[other]}
    for when, expected in expected_forms.items():
        placeholder, row, width = seen[when]
        assert placeholder == expected, when
        assert row == expected, (when, row)  # drawn whole, not cut
        assert cell_len(expected) <= width, when
