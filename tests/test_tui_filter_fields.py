"""The workstation's filter takes ``run -k``'s exact forms (``domain:``, ``mode:``, ``id:``; one grammar:
``casebook.selection``) and reads words accents aside; ``f`` reruns the shown cases that did not pass, as
``run --failed`` (the filter as its ``-k``)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_core import workstation
from test_tui_helpers import make_app, toasts, wait_run
from textual.widgets import Input, Tree

from testbench.casebook.selection import SelectionError
from testbench.tui.workstation import parse_filter

SIZE = (130, 40)


def test_exact_fields_and_accents_in_the_filter(tmp_path: Path) -> None:
    ws = workstation(tmp_path)

    def shown(text: str) -> set[str]:
        return {e.case.id for e in ws.filtered(parse_filter(text))}

    assert shown("domain:fse") == {"TC-OK-001", "TC-KO-002", "TC-MAN-003"}
    assert shown("mode:dégradé") == {"TC-OK-001", "TC-KO-002", "TC-LOT-004"}
    assert shown("mode:SECURISE domain:fse") == {"TC-MAN-003"}  # plain words: every one
    assert shown("domain:lot or mode:sécurisé") == {"TC-MAN-003", "TC-LOT-004"}
    assert shown("id:tc-ok-001") == {"TC-OK-001"}
    assert shown("tc-ok") == {"TC-OK-001"}
    assert shown("au-dela") == {"TC-LOT-004"}  # « au-delà » in the title, accents aside
    assert shown("tag:PLV domain:lot") == {"TC-LOT-004"}
    ws.close()


def test_an_unknown_domain_in_the_filter_is_said_in_the_filters_words() -> None:
    with pytest.raises(SelectionError) as info:
        parse_filter("domain:fsx")
    assert info.value.problem.said(in_filter=True).startswith("filtre invalide (colonne 1) : domaine inconnu « fsx »")


def test_f_reruns_the_shown_cases_that_did_not_pass(tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.query_one("#filter", Input).value = "id:tc-ok-001 or id:tc-ko-002"
            await pilot.pause()
            app.query_one("#tree", Tree).focus()
            await pilot.press("s")
            await wait_run(app, pilot)
            seen["first"] = {e.case.id: e.verdict for e in app.ws.entries if e.view and e.view.attempts}
            await pilot.press("f")  # only the failed one of the two shown
            await wait_run(app, pilot)
            seen["attempts"] = {e.case.id: len(e.view.attempts) for e in app.ws.entries if e.view}
            app.query_one("#filter", Input).value = "id:tc-ok-001"
            await pilot.pause()
            app.query_one("#tree", Tree).focus()
            await pilot.press("f")  # nothing shown to rerun: said
            await pilot.pause()
            seen["toasts"] = toasts(app)

    asyncio.run(scenario())
    assert seen["first"] == {"TC-OK-001": "pass", "TC-KO-002": "fail"}
    assert seen["attempts"] == {"TC-OK-001": 1, "TC-KO-002": 2, "TC-MAN-003": 0, "TC-LOT-004": 0}
    assert "Aucun cas affiché à relancer" in str(seen["toasts"])
