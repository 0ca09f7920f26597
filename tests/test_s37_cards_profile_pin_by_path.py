"""Audit s37: the test PIN of a card profile kept outside the bench's ``casebooks/cards`` (a casebook's own profile,
given by path) is masked after the word « code » like a bundled card's — in the session and in every export. Before,
only the bundled profiles' codes were known: « le code 5813 a été saisi » reached the session file and the report."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from testbench.cards.profile import load_profile
from testbench.cli.main import main
from testbench.paths import CARD_PROFILES_DIR, CASEBOOKS_DIR
from testbench.traces.pin_words import known_test_pins, pin_free
from testbench.traces.redact import Redactor

CODE = "5813"  # no bundled card's code
NOTE = f"le code {CODE} a été saisi sur le lecteur"


def _own_profile(folder: Path) -> Path:
    """The bundled CPS3 profile copied to ``folder`` with another PIN."""
    folder.mkdir(parents=True, exist_ok=True)
    for src in CARD_PROFILES_DIR.glob("*.xml"):
        shutil.copy(src, folder / src.name)
    own = folder / "cps3-psad-lpp.xml"
    own.write_text(own.read_text(encoding="utf-8").replace('code="4719"', f'code="{CODE}"'), encoding="utf-8")
    return own


def test_a_profile_read_by_path_makes_its_code_known(tmp_path: Path) -> None:
    assert CODE not in known_test_pins() or pytest.skip("another test of this process read the profile already")
    load_profile(_own_profile(tmp_path / "mine"))
    assert pin_free(NOTE) == "le code ‹PIN› a été saisi sur le lecteur"
    assert Redactor().redact(NOTE) == "le code ‹PIN› a été saisi sur le lecteur"
    assert pin_free("code postal 75011") == "code postal 75011"


def test_a_casebook_s_own_profile_code_reaches_neither_the_session_nor_the_junit(tmp_path: Path) -> None:
    work = tmp_path / "exam"
    _own_profile(work / "cards")
    shutil.copy(CASEBOOKS_DIR / "demo.xml", work / "demo.xml")
    attestations = work / "att.json"
    attestations.write_text(json.dumps({
        "operator": "essai",
        "DEMO-FSE-030/m-paper": {
            "confirmed": True, "note": NOTE, "values": {"manual.paper_printed": "true", "manual.paper_total": "5.90"},
        },
    }), encoding="utf-8")  # fmt: skip
    session, junit = work / "s.tbsession", work / "junit.xml"
    argv = ["run", str(work / "demo.xml"), "--session", str(session), "--attestations", str(attestations),
            "--engine", "inprocess", "--cards", "inprocess", "-k", "DEMO-FSE-030", "--junit", str(junit)]  # fmt: skip
    assert main(argv) in (0, 1)
    with sqlite3.connect(session) as db:
        texts = [
            str(value)
            for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
            for row in db.execute(f'SELECT * FROM "{table}"').fetchall()
            for value in row
            if isinstance(value, str)
        ]
    assert any("le code ‹PIN› a été saisi" in text for text in texts)
    assert not [text for text in texts if f"code {CODE}" in text]
    assert f"code {CODE}" not in junit.read_text(encoding="utf-8")
