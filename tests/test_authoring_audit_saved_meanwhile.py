"""``new case --casebook`` reads the casebook, checks it with the new case (a while, on a big one), then renames the
result over it: an editor's save in between was replaced, and lost. The casebook is now replaced only if it still
holds the bytes the case was added to; else the save is kept and the command says to run it again."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from testbench.cards.profile_check import card_profile_problems
from testbench.casebook import scaffold
from testbench.casebook.errors import Problem
from testbench.casebook.model import CardFixture
from testbench.cli.main import main

SAVED = "<!-- enregistré par l'éditeur -->\n"


@pytest.fixture
def casebook(tmp_path: Path) -> Path:
    assert main(["new", "case", "--domain", "cards", "--id", "C-1", "-o", str(tmp_path / "cahier.xml")]) == 0
    return tmp_path / "cahier.xml"


def with_case(casebook: Path, case_id: str) -> tuple[bytes, str]:
    read = casebook.read_bytes()
    template = scaffold.find_template("cards", "none")
    values = {"cps": "cps-psad", "date": "2026-01-12"}
    return read, scaffold.insert_case(read.decode("utf-8"), scaffold.render(template, case_id, values))


def test_a_save_during_the_check_is_kept_and_nothing_written(casebook: Path) -> None:
    read, text = with_case(casebook, "C-2")

    def editor_saves_during_the_check(cards: Iterable[CardFixture]) -> list[Problem]:
        casebook.write_text(read.decode("utf-8") + SAVED, encoding="utf-8")  # the editor's save, on disk
        return card_profile_problems(cards)

    with pytest.raises(scaffold.ScaffoldError) as refused:
        scaffold.write_checked(casebook, text, editor_saves_during_the_check, read)
    assert casebook.read_text(encoding="utf-8") == read.decode("utf-8") + SAVED  # the save is there, whole
    assert refused.value.text("fr") == (
        f"{casebook} a changé pendant l'ajout du cas (enregistré entre-temps ?) ; rien n'a été écrit : relancez"
    )
    assert refused.value.text("en") == (
        f"{casebook} changed while the case was being added (saved meanwhile?); nothing was written: "
        "try again"
    )
    assert sorted(p.name for p in casebook.parent.iterdir()) == ["cahier.xml", "cards"]  # no temporary left


def test_an_unchanged_casebook_receives_the_case(casebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    read, text = with_case(casebook, "C-2")
    assert scaffold.write_checked(casebook, text, card_profile_problems, read) == []
    assert casebook.read_text(encoding="utf-8") == text
    assert main(["new", "case", "--domain", "cards", "--id", "C-3", "--casebook", str(casebook)]) == 0
    assert 'id="C-3"' in casebook.read_text(encoding="utf-8")


def test_the_command_keeps_a_save_made_during_its_check(
    casebook: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through ``testbench new case``: the editor's save lands while the card profiles are read (the real check
    runs, the save is a real write of the file)."""
    from testbench.cards import profile_check

    before = casebook.read_text(encoding="utf-8")

    def editor_saves_during_the_check(cards: Iterable[CardFixture]) -> list[Problem]:
        casebook.write_text(before + SAVED, encoding="utf-8")
        return card_profile_problems(cards)

    monkeypatch.setattr(profile_check, "card_profile_problems", editor_saves_during_the_check)
    assert main(["new", "case", "--domain", "cards", "--id", "C-2", "--casebook", str(casebook)]) == 3
    assert casebook.read_text(encoding="utf-8") == before + SAVED
    err = capsys.readouterr().err
    assert "a changé pendant l'ajout du cas (enregistré entre-temps ?) ; rien n'a été écrit : relancez" in err
    assert "Traceback" not in err
