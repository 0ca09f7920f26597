"""A Vitale 1 read in pieces leaks no name in hex (privacy audit, finding 3).

A Vitale 1 is read by address (``BC B0 AH AL Le``), in pieces the reader chooses: a piece may start inside a
name, where the structure cannot tell it from the rest. The bench's own reader cuts its pieces where objects
end, and the exports mask a piece that starts elsewhere whole, whoever read it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from test_privacy_exports import cli, exported_texts

from testbench.cards.api import ApduExchange
from testbench.cards.trace import exchange_record
from testbench.cards.virtual import build_card
from testbench.cards.vitale1 import START, Vitale1Card, read_binary
from testbench.paths import CARD_PROFILES_DIR
from testbench.runner.tracing import format_apdu
from testbench.traces.redact import Redactor

LONG_NAME = "FICTIF-DELAMOTTE-SAINTEMARI"
FIRST_NAMES = ("CLAIRE-MARGUERITE", "MARC-ANTOINE", "LOUIS-PHILIPPE")


def _profile(work: Path) -> Path:
    """vitale2-family as a Vitale 1 whose five beneficiaries have long names (a long identity zone)."""
    text = (CARD_PROFILES_DIR / "vitale2-family.xml").read_text(encoding="utf-8")
    text = text.replace('kind="vitale2"', 'kind="vitale1"').replace('id="vitale2-family"', 'id="v1-family"')
    text = re.sub(r"<atr>[^<]*</atr>", "<atr>3F 65 25 00 22 09 69 90 00</atr>", text)
    text = text.replace(' end="2030-12-31"', "").replace('name="FICTIF"', f'name="{LONG_NAME}"')
    for short, long in zip(("CLAIRE", "MARC", "LOUIS"), FIRST_NAMES, strict=True):
        text = text.replace(f'first-name="{short}"', f'first-name="{long}"')
    path = work / "cards" / "v1-family.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _pieces(words: tuple[str, ...]) -> set[str]:
    """Every 4 letters of the names, as spaced hex (a piece that starts inside a name shows its end)."""
    return {" ".join(f"{ord(c):02X}" for c in w[i : i + 4]) for w in words for i in range(len(w) - 3)}


def test_a_product_reading_a_vitale1_in_any_pieces_leaks_no_name(tmp_path: Path) -> None:
    card = build_card(_profile(tmp_path))
    assert isinstance(card, Vitale1Card)
    card.power_on()
    redactor = Redactor()  # no known value: the structure alone must hide them
    needles = _pieces((LONG_NAME, *FIRST_NAMES))
    for size in (7, 0x1E, 0x40, 0xF8):
        lines = []
        for address in range(START, START + len(card.memory), size):
            answer = card.process(read_binary(address, min(size, START + len(card.memory) - address)))
            ex = ApduExchange("vitale", "lecteur", read_binary(address, size), answer[:-2], 0x9000, 10)
            lines += [format_apdu(ex), str(exchange_record(ex)).replace("'", '"')]
        masked = "\n".join(redactor.redact(line) for line in lines)
        clear = "\n".join(lines)
        assert any(n in clear.replace(" ", "") or n in clear for n in needles)  # the names were there
        leaked = sorted(n for n in needles if n in masked or n.replace(" ", "") in masked)
        assert not leaked, (size, leaked[:5])
        assert "‹données de carte masquées" in masked or size == 0xF8


def test_the_bench_reads_a_long_vitale1_in_whole_objects_and_its_exports_hold_no_name(tmp_path: Path) -> None:
    _profile(tmp_path)
    book = tmp_path / "v1.xml"
    book.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<casebook xmlns="urn:testbench:casebook:1" format-version="1">'
        "<identity><plan-id>PDT-V1</plan-id><evolution>EV000</evolution><document-version>01.00"
        "</document-version><effective-date>2026-01-01</effective-date><cdc-version>1.40</cdc-version>"
        "<addendum>8</addendum><ps-category>demonstration</ps-category><title>Vitale 1 longue</title>"
        '</identity><fixtures><card id="v1" profile="cards/v1-family.xml"/></fixtures><cases>'
        '<case id="CARD-READ-002" domain="cards" mode="none"><title>Carte Vitale 1 : bénéficiaire lu</title>'
        "<objective>Le nom du bénéficiaire vient de la carte.</objective>"
        '<cards><card slot="vitale" ref="v1"/></cards><steps><read-vitale id="s-vitale" beneficiary="1"/></steps>'
        '<expectations><value id="e1" step="s-vitale" path="vitale.beneficiaries[0].rank" type="integer"'
        ' expected="1"/></expectations></case></cases></casebook>\n',
        encoding="utf-8",
    )
    proc = cli(
        "run", book, "--session", tmp_path / "v1.tbsession", "--report", tmp_path / "rep-v1", "--cards", "inprocess",
        cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = (tmp_path / "rep-v1" / "report.json").read_text(encoding="utf-8")
    reads = re.findall(r"A>> BC B0 (?!02 00)[^\n\"]*", report)
    assert len(reads) > 4, reads  # the zones, the identities in several pieces
    assert all(re.search(r"A<< (65|66|E5) ", r) for r in reads), reads  # each piece starts with an object
    texts = list(exported_texts([tmp_path / "rep-v1"]))
    needles = _pieces((LONG_NAME, *FIRST_NAMES))
    leaked = sorted({(name, n) for name, text in texts for n in needles if n in text})
    assert not leaked, leaked[:5]
    shutil.rmtree(tmp_path / "cards")
