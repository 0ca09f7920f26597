"""Unit tests of the vpcd link and the emulator process against a fake vpcd (no pcscd needed)."""

from __future__ import annotations

import json
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testbench.cards import layout as L
from testbench.cards.inprocess import Fault
from testbench.cards.trace import JsonlSink
from testbench.cards.virtual import build_card
from testbench.cards.vpcd import VirtualICC
from testbench.paths import CARD_PROFILES_DIR as P

REPO = Path(__file__).resolve().parents[1]


class FakeVpcd:
    """The driver side of the vpcd protocol: listens, then sends framed messages to the card."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.port = self.server.getsockname()[1]
        self.conn: socket.socket | None = None

    def accept(self, timeout: float = 10.0) -> None:
        self.server.settimeout(timeout)
        self.conn, _ = self.server.accept()
        self.conn.settimeout(5.0)

    def send(self, payload: bytes) -> None:
        assert self.conn is not None
        self.conn.sendall(struct.pack(">H", len(payload)))  # two writes, like Debian 12's vpcd
        self.conn.sendall(payload)

    def recv(self) -> bytes:
        assert self.conn is not None
        head = self._exact(2)
        (n,) = struct.unpack(">H", head)
        return self._exact(n)

    def _exact(self, n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            chunk = self.conn.recv(n - len(buf))  # type: ignore[union-attr]
            if not chunk:
                raise ConnectionError("closed")
            buf += chunk
        return buf

    def exchange(self, payload: bytes) -> bytes:
        self.send(payload)
        return self.recv()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.server.close()


@pytest.fixture
def vpcd() -> FakeVpcd:
    fake = FakeVpcd()
    yield fake
    fake.close()


def test_vicc_answers_atr_power_and_apdus_and_traces_masked(vpcd: FakeVpcd, tmp_path: Path) -> None:
    profile_path = P / "cps3-psad-lpp.xml"
    trace = tmp_path / "t.jsonl"
    sink = JsonlSink(trace)
    icc = VirtualICC(build_card(profile_path), vpcd.port, on_apdu=sink)
    icc.insert(5.0)
    vpcd.accept()
    assert vpcd.exchange(b"\x04") == build_card(profile_path).atr
    vpcd.send(b"\x01")  # power on: no answer expected, the next exchange must still line up
    assert vpcd.exchange(bytes.fromhex("00A4040C0DE828BD080F8025000001FF0010")) == b"\x90\x00"
    verify = bytes.fromhex("0020008108") + L.pin_block("4719")
    assert vpcd.exchange(verify) == b"\x90\x00"
    start = time.perf_counter()
    for _ in range(50):  # the card side must not add a delayed-ACK stall (44 ms each) to the exchange
        vpcd.exchange(bytes.fromhex("00A40000023F00"))
    assert (time.perf_counter() - start) / 50 < 0.02
    icc.remove()
    sink.close()
    text = trace.read_text()
    # every field but the clock, whose microseconds may spell the PIN's digits by chance (« 20:12:32.047193 »)
    recorded = [{k: v for k, v in json.loads(line).items() if k != "ts"} for line in text.splitlines()]
    assert "4719" not in json.dumps(recorded) and "34373139" not in json.dumps(recorded)
    assert recorded[1]["command"] == "0020008108" + "2A" * 8


def test_vicc_faults_pull_and_sw(vpcd: FakeVpcd) -> None:
    icc = VirtualICC(build_card(P / "vitale2-c2s.xml"), vpcd.port)
    icc.insert(5.0)
    vpcd.accept()
    icc.set_fault(Fault("sw", sw=0x6A82, ins=0xA4))
    assert vpcd.exchange(bytes.fromhex("00A40000023F00")) == b"\x6a\x82"
    icc.set_fault(Fault("pull", after=1))
    assert vpcd.exchange(bytes.fromhex("00A40000023F00")) == b"\x90\x00"
    vpcd.send(bytes.fromhex("00B0820000"))
    with pytest.raises((ConnectionError, OSError)):
        vpcd.recv()  # the card went away mid-exchange: never a 0-byte answer, the link closes
    assert icc.closed.wait(2.0)


def test_emulator_process_control_protocol(vpcd: FakeVpcd, tmp_path: Path) -> None:
    trace = tmp_path / "emu.jsonl"
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "testbench.cards.emulator", str(P / "cps4-nurse.xml")),
            *("--port", str(vpcd.port), "--trace", str(trace), "--control"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        vpcd.accept()
        assert json.loads(proc.stdout.readline())["event"] == "inserted"  # type: ignore[union-attr]
        query = bytes.fromhex("00200081")
        assert vpcd.exchange(query) == b"\x63\xc3"
        assert vpcd.exchange(bytes.fromhex("0020008108") + L.pin_block("0000")) == b"\x63\xc2"
        proc.stdin.write('{"cmd": "reload"}\n')  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]
        assert json.loads(proc.stdout.readline())["event"] == "reloaded"  # type: ignore[union-attr]
        assert vpcd.exchange(query) == b"\x63\xc3"  # a fresh card: tries counter back from the profile
        proc.stdin.write('{"cmd": "remove"}\n')  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert len(trace.read_text().splitlines()) == 3


def test_emulator_process_ejects_and_inserts_another_card_without_restarting(vpcd: FakeVpcd, tmp_path: Path) -> None:
    """The bay changes the card of a reader with ``eject`` + ``insert`` (no new process, no start-up)."""
    trace = tmp_path / "emu.jsonl"
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "testbench.cards.emulator", str(P / "vitale2-ald.xml")),
            *("--port", str(vpcd.port), "--trace", str(trace), "--control", "--reader", "Virtual PCD B 00 00"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )

    def command(msg: dict[str, str]) -> dict[str, str]:
        proc.stdin.write(json.dumps(msg) + "\n")  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]
        return json.loads(proc.stdout.readline())  # type: ignore[union-attr]

    get_atr = b"\x04"  # vpcd control message: the card's ATR
    try:
        vpcd.accept()
        assert json.loads(proc.stdout.readline())["event"] == "inserted"  # type: ignore[union-attr]
        assert vpcd.exchange(get_atr) == bytes.fromhex("3B7513000044 09EA9000".replace(" ", ""))
        assert command({"cmd": "eject"})["event"] == "ejected"
        with pytest.raises((ConnectionError, OSError)):
            vpcd.recv()  # the card left: the connection is closed
        reply = command({"cmd": "insert", "profile": str(P / "cps4-nurse.xml")})
        assert reply == {"event": "inserted", "port": vpcd.port, "profile": "cps4-nurse"}
        vpcd.accept()  # a new connection: pcscd sees a removal, then an insertion
        assert vpcd.exchange(get_atr) == build_card(P / "cps4-nurse.xml").atr
        assert vpcd.exchange(bytes.fromhex("00200081")) == b"\x63\xc3"  # the CPS answers, not the Vitale
        assert command({"cmd": "insert", "profile": str(tmp_path / "missing.xml")})["event"] == "error"
        assert proc.poll() is None  # a bad profile is an answer, not a crash
        proc.stdin.write('{"cmd": "remove"}\n')  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    records = [json.loads(x) for x in trace.read_text().splitlines()]
    assert [r["reader"] for r in records] == ["Virtual PCD B 00 00"]  # the PC/SC name, not vpcd:PORT
