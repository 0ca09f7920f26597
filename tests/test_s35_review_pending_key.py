"""The review refusal of a pending case names the way to finish it where the person is (audit s35, F6).

The workstation's review window (``a``) said « terminez-la (run --resume) »: a command with no one at the keyboard,
which performs only the steps a prepared attestations file answers. In the workstation the case goes on with its
run key (``r``, as the key registry and the person's keymap name it); ``testbench review`` keeps the command.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_helpers import make_app, sample_casebook
from textual.widgets import Label, Tree

from testbench.cli.main import main
from testbench.runner.campaign import record_casebooks
from testbench.signing import init_key
from testbench.store.session import SessionStore

CASE = "TC-OK-001"
PENDING_FR = (
    f"le cas {CASE} est en attente : une étape manuelle de sa dernière tentative n'a pas été faite ; rien à revoir :"
    " terminez-la ({way}) ou relancez le cas, puis revoyez son verdict"
)
PENDING_EN = (
    f"case {CASE} is pending: a manual step of its latest attempt was not done; nothing to review: finish it"
    " ({way}) or run the case again, then review its verdict"
)


def _pending_session(tmp_path: Path) -> Path:
    """The workstation's session, its case's one attempt left pending at a manual step."""
    path = tmp_path / "exam.tbsession"
    with SessionStore.open(path) as store:
        record_casebooks(store, [sample_casebook(tmp_path)])
        (sha,) = store.conn.execute("SELECT casebook_sha FROM cases WHERE case_id = ?", (CASE,)).fetchone()
        run_id = store.begin_run(["ui"], {}, {})
        store.finish_attempt(store.start_attempt(run_id, sha, CASE), "pending", "étape manuelle m-screen en attente")
        store.end_run(run_id)
    return path


def _review_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, keymap: dict[str, str]) -> str:
    from testbench.tui.screens import ReviewScreen

    key = tmp_path / "keys" / "signer.pem"
    init_key(key)
    monkeypatch.setenv("TESTBENCH_SIGNING_KEY", str(key))
    _pending_session(tmp_path)
    said: list[str] = []

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang, keymap=keymap)
        async with app.run_test(size=(130, 40)) as pilot:
            await pilot.pause()
            entry = app.ws.find(CASE)
            assert entry is not None and entry.verdict == "pending"
            app.goto_case(entry.key)
            app.query_one("#tree", Tree).focus()
            await pilot.pause()
            await pilot.press("a")
            for _ in range(200):
                if isinstance(app.screen, ReviewScreen):
                    break
                await pilot.pause(0.05)
            assert isinstance(app.screen, ReviewScreen), "the review window"
            said.append(str(app.screen.query_one("#only-comment", Label).render()))

    asyncio.run(scenario())
    return said[0]


def test_the_review_window_names_the_run_key_not_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    said = _review_says(tmp_path, monkeypatch, "fr", {})
    assert said == PENDING_FR.format(way="r") + " — seul un commentaire peut être enregistré.", said


def test_the_review_window_names_the_key_the_keymap_gives_in_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = _review_says(tmp_path, monkeypatch, "en", {"run-case": "f5"})
    assert said == PENDING_EN.format(way="F5") + " — only a comment can be saved.", said


def test_the_command_keeps_naming_run_resume(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = _pending_session(tmp_path)
    key = tmp_path / "k.pem"
    init_key(key)
    review = ["review", str(session), CASE, "--accept", "--reason", "vu", "--key", str(key)]
    assert main(review) == 3
    assert capsys.readouterr().err.strip() == "testbench review : " + PENDING_FR.format(way="run --resume")
    assert main([*review, "--lang", "en"]) == 3
    assert capsys.readouterr().err.strip() == "testbench review: " + PENDING_EN.format(way="run --resume")


def test_the_review_window_names_a_modified_key_in_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key's modifier in the window's language: « Maj+F5 » was shown in English (the default translator)."""
    said = _review_says(tmp_path, monkeypatch, "en", {"run-case": "shift+f5"})
    assert said == PENDING_EN.format(way="Shift+F5") + " — only a comment can be saved.", said
