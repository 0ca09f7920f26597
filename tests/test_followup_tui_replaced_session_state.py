"""Another session copied over the one the workstation has open: the workstation read its record again, but kept what
it knew of the replaced one — its id, under which the values typed in a manual step's window (drafts) are filed and
offered back, its CI shard, the casebook versions it recorded. A draft typed for the replaced session was then offered
to the new one (and filed under the wrong id), a run took the old shard's cases, a save recorded nothing in the new
session. All are read again from the file now there; the replaced session's draft is set aside, kept, and said."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_tui_helpers import fake_bench, run_log, toasts

from testbench.casebook.loader import load_casebooks
from testbench.casebook.problems import CasebookState
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.shard import Shard
from testbench.store.read import recorded_campaign, recorded_session_id
from testbench.tui import session_watch
from testbench.tui.config import Settings, UiState
from testbench.tui.workstation import DRAFTS_SET_ASIDE, Workstation, draft_path

SIZE = (130, 40)
TITLE = "FSE dégradée : AMI 1 + IFD sans carte Vitale, feuille de soins papier"
#: another process copies a file over the session in place (same file, new content), as ``cp`` does
COPY_OVER = "import shutil, sys; shutil.copyfile(sys.argv[1], sys.argv[2])"
REPLACED = "Fichier de session remplacé sur le disque (copié par-dessus ?) : {file}"


def _book(tmp: Path, version: int) -> Path:
    """The demo casebook at one path in two versions (one case's title differs): two SHA-256 of one file."""
    book = tmp / "book.xml"
    if not (tmp / "cards").exists():  # the card profiles it names, beside it
        shutil.copytree(CASEBOOKS_DIR / "cards", tmp / "cards")
    text = (CASEBOOKS_DIR / "demo.xml").read_text(encoding="utf-8")
    book.write_text(text if version == 1 else text.replace(TITLE, TITLE + " (v2)"), encoding="utf-8")
    return book


def _other_session(tmp: Path) -> Path:
    """A session of the casebook's first version, made shard 2/3 as the workstation makes it (the real store)."""
    other = tmp / "autre.tbsession"
    ws = Workstation(load_casebooks([_book(tmp, 1)]), other)
    try:
        ws.prepare()
        ws.set_shard(Shard(2, 3))
    finally:
        ws.close()
    return other


def _app(tmp: Path, session: Path, lang: str):
    from testbench.tui.app import WorkstationApp

    app = WorkstationApp(
        Workstation(load_casebooks([_book(tmp, 2)]), session),
        bench_factory=fake_bench,
        settings=Settings(lang=lang, operator="Opératrice Test"),
        state=UiState(tmp / "config"),
    )
    app.animation_level = "none"
    return app


async def _polled(pilot, until, seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.1)):
        if until():
            return
        await pilot.pause(0.1)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_session_copied_over_is_known_again_and_a_draft_never_goes_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setattr(session_watch, "SESSION_POLL_S", 0.3)
    other = _other_session(tmp_path)
    other_id = recorded_session_id(other)
    session = tmp_path / "s.tbsession"
    from testbench.i18n import translator

    set_aside = translator(lang)(DRAFTS_SET_ASIDE).format(file=draft_path(session), steps="DEMO-FSE-030 · m-paper")

    async def scenario() -> None:
        app = _app(tmp_path, session, lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            ws = app.ws
            own_id = recorded_session_id(session)
            entry = ws.find("DEMO-FSE-030")
            step = entry.case.steps[-1]
            assert ws.shard is None and own_id != other_id
            # typed in the step's window of the session open now, not confirmed (what the window keeps as typed)
            ws.save_draft(entry.key, step, {"manual.paper_total": "12,50"}, "feuille remise au patient")
            assert ws.draft(entry.key, step.id) is not None
            await asyncio.to_thread(
                subprocess.run, [sys.executable, "-c", COPY_OVER, str(other), str(session)], check=True
            )
            await _polled(pilot, lambda: set_aside in toasts(app))
            assert set_aside in toasts(app) and set_aside in run_log(app), toasts(app)
            if lang == "fr":
                assert REPLACED.format(file=session) in toasts(app)
            # the session now there, as its file says it: its shard and the cases it deals
            assert ws.shard == Shard(2, 3)
            assert ws.shard_keys == set(recorded_campaign(session)[0]) and ws.shard_keys
            # the replaced session's draft is never offered to this one, and never filed under its id
            assert ws.draft(entry.key, step.id) is None
            ws.save_draft(entry.key, step, {"manual.paper_total": "7,00"}, "")
            kept = json.loads(draft_path(session).read_text(encoding="utf-8"))
            mine = {name: e for name, e in kept.items() if name.startswith(f"{own_id}/")}
            theirs = {name: e for name, e in kept.items() if name.startswith(f"{other_id}/")}
            assert [e["values"] for e in mine.values()] == [{"manual.paper_total": "12,50"}]  # nothing lost
            assert [e["values"] for e in theirs.values()] == [{"manual.paper_total": "7,00"}]
            # a save records the file's version in the session now there (it records the first), its cases followed
            app.ws.reload_casebooks([CasebookState(cb.path, cb) for cb in app.ws.casebooks])
            selection, casebooks = recorded_campaign(session)
            assert entry.casebook.sha256 in casebooks
            assert {sha for sha, _ in selection} == {entry.casebook.sha256}
            await pilot.pause(0.7)
            assert toasts(app).count(set_aside) == 1  # said once

    asyncio.run(scenario())


def test_the_replaced_session_put_back_is_offered_its_draft_again(tmp_path: Path) -> None:
    """The draft set aside is kept by every later write, and offered again once its session is back in its place."""
    session, saved = tmp_path / "s.tbsession", tmp_path / "saved.tbsession"
    other = _other_session(tmp_path)
    ws = Workstation(load_casebooks([_book(tmp_path, 2)]), session)
    ws.prepare()
    entry = ws.find("DEMO-FSE-030")
    step = entry.case.steps[-1]
    try:
        ws.session.close()  # the whole session in its file, to copy it as a person would
        ws.session = None
        shutil.copyfile(session, saved)
        ws.reload()
        ws.save_draft(entry.key, step, {"manual.paper_total": "12,50"}, "")
        shutil.copyfile(other, session)
        ws.reload()
        assert ws.take_set_aside() == ["DEMO-FSE-030 · m-paper"] and ws.take_set_aside() == []
        assert ws.draft(entry.key, step.id) is None
        ws.drop_draft(entry.key, step.id)  # a write of this session's drafts: the one set aside stays
        shutil.copyfile(saved, session)
        ws.reload()
        draft = ws.draft(entry.key, step.id)
        assert draft is not None and draft.values == {"manual.paper_total": "12,50"}
        assert ws.take_set_aside() == []  # the session put back had nothing typed for it
        ws.drop_draft(entry.key, step.id)  # its step answered: gone for good
        assert not draft_path(session).exists()
    finally:
        ws.close()
