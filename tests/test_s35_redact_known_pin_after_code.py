"""A test card's PIN written after the word « code » (« code 4719 », « code : 4719 », « le code est 4719 », « saisi le
code 4719 sur le lecteur », « code carte 4719 ») is masked at capture and in every text the session keeps: the bench
knows its test cards' codes, so no label is needed (audit s35: an attestation note and a review's reason kept « code
4719 », the PIN of cps3-psad-lpp). A number that is no test card's code stays: « nouveau code postal 75011 »."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cards.profile import next_test_pin
from testbench.paths import CASEBOOKS_DIR
from testbench.traces.pin_words import known_test_pins, may_hold_pin, pin_free
from testbench.traces.redact import redact, redact_pins


def test_the_known_codes_are_the_bench_s_test_cards() -> None:
    codes = known_test_pins()
    # cps3-psad-lpp: its PIN, the PIN a change sets (no new-code: each digit plus one) and its unblock code
    assert {"4719", next_test_pin("4719"), "27183645"} <= codes
    assert {"7031", "2956"} <= codes  # cps3-pin-last-try's new-code and PIN
    assert "10" not in codes and "60" not in codes  # a profession's code is no PIN


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("feuille éditée pour le patient, code 4719", "feuille éditée pour le patient, code ‹PIN›"),
        ("code : 4719", "code : ‹PIN›"),
        ("Code:4719 ok", "Code:‹PIN› ok"),
        ("le code est 4719", "le code est ‹PIN›"),
        ("saisi le code 4719 sur le lecteur", "saisi le code ‹PIN› sur le lecteur"),
        ("code carte 4719", "code carte ‹PIN›"),
        ("code de déblocage utilisé : 27183645", "code de déblocage utilisé : ‹PIN›"),
    ],
)
def test_a_known_code_after_the_word_code_is_masked(text: str, masked: str) -> None:
    assert may_hold_pin(text)
    assert redact_pins(text) == masked
    assert pin_free(text) == masked
    assert redact(text) == masked


@pytest.mark.parametrize(
    "text",
    ["nouveau code postal 75011", "code retour 0", "code 47190", "code article 12345", "facture 4719 payée", "code"],
)
def test_a_number_that_is_no_known_code_stays(text: str) -> None:
    assert redact_pins(text) == text


def test_a_review_s_reason_keeps_no_known_code_in_the_session_nor_the_report(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "TESTBENCH_LANG": "fr"}

    def testbench(*argv: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "testbench", *argv]
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=180)

    run = testbench("run", str(CASEBOOKS_DIR / "demo.xml"), "-k", "DEMO-FSE-001", "--session", "s.tbsession",
                    "--cards", "inprocess")
    assert run.returncode == 0, run.stderr
    assert testbench("keys", "init").returncode == 0
    reason = "vu avec le patient, code 4719, nouveau code postal 75011"
    review = testbench("review", "s.tbsession", "DEMO-FSE-001", "--comment", "--reason", reason)
    assert review.returncode == 0, review.stderr
    report = testbench("report", "s.tbsession", "-o", "rep")
    assert report.returncode == 0, report.stderr
    for path in (tmp_path / "s.tbsession", tmp_path / "rep" / "index.html", tmp_path / "rep" / "report.json"):
        data = path.read_bytes()
        assert b"code 4719" not in data, path
        assert "code ‹PIN›, nouveau code postal 75011".encode() in data, path
