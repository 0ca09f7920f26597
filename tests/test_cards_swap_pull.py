"""A card pulled or swapped for another patient's mid-case, as casebook steps (issue 15 §3).

Documented in docs/cards.md §6.2: after ``<remove-card>``, a step that needs that card is refused
``NO_CARD`` (the engine's answer to an empty reader, or the bench's own for a PIN step); securing an
invoice in sécurisé mode needs the Vitale card read for it still in its reader (``NO_CARD`` when pulled,
``CARD_SWAPPED`` when another patient's card took its place); ``<insert-card>`` is checked by the guard
and says ``cards.<slot>.swapped``. A card missing without the case saying so stays the bench's trouble
(inconclusive). The whole casebook runs through the command line, in process and through pcscd with the
out-of-process reference engine; the Vitale 1 case reads that card by its own path.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from test_privacy_exports import cli

from testbench.cards.api import CardUnavailable
from testbench.cards.bay import PcscBay
from testbench.cards.inprocess import InProcessBay
from testbench.casebook.loader import load_casebook
from testbench.domain.refusal import EngineRefusal
from testbench.engines.reference.engine import ReferenceEngine
from testbench.paths import CARD_PROFILES_DIR

LINE = '<line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00" tariff="14.00" plv="14.00"/>'
INVOICE = f'<invoice id="{{id}}" patient="{{patient}}" care-date="2026-01-12" tiers-payant="amo">{LINE}</invoice>'
START = '<read-cps id="s-cps"/><verify-pin id="s-pin"/><read-vitale id="s-vitale" beneficiary="1"/>'


def _invoice(step_id: str, patient: str = "p-std") -> str:
    return INVOICE.replace("{id}", step_id).replace("{patient}", patient)


#: case id -> (mode, vitale card, steps, expectations)
CASES = {
    "PULL-READ": (
        "none",
        "v-std",
        '<remove-card id="s-pull" slot="vitale"/><read-vitale id="s-read" beneficiary="1"/>',
        '<refusal id="e1" step="s-read" code="NO_CARD"/>'
        '<value id="e2" step="s-pull" path="cards.vitale.removed" type="boolean" expected="true"/>',
    ),
    "PULL-PIN": (
        "none",
        "v-std",
        '<remove-card id="s-pull" slot="cps"/><verify-pin id="s-pin"/>',
        '<refusal id="e1" step="s-pin" code="NO_CARD"/>',
    ),
    "PULL-SECURE": (
        "securise",
        "v-std",
        START + _invoice("s-inv") + '<remove-card id="s-pull" slot="vitale"/><secure id="s-secure"/>',
        '<refusal id="e1" step="s-secure" code="NO_CARD"/>',
    ),
    "SWAP-SECURE": (
        "securise",
        "v-std",
        START + _invoice("s-inv") + '<insert-card id="s-swap" slot="vitale" card="v-ald"/><secure id="s-secure"/>',
        '<refusal id="e1" step="s-secure" code="CARD_SWAPPED"/>'
        '<value id="e2" step="s-swap" path="cards.vitale.swapped" type="boolean" expected="true"/>',
    ),
    "SWAP-REREAD": (
        "securise",
        "v-std",
        START
        + _invoice("s-inv")
        + '<secure id="s-sec-1"/><insert-card id="s-swap" slot="vitale" card="v-ald"/>'
        + '<read-vitale id="s-read-2" beneficiary="1"/>'
        + _invoice("s-inv-2", "p-ald")
        + '<secure id="s-sec-2"/>',
        '<value id="e1" step="s-sec-2" path="secure.status" type="string" expected="secured"/>'
        '<value id="e2" step="s-swap" path="cards.vitale.swapped" type="boolean" expected="true"/>',
    ),
    "PULL-REINSERT": (
        "securise",
        "v-std",
        START + _invoice("s-inv") + '<remove-card id="s-pull" slot="vitale"/>'
        '<insert-card id="s-back" slot="vitale" card="v-std"/><secure id="s-secure"/>',
        '<value id="e1" step="s-secure" path="secure.status" type="string" expected="secured"/>'
        '<value id="e2" step="s-back" path="cards.vitale.swapped" type="boolean" expected="false"/>',
    ),
    "VITALE1-SECURE": (
        "securise",
        "v-1",
        START + _invoice("s-inv", "p-1") + '<secure id="s-secure"/>',
        '<value id="e1" step="s-secure" path="secure.status" type="string" expected="secured"/>'
        '<value id="e2" step="s-inv" path="invoice.totals.amo" type="decimal" expected="33.60"/>',
    ),
}


def casebook(cases: dict[str, tuple[str, str, str, str]] = CASES) -> str:
    fixtures = (
        '<card id="cps" profile="cards/cps3-psad-lpp.xml"/>'
        '<card id="v-std" profile="cards/vitale2-adult-standard.xml"/>'
        '<card id="v-ald" profile="cards/vitale2-ald.xml"/><card id="v-1" profile="cards/vitale1-adult.xml"/>'
        '<patient id="p-std" card="v-std" rank="1"/><patient id="p-ald" card="v-ald" rank="1"/>'
        '<patient id="p-1" card="v-1" rank="1"/>'
    )
    cases = "".join(
        f'<case id="{cid}" domain="{"fse" if mode == "securise" else "cards"}" mode="{mode}">'
        f"<title>Carte retirée ou échangée {cid}</title><objective>Robustesse carte.</objective>"
        f'<cards><card slot="cps" ref="cps"/><card slot="vitale" ref="{vitale}"/></cards>'
        f"<steps>{steps}</steps><expectations>{expectations}</expectations></case>"
        for cid, (mode, vitale, steps, expectations) in cases.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<casebook xmlns="urn:testbench:casebook:1" format-version="1">'
        "<identity><plan-id>PDT-CARDS</plan-id><evolution>EV000</evolution><document-version>01.00"
        "</document-version><effective-date>2026-01-01</effective-date><cdc-version>1.40</cdc-version>"
        "<addendum>8</addendum><ps-category>psad</ps-category><title>Robustesse carte</title>"
        f"</identity><fixtures>{fixtures}</fixtures><cases>{cases}</cases></casebook>\n"
    )


def _write(work: Path, cases: dict[str, tuple[str, str, str, str]] = CASES) -> Path:
    shutil.copytree(CARD_PROFILES_DIR, work / "cards")
    book = work / "cards-robustness.xml"
    book.write_text(casebook(cases), encoding="utf-8")
    return book


def run(work: Path, cards: str, env: dict[str, str] | None = None) -> dict[str, str]:
    session = work / "s.tbsession"
    proc = cli("run", _write(work), "--session", session, "--cards", cards, cwd=work, env=env)
    conn = sqlite3.connect(session)
    verdicts = dict(conn.execute("SELECT case_id, verdict FROM attempts").fetchall())
    environment = conn.execute("SELECT environment FROM runs").fetchone()[0]
    conn.close()
    assert verdicts == dict.fromkeys(CASES, "pass"), proc.stdout + proc.stderr
    assert proc.returncode == 0
    return {"environment": environment}


def test_the_casebook_validates(tmp_path: Path) -> None:
    book = load_casebook(_write(tmp_path))
    assert [c.id for c in book.cases] == list(CASES)


def test_pulled_and_swapped_cards_in_process(tmp_path: Path) -> None:
    run(tmp_path, "inprocess")


@pytest.mark.integration
def test_pulled_and_swapped_cards_through_pcscd(vpcd_lock: list[str], tmp_path: Path) -> None:
    assert "pcscd" in run(tmp_path, "pcsc", {"PCSCD_EXTERNAL": "1"})["environment"]


def test_a_card_missing_without_the_case_saying_so_is_inconclusive(tmp_path: Path) -> None:
    """The bench lost the card (no remove-card step): the engine's NO_CARD is not the product's fault."""
    from testbench.casebook.model import Step, StepKind
    from testbench.runner import actions

    book = load_casebook(_write(tmp_path))
    bay = InProcessBay()
    engine = ReferenceEngine(channel=bay)
    ctx = actions.ActionContext(book, book.case("PULL-READ"), engine, bay, "T-1")
    read = Step(id="s-read", kind=StepKind.ACTION, action="read-vitale", params={"slot": "vitale"})
    with pytest.raises(CardUnavailable):
        actions.perform(ctx, read)  # nothing was ever inserted, and no step emptied the slot
    ctx.emptied["vitale"] = "s-pull"
    with pytest.raises(EngineRefusal) as refused:
        actions.perform(ctx, read)
    assert refused.value.code == "NO_CARD"


def test_securing_checks_the_card_of_an_invoice_made_from_it_only() -> None:
    """The reference engine's rule, unit by unit: CARD_SWAPPED, NO_CARD, and no check at all for an
    invoice whose beneficiary is not on the card read (a patient from a fixture, an ApCV, another case)."""
    from tests.test_engine_rules import line, request

    bay = InProcessBay()
    bay.present("vitale", CARD_PROFILES_DIR / "vitale2-adult-standard.xml")
    engine = ReferenceEngine(channel=bay)
    nir = engine.read_vitale("vitale")["beneficiaries"][0]["nir"]
    lpp = [line("1241763", "4", unit_price="14.00", tariff="14.00", plv="14.00")]
    ben = {"nir": nir, "rank": 1, "regime": "01", "coverage": {}}
    mine = engine.create_invoice(request(lpp, "2026-01-12", beneficiary=ben, invoice_ref="A"))["invoice_id"]
    elsewhere = engine.create_invoice(request(lpp, "2026-01-12", invoice_ref="B"))["invoice_id"]
    bay.present("vitale", CARD_PROFILES_DIR / "vitale2-ald.xml")
    with pytest.raises(EngineRefusal) as swapped:
        engine.secure_invoice({"invoice_id": mine})
    assert swapped.value.code == "CARD_SWAPPED"
    assert engine.secure_invoice({"invoice_id": elsewhere})["status"] == "secured"
    bay.remove("vitale")
    with pytest.raises(EngineRefusal) as pulled:
        engine.secure_invoice({"invoice_id": mine})
    assert pulled.value.code == "NO_CARD"
    bay.present("vitale", CARD_PROFILES_DIR / "vitale2-adult-standard.xml")
    assert engine.secure_invoice({"invoice_id": mine})["status"] == "secured"


def test_the_checks_accept_a_pulled_card_only_where_its_refusal_is_expected(tmp_path: Path) -> None:
    from testbench.casebook.loader import check_casebook

    pulled = CASES["PULL-READ"]
    cases = {
        "OK": pulled,
        "NOT-EXPECTED": (
            "none",
            "v-std",
            pulled[2],
            '<value id="e2" step="s-pull" path="cards.vitale.removed" type="boolean" expected="true"/>',
        ),
        "PIN-NO-CPS": (
            "none",
            "v-std",
            '<remove-card id="s-pull" slot="cps"/><change-pin id="s-pin"/>',
            '<value id="e1" step="s-pull" path="cards.cps.removed" type="boolean" expected="true"/>',
        ),
    }
    book = _write(tmp_path, cases)
    _, problems = check_casebook(book)
    messages = [str(p) for p in problems]
    assert len(messages) == 2, messages
    assert all("exige une carte dans le lecteur" in m for m in messages)
    assert "<read-vitale>" in messages[0] and "<change-pin>" in messages[1] and "« cps »" in messages[1]


@pytest.mark.integration
def test_an_engine_opening_its_own_readers_refuses_an_empty_one(pcsc_bay: PcscBay) -> None:
    """cards.mode = pcsc (the engine opens the readers itself): an empty reader is NO_CARD there too."""
    import sys

    from testbench.engines.protocol.client import SubprocessEngine

    pcsc_bay.present("vitale", CARD_PROFILES_DIR / "vitale1-adult.xml")
    pcsc_bay.release()
    readers = {slot: pcsc_bay.reader_name(slot) for slot in ("vitale", "cps")}
    serve = [sys.executable, "-m", "testbench", "engine", "serve"]
    engine = SubprocessEngine(serve, timeout=15, cards={"mode": "pcsc", "readers": readers})
    try:
        assert engine.read_vitale("vitale")["generation"] == 1  # the Vitale 1 path, from the engine's side
        with pytest.raises(EngineRefusal) as empty:
            engine.read_cps("cps")
        assert empty.value.code == "NO_CARD"
    finally:
        engine.close()


def test_a_continued_attempt_removes_again_the_card_its_finished_step_removed(tmp_path: Path) -> None:
    """An operator attempt continued after its remove-card step (runner.resume): the bench presented the
    case's cards again, so restoring that step pulls the card again, whose holder a later insert compares;
    before, only the bookkeeping was restored and the application could read the card the case had removed."""
    from testbench.runner import actions

    book = load_casebook(_write(tmp_path))
    case = book.case("PULL-READ")
    bay = InProcessBay()
    bay.present("vitale", book.fixtures.cards["v-std"].profile)  # as _prepare_cards leaves it
    ctx = actions.ActionContext(book, case, ReferenceEngine(channel=bay), bay, "T-1")
    pull = case.steps[0]
    actions.restore(ctx, pull, {"cards": {"vitale": {"removed": True}}})
    assert bay.presence("vitale") is None and ctx.emptied == {"vitale": "s-pull"}
    assert ctx.holders["vitale"] and ctx.by_step["s-pull"] == {"cards": {"vitale": {"removed": True}}}
    with pytest.raises(EngineRefusal) as refused:
        actions.perform(ctx, case.steps[1])  # the read the case expects to be refused
    assert refused.value.code == "NO_CARD"
