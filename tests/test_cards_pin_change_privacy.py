"""PIN change and unblock as casebook steps, through the command line, in process and through pcscd.

A generated casebook changes, verifies, changes back and unblocks the test PINs of four CPS profiles,
expecting ``pin.status``, ``pin.tries_left`` and the refusals. Then, in the style of
tests/test_privacy_exports.py: no PIN, no PIN a change set, no unblock code appears in the session file
or in any export (report with and without redaction, JUnit), in clear, in hex or in base64.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from test_privacy_exports import _without_digests, cli, exported_texts, leaks, pin_needles

from testbench.cards.profile import load_profile
from testbench.paths import CARD_PROFILES_DIR

PROFILES = ("cps3-psad-lpp", "cps3-pin-blocked", "cps3-unblock-blocked", "cps3-pin-last-try")


def _value(eid: str, step: str, path: str, kind: str, expected: str) -> str:
    return f'<value id="{eid}" step="{step}" path="{path}" type="{kind}" expected="{expected}"/>'


#: case id -> (profile, steps, expectations). A value is read from the case's observations at its end
#: (the last step of a root wins), so the steps before it pass only when the card accepts them: a
#: verify-pin after a change-pin is refused (PIN_WRONG) unless the bench sent the new PIN.
CASES = {
    "PIN-CHANGE": (
        "cps3-psad-lpp",
        '<read-cps id="s0"/><change-pin id="s1"/><verify-pin id="s2"/><change-pin id="s3"/>',
        _value("e1", "s3", "pin.status", "string", "changed") + _value("e2", "s3", "pin.tries_left", "integer", "3"),
    ),
    "PIN-CHANGE-BACK": (
        "cps3-psad-lpp",
        '<change-pin id="s1"/><change-pin id="s2"/><verify-pin id="s3"/>',
        _value("e1", "s3", "pin.status", "string", "verified"),
    ),
    "PIN-UNBLOCK": (
        "cps3-pin-blocked",
        '<verify-pin id="s0"/><unblock-pin id="s1"/>',
        '<refusal id="e0" step="s0" code="PIN_BLOCKED"/>'
        + _value("e1", "s1", "pin.status", "string", "unblocked")
        + _value("e2", "s1", "pin.tries_left", "integer", "3"),
    ),
    "PIN-UNBLOCK-CHANGE": (
        "cps3-pin-blocked",
        '<unblock-pin id="s1"/><verify-pin id="s2"/><change-pin id="s3"/>',
        _value("e1", "s3", "pin.status", "string", "changed"),
    ),
    "PIN-DEAD": (
        "cps3-unblock-blocked",
        '<unblock-pin id="s1"/>',
        '<refusal id="e1" step="s1" code="UNBLOCK_BLOCKED"/>',
    ),
    "PIN-LOW": (
        "cps3-pin-last-try",
        '<change-pin id="s0"/><unblock-pin id="s1"/><change-pin id="s2"/><verify-pin id="s3"/>',
        '<refusal id="e0" step="s0" code="PIN_TRIES_LOW"/>' + _value("e1", "s3", "pin.status", "string", "verified"),
    ),
}


def casebook() -> str:
    fixtures = "".join(f'<card id="{p}" profile="cards/{p}.xml"/>' for p in PROFILES)
    cases = "".join(
        f'<case id="{cid}" domain="cards" mode="none"><title>Code porteur {cid}</title>'
        f"<objective>Changer et débloquer le code porteur de test.</objective>"
        f'<cards><card slot="cps" ref="{profile}"/></cards><steps>{steps}</steps>'
        f"<expectations>{expectations}</expectations></case>"
        for cid, (profile, steps, expectations) in CASES.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<casebook xmlns="urn:testbench:casebook:1" format-version="1">'
        "<identity><plan-id>PDT-PIN</plan-id><evolution>EV000</evolution><document-version>01.00"
        "</document-version><effective-date>2026-01-01</effective-date><cdc-version>1.40</cdc-version>"
        "<addendum>8</addendum><ps-category>demonstration</ps-category><title>Code porteur CPS</title>"
        f"</identity><fixtures>{fixtures}</fixtures><cases>{cases}</cases></casebook>\n"
    )


def secrets() -> list[str]:
    out = []
    for name in PROFILES:
        pin = load_profile(CARD_PROFILES_DIR / f"{name}.xml").pin
        assert pin is not None and pin.reveal_unblock()
        out += [pin.reveal(), pin.reveal_new(), pin.reveal_unblock() or ""]
    return out


def run_and_search(work: Path, cards: str, env: dict[str, str] | None = None) -> None:
    shutil.copytree(CARD_PROFILES_DIR, work / "cards")
    book = work / "pin.xml"
    book.write_text(casebook(), encoding="utf-8")
    session = work / "pin.tbsession"
    proc = cli(
        "run", book, "--session", session, "--cards", cards, "--report", work / "report",
        "--junit", work / "junit.xml", cwd=work, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr  # every case passes: the steps really ran
    conn = sqlite3.connect(session)
    verdicts = dict(conn.execute("SELECT case_id, verdict FROM attempts").fetchall())
    apdu = "\n".join(t for (t,) in conn.execute("SELECT text FROM trace_lines WHERE channel = 'apdu'"))
    environment = conn.execute("SELECT environment FROM runs").fetchone()[0]
    conn.close()
    assert verdicts == dict.fromkeys(CASES, "pass"), verdicts
    assert "00 24 00 81 10 2A 2A" in apdu and "00 2C 01 81 08 2A 2A" in apdu  # the commands went, masked
    if cards == "pcsc":
        assert "pcscd" in environment, environment
    proc = cli("report", session, "-o", work / "report-raw", "--no-redact", cwd=work)
    assert proc.returncode == 0, proc.stderr
    texts = list(exported_texts([work / "report", work / "junit.xml", work / "report-raw"]))
    for path in (session, session.with_name(session.name + "-wal")):
        if path.exists():
            texts.append((str(path), _without_digests(path.read_bytes().decode("latin-1"))))
    found = leaks(texts, [("code", pin_needles(code)) for code in secrets()])
    assert not found, "\n".join(found[:20])


def test_pin_steps_in_process_leave_no_code_anywhere(tmp_path: Path) -> None:
    run_and_search(tmp_path, "inprocess")


@pytest.mark.integration
def test_pin_steps_through_pcscd_leave_no_code_anywhere(vpcd_lock: list[str], tmp_path: Path) -> None:
    run_and_search(tmp_path, "pcsc", {"PCSCD_EXTERNAL": "1"})
