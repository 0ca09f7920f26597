"""Fixtures of the card layer's integration tests (real pcscd + vpcd + our emulator).

``pcsc_stack`` (session): uses the pcscd already running when PCSCD_EXTERNAL=1 (CI script), else
starts a private one with ``scripts/pcscd.sh start --readers 4`` (root needed; the spare entry B serves
the reader-pool tests) and stops it at the end. A missing stack
FAILS under CI=true and SKIPS elsewhere, with the install command. ``vpcd_lock`` (per test, a file
lock) serialises the vpcd readers between concurrent pytest sessions on the same machine (vpcd
serves one card per port); PcscBay also holds a per-port lock of its own while it lives.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PCSCD_SCRIPT = REPO / "scripts" / "pcscd.sh"
LOCK_PATH = Path(os.environ.get("TESTBENCH_VPCD_LOCK", "/tmp/testbench-vpcd.lock"))
INSTALL = "installez la pile PC/SC : sudo scripts/setup.sh (pcscd, vsmartcard-vpcd, libpcsclite-dev), puis relancez"


def _missing(reason: str) -> None:
    message = f"pile PC/SC indisponible : {reason} ; {INSTALL}"
    if os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_PCSC") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _readers() -> list[str]:
    from testbench.cards.pcsc import list_readers

    return list_readers()


def _ready(want: int = 2) -> bool:
    try:
        return len(_readers()) >= want
    except Exception:
        return False


@contextlib.contextmanager
def _vpcd_lock(timeout: float = 120.0) -> Iterator[None]:
    try:
        import fcntl  # tests only: POSIX lock so two pytest sessions do not share vpcd ports
    except ImportError:  # pragma: no cover
        yield
        return
    with open(LOCK_PATH, "a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"verrou vpcd {LOCK_PATH} tenu depuis plus de {timeout:.0f} s", pytrace=False)
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def pcsc_stack() -> Iterator[list[str]]:
    """The PC/SC readers of a running pcscd with vpcd (see the module docstring)."""
    try:
        import smartcard  # noqa: F401
    except ImportError:
        _missing("pyscard n'est pas installé")
    started = False
    if os.environ.get("PCSCD_EXTERNAL") == "1":
        if not _ready():
            _missing("PCSCD_EXTERNAL=1 mais aucun pcscd prêt avec 2 lecteurs vpcd")
    elif not _ready():
        if shutil.which("pcscd") is None or not list(Path("/usr/lib/pcsc/drivers/serial").glob("libifdvpcd.so*")):
            _missing("pcscd ou vsmartcard-vpcd absent")
        if hasattr(os, "geteuid") and os.geteuid() != 0:
            _missing("démarrer pcscd demande les droits root (ou lancez-le et mettez PCSCD_EXTERNAL=1)")
        proc = subprocess.run(  # 4 readers: the pool tests need the spare entry B; the others use 00 00/01
            [str(PCSCD_SCRIPT), "start", "--readers", "4"], capture_output=True, text=True, timeout=30
        )
        if proc.returncode != 0 or not _ready():
            _missing(f"scripts/pcscd.sh start a échoué : {proc.stderr.strip()}")
        started = True
    yield _readers()
    if started:
        subprocess.run([str(PCSCD_SCRIPT), "stop"], capture_output=True, timeout=30)


@pytest.fixture
def vpcd_lock(pcsc_stack: list[str]) -> Iterator[list[str]]:
    """Exclusive use of the vpcd readers for one test (other pytest sessions wait)."""
    with _vpcd_lock():
        yield pcsc_stack


@pytest.fixture
def pcsc_bay(vpcd_lock: list[str], tmp_path: Path) -> Iterator[object]:
    """A PcscBay on the default two vpcd readers, emulators in threads, traces under tmp_path."""
    from testbench.cards.bay import PcscBay

    bay = PcscBay(trace_dir=tmp_path / "emulator", emulator="thread", transmit_timeout=2.0)
    try:
        yield bay
    finally:
        bay.close()
