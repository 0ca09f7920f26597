"""Which trace lines are alerts (traces.severity.is_alert), and the trace panes show them in red.

The levels are the parsers' (CRITICAL, ALERT, EMERG, PANIC and syslog 0–2 all become FATAL), the status
words the card layer's table (cards.sw): before, the panes knew ERROR and CRITICAL only, and six status words.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from array import array

import pytest
from rich.style import Style
from textual.app import App, ComposeResult

from testbench.cards.sw import sw_meaning
from testbench.store.traceindex import Row
from testbench.traces.parsers import PRESETS, StreamParser
from testbench.traces.severity import card_alert, is_alert
from testbench.tui.traceview import STYLE_ALERT, TraceView


def apdu(sw: int, response: str = "") -> str:
    """An APDU line as runner.tracing.format_apdu writes it."""
    return f"A>> 00 A4 04 00 07  A<< {response}{sw:04X} {sw_meaning(sw)}  (0.12 ms) [vitale@Lecteur 0]"


@pytest.mark.parametrize("level", ["FATAL", "CRITICAL", "CRIT", "ALERT", "EMERG", "PANIC", "ERROR", "ERR", "SEVERE"])
def test_an_error_or_fatal_level_under_any_of_its_names_is_an_alert(level: str) -> None:
    assert is_alert("app", "la facture n'a pas été transmise", level)


@pytest.mark.parametrize("level", [None, "", "INFO", "WARN", "DEBUG", "NOTICE"])
def test_other_levels_are_not(level: str | None) -> None:
    assert not is_alert("app", "facture transmise", level)


def test_the_level_the_parsers_give_a_syslog_line_of_severity_0_to_3_is_an_alert() -> None:
    parser = StreamParser(PRESETS["syslog5424"])
    for severity, alert in ((0, True), (2, True), (3, True), (4, False), (6, False)):
        line = f"<{8 + severity}>1 2024-05-01T09:10:11Z poste app 12 - - message"
        level = parser.parse(line).level
        assert is_alert("app", "message", level) is alert, (severity, level)


@pytest.mark.parametrize("sw", [0x6982, 0x6984, 0x6700, 0x6E00, 0x9840, 0x63C2, 0x6A82, 0x6985, 0x6983, 0x6F00])
def test_a_refusal_or_a_fault_of_the_card_is_an_alert(sw: int) -> None:
    assert card_alert(sw)
    assert is_alert("apdu", apdu(sw))
    assert is_alert("apdu", apdu(sw, "6F 0F "))  # after the response's bytes


@pytest.mark.parametrize("sw", [0x9000, 0x6110, 0x6282, 0x6C10])
def test_success_warnings_and_a_wrong_le_are_not(sw: int) -> None:
    assert not card_alert(sw)
    assert not is_alert("apdu", apdu(sw, "90 00 6A 82 "))  # response bytes are not the status word


def test_status_words_in_other_lines_count_when_they_read_as_status_words() -> None:
    assert is_alert("engine", "lecture de la carte : SW 6982")
    assert is_alert("engine", "sw=9840")
    assert is_alert("app", "select AID -> 6A82")
    assert not is_alert("engine", "montant 6700 centimes, année 2024")  # bare digits: an amount, a year
    assert not is_alert("app", "CAFE BEEF")  # hex the card table does not know
    assert is_alert("bench", "carte refusée par le contrôle")
    assert is_alert("app", "Erreur de connexion")


class _Index:
    """A TraceIndex stand-in: one channel's rows."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.mono = array("q", range(len(rows)))
        self.complete = True
        self.width = max(len(r.text) for r in rows)

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, i: int) -> Row:
        return self.rows[i]


def test_the_trace_panes_show_a_fatal_line_and_a_6982_response_in_red() -> None:
    rows = [
        Row("connexion perdue", "s1", "FATAL", 0.0),
        Row("facture envoyée", "s1", "INFO", 0.0),
        Row(apdu(0x6982), "s1", None, 0.0),
    ]
    seen: dict[int, Style] = {}

    class Panes(App[None]):
        def compose(self) -> ComposeResult:
            yield TraceView("app", id="app-view")
            yield TraceView("apdu", id="apdu-view")

    async def scenario() -> None:
        app = Panes()
        async with app.run_test(size=(160, 20)) as pilot:
            await pilot.pause()
            views = {view.channel: view for view in app.query(TraceView)}
            views["app"].set_index(_Index(rows[:2]))  # type: ignore[arg-type]
            views["apdu"].set_index(_Index(rows[2:]))  # type: ignore[arg-type]
            for n, (channel, i) in enumerate((("app", 0), ("app", 1), ("apdu", 0))):
                strip = views[channel]._render_row(i, 0, Style())
                seen[n] = list(strip)[-1].style  # the line's text, after its step (and clock)

    asyncio.run(scenario())
    red = STYLE_ALERT.color
    assert seen[0].color == red and seen[0].bold  # FATAL: never red before
    assert seen[1].color != red
    assert seen[2].color == red  # 6982: missed before
