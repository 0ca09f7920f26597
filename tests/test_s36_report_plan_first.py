"""``report --plan`` with a plan that cannot be read is refused before the session is read and its evidence written
out (a campaign's minutes on a large one), as every other bad input of ``report`` is (audit s36: the plan was read
last, after the whole book was built in its scratch folder)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main


@pytest.mark.parametrize("plan_text", [None, "[plan\n"])  # missing, then not TOML
def test_a_plan_that_cannot_be_read_is_said_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], plan_text: str | None
) -> None:
    session = campaign(tmp_path, case_ids=("OK-1",), hostile=False)
    plan = tmp_path / "plan.toml"
    if plan_text is not None:
        plan.write_text(plan_text, encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    capsys.readouterr()
    assert main(["report", str(session), "-o", str(tmp_path / "book"), "--plan", str(plan)]) == 3
    err = capsys.readouterr().err
    assert "plan.toml" in err and "lecture de la session" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no book, no scratch folder
