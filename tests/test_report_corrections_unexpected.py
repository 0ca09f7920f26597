"""A value the operator corrected that no expectation reads (an invoice's number a later step uses) is an
intervention on the recorded data: the exam book says it in the case's section, with the value read, the value
kept and the reason, whatever the verdict — on screen, on paper and in English — not only report.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_assisted_outputs import HEAD, Application, _folder, case, fse, log

from testbench.casebook.loader import load_casebook
from testbench.report.build import BuildOptions, build_report
from testbench.report.content import gather
from testbench.report.html import render_html
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store.read import read_session

REASON = "facture renumérotée par le logiciel après coupure"
PROFILE = HEAD + """
[[extractors]]
name = "journal facture"
kind = "regex"
applies_to = ["create_invoice"]
pattern = 'Facture (?P<number>F\\d+) créée : total AMO (?P<amo>[\\d,]+) EUR'
fields = { number = "invoice.number", amo = "invoice.totals.amo" }

[[extractors]]
name = "journal sécurisation"
kind = "regex"
applies_to = ["secure_invoice"]
pattern = 'Facture F\\d+ sécurisée \\(statut (?P<status>\\w+)\\)'
fields = { status = "secure.status" }
"""


class Renumbering(Application):
    """The person corrects the invoice's number (no expectation reads it), with a reason."""

    def review(
        self, case: Any, step: Any, extracted: list[Any], missing: list[Any], conflicts: Any = None
    ) -> dict[str, Any]:
        super().review(case, step, extracted, missing, conflicts)
        if any(item.path == "invoice.number" for item in extracted):
            return {"invoice.number": ("F0002", REASON)}
        return {}


def _invoice(root: Path) -> None:
    (root / "out" / "fse" / "FSE_F0001.xml").write_bytes(fse())
    log(root, "Facture F0001 créée : total AMO 33,60 EUR")


def test_a_correction_no_expectation_reads_is_in_the_case_section_on_screen_and_on_paper(tmp_path: Path) -> None:
    app, book = _folder(tmp_path, PROFILE, case("RENUM"))
    casebook = load_casebook(book)
    session = tmp_path / "s.tbsession"
    secured = lambda root: log(root, "Facture F0001 sécurisée (statut secured)")  # noqa: E731
    operator = Renumbering(app, {("RENUM", "create_invoice"): _invoice, ("RENUM", "secure_invoice"): secured})
    options = CampaignOptions(
        BenchOptions(cards="inprocess", engine="operator", engine_timeout=3.0, sut_profile=app / "sut.toml")
    )
    Campaign([casebook], session, options, operator=operator).run_selection([(casebook, c) for c in casebook.cases])
    with read_session(session) as view:
        (case_view,) = view.cases
        assert case_view.latest.verdict == "pass"
        (number,) = [o for o in view.observations(case_view.latest.id) if o["path"] == "invoice.number"]
        assert number["source"] == "correction"

    french = build_report(session, tmp_path / "book", BuildOptions(junit=False, pdf=False))
    section = french.html.read_text(encoding="utf-8").split('<section class="case" id="RENUM')[1].split("</section>")[0]
    assert "Corrections de l&#39;opérateur sur des valeurs qu&#39;aucune attente ne lit" in section
    # one row for the correction, the result's own copy of the number (invoice_id) beside it
    row = section.split("<td class=\"mono\">invoice.number, invoice.invoice_id</td>")[1].split("</tr>")[0]
    assert "corrigé par l&#39;opérateur : F0002 au lieu de F0001 lu dans" in row, row
    assert REASON.replace("'", "&#39;") in row, row
    assert section.count("au lieu de") == 1  # said once: no comparison reads the value
    with read_session(session) as view:  # the printed book shows a passing case briefly, never hiding an intervention
        printed = render_html(gather(view), for_print=True)
    assert "corrigé par l&#39;opérateur : F0002 au lieu de F0001" in printed

    english = build_report(session, tmp_path / "book-en", BuildOptions(junit=False, pdf=False, lang="en"))
    html = english.html.read_text(encoding="utf-8")
    assert "Operator&#39;s corrections of values no expectation reads" in html
    assert "corrected by the operator: F0002 instead of F0001 read in" in html
    assert "aucune attente" not in html
