"""The book of a campaign stopped before its end (^C, a CI's cancel, a killed process) says so: the run without an
end is « interrompue » on the cover (its dates) and in report.json, and the attempt cut before its verdict reads
« interrompue », as its JUnit's « tentative interrompue », never « non exécuté » (audit s26-review, finding 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from testbench.cli.main import main
from testbench.i18n import translator
from testbench.report.cover import cover_fields, session_cover
from testbench.report.coverage_page import CoverageWords
from testbench.runner.runner import Runner
from testbench.store.read import read_session
from testbench.store.session import SessionStore

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]
CUT = "DEMO-FSE-002"


def _cut_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A run of two cases, interrupted in the middle of the second (as ^C or SIGTERM does), with its report."""
    real = Runner._run_case

    def cut(self: Runner, attempt_id: int, casebook: Any, case: Any, *args: Any) -> Any:
        if case.id == CUT:
            raise KeyboardInterrupt
        return real(self, attempt_id, casebook, case, *args)

    monkeypatch.setattr(Runner, "_run_case", cut)
    session, book = tmp_path / "s.tbsession", tmp_path / "rep"
    selection = f"DEMO-FSE-001 or {CUT}"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "-k", selection, "--report", str(book)]) == 2
    monkeypatch.setattr(Runner, "_run_case", real)
    return session, book


def test_the_book_says_the_run_and_the_attempt_were_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session, book = _cut_run(tmp_path, monkeypatch)
    data = json.loads((book / "report.json").read_text(encoding="utf-8"))
    [run] = data["cover"]["runs"]
    assert run["ended"] is None and run["interrupted"] is True
    [case] = [c for c in data["cases"] if c["key"]["case_id"] == CUT]
    assert case["verdict"] == "none" and case["final_label"] == "interrompue"
    html = (book / "index.html").read_text(encoding="utf-8")
    assert "exécution 1 interrompue (arrêtée avant sa fin)" in html and "au non renseigné" not in html

    [dates] = [f for f in cover_fields(data["cover"]) if f.key == "dates"]
    assert dates.flagged and dates.value.endswith(" — exécution 1 interrompue (arrêtée avant sa fin)")
    english = tmp_path / "en"
    assert main(["report", str(session), "-o", str(english), "--lang", "en"]) == 0
    data = json.loads((english / "report.json").read_text(encoding="utf-8"))
    [case] = [c for c in data["cases"] if c["key"]["case_id"] == CUT]
    assert case["final_label"] == "interrupted"
    [dates] = [f for f in cover_fields(data["cover"], "en") if f.key == "dates"]
    assert dates.value.endswith(" — run 1 interrupted (stopped before its end)")


def test_a_run_the_session_s_writer_still_runs_is_not_said_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from testbench.report.cover import interrupted_runs

    session, _ = _cut_run(tmp_path, monkeypatch)
    with read_session(session) as view:
        assert interrupted_runs(view) == {1}
    with SessionStore.open(session), read_session(session) as view:  # a workstation's campaign under way
        assert interrupted_runs(view) == set()
        [dates] = [f for f in session_cover(view) if f.key == "dates"]
        assert "interrompue" not in dates.value


def test_the_coverage_page_calls_a_cut_case_interrupted() -> None:
    words = CoverageWords({}, translator("fr"), "fr")
    assert words.verdict({"verdict": "none", "status": "open"}) == "interrompue"
    assert words.verdict({"verdict": "none", "status": "not-run"}) == "non exécuté"
    english = CoverageWords({}, translator("en"), "en")
    assert english.verdict({"verdict": "none", "status": "open"}) == "interrupted"
