"""A write past the file-size limit (``ulimit -f``, FAT32's 4 GiB) is the machine's limit, not the path the person
gave: ``run`` exits 2 for it (tests/test_ci_diskfull_junit.py); ``export``, ``import`` and ``keys init`` exited 3,
as for a path that cannot be written. All exit 2 now, as for a full disk (README § Exit codes), saying why."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "casebooks" / "examples"
MAPPING = "cahier-exemple.mapping.toml"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a file-size limit is POSIX (ulimit -f)")


def _cli(folder: Path, *argv: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def limited() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "TESTBENCH_"))}
    return subprocess.run(
        [sys.executable, "-m", "testbench", *argv],
        cwd=folder,
        # no bytecode: past its file-size limit a child writes a cut .pyc (CPython ignores the
        # short write), which breaks every later import of that module
        env={**env, "HOME": str(folder), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limited,
        check=False,
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example exam book imported and run, no limit: ``w/cahier.xml``, its cards, ``w/s.tbsession``."""
    root = tmp_path_factory.mktemp("fsize")
    work = root / "w"
    work.mkdir()
    (root / "cards").symlink_to(ROOT / "casebooks" / "cards")  # the example's fixtures name ../cards/
    for name in ("cahier-exemple.xlsx", MAPPING, "cahier-exemple.fixtures.xml"):
        shutil.copy(EXAMPLES / name, work / name)
    for argv in (
        ["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "cahier.xml"],
        ["run", "cahier.xml", "--session", "s.tbsession", "--cards", "inprocess", "--engine", "inprocess"],
    ):
        done = _cli(work, *argv)
        assert done.returncode == 0, done.stderr
    return work


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "s.tbsession", "--to", "out/r.xlsx", "--document", "cahier-exemple.xlsx", "--mapping", MAPPING],
        ["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "out/c.xml"],
        ["keys", "init", "--key", "out/k.pem"],
    ],
    ids=["export", "import", "keys-init"],
)
def test_a_file_size_limit_exits_2_saying_why(world: Path, argv: list[str]) -> None:
    out = world / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    done = _cli(world, *argv, limit=64)
    assert done.returncode == 2, done.stderr
    assert "fichier trop grand" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert [p.name for p in out.iterdir() if p.stat().st_size] == [], list(out.iterdir())
