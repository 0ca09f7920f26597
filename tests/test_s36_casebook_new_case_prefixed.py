"""A casebook written with a namespace prefix (``<tb:cases>``, as some XML tools write it) validates, yet ``new case``
refused to add a case to it: the template's ``<case>`` landed in no namespace (« <case> n'est pas dans l'espace de
noms … »). The case inserted there declares the casebook's namespace itself."""

from __future__ import annotations

import re
from pathlib import Path

from testbench.casebook.loader import check_casebook
from testbench.runner.exits import EXIT_OK
from testbench.tools.new_case import new_case_tool


def _prefixed(path: Path) -> None:
    """The casebook at ``path`` rewritten with every element of the format prefixed ``tb:``."""
    text = path.read_text(encoding="utf-8").replace("xmlns=", "xmlns:tb=", 1)
    path.write_text(re.sub(r"<(/?)([a-z][\w-]*)(?=[\s>/])", r"<\1tb:\2", text), encoding="utf-8")


def test_a_case_is_added_to_a_prefixed_casebook(tmp_path: Path) -> None:
    path = tmp_path / "cahier.xml"
    assert new_case_tool("cards", "none", "C-1", output=path).code == EXIT_OK
    _prefixed(path)
    assert check_casebook(path)[1] == []  # valid as written
    result = new_case_tool("adri", None, "ADRI-2", casebook=path)
    assert result.code == EXIT_OK
    casebook, problems = check_casebook(path)
    assert problems == [] and casebook is not None
    assert [case.id for case in casebook.cases] == ["C-1", "ADRI-2"]


def test_an_unprefixed_casebook_gets_the_case_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "cahier.xml"
    assert new_case_tool("cards", "none", "C-1", output=path).code == EXIT_OK
    assert new_case_tool("adri", None, "ADRI-2", casebook=path).code == EXIT_OK
    assert '<case id="ADRI-2"' in path.read_text(encoding="utf-8")  # no namespace repeated on it
