"""``diff --fail-on-absent`` names the session files given, never argparse's placeholders (SESSION_A)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

TELESERVICES = CASEBOOKS_DIR / "psad-teleservices.xml"


def _run(session: Path, pick: str) -> Path:
    argv = ["run", str(TELESERVICES), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]
    assert main([*argv, "-k", pick]) == 0
    return session


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "1 cas de {a} absent de {b} (--fail-on-absent)"),
        ("en", "1 case of {a} absent from {b} (--fail-on-absent)"),
    ],
)
def test_fail_on_absent_names_the_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    a = _run(tmp_path / "before.tbsession", "TLS-ADRI-001 or TLS-ADRI-002")
    b = _run(tmp_path / "after.tbsession", "TLS-ADRI-001")
    capsys.readouterr()
    assert main(["--lang", lang, "diff", str(a), str(b), "--fail-on-absent"]) == 1
    err = capsys.readouterr().err
    assert said.format(a=a, b=b) in err
    assert "SESSION_A" not in err and "SESSION_B" not in err
