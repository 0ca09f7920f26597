"""A signed book whose report.json was then damaged: ``verify`` names it modified, and does not also say the cover
announces a signature « que le rapport n'a pas » right before « signature Ed25519 valide » — the signer an
unreadable report.json names is unknown, not absent."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.report.build import BuildOptions, build_report
from testbench.signing import init_key, load_signer


def test_a_damaged_report_json_is_said_modified_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "key.pem"
    init_key(key)
    folder = build_report(campaign(tmp_path, hostile=False), tmp_path / "r", BuildOptions(signer=load_signer(key)))
    with (folder.folder / "report.json").open("a", encoding="utf-8") as out:
        out.write("x\n")
    capsys.readouterr()
    assert main(["verify", str(folder.folder)]) == 1
    out = capsys.readouterr().out
    assert "modifié : report.json" in out.splitlines()
    assert "couverture d'index.html" not in out, out
