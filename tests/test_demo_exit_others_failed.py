"""The headless demo exits 0 when only its case built to fail fails (README: « the demo exits 0 when everything
else behaves »), and 1 when other cases did not pass — an engine given with ``--engine`` that cannot start made
all 22 cases fail and the demo still exited 0."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.cmdline import join
from testbench.runner.exits import EXIT_FAILED


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "démo : 21 cas non construits pour échouer n'ont pas réussi ({cases})"),
        ("en", "demo: 21 cases not built to fail did not pass ({cases})"),
    ],
)
def test_the_demo_fails_when_cases_not_built_to_fail_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    engine = join([sys.executable, "-c", "pass"])  # an engine that ends before answering initialize
    argv = ["demo", "--headless", "--output", str(tmp_path / "out"), "--cards", "inprocess", "--engine", engine]
    assert main([*argv, "--lang", lang]) == EXIT_FAILED
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last == said.format(cases="DEMO-FSE-001, DEMO-FSE-002, DEMO-FSE-003, …")
