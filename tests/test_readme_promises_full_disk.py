"""README § Exit codes: « Exit 2 is kept for the bench's own faults, and for the disk failing a command's output: a
full or failing disk exits 2 from `export`, `import` and `keys init` too (nothing left half-written: no partial card
profile, no empty key), as from `run`, `report` and `merge`. »

A real full disk: each command writes into a tmpfs mounted in a private mount namespace (``unshare``, invisible to
the rest of the machine, gone with the command), filled up first but for ``free`` KiB. What the command left on it
is listed before the namespace ends. Needs root and ``unshare`` (Linux); skipped elsewhere — the same outcomes are
held with a simulated ENOSPC by tests/test_full_disk_outputs.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "casebooks" / "examples"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]

#: mount a 512 KiB tmpfs on $0, fill it but for $FREE KiB, run the command, list what it left, exit with its code
SCRIPT = """mount -t tmpfs -o size=512k tmpfs "$0" || exit 97
dd if=/dev/zero of="$0/filler" bs=1k count=$(( 512 - FREE )) 2>/dev/null
"$@"; rc=$?
find "$0" -type f ! -name filler > "$LISTING"
exit $rc
"""


def _private_tmpfs_works(folder: Path) -> bool:
    unshare = shutil.which("unshare")
    if sys.platform != "linux" or unshare is None:
        return False
    folder.mkdir()
    probe = [unshare, "--mount", "--propagation", "private", "sh", "-c", 'mount -t tmpfs -o size=8k tmpfs "$0"']
    return subprocess.run([*probe, str(folder)], capture_output=True, timeout=30, check=False).returncode == 0


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example exam book imported and run: ``w/cahier.xml``, its cards, ``w/s.tbsession``."""
    root = tmp_path_factory.mktemp("full-disk")
    if not _private_tmpfs_works(root / "probe"):
        pytest.skip("a private tmpfs needs Linux, root and unshare")
    work = root / "w"
    work.mkdir()
    (root / "cards").symlink_to(ROOT / "casebooks" / "cards")  # the example's fixtures name ../cards/
    for name in ("cahier-exemple.xlsx", "cahier-exemple.mapping.toml", "cahier-exemple.fixtures.xml"):
        shutil.copy(EXAMPLES / name, work / name)
    for argv in (
        ["import", "cahier-exemple.xlsx", "--mapping", "cahier-exemple.mapping.toml", "-o", "cahier.xml"],
        ["run", "cahier.xml", "--session", "s.tbsession", *BENCH],
    ):
        done = subprocess.run([sys.executable, "-m", "testbench", *argv], cwd=work, env=_env(root),
                              capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
    return work


def _env(home: Path, **extra: str) -> dict[str, str]:
    dropped = {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "TESTBENCH_CONFIG_DIR", "TESTBENCH_LANG", "TESTBENCH_SIGNING_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(HOME=str(home), **extra)
    return env


def on_a_full_disk(argv: list[str], world: Path, full: Path, free: int) -> tuple[int, str, list[str]]:
    """``testbench ARGV`` (``FULL`` in it: the full disk) run in ``world``: (code, stderr, files it left there)."""
    full.mkdir()
    listing = full.parent / "left.txt"
    words = [w.replace("FULL", str(full)) for w in argv]
    env = _env(full.parent, FREE=str(free), LISTING=str(listing), XDG_CONFIG_HOME=str(full / "cfg"))
    unshare = ["unshare", "--mount", "--propagation", "private", "sh", "-c", SCRIPT, str(full)]
    done = subprocess.run([*unshare, sys.executable, "-m", "testbench", *words], cwd=world, env=env,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode != 97, done.stderr  # the tmpfs was mounted
    return done.returncode, done.stderr, listing.read_text(encoding="utf-8").split()


MAPPING = "cahier-exemple.mapping.toml"
EXPORT = ["export", "s.tbsession", "--to", "FULL/resultats.xlsx", "--document", "cahier-exemple.xlsx"]
#: command → its words, and the KiB left free: none, and for the bigger outputs some of it written first (40 KiB:
#: the import's eight card profiles fit, a page each, its casebook does not)
CASES = {
    "keys init": (["keys", "init"], [0]),
    "import": (["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "FULL/c.xml"], [0, 40]),
    "export": ([*EXPORT, "--mapping", MAPPING], [0, 4]),
    "report": (["report", "s.tbsession", "-o", "FULL/book"], [0, 40]),
    "merge": (["merge", "s.tbsession", "-o", "FULL/all.tbsession"], [0, 40]),
    "run": (["run", "cahier.xml", "--session", "FULL/r.tbsession", *BENCH], [0, 40]),
}


@pytest.mark.parametrize(("name", "free"), [(name, free) for name, (_, frees) in CASES.items() for free in frees])
def test_a_full_disk_exits_2_and_leaves_nothing_half_written(name: str, free: int, world: Path, tmp_path: Path) -> None:
    code, err, left = on_a_full_disk(CASES[name][0], world, tmp_path / "full", free)
    assert code == 2, err
    assert "disque plein" in err, err
    assert "Traceback" not in err and "interne" not in err, err
    assert left == [], left  # no partial card profile, no empty key, no half book, session or workbook


def test_a_run_whose_outputs_meet_a_full_disk_keeps_its_verdicts(world: Path, tmp_path: Path) -> None:
    """« its report or JUnit could not be written once the cases ran (a full disk: the verdicts stay in the
    session) » — exit 2, the session whole beside."""
    session = tmp_path / "r.tbsession"
    argv = ["run", "cahier.xml", "--session", str(session), *BENCH, "--junit", "FULL/junit.xml", "--report", "FULL/ci"]
    code, err, left = on_a_full_disk(argv, world, tmp_path / "full", 0)
    assert code == 2, err
    assert "disque plein" in err and "Traceback" not in err, err
    assert left == [], left
    verified = subprocess.run([sys.executable, "-m", "testbench", "verify", str(session)], env=_env(tmp_path),
                              capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert verified.returncode == 0, verified.stdout + verified.stderr
