"""What the application writes while the bench is closed belongs to the step the bench was closed on, whatever runs
first when it reopens.

Two cases of the stand-in application (real files, a log written by a separate process, the real capture and
session file), each stopped at its lot step; the bench is closed on the second (H-2). The application then writes
H-2's lot and log line. When the bench reopens:

- A. it runs first a case that builds its own lot (a new case, or H-1 continued), then continues H-2: H-2's step
  reads its own lot, not the lot the case run before it wrote;
- B. a run that continues nothing (another case only) records the gap at once, with H-2, so the run that continues
  H-2 later still has its lot and log line;
- C. the log line goes to H-2's trace (not to H-1, the first case continued), after the bench's line naming H-2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from testbench.casebook.loader import load_casebook
from testbench.runner import campaign as campaign_module
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store.read import read_session
from tests.test_operator_gap_capture import CASEBOOK, LINE, _application, _bench

#: three cases alike, each expecting its own lot number (H-1: 000003, H-2: 000002, H-3: 000004)
BOOK = CASEBOOK.replace('<case id="G-1"', '<case id="H-2"').replace("<title>G-1</title>", "<title>H-2</title>")
_CASE = BOOK[BOOK.index('    <case id="H-2"') : BOOK.index("  </cases>")]


def _another(case_id: str, lot: str) -> str:
    """H-2's case under another id, expecting lot ``lot``."""
    renamed = _CASE.replace('"H-2"', f'"{case_id}"').replace("<title>H-2", f"<title>{case_id}")
    return renamed.replace('expected="000002"', f'expected="{lot}"')


BOOK = BOOK.replace("  </cases>", _another("H-1", "000003") + _another("H-3", "000004") + "  </cases>")
SAID = "pendant que le banc était fermé"


def _answers(*lots: str) -> dict:
    out: dict = {"operator": "Camille"}
    for case in ("H-1", "H-2", "H-3"):
        out[f"{case}/s-invoice"] = {"confirmed": True, "values": {"invoice.totals.amo": "33.60"}}
        out[f"{case}/s-secure"] = {"confirmed": True, "values": {"secure.status": "secured"}}
        if case in lots:
            out[f"{case}/s-lot"] = {"confirmed": True}
    return out


def _run(tmp_path: Path, app: Path, session: Path, cases: tuple[str, ...], answers: dict) -> dict:
    """One run of ``cases`` (in that order), as the workstation runs them: its verdicts."""
    book = tmp_path / "h.xml"
    book.write_text(BOOK, encoding="utf-8")
    attestations = tmp_path / "attestations.json"
    attestations.write_text(json.dumps(answers), encoding="utf-8")
    options = CampaignOptions(
        bench=BenchOptions(engine="operator", cards="inprocess", sut_profile=app / "sut.toml", engine_timeout=1.0),
        attestations=attestations,
    )
    casebook = load_casebook(book)
    by_id = {case.id: case for case in casebook.cases}
    campaign = Campaign([casebook], session, options, notify=lambda _text: None)
    return campaign.run([(casebook, by_id[case]) for case in cases]).verdicts


def _closed_on_h2(tmp_path: Path) -> tuple[Path, Path]:
    """H-1 then H-2 stopped at their lot step (the bench closed on H-2's); then H-2's lot is written."""
    app, _book, session = _bench(tmp_path)
    assert _run(tmp_path, app, session, ("H-1",), _answers()) == {"H-1": "pending"}
    assert _run(tmp_path, app, session, ("H-2",), _answers()) == {"H-2": "pending"}
    _application(app, "000002")  # the bench closed: H-2's lot and its log line
    return app, session


def _builds(monkeypatch: pytest.MonkeyPatch, app: Path, lots: list[str]) -> None:
    """The application (a process of its own) builds the next of ``lots`` as each lot step begins in the bench."""
    real = campaign_module.step_files_record

    def began(attempt_id: int, step_id: str, files: Any) -> str:
        recorded = real(attempt_id, step_id, files)
        if step_id == "s-lot" and lots:
            _application(app, lots.pop(0))
        return recorded

    monkeypatch.setattr(campaign_module, "step_files_record", began)


def _attempts(session: Path, case_id: str) -> tuple[str, str, list[tuple[str | None, str]]]:
    """The case's latest verdict, the file its lot number was read from, and its trace (step, text)."""
    with read_session(session) as view:
        (case,) = [c for c in view.cases if c.case_id == case_id]
        observed = {o["path"]: o for o in view.observations(case.latest.id)}
        lines = [(line.step_id, line.text) for a in case.attempts for line in view.trace_lines(a.id)]
        source = observed.get("lot.number", {}).get("provenance", {}).get("source", "")
        return case.latest.verdict, Path(source).name, lines


def _gap_is_h2s(session: Path) -> None:
    """H-2's lot step read its lot and its log line, said by the bench's line naming H-2; no other case has them."""
    verdict, lot, lines = _attempts(session, "H-2")
    assert (verdict, lot) == ("pass", "B2_000002.lot")
    assert ("s-lot", LINE) in lines, lines
    said = [text for step, text in lines if SAID in text]
    assert said == [
        "1 ligne écrite par le logiciel pendant que le banc était fermé, rattachée à l'étape s-lot du cas H-2"
        " (tentative 1)"
    ], said
    for other in ("H-1", "H-3"):
        with read_session(session) as view:
            if not any(c.case_id == other and c.attempts for c in view.cases):
                continue
        _verdict, _lot, others = _attempts(session, other)
        assert LINE not in [text for _step, text in others] and not any(SAID in text for _s, text in others)


def test_a_continued_step_does_not_take_the_lot_of_a_case_run_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, session = _closed_on_h2(tmp_path)
    _builds(monkeypatch, app, ["000004"])  # H-3, new, builds lot 4 during its lot step, before H-2 goes on
    verdicts = _run(tmp_path, app, session, ("H-3", "H-2"), _answers("H-2", "H-3"))
    assert verdicts == {"H-3": "pass", "H-2": "pass"}, verdicts
    assert _attempts(session, "H-3")[:2] == ("pass", "B2_000004.lot")
    _gap_is_h2s(session)


def test_the_gap_is_kept_when_another_case_runs_before_the_interrupted_one_is_continued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, session = _closed_on_h2(tmp_path)
    _builds(monkeypatch, app, ["000004"])
    assert _run(tmp_path, app, session, ("H-3",), _answers("H-3")) == {"H-3": "pass"}  # continues nothing
    assert _run(tmp_path, app, session, ("H-2",), _answers("H-2")) == {"H-2": "pass"}  # later: H-2 goes on
    _gap_is_h2s(session)


def test_the_gap_goes_to_the_case_interrupted_not_the_first_continued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, session = _closed_on_h2(tmp_path)
    _builds(monkeypatch, app, ["000003"])  # H-1, continued first, builds lot 3 during its lot step
    verdicts = _run(tmp_path, app, session, ("H-1", "H-2"), _answers("H-1", "H-2"))
    assert verdicts == {"H-1": "pass", "H-2": "pass"}, verdicts
    assert _attempts(session, "H-1")[:2] == ("pass", "B2_000003.lot")
    _gap_is_h2s(session)
