"""The casebook attribute ``requirements`` on <case>: loaded in order, checked by the schema."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from testbench.casebook.errors import CasebookError
from testbench.casebook.loader import load_casebook

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "data" / "casebooks" / "minimal.xml"


def _with_requirements(tmp_path: Path, value: str) -> Path:
    (tmp_path / "cards").mkdir()
    for card in ("cps", "vitale"):
        (tmp_path / "cards" / f"{card}.xml").write_text("<placeholder/>\n", encoding="utf-8")
    text = MINIMAL.read_text(encoding="utf-8")
    head, sep, tail = text.partition("<case ")
    assert sep, "minimal.xml has a <case>"
    path = tmp_path / "minimal.xml"
    path.write_text(f'{head}<case requirements="{value}" {tail}', encoding="utf-8")
    return path


def test_requirements_are_loaded_in_order_without_repeats(tmp_path: Path) -> None:
    casebook = load_casebook(_with_requirements(tmp_path, "RG_VF644 ADD8-APCV-01 sv:2.4/r1 RG_VF644"))
    case = casebook.cases[0]
    assert case.requirements == ("RG_VF644", "ADD8-APCV-01", "sv:2.4/r1")
    assert [c.requirements for c in casebook.cases[1:]] == [() for _ in casebook.cases[1:]]
    assert pickle.loads(pickle.dumps(case)).requirements == case.requirements


def test_a_malformed_requirement_is_a_placed_problem(tmp_path: Path) -> None:
    path = _with_requirements(tmp_path, "RG_VF644 -bad")
    with pytest.raises(CasebookError) as info:
        load_casebook(path)
    text = "\n".join(str(p) for p in info.value.problems)
    assert "requirements" in text
    assert f"{path.name}:" in text
