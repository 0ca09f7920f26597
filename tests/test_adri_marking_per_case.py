"""The « facture ADRi » marking belongs to the case whose ADRi answer gave it: a later case that bills the
same patient at the same care date, its own ADRi call having failed, gets no marking (it used to inherit
the earlier case's, because the engine kept its marks for its whole life)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.casebook.loader import load_casebook
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions

REPO = Path(__file__).resolve().parents[1]
CASEBOOK = REPO / "tests" / "data" / "services" / "teleservices.xml"

#: ADRI-PANNE-ATTENDUE (its ADRi call fails, as the case expects) gains an invoice of the same patient at the
#: same care date as ADRI-OUVERTS, whose ADRi answer is marked « facture ADRi ».
_FAILED_THEN_BILLED = (
    '<refusal id="r-down" step="s-adri" code="TELESERVICE_UNAVAILABLE"/>',
    '<refusal id="r-down" step="s-adri" code="TELESERVICE_UNAVAILABLE"/>\n'
    '        <value id="e-imark" step="s-invoice" path="invoice.adri.marking" type="string" expected="aucun"/>\n'
    '        <value id="e-iguar" step="s-invoice" path="invoice.adri.guarantee" type="boolean" expected="false"/>',
)
_INVOICE = (
    '<adri id="s-adri" patient="p-ssv" care-date="2026-01-12" scenario="droits-ouverts" fault="server-error"/>',
    '<adri id="s-adri" patient="p-ssv" care-date="2026-01-12" scenario="droits-ouverts" fault="server-error"/>\n'
    '        <invoice id="s-invoice" patient="p-ssv" care-date="2026-01-12" tiers-payant="amo">\n'
    '          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>\n'
    "        </invoice>",
)


@pytest.mark.parametrize("engine", ["inprocess", "reference"])
def test_a_case_never_bills_with_another_cases_adri_answer(tmp_path: Path, engine: str) -> None:
    xml = CASEBOOK.read_text(encoding="utf-8")
    for old, new in (_FAILED_THEN_BILLED, _INVOICE):
        assert xml.count(old) == 1
        xml = xml.replace(old, new)
    (tmp_path / "adri.xml").write_text(xml, encoding="utf-8")
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "cards")
    book = load_casebook(tmp_path / "adri.xml")
    cases = {c.id: c for c in book.cases}
    selection = [(book, cases["ADRI-OUVERTS"]), (book, cases["ADRI-PANNE-ATTENDUE"])]
    options = CampaignOptions(BenchOptions(cards="inprocess", engine=engine))
    result = Campaign([book], tmp_path / "adri.tbsession", options).run_selection(selection)
    assert result.verdicts == {"ADRI-OUVERTS": "pass", "ADRI-PANNE-ATTENDUE": "pass"}
