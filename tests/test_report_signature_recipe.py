"""docs/reports.md gives a reviewer a recipe to check a report's signature without testbench: the recipe, as
the page prints it, runs on a signed report folder, and fails on a manifest changed after the signature."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from test_integrity_verify import key, signed_report  # noqa: F401  (the fixture)

DOC = Path(__file__).resolve().parents[1] / "docs" / "reports.md"


def recipe() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("**Checking a signature without testbench**") :]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL)[1]  # type: ignore[index]


def test_the_documented_recipe_checks_a_signed_report(tmp_path: Path, key: Path) -> None:  # noqa: F811
    folder = signed_report(tmp_path, key)
    run = subprocess.run([sys.executable, "-c", recipe()], cwd=folder, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    manifest = folder / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"size":', b'"size": ', 1))  # same content, other bytes
    run = subprocess.run([sys.executable, "-c", recipe()], cwd=folder, capture_output=True, text=True)
    assert run.returncode != 0 and "AssertionError" in run.stderr
