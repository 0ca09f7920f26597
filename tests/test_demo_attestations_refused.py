"""``testbench demo`` refuses prepared attestations as ``run`` does: a file the checker refuses (an unknown
observation path) said at its line and column, exit 3 — with ``--exam --headless`` it ended in « erreur interne de
testbench », exit 2 — and a file that does not exist refused, not ignored as if none had been given."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.runner.exits import EXIT_USAGE

TYPO = """\
{
  "operator": "Auditeur",
  "EXAM-LPP-001/s-invoice": {"confirmed": true, "values": {"invoice.totals.amox": "33,60"}}
}
"""


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "fr",
            "3:60: attestations illisibles (« EXAM-LPP-001/s-invoice » : chemin d'observation inconnu"
            " « invoice.totals.amox » — vouliez-vous dire « invoice.totals.amo » ?)",
        ),
        (
            "en",
            '3:60: unreadable attestations (“EXAM-LPP-001/s-invoice”: unknown observation path'
            ' “invoice.totals.amox” — did you mean “invoice.totals.amo”?)',
        ),
    ],
)
def test_the_exam_demo_refuses_an_attestations_file_as_run_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    file = tmp_path / "att.json"
    file.write_text(TYPO, encoding="utf-8")
    argv = ["demo", "--exam", "--headless", "--cards", "inprocess", "--output", str(tmp_path / "demo")]
    assert main([*argv, "--attestations", str(file), "--lang", lang]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"{file}:{said}\n" in err and "interne" not in err and "internal" not in err


@pytest.mark.parametrize("exam", [["--exam"], []])
def test_a_missing_attestations_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], exam: list[str]
) -> None:
    missing = tmp_path / "missing.json"
    argv = ["demo", *exam, "--headless", "--cards", "inprocess", "--output", str(tmp_path / "demo")]
    assert main([*argv, "--attestations", str(missing)]) == EXIT_USAGE
    assert f"{missing} : attestations illisibles (introuvable)\n" in capsys.readouterr().err
