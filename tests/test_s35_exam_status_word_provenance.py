"""Exam day: the sentence saying where a securing's status was read names it in words, as the value column beside
it does (« observé sécurisée — demo-erp.log, ligne capturée à … »), never the engine's word ``secured`` in a French
line: the window of the values read, the exam view and the exam book all quote it through ``origin.quoted``.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_helpers import make_app
from test_tui_window_values import SIZE
from textual.widgets import Input

from testbench.engines.operator.origin import origin_text, quoted
from testbench.extract.model import Extracted, Provenance
from testbench.i18n import translator
from testbench.tui.operator_prompt import ReviewRequest
from testbench.tui.screens import ExtractedScreen

LOG_LINE = {
    "source": "/app/logs/demo-erp.log",
    "kind": "log",
    "columns": [75, 81],
    "excerpt": "07/12/2026 21:03:58,544 [INFO ] SECU Facture F000000001 sécurisée (statut secured)",
    "locator": "07/12/2026 21:03:58,544",
    "wall": 1796677438.593,
}


@pytest.mark.parametrize(("lang", "word"), [("fr", "sécurisée"), ("en", "secured")])
def test_a_known_status_word_is_quoted_in_words(lang: str, word: str) -> None:
    assert quoted("secure.status", "secured", lang) == word
    assert quoted("pin.status", "verified", lang) == {"fr": "vérifié", "en": "verified"}[lang]


def test_the_provenance_sentence_says_the_status_in_french() -> None:
    t = translator("fr")
    said = origin_text(quoted("secure.status", "secured", "fr"), LOG_LINE, t)
    assert said.startswith("observé sécurisée — "), said
    assert "observé secured" not in said


def test_a_word_the_engine_does_not_list_stays_as_recorded() -> None:
    assert quoted("secure.status", "annulée", "fr") == "annulée"
    assert quoted("invoice.number", "secured", "fr") == "secured"  # not a status path: as recorded


def _values_read(tmp_path: Path, lang: str, *keys: str) -> dict[str, object]:
    """The window of the values read for a securing's status read as ``secured`` in the application's log."""
    seen: dict[str, object] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            case = app.ws.find("TC-OK-001").case
            read = Extracted("secure.status", "secured", Provenance.from_dict(LOG_LINE))
            request = ReviewRequest(case=case, step=case.steps[0], extracted=[read])
            screen = ExtractedScreen(request, app.t)
            app.push_screen(screen, lambda answer: seen.setdefault("answer", answer))
            await pilot.pause()
            seen["field"] = screen.query_one("#value-0", Input).value
            seen["where"] = " ".join(str(w.render()) for w in screen.query(".where"))
            await pilot.press(*keys)
            await pilot.pause()

    asyncio.run(scenario())
    return seen


@pytest.mark.parametrize(("lang", "word"), [("fr", "sécurisée"), ("en", "secured")])
def test_the_values_read_window_says_the_status_in_words_and_takes_it_as_read(
    tmp_path: Path, lang: str, word: str
) -> None:
    seen = _values_read(tmp_path, lang, "enter")
    assert seen["field"] == word, seen
    assert str(seen["where"]).startswith({"fr": "observé sécurisée — ", "en": "observed secured — "}[lang]), seen
    assert seen["answer"] == {}, seen  # the word read, confirmed: no correction, no reason asked
