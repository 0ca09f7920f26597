"""The run log (view 2) at 80×24 keeps a verdict's count with its word (Pilot, headless).

The log wraps its own rows (``run_log.wrap_line``) at any ordinary space: at 80 columns the end of a run read
« … ✔ réussi 123  ! erreur » then « 123  ✘ échec 1 » — a count alone at a row's start, its verdict on the row above
(« run finished: 3 cases … ! error » then « 1 » in English). A verdict (its mark, its words, its count), a word and
its count, a count and its word (« 247 cas ») are kept on one row; no text changes, only where a row ends.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_tui_helpers import make_app
from test_tui_run_log_wrap import shown_rows
from textual.widgets import Log

from testbench.i18n import tn
from testbench.tui.run_log import wrap_line

#: verdict counts whose summary the log parted at 80 columns (one of each language), and a few more
OUTCOMES = [
    {"pass": 123, "error": 123, "fail": 1},
    {"pass": 1, "fail": 1, "error": 1},
    {"pending": 12, "pass": 12, "fail": 2},
    {"pass": 12, "fail": 3, "inconclusive": 1},
    {"fail": 1, "pass": 12, "inconclusive": 123, "pending": 4},
]


def outcome(counts: dict[str, int]) -> SimpleNamespace:
    """What the run's end hands the summary: each case's verdict, how many ran, whether it was stopped."""
    verdicts = [verdict for verdict, n in counts.items() for _ in range(n)]
    return SimpleNamespace(verdicts={f"C-{i}": v for i, v in enumerate(verdicts)}, ran=len(verdicts), stopped=False)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_verdict_count_stays_on_its_verdict_row_at_80_columns(tmp_path: Path, lang: str) -> None:
    seen: list[tuple[str, list[str], list[str]]] = []

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("2")
            await pilot.pause()
            log = app.query_one("#run-log", Log)
            width = log.scrollable_content_region.width
            for counts in OUTCOMES:
                log.clear()
                summary = app._run_summary(outcome(counts)).plain.rstrip()
                app.log_line(summary)  # as the run's end writes it
                await pilot.pause()
                rows = [row for row in shown_rows(log) if row]
                assert len(wrap_line(summary, width)) > 1  # it does wrap at this width
                said = [f"{app.verdict_label(v)} {n}" for v, n in counts.items()]
                said.append(tn("{count} cas", "{count} cas", sum(counts.values()), lang))  # « 247 cas »
                seen.append((summary, rows, said))

    asyncio.run(scenario())
    for summary, rows, said in seen:
        assert " ".join(" ".join(rows).split()) == " ".join(summary.split())  # the whole summary, every word
        for words in said:
            assert any(words in row for row in rows), (words, rows)  # « réussi 123 », « 247 cas » on one row
        for row in rows[1:]:
            assert not row.split()[0].isdigit(), rows  # no count alone at a row's start


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_run_header_keeps_a_verdict_with_its_count_at_80_columns(tmp_path: Path, lang: str) -> None:
    """The header above the log (« #run-status », wrapped by Textual): each verdict's words and count on one row."""
    from test_tui_audit import region_text
    from textual.widgets import Static


    seen: list[tuple[list[str], list[str]]] = []

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("2")
            await pilot.pause()
            status = app.query_one("#run-status", Static)
            for counts in OUTCOMES:
                app.show_status(lambda counts=counts: app._run_summary(outcome(counts), unbroken=True))
                await pilot.pause()
                rows = [row.strip() for row in region_text(app, status).splitlines() if row.strip()]
                seen.append((rows, [f"{app.verdict_label(v)} {n}" for v, n in counts.items()]))

    asyncio.run(scenario())
    assert any(len(rows) > 1 for rows, _ in seen)  # the header does wrap at this width
    for rows, said in seen:
        for words in said:
            assert any(words in " ".join(row.split()) for row in rows), (words, rows)
        for row in rows[1:]:
            assert not row.split()[0].isdigit(), rows
