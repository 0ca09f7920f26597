"""``testbench diff`` when B lacks cases of A: a warning line by default, exit 1 with ``--fail-on-absent``.

A runs three téléservice cases, B one of them (a scope dropped): no case regresses, so the default exit
stays 0 (a CI gate that wants the whole scope opts in).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

TELESERVICES = CASEBOOKS_DIR / "psad-teleservices.xml"


def run(session: Path, pick: str) -> Path:
    argv = ["run", str(TELESERVICES), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]
    assert main([*argv, "-k", pick]) == 0
    return session


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("diff-absent")
    a = run(work / "a.tbsession", "TLS-ADRI-001 or TLS-ADRI-002 or TLS-ADRI-003")
    b = run(work / "b.tbsession", "TLS-ADRI-001")
    return a, b


def test_absent_cases_are_said_under_the_summary_and_exit_stays_0(
    sessions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = sessions
    assert main(["diff", str(a), str(b)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2] == "bilan : cas absent 2, identique 1"
    assert out[3] == "attention : 2 cas de A absents de B (TLS-ADRI-002, TLS-ADRI-003)"
    assert out[-1] == "aucune régression"


def test_fail_on_absent_exits_1_and_says_why(sessions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    a, b = sessions
    assert main(["diff", str(a), str(b), "--fail-on-absent"]) == 1
    said = capsys.readouterr()
    assert f"testbench diff : 2 cas de {a} absents de {b} (--fail-on-absent)" in said.err
    assert "attention : 2 cas de A absents de B" in said.out


def test_fail_on_absent_is_silent_when_b_has_every_case_of_a(
    sessions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = sessions
    assert main(["diff", str(b), str(a), "--fail-on-absent"]) == 0  # B has more: new cases are no absence
    said = capsys.readouterr()
    assert "attention" not in said.out and said.err == ""


def test_the_warning_reads_in_english_and_lists_the_absent_cases_in_json(
    sessions: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = sessions
    out_json, out_html = tmp_path / "d.json", tmp_path / "d.html"
    argv = [
        "--lang",
        "en",
        "diff",
        str(a),
        str(b),
        "--fail-on-absent",
        "--json",
        str(out_json),
        "--html",
        str(out_html),
    ]
    assert main(argv) == 1
    said = capsys.readouterr()
    assert "warning: 2 cases of A absent from B (TLS-ADRI-002, TLS-ADRI-003)" in said.out
    assert f"2 cases of {a} absent from {b} (--fail-on-absent)" in said.err
    assert "warning: 2 cases of A absent from B" in out_html.read_text(encoding="utf-8")
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert [c["case_id"] for c in data["absent"]] == ["TLS-ADRI-002", "TLS-ADRI-003"]


def test_the_warning_names_a_few_cases_and_counts_them_all() -> None:
    from testbench.report.diff import absent_warning

    ids = [f"C-{i:03d}" for i in range(184)]
    assert (
        absent_warning(184, ids, "fr") == "attention : 184 cas de A absents de B (C-000, C-001, C-002, C-003, C-004, …)"
    )
    assert absent_warning(1, ["C-000"], "fr") == "attention : 1 cas de A absent de B (C-000)"
    assert absent_warning(1, ["C-000"], "en") == "warning: 1 case of A absent from B (C-000)"
    assert absent_warning(0, [], "fr") == ""


def test_the_workstations_compare_window_has_the_same_choice(sessions: tuple[Path, Path], tmp_path: Path) -> None:
    """« Comparer » (the open session as B) fails on A's cases that B lacks when its field says so, naming it."""
    from testbench.tui.tools import TOOLS, ToolContext

    a, b = sessions
    ctx = ToolContext(b, (), None, None, "reference", None, "fr")
    values = {"reference": str(a), "html": "", "json": "", "all": "", "context": "1"}
    assert TOOLS["diff"].run({**values, "fail_on_absent": ""}, ctx).code == 0
    failed = TOOLS["diff"].run({**values, "fail_on_absent": "oui"}, ctx)
    assert failed.code == 1
    said = [text for text, error in failed.texts("fr") if error]
    assert said == [f"2 cas de {a} absents de {b} (« Échouer si des cas de A manquent dans B » à oui)"], said
    english = [text for text, error in failed.texts("en") if error]
    assert english == [f"2 cases of {a} absent from {b} (“Fail if cases of A are missing from B” set to yes)"]
