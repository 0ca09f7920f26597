"""The workstation follows its casebook file (pilot tests on a real file in a real folder, watched).

Saving the file with a mistake reloads it: the case keeps being shown, read-only, with its problem beside
it, and cannot run; saving it corrected reloads it valid. Opening an invalid casebook shows the cases that
could be read, the problems outside any case in the overview.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import shutil
from pathlib import Path

from test_tui_app import leaves, select, text_of
from test_tui_helpers import fake_bench, run_log
from textual.widgets import Tree

from testbench.casebook.problems import problems_by_case, read_casebooks
from testbench.paths import CASEBOOKS_DIR
from testbench.store.read import read_session
from testbench.store.session import SessionStore
from testbench.tui.config import Settings, UiState
from testbench.tui.workstation import Workstation

SIZE = (130, 40)

CASEBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<casebook xmlns="urn:testbench:casebook:1" format-version="1">
  <identity>
    <plan-id>PDT-RELOAD-001</plan-id>
    <evolution>EV000</evolution>
    <document-version>01.00</document-version>
    <effective-date>2026-01-01</effective-date>
    <cdc-version>1.40</cdc-version>
    <addendum>8</addendum>
    <ps-category>fournisseur-lpp</ps-category>
    <title>Rechargement (pas un document CNDA)</title>
  </identity>
  <fixtures>
    <card id="cps-psad" profile="cards/cps3-psad-lpp.xml"/>
    <card id="vitale-std" profile="cards/vitale2-adult-standard.xml"/>
    <patient id="p-std" card="vitale-std" rank="1"/>
  </fixtures>
  <cases>
    <case id="RL-001" domain="cards" mode="none">
      <title>Lecture de la CPS</title>
      <objective>Lire la CPS.</objective>
      <cards>
        <card slot="cps" ref="cps-psad"/>
      </cards>
      <steps>
        <read-cps id="s-cps"/>
      </steps>
      <expectations>
        <trace id="t-cps" step="s-cps" channel="apdu" pattern="."/>
      </expectations>
    </case>
    <case id="RL-002" domain="fse" mode="securise">
      <title>Facture LPP en tiers payant AMO</title>
      <objective>Part AMO d'une location LPP.</objective>
      <cards>
        <card slot="cps" ref="cps-psad"/>
        <card slot="vitale" ref="vitale-std"/>
      </cards>
      <steps>
        <read-cps id="s-cps"/>
        <verify-pin id="s-pin"/>
        <read-vitale id="s-vitale" beneficiary="1"/>
        <invoice id="s-invoice" patient="p-std" care-date="2026-01-12" tiers-payant="amo">
          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>
        </invoice>
      </steps>
      <expectations>
        <value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="33.60"/>
      </expectations>
    </case>
  </cases>
</casebook>
"""
BROKEN_STEP = 'step="s-invoice" path="invoice.totals.amo"'


def write_casebook(folder: Path, text: str = CASEBOOK) -> Path:
    (folder / "cards").mkdir(exist_ok=True)
    for name in ("cps3-psad-lpp.xml", "vitale2-adult-standard.xml"):
        shutil.copy(CASEBOOKS_DIR / "cards" / name, folder / "cards" / name)
    path = folder / "reload.xml"
    path.write_text(text, encoding="utf-8")
    return path


def app_on(path: Path, tmp: Path):
    from testbench.tui.app import WorkstationApp

    states = read_casebooks([path])
    ws = Workstation([s.casebook for s in states if s.casebook], tmp / "reload.tbsession", states)
    app = WorkstationApp(
        ws, bench_factory=fake_bench, settings=Settings(operator="Opératrice Test"), state=UiState(tmp / "cfg")
    )
    app.animation_level = "none"
    return app


async def save_and_wait(app, path: Path, text: str) -> None:
    """Save the file as an editor does and wait until the workstation shows the reload."""
    app.casebooks_reloaded.clear()
    path.write_text(text, encoding="utf-8")
    await asyncio.wait_for(app.casebooks_reloaded.wait(), timeout=15)


def test_problems_by_case_places_each_problem_in_its_case(tmp_path: Path) -> None:
    path = write_casebook(tmp_path, CASEBOOK.replace(BROKEN_STEP, 'step="s-nowhere" path="invoice.totals.amo"'))
    path.write_text(path.read_text().replace('profile="cards/vitale2-adult-standard.xml"', 'profile="cards/x.xml"'))
    grouped = problems_by_case(path)
    assert set(grouped) == {None, "RL-002"}
    assert "s-nowhere" in grouped["RL-002"][0].message and grouped["RL-002"][0].source.line == 48
    assert "x.xml" in grouped[None][0].text("fr")


def test_a_save_reloads_the_casebook_and_its_problems_show_beside_the_case(tmp_path: Path) -> None:
    path = write_casebook(tmp_path)

    async def scenario() -> None:
        app = app_on(path, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert await asyncio.to_thread(app.watch_ready.wait, 10)
            assert leaves(app) == ["RL-001", "RL-002"] and app.ws.case_problems == {}
            await select(app, pilot, "RL-002")
            assert "Cahier de tests invalide" not in text_of(app, "#case-detail")

            # a mistake saved: reloaded, the case still shown, its problem beside it, marked in the tree
            await save_and_wait(app, path, CASEBOOK.replace(BROKEN_STEP, 'step="s-nowhere" path="invoice.totals.amo"'))
            await pilot.pause()
            assert leaves(app) == ["RL-001", "RL-002"]
            detail = text_of(app, "#case-detail")
            assert "RL-002" in detail and "Cahier de tests invalide : lecture seule" in detail
            assert "48:" in detail and "s-nowhere" in detail
            node = next(n for k, n in app.nodes.items() if k[1] == "RL-002")
            assert str(node.label).startswith("⚠")
            assert "Cahier rechargé : reload.xml — 1 problème, lecture seule" in run_log(app)
            # read-only: the case does not run
            app.query_one("#tree", Tree).focus()
            await pilot.press("r")
            await pilot.pause()
            assert not app.running
            session = read_session(app.ws.session_path)
            assert all(not c.attempts for c in session.cases)
            session.close()

            # corrected (and retitled): valid again, the problem list is empty, the case can run, and the
            # session's selection follows the cases into the new version
            await save_and_wait(app, path, CASEBOOK.replace("Lecture de la CPS", "Lecture de la CPS (v2)"))
            await pilot.pause()
            assert app.ws.case_problems == {} and app.ws.invalid == set()
            assert "Cahier de tests invalide" not in text_of(app, "#case-detail")
            assert "Cahier rechargé : reload.xml — valide" in run_log(app)
            assert app.current is not None and app.current[1] == "RL-002"  # the same case, in the new version
            new_sha = app.ws.casebooks[0].sha256
            with SessionStore.open(app.ws.session_path) as store:
                assert store.selection() == [(new_sha, "RL-001"), (new_sha, "RL-002")]

    asyncio.run(scenario())


def test_an_invalid_casebook_opens_with_its_readable_cases_and_the_problems_outside_them(tmp_path: Path) -> None:
    broken = CASEBOOK.replace('profile="cards/vitale2-adult-standard.xml"', 'profile="cards/absent.xml"')
    path = write_casebook(tmp_path, broken)

    async def scenario() -> None:
        app = app_on(path, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert leaves(app) == ["RL-001", "RL-002"]
            await select(app, pilot, "RL-001")
            detail = text_of(app, "#case-detail")
            assert "Cahier de tests invalide : lecture seule" in detail
            assert "1 problème hors des cas : voir la synthèse" in detail
            await pilot.press("5")
            await pilot.pause()
            overview = text_of(app, "#overview-detail")
            assert "Problèmes hors des cas — reload.xml" in overview and "absent.xml" in overview
            # English, completely
            await pilot.press("f2")
            await pilot.press("1")
            await pilot.pause()
            detail = text_of(app, "#case-detail")
            assert "Invalid casebook: read-only" in detail
            assert "1 problem outside the cases: see the overview" in detail

    asyncio.run(scenario())


def test_testbench_ui_opens_an_invalid_casebook_read_only(tmp_path: Path, monkeypatch, capsys) -> None:
    """Before, ``testbench ui`` refused a casebook with one problem (exit 3); now it opens its cases."""
    from testbench.cli.main import main
    from testbench.tui.app import WorkstationApp

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    opened: list = []
    monkeypatch.setattr(WorkstationApp, "run", lambda app, *a, **k: opened.append(app.ws) or 0)
    path = write_casebook(tmp_path, CASEBOOK.replace(BROKEN_STEP, 'step="s-nowhere" path="invoice.totals.amo"'))
    session = tmp_path / "ui.tbsession"
    assert main(["ui", str(path), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]) == 0
    ws = opened[-1]
    assert [c.id for cb in ws.casebooks for c in cb.cases] == ["RL-001", "RL-002"]
    assert [key[1] for key in ws.case_problems] == ["RL-002"] and ws.runnable_casebooks == []
    # a file with no case that can be read is still refused, every problem said
    (tmp_path / "empty.xml").write_text("<casebook/>", encoding="utf-8")
    assert main(["ui", str(tmp_path / "empty.xml"), "--session", str(session)]) == 3
    assert "empty.xml:1:" in capsys.readouterr().err


def test_a_file_that_is_not_well_formed_keeps_the_cases_before_the_error(tmp_path: Path) -> None:
    """The unclosed <read-cps> of RL-002: its error is RL-002's, RL-001 (read before it) stays browsable."""
    text = CASEBOOK.replace('<read-cps id="s-cps"/>\n        <verify-pin', '<read-cps id="s-cps">\n        <verify-pin')
    path = write_casebook(tmp_path, text)
    grouped = problems_by_case(path)
    assert "RL-002" in grouped and "XML mal formé" in grouped["RL-002"][0].message
    (state,) = read_casebooks([path])
    assert not state.valid and [c.id for c in state.casebook.cases] == ["RL-001"]
    ws = Workstation([], tmp_path / "s.tbsession", [state])  # the states given name the casebooks
    assert ws.case_problems == {} and len(ws.file_problems[path]) == len(state.all_problems())
