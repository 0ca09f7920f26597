"""The printed exam book keeps what a person attested in a passed case.

The PDF prints a passed case briefly (its verdict and expected/observed), but an operator's attestation of a
manual step is the only proof that a person checked it: who, when, the note and the values stay printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from testbench.report import html as report_html
from testbench.report.content import gather
from testbench.store.read import read_session

REPO = Path(__file__).resolve().parents[1]


def test_a_passed_cases_attestation_is_printed(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "testbench", "run", str(REPO / "casebooks" / "demo.xml"), "-k",
         "DEMO-FSE-030 or DEMO-FSE-001", "--session", "s.tbsession", "--cards", "inprocess",
         "--attestations", str(REPO / "casebooks" / "demo-attestations.json")],
        cwd=tmp_path, env={**os.environ, "TESTBENCH_LANG": "fr"}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    with read_session(tmp_path / "s.tbsession") as session:
        printed = report_html.render_html(gather(session), for_print=True)
    section = printed[printed.index('id="DEMO-FSE-030') :]
    section = section[: section.index("</section>")]
    assert "feuille de soins papier éditée, total identique" in section  # the operator's note
    assert "démo — attestation préparée" in section  # who
    assert "manual.paper_total = 5,90" in section
    assert section.count('<td class="mono">m-') == 1 and "s-invoice</td><td>" not in section  # that step alone
    other = printed[printed.index('id="DEMO-FSE-001') :]
    assert "<h3>Étapes</h3>" not in other[: other.index("</section>")]  # a passed case without one stays brief
