"""A case id used in an earlier file is reported even when the later file has other problems (audit s21, 1).

The id check across files used to see only the files that loaded: a duplicate hid behind any other problem
of its file, and surfaced only once that one was fixed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook.loader import CasebookError, load_casebooks
from testbench.casebook.source import LoadLimits
from testbench.cli.casebook_cmd import _check

MINIMAL = (Path(__file__).resolve().parent / "data" / "casebooks" / "minimal.xml").read_text(encoding="utf-8")


def _files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "cards").mkdir()
    for card in ("cps", "vitale"):
        (tmp_path / "cards" / f"{card}.xml").write_text("<placeholder/>\n", encoding="utf-8")
    first, second = tmp_path / "base.xml", tmp_path / "later.xml"
    first.write_text(MINIMAL, encoding="utf-8")
    second.write_text(MINIMAL.replace('<read-cps id="s-cps"/>', '<red-cps id="s-cps"/>'), encoding="utf-8")
    return first, second


def test_load_casebooks_reports_the_duplicate_of_an_invalid_file(tmp_path: Path) -> None:
    first, second = _files(tmp_path)
    with pytest.raises(CasebookError) as raised:
        load_casebooks([first, second])
    said = [p.text("fr") for p in raised.value.problems]
    assert f"{second}:21:5: identifiant de cas « T-001 » déjà utilisé en {first}:21:5" in said
    assert any("<red-cps>" in line for line in said)


def test_validate_reports_it_in_line_order(tmp_path: Path) -> None:
    first, second = _files(tmp_path)
    results = dict(_check([first, second], LoadLimits()))
    problems = [p for p in results[second][1] if p.source.file == str(second)]
    assert [p.source.line for p in problems] == [21, 29]
    assert "déjà utilisé" in problems[0].message
