"""The layering declared in pyproject.toml ([tool.importlinter]) holds, and would catch a forbidden import.

The second test is the proof the first can fail: it copies the package, adds one upward import, and
expects ``lint-imports`` to name the broken contract.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is a dev dependency: pip install -e '.[dev]'")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_layering_contracts_hold() -> None:
    proc = _lint(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 kept, 0 broken" in proc.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("domain/__init__.py", "import testbench.runner.runner", "Each layer imports only the layers below it"),
        ("store/model.py", "import testbench.report.content", "Each layer imports only the layers below it"),
        ("report/html.py", "import textual.app", "Only the workstation imports Textual"),
        ("i18n.py", "import testbench.cards.messages", "The shared utilities"),
        ("tomlfile.py", "import testbench.scope.plan", "The shared utilities"),
        ("interrupts.py", "import testbench.sut.profile", "The shared utilities"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path: Path, module: str, line: str, contract: str) -> None:
    shutil.copytree(ROOT / "testbench", tmp_path / "testbench", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "testbench" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # added by the test\n", encoding="utf-8")
    proc = _lint(tmp_path)
    assert proc.returncode != 0, proc.stdout
    broken = proc.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, proc.stdout
