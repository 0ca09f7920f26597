"""``testbench demo`` on a terminal (the workstation, in tmux): after ``g`` wrote the session's report,
quitting writes no second one beside it when nothing was recorded since, and says where the one report is;
after F2 (English) the closing line is English. A session that changed after ``g`` gets its report written
on quit, as before, in the language shown."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux absent")
SERVER = "-S"
ENDED = "--- the demo ended ---"


class Terminal:
    """A real terminal (tmux) running one command; its screen read as text."""

    def __init__(self, socket: Path) -> None:
        self.socket = str(socket)

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["tmux", SERVER, self.socket, *args], capture_output=True, text=True, timeout=10)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-t", "ui").stdout  # -J: a line the width wrapped, whole

    def wait(self, ready: Callable[[], bool], what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not ready() and time.monotonic() < deadline:
            time.sleep(0.1)  # another process's screen and files: no event to wait on
        assert ready(), f"{what}\n{self.screen()}"

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "ui", *keys)

    def ended(self) -> bool:
        return ENDED in self.screen()


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    """``testbench demo --output DIR`` in a terminal of its own, which stays open once the demo has ended
    (the workstation draws on stderr: its closing lines are read on the terminal)."""
    terminal = Terminal(tmp_path / "tmux.sock")
    env = {
        "TESTBENCH_CONFIG_DIR": str(tmp_path / "config"),
        "TEXTUAL_ANIMATIONS": "none",
        "HOME": str(tmp_path / "home"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    demo = [sys.executable, "-m", "testbench", "demo", "--output", str(tmp_path / "demo"), "--cards", "inprocess"]
    unset = "-u TESTBENCH_LANG -u COLUMNS -u LINES"
    command = f"cd {shlex.quote(str(tmp_path))} && env {unset} {exports} {shlex.join(demo)}; echo {shlex.quote(ENDED)}"
    command += "; sleep 60"
    terminal.tmux("new-session", "-d", "-s", "ui", "-x", "160", "-y", "48", command)
    try:
        terminal.wait(lambda: "DEMO-FSE-001" in terminal.screen(), "the workstation did not open")
        yield terminal, tmp_path
    finally:
        terminal.tmux("kill-server")


def quit_and_read(terminal: Terminal) -> list[str]:
    """Quit the workstation: the lines the demo printed after it."""
    terminal.keys("C-q")
    terminal.wait(terminal.ended, "the workstation did not quit")
    lines = [line.rstrip() for line in terminal.screen().splitlines() if line.strip()]
    return lines[: lines.index(ENDED)]


def report_by_g(terminal: Terminal, folder: Path) -> Path:
    terminal.keys("g")
    written = folder / "demo-report" / "index.html"  # the workstation's g, beside the session
    terminal.wait(lambda: "Rapport écrit" in terminal.screen() and written.exists(), "g wrote no report")
    return written


def test_after_g_quit_writes_no_second_report_and_closes_in_the_language_shown(
    demo: tuple[Terminal, Path],
) -> None:
    terminal, folder = demo
    written = report_by_g(terminal, folder)
    terminal.keys("F2")
    terminal.wait(lambda: "Overview" in terminal.screen(), "F2 did not switch to English")
    lines = quit_and_read(terminal)
    assert lines[-1] == f"demo: session {folder / 'demo.tbsession'}, report {written}", lines
    assert not (folder / "demo" / "index.html").exists()  # one report of the session, not two
    assert not [line for line in lines if "démo" in line or "rapport" in line], lines


def test_a_session_changed_after_g_gets_its_report_on_quit(demo: tuple[Terminal, Path]) -> None:
    terminal, folder = demo
    report_by_g(terminal, folder)
    terminal.keys("r")  # the case under the cursor runs: the session records it after the report
    terminal.wait(lambda: "réussi" in terminal.screen(), "the case did not run")
    lines = quit_and_read(terminal)
    assert lines[-1] == f"démo : session {folder / 'demo.tbsession'}, rapport {folder / 'demo' / 'index.html'}"
    assert (folder / "demo" / "index.html").exists()


def test_a_demo_closed_by_sigterm_still_writes_its_report(demo: tuple[Terminal, Path]) -> None:
    """A logout or ``kill`` closes the workstation as Ctrl+Q does (exit 2, the session kept): the demo writes
    its report all the same (robustness verification s25: the interrupted demo wrote none)."""
    terminal, folder = demo
    terminal.keys("r")
    terminal.wait(lambda: "réussi" in terminal.screen(), "the case did not run")
    pid = _demo_pid(terminal)
    subprocess.run(["kill", "-TERM", str(pid)], check=True)
    terminal.wait(terminal.ended, "the workstation did not quit")
    lines = [line.rstrip() for line in terminal.screen().splitlines() if line.strip()]
    assert f"démo : session {folder / 'demo.tbsession'}, rapport {folder / 'demo' / 'index.html'}" in lines, lines
    assert (folder / "demo" / "index.html").exists()


def _demo_pid(terminal: Terminal) -> int:
    """The demo's own process: the pane's shell's child running ``-m testbench demo``."""
    shell = int(terminal.tmux("display", "-p", "-t", "ui", "#{pane_pid}").stdout.strip())
    for child in Path(f"/proc/{shell}/task/{shell}/children").read_text().split():
        if "testbench" in Path(f"/proc/{child}/cmdline").read_text():
            return int(child)
    raise AssertionError("no demo process under the pane's shell")
