"""The reference engine's warnings read beside the step in the exam book, not only inside the folded trace.

DEMO-FSE-020 bills MAU, whose tariff row has no verified start date: the engine prices it and warns
(TARIFF_START_UNVERIFIED). A reviewer must see that warning under the step, and the summary must say that
some prices come from test tariffs, in French and in English.
"""

from __future__ import annotations

from pathlib import Path

from demo_books import case_section, demo_books, demo_session, page  # noqa: F401 (fixtures)
from test_report_build import campaign

from testbench.report import html as report_html
from testbench.report.build import build_report
from testbench.report.content import gather
from testbench.store.read import read_session


def _text(element: object) -> str:
    return " ".join("".join(element.itertext()).split())  # type: ignore[attr-defined]


def test_the_step_shows_its_engine_warning_and_the_summary_says_tariffs_are_fixtures(
    demo_books: dict[str, Path],  # noqa: F811
) -> None:
    dom = page(demo_books["fr"])
    section = case_section(dom, "DEMO-FSE-020")
    (row,) = section.xpath(".//tr[@class='engine-warnings']")
    said = _text(row)
    assert said.startswith("Avertissements du moteur : TARIFF_START_UNVERIFIED — ligne 2 : date d'effet non vérifiée")
    assert "MAU à 1,35 €" in said
    assert row.getprevious().findtext("td") == "s-invoice"  # right under the step that priced it
    (note,) = dom.xpath("//section[@id='summary']/p[@id='test-tariffs']")
    assert "Tarifs de test : dans 1 cas" in _text(note)  # tariffs only: a rate warning is no test tariff
    # the demo's other warning: DEMO-FSE-003 bills the LPP at the Alsace-Moselle 90 %, a rate no text confirms
    (other,) = case_section(dom, "DEMO-FSE-003").xpath(".//tr[@class='engine-warnings']")
    assert "RATE_UNVERIFIED — ligne 1 : taux non vérifié : 90 % Alsace-Moselle" in _text(other)
    assert len(dom.xpath("//tr[@class='engine-warnings']")) == 2  # the demo's other cases have no warning


def test_the_english_book_says_them_in_english(demo_books: dict[str, Path]) -> None:  # noqa: F811
    dom = page(demo_books["en"])
    (row,) = case_section(dom, "DEMO-FSE-020").xpath(".//tr[@class='engine-warnings']")
    said = _text(row)
    assert said.startswith("Engine warnings: TARIFF_START_UNVERIFIED — line 2: effective date not verified"), said
    (note,) = dom.xpath("//p[@id='test-tariffs']")
    assert "Test tariffs" in _text(note) and "é" not in _text(note)


def test_the_printed_book_keeps_the_warning_of_a_passed_case(demo_session: Path) -> None:  # noqa: F811
    with read_session(demo_session) as session:
        printed = report_html.render_html(gather(session), for_print=True)
    section = printed[printed.index('id="DEMO-FSE-020') :]
    section = section[: section.index("</section>")]
    assert "TARIFF_START_UNVERIFIED" in section  # a passed case prints briefly, but its step's warning stays
    assert 'id="test-tariffs"' in printed


def test_a_book_without_warnings_says_nothing_of_them(tmp_path: Path) -> None:
    folder = build_report(campaign(tmp_path, hostile=False), tmp_path / "r").folder
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "engine-warnings\"" not in html and "test-tariffs" not in html
