"""An empty or blank required text (a case's <title>) is one problem that says what to write, not two that quote the
schema's regular expression."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook.loader import check_casebook

MINIMAL = (Path(__file__).resolve().parent / "data" / "casebooks" / "minimal.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize("title", ["", "   "])
def test_an_empty_title_is_one_plain_problem(tmp_path: Path, title: str) -> None:
    (tmp_path / "cards").mkdir()
    for card in ("cps", "vitale"):
        (tmp_path / "cards" / f"{card}.xml").write_text("<placeholder/>\n", encoding="utf-8")
    path = tmp_path / "casebook.xml"
    path.write_text(MINIMAL.replace("<title>Lit médical</title>", f"<title>{title}</title>"), encoding="utf-8")
    _, problems = check_casebook(path)
    about_title = [p for p in problems if "<title>" in p.message]
    assert len(about_title) == 1, [p.message for p in problems]
    (problem,) = about_title
    assert "il faut un texte, pas seulement des espaces" in problem.message
    assert "motif" not in problem.message and "\\S" not in problem.message
    assert "text, not only spaces" in (problem.english or "")
