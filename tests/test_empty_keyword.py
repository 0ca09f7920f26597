"""``-k ""`` (a CI variable not set, audit s23 §8) ran the whole casebook unsaid; ``--tag ""`` and ``--shard ""``
were refused. ``-k`` now is too, blank or empty, exit 3 before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

DEMO = CASEBOOKS_DIR / "demo.xml"


@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_keyword_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str) -> None:
    session = tmp_path / "s.tbsession"
    try:
        code = main(["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "-k", value, "--lang", "en"])
    except SystemExit as exc:  # argparse's refusal, as an empty --tag's
        code = int(exc.code or 0)
    assert code == 3 and not session.exists()
    assert "-k is empty (a CI variable not set?)" in capsys.readouterr().err
