"""README § Quick start: « `scripts/setup.sh` (called by both) installs the system packages (pcscd, the vpcd virtual
reader driver, the PC/SC headers pyscard builds against, pcsc-tools, tmux, Chromium for PDF and browser tests,
poppler-utils' `pdftotext` for tests that read a PDF back) and creates `.venv` with the project installed », and
« As a Python user (Python 3.11 or later) ». The packages setup.sh would install are read from the script as bash
runs it: a copy whose PATH holds none of the programs it looks for, as a user without root, says what is missing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

#: README's words → the Debian/Ubuntu package setup.sh names
README_PACKAGES = {
    "pcscd": "pcscd",
    "the vpcd virtual reader driver": "vsmartcard-vpcd",
    "the PC/SC headers pyscard builds against": "libpcsclite-dev",
    "pcsc-tools": "pcsc-tools",
    "tmux": "tmux",
    "Chromium for PDF and browser tests": "chromium",
    "poppler-utils' `pdftotext`": "poppler-utils",
}


def test_readme_lists_the_packages_this_file_checks() -> None:
    said = " ".join(README.split("`scripts/setup.sh` (called by both) installs the system packages (", 1)[1].split())
    for words in README_PACKAGES:
        assert words in said, words


@pytest.mark.skipif(sys.platform == "win32", reason="setup.sh is a bash script for Debian/Ubuntu")
def test_setup_names_every_package_readme_lists(tmp_path: Path) -> None:
    """Run as a non-root user on a machine with none of the programs (the header and driver checks read fixed
    paths: on a machine that has them, the script's own lines are read for those two)."""
    repo, stubs = tmp_path / "repo", tmp_path / "bin"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "setup.sh", repo / "scripts" / "setup.sh")
    (repo / ".venv" / "bin").mkdir(parents=True)
    (repo / ".venv" / "bin" / "python").symlink_to(sys.executable)  # the venv exists: nothing to pip-install
    (repo / ".venv" / ".testbench-installed").touch()
    (repo / "pyproject.toml").touch()
    os.utime(repo / "pyproject.toml", (0, 0))
    stubs.mkdir()
    for tool in ("dirname", "ls", "touch"):
        (stubs / tool).symlink_to(shutil.which(tool))  # type: ignore[arg-type]
    (stubs / "id").write_text("#!/bin/sh\necho 1000\n")
    (stubs / "id").chmod(0o755)
    bash = shutil.which("bash")
    assert bash is not None
    done = subprocess.run([bash, str(repo / "scripts" / "setup.sh")], env={"PATH": str(stubs)}, capture_output=True,
                          text=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    missing = re.search(r"setup: missing system packages \(([^)]*)\)", done.stderr)
    assert missing is not None, done.stderr
    named = set(missing.group(1).split())
    script = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    for fixed in ("libpcsclite-dev", "vsmartcard-vpcd"):  # found by path, not on PATH
        if fixed not in named:
            assert f"need_apt+=({fixed})" in script
            named.add(fixed)
    assert named == set(README_PACKAGES.values())


def test_the_python_readme_names_is_the_one_the_wheel_requires() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    version = re.search(r"Python (\d+\.\d+) or later", README)
    assert version is not None
    assert project["requires-python"] == f">={version.group(1)}"
