"""The traces view's « fichiers lus » pane: the files the application wrote that the bench read for the attempt.

A real assisted campaign (a stand-in application writes a real FSE, a real lot and a real log line; the real
capture, extractors and session store) is opened in the workstation: the pane lists each file with its step, its
size, when it was read (between the operator's « done » and the step's end, as the session records them) and the
values read in it, a correction said as one; Tab reaches it at 80×24 and at 120×40, in French and in English; its
cursor moves the other panes to the moment, as theirs do; the search and the filter find its lines.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_assisted_engine import CASE, CASEBOOK, PROFILE, REPO, TIMEOUT, StandInApplication
from test_tui_helpers import traces_indexed
from textual.widgets import Input

from testbench.casebook.loader import load_casebook
from testbench.report.labels import clock_text
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store.read import read_session
from testbench.tui.output_files import read_outputs
from testbench.tui.traceview import FILES, FilesView


@pytest.fixture(scope="module")
def assisted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(casebook, session) of a campaign in assisted mode: T-OK as read, T-FIX's AMO corrected by the operator."""
    tmp = tmp_path_factory.mktemp("files")
    app = tmp / "app"
    for folder in ("logs", "out/fse", "out/lots"):
        (app / folder).mkdir(parents=True)
    (app / "logs" / "app.log").write_text("", encoding="cp1252")
    (app / "sut.toml").write_text(PROFILE, encoding="utf-8")
    (tmp / "cards").mkdir()
    shutil.copy(REPO / "casebooks" / "cards" / "cps3-psad-lpp.xml", tmp / "cards")
    book = tmp / "assisted.xml"
    book.write_text(CASEBOOK.format(cases="".join(CASE.format(id=i) for i in ("T-OK", "T-FIX"))), encoding="utf-8")
    casebook = load_casebook(book)
    session = tmp / "s.tbsession"
    options = CampaignOptions(
        BenchOptions(cards="inprocess", engine="operator", engine_timeout=TIMEOUT, sut_profile=app / "sut.toml")
    )
    Campaign([casebook], session, options, operator=StandInApplication(app)).run_selection(
        [(casebook, case) for case in casebook.cases]
    )
    return book, session


def workstation(book: Path, session: Path, tmp: Path, lang: str):
    from testbench.tui.app import WorkstationApp
    from testbench.tui.config import Settings, UiState
    from testbench.tui.workstation import Workstation

    ws = Workstation([load_casebook(book)], session)
    return WorkstationApp(ws, settings=Settings(lang=lang, operator="Camille"), state=UiState(tmp / "cfg"))


def lines(view: FilesView) -> list[str]:
    return [view.index.row(i).text for i in range(len(view))] if view.index is not None else []


def test_the_files_read_are_listed_with_their_step_size_moment_and_values(assisted: tuple[Path, Path]) -> None:
    _book, session = assisted
    with read_session(session) as view:
        case = next(c for c in view.cases if c.case_id == "T-OK")
        attempt = case.latest.id
        files = read_outputs(view, attempt)
        events = view.events(attempt)
    assert [(f.name, f.step_id) for f in files] == [("T-OK.xml", "s-invoice"), ("T-OK.b2", "s-lot")]
    out = session.parent / "app" / "out"
    written = [out / folder / f.name for folder, f in zip(("fse", "lots"), files, strict=True)]
    assert [f.size for f in files] == [len(path.read_bytes()) for path in written]
    # read after the operator said the step done, by the step's end: the two moments the session records
    said = next(e["wall"] for e in events if e["step_id"] == "s-invoice" and e["kind"] == "manual-attested")
    ended = next(e for e in events if e["step_id"] == "s-invoice" and e["kind"] == "step-end")
    assert (files[0].after, files[0].by, files[0].mono_ns) == (said, ended["wall"], ended["mono_ns"])
    paths = {v.path: v.value for v in files[0].values}
    assert paths["invoice.totals.amo"] == "33.60" and "invoice.totals.patient" not in paths  # the log's, not the FSE's
    assert not any(".files" in path for path in paths)  # the file list itself is no value read
    assert [v.path for v in files[1].values] == ["lot.number", "lot.invoice_count", "lot.totals.amo"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ("fichiers lus", "86 octets — 6 valeurs lues", "lu entre", "invoice.totals.amo = 33,60\u00a0€")),
        ("en", ("files read", "86 bytes — 6 values read", "read between", "invoice.totals.amo = €33.60")),
    ],
)
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_pane_is_reached_by_tab_and_says_the_files_in_the_language_shown(
    assisted: tuple[Path, Path], tmp_path: Path, lang: str, words: tuple[str, ...], size: tuple[int, int]
) -> None:
    book, session = assisted
    title, counted, when, amount = words
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = workstation(book, session, tmp_path, lang)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-OK").key)
            await pilot.pause()
            await pilot.press("4")
            panes = await traces_indexed(app, pilot)
            files = panes.files_view()
            reached = []
            for _ in range(10):
                await pilot.press("tab")
                await pilot.pause()
                reached.append(getattr(app.focused, "channel", None))
                if app.focused is files:
                    break
            seen["reached"] = reached
            seen["title"], seen["subtitle"] = files.border_title, files.border_subtitle
            seen["lines"] = lines(files)
            seen["shown"] = files.display and app.screen.region.contains_region(files.region)
            seen["drawn"] = "".join(segment.text for segment in files.render_line(0))

    asyncio.run(scenario())
    assert seen["reached"][-1] == FILES, seen["reached"]
    assert seen["shown"]
    assert seen["title"] == title and seen["subtitle"] in ("2 fichiers", "2 files")
    first = seen["lines"][0]
    assert first.startswith("T-OK.xml — ") and counted in first, seen["lines"]
    assert seen["lines"][1].strip().startswith(when), seen["lines"]
    assert any(line.strip().startswith(amount) for line in seen["lines"]), seen["lines"]
    assert "T-OK.xml" in seen["drawn"]  # drawn in the pane, after its step


def test_a_correction_is_said_with_the_value_read(assisted: tuple[Path, Path], tmp_path: Path) -> None:
    book, session = assisted

    async def scenario() -> list[str]:
        app = workstation(book, session, tmp_path, "fr")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-FIX").key)
            await pilot.pause()
            await pilot.press("4")
            return lines((await traces_indexed(app, pilot)).files_view())

    shown = asyncio.run(scenario())
    amo = next(line for line in shown if "invoice.totals.amo" in line)
    # the value the file holds, then the operator's (before where it was read: in sight at 80 columns)
    assert amo.strip().startswith("invoice.totals.amo = 33,00\u00a0€ — corrigé par l'opérateur : 33,60\u00a0€ — "), amo


def test_its_cursor_moves_the_other_panes_and_the_search_and_filter_find_its_lines(
    assisted: tuple[Path, Path], tmp_path: Path
) -> None:
    book, session = assisted
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = workstation(book, session, tmp_path, "fr")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-OK").key)
            await pilot.pause()
            await pilot.press("4")
            panes = await traces_indexed(app, pilot)
            files, bench = panes.files_view(), panes.view("bench")
            files.focus()
            await pilot.pause()
            lot = next(i for i in range(len(files)) if files.index.row(i).text.startswith("T-OK.b2"))
            files.go(lot)
            await pilot.pause()
            seen["bench"] = (bench.marker, bench.index.index_at_time(files.index.mono[lot]))
            seen["info"] = str(panes.query_one("#trace-info").render())
            seen["moment"] = clock_text(files.index.row(lot).wall)
            query = app.query_one("#trace-query", Input)
            query.focus()
            query.value = "lot.totals"
            await pilot.press("enter")
            await pilot.pause()
            seen["hits"] = [files.index.row(i).text for i in files.hits]
            seen["went"] = app.focused is files and files.cursor == files.hits[0]  # Enter went to the hit
            await pilot.press("ctrl+f", "ctrl+f")  # back to the box, then the filter: only the lines holding the words
            await traces_indexed(app, pilot)
            seen["filtered"] = lines(files)

    asyncio.run(scenario())
    marker, expected = seen["bench"]
    assert marker == expected and marker is not None, seen["bench"]
    assert seen["moment"] in seen["info"], seen["info"]  # the moment of the line, on the bench's clock
    assert [hit.strip() for hit in seen["hits"]] == ["lot.totals.amo = 33,60\u00a0€ — enregistrement 1, colonnes 14–24"]
    assert seen["went"], seen
    assert [line.strip() for line in seen["filtered"]] == [hit.strip() for hit in seen["hits"]]


def test_a_live_run_reads_the_values_again_only_when_the_attempt_has_new_files_or_moments(
    assisted: tuple[Path, Path], tmp_path: Path
) -> None:
    """The traces are shown again at each batch of lines a run captures: an attempt's observations (a lot's hundreds
    of thousands of values) are read again only once the session holds another file or another event for it."""
    from testbench.store.session import SessionStore
    from testbench.tui.output_files import OutputReader

    copy = tmp_path / "copy.tbsession"
    shutil.copy(assisted[1], copy)
    reader = OutputReader()
    reads: list[int] = []

    class Counted:
        """The session as the workstation reads it, counting the reads of an attempt's observations."""

        def __init__(self, view: Any) -> None:
            self.artifacts, self.events, self._view = view.artifacts, view.events, view

        def observations(self, attempt_id: int) -> list[dict[str, Any]]:
            reads.append(attempt_id)
            return self._view.observations(attempt_id)

    with read_session(copy) as opened:
        attempt = next(c for c in opened.cases if c.case_id == "T-OK").latest.id
        view: Any = Counted(opened)
        first = reader.read(view, attempt)
        assert reader.read(view, attempt) is first and reads == [attempt]
        with SessionStore.open(copy, create=False) as store:  # the run keeps a late file at the lot's step
            store.add_artifact(b"999\n", "text/plain", "late.b2", attempt_id=attempt, step_id="s-lot")
            store.commit()
        again = reader.read(view, attempt)
        assert reads == [attempt, attempt] and [f.name for f in again] == ["T-OK.xml", "T-OK.b2", "late.b2"]
        assert again[-1].values == () and again[-1].by == first[-1].by
