"""A continued attempt names its files and its invoices as the person knows them (exam-day audit).

Assisted operator mode on a stand-in application (its files written by a process of its own, the real capture and
session file), the bench closed on the case's lot step, then continued, as the workstation does:

- the lot step of the continued attempt names the invoice as the operator knows it (« le lot de la facture de
  l'étape s-invoice du cas G-1 », as the securing named it by its step), never by the bench's own handle, which
  the application never showed: the invoices the attempt made before the bench was closed are named as when they
  were made;
- a lot file the application names in its Windows code page (cp1252 bytes on Linux) is no bench fault: the listing
  of the folders the session keeps while the step waits holds its readable name and, beside it, its real one, so
  that the file there before the step is still not the step's, and the one written while the bench was closed is
  read, kept whole under its readable name, and passes the case.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_operator_gap_capture import _bench  # its profile and casebook: invoice, securing, lot

from testbench.casebook.loader import load_casebook
from testbench.domain.attestation import Attestation
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.runner.resume import STEP_FILES_META
from testbench.store.read import read_session

ANSWERS: dict[str, dict[str, str]] = {
    "s-invoice": {"invoice.totals.amo": "33.60"},
    "s-secure": {"secure.status": "sécurisée"},
    "s-lot": {},
}

#: the application, a process of its own: a lot file named in cp1252 bytes (« B2_Frédéric_000002.lot »)
APPLICATION = """
import os, sys
folder, name, number = os.fsencode(sys.argv[1]), bytes.fromhex(sys.argv[2]), sys.argv[3]
with open(os.path.join(folder, b"out", b"lots", name), "wb") as lot:
    lot.write(("100" + number + "\\n190" + number + "\\n999\\n").encode("ascii"))
with open(os.path.join(folder, b"app.log"), "a", encoding="utf-8") as log:
    log.write(f"INFO Lot n°{number} télétransmis (1 facture)\\n")
"""
OLD = "B2_Hélène_000001.lot"  # there before the case: not the lot step's
NEW = "B2_Frédéric_000002.lot"  # written while the bench is closed: the lot step's


class Person:
    """The operator at the application: answers the steps of ``answers`` (None for the others: the bench is
    closed on them) and notes each instruction read."""

    def __init__(self, answers: dict[str, dict[str, str]]) -> None:
        self.answers = answers
        self.instructions: dict[str, str] = {}

    def perform(self, case: Any, step: Any) -> Attestation | None:
        self.instructions[step.id] = step.instruction
        if step.id not in self.answers:
            return None
        return Attestation(True, "Camille", values=self.answers[step.id])

    def notify(self, message: str) -> None:
        return None


def _run(app: Path, book: Path, session: Path, person: Person) -> dict[str, str]:
    options = CampaignOptions(
        BenchOptions(cards="inprocess", engine="operator", engine_timeout=1.0, sut_profile=app / "sut.toml")
    )
    casebook = load_casebook(book)
    campaign = Campaign([casebook], session, options, operator=person, notify=lambda _text: None)
    return campaign.run([(casebook, case) for case in casebook.cases]).verdicts


def _write(app: Path, name: str, number: str) -> None:
    raw = name.encode("cp1252").hex()
    subprocess.run([sys.executable, "-c", APPLICATION, str(app), raw, number], check=True, timeout=60)


def test_the_lot_step_of_a_continued_attempt_names_the_invoice_as_the_operator_knows_it(tmp_path: Path) -> None:
    app, book, session = _bench(tmp_path)
    first = Person({k: v for k, v in ANSWERS.items() if k != "s-lot"})
    assert _run(app, book, session, first) == {"G-1": "pending"}  # closed on the lot step
    assert first.instructions["s-secure"].startswith("Sécurisez dans le logiciel la facture de l'étape s-invoice")
    (app / "out" / "lots" / "B2_000002.lot").write_text("100000002\n190000002\n999\n", encoding="ascii")
    with (app / "app.log").open("a", encoding="utf-8") as log:
        log.write("INFO Lot n°000002 télétransmis (1 facture)\n")
    again = Person(ANSWERS)
    assert _run(app, book, session, again) == {"G-1": "pass"}
    with read_session(session) as view:
        handle = {o["path"]: o["value"] for o in view.observations(view.cases[0].latest.id)}["invoice.invoice_id"]
    lot = again.instructions["s-lot"]
    assert lot.startswith("Constituez dans le logiciel le lot de la facture de l'étape s-invoice du cas G-1."), lot
    assert handle not in lot, (handle, lot)


@pytest.mark.skipif(sys.platform == "win32", reason="Windows names are Unicode: no undecodable bytes")
def test_a_lot_named_in_cp1252_written_while_the_bench_was_closed_is_the_continued_steps_under_its_name(
    tmp_path: Path,
) -> None:
    app, book, session = _bench(tmp_path)
    _write(app, OLD, "000001")
    assert _run(app, book, session, Person({k: v for k, v in ANSWERS.items() if k != "s-lot"})) == {"G-1": "pending"}
    with read_session(session) as view:
        kept = view.meta[STEP_FILES_META]
    listing = json.loads(kept)["files"]
    assert OLD in kept and "\\udc" in kept, kept  # the name read, and the real one beside it (escaped)
    assert any(item[0].endswith(OLD) and os.path.exists(json.loads(item[3])) for item in listing["lot"]), listing
    _write(app, NEW, "000002")  # the bench closed
    assert _run(app, book, session, Person(ANSWERS)) == {"G-1": "pass"}
    with read_session(session) as view:
        attempt = view.cases[0].latest
        names = [a["name"] for a in view.artifacts(attempt.id)]
        lot = next(a for a in view.artifacts(attempt.id) if a["name"] == NEW)
        data = view.artifact_data(lot["sha256"])
        observed = {o["path"]: o for o in view.observations(attempt.id)}
    assert OLD not in names and NEW in names, names  # the file there before the step is not the step's
    assert data == b"100000002\n190000002\n999\n"  # byte for byte
    assert observed["lot.number"]["value"] == "000002"
    assert observed["lot.number"]["provenance"]["source"].endswith(NEW), observed["lot.number"]
    assert "conflict" not in observed["lot.number"]["provenance"], observed["lot.number"]
