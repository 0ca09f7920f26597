"""Promises of docs/casebook-format.md that no other test held, through the real CLI and a real session file.

- Versions: « The version is in the namespace (`urn:testbench:casebook:1`) **and** in `format-version="1"` … The
  loader refuses a version it does not know. » — by `validate` (exit 3, `file:line:col`, French or English) and by
  `run`, which records nothing.
- The file: « Encoding **UTF-8** only (a UTF-8 byte order mark is accepted) », and « `Casebook.sha256` is the
  SHA-256 of the file's bytes (recorded in sessions and reports) » — the mark included, and the places of
  problems unmoved by it.
- « Only `validate` looks the codes up (not `--watch`, `run` nor the workstation) »: the warning for a code the
  reference engine's tables lack is `validate`'s alone (``test_s30_casebook_act_codes.py`` holds it through the
  API; here through the commands).
- « `run` and the workstation's runs read them [the card profiles] too and refuse such a casebook before anything
  is recorded »: the workstation's side (``run``'s is in ``test_authoring_audit_card_profile_slips.py``) — `x`
  with a malformed profile says it at its place and records no run, attempt nor event.
- « the loader writes the documented defaults so the runner never guesses »: an invoice without `tiers-payant`
  gets `none` (« written into params »; the line defaults and `slot` are in ``test_casebook_loader.py``).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from testbench.casebook.loader import load_casebook
from testbench.paths import CASEBOOKS_DIR

MINIMAL = (Path(__file__).resolve().parent / "data" / "casebooks" / "minimal.xml").read_text(encoding="utf-8")
PRICED = '<line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00" tariff="14.00" plv="14.00"/>'
SWAPPED = '<line nomenclature="LPP" code="1241736" quantity="4" unit-price="14.00"/>'  # no tariff, unknown code
WARNING = "attention : code LPP « 1241736 » absent des tables du moteur de référence"

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))
DEMO = (CASEBOOKS_DIR / "demo.xml").read_bytes()
BOM = b"\xef\xbb\xbf"
ATTESTATIONS = str(CASEBOOKS_DIR / "demo-attestations.json")
BENCH = ("--cards", "inprocess", "--engine", "inprocess", "--attestations", ATTESTATIONS)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(cwd)}
    return subprocess.run(
        [PYTHON, "-m", "testbench", *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env
    )


@pytest.fixture
def work(tmp_path: Path) -> Path:
    shutil.copytree(CASEBOOKS_DIR / "cards", tmp_path / "cards")
    return tmp_path


def _place(data: bytes, token: bytes) -> str:
    """``line:col`` of ``token`` (1-based, columns in characters) in ``data`` read as text."""
    text = data.decode("utf-8")
    before = text[: text.index(token.decode("utf-8"))]
    return f"{before.count(chr(10)) + 1}:{len(before) - (before.rfind(chr(10)) + 1) + 1}"


@pytest.mark.parametrize(
    ("old", "new", "token", "french", "english"),
    [
        (
            b'format-version="1"', b'format-version="2"', b'format-version="2"',
            "non conforme au schéma : <casebook>, attribut « format-version » : la valeur « 2 » n'est pas permise",
            'not valid against the schema: <casebook>, attribute “format-version”: the value “2” is not allowed',
        ),
        (
            b'xmlns="urn:testbench:casebook:1"', b'xmlns="urn:testbench:casebook:2"', b"<casebook",
            "espace de noms « urn:testbench:casebook:2 » inconnu",
            'unknown namespace “urn:testbench:casebook:2”',
        ),
    ],
    ids=["format-version", "namespace"],
)  # fmt: skip
def test_a_version_the_loader_does_not_know_is_refused_and_never_runs(
    work: Path, old: bytes, new: bytes, token: bytes, french: str, english: str
) -> None:
    assert DEMO.count(old) == 1, old
    data = DEMO.replace(old, new)
    (work / "v2.xml").write_bytes(data)
    for lang, said in (("fr", french), ("en", english)):
        checked = _cli("--lang", lang, "validate", "v2.xml", cwd=work)
        assert checked.returncode == 3 and checked.stdout == "", checked
        first = checked.stderr.splitlines()[0]
        assert first.startswith(f"v2.xml:{_place(data, token)}: {said}"), first
    ran = _cli("run", "v2.xml", "--session", "s.tbsession", *BENCH, cwd=work)
    assert ran.returncode == 3 and french in ran.stderr and "Traceback" not in ran.stderr, ran
    assert not (work / "s.tbsession").exists()  # nothing recorded


def test_a_byte_order_mark_is_accepted_and_counted_in_the_casebooks_identity(work: Path) -> None:
    (work / "bom.xml").write_bytes(BOM + DEMO)
    digest = hashlib.sha256(BOM + DEMO).hexdigest()
    assert digest != hashlib.sha256(DEMO).hexdigest()
    checked = _cli("validate", "bom.xml", cwd=work)
    assert checked.returncode == 0 and checked.stderr == "", checked
    assert checked.stdout == f"bom.xml : valide — PDT-DEMO-001 EV000 v01.00, 22 cas, sha256 {digest[:12]}\n"
    ran = _cli("run", "bom.xml", "--session", "s.tbsession", "-k", "id:DEMO-FSE-001", *BENCH, cwd=work)
    assert ran.returncode == 0, ran.stderr
    with sqlite3.connect(work / "s.tbsession") as conn:
        recorded = conn.execute("SELECT sha256, plan_id FROM casebooks").fetchall()
    conn.close()
    assert recorded == [(digest, "PDT-DEMO-001")]  # the file's bytes, mark included


def test_a_byte_order_mark_moves_no_problem(work: Path) -> None:
    """A problem's place is the same with or without the mark: it is not a character of the first line."""
    anchor = b"<plan-id>PDT-DEMO-001</plan-id>"
    broken = DEMO.replace(anchor, anchor + b"<bad/>", 1)
    (work / "plain.xml").write_bytes(broken)
    (work / "bom.xml").write_bytes(BOM + broken)
    places = []
    for name in ("plain.xml", "bom.xml"):
        checked = _cli("validate", name, cwd=work)
        assert checked.returncode == 3, checked
        places.append(checked.stderr.splitlines()[0].removeprefix(name))
    assert places[0] == places[1] and places[0].startswith(f":{_place(broken, b'<bad/>')}: "), places


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_only_validate_warns_of_a_code_the_tables_lack(tmp_path: Path) -> None:
    (tmp_path / "cards").mkdir()
    for card, profile in (("cps", "cps3-psad-lpp.xml"), ("vitale", "vitale2-adult-standard.xml")):
        shutil.copyfile(CASEBOOKS_DIR / "cards" / profile, tmp_path / "cards" / f"{card}.xml")
    assert MINIMAL.count(PRICED) == 1
    (tmp_path / "cb.xml").write_text(MINIMAL.replace(PRICED, SWAPPED), encoding="utf-8")
    checked = _cli("validate", "cb.xml", cwd=tmp_path)  # the control: validate does warn
    assert checked.returncode == 0 and WARNING in checked.stderr, checked

    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(tmp_path)}
    watching = subprocess.Popen(
        [PYTHON, "-m", "testbench", "validate", "--watch", "cb.xml"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env,
    )  # fmt: skip
    try:
        assert watching.stdout is not None
        first = [watching.stdout.readline() for _ in range(2)]  # the whole first result, then « surveillance »
        assert first[0].startswith("cb.xml : valide — ") and first[1].startswith("surveillance de 1 fichier"), first
        watching.send_signal(signal.SIGINT)
        out, err = watching.communicate(timeout=20)
    finally:
        if watching.poll() is None:
            watching.kill()
            watching.communicate(timeout=10)
    assert watching.returncode == 0 and "attention" not in out + err, (out, err)

    ran = _cli("run", "cb.xml", "--session", "s.tbsession", "--cards", "inprocess", "--engine", "inprocess",
               cwd=tmp_path)  # fmt: skip
    assert ran.returncode == 1 and "UNKNOWN_CODE" in ran.stderr, ran  # the engine refuses it at run time
    assert "attention" not in ran.stdout + ran.stderr, ran


def test_the_workstation_refuses_to_run_a_casebook_whose_profile_is_broken(tmp_path: Path) -> None:
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    from test_tui_helpers import toasts
    from test_tui_reload import app_on, write_casebook
    from textual.widgets import Tree

    path = write_casebook(tmp_path)
    profile = tmp_path / "cards" / "vitale2-adult-standard.xml"
    profile.write_text("<oops\n", encoding="utf-8")
    session = tmp_path / "reload.tbsession"
    tables = ("casebooks", "runs", "attempts", "events", "observations")

    def rows() -> dict[str, int]:
        if not session.exists():
            return {}
        with sqlite3.connect(session) as conn:
            counted = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        conn.close()
        return counted

    async def scenario() -> tuple[dict[str, int], list[str]]:
        app = app_on(path, tmp_path)
        async with app.run_test(size=(130, 40)) as pilot:
            await pilot.pause()
            before = rows()
            app.query_one("#tree", Tree).focus()
            await pilot.press("x")
            for _ in range(20):
                await pilot.pause(0.05)
            assert not app.running
            return before, toasts(app)

    before, said = asyncio.run(scenario())
    assert f"{profile}:2:1: profil de carte invalide : XML mal formé" in said, said
    assert rows() == before and before.get("runs", 0) == before.get("attempts", 0) == 0, (before, rows())


def test_an_invoice_without_tiers_payant_has_none_written_into_its_params() -> None:
    namespace = "{urn:testbench:casebook:1}"
    tree = ET.parse(CASEBOOKS_DIR / "demo.xml")
    unwritten = {
        (case.get("id"), invoice.get("id"))
        for case in tree.iter(f"{namespace}case")
        for invoice in case.iter(f"{namespace}invoice")
        if invoice.get("tiers-payant") is None
    }
    assert unwritten, "the demo casebook has an invoice without tiers-payant"
    casebook = load_casebook(CASEBOOKS_DIR / "demo.xml")
    for case_id, step_id in unwritten:
        (step,) = [s for s in casebook.case(case_id).steps if s.id == step_id]
        assert step.params["tiers-payant"] == "none", (case_id, step_id, step.params)
