"""« Never store or export a PIN »: a PIN typed in ``run``'s command line (``--operator "… code porteur : 4719"``)
or in a review's ``--reason`` is masked before the session holds it — its bytes, not only its exports — and a
review's signature covers the masked reason, so it still checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.signing import init_key
from testbench.store.annotations import read_annotations
from testbench.store.connection import open_readonly
from testbench.store.read import run_options

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]
PIN = "4719"


def session_bytes(session: Path) -> bytes:
    """Everything the session left on disk: its file and a WAL beside it, if any."""
    wal = session.with_name(session.name + "-wal")
    return session.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.fixture
def session(tmp_path: Path) -> Path:
    path = tmp_path / "exam.tbsession"
    argv = ["run", str(DEMO), "--session", str(path), *BENCH]
    operator = f"Camille (code porteur : {PIN})"
    assert main([*argv, "--operator", operator, "--sut", f"Logiciel PIN={PIN}"]) in (0, 1)
    return path


def test_a_pin_in_the_command_line_never_reaches_the_session(session: Path) -> None:
    data = session_bytes(session)
    assert b"code porteur" in data  # the words are kept, only the code is masked
    assert f"porteur : {PIN}".encode() not in data
    assert f"PIN={PIN}".encode() not in data
    options = run_options(session)[0]
    assert options["operator"] == "Camille (code porteur : ‹PIN›)"


def test_a_pin_in_a_review_reason_never_reaches_the_session(session: Path, tmp_path: Path) -> None:
    key = tmp_path / "keys" / "signer.pem"
    init_key(key)
    reason = f"carte bloquée après le code porteur : {PIN} saisi deux fois"
    argv = ["review", str(session), "DEMO-FSE-001", "--comment", "--reason", reason, "--key", str(key)]
    assert main(argv) == 0
    assert f"porteur : {PIN}".encode() not in session_bytes(session)
    conn = open_readonly(session)
    try:
        (annotation,) = [a for found in read_annotations(conn).values() for a in found]
    finally:
        conn.close()
    assert annotation.reason == "carte bloquée après le code porteur : ‹PIN› saisi deux fois"
    assert annotation.valid  # signed as stored
