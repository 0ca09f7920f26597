"""PC/SC failures reach a person as sentences in the active language, never as pcsc-lite's own words.

The service states go through the real libpcsclite: pointing a client at a socket nobody serves
(PCSCLITE_CSOCK_NAME, read once per process, hence the subprocesses) is exactly "pcscd is not running".
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cards import pcsc_errors
from testbench.cards.pcsc import EXCLUSIVE, PyscardTransport
from testbench.cli.main import main
from testbench.i18n import default_language
from testbench.paths import CARD_PROFILES_DIR as P
from testbench.paths import CASEBOOKS_DIR

RAW = ("Service not available", "Sharing violation", "Unable to connect", "0x8010", "scripts/setup.sh")


def cards_cli(*args: str, env: dict[str, str] | None = None, code: str = "") -> subprocess.CompletedProcess[str]:
    """``testbench cards ARGS`` in a new process (``code`` runs first, in that process)."""
    program = f"{code}\nfrom testbench.cli.main import main\nraise SystemExit(main(['cards', *{list(args)!r}]))"
    return subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def no_service(tmp_path: Path) -> dict[str, str]:
    pytest.importorskip("smartcard")
    return {"PCSCLITE_CSOCK_NAME": str(tmp_path / "pcscd.comm"), "TESTBENCH_LANG": "fr"}  # nobody serves it


def test_cards_list_says_pcscd_is_not_running(tmp_path: Path) -> None:
    if not pcsc_errors.pcscd_installed():
        pytest.skip("pcscd is not installed on this machine")
    french = cards_cli("list", env=no_service(tmp_path))
    assert french.returncode == 2
    assert "pcscd est installé mais ne tourne pas : démarrez-le" in french.stderr
    english = cards_cli("list", "--lang", "en", env=no_service(tmp_path))
    assert english.returncode == 2 and "pcscd is installed but not running: start it" in english.stderr
    for err in (french.stderr, english.stderr):
        assert not any(raw in err for raw in RAW), err


def test_cards_list_says_pcscd_is_not_installed(tmp_path: Path) -> None:
    hide = "import testbench.cards.pcsc_errors as E; E.pcscd_installed = lambda: False"  # a machine without it
    french = cards_cli("list", env=no_service(tmp_path), code=hide)
    assert french.returncode == 2
    assert "pcscd n'est pas installé : installez le paquet système pcscd (et vsmartcard-vpcd" in french.stderr
    english = cards_cli("list", "--lang", "en", env=no_service(tmp_path), code=hide)
    assert "pcscd is not installed: install the system package pcscd (and vsmartcard-vpcd" in english.stderr
    for err in (french.stderr, english.stderr):
        assert not any(raw in err for raw in RAW), err


def test_cards_list_says_there_is_no_reader(pcsc_stack: list[str], monkeypatch, capsys) -> None:
    from testbench.cards.pcsc import Context

    monkeypatch.setattr(Context, "readers", lambda self: [])  # the service answers with no reader
    monkeypatch.setenv("TESTBENCH_LANG", "fr")
    assert main(["cards", "list"]) == 0
    assert "le service PC/SC tourne mais ne voit aucun lecteur" in capsys.readouterr().out
    assert main(["cards", "list", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "the PC/SC service is running but sees no reader" in out and "vsmartcard-vpcd" in out
    assert default_language() == "fr"  # --lang lasts for its command only


def test_reader_errors_are_sentences_in_the_active_language(pcsc_bay) -> None:
    pcsc_bay.present("vitale", P / "vitale2-atmp.xml")
    pcsc_bay.release()
    holder = PyscardTransport("Virtual PCD 00 00", mode=EXCLUSIVE)  # another application keeps the card
    holder.atr()
    try:
        french = cards_cli("probe", "--reader", "Virtual PCD 00 00", env={"TESTBENCH_LANG": "fr"})
        english = cards_cli("probe", "--reader", "Virtual PCD 00 00", "--lang", "en")
    finally:
        holder.close()
    assert french.returncode == 2 and english.returncode == 2
    assert "le lecteur « Virtual PCD 00 00 » est utilisé en exclusivité par une autre application" in french.stderr
    assert "reader “Virtual PCD 00 00” is in exclusive use by another application" in english.stderr
    gone = cards_cli("probe", "--reader", "Lecteur débranché", env={"TESTBENCH_LANG": "fr"})
    assert gone.returncode == 2 and "1 lecteur absent : Lecteur débranché (présents : " in gone.stderr
    empty = cards_cli("probe", "--reader", "Virtual PCD 00 01", "--lang", "en")
    assert empty.returncode == 2 and "no card in reader “Virtual PCD 00 01”" in empty.stderr
    for err in (french.stderr, english.stderr, gone.stderr, empty.stderr):
        assert not any(raw in err for raw in RAW), err


def test_an_unknown_code_keeps_its_number_for_a_support_request() -> None:
    text = pcsc_errors.pcsc_message(0x80100099, "R", lang="en", fallback="connexion impossible au lecteur « {reader} »")
    assert text == "cannot connect to reader “R” (PC/SC code 0x80100099)"


def test_operator_mode_refuses_to_run_without_pcsc_rather_than_cards_nobody_inserted(tmp_path: Path) -> None:
    """In operator mode the product under test reads the cards itself: in-memory cards (``--cards auto``'s
    fallback) are cards no application can read, and the book would say « carte de test acceptée » for cards
    nobody inserted. The run is refused before any case, the way a physical reader without pcscd is."""
    session = tmp_path / "op.tbsession"
    argv = ("run", str(CASEBOOKS_DIR / "demo.xml"), "-k", "DEMO-FSE-001", "--engine", "operator")
    result = subprocess.run(
        [sys.executable, "-m", "testbench", *argv, "--session", str(session)],
        capture_output=True, text=True, timeout=60, env={**os.environ, **no_service(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert "pile PC/SC indisponible" in result.stdout + result.stderr
    assert "lecteur virtuel en mémoire utilisé à la place" not in result.stdout + result.stderr
