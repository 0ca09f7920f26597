"""``verify REPORT --session`` quotes a reviewer's declared name and a cover value from the session: they go
through the book's redaction (a NIR typed in a name reads ‹NIR›), since ``verify.log`` is kept with the book."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.signing import init_key

NIR = "180019999900168"


def test_a_nir_in_a_reviewer_name_is_masked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = campaign(tmp_path, hostile=False)
    key = tmp_path / "k.pem"
    init_key(key)
    folder = tmp_path / "r"
    assert main(["report", str(session), "-o", str(folder), "--sign", "--key", str(key)]) == 0
    review = ["review", str(session), "KO-1", "--override", "pass", "--reason", "x", "--key", str(key)]
    assert main([*review, "--reviewer", f"Dr Jean {NIR}"]) == 0
    for lang, marker in (("fr", "‹NIR›"), ("en", "‹NIR›")):
        capsys.readouterr()
        assert main(["verify", str(folder), "--session", str(session), "--lang", lang]) == 0
        out = capsys.readouterr().out
        assert NIR not in out
        named = [line for line in out.splitlines() if "KO-1" in line]
        assert named and marker in named[0], out
