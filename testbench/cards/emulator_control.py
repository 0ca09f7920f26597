"""The emulators a :class:`~testbench.cards.bay.PcscBay` runs, one per reader, and the port lock.

An emulator is a child process (``python -P -m testbench.cards.emulator --control``, told to eject and
insert cards over JSON lines on stdin) or a thread in this process; both connect to pcscd's vpcd
driver on the reader's port. A change of card reuses the running emulator (docs/cards.md §4, §5).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from testbench.i18n import _t
from testbench.interrupts import deferred

from .api import CardUnavailable
from .inprocess import Fault
from .pcsc_errors import vpcd_message
from .profile import CardProfile
from .reader_pools import ReaderSpec
from .trace import JsonlSink
from .virtual import build_card
from .vpcd import VirtualICC

LOCK_PORT_OFFSET = 10000  # the vpcd port + this = a loopback port bound as a cross-process mutex


def lock_port(port: int) -> int:
    """The loopback port that locks vpcd ``port``: ``port`` + :data:`LOCK_PORT_OFFSET`, counted on from 1024 past
    65535 (a vpcd port above 55535 — an ephemeral one — has a lock too, not an error)."""
    return (port + LOCK_PORT_OFFSET - 1024) % (65536 - 1024) + 1024


#: Who holds a vpcd port, as the holder tells it (:class:`PortLock`); the lock's own port when it does not say.
HELD_BY_COMMAND = _t(
    "le port vpcd {port} est déjà pris par « testbench cards {command} » (processus {pid}, fichier {file})"
)
HELD_BY_EMULATOR = _t(
    "le port vpcd {port} est déjà pris par un émulateur de carte lancé à la main (processus {pid}, fichier {file})"
)
HELD_BY_BENCH = _t("le port vpcd {port} est déjà pris par un banc de test (processus {pid})")
HELD = _t("le port vpcd {port} est utilisé par un autre banc ou une autre session de tests (verrou 127.0.0.1:{lock})")


class PortLock:
    """Exclusive use of one vpcd port by one bay or one ``testbench cards emulate``, across processes, released
    when the process dies.

    vpcd serves one card per port and silently queues a second emulator (docs/cards.md §4), so two benches
    or test sessions must not share a port. Binding a loopback port is a portable mutex (no fcntl). The holder
    also listens there and answers who it is (``holder``: a JSON object, the process id added), so that the
    one refused can say who has the port — the holder that is there now, never a stale note left behind.
    """

    def __init__(self, port: int, holder: dict[str, Any] | None = None) -> None:
        self.vpcd_port = port
        self.port = lock_port(port)
        self.holder = {**(holder or {}), "pid": os.getpid()}
        self.sock: socket.socket | None = None

    def acquire(self, timeout: float, waiting: Callable[[str], None] | None = None) -> None:
        """Take the port, waiting up to ``timeout`` s for another holder to let it go; ``waiting`` is told
        why, once, as soon as the port is found held (the person then knows what the bench waits for)."""
        deadline = time.monotonic() + timeout
        while self.sock is None:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # Windows: no other socket may bind the port at all
                s.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
            else:  # POSIX: a listener keeps the port, a past answer's connection in TIME_WAIT does not
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", self.port))
                s.listen(4)
            except OSError:
                s.close()
                held = self.held_by()
                if time.monotonic() >= deadline:
                    raise CardUnavailable(held) from None
                if waiting is not None:
                    waiting(held)
                    waiting = None
                time.sleep(0.05)
            else:
                self.sock = s
                s.settimeout(1.0)  # the answering thread sees a release within a second
                threading.Thread(target=self._answer, args=(s,), name=f"port-lock-{self.port}", daemon=True).start()

    def held_by(self) -> str:
        """Why the port cannot be taken, in French: who holds it, as it says, else the lock's address."""
        port = self.vpcd_port
        who = _ask(self.port)
        pid = who.get("pid")
        if not isinstance(pid, int):
            return HELD.format(port=port, lock=self.port)
        if who.get("command") in ("emulate", "replay") and isinstance(who.get("file"), str):
            return HELD_BY_COMMAND.format(port=port, command=who["command"], pid=pid, file=who["file"])
        if who.get("command") == "emulator" and isinstance(who.get("file"), str):
            return HELD_BY_EMULATOR.format(port=port, pid=pid, file=who["file"])
        return HELD_BY_BENCH.format(port=port, pid=pid)

    def _answer(self, s: socket.socket) -> None:
        """Tell whoever asks who holds the port (one JSON line), until the lock is released."""
        line = (json.dumps(self.holder, ensure_ascii=True) + "\n").encode()
        while self.sock is s:
            try:
                conn, _ = s.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # released
            with contextlib.suppress(OSError), conn:
                conn.settimeout(1.0)
                conn.sendall(line)
                conn.recv(1)  # the asker closes first: no TIME_WAIT here to keep the next bind() from the port

    def release(self) -> None:
        s, self.sock = self.sock, None
        if s is not None:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)  # wakes the answering thread's accept() (close alone does not)
            s.close()


def _ask(lock_port: int) -> dict[str, Any]:
    """What the holder of a lock port says of itself ({} when it says nothing: an older bench, a test)."""
    try:
        with socket.create_connection(("127.0.0.1", lock_port), timeout=0.5) as c:
            data = b""
            while not data.endswith(b"\n") and len(data) < 4096:
                chunk = c.recv(4096)
                if not chunk:
                    break
                data += chunk
        who = json.loads(data.decode("utf-8", "replace"))
    except (OSError, ValueError):
        return {}
    return who if isinstance(who, dict) else {}


class ProcessCard:
    """An emulator child process for one reader; it can eject its card and insert another one.

    With ``profile=None`` the process starts with the reader empty and waits for :meth:`insert`.
    """

    def __init__(self, profile: Path | None, spec: ReaderSpec, slot: str, trace: Path | None, python: str) -> None:
        cmd = [python, "-P", "-m", "testbench.cards.emulator", *([str(profile)] if profile is not None else [])]
        cmd += ["--port", str(spec.port), "--control"]
        cmd += ["--slot", slot, "--reader", spec.name]
        if trace is not None:
            cmd += ["--trace", str(trace)]
        self._lines: queue.Queue[str] = queue.Queue()
        self._pump = threading.Thread(target=self._read, name=f"emulator-out-{spec.port}", daemon=True)
        try:
            with deferred():  # an interrupt (^C, SIGTERM) inside Popen would lose the child: held until it returns
                self.proc = subprocess.Popen(
                    cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
                )
            self._pump.start()  # waits for the thread to run: long on a loaded machine
        except BaseException:  # an interrupt before the bay holds the emulator: nobody else would end it
            if getattr(self, "proc", None) is not None:
                self.proc.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.proc.wait(timeout=3.0)
            raise

    def _read(self) -> None:
        out = self.proc.stdout
        if out is not None:
            with contextlib.suppress(OSError, ValueError):
                for line in out:
                    self._lines.put(line)
        self._lines.put("")  # EOF

    def _expect(self, events: tuple[str, ...], timeout: float) -> dict[str, Any] | None:
        """The next status line among ``events`` (others are skipped), or None on timeout or exit."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if not line:
                self._lines.put("")  # keep EOF visible to the next caller
                return None
            with contextlib.suppress(ValueError):
                msg = json.loads(line)
                if isinstance(msg, dict) and msg.get("event") in events:
                    return msg

    def _send(self, msg: dict[str, Any]) -> None:
        stdin: IO[str] | None = self.proc.stdin
        if stdin is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(OSError, ValueError):
            stdin.write(json.dumps(msg) + "\n")
            stdin.flush()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_inserted(self, timeout: float) -> None:
        """Wait for the emulator's ``inserted`` line (it connected to vpcd)."""
        msg = self._expect(("inserted", "error"), timeout)
        if msg is None or msg.get("event") != "inserted":
            err = str(msg.get("message", "")) if msg is not None else ""
            code = self.proc.poll()
            if not err and code is not None:
                err = self._last_words(code)
            self.stop()
            raise CardUnavailable(f"l'émulateur de carte n'a pas démarré : {err or 'pas de réponse'}")

    def _last_words(self, code: int) -> str:
        """Why the emulator stopped: its own sentence (exit 2 or 3), never a traceback."""
        lines: list[str] = []
        if code in (2, 3) and self.proc.stderr is not None:
            with contextlib.suppress(OSError, ValueError):
                lines = self.proc.stderr.read().strip().splitlines()
        return lines[-1] if lines else f"l'émulateur s'est arrêté (code {code})"

    def insert(self, profile: CardProfile, timeout: float) -> None:
        """Insert ``profile``'s card (the emulator has ejected the previous one)."""
        if profile.path is None:
            raise CardUnavailable("un profil chargé depuis un fichier est nécessaire pour l'émulateur")
        self._send({"cmd": "insert", "profile": str(profile.path)})
        self.wait_inserted(timeout)

    def eject(self) -> bool:
        """Pull the card, keep the process for the next one; False if the emulator does not answer."""
        self._send({"cmd": "eject"})
        return self._expect(("ejected",), 3.0) is not None

    def set_fault(self, fault: Fault | None) -> None:
        if fault is None:
            self._send({"cmd": "fault", "kind": "none"})
        else:
            self._send(
                {
                    "cmd": "fault",
                    "kind": fault.kind,
                    "after": fault.after,
                    "sw": f"{fault.sw:04X}",
                    "ins": f"{fault.ins:02X}" if fault.ins is not None else None,
                }
            )
        self._expect(("fault",), 3.0)  # the emulator's acknowledgement

    def reload(self, profile: CardProfile | None = None) -> bool:
        """Rebuild the card from its profile, or put ``profile``'s card in its place, in the emulator (no
        TCP reconnect); False if it is gone or cannot load ``profile``."""
        if not self.alive() or (profile is not None and profile.path is None):
            return False
        self._send({"cmd": "reload", **({"profile": str(profile.path)} if profile is not None else {})})
        msg = self._expect(("reloaded", "gone", "error"), 3.0)
        return msg is not None and msg.get("event") == "reloaded"

    def stop(self) -> None:
        self._send({"cmd": "remove"})
        try:
            self.proc.wait(3.0)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(3.0)
        if self._pump is not threading.current_thread():
            self._pump.join(3.0)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            with contextlib.suppress(OSError, ValueError):
                if stream is not None:
                    stream.close()


class ThreadCard:
    """An emulator thread in this process (faster to start; used by benchmarks and some tests)."""

    def __init__(self, profile: CardProfile, spec: ReaderSpec, slot: str, trace: Path | None) -> None:
        self.profile = profile
        self.sink = JsonlSink(trace) if trace is not None else None
        self.icc = VirtualICC(build_card(profile), spec.port, on_apdu=self.sink, reader=spec.name, slot=slot)
        self._stopped = False

    def alive(self) -> bool:
        return not self._stopped

    def wait_inserted(self, timeout: float) -> None:
        try:
            self.icc.insert(timeout)
        except OSError as exc:
            raise CardUnavailable(vpcd_message(self.icc.port, exc)) from None

    def insert(self, profile: CardProfile, timeout: float) -> None:
        self.profile = profile
        self.icc.card = build_card(profile)
        self.icc.set_fault(None)
        self.wait_inserted(timeout)

    def eject(self) -> bool:
        self.icc.remove()
        return True

    def set_fault(self, fault: Fault | None) -> None:
        self.icc.set_fault(fault)

    def reload(self, profile: CardProfile | None = None) -> bool:
        if not self.icc.inserted:
            return False
        self.profile = profile or self.profile
        self.icc.card = build_card(self.profile)
        return True

    def stop(self) -> None:
        self._stopped = True
        self.icc.remove()
        if self.sink is not None:
            self.sink.close()
            self.sink = None


EmulatorCard = ProcessCard | ThreadCard
