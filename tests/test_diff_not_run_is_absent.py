"""``testbench diff``: a case of A that B selected but never ran (a shard missing from a merge, a run cut short)
is absent, as a dropped one is, so that ``--fail-on-absent`` gates a release whose cases were not run."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.diff import CaseDiff

TELESERVICES = CASEBOOKS_DIR / "psad-teleservices.xml"
PICK = "TLS-ADRI-001 or TLS-ADRI-002 or TLS-ADRI-003"


def run(session: Path, *extra: str) -> Path:
    argv = ["run", str(TELESERVICES), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]
    assert main([*argv, "-k", PICK, *extra]) == 0
    return session


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A: the three cases run; B: the same campaign merged with its second shard missing (two cases not run)."""
    work = tmp_path_factory.mktemp("diff-not-run")
    a = run(work / "a.tbsession")
    shard = run(work / "b1.tbsession", "--shard", "1/2")
    b = work / "b.tbsession"
    assert main(["merge", str(shard), "-o", str(b), "--allow-missing-shards"]) == 0
    return a, b


def test_cases_not_run_in_b_are_absent_and_fail_the_gate(
    sessions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = sessions
    assert main(["diff", str(a), str(b), "--fail-on-absent"]) == 1
    said = capsys.readouterr()
    out = said.out.splitlines()
    assert out[2] == "bilan : cas absent 2, identique 1"
    assert out[3] == "attention : 2 cas de A absents de B (TLS-ADRI-002, TLS-ADRI-003)"
    assert any(line.startswith("[cas absent] ") and "réussi → non exécuté (tentatives 1 → 0)" in line for line in out)
    assert f"testbench diff : 2 cas de {a} absents de {b} (--fail-on-absent)" in said.err


def test_without_the_option_the_absence_is_said_and_exit_stays_0(
    sessions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = sessions
    assert main(["diff", str(a), str(b)]) == 0
    assert "attention : 2 cas de A absents de B" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        ("pass", "none", "gone"),  # run in A, not in B
        ("fail", "none", "gone"),  # a failure not run again is no correction
        ("none", "none", "same"),  # run in neither: nothing was lost
        (None, "none", "new"),  # a new case not run yet
        ("none", "pass", "changed"),
        ("pass", None, "gone"),
        ("pass", "pending", "gone"),  # left to an operator in B: no evidence, as a case not run
        ("fail", "pending", "gone"),
        ("pending", "pending", "same"),
        ("pending", "pass", "changed"),
        ("none", "pending", "changed"),  # neither has a final verdict: nothing was lost, the state changed
    ],
)
def test_a_case_without_a_verdict_in_b_is_absent(before: str | None, after: str | None, kind: str) -> None:
    assert CaseDiff("P", "C", "titre", before, after).kind == kind
