"""An invisible character in a quoted value is named and placed (audit s24 F5): « AMI​ » ne respecte pas… read as
a contradiction when a zero-width space followed AMI."""

from __future__ import annotations

from pathlib import Path

from minimal_casebook import problems_after

from testbench.casebook.errors import Problem, naming_invisible
from testbench.casebook.model import SourceRef


def _problems(tmp_path: Path, old: str, new: str) -> list[Problem]:
    return problems_after(tmp_path, old, new)


def test_zero_width_space_is_named(tmp_path: Path) -> None:
    problems = _problems(tmp_path, 'patient="p-std"', 'patient="p-std\u200b"')
    fr, en = problems[0].text("fr"), problems[0].text("en")
    assert "caractère invisible après « p-std » : espace sans chasse (U+200B)" in fr, fr
    assert 'invisible character after “p-std”: zero-width space (U+200B)' in en, en


def test_no_break_space_in_an_id_is_named(tmp_path: Path) -> None:
    problems = _problems(tmp_path, '<case id="T-001"', '<case id="T-001\u00a0"')
    assert any("espace insécable (U+00A0)" in p.text("fr") for p in problems), [str(p) for p in problems]
    assert any("no-break space (U+00A0)" in p.text("en") for p in problems)


def test_at_the_start_of_a_value() -> None:
    problem = naming_invisible(Problem(SourceRef("c.xml", 3, 5), "patient « \u2060p » absent des fixtures"))
    assert problem.message.endswith(
        "caractère invisible en début de valeur : gluon de mots (U+2060), à retirer ou remplacer"
    )
    assert problem.english is not None and "at the start of the value: word joiner (U+2060)" in problem.english


def test_a_message_without_one_is_kept() -> None:
    problem = Problem(SourceRef("c.xml", 3, 5), "patient « p » absent des fixtures")
    assert naming_invisible(problem) is problem
