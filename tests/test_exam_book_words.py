"""The exam book reads as a person's book, not as testbench's data nor as a CNDA document (audit 10, findings
6 and 11): amounts as money, modes, domains and PS categories in words, times as a date and a UTC time, in
the book's language; its cover says the layout and the exam plan are testbench's; each requirement whose
title is testbench's reading, or unverified, says so. report.json and the session keep what was recorded.

Real sessions of the demo casebook (in-process cards and engine: the words are under test, not the bench).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from testbench import fmt
from testbench.cli.main import main
from testbench.domain.vocabulary import is_amount
from testbench.i18n import english
from testbench.paths import CASEBOOKS_DIR
from testbench.report.build import BuildOptions, build_report
from testbench.report.content import gather
from testbench.report.html import render_html
from testbench.report.options import Options
from testbench.scope.plan import PlanError, load_plan, parse_plan
from testbench.store.read import read_session

DEMO = CASEBOOKS_DIR / "demo.xml"
PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"
ATTESTATIONS = CASEBOOKS_DIR / "demo-attestations.json"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with its plan and attestations: 21 passed, DEMO-FSE-099 failed (AMO 163.80, 163.00 expected)."""
    path = tmp_path_factory.mktemp("demo") / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(path), *BENCH, "--plan", str(PLAN), "--attestations",
                 str(ATTESTATIONS)]) == 1  # fmt: skip
    return path


@pytest.fixture(scope="module")
def books(session: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("books")
    return {lang: build_report(session, root / lang, BuildOptions(lang=lang)).folder for lang in ("fr", "en")}


def page(folder: Path) -> etree._Element:
    return etree.HTML((folder / "index.html").read_text(encoding="utf-8"))


def text(nodes: list[etree._Element]) -> list[str]:
    return [" ".join("".join(n.itertext()).split()) for n in nodes]


def case_section(dom: etree._Element, case_id: str) -> etree._Element:
    (section,) = dom.xpath(f"//section[@class='case'][@data-case='{case_id}']")
    return section


def test_the_cover_says_the_layout_and_the_plan_are_testbenchs(books: dict[str, Path], session: Path) -> None:
    (fr,) = text(page(books["fr"]).xpath("//section[@id='cover']/p[@id='not-cnda']"))
    assert "ceux de testbench, pas des documents du CNDA" in fr and "par analogie" in fr
    (en,) = text(page(books["en"]).xpath("//section[@id='cover']/p[@id='not-cnda']"))
    assert "testbench's own, not CNDA documents" in en and "by analogy" in en
    for lang in ("fr", "en"):  # the PDF is printed from this page
        with read_session(session) as view:
            printed = etree.HTML(render_html(gather(view, Options(lang=lang)), lang, for_print=True))
        assert printed.xpath("//p[@id='not-cnda']/text()") == text(page(books[lang]).xpath("//p[@id='not-cnda']"))


def test_each_requirement_says_when_its_title_is_testbenchs_reading(
    books: dict[str, Path], session: Path, capsys
) -> None:
    rows = {tr.get("data-requirement"): tr for tr in page(books["fr"]).xpath("//tr[@data-requirement]")}
    basis = {rid: tr.xpath(".//*[@data-basis]/@data-basis") for rid, tr in rows.items()}
    assert basis == {
        "RG_VF644": [], "RG_VF669": [], "RG_VF670": [], "RG_VF671": ["interpretation"], "RG_VF674": ["unverified"],
        "RG_VF651": [], "RG_VF630": ["interpretation"], "RG_MF633": [],
    }  # fmt: skip
    assert text(rows["RG_VF674"].xpath(".//*[@data-basis]")) == ["non vérifié"]
    assert "FIDES ACE (établissements), par analogie" in text(rows["RG_VF651"].xpath("td[1]"))[0]
    en = {tr.get("data-requirement"): tr for tr in page(books["en"]).xpath("//tr[@data-requirement]")}
    assert text(en["RG_VF671"].xpath(".//*[@data-basis]")) == ["testbench's interpretation"]
    assert text(en["RG_VF674"].xpath(".//*[@data-basis]")) == ["unverified"]
    data = json.loads((books["en"] / "report.json").read_text(encoding="utf-8"))
    assert {r["id"]: r["basis"] for r in data["coverage"]["requirements"]}["RG_VF630"] == "interpretation"
    capsys.readouterr()
    main(["coverage", "--plan", str(PLAN), str(session)])
    out = capsys.readouterr().out
    assert "[interprétation testbench] : couverte, réussie" in out and "[non vérifié] : couverte, réussie" in out
    assert "Catégorie de PS : démonstration" in out and "\n  cartes : 2 cas, 2 prêts" in out  # words, not codes


def test_the_covers_atrs_break_only_between_bytes(books: dict[str, Path]) -> None:
    """An ATR broken inside a byte (« 3B A / C 00 », a column four characters wide in the PDF) reads as other
    bytes: its cell is monospaced text that wraps at its spaces, not a hash that breaks anywhere."""
    from lxml import html

    page = html.fromstring((books["fr"] / "index.html").read_text(encoding="utf-8"))
    atrs = [td for td in page.xpath("//section[@id='cover']//td") if re.fullmatch(r"3B( [0-9A-F]{2})+", td.text or "")]
    assert atrs and {td.get("class") for td in atrs} == {"mono"}
    style = "".join(page.xpath("//style/text()"))
    mono = [
        body
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", style)
        if ".mono" in selectors.split()[-1].split(",")
    ]
    assert mono and not [body for body in mono if "break-all" in body]


def test_values_keyed_in_an_attestation_read_as_their_expectation_says(books: dict[str, Path]) -> None:
    """« manual.paper_printed = true », « 5.90 » in a French book: a keyed value reads as its expectation's type
    (a boolean oui/non, a decimal the language's way), as the comparison just below it does."""
    for lang, expected in (("fr", {"oui", "5,90"}), ("en", {"yes", "5.90"})):
        data = json.loads((books[lang] / "report.json").read_text(encoding="utf-8"))
        case = next(c for c in data["cases"] if c["key"]["case_id"] == "DEMO-FSE-030")
        keyed = [
            s["attestation"]["values"] for s in case["steps"] if s.get("attestation") and s["attestation"]["values"]
        ]
        assert keyed and set(keyed[0].values()) == expected, keyed


def test_the_demo_plan_titles_state_what_the_rules_say() -> None:
    """RG_VF671 is the hors-parcours penalty, RG_VF651 gives 100 % without exoneration, RG_MF633 makes the
    type-5 totals sums of the lines, and FIDES is the establishments' specification (FIDES ACE)."""
    plan = {r.id: r for r in load_plan(PLAN).requirements}
    assert "hors parcours" in plan["RG_VF671"].title and "tiers payant intégral" not in plan["RG_VF671"].title
    assert "pas d'exonération" in plan["RG_VF651"].title and "exonération du ticket" not in plan["RG_VF651"].title
    assert "sommes des montants des lignes" in plan["RG_MF633"].title
    assert "règle testbench" in plan["RG_VF630"].title and plan["RG_VF630"].basis == "interpretation"
    assert plan["RG_VF674"].basis == "unverified"
    assert {r.source for r in plan.values() if r.id.startswith("RG_")} == {"FIDES ACE (établissements), par analogie"}


def test_a_basis_the_format_does_not_know_is_refused_on_its_line() -> None:
    text_ = 'format = "testbench-plan/1"\n[[casebooks]]\nplan-id = "X"\n[[requirements]]\nid = "R1"\nbasis = "maybe"\n'
    with pytest.raises(PlanError) as caught:
        parse_plan(text_, "p.toml")
    assert caught.value.lines() == ["p.toml:6:9: basis inconnu « maybe » (connus : interpretation, unverified)"]
    assert caught.value.lines("en") == ['p.toml:6:9: unknown basis “maybe” (known: interpretation, unverified)']


def test_amounts_modes_domains_and_times_read_in_the_books_language(books: dict[str, Path]) -> None:
    fr, en = page(books["fr"]), page(books["en"])
    failed = case_section(fr, "DEMO-FSE-099")
    assert "attendu 163,00 €, observé 163,80 € (différent)" in text(failed.xpath(".//td[@class='ko']"))[0]
    (row,) = failed.xpath(".//tr[td[1][starts-with(., 'e-amo')]]")
    assert text(row.xpath("td"))[1:3] == ["163,00 €", "163,80 €"]
    assert (
        "expected €163.00, observed €163.80 (different)"
        in text(case_section(en, "DEMO-FSE-099").xpath(".//td[@class='ko']"))[0]
    )
    (row,) = case_section(en, "DEMO-FSE-099").xpath(".//tr[td[1][starts-with(., 'e-amo')]]")
    assert text(row.xpath("td"))[1:3] == ["€163.00", "€163.80"]
    index = {tr.get("data-case"): text(tr.xpath("td"))[1:3] for tr in fr.xpath("//table[@id='index']//tr[@data-case]")}
    assert index["DEMO-FSE-001"] == ["FSE", "sécurisé"] and index["DEMO-CARDS-001"] == ["cartes", "sans objet"]
    assert index["DEMO-FSE-030"] == ["FSE", "dégradé"] and index["DEMO-FSE-031"] == ["FSE", "SESAM sans Vitale"]
    index_en = {
        tr.get("data-case"): text(tr.xpath("td"))[1:3] for tr in en.xpath("//table[@id='index']//tr[@data-case]")
    }
    assert (
        index_en["DEMO-CARDS-001"] == ["cards", "not applicable"] and index_en["DEMO-LOT-001"][0] == "lots and returns"
    )
    (dates,) = text(fr.xpath("//section[@id='cover']//tr[th='Dates']/td"))
    assert re.fullmatch(r"du \d\d/\d\d/\d{4} \d\d:\d\d:\d\d UTC au \d\d/\d\d/\d{4} \d\d:\d\d:\d\d UTC", dates)
    (dates,) = text(en.xpath("//section[@id='cover']//tr[th='Dates']/td"))
    assert re.fullmatch(r"from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC to \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", dates)
    assert "démonstration" in text(fr.xpath("//section[@id='cover']"))[0]
    modes = {
        "fr": set(fmt.MODE_LABELS.values()),
        "en": {"sécurisé", "dégradé", "SESAM sans Vitale", "not applicable"},
    }
    for lang, dom in (("fr", fr), ("en", en)):  # no recorded code or ISO time where a person reads
        assert ISO.search(" ".join(text(dom.xpath("//main")))) is None
        heads = text(dom.xpath("//section[@class='case']/p[@class='muted'][1]"))
        assert len(heads) == 22 and {re.search(r" · Mode (.+?)(?: · |$)", h)[1] for h in heads} <= modes[lang]
    data = json.loads((books["fr"] / "report.json").read_text(encoding="utf-8"))  # the data as recorded
    case = next(c for c in data["cases"] if c["key"]["case_id"] == "DEMO-FSE-099")
    assert (case["mode"], case["domain"]) == ("securise", "fse") and ISO.match(case["attempts"][0]["started"])
    amo = next(c for c in case["comparisons"] if c["expectation_id"] == "e-amo")
    assert (amo["expected"], amo["observed"]) == ("163.00", "163.80")


def test_the_cli_and_junit_say_the_amounts_as_money(tmp_path: Path, capsys) -> None:
    for lang, line in (("fr", "e-amo : attendu 163,00\u00a0€, observé 163,80\u00a0€ (différent)"),
                       ("en", "e-amo: expected €163.00, observed €163.80 (different)")):  # fmt: skip
        capsys.readouterr()
        junit = tmp_path / f"{lang}.xml"
        code = main(["run", str(DEMO), "--session", str(tmp_path / f"{lang}.tbsession"), *BENCH, "-k", "DEMO-FSE-099",
                     "--junit", str(junit), "--lang", lang])  # fmt: skip
        assert code == 1 and line in capsys.readouterr().err
        (failure,) = etree.parse(str(junit)).xpath("//failure")
        assert line in failure.get("message")


def test_values_as_a_person_reads_them() -> None:
    assert fmt.typed("decimal", "56.00", "fr", is_amount("invoice.totals.amo")) == "56,00\u00a0€"
    assert fmt.typed("decimal", "56", "en", is_amount("returns.details[0].amount_paid")) == "€56.00"
    assert fmt.typed("decimal", "-0.85", "en", is_amount("invoice.lines[1].depassement")) == "-€0.85"
    assert fmt.typed("decimal", "0.5", "fr", is_amount("invoice.lines[0].rate")) == "0,5"  # a rate is no amount
    assert fmt.typed("decimal", "5.9", "en", is_amount("manual.paper_total")) == "€5.90"  # named as an amount
    assert not is_amount("manual.paper_printed") and not is_amount("manual.subtotals_seen")
    assert is_amount("invoice.lines[0].unit_price") and is_amount("invoice.lines[0].plv")  # beside its tariff
    assert fmt.typed("decimal", "56.00", "fr") == "56.00"  # without its path: as recorded
    assert fmt.typed("decimal", "n/a", "fr", is_amount("invoice.totals.amo")) == "n/a"
    assert fmt.timestamp("2026-12-03T23:40:07.564Z", "fr") == "03/12/2026 23:40:07 UTC"
    assert fmt.timestamp("2026-12-03T23:40:07.564Z", "en") == "2026-12-03 23:40:07 UTC"
    assert fmt.timestamp(None, "fr") == "—"
    assert english("e-tol : attendu 56,00 €, observé 56,01 € (écart 0,01 € ≤ tolérance 0,02 €)") == (
        "e-tol: expected €56.00, observed €56.01 (difference €0.01 ≤ tolerance €0.02)"
    )
    assert english("attendu 0,5, observé 1,25 (différent)") == "expected 0.5, observed 1.25 (different)"
