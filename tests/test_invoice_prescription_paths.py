"""The invoice's prescription can be expected by a case (``invoice.prescription.*``): a case saying itself what the
invoice of an e-prescription carries validates and is compared, in place of the bench's own rule."""

from __future__ import annotations

import shutil
from pathlib import Path

from testbench.casebook.loader import load_casebook
from testbench.domain.vocabulary import known_path
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions

REPO = Path(__file__).resolve().parents[1]
EXPECTED = (
    '        <value id="e-totals-patient" step="s-invoice" path="invoice.totals.patient" type="decimal"'
    ' expected="50.45"/>\n'
)


def _casebook(tmp_path: Path, rpps: str) -> Path:
    text = (REPO / "casebooks" / "psad-teleservices.xml").read_text(encoding="utf-8")
    extra = (
        '        <value id="e-rx-id" step="s-invoice" path="invoice.prescription.eprescription_id" type="string"'
        ' expected="RX-2026-0001"/>\n'
        '        <value id="e-rx-date" step="s-invoice" path="invoice.prescription.date" type="date"'
        ' expected="2026-01-05"/>\n'
        f'        <value id="e-rx-rpps" step="s-invoice" path="invoice.prescription.prescriber" type="string"'
        f' expected="{rpps}"/>\n'
    )
    first = text.index(EXPECTED, text.index('<case id="TLS-EPR-001"')) + len(EXPECTED)
    if not (tmp_path / "cards").exists():
        shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "cards")
    path = tmp_path / "tls.xml"
    path.write_text(text[:first] + extra + text[first:], encoding="utf-8")
    return path


def test_the_paths_are_known() -> None:
    for leaf in ("eprescription_id", "number", "date", "prescriber"):
        assert known_path(f"invoice.prescription.{leaf}")


def test_a_case_expecting_the_invoices_prescription_is_compared(tmp_path: Path) -> None:
    for rpps, verdict in (("10000000007", "pass"), ("10000000015", "fail")):
        casebook = load_casebook(_casebook(tmp_path, rpps))
        case = next(c for c in casebook.cases if c.id == "TLS-EPR-001")
        options = CampaignOptions(BenchOptions(cards="inprocess", engine="inprocess"))
        result = Campaign([casebook], tmp_path / f"{rpps}.tbsession", options).run([(casebook, case)])
        assert result.verdicts == {"TLS-EPR-001": verdict}
