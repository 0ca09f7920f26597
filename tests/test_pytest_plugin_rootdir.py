"""pytest chooses its rootdir before it knows the plugin's options (pytest #8846): ``--casebook-attestations PATH``
as two words made PATH's project the rootdir, with its ini file, and the failing cases were named by paths that do
not exist (audit s26 C5). The plugin says it, pytest's usage error (exit 4), with the two ways out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from testbench.paths import CASEBOOKS_DIR

DEMO = CASEBOOKS_DIR / "demo.xml"
ATTESTATIONS = CASEBOOKS_DIR / "demo-attestations.json"


def pytest_in(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(cwd), "TESTBENCH_LANG": "fr"}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


def layout(tmp_path: Path) -> tuple[Path, Path]:
    """A casebook beside the folder pytest runs in; attestations in another project (its own pyproject)."""
    (tmp_path / "run").mkdir()
    shutil.copy(DEMO, tmp_path / "demo.xml")
    shutil.copytree(CASEBOOKS_DIR / "cards", tmp_path / "cards")  # the profiles the casebook names
    other = tmp_path / "other" / "casebooks"
    other.mkdir(parents=True)
    (tmp_path / "other" / "pyproject.toml").write_text("[tool.pytest.ini_options]\n", encoding="utf-8")
    shutil.copy(ATTESTATIONS, other / "att.json")
    return tmp_path / "run", other / "att.json"


def test_an_option_s_path_that_would_move_the_rootdir_is_said(tmp_path: Path) -> None:
    cwd, attestations = layout(tmp_path)
    done = pytest_in(cwd, "--casebook", "../demo.xml", "--casebook-attestations", str(attestations))
    assert done.returncode == 4, done.stdout + done.stderr
    said = f"pytest a choisi son dossier racine d'après la valeur de --casebook-attestations ({attestations})"
    assert said in done.stderr, done.stderr
    assert f"rootdir {tmp_path / 'other'} au lieu de {tmp_path}" in done.stderr, done.stderr
    assert f"--casebook-attestations={attestations}, ou ajoutez --rootdir={tmp_path}" in done.stderr


def test_the_two_ways_out_name_the_cases_by_their_paths(tmp_path: Path) -> None:
    cwd, attestations = layout(tmp_path)
    rooted = ["--rootdir", str(tmp_path), "--casebook-attestations", str(attestations)]
    for fixed in (["--casebook-attestations=" + str(attestations)], rooted):
        done = pytest_in(cwd, "--casebook", "../demo.xml", *fixed)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.splitlines()[0] == "demo.xml::DEMO-FSE-001", done.stdout  # under the rootdir tmp_path
