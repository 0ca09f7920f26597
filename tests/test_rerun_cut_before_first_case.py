"""A ``--rerun`` interrupted before its first case records its cases with its selection, so its JUnit says them
« non exécuté » and ``--resume`` reruns them; one cut before it recorded anything says the session is unchanged
rather than promising a resume. ``--failed`` with nothing to rerun still writes its JUnit and report (audit f21,
3 and 10)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_parallel_interrupt import attempts, many_cases

from testbench.cli.main import main
from testbench.runner import campaign


def junit_cases(path: Path) -> dict[str, str]:
    """case id -> « pass », or the tag of what the JUnit says instead (failure, error, skipped)."""
    cases = ET.parse(path).getroot().iter("testcase")
    return {c.get("name", ""): next((e.tag for e in c if e.tag != "system-out"), "pass") for c in cases}


def _interrupt(*_args: Any, **_kwargs: Any) -> Any:
    raise KeyboardInterrupt  # a SIGTERM (cli.main) or a ^C landing there


@pytest.fixture
def passed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[list[str], Path]:
    """A session whose three cases all passed, and the command line that ran it."""
    session = tmp_path / "s.tbsession"
    args = ["run", str(many_cases(tmp_path, 3)), "--session", str(session), "--cards", "inprocess"]
    assert main(args) == 0, capsys.readouterr().err
    capsys.readouterr()
    return args, session


def test_a_rerun_cut_as_its_bench_is_built_leaves_its_cases_to_resume(
    passed: tuple[list[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args, session = passed
    junit = tmp_path / "rerun.xml"
    building: Callable[..., Any] = lambda *_a, **_k: _interrupt  # noqa: E731 - the bench factory cut at once
    monkeypatch.setattr(campaign, "assembled_bench", building)
    assert main([*args, "--rerun", "--junit", str(junit)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].endswith("les autres y sont « non exécuté » ; --resume reprend"), err
    assert set(junit_cases(junit).values()) == {"skipped"}, junit.read_text(encoding="utf-8")
    monkeypatch.undo()
    assert main([*args, "--resume"]) == 0
    assert "cette exécution : aucun cas exécuté" not in capsys.readouterr().err
    runs = [case for case, verdict, _, done in attempts(session) if done and verdict == "pass"]
    assert len(runs) == 6 and len(set(runs)) == 3  # each case passed again, in the resume


def test_a_rerun_cut_before_it_began_does_not_promise_a_resume(
    passed: tuple[list[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args, _session = passed
    junit = tmp_path / "rerun.xml"
    monkeypatch.setattr(campaign, "load", _interrupt)
    assert main([*args, "--rerun", "--junit", str(junit)]) == 2
    err = capsys.readouterr().err
    assert "--resume reprend" not in err
    assert err.splitlines()[-1] == (
        f"{junit} : les verdicts de la session, inchangés (interrompu avant que la relance ne commence) ;"
        " relancez la même commande"
    ), err
    assert set(junit_cases(junit).values()) == {"pass"}


def test_failed_with_nothing_to_rerun_still_writes_its_junit_and_report(
    passed: tuple[list[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args, _session = passed
    junit, book = tmp_path / "failed.xml", tmp_path / "book"
    assert main([*args, "--failed", "--junit", str(junit), "--report", str(book)]) == 0
    assert "rien à relancer" in capsys.readouterr().err
    assert list(junit_cases(junit).values()) == ["pass"] * 3
    assert (book / "index.html").is_file()
