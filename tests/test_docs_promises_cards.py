"""Promises of docs/cards.md §5 (the emulator and pcscd) that no other test held, through the real stack:
the emulator process serving a vpcd reader of the running pcscd, watched with SCardGetStatusChange.

- « EOF on stdin removes the card and exits, so a dead parent cannot leave an orphan holding the port. »
- « Without PROFILE (`--control` only) it starts with its reader empty, answers `ready`, and waits for an
  `insert`; its trace file is opened with the first card. »
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.paths import CARD_PROFILES_DIR

pytestmark = pytest.mark.integration

READER, PORT = "Virtual PCD 00 00", 35963  # the default vitale reader of scripts/pcscd.sh and its vpcd port
PROFILE = CARD_PROFILES_DIR / "vitale2-c2s.xml"
ATR = bytes.fromhex("3B751300004409EA9000")


def _emulator(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "testbench.cards.emulator", *args, "--port", str(PORT), "--control"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _event(proc: subprocess.Popen[str]) -> dict:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line, proc.stderr.read() if proc.stderr else ""
    return json.loads(line)


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def test_the_emulator_pulls_its_card_and_exits_when_its_stdin_ends(vpcd_lock: list[str]) -> None:
    from testbench.cards.pcsc import wait_for

    assert READER in vpcd_lock, vpcd_lock
    proc = _emulator(str(PROFILE))
    try:
        assert _event(proc)["event"] == "inserted"
        assert bytes(wait_for(READER, True, timeout=10.0)) == ATR  # pcscd shows our card
        assert proc.stdin is not None
        proc.stdin.close()  # the parent is gone: no « remove » will ever come
        assert proc.wait(timeout=15) == 0
        wait_for(READER, False, timeout=10.0)  # the reader is empty again: the card left with the process
    finally:
        _stop(proc)


def test_without_a_profile_the_reader_stays_empty_until_an_insert_and_the_trace_comes_with_the_card(
    vpcd_lock: list[str], tmp_path: Path
) -> None:
    from testbench.cards.api import CardUnavailable
    from testbench.cards.pcsc import wait_for

    assert READER in vpcd_lock, vpcd_lock
    trace = tmp_path / "emulator.jsonl"
    proc = _emulator("--trace", str(trace))
    try:
        assert _event(proc) == {"event": "ready", "port": PORT}
        wait_for(READER, False, timeout=10.0)
        with pytest.raises(CardUnavailable):
            wait_for(READER, True, timeout=1.0)  # nothing is inserted before the insert command
        assert not trace.exists()  # an emulator started ahead writes no trace while unused
        assert proc.stdin is not None
        proc.stdin.write(json.dumps({"cmd": "insert", "profile": str(PROFILE)}) + "\n")
        proc.stdin.flush()
        assert _event(proc)["event"] == "inserted"
        assert bytes(wait_for(READER, True, timeout=10.0)) == ATR
        assert trace.exists()
        proc.stdin.write('{"cmd": "remove"}\n')
        proc.stdin.flush()
        assert proc.wait(timeout=15) == 0
        wait_for(READER, False, timeout=10.0)
    finally:
        _stop(proc)


def test_the_pin_codes_are_not_part_of_a_profiles_equality(tmp_path: Path) -> None:
    """§3: « `Pin.__repr__` hides all three, and they are not part of `CardProfile` equality » — a profile file
    whose PIN, new PIN and unblock code changed loads as an equal profile, its codes still its own."""
    from testbench.cards.profile import load_profile

    source = CARD_PROFILES_DIR / "cps3-pin-last-try.xml"
    text = source.read_text(encoding="utf-8")
    codes = 'code="2956" max-tries="3" tries-left="1" new-code="7031" unblock-code="57721566"'
    assert codes in text
    copy = tmp_path / source.name
    copy.write_text(text, encoding="utf-8")
    first = load_profile(copy)
    other = codes.replace("2956", "1357").replace("7031", "8642").replace("57721566", "11223344")
    copy.write_text(text.replace(codes, other), encoding="utf-8")
    second = load_profile(copy)
    assert first == second
    assert first.pin is not None and second.pin is not None
    assert (second.pin.reveal(), second.pin.reveal_new(), second.pin.reveal_unblock()) == ("1357", "8642", "11223344")
    assert first.pin.reveal() == "2956"
    copy.write_text(text.replace("<label>", "<label>Autre : "), encoding="utf-8")
    assert load_profile(copy) != first  # the equality still compares the rest of the profile


def _run(tmp_path: Path, name: str, *extra: str) -> tuple[int, str, Path]:
    """``testbench run`` of one demo case, ``--cards auto``, on readers pcscd does not list."""
    import os

    casebooks = CARD_PROFILES_DIR.parent
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": "", "TESTBENCH_LANG": "fr"}
    env["TESTBENCH_CARD_READERS"] = "vitale=Absent A 00 00@45000,cps=Absent B 00 01@45001"
    session = tmp_path / f"{name}.tbsession"
    argv = ["run", str(casebooks / "demo.xml"), "--session", str(session), "--cards", "auto", "-k", "DEMO-FSE-001"]
    argv += ["--attestations", str(casebooks / "demo-attestations.json"), *extra]
    proc = subprocess.run([sys.executable, "-m", "testbench", *argv], capture_output=True, text=True, env=env)
    return proc.returncode, proc.stderr, session


def _attempts(session: Path) -> int:
    import sqlite3

    if not session.exists():
        return 0
    with sqlite3.connect(session) as db:
        count = int(db.execute("SELECT count(*) FROM attempts").fetchone()[0])
    db.close()
    return count


def test_operator_mode_without_usable_readers_is_refused_where_a_campaign_falls_back_to_memory(
    pcsc_stack: list[str], tmp_path: Path
) -> None:
    """§4 (PcscBay): without the readers it names, `--cards auto` says so and uses the in-process reader, « which
    an application under test cannot see — so in operator mode (`--engine operator`) a bench without PC/SC is
    refused before any case […], never run on cards nobody inserted »."""
    code, err, session = _run(tmp_path, "auto")
    assert code == 0, err
    assert "lecteur virtuel en mémoire utilisé à la place" in err, err
    watch = tmp_path / "watch"
    watch.mkdir()
    code, err, session = _run(tmp_path, "operator", "--engine", "operator", "--watch", str(watch))
    assert code == 2, err
    assert "banc indisponible : pile PC/SC indisponible" in err and "Absent A 00 00" in err, err
    assert _attempts(session) == 0  # no case began on cards nobody inserted
