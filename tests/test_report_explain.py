"""The exam book says what each case wants, for a reader without the bench's code: a refusal code reads with its
meaning in words (and says it is testbench's, never an official CNDA or GIE SESAM-Vitale code), a step id with its
instruction, a trace expectation as « une ligne du canal … correspondant au motif … » — required or forbidden —
with its pattern verbatim; the glossary section defines the codes and patterns the page shows. French and English.

Real sessions of the demo casebook (in-process cards and engine: the words are under test, not the bench).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from demo_books import case_section, page, parse
from lxml import etree

from testbench.cards import pin
from testbench.engines.reference.refusals import ALL_CODES, MEANINGS
from testbench.i18n import translator
from testbench.report import glossary, section
from testbench.report.content import gather
from testbench.report.html import HtmlBook, render_html
from testbench.report.jsonreport import schema
from testbench.report.options import Options
from testbench.store.read import read_session

NOT_OFFICIAL = {
    "fr": "pas un code officiel de la CNDA ni du GIE SESAM-Vitale",
    "en": "not an official code of the CNDA or of the GIE SESAM-Vitale",
}
OURS_SHORT = {"fr": "(code de testbench, non officiel)", "en": "(testbench code, not official)"}










def words(node: etree._Element) -> str:
    """A node's text as read: a table row's cells apart."""
    cells = node.xpath("./td")
    if cells:
        return " ".join(map(words, cells))
    return " ".join("".join(node.itertext()).split())




def expectation_row(dom: etree._Element, case_id: str, expectation: str) -> list[str]:
    """The cells of a case's expected/observed row, as text."""
    (row,) = case_section(dom, case_id).xpath(f".//tr[td[1][starts-with(normalize-space(.), '{expectation}')]]")
    return [words(td) for td in row.xpath("./td")]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_refusal_code_reads_with_its_meaning_and_says_it_is_ours(demo_books: dict[str, Path], lang: str) -> None:
    t = translator(lang)
    dom = page(demo_books[lang])
    meaning = t(MEANINGS["PRICE_ABOVE_PLV"])
    assert meaning != MEANINGS["PRICE_ABOVE_PLV"] or lang == "fr"
    # the expected code, its meaning below it, said to be ours; the observed one linked to the same definition
    expected, observed = expectation_row(dom, "DEMO-FSE-008", "r-plv")[1:3]
    assert expected == f"PRICE_ABOVE_PLV {meaning.rstrip('.')} {OURS_SHORT[lang]}"
    assert observed == "PRICE_ABOVE_PLV"
    links = case_section(dom, "DEMO-FSE-008").xpath(".//a[@class='term'][.='PRICE_ABOVE_PLV']/@href")
    assert links == ["#code-refus-PRICE_ABOVE_PLV"] * 3  # the refused step, the expected and the observed code
    # the refused step: its code linked, the engine's message, the meaning
    (refused,) = case_section(dom, "DEMO-CARDS-001").xpath(".//table[1]//tr[td[1]='s-pin']/td[3]")
    assert words(refused).startswith(t("refusée") + " — PIN_BLOCKED ")
    assert words(refused).endswith(f"{t(glossary.BENCH_CODES['PIN_BLOCKED'][0]).rstrip('.')} {OURS_SHORT[lang]}")
    # the glossary section defines each code the page links to, and no other; each one says it is not official
    (codes,) = dom.xpath("//section[@id='glossaire']//dl[dt[starts-with(@id, 'code-refus-')]]")
    defined = {dt.get("id"): words(dd) for dt, dd in zip(codes.xpath("./dt"), codes.xpath("./dd"), strict=True)}
    linked = {href[1:] for href in dom.xpath("//a[@class='term'][starts-with(@href, '#code-refus-')]/@href")}
    assert set(defined) == linked == {
        f"code-refus-{code}"
        for code in ("CARD_NOT_TEST", "DEPASSEMENT_NOT_ALLOWED_C2S", "INVALID_QUANTITY", "NO_TARIFF_AT_DATE",
                     "PIN_BLOCKED", "PRICE_ABOVE_PLV", "RIGHTS_EXPIRED")
    }  # fmt: skip
    assert all(NOT_OFFICIAL[lang] in text for text in defined.values())
    assert defined["code-refus-PRICE_ABOVE_PLV"].startswith(meaning)
    assert defined["code-refus-CARD_NOT_TEST"].startswith(t(MEANINGS["CARD_NOT_TEST"]))
    pin_blocked = f"{t(glossary.BENCH_CODES['PIN_BLOCKED'][0])} {t(glossary.CARDS_SOURCE)}"
    assert defined["code-refus-PIN_BLOCKED"] == pin_blocked
    heading = {"fr": "Codes de refus", "en": "Refusal codes"}[lang]
    assert dom.xpath("//section[@id='glossaire']/h3[@id='codes-refus']/text()") == [heading]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_step_id_reads_with_its_instruction(demo_books: dict[str, Path], demo_session: Path, lang: str) -> None:
    sentence = {
        "fr": "Facturer à p-std, soins du 12/01/2026 : LPP 1113930 × 13 à 21,00 €, tiers payant AMO",
        "en": "Bill p-std, care on 2026-01-12: LPP 1113930 × 13 at €21.00, "
        "tiers payant AMO (third-party payment by the AMO)",
    }[lang]
    step = {"fr": "Étape s-invoice : ", "en": "Step s-invoice: "}[lang]
    dom = page(demo_books[lang])
    failed = case_section(dom, "DEMO-FSE-099")
    # the expectations on a step under a row that says the step in words, once for the run of them
    (table,) = failed.xpath(".//h3[following-sibling::table][2]/following-sibling::table[1]")
    rows = [words(r) for r in table.xpath(".//tr[td][not(@class='comment')]")]  # an expectation's comment apart
    assert rows[0] == step + sentence
    assert [r.split()[0] for r in rows[1:]] == ["e-base", "e-amo"]
    # the produced file's step, in words
    (file_step,) = failed.xpath(".//tr[td[1][starts-with(., 'fse-DEMO-FSE-099')]]/td[2]")
    assert words(file_step) == "s-invoice " + sentence
    # a trace expectation on no step after ones on a step: the rows say it looks at the whole case
    whole = {"fr": "Tout le cas (aucune étape désignée)", "en": "The whole case (no step named)"}[lang]
    assert whole in [words(r) for r in case_section(dom, "DEMO-FSE-001").xpath(".//tr[@class='for-step']")]
    # the printed book leaves a passed case's steps out: its expected/observed still says the step in words
    with read_session(demo_session) as view:
        printed = parse(render_html(gather(view, Options(lang=lang)), lang, for_print=True))
    passed = case_section(printed, "DEMO-FSE-008")
    assert not passed.xpath(".//td[.='s-invoice']")  # no steps table
    (row,) = passed.xpath(".//tr[@class='for-step']")
    assert words(row).startswith(step) and "LPP 1105215 × 30" in words(row)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_trace_expectation_reads_in_words_with_its_pattern_verbatim(demo_books: dict[str, Path], lang: str) -> None:
    dom = page(demo_books[lang])
    present = expectation_row(dom, "DEMO-FSE-001", "t-code")
    absent = expectation_row(dom, "DEMO-FSE-001", "t-no-pin")
    if lang == "fr":
        assert present[1] == (
            "une ligne du canal engine (journal du moteur de facturation) correspondant au motif 1241763 — "
            "exigée : au moins une, à l'étape s-invoice"
        )
        assert absent[1] == (
            r"une ligne du canal bench (journal du banc) correspondant au motif (?i)\bpin\b\s*[:=]\s*\d{4} — "
            "interdite : aucune, pendant le cas"
        )
        assert (present[2], absent[2]) == ("1 ligne correspondante", "0 ligne correspondante")
    else:
        assert present[1] == (
            "a line of the engine (the billing engine's log) channel matching the pattern 1241763 — "
            "required: at least one, at step s-invoice"
        )
        assert absent[1] == (
            r"a line of the bench (the bench's log) channel matching the pattern (?i)\bpin\b\s*[:=]\s*\d{4} — "
            "forbidden: none, during the case"
        )
        assert (present[2], absent[2]) == ("1 matching line", "0 matching lines")
    # the pattern verbatim, in a code style; the word « motif » linked to the glossary's entry on patterns
    cases = case_section(dom, "DEMO-FSE-001")
    assert cases.xpath(".//td/code/text()") == ["1241763", r"(?i)\bpin\b\s*[:=]\s*\d{4}"]
    assert set(cases.xpath(".//td/a[@class='term'][following-sibling::code]/@href")) == {"#motif-de-trace"}
    (entry,) = dom.xpath("//section[@id='glossaire']//dt[@id='motif-de-trace']/following-sibling::dd[1]")
    t = translator(lang)
    assert words(entry) == " ".join(t(glossary.PATTERN_TEXT).split())
    assert ("expression régulière" if lang == "fr" else "regular expression") in words(entry)


def test_report_json_carries_the_code_and_the_pattern_apart(demo_books: dict[str, Path]) -> None:
    data = json.loads((demo_books["fr"] / "report.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    assert tuple(map(int, data["format_version"].split("."))) >= (1, 8)  # these fields came with 1.8
    cases = {c["key"]["case_id"]: c for c in data["cases"]}
    (refused,) = [s for s in cases["DEMO-FSE-008"]["steps"] if s["status"] == "refused"]
    assert refused["code"] == "PRICE_ABOVE_PLV" and refused["detail"].startswith("PRICE_ABOVE_PLV ")
    assert all("code" not in s for s in cases["DEMO-FSE-001"]["steps"])  # only a refused step has one
    traces = {c["expectation_id"]: c for c in cases["DEMO-FSE-001"]["comparisons"] if c["kind"] == "trace"}
    assert traces["t-code"]["pattern"] == "1241763" and traces["t-code"]["absent"] is False
    assert traces["t-no-pin"]["pattern"] == r"(?i)\bpin\b\s*[:=]\s*\d{4}" and traces["t-no-pin"]["absent"] is True
    assert traces["t-code"]["expected"] == "présent /1241763/ sur engine"  # the bench's sentence, as before
    assert [e.get("absent") for e in cases["DEMO-FSE-001"]["expectations"] if e["kind"] == "trace"] == [False, True]
    assert all("pattern" not in c for c in cases["DEMO-FSE-008"]["comparisons"])


def _case(demo_session: Path, case_id: str, lang: str = "fr") -> dict[str, Any]:
    with read_session(demo_session) as view:
        (case,) = [c for c in gather(view, Options(lang=lang)).data["cases"] if c["key"]["case_id"] == case_id]
    return case


def test_a_case_not_run_explains_its_expectations_too(demo_session: Path) -> None:
    """Without comparisons (the case did not run), its expectations read the same way."""
    case = _case(demo_session, "DEMO-FSE-001")
    case["comparisons"] = []
    book = HtmlBook("fr")
    dom = parse(book.section(case))
    rows = [words(r) for r in dom.xpath("//h3[.='Attendu / observé']/following-sibling::table[1]//tr[td]")]
    assert rows[0].startswith("Étape s-invoice : Facturer à p-std, soins du 12/01/2026")
    (trace,) = [r for r in rows if r.startswith("t-code")]
    assert "correspondant au motif 1241763 — exigée : au moins une, à l'étape s-invoice" in trace
    refusal = _case(demo_session, "DEMO-FSE-008")
    refusal["comparisons"] = []
    dom = parse(book.section(refusal))
    (row,) = dom.xpath("//tr[td[1]='r-plv']")
    assert words(row).startswith("r-plv PRICE_ABOVE_PLV Prix unitaire facturé au-dessus du prix limite de vente")
    assert "PRICE_ABOVE_PLV" in book._case.codes  # the glossary section defines it


def test_a_code_testbench_does_not_define_is_said_to_be_the_products(demo_session: Path) -> None:
    """An external engine's or an application's own code (operator mode keeps the first code of the note): shown as
    given, never explained as ours; a code that cannot be an HTML id stays escaped and still links."""
    case = _case(demo_session, "DEMO-FSE-008")
    (cmp,) = case["comparisons"]
    for observed in ("ERR_PLV_042", 'x"<b>'):
        changed = copy.deepcopy(case)
        changed["comparisons"][0] |= {"observed": observed, "outcome": "fail"}
        book = HtmlBook("fr")
        html = book.section(changed)
        dom = parse(html)
        (row,) = dom.xpath("//tr[td[1]='r-plv']")
        assert words(row.xpath("td[3]")[0]) == f"{observed} code du logiciel testé, non défini par testbench"
        assert "<b>" not in html
        head, tail = book.page(gather_data(demo_session))
        glossary_section = parse(head + html + tail).xpath("//section[@id='glossaire']")[0]
        (dt,) = [dt for dt in glossary_section.xpath(".//dt") if words(dt) == observed]
        assert words(dt.xpath("following-sibling::dd[1]")[0]) == glossary.UNKNOWN_SOURCE
        assert row.xpath("td[3]/a/@href") == [f"#{dt.get('id')}"]
    assert cmp["observed"] == "PRICE_ABOVE_PLV"


def gather_data(demo_session: Path) -> dict[str, Any]:
    with read_session(demo_session) as view:
        return gather(view, Options()).data


def test_each_code_and_step_is_worded_once_for_a_campaign(demo_session: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The words are made once per distinct code, step and pattern, not per case (docs/performance.md)."""
    made: list[str] = []
    real = glossary.refusal_code
    monkeypatch.setattr(section, "refusal_code", lambda code: made.append(code) or real(code))
    cases = [_case(demo_session, "DEMO-FSE-008"), _case(demo_session, "DEMO-FSE-001")]
    book = HtmlBook("fr")
    first = [book.section(c) for c in cases]
    once = list(made)
    assert [book.section(c) for c in cases * 5] == first * 5
    assert made == once and sorted(set(once)) == ["PRICE_ABOVE_PLV"]


def test_every_code_of_ours_has_its_words_in_both_languages() -> None:
    en = translator("en")
    assert set(MEANINGS) == set(ALL_CODES)
    assert {pin.PIN_BLOCKED, pin.PIN_TRIES_LOW, pin.PIN_WRONG, pin.UNBLOCK_BLOCKED, pin.UNBLOCK_TRIES_LOW,
            pin.UNBLOCK_WRONG, "REFUS_LOGICIEL"} == set(glossary.BENCH_CODES)  # fmt: skip
    texts = [*MEANINGS.values(), *(m for m, _ in glossary.BENCH_CODES.values())]
    texts += [glossary.REFERENCE_SOURCE, glossary.CARDS_SOURCE, glossary.OPERATOR_SOURCE, glossary.UNKNOWN_SOURCE]
    texts += [*glossary.CHANNEL_WORDS.values(), glossary.PATTERN_TEXT, glossary.PATTERN_TITLE]
    assert [text for text in texts if en(text) == text] == []
    for code in (*ALL_CODES, *glossary.BENCH_CODES):
        explained = glossary.refusal_code(code)
        assert explained.ours and "officiel" in explained.text("fr") and "official" in explained.text("en")
    assert not glossary.refusal_code("ERR_PLV_042").ours
