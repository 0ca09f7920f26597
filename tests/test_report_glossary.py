"""The report links the glossary's terms of each case's objective and steps to a glossary section, and
reads each step as one plain instruction; in French by default, in English on request."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from fakes import FakeBay, FakeEngine, invoice_step, make_case, make_casebook, value
from lxml import etree

from testbench.casebook.model import Step, StepKind
from testbench.domain.glossary import glossary
from testbench.report.build import BuildOptions, build_report
from testbench.runner.campaign import record_casebooks
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.session import SessionStore

TERMS = {t.key: t for t in glossary()}


def make_session(tmp_path: Path) -> Path:
    manual = Step(id="m1", kind=StepKind.MANUAL, action="manual", instruction="Comparez le total de la FSE.")
    case = dataclasses.replace(
        make_case("GL-1", (invoice_step(), manual), (value("e1", "invoice.totals.amo", "33.60"),)),
        objective="Part AMO d'une location LPP sous le PLV.",
    )
    cb = make_casebook((case,), tmp_path)
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        record_casebooks(store, [cb])
        store.set_selection([(cb.sha256, c.id) for c in cb.cases])
        bay = FakeBay()
        recorder = TraceRecorder(writer=store.add_trace_lines)
        runner = Runner(store, FakeEngine(bay, trace=recorder.engine_sink), bay, recorder)
        runner.run(store.begin_run([], {}, {}), [(cb, case)])
    return session


def links(doc) -> dict[str, tuple[str, str]]:
    """Link text -> (href, title) of the glossary links of the page."""
    return {a.text: (a.get("href"), a.get("title")) for a in doc.xpath("//a[@class='term']")}


def test_terms_of_objective_and_steps_link_to_the_glossary_section(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    build_report(session, tmp_path / "r", BuildOptions())
    doc = etree.HTML((tmp_path / "r" / "index.html").read_text(encoding="utf-8"))
    found = links(doc)
    # the objective's and the steps' terms (the manual instruction's FSE too), each with its definition as title
    assert found["AMO"] == ("#glossaire-AMO", TERMS["AMO"].text("fr"))
    assert found["PLV"] == ("#glossaire-PLV", TERMS["PLV"].text("fr"))
    assert {"LPP", "FSE"} <= set(found)
    # every link lands on an entry of the glossary section, which defines no term the page does not use
    section = doc.xpath("//section[@id='glossaire']")[0]
    anchors = {dt.get("id") for dt in section.xpath(".//dt")}
    assert {href[1:] for href, _ in found.values()} == anchors
    assert "https://www.ameli.fr/" in section.xpath(".//a/@href")
    # the step reads as one instruction
    text = "".join(doc.xpath("//section[@class='case']//table[1]")[0].itertext())
    assert "Facturer à p1, soins du 15/01/2026 : LPP 1241763 × 4 à 14,00\u00a0€, sans tiers payant" in text
    data = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert data["cases"][0]["steps"][0]["sentence"].startswith("Facturer à p1")


def test_the_glossary_reads_in_english_on_request(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    build_report(session, tmp_path / "r", BuildOptions(lang="en"))
    doc = etree.HTML((tmp_path / "r" / "index.html").read_text(encoding="utf-8"))
    assert links(doc)["AMO"] == ("#glossaire-AMO", TERMS["AMO"].text("en"))
    section = doc.xpath("//section[@id='glossaire']")[0]
    assert section.xpath("./h2/text()") == ["Glossary"]
    assert TERMS["PLV"].text("en") in "".join(section.itertext())
    assert TERMS["PLV"].text("fr") not in "".join(section.itertext())
    text = "".join(doc.xpath("//section[@class='case']//table[1]")[0].itertext())
    assert "Bill p1, care on 2026-01-15: LPP 1241763 × 4 at €14.00, no third-party payment" in text


def test_a_text_repeated_by_every_case_is_searched_for_terms_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from testbench.domain import glossary as terms
    from testbench.report import glossary as report_glossary
    from testbench.report import html
    from testbench.report.content import gather
    from testbench.store.read import read_session

    with read_session(make_session(tmp_path)) as session:
        case = gather(session).data["cases"][0]
    searched: list[str] = []
    real = terms.find_terms
    monkeypatch.setattr(html, "terms_in", lambda texts: terms.terms_in(list(texts)))
    monkeypatch.setattr(terms, "find_terms", lambda text: searched.append(text) or real(text))
    monkeypatch.setattr(report_glossary, "find_terms", terms.find_terms)
    book = html.HtmlBook("fr")
    first = book.section(case)
    once = len(searched)
    assert [book.section(case) for _ in range(3)] == [first] * 3  # the same case again: nothing searched again
    assert len(searched) == once <= 2 * len(set(searched))  # once for the glossary's list, once linked
    assert {"AMO", "PLV", "FSE"} <= set(book.terms)
