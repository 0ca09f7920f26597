"""``testbench cards emulate`` takes the vpcd port's lock, as a bay does (card-reader audit, item 3).

vpcd queues a second card on a port silently: two emulators on one port, or an emulator on a port a run's
bench uses, must not both think they present a card. The second one is refused with a sentence naming the port
and who holds it (the holder tells it through the lock itself, so it is never a stale note), in French or in
English, exit 2, no traceback.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_cards_crossed_port import spare_pair

from testbench.cards.api import CardUnavailable
from testbench.cards.emulator_control import LOCK_PORT_OFFSET, PortLock
from testbench.i18n import colon, translator
from testbench.paths import CARD_PROFILES_DIR


def free_vpcd_port() -> int:
    """A vpcd port number whose lock port is free now (no pcscd needed: the lock alone)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    if port <= LOCK_PORT_OFFSET:
        pytest.skip("no ephemeral port above the lock offset")
    return port - LOCK_PORT_OFFSET


def test_the_lock_says_who_holds_it_and_can_be_taken_again_at_once() -> None:
    port = free_vpcd_port()
    held = PortLock(port, {"command": "emulate", "file": "vitale2-c2s.xml"})
    held.acquire(0.0)
    try:
        with pytest.raises(CardUnavailable) as refused:
            PortLock(port).acquire(0.0)
        said = str(refused.value)
        assert said == (
            f"le port vpcd {port} est déjà pris par « testbench cards emulate » (processus {os.getpid()}, "
            "fichier vitale2-c2s.xml)"
        )
        assert translator("en")(said) == (
            f"vpcd port {port} is already taken by “testbench cards emulate” (process {os.getpid()}, "
            "file vitale2-c2s.xml)"
        )
    finally:
        held.release()
    bench = PortLock(port)  # released: taken again at once (the answers left no TIME_WAIT on the port)
    bench.acquire(0.0)
    try:
        told: list[str] = []
        with pytest.raises(CardUnavailable) as refused:
            PortLock(port).acquire(0.2, told.append)
        assert str(refused.value) == f"le port vpcd {port} est déjà pris par un banc de test (processus {os.getpid()})"
        assert told == [str(refused.value)]
        assert translator("en")(told[0]) == f"vpcd port {port} is already taken by a test bench (process {os.getpid()})"
    finally:
        bench.release()


def emulate(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "testbench", "cards", "emulate", *args],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TESTBENCH_LANG": "fr"},
    )  # fmt: skip


@pytest.mark.integration
def test_a_second_emulator_on_the_same_port_is_refused(vpcd_lock: list[str], tmp_path: Path) -> None:
    port = spare_pair(vpcd_lock)[0].port
    first = emulate(str(CARD_PROFILES_DIR / "vitale2-c2s.xml"), "--port", str(port), "--duration", "30",
                    "--trace", str(tmp_path / "first.jsonl"), cwd=tmp_path)  # fmt: skip
    try:
        assert first.stderr is not None
        line = first.stderr.readline()  # « Carte « … » insérée sur le port vpcd … »: it holds the port
        assert f"insérée sur le port vpcd {port}" in line, line + first.stderr.read()
        for lang, words in (
            ("fr", f"le port vpcd {port} est déjà pris par « testbench cards emulate » (processus {first.pid}, "
                   "fichier vitale2-c2s.xml)"),
            ("en", f"vpcd port {port} is already taken by “testbench cards emulate” (process {first.pid}, "
                   "file vitale2-c2s.xml)"),
        ):  # fmt: skip
            start = time.monotonic()
            second = emulate(str(CARD_PROFILES_DIR / "vitale2-ald.xml"), "--port", str(port), "--duration", "5",
                             "--lang", lang, cwd=tmp_path)  # fmt: skip
            out, err = second.communicate(timeout=60)
            assert second.returncode == 2, (second.returncode, out, err)
            assert time.monotonic() - start < 5, "refused at once, not after its --duration"
            assert err == f"testbench cards{colon(lang)}{words}\n", err
            assert "Traceback" not in out + err and out == ""
        assert first.poll() is None  # the first one still presents its card
    finally:
        first.terminate()
        first.communicate(timeout=30)


def test_a_lock_is_taken_again_though_its_answer_closed_first() -> None:
    """An asker slow to close (a loaded machine) leaves the holder's side of the answer in TIME_WAIT on the lock
    port: the next holder still takes the port at once (SO_REUSEADDR; a listener alone keeps it)."""
    port = free_vpcd_port()
    held = PortLock(port)
    held.acquire(0.0)
    slow = socket.create_connection(("127.0.0.1", port + LOCK_PORT_OFFSET))
    try:
        assert slow.recv(4096).endswith(b"\n")  # the holder's answer; the asker keeps its side open
        time.sleep(1.3)  # past the holder's wait for the asker: it closes first, its side in TIME_WAIT
    finally:
        held.release()
        slow.close()
    again = PortLock(port)
    again.acquire(0.0)
    again.release()


@pytest.mark.integration
def test_the_emulator_started_by_hand_takes_the_port_as_cards_emulate_does(
    vpcd_lock: list[str], tmp_path: Path
) -> None:
    """``python -m testbench.cards.emulator PROFILE`` (docs/cards.md) holds its port: ``cards emulate`` on it is
    refused naming it, and it is refused on a port ``cards emulate`` holds (it used to queue its card unsaid)."""
    port = spare_pair(vpcd_lock)[0].port
    by_hand = [sys.executable, "-m", "testbench.cards.emulator", "--port", str(port)]
    first = subprocess.Popen(
        [*by_hand, str(CARD_PROFILES_DIR / "vitale2-c2s.xml")],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert first.stdout is not None
        assert '"inserted"' in first.stdout.readline()  # it holds the port
        second = emulate(str(CARD_PROFILES_DIR / "vitale2-ald.xml"), "--port", str(port), "--duration", "5",
                         "--lang", "en", cwd=tmp_path)  # fmt: skip
        out, err = second.communicate(timeout=60)
        assert second.returncode == 2, (out, err)
        assert err == (
            f"testbench cards: vpcd port {port} is already taken by a card emulator started by hand (process "
            f"{first.pid}, file vitale2-c2s.xml)\n"
        ), err
    finally:
        first.terminate()
        first.communicate(timeout=30)
    held = emulate(str(CARD_PROFILES_DIR / "vitale2-c2s.xml"), "--port", str(port), "--duration", "30", cwd=tmp_path)
    try:
        assert held.stderr is not None
        assert f"insérée sur le port vpcd {port}" in held.stderr.readline()
        refused = subprocess.run(
            [*by_hand, str(CARD_PROFILES_DIR / "vitale2-ald.xml")], capture_output=True, text=True, timeout=60
        )
        assert refused.returncode == 2, refused.stderr
        assert refused.stderr.strip() == (
            f"le port vpcd {port} est déjà pris par « testbench cards emulate » (processus {held.pid}, "
            "fichier vitale2-c2s.xml)"
        )
    finally:
        held.terminate()
        held.communicate(timeout=30)


@pytest.mark.integration
@pytest.mark.parametrize("trace", [[], ["--trace", "-"]], ids=["no-trace", "trace-to-stdout"])
def test_cards_emulate_writes_the_cards_answers_only_where_asked(
    vpcd_lock: list[str], tmp_path: Path, trace: list[str]
) -> None:
    """The card's answers carry its holder's name, NIR and birth date: ``cards emulate`` prints none of its APDU
    exchanges unless asked (``--trace FILE``, or ``--trace -`` for the standard output) — it printed them all."""
    reader = spare_pair(vpcd_lock)[0]
    emulator = emulate(str(CARD_PROFILES_DIR / "vitale2-c2s.xml"), "--port", str(reader.port), "--duration", "30",
                       *trace, cwd=tmp_path)  # fmt: skip
    try:
        assert emulator.stderr is not None
        assert f"insérée sur le port vpcd {reader.port}" in emulator.stderr.readline()
        for _ in range(20):  # pcscd sees the card at its next poll (the previous one's removal, then this one)
            probe = subprocess.run(
                [sys.executable, "-m", "testbench", "cards", "probe", "--reader", reader.name, "--json"],
                capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            if probe.returncode == 0:
                break
            time.sleep(0.25)
        assert probe.returncode == 0, probe.stderr
    finally:
        emulator.terminate()
        out, _err = emulator.communicate(timeout=30)
    exchanges = [line for line in out.splitlines() if line.startswith("{")]
    assert (len(exchanges) >= 5) if trace else (out == ""), out[:500]
