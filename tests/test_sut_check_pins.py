"""``sut check`` shows the application's log lines as the run stores them: their PINs masked (audit s23, F4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main

PROFILE = """[product]
name = "MonERP"
version = "1.0"

[[logs]]
path = "logs/erp.log"
encoding = "cp1252"
channel = "app"
"""


def test_sut_check_masks_the_pins_it_shows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "logs").mkdir()
    lines = ["Carte lue", "Code porteur saisi : PIN=1234", "Code porteur saisi : 5678", "PIN saisi : 5678", "fin"]
    (tmp_path / "logs" / "erp.log").write_bytes("".join(f"{line}\r\n" for line in lines).encode("cp1252"))
    (tmp_path / "sut.toml").write_text(PROFILE, encoding="utf-8")
    main(["sut", "check", str(tmp_path / "sut.toml")])
    out = capsys.readouterr().out
    assert "Code porteur saisi : ‹PIN›" in out and "PIN saisi : ‹PIN›" in out, out
    assert "1234" not in out and "5678" not in out, out
    assert "Carte lue" in out and "fin" in out
