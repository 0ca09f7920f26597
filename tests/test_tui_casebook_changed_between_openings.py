"""A casebook file changed between two openings of the workstation: its cases follow the new version, as a save
seen while open does (``follow_selection``), and the opening says so — never every verdict silently reset."""

from __future__ import annotations

from pathlib import Path

from test_tui_reload import CASEBOOK, write_casebook

from testbench.casebook.problems import read_casebooks
from testbench.store.session import SessionStore
from testbench.tui.workstation import Workstation


def opened(path: Path, session: Path) -> tuple[Workstation, list[str]]:
    states = read_casebooks([path])
    ws = Workstation([s.casebook for s in states if s.casebook], session, states)
    return ws, ws.prepare()


def test_a_casebook_changed_since_the_last_opening_is_followed_and_said(tmp_path: Path) -> None:
    path = write_casebook(tmp_path)
    session = tmp_path / "s.tbsession"
    first, notes = opened(path, session)
    old_sha = first.casebooks[0].sha256
    first.close()
    assert not any("a changé" in note for note in notes)

    path.write_text(CASEBOOK.replace("Lecture de la CPS", "Lecture de la CPS (v2)"), encoding="utf-8")
    second, notes = opened(path, session)
    new_sha = second.casebooks[0].sha256
    assert new_sha != old_sha
    assert any(note.startswith("reload.xml a changé depuis le début de la session") for note in notes)
    with SessionStore.open(session) as store:  # the campaign is the new version's, as after a live reload
        assert store.selection() == [(new_sha, "RL-001"), (new_sha, "RL-002")]
    assert [e.key for e in second.entries if e.view is not None] == [(new_sha, "RL-001"), (new_sha, "RL-002")]
    second.close()

    third, notes = opened(path, session)  # unchanged since: nothing more to say
    assert not any("a changé" in note for note in notes)
    third.close()


def test_the_change_reads_in_english() -> None:
    from testbench.i18n import translator

    note = (
        "demo.xml a changé depuis le début de la session : ses cas suivent sa nouvelle version, sans verdict"
        " (ceux de l'ancienne version restent dans la session)"
    )
    english = translator("en")(note)
    assert english != note and "demo.xml" in english


def test_a_shard_session_keeps_its_slice_in_the_new_version(tmp_path: Path) -> None:
    from testbench.runner.shard import Shard

    path = write_casebook(tmp_path)
    session = tmp_path / "s.tbsession"
    first, _ = opened(path, session)
    first.set_shard(Shard(1, 2))
    with SessionStore.open(session) as store:
        slice_ids = [case_id for _, case_id in store.selection()]
    first.close()
    assert len(slice_ids) == 1

    path.write_text(CASEBOOK.replace("Lecture de la CPS", "Lecture de la CPS (v2)"), encoding="utf-8")
    second, _ = opened(path, session)
    with SessionStore.open(session) as store:  # the same slice, in the new version, not the whole casebook
        assert store.selection() == [(second.casebooks[0].sha256, slice_ids[0])]
    second.close()


def test_a_k_subset_session_keeps_its_cases_in_the_new_version(tmp_path: Path) -> None:
    """A session of some cases only (``run -k``) follows with those cases, as ``run --resume`` does: opening it
    after an edit put the whole file in it (audit s22-verify3) — one rule, ``runner.versions.takes_new_cases``."""
    path = write_casebook(tmp_path)
    session = tmp_path / "s.tbsession"
    first, _ = opened(path, session)
    old_sha = first.casebooks[0].sha256
    first.close()
    with SessionStore.open(session) as store:
        store.set_selection([(old_sha, "RL-001")])
    path.write_text(CASEBOOK.replace("Lecture de la CPS", "Lecture de la CPS (v2)"), encoding="utf-8")
    second, _ = opened(path, session)
    new_sha = second.casebooks[0].sha256
    second.close()
    with SessionStore.open(session) as store:
        assert store.selection() == [(new_sha, "RL-001")]
