"""``testbench diff`` of two sessions that share no case (another casebook, the wrong file): nothing is compared,
and a CI gate must not read « aucune régression », so it is refused (exit 3), in the CLI and in « Comparer »."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main


@pytest.fixture
def unrelated(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = campaign(tmp_path / "a", hostile=False, case_ids=("OK-1",))
    b = campaign(tmp_path / "b", hostile=False, case_ids=("OK-2",))
    return a, b


def test_no_case_in_common_is_refused_and_writes_nothing(
    unrelated: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = unrelated
    html = tmp_path / "d.html"
    assert main(["diff", str(a), str(b), "--html", str(html)]) == 3
    said = capsys.readouterr()
    assert said.err == (
        f"testbench diff : aucun cas en commun entre {a} et {b} : rien n'est comparé (un cas se reconnaît à son plan"
        " et son identifiant)\n"
    )
    assert said.out == "" and not html.exists()


def test_the_refusal_reads_in_english(unrelated: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    a, b = unrelated
    assert main(["--lang", "en", "diff", str(a), str(b)]) == 3
    assert f"no case in common between {a} and {b}: nothing compared" in capsys.readouterr().err


def test_the_workstations_compare_window_refuses_likewise(unrelated: tuple[Path, Path]) -> None:
    from testbench.tui.tools import TOOLS, ToolContext

    a, b = unrelated
    ctx = ToolContext(b, (), None, None, "reference", None, "fr")
    values = {"reference": str(a), "html": "", "json": "", "all": "", "context": "1", "fail_on_absent": ""}
    result = TOOLS["diff"].run(values, ctx)
    assert result.code == 3
    said = [text for text, error in result.texts("fr") if error]
    assert len(said) == 1 and said[0].startswith("aucun cas en commun entre")
