"""``testbench validate --watch`` as a person runs it: a real subprocess, a file the test saves, stdout read."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "data" / "casebooks" / "minimal.xml"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))
QUANTITY = 'quantity="4"'
BAD_QUANTITY = 'quantity="x"'


class Watch:
    """The running command and its stdout, one line at a time (a reader thread feeds a queue)."""

    def __init__(self, work: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "testbench", "validate", "--watch", *args],
            cwd=work,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def until(self, pattern: str) -> list[str]:
        """The lines printed up to and including the first one matching ``pattern``."""
        seen: list[str] = []
        while True:
            line = self.lines.get(timeout=20)
            assert line is not None, f"ended before /{pattern}/: {seen}"
            seen.append(line)
            if re.search(pattern, line):
                return seen

    def block(self, count: int) -> list[str]:
        return [self.lines.get(timeout=20) for _ in range(count)]  # type: ignore[misc]


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "cards").mkdir()
    for card, profile in (("cps", "cps3-psad-lpp.xml"), ("vitale", "vitale2-adult-standard.xml")):
        shutil.copyfile(ROOT / "casebooks" / "cards" / profile, tmp_path / "cards" / f"{card}.xml")  # validated too
    shutil.copyfile(MINIMAL, tmp_path / "minimal.xml")
    return tmp_path


@pytest.fixture
def watch(work: Path) -> Iterator[list[Watch]]:
    started: list[Watch] = []
    yield started
    for running in started:
        if running.proc.poll() is None:
            running.proc.kill()
        running.proc.wait(10)


def save(path: Path, old: str, new: str) -> None:
    """Save as editors do: write beside, rename over (one event for the watcher)."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.replace(temporary, path)


def test_each_save_prints_only_what_changed_and_ctrl_c_exits_0(work: Path, watch: list[Watch]) -> None:
    casebook = work / "minimal.xml"
    running = Watch(work, "minimal.xml")
    watch.append(running)
    first = running.until("surveillance de 1 fichier")
    assert first[0].startswith("minimal.xml : valide — PDT-TEST-001 EV001 v01.00, 1 cas")

    save(casebook, QUANTITY, BAD_QUANTITY)
    head, added = running.block(2)
    assert head == "minimal.xml : 1 nouveau problème, 0 résolu, 1 au total"
    assert re.fullmatch(r"\+ minimal\.xml:\d+:\d+: non conforme au schéma : <line>, attribut « quantity ».*", added)

    # a second problem: only it is printed, the first one is not repeated
    save(casebook, '<verify-pin id="s-pin"/>', '<verify-pin id="s-cps"/>')
    head, added = running.block(2)
    assert head == "minimal.xml : 1 nouveau problème, 0 résolu, 2 au total"
    assert re.fullmatch(r"\+ minimal\.xml:\d+:\d+: identifiant d'étape « s-cps » en double dans ce cas", added)

    # a save that changes no problem says so in one line
    save(casebook, "<title>Lit médical</title>", "<title>Lit médical électrique</title>")
    assert running.block(1) == ["minimal.xml : enregistré, rien de changé (2 problèmes)"]

    # both fixed at once: each one that went away, then « valide »
    text = casebook.read_text(encoding="utf-8")
    save(
        casebook,
        text,
        text.replace(BAD_QUANTITY, QUANTITY).replace('<verify-pin id="s-cps"/>', '<verify-pin id="s-pin"/>'),
    )
    head, *gone = running.block(4)
    assert head == "minimal.xml : 0 nouveau problème, 2 résolus, 0 au total"
    assert sorted(line.split(": ", 1)[0][:2] for line in gone[:2]) == ["- ", "- "]
    assert any("quantity" in line for line in gone[:2]) and any("s-cps" in line for line in gone[:2])
    assert gone[2].startswith("minimal.xml : valide — PDT-TEST-001 EV001 v01.00, 1 cas, sha256 ")

    save(casebook, "<title>Lit médical électrique</title>", "<title>Lit médical</title>")
    assert running.block(1) == ["minimal.xml : toujours valide — 1 cas"]

    if sys.platform == "win32":  # pragma: no cover - no SIGINT to send on Windows
        return
    running.proc.send_signal(signal.SIGINT)
    assert running.proc.wait(20) == 0
    assert running.lines.get(timeout=5) is None  # nothing more was printed
    assert running.proc.stderr is not None
    assert running.proc.stderr.read() == ""


def test_english_and_a_file_that_becomes_invalid_from_the_start(work: Path, watch: list[Watch]) -> None:
    casebook = work / "minimal.xml"
    save(casebook, QUANTITY, BAD_QUANTITY)
    running = Watch(work, "minimal.xml", "--lang", "en")
    watch.append(running)
    first = running.until("watching 1 file")
    assert len(first) == 2 and "quantity" in first[0]  # the whole result first, its problem included
    save(casebook, BAD_QUANTITY, QUANTITY)
    head, gone, valid = running.block(3)
    assert head == "minimal.xml: 0 new problems, 1 solved, 0 in all"
    assert gone.startswith("- minimal.xml:") and "quantity" in gone
    assert valid.startswith("minimal.xml: valid — PDT-TEST-001 EV001 v01.00, 1 case,")


def test_a_folder_that_does_not_exist_is_said_and_exits_3(work: Path) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "testbench", "validate", "--watch", "absent/minimal.xml"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )
    assert result.returncode == 3
    assert "absent : dossier introuvable, rien à surveiller" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_save_that_fixes_another_file_names_that_file(work: Path, watch: list[Watch]) -> None:
    """Case ids are checked across the files: saving one can change the result of another."""
    first, second = work / "minimal.xml", work / "second.xml"
    second.write_text(first.read_text(encoding="utf-8").replace('id="T-001"', 'id="T-002"'), encoding="utf-8")
    running = Watch(work, "minimal.xml", "second.xml")
    watch.append(running)
    running.until("surveillance de 2 fichier")
    save(second, 'id="T-002"', 'id="T-001"')
    head, added = running.block(2)
    assert head == "second.xml : 1 nouveau problème, 0 résolu, 1 au total"
    assert re.fullmatch(
        r"\+ second\.xml:\d+:\d+: identifiant de cas « T-001 » déjà utilisé en minimal\.xml:\d+:\d+", added
    )
    save(first, 'id="T-001"', 'id="T-003"')  # the other file is saved: second.xml's problem goes away
    still, head, gone, valid = running.block(4)
    assert still == "minimal.xml : toujours valide — 1 cas"
    assert head == "second.xml : 0 nouveau problème, 1 résolu, 0 au total"
    assert gone.startswith("- second.xml:") and "T-001" in gone
    assert valid.startswith("second.xml : valide — ")


def test_a_fix_among_identical_problems_is_reported_at_its_own_line(tmp_path: Path, watch: list[Watch]) -> None:
    """Eleven problems with one message: the one fixed is named, also when lines are added above in that save."""
    shutil.copytree(ROOT / "casebooks" / "cards", tmp_path / "cards", dirs_exist_ok=True)
    casebook = tmp_path / "demo.xml"
    casebook.write_text((ROOT / "casebooks" / "demo.xml").read_text(encoding="utf-8").replace(QUANTITY, BAD_QUANTITY))

    def lines() -> list[int]:
        text = casebook.read_text(encoding="utf-8").splitlines()
        return [n for n, line in enumerate(text, 1) if BAD_QUANTITY in line]

    bad = lines()
    assert len(bad) == 11
    running = Watch(tmp_path, "demo.xml")
    watch.append(running)
    assert len(running.until("surveillance de 1 fichier")) == 12  # the 11 problems, then « surveillance … »

    save(casebook, BAD_QUANTITY, QUANTITY)  # the first one fixed
    head, gone = running.block(2)
    assert head == "demo.xml : 0 nouveau problème, 1 résolu, 10 au total"
    assert gone.startswith(f"- demo.xml:{bad[0]}:")

    text = casebook.read_text(encoding="utf-8")
    second = text.index(BAD_QUANTITY, text.index(BAD_QUANTITY) + 1)  # the third one of the start, fixed …
    text = text[:second] + QUANTITY + text[second + len(BAD_QUANTITY) :]
    top = text.index("\n") + 1  # … while three lines are added under the XML declaration
    save(
        casebook, casebook.read_text(encoding="utf-8"), text[:top] + "<!-- 1 -->\n<!-- 2 -->\n<!-- 3 -->\n" + text[top:]
    )
    head, gone = running.block(2)
    assert head == "demo.xml : 0 nouveau problème, 1 résolu, 9 au total"
    assert gone.startswith(f"- demo.xml:{bad[2]}:")  # the place it had before this save
    assert lines() == [n + 3 for n in bad[1:2] + bad[3:]]


def test_lines_are_followed_through_one_edit_or_several() -> None:
    from testbench.casebook.changes import moved_lines

    before = [b"a", b"b", b"c", b"d", b"e"]
    assert moved_lines(before, [b"a", b"x", b"y", b"b", b"c", b"d", b"e"]) == {1: 1, 2: 4, 3: 5, 4: 6, 5: 7}
    assert moved_lines(before, [b"a", b"B", b"c", b"D", b"e"]) == {n: n for n in range(1, 6)}  # rewritten in place
    # two edits that change the count: the lines between them are followed, the ones rewritten into two are not
    assert moved_lines(before, [b"a", b"b1", b"b2", b"c", b"d1", b"d2", b"e"]) == {1: 1, 3: 4, 5: 7}
