"""Bad casebook input found by fuzzing: paths the OS refuses, and many errors located in linear work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from minimal_casebook import MINIMAL, write_casebook

from testbench.casebook import source as source_module
from testbench.casebook import xsd
from testbench.casebook.errors import CasebookError
from testbench.casebook.loader import LoadLimits, check_casebook, load_casebook

LONG_NAME = "a" * 300 + ".xml"  # over NAME_MAX (255) on every common file system


def _write(tmp_path: Path, text: str, name: str = "casebook.xml") -> Path:
    return write_casebook(tmp_path, text, name)


def _where(path: Path, needle: str, nth: int = 0) -> tuple[int, int]:
    """line:col (characters) of the nth occurrence of needle in the file."""
    text = path.read_text(encoding="utf-8")
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# -- paths the OS refuses ------------------------------------------------------------------------


def test_a_profile_name_too_long_for_the_os_is_a_located_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.replace('profile="cards/cps.xml"', f'profile="cards/{LONG_NAME}"'))
    casebook, problems = check_casebook(path)  # raised OSError (ENAMETOOLONG) from is_file() before
    assert casebook is None
    (problem,) = problems
    line, col = _where(path, f'profile="cards/{LONG_NAME}"')
    assert (problem.source.line, problem.source.col) == (line, col)
    assert (
        problem.message
        == f"profil de carte « cards/{LONG_NAME} » illisible : nom trop long pour le système de fichiers"
    )
    assert problem.text("en").endswith(
        f'card profile “cards/{LONG_NAME}” cannot be read: name too long for the file system'
    )


def test_a_casebook_name_too_long_for_the_os_is_worded_not_the_os_text(tmp_path: Path) -> None:
    path = tmp_path / LONG_NAME
    (problem,) = check_casebook(path)[1]
    assert str(problem) == f"{path}:1:1: lecture impossible : nom trop long pour le système de fichiers"
    assert problem.text("en") == f"{path}:1:1: cannot be read: name too long for the file system"


# -- locating many errors --------------------------------------------------------------------------


def test_thousands_of_attribute_errors_on_one_tag_are_each_at_their_attribute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """40 000 attributes on one tag took 50 s: each column counted the line from its start again."""
    count = 10_000
    extra = "".join(f' a{i}="é"' for i in range(count))  # accents: columns count characters
    path = _write(tmp_path, MINIMAL.replace('<read-cps id="s-cps"/>', f'<read-cps id="s-cps"{extra}/>'))
    counted: list[int] = []
    real_chars = source_module._chars
    monkeypatch.setattr(source_module, "_chars", lambda data: counted.append(len(data)) or real_chars(data))
    casebook, problems = check_casebook(path)
    assert casebook is None and len(problems) == count
    line = _where(path, " a0=")[0]
    text = path.read_text(encoding="utf-8").splitlines()[line - 1]
    at = 0
    for i, problem in enumerate(problems):
        at = text.index(f" a{i}=", at)
        assert (problem.source.line, problem.source.col) == (line, at + 2), problem
        assert f"« a{i} »" in problem.message and "attribut non autorisé" in problem.message
    # Linear: the bytes counted for columns stay within the file plus one block per problem (a
    # recount of the line per problem would be count × line length, ~ 1000 times more).
    assert sum(counted) <= path.stat().st_size + count * source_module._BLOCK


def test_errors_on_thousands_of_siblings_are_each_at_their_tag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each path resolved from the sibling found before it, not counted from the first child again."""
    count = 3000
    path = _write(tmp_path, MINIMAL.replace('<read-cps id="s-cps"/>', "<read-cps/>" * count))
    steps: list[int] = []
    real_xpath = etree.XPath

    def counting_xpath(query: str, **kwargs: object) -> etree.XPath:
        steps.append(int(re.findall(r"\[(\d+)\]$", query)[0]))
        return real_xpath(query, **kwargs)

    monkeypatch.setattr(xsd.etree, "XPath", counting_xpath)
    casebook, problems = check_casebook(path)
    assert casebook is None
    missing = [p for p in problems if "attribut obligatoire « id » manquant" in p.message]
    assert len(missing) == count
    line = _where(path, "<read-cps/>")[0]
    cols = [_where(path, "<read-cps/>")[1] + i * len("<read-cps/>") for i in range(count)]
    assert [(p.source.line, p.source.col) for p in missing] == [(line, col) for col in cols]
    # Each distinct query is compiled once: the positions asked for stay linear (1, 1, 1…),
    # where evaluating every path alone would ask for positions 1 + 2 + … + 3000.
    assert steps and sum(steps) <= 4 * count


def test_a_single_error_after_many_siblings_is_located(tmp_path: Path) -> None:
    count = 200_000
    path = _write(tmp_path, MINIMAL.replace("</cases>", "<x/>" * count + "<case/></cases>"))
    with pytest.raises(CasebookError) as info:
        load_casebook(path)
    # libxml2 stops at the first <x>; the loader sets it aside and validates again a few times (xsd.ROUNDS)
    problem, *more = [p for p in info.value.problems if "<x>" in p.message]
    assert len(more) <= xsd.ROUNDS
    assert (problem.source.line, problem.source.col) == _where(path, "<x/>")
    assert "élément inattendu ici ; attendu : <case>" in problem.message


def test_too_deep_after_many_siblings_is_at_the_deep_element(tmp_path: Path) -> None:
    deep = "<d>" * 6 + "</d>" * 6
    path = _write(tmp_path, MINIMAL.replace("<cases>", "<cases>" + "<x/>" * 50_000 + deep))
    (problem,) = check_casebook(path, LoadLimits(max_depth=6))[1]
    assert "imbrication trop profonde" in problem.message
    line, col = _where(path, "<d>", nth=4)  # casebook/cases/d/d/d/d/d: the 7th level
    assert (problem.source.line, problem.source.col) == (line, col)


def test_a_file_full_of_unknown_elements_stops_the_rules_but_errors_stay_placed(tmp_path: Path) -> None:
    """Past 1000 unknown elements the expat pass only notes where tags are (3 million took seconds)."""
    noise = '<!-- a > b <line quantity="1"/> --><?note a > <x/> ?>'  # the byte scan finds no tag in them
    text = MINIMAL.replace("</fixtures>", "<x/>" * 1500 + noise + "</fixtures>")
    text = text.replace("<title>Lit médical</title>", "<title><![CDATA[Lit > <médical>]]></title>")
    text = text.replace('quantity="4"', 'quantity="abc"')
    path = _write(tmp_path, text)
    casebook, problems = check_casebook(path)
    assert casebook is None
    gave_up = [p for p in problems if "plus de 1000 éléments inconnus du format" in p.message]
    assert [(p.source.line, p.source.col) for p in gave_up] == [_where(path, "<x/>", nth=1000)]
    assert (
        gave_up[0]
        .text("en")
        .endswith("more than 1000 elements unknown to the format: the rules are not checked beyond")
    )
    (bad,) = [p for p in problems if "quantity" in p.message]  # after the 1000th: still at its attribute
    assert (bad.source.line, bad.source.col) == _where(path, 'quantity="abc"')
