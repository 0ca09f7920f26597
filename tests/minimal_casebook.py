"""The minimal casebook of tests/data/casebooks, edited and written beside placeholder card files: what the
casebook tests that change one value need (one helper, not a copy in each file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook.errors import CasebookError, Problem
from testbench.casebook.loader import load_casebook

DATA = Path(__file__).resolve().parent / "data" / "casebooks"
MINIMAL = (DATA / "minimal.xml").read_text(encoding="utf-8")


def write_casebook(tmp_path: Path, text: str, name: str = "casebook.xml") -> Path:
    """``text`` written as ``name`` in ``tmp_path``, with the card files it names."""
    (tmp_path / "cards").mkdir(exist_ok=True)
    for card in ("cps", "vitale"):
        (tmp_path / "cards" / f"{card}.xml").write_text("<placeholder/>\n", encoding="utf-8")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_after(tmp_path: Path, old: str, new: str) -> list[Problem]:
    """The problems of the minimal casebook with its one ``old`` replaced by ``new``."""
    assert MINIMAL.count(old) == 1, old
    with pytest.raises(CasebookError) as info:
        load_casebook(write_casebook(tmp_path, MINIMAL.replace(old, new)))
    return info.value.problems
