"""Layering rules: the execution core works without Textual (Harlequin's rule, enforced)."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "testbench.casebook.model",
    "testbench.cards.api",
    "testbench.engines.api",
    "testbench.traces.model",
    "testbench.runner.runner",
    "testbench.runner.campaign",
    "testbench.store.session",
    "testbench.store.read",
    "testbench.report.html",
    "testbench.report.junit",
    "testbench.cli.main",
]


def test_core_imports_without_textual() -> None:
    code = (
        "import sys; sys.modules['textual'] = None\n"
        + "".join(f"import {m}\n" for m in CORE)
        + "from testbench.cli.main import build_parser; build_parser()\n"
        + "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules if sys.modules[m])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_textual_blocker_really_blocks() -> None:
    """The check above would prove nothing if importing textual still worked with the blocker on."""
    code = "import sys; sys.modules['textual'] = None\nimport textual\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
