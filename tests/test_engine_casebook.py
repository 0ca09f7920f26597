"""casebooks/billing.xml runs green against the reference engine, in process and out of process."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main

REPO = Path(__file__).resolve().parent.parent
BILLING = REPO / "casebooks" / "billing.xml"


def test_billing_casebook_is_valid() -> None:
    assert main(["validate", str(BILLING)]) == 0


@pytest.mark.parametrize("engine", ["inprocess", "reference"])
def test_billing_casebook_passes(engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "session.sqlite"
    code = main(["run", str(BILLING), "--session", str(session), "--cards", "inprocess", "--engine", engine])
    out = capsys.readouterr()
    assert code == 0, out.out[-2000:] + out.err[-2000:]
    assert "réussi 57" in out.out + out.err
