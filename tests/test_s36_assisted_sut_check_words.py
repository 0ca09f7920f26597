"""``sut check`` on a log that holds no complete line yet (audit s36): it said « fichier …/gestpsad.log : 0 dernière
ligne » ("last 0 lines"), which reads as a count of nothing; it now says there is no complete line yet (the log just
created, or rotated, or its only line still being written), in French and in English."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main

PROFILE = """[product]
name = "GestPSAD"

[[logs]]
path = "gestpsad.log"
encoding = "cp1252"
"""


@pytest.mark.parametrize("data", [b"", "Démarrage en cours".encode("cp1252")], ids=["empty", "line-not-ended"])
def test_a_log_without_a_complete_line_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes) -> None:
    (tmp_path / "gestpsad.log").write_bytes(data)
    (tmp_path / "sut.toml").write_text(PROFILE, encoding="utf-8")
    assert main(["sut", "check", str(tmp_path / "sut.toml")]) == 0
    out = capsys.readouterr().out
    assert f"  fichier {tmp_path / 'gestpsad.log'} : aucune ligne complète pour l'instant\n" in out, out
    assert "0 dernière" not in out
    assert main(["sut", "check", str(tmp_path / "sut.toml"), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"  file {tmp_path / 'gestpsad.log'}: no complete line yet\n" in out, out
