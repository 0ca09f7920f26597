"""``run --junit`` never replaces a file the run reads (audit s23 §2): the attestations, the plan, an application
log (its glob too) and the SUT profile are refused as the casebooks and the session were, exit 3 before any case
runs, the file left as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

DEMO = CASEBOOKS_DIR / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]


@pytest.mark.parametrize(
    ("option", "name", "source"),
    [
        ("--attestations", "att.json", CASEBOOKS_DIR / "demo-attestations.json"),
        ("--plan", "plan.toml", CASEBOOKS_DIR / "plans" / "demo-plan.toml"),
        ("--app-log", "app.log", None),
    ],
)
def test_junit_over_an_input_is_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, name: str, source: Path | None
) -> None:
    target = tmp_path / name
    if source is None:
        target.write_text("2026-12-06 app line\n", encoding="utf-8")
    else:
        shutil.copy(source, target)
    before = target.read_bytes()
    session = tmp_path / "s.tbsession"
    given = f"{tmp_path}/*.log" if option == "--app-log" else str(target)  # a pattern matching it, too
    code = main(["run", str(DEMO), "--session", str(session), *BENCH, option, given, "--junit", str(target)])
    assert code == 3
    assert "est un fichier que la commande lit" in capsys.readouterr().err
    assert target.read_bytes() == before and not session.exists()
