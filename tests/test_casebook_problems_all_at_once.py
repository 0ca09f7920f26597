"""Every problem at once (audit s21): each problem of a card profile in ``validate`` (its second typo was only seen
once the first was fixed), and in the workstation the case ids of an invalid file against the other files'."""

from __future__ import annotations

from pathlib import Path

from testbench.cards.profile_check import card_profile_problems
from testbench.casebook.model import CardFixture

PROFILE = Path(__file__).resolve().parent.parent / "casebooks" / "cards" / "cps3-psad-lpp.xml"


def test_each_problem_of_a_profile_is_one_problem(tmp_path: Path) -> None:
    text = PROFILE.read_text(encoding="utf-8")
    broken = tmp_path / "cps.xml"
    text = text.replace("<nature>T</nature>", "<natur>T</natur>").replace("profession-code=", "profesion-code=")
    broken.write_text(text)
    problems = card_profile_problems([CardFixture("cps", broken)])
    said = [p.message for p in problems]
    assert len(problems) >= 2, said
    assert any("natur" in m for m in said) and any("profesion-code" in m for m in said), said


def test_the_workstation_loader_sees_the_duplicate_of_an_invalid_file(tmp_path: Path) -> None:
    """The workstation reads casebooks through ``read_casebooks``: an invalid file's ids count there too."""
    from testbench.casebook.problems import read_casebooks

    minimal = (Path(__file__).resolve().parent / "data" / "casebooks" / "minimal.xml").read_text(encoding="utf-8")
    (tmp_path / "cards").mkdir()
    for card in ("cps", "vitale"):
        (tmp_path / "cards" / f"{card}.xml").write_text("<placeholder/>\n", encoding="utf-8")
    first, second = tmp_path / "base.xml", tmp_path / "later.xml"
    first.write_text(minimal, encoding="utf-8")
    second.write_text(minimal.replace('<read-cps id="s-cps"/>', '<red-cps id="s-cps"/>'), encoding="utf-8")
    later = read_casebooks([first, second])[1]
    said = [p.text("fr") for problems in later.problems.values() for p in problems]
    assert any("« T-001 » déjà utilisé" in line for line in said), said
