"""Plan problems said so the engineer can act: a key left out is still placed LINE:COL (the file's start), a
requirement without ``id`` says the key is missing (not « identifiant d'exigence invalide «  » »), and an
exclusion naming nothing names every key that can name its cases (case, mode, domain); a session or a casebook
given for the plan (the arguments mixed up) is said as such, not as a file to save in UTF-8 or bad TOML."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.scope.plan import PlanError, parse_plan

CASEBOOK = '[[casebooks]]\nplan-id = "PDT-X"\n'


def problems(text: str, lang: str | None = None) -> list[str]:
    with pytest.raises(PlanError) as caught:
        parse_plan(text, "plan.toml")
    return caught.value.lines(lang)


def test_a_missing_format_is_placed_line_and_column() -> None:
    assert problems(CASEBOOK) == ['plan.toml:1:1: format attendu : format = "testbench-plan/1"']
    assert problems(CASEBOOK, "en") == ['plan.toml:1:1: format expected: format = "testbench-plan/1"']


def test_a_requirement_without_id_says_the_key_is_missing() -> None:
    text = (
        'format = "testbench-plan/1"\n' + CASEBOOK  # lines 1-3
        + '[[requirements]]\ntitle = "t"\n'  # line 4: no id
        + '[[requirements]]\nid = ""\n'  # line 7: empty id, on its value
        + "[[requirements]]\nid = 3\n"  # line 9: another type, said once
    )
    assert problems(text) == [
        "plan.toml:4:1: exigence sans id (id est obligatoire)",
        "plan.toml:7:6: exigence sans id (id est obligatoire)",
        'plan.toml:9:6: id : texte entre guillemets attendu (id = "…"), pas un nombre entier',
    ]
    assert problems(text, "en")[0] == "plan.toml:4:1: requirement without id (id is required)"


def test_an_exclusion_naming_nothing_names_case_mode_and_domain() -> None:
    text = 'format = "testbench-plan/1"\n' + CASEBOOK + '[[excluded]]\nreason = "r"\n'
    assert problems(text) == ["plan.toml:4:1: exclusion sans cas, mode ni domaine (case, ou mode et/ou domain)"]
    assert problems(text, "en") == [
        "plan.toml:4:1: exclusion without a case, mode or domain (case, or mode and/or domain)"
    ]


def test_a_session_or_a_casebook_given_for_the_plan_is_said_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = campaign(tmp_path, hostile=False, case_ids=("OK-1",))
    casebook = CASEBOOKS_DIR / "demo.xml"
    assert main(["coverage", str(session), "--plan", str(session)]) == 3
    assert capsys.readouterr().err == (
        f"testbench coverage : {session} : fichier de session (base SQLite), pas un plan d'examen (TOML, format ="
        ' "testbench-plan/1")\n'
    )
    assert main(["coverage", str(session), "--plan", str(casebook), "--lang", "en"]) == 3
    assert capsys.readouterr().err == (
        f"testbench coverage: {casebook}: XML file (a casebook?), not an exam plan (TOML, format ="
        ' "testbench-plan/1"): the plan names its casebooks by their plan-id\n'
    )
