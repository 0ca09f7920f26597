"""``testbench diff`` of two identical runs whose command lines spell the same file otherwise.

The demo's prepared attestations name their file in the trace (« attestation préparée (fichier
casebooks/demo-attestations.json, pas une personne) »). Given as ``--attestations PATH``, ``--attestations=PATH``
(one word), or absolute on one run and relative on the other, the same file is ``‹chemin›`` on both sides
(docs/reports.md § Campaign diff, rule ``chemins``): two runs of the same release compare ``identique``.
Real runs of the installed command, each in its own folder holding a copy of the casebooks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.paths import CASEBOOKS_DIR

CASE = "DEMO-FSE-030"  # its manual step is confirmed by the prepared attestations


def cli(cwd: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TESTBENCH_LANG", "TESTBENCH_SIGNING_KEY")}
    env |= {"HOME": str(cwd), "XDG_DATA_HOME": "", "XDG_CONFIG_HOME": "", "XDG_CACHE_HOME": str(cwd / "cache")}
    return subprocess.run(
        [sys.executable, "-m", "testbench", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
    )


def bench(root: Path, name: str) -> Path:
    """A folder with a copy of the demo casebook and its attestations, as a clone or a CI job has them."""
    folder = root / name
    shutil.copytree(CASEBOOKS_DIR, folder / "casebooks")
    return folder


def run(cwd: Path, session: str, *attestations: str) -> Path:
    done = cli(cwd, "run", "casebooks/demo.xml", "--session", session, "--cards", "inprocess", "--engine", "inprocess",
               *attestations, "-k", CASE)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return cwd / session


def kinds(cwd: Path, a: Path, b: Path) -> list[str]:
    out = cwd / "d.json"
    done = cli(cwd, "diff", a, b, "--json", out)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "casebooks/demo-attestations.json" not in done.stdout, done.stdout
    return [case["kind"] for case in json.loads(out.read_text(encoding="utf-8"))["cases"]]


@pytest.fixture(scope="module")
def two_words(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The attestations given as two words: the spelling every other run is compared with."""
    folder = bench(tmp_path_factory.mktemp("spellings"), "two-words")
    return run(folder, "a.tbsession", "--attestations", "casebooks/demo-attestations.json")


def test_an_option_written_with_an_equals_sign_is_the_same_path(two_words: Path) -> None:
    folder = two_words.parent
    b = run(folder, "b.tbsession", "--attestations=casebooks/demo-attestations.json")
    assert kinds(folder, two_words, b) in ([], ["same"])


def test_an_absolute_path_and_a_relative_one_to_the_same_file_read_alike(two_words: Path) -> None:
    """One run in another folder, its casebook and attestations given absolute, its session below it."""
    other = bench(two_words.parent.parent, "absolute")
    (other / "out").mkdir()
    book, attestations = other / "casebooks" / "demo.xml", other / "casebooks" / "demo-attestations.json"
    done = cli(other, "run", book, "--session", "out/c.tbsession", "--cards", "inprocess", "--engine", "inprocess",
               "--attestations", attestations, "-k", CASE)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert kinds(two_words.parent, two_words, other / "out" / "c.tbsession") in ([], ["same"])
    d = run(other, "d.tbsession", f"--attestations=./{attestations.relative_to(other).as_posix()}")
    assert kinds(other, other / "out" / "c.tbsession", d) in ([], ["same"])


def test_another_attestation_file_still_shows(two_words: Path) -> None:
    """The operator named in another attestations file is the product's record, not a path: still compared."""
    folder = two_words.parent
    other = folder / "casebooks" / "autres-attestations.json"
    data = json.loads((folder / "casebooks" / "demo-attestations.json").read_text(encoding="utf-8"))
    data["operator"] = "Marie Dupont"
    other.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    e = run(folder, "e.tbsession", f"--attestations={other.relative_to(folder).as_posix()}")
    assert kinds(folder, two_words, e) == ["details"]


def test_pytest_serial_and_xdist_with_either_spelling_compare_identical(tmp_path: Path) -> None:
    """docs/ci.md tells to write ``--casebook-attestations=PATH`` (pytest's rootdir): a serial run given the path as
    two words and a ``-n 2`` run given it with ``=`` are the same release run twice."""
    from test_pytest_plugin_outcomes import INPROCESS, pytest_ci

    common = ["--casebook", "casebooks/demo.xml", *INPROCESS, "-k", f"{CASE} or DEMO-FSE-001"]
    serial = pytest_ci(tmp_path, *common, "--casebook-session", "serial.tbsession",
                       "--casebook-attestations", "casebooks/demo-attestations.json")  # fmt: skip
    assert serial.returncode == 0, serial.stdout + serial.stderr
    xdist = pytest_ci(tmp_path, *common, "-n", "2", "--casebook-session", "xdist.tbsession",
                      "--casebook-attestations=casebooks/demo-attestations.json")  # fmt: skip
    assert xdist.returncode == 0, xdist.stdout + xdist.stderr
    assert kinds(tmp_path, tmp_path / "serial.tbsession", tmp_path / "xdist.tbsession") in ([], ["same", "same"])
