"""Promises of docs/authoring.md that no other test held, through the real CLI and the real git.

- « A casebook's identity is the SHA-256 of its bytes, line endings included: keep it in LF (the repository's
  `.gitattributes` checks casebooks, card profiles, plans and TOML files out with LF on Windows too …). »
- `new case --casebook`: « every other byte of the file (comments, layout, line endings) is kept » — a casebook
  written with CRLF (an editor on Windows) keeps its CRLF, and the case added is written with them too.
- `validate --watch`: « The card profiles a casebook names are checked with it, as `validate` does; they are
  re-read on each save of a watched file » — a profile broken while watching is said at the next save of the
  casebook, at the profile's own place, and its repair too; everything on stdout, Ctrl-C exits 0.
- `validate --watch`: « `--max-size` as for `validate` » (the same limit, the same words, on stdout).
"""

from __future__ import annotations

import hashlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from testbench.paths import CASEBOOKS_DIR

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))
MINIMAL = ROOT / "tests" / "data" / "casebooks" / "minimal.xml"
#: one of each kind the doc names: casebooks, card profiles, plans, TOML files (and the casebook schema)
HASHED_FILES = (
    "casebooks/demo.xml",
    "casebooks/cards/vitale2-adult-standard.xml",
    "casebooks/plans/demo-plan.toml",
    "testbench/domain/teleservices.toml",
    "testbench/casebook/schema/casebook-1.xsd",
)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(cwd)}
    return subprocess.run(
        [PYTHON, "-m", "testbench", *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env
    )


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs git and the checkout")
@pytest.mark.parametrize("name", HASHED_FILES)
def test_git_checks_hashed_files_out_with_lf_on_every_system(name: str) -> None:
    """What git itself reads from ``.gitattributes`` (not the file's text): eol=lf wins over core.autocrlf."""
    assert (ROOT / name).is_file(), name
    said = subprocess.run(
        ["git", "-C", str(ROOT), "check-attr", "text", "eol", "--", name],
        capture_output=True, text=True, timeout=30, check=True,
    ).stdout  # fmt: skip
    assert f"{name}: eol: lf" in said.splitlines(), said
    assert f"{name}: text: unspecified" not in said.splitlines() and f"{name}: text: unset" not in said.splitlines()


def test_new_case_keeps_a_crlf_casebook_crlf(tmp_path: Path) -> None:
    shutil.copytree(CASEBOOKS_DIR / "cards", tmp_path / "cards")
    original = (CASEBOOKS_DIR / "demo.xml").read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    casebook = tmp_path / "cb.xml"
    casebook.write_bytes(original)
    added = _cli("new", "case", "--domain", "fse", "--mode", "securise", "--id", "NEW-9", "--casebook", "cb.xml",
                 cwd=tmp_path)  # fmt: skip
    assert added.returncode == 0, added.stderr
    written = casebook.read_bytes()
    end = original.rindex(b"  </cases>")
    assert written.startswith(original[:end]) and written.endswith(original[end:])  # every other byte kept
    inserted = written[end : len(written) - (len(original) - end)]
    assert b'<case id="NEW-9"' in inserted
    assert inserted.count(b"\n") > 10 and inserted.count(b"\n") == inserted.count(b"\r\n")  # no bare LF slipped in
    checked = _cli("validate", "cb.xml", cwd=tmp_path)
    digest = hashlib.sha256(written).hexdigest()[:12]
    assert checked.returncode == 0 and checked.stdout.rstrip().endswith(f"23 cas, sha256 {digest}"), checked


def _save(path: Path, text: str) -> None:
    """Save as editors do: write beside, rename over."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_watch_rereads_the_card_profiles_at_each_save_of_the_casebook(tmp_path: Path) -> None:
    (tmp_path / "cards").mkdir()
    good = (CASEBOOKS_DIR / "cards" / "cps3-psad-lpp.xml").read_text(encoding="utf-8")
    _save(tmp_path / "cards" / "cps.xml", good)
    shutil.copyfile(CASEBOOKS_DIR / "cards" / "vitale2-adult-standard.xml", tmp_path / "cards" / "vitale.xml")
    casebook = tmp_path / "cb.xml"
    shutil.copyfile(MINIMAL, casebook)
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [PYTHON, "-m", "testbench", "validate", "--watch", "cb.xml"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env,
    )  # fmt: skip
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    def until(text: str) -> list[str]:
        seen: list[str] = []
        while not seen or text not in seen[-1]:
            line = lines.get(timeout=20)
            assert line is not None, f"ended before {text!r}: {seen}"
            seen.append(line)
        return seen

    threading.Thread(target=read, daemon=True).start()
    try:
        assert until("surveillance de 1 fichier")[0].startswith("cb.xml : valide — ")
        _save(tmp_path / "cards" / "cps.xml", "<oops\n")
        original = casebook.read_text(encoding="utf-8")
        _save(casebook, original.replace("<title>Lit médical</title>", "<title>Lit médical loué</title>"))
        said = until("cards/cps.xml")
        assert said[-1].startswith("+ cards/cps.xml:2:1: profil de carte invalide : XML mal formé"), said
        _save(tmp_path / "cards" / "cps.xml", good)
        _save(casebook, original)
        said = until("cb.xml : valide — ")
        assert any(line.startswith("- cards/cps.xml:2:1: profil de carte invalide") for line in said), said
        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
    assert proc.stderr is not None
    assert proc.stderr.read() == ""  # a running log: everything on stdout
    proc.stderr.close()


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_watch_takes_max_size_as_validate_does(tmp_path: Path) -> None:
    shutil.copyfile(MINIMAL, tmp_path / "cb.xml")
    size = (tmp_path / "cb.xml").stat().st_size
    assert size > 1048  # 0,001 Mo = 1048 bytes (1 Mo = 1 048 576)
    said = f"cb.xml:1:1: fichier trop volumineux ({size} octets, limite 1048 octets)"
    checked = _cli("validate", "--max-size", "0,001", "cb.xml", cwd=tmp_path)
    assert checked.returncode == 3 and checked.stderr.startswith(said), checked  # the control
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [PYTHON, "-m", "testbench", "validate", "--watch", "--max-size", "0,001", "cb.xml"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        first = [proc.stdout.readline() for _ in range(2)]
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=10)
    assert first[0].startswith(said) and first[1].startswith("surveillance de 1 fichier"), first
    assert proc.returncode == 0 and err == "", (out, err)
