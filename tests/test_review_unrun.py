"""A verdict is reviewed only once there is one (audit s17): a case never run, or whose latest attempt has no
verdict, cannot be accepted nor overridden — the override was counted as passed in the tree, the counts and the
report's « Verdict retenu après revue » while the coverage said « jamais exécuté ». One rule in the review core
(``store.annotations.add_annotation``), for ``testbench review`` and the workstation's review window alike; a
comment needs no verdict."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from test_tui_helpers import make_app
from textual.widgets import Input, Label, Select, Tree
from textual.widgets._select import SelectOverlay
from textual.widgets.select import InvalidSelectValueError

from testbench.casebook.loader import load_casebooks
from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import record_casebooks
from testbench.signing import init_key
from testbench.store.session import SessionStore
from testbench.tui.review import ReviewError, add_review
from testbench.tui.screens import ReviewScreen

NEVER_RUN = "le cas DEMO-FSE-001 n'a jamais été exécuté : rien à revoir"


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "signer.pem"
    init_key(path)
    return path


@pytest.fixture
def session(tmp_path: Path) -> Path:
    """The demo's cases recorded in a session, none run (the workstation records them when it opens)."""
    path = tmp_path / "exam.tbsession"
    with SessionStore.open(path) as store:
        record_casebooks(store, load_casebooks([CASEBOOKS_DIR / "demo.xml"]))
    return path


def annotations(session: Path) -> int:
    with SessionStore.open(session) as store:
        return store.conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0]


def review(session: Path, key: Path, *action: str, lang: str = "fr") -> list[str]:
    return ["review", str(session), "DEMO-FSE-001", *action, "--reason", "vu", "--key", str(key), "--lang", lang]


@pytest.mark.parametrize("action", [("--override", "réussi"), ("--accept",)])
def test_the_command_refuses_to_review_a_case_never_run(
    session: Path, key: Path, capsys: pytest.CaptureFixture[str], action: tuple[str, ...]
) -> None:
    assert main(review(session, key, *action)) == 3
    assert capsys.readouterr().err == f"testbench review : {NEVER_RUN}\n"
    assert main(review(session, key, *action, lang="en")) == 3
    assert capsys.readouterr().err == "testbench review: case DEMO-FSE-001 was never run: nothing to review\n"
    assert annotations(session) == 0
    assert main(review(session, key, "--comment")) == 0  # a comment needs no verdict
    assert annotations(session) == 1


def test_a_latest_attempt_without_a_verdict_has_nothing_to_review(
    session: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An attempt interrupted before its verdict (or still running elsewhere) records « none »."""
    with SessionStore.open(session) as store:
        sha = store.conn.execute("SELECT casebook_sha FROM cases WHERE case_id = 'DEMO-FSE-001'").fetchone()[0]
        store.start_attempt(store.begin_run(["run"], {}, {}), sha, "DEMO-FSE-001")
        store.close_dangling_attempts("tentative interrompue (processus arrêté avant le verdict)")
    assert main(review(session, key, "--override", "réussi", lang="en")) == 3
    said = "case DEMO-FSE-001 has no verdict: its latest attempt did not finish; nothing to review"
    assert capsys.readouterr().err == f"testbench review: {said}\n"
    assert annotations(session) == 0


def test_the_workstation_review_core_refuses_it(session: Path, key: Path) -> None:
    with SessionStore.open(session) as store:
        sha = store.conn.execute("SELECT casebook_sha FROM cases WHERE case_id = 'DEMO-FSE-001'").fetchone()[0]
    with pytest.raises(ReviewError, match=NEVER_RUN):
        add_review(
            session,
            casebook_sha=sha,
            case_id="DEMO-FSE-001",
            reviewer="Camille",
            action="override",
            original="none",
            reason="vu",
            verdict="pass",
            key_path=key,
        )
    assert annotations(session) == 0


def test_the_review_window_says_why_and_keeps_the_case_not_run(
    tmp_path: Path, key: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window offers the comment only (accept and override are not among its choices), says why at once,
    and the comment saved leaves the case not run."""
    monkeypatch.setenv("TESTBENCH_SIGNING_KEY", str(key))

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(130, 40)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("TC-OK-001").key)
            await pilot.pause()
            app.query_one("#tree", Tree).focus()
            await pilot.press("a")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            said = str(screen.query_one("#only-comment", Label).render())
            assert "le cas TC-OK-001 n'a jamais été exécuté : rien à revoir" in said, said
            decision = screen.query_one("#decision", Select)
            assert decision.value == "comment"
            for refused in ("pass", "accept"):  # not offered: the choice cannot even be made
                with pytest.raises(InvalidSelectValueError):
                    decision.value = refused
            decision.focus()
            await pilot.press("enter")  # the list opened: « Commentaire seulement » and nothing else
            await pilot.pause()
            offered = screen.query_one(SelectOverlay)
            assert [str(offered.get_option_at_index(n).prompt) for n in range(offered.option_count)] == [
                "Commentaire seulement"
            ]
            await pilot.press("escape")
            await pilot.pause()
            screen.query_one("#reason", Input).value = "vu à l'écran"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is not screen  # the comment is saved
            entry = app.ws.find("TC-OK-001")
            assert entry.verdict == "none" and [a.action for a in entry.annotations] == ["comment"]

    asyncio.run(scenario())
