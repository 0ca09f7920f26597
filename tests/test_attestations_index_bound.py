"""An attested value's name with an index no list reaches (« invoice.lines[99999999999999999999].base ») is refused
where the attestations file is read, at its line and column — it crashed the run « erreur interne » (an index
too large for a list), and a large one that fits made a list of that many empty slots; and an observation tree
never pads a list that far, whoever gives it the path."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.domain.observe import MAX_INDEX, canonical, lookup, unflatten
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.manual import AttestationsError, ScriptedOperator

HUGE = "99999999999999999999"


def _file(tmp_path: Path, name: str) -> Path:
    file = tmp_path / "att.json"
    file.write_text(f'{{"A/s": {{"confirmed": true, "values": {{"{name}": "1"}}}}}}', encoding="utf-8")
    return file


@pytest.mark.parametrize("index", [HUGE, "1000", "1" * 5000], ids=["huge", "1000", "5000-digits"])
def test_an_index_past_the_largest_is_refused_at_its_place(tmp_path: Path, index: str) -> None:
    name = f"invoice.lines[{index}].base"
    file = _file(tmp_path, name)
    with pytest.raises(AttestationsError) as caught:
        ScriptedOperator(file)
    refused = caught.value
    assert (refused.line, refused.col) == (1, file.read_text().index(f'"{name}"') + 1)  # at the value's name
    assert refused.reason == f"« A/s » : indice trop grand dans « {name} » (de 0 à 999)"


@pytest.mark.parametrize("index", ["0", "999", "0007"])
def test_an_index_up_to_the_largest_is_kept(tmp_path: Path, index: str) -> None:
    name = f"invoice.lines[{index}].base"
    assert ScriptedOperator(_file(tmp_path, name))._answers["A/s"].values == {name: "1"}


def test_a_run_refuses_it_before_anything_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = _file(tmp_path, f"invoice.lines[{HUGE}].base")
    session = tmp_path / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess"]
    assert main([*argv, "--engine", "inprocess", "-k", "DEMO-FSE-030", "--attestations", str(file)]) == 3
    err = capsys.readouterr().err
    assert f"{file}:1:40: attestations illisibles (« A/s » : indice trop grand" in err and "interne" not in err
    assert not session.exists()


@pytest.mark.parametrize("index", [HUGE, "5000000"])
def test_a_tree_keeps_a_path_too_far_whole_rather_than_pad_a_list(index: str) -> None:
    path = f"invoice.lines[{index}].base"
    tree = unflatten({path: "1", "invoice.totals.amo": "2"})
    assert tree["invoice"]["lines"] == [] and tree[path] == "1" and lookup(tree, "invoice.totals.amo") == "2"
    with pytest.raises(KeyError):
        lookup(tree, path)  # « valeur absente », not a crash


def test_a_long_list_rebuilt_keeps_every_item() -> None:
    long = {"returns": {"details": [{"code": str(i)} for i in range(MAX_INDEX + 500)]}, "manual.total": "1"}
    tree = canonical(long)
    assert len(tree["returns"]["details"]) == MAX_INDEX + 500 and tree["manual"] == {"total": "1"}


def test_an_index_of_thousands_of_digits_is_no_crash() -> None:
    path = f"invoice.lines[{'1' * 5000}].base"
    assert unflatten({path: "1"})[path] == "1"
    with pytest.raises(KeyError):
        lookup({"invoice": {"lines": [{"base": "1"}]}}, path)
    assert lookup({"invoice": {"lines": [{"base": "1"}]}}, "invoice.lines[0000000000000000000000].base") == "1"
