"""A list written with commas gets one problem that says so (audit s21, 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook.loader import check_casebook

MINIMAL = (Path(__file__).resolve().parent / "data" / "casebooks" / "minimal.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("written", "french", "english"),
    [
        ('tags="lpp, e1"', "virgule : séparez les étiquettes par des espaces", "comma: separate the tags with spaces"),
        (
            'tags="lpp" requirements="RG_VF644, RG_VF669"',
            "virgule : séparez les identifiants d'exigence par des espaces",
            "comma: separate the requirement identifiers with spaces",
        ),
    ],
)
def test_one_problem(tmp_path: Path, written: str, french: str, english: str) -> None:
    (tmp_path / "cards").mkdir(exist_ok=True)
    for card in ("cps", "vitale"):
        (tmp_path / "cards" / f"{card}.xml").write_text("<placeholder/>\n", encoding="utf-8")
    path = tmp_path / "c.xml"
    path.write_text(MINIMAL.replace('tags="lpp e1"', written, 1), encoding="utf-8")
    (problem,) = check_casebook(path)[1]
    assert problem.text("fr").endswith(" : " + french)
    assert problem.text("en").endswith(": " + english)
