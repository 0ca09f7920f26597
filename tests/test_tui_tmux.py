"""End to end: the real program in a real terminal (tmux), driven by keys, read from the screen.

Starts ``testbench ui`` on the bundled demo casebook with the in-process card bay and engine (the
pcscd stack is not needed), runs a case to its verdict, then a case with a manual step attested at
the keyboard, and checks the session file afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testbench.paths import CASEBOOKS_DIR
from testbench.store.read import read_session

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux absent")


class Terminal:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        proc = subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True, timeout=10)
        return proc.stdout

    def keys(self, *keys: str) -> None:
        for key in keys:  # one key (or one word) per call, at a person's pace
            self.tmux("send-keys", "-t", "ui", key)
            time.sleep(0.15)

    def burst(self, text: str) -> None:
        """Every character at once, as a barcode scanner or a paste delivers them (Tab included)."""
        self.tmux("send-keys", "-t", "ui", "-l", text)

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) the program has used so far; None where /proc does not tell it."""
        pid = self.tmux("display", "-p", "-t", "ui", "#{pane_pid}").strip()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "ui")

    def wait_for(self, *texts: str, timeout: float = 40.0, gone: tuple[str, ...] = ()) -> str:
        """The screen once it shows every one of ``texts`` and none of ``gone``."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(t in screen for t in texts) and not any(t in screen for t in gone):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{texts} absent (ou {gone} encore là) de l'écran après {timeout} s :\n{screen}")

    def open_from_palette(self, case_id: str, title: str) -> None:
        """Find a case in the palette (opened and typed in one burst) and show it, waiting at each key for
        what the screen shows: on a loaded machine a key sent before the palette closed went into its
        search field (the palette's Enter, then ``r``, were lost)."""
        self.tmux("send-keys", "-t", "ui", "C-p", case_id)
        self.wait_for(f"{case_id} — {title}", "Aller au cas")  # the search hit, not the first list
        self.keys("Enter")
        self.wait_for(gone=("Aller au cas",))  # the palette has closed
        self.keys("1")  # the case view: it names the case the palette chose once the app has gone to it
        self.wait_for(f"{case_id} — {title}", "Objectif", gone=("Aller au cas",))

    def wait_exit(self, timeout: float = 40.0) -> None:
        """Wait until the program has quit (its pane, and so the private server, went away)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            probe = subprocess.run(["tmux", "-S", self.socket, "has-session", "-t", "ui"], capture_output=True)
            if probe.returncode != 0:
                return
            time.sleep(0.1)
        raise AssertionError(f"le programme tourne encore après {timeout} s :\n{self.screen()}")


@pytest.fixture
def terminal(tmp_path: Path):
    socket = str(tmp_path / "tmux.sock")  # a private server whose socket goes away with the test's folder
    term = Terminal(socket)
    yield term
    subprocess.run(["tmux", "-S", socket, "kill-server"], capture_output=True, timeout=10)


def ui_command(tmp_path: Path, session: Path) -> str:
    # COLUMNS/LINES leak into the tmux server from a test runner and would pin Textual to 80x24;
    # exec: the pane's process is the program itself (so a test can kill it)
    env = f"-u COLUMNS -u LINES TESTBENCH_CONFIG_DIR={tmp_path / 'cfg'} TEXTUAL_ANIMATIONS=none"
    return (
        f"cd {Path.cwd()} && exec env {env} {sys.executable} -m testbench ui {CASEBOOKS_DIR / 'demo.xml'}"
        f" --session {session} --cards inprocess --engine inprocess --operator 'Opérateur E2E'"
    )


def test_exam_workstation_in_a_real_terminal(tmp_path: Path, terminal: Terminal) -> None:
    session = tmp_path / "examen.tbsession"
    started = time.monotonic()
    terminal.tmux("new-session", "-d", "-s", "ui", "-x", "140", "-y", "40", ui_command(tmp_path, session))
    terminal.wait_for("DEMO-FSE-001", "Exécuter", "22 cas")
    startup = time.monotonic() - started
    startup_cpu = terminal.cpu_seconds()
    # run the selected case (the first one) to its verdict
    terminal.keys("r")
    screen = terminal.wait_for("exécution terminée : 1 cas", "■ DEMO-FSE-001 : ✔ réussi")
    assert "Carte à insérer : cps-psad → lecteur cps" in screen
    # find a case with a manual step from the palette (opened and typed in one burst), run it, attest
    terminal.open_from_palette("DEMO-FSE-030", "FSE dégradée")
    terminal.keys("r")
    terminal.wait_for("Étape manuelle DEMO-FSE-030 / m-paper", "Valeur attendue à l'écran", "5,90")
    terminal.burst("true\t5.90\tfeuille conforme")  # three fields in one burst: each lands in its own
    terminal.wait_for("feuille conforme")
    terminal.keys("C-s")
    screen = terminal.wait_for("■ DEMO-FSE-030 : ✔ réussi", "exécution terminée")
    # the expected/observed view of that case
    terminal.keys("3")
    terminal.wait_for("e-paper-total", "manual.paper_total", "5,90")
    terminal.keys("C-q")
    terminal.wait_exit()
    with read_session(session) as view:
        verdicts = {c.case_id: c.verdict for c in view.cases if c.attempts}
        assert verdicts == {"DEMO-FSE-001": "pass", "DEMO-FSE-030": "pass"}
        case = next(c for c in view.cases if c.case_id == "DEMO-FSE-030")
        (attested,) = [e["data"] for e in view.events(case.latest.id) if e["kind"] == "manual-attested"]
        assert attested["operator"] == "Opérateur E2E"
        assert attested["values"] == {"manual.paper_printed": "true", "manual.paper_total": "5.90"}
        assert attested["note"] == "feuille conforme"
    # generous: the benchmark measures the real figure. The program's own CPU time, not the wall time,
    # which a loaded machine stretches (10.3 s once, 2 cores shared by other test runs)
    assert (startup_cpu if startup_cpu is not None else startup) < 10


def test_killed_during_a_manual_step_reopens_where_the_engineer_was(tmp_path: Path, terminal: Terminal) -> None:
    session = tmp_path / "examen.tbsession"
    terminal.tmux("new-session", "-d", "-s", "ui", "-x", "140", "-y", "40", ui_command(tmp_path, session))
    terminal.wait_for("DEMO-FSE-001", "22 cas")
    terminal.open_from_palette("DEMO-FSE-030", "FSE dégradée")
    terminal.keys("r")
    terminal.wait_for("Étape manuelle DEMO-FSE-030 / m-paper")
    pid = int(terminal.tmux("display", "-p", "-t", "ui", "#{pane_pid}").strip())
    os.kill(pid, 9)  # the laptop dies in the middle of the case
    time.sleep(0.5)
    terminal.tmux("kill-server")
    terminal.tmux("new-session", "-d", "-s", "ui", "-x", "140", "-y", "40", ui_command(tmp_path, session))
    screen = terminal.wait_for("1 tentative interrompue conservée dans l'historique")
    assert "DEMO-FSE-030 (1/1)" not in screen  # a fresh run log, the note on top
    terminal.keys("1")
    terminal.wait_for("DEMO-FSE-030 — FSE dégradée", "interrompue")  # back on the case the engineer had open
    terminal.keys("C-q")
    terminal.wait_exit()
    with read_session(session) as view:
        case = next(c for c in view.cases if c.case_id == "DEMO-FSE-030")
        assert case.latest is not None and "interrompue" in case.latest.reason
        assert case.latest.ended_wall is not None
        # the steps before the manual one were written before waiting for the person: not lost
        texts = [line.text for line in view.trace_lines(case.latest.id)]
        assert any("début du cas DEMO-FSE-030" in t for t in texts)
        assert any(line.channel == "apdu" for line in view.trace_lines(case.latest.id))
