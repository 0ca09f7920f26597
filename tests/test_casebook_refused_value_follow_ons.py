"""A value the schema refuses that the case's rules read stops them, as an unknown element does (audit s24 F8):
slot="CPS" brought « la carte est une carte CPS : elle ne va pas dans le lecteur « CPS » » and three
« exige une carte dans le lecteur « cps » »."""

from __future__ import annotations

from pathlib import Path

import pytest
from minimal_casebook import problems_after


def _problems(tmp_path: Path, old: str, new: str) -> list[str]:
    return [str(p) for p in problems_after(tmp_path, old, new)]


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ('<card slot="cps" ref="cps-psad"/>', '<card slot="CPS" ref="cps-psad"/>', "« CPS » n'est pas permise"),
        ('<verify-pin id="s-pin"/>', '<verify-pin id="s-pin" slot="CPS"/>', "« CPS » n'est pas permise"),
        ('path="manual.total" label', 'path="total" label', "commençant par « manual. »"),
    ],
)
def test_only_the_schema_speaks(tmp_path: Path, old: str, new: str, said: str) -> None:
    problems = _problems(tmp_path, old, new)
    assert len(problems) == 1, problems
    assert said in problems[0]
