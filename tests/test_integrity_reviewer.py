"""What a reviewer reads from ``testbench verify`` and ``testbench report``: a verdict that covers what the
report itself records (a session altered before the build, a signer named but no signature), another session
named as such, the case behind each integrity problem, and the verdict on the stream of its lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.report.build import build_report


def test_the_verdict_word_is_on_the_stream_of_its_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = build_report(campaign(tmp_path), tmp_path / "r").folder
    with (folder / "index.html").open("ab") as fh:
        fh.write(b" ")
    assert main(["verify", str(folder)]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines()[-2:] == ["modifié : index.html", "ALTÉRÉ"]
    assert out.err == ""
    assert main(["verify", str(folder), "--lang", "en"]) == 1
    assert capsys.readouterr().out.splitlines()[-2:] == ["modified: index.html", "ALTERED"]
