"""The cover's cards say what the guard decided for each card, in words (audit of the exam book, item 1).

A real card (nature R) the guard refused for one case must not read « acceptée » on the cover because the
right test card was accepted for another case under the same casebook card; an emulated real card the guard
let through on purpose (the case expects it, to see the product refuse it) says why; a nature reads as words
(« carte de test », « carte réelle »), never as its code.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from lxml import html

from testbench.casebook.loader import load_casebook
from testbench.paths import CARD_PROFILES_DIR, CASEBOOKS_DIR
from testbench.report.build import BuildOptions, build_report
from testbench.report.cover import cover_fields
from testbench.report.jsonreport import schema
from testbench.runner.assemble import BenchOptions, assemble
from testbench.runner.campaign import record_casebooks
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.session import SessionStore

REAL = CARD_PROFILES_DIR / "vitale2-real-nature.xml"


def run_cases(session: Path, case_ids: tuple[str, ...], real_in: str | None = None) -> None:
    """The demo's cases in process with the real card guard; ``real_in``: the case whose Vitale reader gets the
    real-nature card instead of the casebook's test card."""
    casebook = load_casebook(CASEBOOKS_DIR / "demo.xml")
    store = SessionStore.open(session)
    record_casebooks(store, [casebook])
    recorder = TraceRecorder(writer=store.add_trace_lines)
    bench = assemble(BenchOptions(cards="inprocess", engine="inprocess"), recorder)
    present, current = bench.bay.present, []

    def presenting(slot: str, profile: Path) -> None:
        present(slot, REAL if slot == "vitale" and current[-1] == real_in else profile)

    bench.bay.present = presenting  # type: ignore[method-assign]
    runner = Runner(store, bench.engine, bench.bay, recorder, guard=bench.guard)
    try:
        run = store.begin_run([], {}, bench.description)
        for case_id in case_ids:
            current.append(case_id)
            runner.run(run, [(casebook, casebook.case(case_id))])
    finally:
        bench.close()
        store.close()


def cover_of(session: Path, out: Path, lang: str) -> tuple[dict, html.HtmlElement]:
    folder = build_report(session, out, BuildOptions(lang=lang, junit=False)).folder
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)  # the cards' new fields (1.7)
    return data["cover"], html.parse(str(folder / "index.html")).getroot()


def card_rows(page: html.HtmlElement) -> list[list[str]]:
    """The cover's card table (the table in the cover's table), cell by cell."""
    return [
        [td.text_content() for td in row.xpath("./td")] for row in page.xpath('//*[@id="cover"]//table//table//tr[td]')
    ]


def test_a_real_card_refused_for_one_case_is_listed_refused_beside_the_test_card_accepted_for_another(
    tmp_path: Path,
) -> None:
    for order in (("DEMO-FSE-006", "DEMO-FSE-001"), ("DEMO-FSE-001", "DEMO-FSE-006")):  # refused last, then first
        session = tmp_path / f"{order[0]}.tbsession"
        run_cases(session, order, real_in="DEMO-FSE-001")
        for lang, words in (
            ("fr", ("carte de test", "carte réelle", "acceptée", "refusée",
                    "carte réelle refusée : seules les cartes de test sont admises")),
            ("en", ("test card", "real card", "accepted", "refused", "real card refused: only test cards are allowed")),
        ):  # fmt: skip
            test_card, real_card, accepted, refused, why = words
            cover, page = cover_of(session, tmp_path / f"{order[0]}-{lang}", lang)
            cards = cover["cards"]
            vitale = [c for c in cards if c["slot"] == "vitale"]
            assert sorted((c["card"], c["nature"], c["guard"]) for c in vitale) == [
                ("vitale-std", "R", refused),  # the refusal is not hidden by the acceptance in the other case
                ("vitale-std", "T", accepted),
            ], vitale
            real = next(c for c in vitale if c["nature"] == "R")
            test = next(c for c in vitale if c["nature"] == "T")
            assert real["nature_label"] == real_card and test["nature_label"] == test_card
            assert why in real["guard_reason"], real
            assert "vitale2-real-nature" in real["found"] and "vitale2-adult-standard" in test["found"]
            assert test["guard_reason"] == ""  # a test card the case expects: nothing more to say
            rows = [r for r in card_rows(page) if r[0] == "vitale"]
            assert sorted(r[4] for r in rows) == sorted([real_card, test_card]), rows  # words, not « R »
            assert any(r[5].startswith(refused) and why in r[5] for r in rows), rows
            assert any(r[5] == accepted for r in rows), rows
            overview = next(f for f in cover_fields(cover, lang) if f.key == "cards")  # the workstation's line
            assert real_card in overview.value and test_card in overview.value and " R," not in overview.value


def test_an_emulated_real_card_the_case_expects_is_accepted_and_the_cover_says_why(tmp_path: Path) -> None:
    """DEMO-CARDS-002 expects the real-nature card, which the in-process bay emulates: the guard lets it through
    so that the product's own refusal (CARD_NOT_TEST) can be seen — the cover says so, not a bare « acceptée »."""
    session = tmp_path / "s.tbsession"
    run_cases(session, ("DEMO-CARDS-002",))
    for lang, words in (
        ("fr", ("carte réelle", "acceptée", "carte réelle émulée par le banc, que le cas attend")),
        ("en", ("real card", "accepted", "real card emulated by the bench, which the case expects")),
    ):
        label, accepted, why = words
        why += " — DEMO-CARDS-002 (" + ("tentative" if lang == "fr" else "attempt") + " 1)"  # a real card: where
        cover, page = cover_of(session, tmp_path / lang, lang)
        cards = cover["cards"]
        assert [(c["card"], c["nature"], c["nature_label"], c["guard"], c["guard_reason"]) for c in cards] == [
            ("vitale-real", "R", label, accepted, why)
        ], cards
        assert card_rows(page)[0][4:] == [label, accepted + why], card_rows(page)
