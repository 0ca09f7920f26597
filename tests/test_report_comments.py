"""The exam book shows the casebook's comments: the case's under its objective, each expectation's under its row of
« Attendu / observé » (and in ``report.json``), as the author wrote them — never translated, which the English
label says (« Casebook comment (as written) ») — and redacted like any free text, since an author may name a
patient. A report of a casebook without comments is the same as before: the comments only add their elements.

Real sessions of the demo casebook (in-process cards and engine: the book is under test, not the bench).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from demo_books import BENCH, DEMO, case_section, page, parse
from lxml import etree

from testbench.cli.main import main
from testbench.paths import CARD_PROFILES_DIR
from testbench.report import section
from testbench.report.build import BuildOptions, build_report
from testbench.report.content import FORMAT_VERSION, gather
from testbench.report.html import HtmlBook, render_html
from testbench.report.jsonreport import schema
from testbench.report.options import Options
from testbench.store.read import read_session

LABEL = {"fr": "Commentaire du cahier :", "en": "Casebook comment (as written):"}
WRONG_ON_PURPOSE = "VOLONTAIREMENT FAUX : la bonne valeur est 163.80"  # demo.xml, DEMO-FSE-099's e-amo
CASE_COMMENT_START = "ATTENTION : l'attendu e-amo est volontairement faux."










def words(node: etree._Element) -> str:
    return " ".join("".join(node.itertext()).split())




def after_row(section_: etree._Element, expectation: str) -> etree._Element:
    """The row right under an expectation's row in « Attendu / observé »."""
    (row,) = section_.xpath(f".//tr[td[1][starts-with(normalize-space(.), '{expectation}')]]")
    return row.getnext()


def comment_rows(section_: etree._Element) -> list[str]:
    return [words(r) for r in section_.xpath(".//tr[@class='comment']")]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_expectations_comment_reads_under_its_row(demo_books: dict[str, Path], lang: str) -> None:
    failed = case_section(page(demo_books[lang]), "DEMO-FSE-099")
    below = after_row(failed, "e-amo")
    assert below.get("class") == "comment"
    assert words(below) == f"{LABEL[lang]} {WRONG_ON_PURPOSE}"  # as written: French in the English book too
    cells = below.xpath("./td")
    assert [cell.get("colspan") for cell in cells] == [None, "5"] and words(cells[0]) == ""  # under the row, whole
    assert after_row(failed, "e-base").get("class") != "comment"  # e-base has no comment: nothing under it
    assert comment_rows(failed) == [f"{LABEL[lang]} {WRONG_ON_PURPOSE}"]
    # the passed cases' ones too, each under its own expectation
    passed = case_section(page(demo_books[lang]), "DEMO-FSE-001")
    assert words(after_row(passed, "e-amo-line")) == f"{LABEL[lang]} RG_VF670, taux 60 %"
    assert words(after_row(passed, "t-no-pin")) == f"{LABEL[lang]} le code porteur n'est jamais écrit dans une trace"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_cases_comment_reads_under_its_objective_with_its_lines(demo_books: dict[str, Path], lang: str) -> None:
    html = (demo_books[lang] / "index.html").read_text(encoding="utf-8")
    failed = case_section(parse(html), "DEMO-FSE-099")
    (comment,) = failed.xpath("./p[@class='comment']")
    objective = comment.getprevious()
    assert words(objective).startswith({"fr": "Objectif :", "en": "Objective:"}[lang])
    said = words(comment)
    assert said.startswith(f"{LABEL[lang]} {CASE_COMMENT_START}")
    assert said.endswith("le cahier attend 163.00 pour provoquer un échec.")
    # the derivation's lines as the author broke them
    assert "(RG_VF644) et<br>MRO = Arrondi(273.00 × 0.60 ; 2) = 163.80" in html
    # before the steps: the header area says what the case wants
    assert comment.getnext().tag == "h3"


def test_report_json_carries_the_comments(demo_books: dict[str, Path]) -> None:
    for lang in ("fr", "en"):
        data = json.loads((demo_books[lang] / "report.json").read_text(encoding="utf-8"))
        jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
        assert tuple(map(int, data["format_version"].split("."))) >= (1, 9)
        assert data["format_version"] == FORMAT_VERSION
        cases = {c["key"]["case_id"]: c for c in data["cases"]}
        failed = cases["DEMO-FSE-099"]
        assert failed["comment"].startswith(CASE_COMMENT_START)  # as written, in either language
        comparisons = {c["expectation_id"]: c for c in failed["comparisons"]}
        assert comparisons["e-amo"]["comment"] == WRONG_ON_PURPOSE
        assert "comment" not in comparisons["e-base"]  # optional: only an expectation that has one
        expectations = {e["id"]: e for e in failed["expectations"]}
        assert expectations["e-amo"]["comment"] == WRONG_ON_PURPOSE and "comment" not in expectations["e-base"]
        traces = {c["expectation_id"]: c for c in cases["DEMO-FSE-001"]["comparisons"]}
        assert traces["t-no-pin"]["comment"] == "le code porteur n'est jamais écrit dans une trace"


def _case(demo_session: Path, case_id: str, lang: str = "fr") -> dict[str, Any]:
    with read_session(demo_session) as view:
        (case,) = [c for c in gather(view, Options(lang=lang)).data["cases"] if c["key"]["case_id"] == case_id]
    return case


def test_a_case_not_run_shows_its_expectations_comments(demo_session: Path) -> None:
    case = _case(demo_session, "DEMO-FSE-099")
    case["comparisons"] = []
    dom = parse(HtmlBook("en").section(case))
    below = after_row(dom, "e-amo")
    assert below.get("class") == "comment" and words(below) == f"{LABEL['en']} {WRONG_ON_PURPOSE}"
    assert [cell.get("colspan") for cell in below.xpath("./td")] == [None, "2"]


def test_the_printed_book_keeps_a_passed_cases_comments(demo_session: Path) -> None:
    """The PDF leaves a passed case's steps out, not what it wants: its comments stay with its expected/observed."""
    with read_session(demo_session) as view:
        printed = parse(render_html(gather(view, Options(lang="fr")), "fr", for_print=True))
    passed = case_section(printed, "DEMO-FSE-001")
    assert passed.xpath("./p[@class='comment']")
    assert words(after_row(passed, "e-amo-line")) == f"{LABEL['fr']} RG_VF670, taux 60 %"


def _without_comments(case: dict[str, Any]) -> dict[str, Any]:
    bare = copy.deepcopy(case)
    bare["comment"] = ""
    for item in bare["comparisons"] + bare["expectations"]:
        item.pop("comment", None)
    return bare


_ADDED = re.compile(r'<p class="comment">.*?</p>\n|<tr class="comment">.*?</tr>\n')


@pytest.mark.parametrize("not_run", [False, True])
def test_comments_only_add_their_elements(demo_session: Path, not_run: bool) -> None:
    """A casebook without comments gives the section it gave before: the comments' elements are all that differ."""
    for case_id in ("DEMO-FSE-099", "DEMO-FSE-001", "DEMO-FSE-008"):
        case = _case(demo_session, case_id)
        if not_run:
            case["comparisons"] = []
        with_comments = HtmlBook("fr").section(case)
        bare = HtmlBook("fr").section(_without_comments(case))
        assert "comment" not in bare and LABEL["fr"] not in bare
        assert _ADDED.sub("", with_comments) == bare
        assert with_comments != bare or case_id == "DEMO-FSE-008"


def test_each_expectations_comment_is_written_once_for_a_campaign(
    demo_session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A casebook repeats its comments (« RG_VF670, taux 60 % »): each distinct one is made once per build."""
    written: list[str] = []
    real = section.CaseSection._lines_of
    monkeypatch.setattr(section.CaseSection, "_lines_of", lambda self, text: written.append(text) or real(self, text))
    case = _case(demo_session, "DEMO-FSE-001")
    book = HtmlBook("fr")
    first = book.section(case)
    assert [book.section(case) for _ in range(4)] == [first] * 4
    expectation_comments = [c["comment"] for c in case["comparisons"] if c.get("comment")]
    assert len(expectation_comments) == 3
    assert written.count(case["comment"]) == 5  # a case's comment is its own
    assert sorted(w for w in written if w != case["comment"]) == sorted(expectation_comments)


def test_markup_and_controls_in_a_comment_stay_text(demo_session: Path) -> None:
    case = _case(demo_session, "DEMO-FSE-099")
    case["comment"] = "<script>alert(1)</script> \u202eevil"
    case["comparisons"][1]["comment"] = '<img src=x onerror="alert(1)">'
    html = HtmlBook("fr").section(case)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "⟨U+202E⟩evil" in html and "&lt;img src=x" in html


# ------------------------------------------------------------------------------ redaction


NAME_COMMENT = "vu avec ESSAI Paul le 15/01/1980 : la bonne valeur est 163.80"
CASE_COMMENT = "Appeler PATIENTE DEMO DEGRADE avant de facturer."


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """DEMO-FSE-099 whose comments name patients: the card's holder (read by the case) and a patient without a
    card (the casebook's fixtures)."""
    root = tmp_path_factory.mktemp("named")
    (root / "cards").symlink_to(CARD_PROFILES_DIR)
    demo = DEMO.read_text(encoding="utf-8")
    assert demo.count(WRONG_ON_PURPOSE) == 1 and demo.count(CASE_COMMENT_START) == 1
    casebook = root / "demo.xml"
    casebook.write_text(
        demo.replace(WRONG_ON_PURPOSE, NAME_COMMENT).replace(CASE_COMMENT_START, CASE_COMMENT), encoding="utf-8"
    )
    path = root / "s.tbsession"
    assert main(["run", str(casebook), "--session", str(path), *BENCH, "-k", "DEMO-FSE-099"]) == 1
    return {
        "on": build_report(path, root / "on", BuildOptions(lang="en")).folder,
        "off": build_report(path, root / "off", BuildOptions(lang="en", redact=False)).folder,
    }


def test_a_comment_naming_a_patient_is_redacted(named: dict[str, Path]) -> None:
    folder = named["on"]
    html = (folder / "index.html").read_text(encoding="utf-8")
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    (case,) = data["cases"]
    (amo,) = [c for c in case["comparisons"] if c["expectation_id"] == "e-amo"]
    for text in (html, amo["comment"], case["comment"], json.dumps(data, ensure_ascii=False)):
        for personal in ("ESSAI", "Paul", "15/01/1980", "PATIENTE DEMO DEGRADE"):
            assert personal not in text
    assert amo["comment"].endswith(": la bonne valeur est 163.80") and "‹" in amo["comment"]
    assert case["comment"].startswith("Appeler ‹") and "› avant de facturer." in case["comment"]
    failed = case_section(parse(html), "DEMO-FSE-099")
    assert words(after_row(failed, "e-amo")) == f"{LABEL['en']} {amo['comment']}"
    assert data["redaction"]["counts"].get("name", 0) > 0


def test_without_redaction_the_comment_is_as_written(named: dict[str, Path]) -> None:
    data = json.loads((named["off"] / "report.json").read_text(encoding="utf-8"))
    (case,) = data["cases"]
    (amo,) = [c for c in case["comparisons"] if c["expectation_id"] == "e-amo"]
    assert amo["comment"] == NAME_COMMENT and case["comment"].startswith(CASE_COMMENT)
