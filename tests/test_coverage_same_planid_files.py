"""A session holding several files of one plan-id (a ``--rerun`` of an edited copy, a merge): coverage counts
the cases of each file as the plan says (once each, tests/test_coverage_counted_once.py), so a pending case
is never hidden behind another file; a file of another version beside the planned one is outside the
plan, said, and does not hide the planned one. ``merge`` warns when its inputs hold several files of one
plan-id."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.scope.coverage import session_coverage

DEMO = CASEBOOKS_DIR / "demo.xml"
PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"
ATTESTATIONS = CASEBOOKS_DIR / "demo-attestations.json"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "--plan", str(PLAN)]


def _copy(folder: Path, name: str, *, drop: str, version: str = "01.00") -> Path:
    """demo.xml beside its cards, without the case ``drop``, at ``version``."""
    shutil.copytree(CASEBOOKS_DIR / "cards", folder / "cards", dirs_exist_ok=True)
    text = DEMO.read_text(encoding="utf-8")
    text = text.replace("<document-version>01.00</document-version>", f"<document-version>{version}</document-version>")
    start = text.index(f'<case id="{drop}"')
    end = text.index("</case>", start) + len("</case>")
    path = folder / name
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    return path


def _run(casebook: Path, session: Path, *extra: str) -> None:
    assert main(["run", str(casebook), "--session", str(session), *BENCH, *extra]) in (0, 1, 2)


def test_a_pending_case_of_one_file_keeps_ready_off(tmp_path: Path) -> None:
    pending, edited = tmp_path / "a.tbsession", tmp_path / "b.tbsession"
    _run(DEMO, pending)  # no attestations: DEMO-FSE-030 pending
    _run(_copy(tmp_path, "demo-edited.xml", drop="DEMO-FSE-030"), edited)
    merged = tmp_path / "m.tbsession"
    assert main(["merge", str(pending), str(edited), "-o", str(merged)]) == 0
    coverage = session_coverage(merged)
    assert not coverage.ready
    assert coverage.counts["open"] == 1
    assert len(coverage.cases) + len(coverage.out_of_scope) == 21 + 1  # each case of the plan once


def test_the_planned_version_wins_and_the_other_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    planned, other = tmp_path / "v1.tbsession", tmp_path / "v3.tbsession"
    _run(DEMO, planned, "--attestations", str(ATTESTATIONS))
    v3 = _copy(tmp_path, "demo-v3.xml", drop="DEMO-FSE-002", version="03.00")
    _run(v3, other, "--attestations", str(ATTESTATIONS))
    for order, name in (((planned, other), "m1"), ((other, planned), "m2")):
        merged = tmp_path / f"{name}.tbsession"
        capsys.readouterr()
        assert main(["merge", *map(str, order), "-o", str(merged)]) == 0
        err = capsys.readouterr().err
        assert "« PDT-DEMO-001 » : 2 fichiers différents" in err and "01.00, 03.00" in err
        coverage = session_coverage(merged)
        assert coverage.ready and len(coverage.cases) == 21
        assert [(g.kind, g.subject, g.found) for g in coverage.gaps] == [("outside-plan", "PDT-DEMO-001", "03.00")]
