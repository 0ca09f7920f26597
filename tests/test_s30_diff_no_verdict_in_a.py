"""``testbench diff`` of a case A has without a final verdict (left to an operator, or not run: a run cut short)
that fails in B: there is no verdict in A to regress from, so it reads « NOUVEL ÉCHEC », as a case new to B does,
never « RÉGRESSION »; it still fails the CI gate (exit 1). Real runs of the demo's paper-sheet case (in-process cards
and engine): A headless with no attestation (the manual step waits: « en attente »), B attesting that the sheet
was not printed (« échec »).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

CASE = "DEMO-FSE-030"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", CASE]


def test_a_case_waiting_in_a_that_fails_in_b_is_a_new_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    attestations = json.loads((CASEBOOKS_DIR / "demo-attestations.json").read_text(encoding="utf-8"))
    attestations[f"{CASE}/m-paper"]["values"]["manual.paper_printed"] = "false"
    (tmp_path / "not-printed.json").write_text(json.dumps(attestations), encoding="utf-8")
    a, b = tmp_path / "a.tbsession", tmp_path / "b.tbsession"
    demo = str(CASEBOOKS_DIR / "demo.xml")
    main(["run", demo, "--session", str(a), *BENCH])
    assert main(["run", demo, "--session", str(b), *BENCH, "--attestations", str(tmp_path / "not-printed.json")]) == 1
    capsys.readouterr()

    data = tmp_path / "d.json"
    assert main(["diff", str(a), str(b), "--json", str(data)]) == 1
    out = capsys.readouterr().out
    assert "RÉGRESSION" not in out, out
    assert f"[NOUVEL ÉCHEC] PDT-DEMO-001 {CASE}" in out
    assert " : en attente → échec\n" in out
    (case,) = json.loads(data.read_text(encoding="utf-8"))["cases"]
    assert case["kind"] == "new-failure"
    assert main(["diff", str(a), str(b), "--lang", "en"]) == 1
    assert f"[NEW FAILURE] PDT-DEMO-001 {CASE}" in capsys.readouterr().out
