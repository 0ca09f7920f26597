"""French help wraps like French print: the space before « : », « ; », « ? », « ! », « » » and after « « » does
not break, so no help line begins with a colon or a semicolon (« merge --help » had « : des cas… » on a line of
its own), at any terminal width."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

_COMMANDS = ["merge", "demo", "services serve", "run", "verify", "import", "review", "diff"]


@pytest.mark.parametrize("columns", ["60", "80", "100"])
def test_no_french_help_line_begins_with_a_punctuation_its_space_holds(columns: str) -> None:
    found: list[str] = []
    for command in _COMMANDS:
        proc = subprocess.run(
            [sys.executable, "-m", "testbench", *command.split(), "--help"],
            capture_output=True,
            text=True,
            timeout=60,
            env={"COLUMNS": columns, "PATH": "/usr/bin:/bin", "TESTBENCH_LANG": "fr"},
        )
        assert proc.returncode == 0, proc.stderr
        assert "\u00a0" not in proc.stdout  # what holds the space is not printed
        found += [f"{command}: {line}" for line in proc.stdout.splitlines() if re.match(r"\s*[:;?!»]", line)]
        found += [f"{command}: {line}" for line in proc.stdout.splitlines() if re.search(r"«\s*$", line)]
    assert not found, found
