"""``PcscBay``: the card bay over the real PC/SC stack (pyscard → pcscd → vpcd → emulator).

Per slot, a reader (name + vpcd port). ``present()`` starts an emulator for the profile (a child
process by default, or a thread) and waits for pcscd to report the card (SCardGetStatusChange —
pcscd polls every 400 ms, so never sleep), then checks the ATR so that an orphan emulator holding
the port cannot pass for our card. ``remove()`` pulls the card and waits for EMPTY. Faults can be
injected. A transmit that does not finish within ``transmit_timeout`` (mute card) makes the bay
pull that card, so the call ends with :class:`CardUnavailable` instead of hanging forever.

With ``emulate=False`` (physical readers), ``present()`` asks the operator through ``prompt`` and
waits for the insertion.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .api import ApduSink, CardUnavailable
from .inprocess import Fault
from .link import Link
from .pcsc import SHARED, Context, PyscardTransport, card_present, wait_for
from .profile import CardProfile, load_profile
from .trace import JsonlSink
from .virtual import build_card
from .vpcd import DEFAULT_PORT, VirtualICC


@dataclass(frozen=True)
class ReaderSpec:
    name: str  # PC/SC reader name
    port: int = 0  # vpcd port (0 for a physical reader)


#: Debian's default vpcd entry: two readers on 35963/35964.
DEFAULT_READERS = {
    "vitale": ReaderSpec("Virtual PCD 00 00", DEFAULT_PORT),
    "cps": ReaderSpec("Virtual PCD 00 01", DEFAULT_PORT + 1),
}


def parse_reader_map(text: str) -> dict[str, ReaderSpec]:
    """``vitale=Virtual PCD 00 00@35963,cps=Virtual PCD 00 01@35964`` → mapping (port optional)."""
    out = {}
    for item in filter(None, (x.strip() for x in text.split(","))):
        slot, _, rest = item.partition("=")
        name, _, port = rest.rpartition("@") if "@" in rest else (rest, "", "0")
        out[slot.strip()] = ReaderSpec(name.strip(), int(port or 0))
    return out


LOCK_PORT_OFFSET = 10000  # the vpcd port + this = a loopback port bound as a cross-process mutex


class _PortLock:
    """Exclusive use of one vpcd port by one bay, across processes, released when the process dies.

    vpcd serves one card per port and silently queues a second emulator (pitfall 5), so two benches
    or test sessions must not share a port. Binding a loopback port is a portable mutex (no fcntl).
    """

    def __init__(self, port: int) -> None:
        self.port = port + LOCK_PORT_OFFSET
        self.sock: socket.socket | None = None

    def acquire(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.sock is None:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.bind(("127.0.0.1", self.port))
                self.sock = s
            except OSError:
                s.close()
                if time.monotonic() >= deadline:
                    raise CardUnavailable(
                        f"le port vpcd {self.port - LOCK_PORT_OFFSET} est utilisé par un autre banc ou une autre "
                        f"session de tests (verrou 127.0.0.1:{self.port})"
                    ) from None
                time.sleep(0.05)

    def release(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def default_readers() -> dict[str, ReaderSpec]:
    """Slot → reader mapping: ``TESTBENCH_CARD_READERS`` (see :func:`parse_reader_map`) or the vpcd default."""
    text = os.environ.get("TESTBENCH_CARD_READERS", "").strip()
    return parse_reader_map(text) if text else dict(DEFAULT_READERS)


class _ProcessCard:
    """An emulator child process serving one card."""

    def __init__(self, profile: Path, port: int, slot: str, trace: Path | None, python: str) -> None:
        cmd = [python, "-m", "testbench.cards.emulator", str(profile), "--port", str(port), "--control"]
        cmd += ["--slot", slot]
        if trace is not None:
            cmd += ["--trace", str(trace)]
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
        )

    def _send(self, msg: dict) -> None:
        stdin: IO[str] | None = self.proc.stdin
        if stdin is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(OSError, ValueError):
            stdin.write(json.dumps(msg) + "\n")
            stdin.flush()

    def wait_inserted(self, timeout: float) -> None:
        """Wait for the emulator's ``inserted`` line (it connected to vpcd)."""
        out = self.proc.stdout
        assert out is not None
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(out.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        line = result[0] if result else ""
        if '"inserted"' not in line:
            err = ""
            if self.proc.poll() is not None and self.proc.stderr is not None:
                err = self.proc.stderr.read().strip()
            self.stop()
            raise CardUnavailable(f"l'émulateur de carte n'a pas démarré : {err or 'pas de réponse'}")

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

    def reload(self) -> bool:
        """Rebuild the card from its profile in the emulator (no TCP reconnect); False if it is gone."""
        if self.proc.poll() is not None or self.proc.stdout is None:
            return False
        self._send({"cmd": "reload"})
        return '"reloaded"' in self.proc.stdout.readline()

    def stop(self) -> None:
        self._send({"cmd": "remove"})
        try:
            self.proc.wait(3.0)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(3.0)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()


class _ThreadCard:
    """An emulator thread in this process (faster to start; used by benchmarks and some tests)."""

    def __init__(self, profile: CardProfile, port: int, slot: str, trace: Path | None) -> None:
        self.profile = profile
        self.sink = JsonlSink(trace) if trace is not None else None
        self.icc = VirtualICC(build_card(profile), port, on_apdu=self.sink, reader=f"vpcd:{port}", slot=slot)

    def wait_inserted(self, timeout: float) -> None:
        try:
            self.icc.insert(timeout)
        except OSError as exc:
            raise CardUnavailable(f"vpcd injoignable sur le port {self.icc.port} : {exc}") from None

    def set_fault(self, fault: Fault | None) -> None:
        self.icc.set_fault(fault)

    def reload(self) -> bool:
        if not self.icc.inserted:
            return False
        self.icc.card = build_card(self.profile)
        return True

    def stop(self) -> None:
        self.icc.remove()
        if self.sink is not None:
            self.sink.close()


class PcscBay:
    """A :class:`CardBay` over pyscard; see the module docstring."""

    def __init__(
        self,
        readers: dict[str, ReaderSpec] | None = None,
        sinks: Iterable[ApduSink] = (),
        *,
        emulate: bool = True,
        emulator: str = "process",
        trace_dir: Path | None = None,
        mode: str = SHARED,
        insert_timeout: float = 5.0,
        transmit_timeout: float = 5.0,
        prompt: Callable[[str], None] | None = None,
        operator_timeout: float = 300.0,
        python: str = sys.executable,
        apdu_sink: ApduSink | None = None,
        reuse: bool = True,
    ) -> None:
        self.readers = dict(readers or default_readers())
        self._sinks = list(sinks) + ([apdu_sink] if apdu_sink is not None else [])
        self.reuse = reuse
        self._dirty: set[str] = set()  # slots whose emulated card saw a fault or a failure
        self._locks: dict[str, _PortLock] = {}
        self.lock_timeout = 30.0
        self.emulate = emulate
        self.emulator = emulator
        self.trace_dir = trace_dir
        self.insert_timeout = insert_timeout
        self.transmit_timeout = transmit_timeout
        self.prompt = prompt
        self.operator_timeout = operator_timeout
        self.python = python
        self._links = {s: Link(PyscardTransport(spec.name, mode), s, self._sinks) for s, spec in self.readers.items()}
        self._cards: dict[str, _ProcessCard | _ThreadCard] = {}
        self.profiles: dict[str, CardProfile] = {}
        # watchdog for mute cards: one thread, polling a single in-flight deadline
        self._inflight: tuple[str, float] | None = None
        self._timed_out: set[str] = set()
        self._stop = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name="pcscbay-watchdog", daemon=True)
        self._watchdog.start()

    # ---- helpers
    def _spec(self, slot: str) -> ReaderSpec:
        try:
            return self.readers[slot]
        except KeyError:
            raise CardUnavailable(f"emplacement de lecteur inconnu : {slot}") from None

    def add_sink(self, sink: ApduSink) -> None:
        self._sinks.append(sink)
        for link in self._links.values():
            link.sinks = self._sinks

    def reader_name(self, slot: str) -> str:
        return self._spec(slot).name

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            inflight = self._inflight
            if inflight is not None and time.monotonic() > inflight[1]:
                slot = inflight[0]
                self._inflight = None
                self._timed_out.add(slot)
                card = self._cards.get(slot)
                if card is not None:
                    card.stop()  # unblocks the transmit: vpcd sees the card go away

    # ---- CardBay
    def slots(self) -> list[str]:
        return list(self.readers)

    def describe(self) -> str:
        kind = "cartes émulées via pcscd + vpcd" if self.emulate else "lecteurs PC/SC"
        return f"{kind} ({', '.join(f'{s}={r.name}' for s, r in self.readers.items())})"

    def present(self, slot: str, profile: Path | CardProfile) -> None:
        p = profile if isinstance(profile, CardProfile) else load_profile(profile)
        spec = self._spec(slot)
        current = self.profiles.get(slot)
        card_now = self._cards.get(slot)
        if (
            self.reuse
            and card_now is not None
            and current is not None
            and slot not in self._dirty
            and current == p
            and card_now.reload()
        ):
            # same card again (next case): a fresh card state without a 0.8 s remove/insert cycle
            self._links[slot].transport.close()
            self.profiles[slot] = p
            return
        if slot in self._cards:
            self.remove(slot)
        self._links[slot].transport.close()
        if not self.emulate:
            self._prompt_insert(slot, p)
            self.profiles[slot] = p
            return
        trace = None
        if self.trace_dir is not None:
            self.trace_dir.mkdir(parents=True, exist_ok=True)
            trace = self.trace_dir / f"emulator-{slot}.jsonl"
        if slot not in self._locks and spec.port:
            lock = _PortLock(spec.port)
            lock.acquire(self.lock_timeout)
            self._locks[slot] = lock
        if self._occupied(spec.name):
            raise CardUnavailable(
                f"le lecteur {spec.name} contient déjà une carte qui n'est pas celle du banc "
                f"(un autre émulateur ou une autre session utilise le port {spec.port} ?)"
            )
        deadline = time.monotonic() + self.insert_timeout
        while True:
            # vpcd may still hold the previous connection for a poll after a pulled card: a connect made
            # then sits in its backlog and is never served (pitfall 5), so retry until pcscd sees the card.
            if self.emulator == "thread":
                card: _ProcessCard | _ThreadCard = _ThreadCard(p, spec.port, slot, trace)
            else:
                if p.path is None:
                    raise CardUnavailable("un profil chargé depuis un fichier est nécessaire pour l'émulateur")
                card = _ProcessCard(p.path, spec.port, slot, trace, self.python)
            card.wait_inserted(max(0.5, deadline - time.monotonic()))
            self._cards[slot] = card
            try:
                atr = wait_for(spec.name, True, max(0.1, min(1.0, deadline - time.monotonic())))
                break
            except CardUnavailable:
                self._cards.pop(slot, None)
                card.stop()
                if time.monotonic() >= deadline:
                    raise
        if atr != p.atr:
            self.remove(slot)
            raise CardUnavailable(
                f"le lecteur {spec.name} présente l'ATR {atr.hex(' ').upper()} au lieu de celui du profil "
                f"{p.id} : un autre émulateur occupe-t-il le port {spec.port} ?"
            )
        self.profiles[slot] = p
        self._timed_out.discard(slot)
        self._dirty.discard(slot)

    @staticmethod
    def _occupied(reader: str) -> bool:
        """A card is present in a reader where this bay has none (vpcd serves one card per port)."""
        with Context() as ctx:
            state = ctx.status([reader]).get(reader, (0, b""))[0]
        return card_present(state)

    def _prompt_insert(self, slot: str, p: CardProfile) -> None:
        """Physical reader: a card already there is kept (the guard checks it), else ask and wait."""
        spec = self._spec(slot)
        if self._occupied(spec.name):
            return
        message = f"Insérez la {p.describe_fr()} dans le lecteur « {spec.name} » ({slot})."
        if self.prompt is None:
            raise CardUnavailable(f"aucune carte dans le lecteur {spec.name} : {message}")
        self.prompt(message)
        wait_for(spec.name, True, self.operator_timeout)

    def emulated(self, slot: str) -> bool:
        """True when this bay's own emulator serves the card in ``slot`` (not a physical card)."""
        return self.emulate and slot in self._cards

    def wait_card(self, slot: str, timeout: float) -> None:
        """Wait until a card is inserted in ``slot``'s reader (operator insertion)."""
        wait_for(self._spec(slot).name, True, timeout)

    def remove(self, slot: str) -> None:
        spec = self._spec(slot)
        self._links[slot].transport.close()
        card = self._cards.pop(slot, None)
        self.profiles.pop(slot, None)
        self._dirty.discard(slot)
        if card is not None:
            card.stop()
            wait_for(spec.name, False, self.insert_timeout)

    def release(self) -> None:
        for link in self._links.values():
            link.transport.close()

    def close(self) -> None:
        """Remove every emulated card and stop the watchdog."""
        for slot in list(self._cards):
            with contextlib.suppress(CardUnavailable):
                self.remove(slot)
        self.release()
        for lock in self._locks.values():
            lock.release()
        self._locks.clear()
        self._stop.set()

    def __enter__(self) -> PcscBay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def atr(self, slot: str) -> bytes:
        self._spec(slot)
        return self._links[slot].transport.atr()

    def transmit(self, slot: str, apdu: bytes) -> tuple[bytes, int]:
        self._spec(slot)
        self._inflight = (slot, time.monotonic() + self.transmit_timeout)
        try:
            return self._links[slot].transmit(apdu)
        except CardUnavailable as exc:
            self._dirty.add(slot)
            if slot in self._timed_out:
                raise CardUnavailable(
                    f"la carte du lecteur {self.readers[slot].name} ne répond plus "
                    f"(muette, plus de {self.transmit_timeout:.1f} s)"
                ) from exc
            raise
        finally:
            self._inflight = None

    def inject_fault(self, slot: str, fault: Fault | None) -> None:
        card = self._cards.get(slot)
        if card is None:
            raise CardUnavailable(f"pas de carte émulée dans {slot}")
        self._dirty.add(slot)
        card.set_fault(fault)
        if isinstance(card, _ProcessCard) and card.proc.stdout is not None:
            card.proc.stdout.readline()  # wait for the emulator's "fault" acknowledgement
