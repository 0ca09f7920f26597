"""``run --junit`` as a CI's test view reads it (docs/reports.md § JUnit): every verdict that makes ``run`` exit 2 is
an ``<error>`` — a case pending its manual step, an attempt an interrupt cut before its verdict —, only a case that
did not run is ``<skipped>``; a failure's text lists every deviation while its message, like the run's line, names
the first and counts the others (audit: F4 and the « (et 1 autre écart) » finding)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from testbench.cli.main import main
from testbench.runner.runner import Runner

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


def outcomes(junit: Path) -> dict[str, tuple[str, str, str, str]]:
    """Each testcase: (what it holds — failure, error, skipped or passed —, its type, its message, its text)."""
    out = {}
    for case in etree.parse(str(junit)).iter("testcase"):
        said = [child for child in case if child.tag in ("failure", "error", "skipped")]
        first = said[0] if said else None
        out[case.get("name")] = (
            first.tag if first is not None else "passed",
            first.get("type", "") if first is not None else "",
            first.get("message", "") if first is not None else "",
            (first.text or "") if first is not None else "",
        )
    return out


def test_pending_and_cut_attempts_are_errors_and_only_cases_not_reached_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: DEMO-FSE-030 « en attente » and the case an interrupt cut were ``<skipped>``: errors=0 in the JUnit of
    a run that exits 2 — a green test view under a red job, unlike the pytest plugin (a pytest error)."""
    real = Runner._run_case

    def cut(self: Runner, attempt_id: int, casebook: Any, case: Any, *args: Any) -> Any:
        if case.id == "DEMO-FSE-031":  # a ^C (or a CI's cancel) in the middle of this case
            raise KeyboardInterrupt
        return real(self, attempt_id, casebook, case, *args)

    monkeypatch.setattr(Runner, "_run_case", cut)
    session, junit = tmp_path / "s.tbsession", tmp_path / "junit.xml"
    selection = "DEMO-FSE-001 or DEMO-FSE-030 or DEMO-FSE-031 or DEMO-LOT-001"  # no attestations: 030 waits
    code = main(["run", str(DEMO), "--session", str(session), *BENCH, "--junit", str(junit), "-k", selection])
    assert code == 2 and "interrompu" in capsys.readouterr().err
    found = outcomes(junit)
    assert {name: kind[:2] for name, kind in found.items()} == {
        "DEMO-FSE-001": ("passed", ""),
        "DEMO-FSE-030": ("error", "pending"),  # waits for its manual step: not concluded, exit 2
        "DEMO-FSE-031": ("error", "interrupted"),  # it ran, and the interrupt cut it before its verdict
        "DEMO-LOT-001": ("skipped", ""),  # never reached: it truly did not run
    }
    assert found["DEMO-FSE-030"][2:] == ("étape manuelle m-paper en attente de l'opérateur",) * 2
    assert found["DEMO-FSE-031"][2:] == ("tentative interrompue (processus arrêté avant le verdict)",) * 2
    suite = etree.parse(str(junit)).getroot()
    assert [suite.get(k) for k in ("tests", "failures", "errors", "skipped")] == ["4", "0", "2", "1"]

    english = tmp_path / "junit-en.xml"  # the same from the session, later, in English
    assert main(["report", str(session), "-o", str(tmp_path / "r"), "--junit", str(english), "--lang", "en"]) == 0
    assert outcomes(english)["DEMO-FSE-031"][1:3] == (
        "interrupted",
        "attempt interrupted (process stopped before the verdict)",
    )


def two_deviations(folder: Path) -> Path:
    """The demo casebook with a second wrong expectation in DEMO-FSE-099 (its base, 273.00, expected 274.00)."""
    text = DEMO.read_text(encoding="utf-8")
    wrong = text.replace(
        'path="invoice.totals.base" type="decimal" expected="273.00"/>',
        'path="invoice.totals.base" type="decimal" expected="274.00"/>',
    )
    assert wrong != text
    (folder / "cards").symlink_to(ROOT / "casebooks" / "cards")  # profiles are relative to the casebook
    target = folder / "two.xml"
    target.write_text(wrong, encoding="utf-8")
    return target


def test_a_failures_text_lists_every_deviation_and_the_runs_line_stays_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: the ``<failure>``'s text repeated its message, « … (et 1 autre écart) »: the other deviation was in
    the exam book alone."""
    session, junit = tmp_path / "s.tbsession", tmp_path / "junit.xml"
    args = ["--session", str(session), *BENCH, "--junit", str(junit), "-k", "DEMO-FSE-099"]
    assert main(["run", str(two_deviations(tmp_path)), *args]) == 1
    first = "e-base : attendu 274,00\u00a0€, observé 273,00\u00a0€ (différent)"
    second = "e-amo : attendu 163,00\u00a0€, observé 163,80\u00a0€ (différent)"
    lines = [line for line in capsys.readouterr().err.splitlines() if "DEMO-FSE-099" in line]
    assert len(lines) == 1 and re.search(rf"{re.escape(first)} \(et 1 autre écart\)$", lines[0]), lines
    assert outcomes(junit)["DEMO-FSE-099"] == ("failure", "fail", f"{first} (et 1 autre écart)", f"{first}\n{second}")
