"""``testbench coverage``'s « Non couvert » names a chosen service without a case in words, as its header names the
services chosen (« service ApCV », never the plan's code « apcv »), in French and in English; the book's coverage
page says the same sentence (``scope.text.gap_text``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", ["  service ApCV : aucun cas dans le périmètre", "  service SCOR : aucun cas dans le périmètre"]),
        ("en", ["  service ApCV: no case in scope", "  service SCOR: no case in scope"]),
    ],
)
def test_an_uncovered_service_is_said_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: list[str]
) -> None:
    session = campaign(tmp_path, hostile=False, case_ids=("OK-1",))
    plan = tmp_path / "plan.toml"
    plan.write_text(
        'format = "testbench-plan/1"\nservices = ["apcv", "scor"]\n[[casebooks]]\nplan-id = "PDT-AUTRE-001"\n',
        encoding="utf-8",
    )
    assert main(["coverage", str(session), "--plan", str(plan), "--lang", lang]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("  service ")] == said
