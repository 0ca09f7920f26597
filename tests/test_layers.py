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


def test_domain_imports_no_other_testbench_package() -> None:
    """The vocabulary at the bottom depends on nothing above it (stdlib only)."""
    code = (
        "import pkgutil, sys, testbench.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__): __import__(f'testbench.domain.{m.name}')\n"
        "above = sorted(m for m in sys.modules if m.startswith('testbench.')\n"
        "               and not m.startswith('testbench.domain'))\n"
        "assert not above, above\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_domain_check_sees_an_upward_import() -> None:
    """The check above would prove nothing if importing a layer above did not show in sys.modules."""
    code = "import sys, testbench.domain, testbench.runner.compare\nassert 'testbench.casebook.model' in sys.modules\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
