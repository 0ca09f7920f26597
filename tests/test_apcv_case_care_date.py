"""An ``<apcv>`` step without ``care-date`` (docs/teleservices.md's own example) takes the care date of the case's
invoice, so that the context's rights are dated from the care billed and the case never expires with the calendar
(services audit, session 23: rights dated from today made a 2025 invoice fail RIGHTS_EXPIRED a year later)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.casebook.loader import load_casebook
from testbench.runner.actions import ActionContext
from testbench.runner.teleservices import _case_care_date

REPO = Path(__file__).resolve().parents[1]
APCV = '<apcv id="s-apcv" scenario="contexte-valide" channel="nfc" patient="p-deg"/>'
INVOICE = """<invoice id="s-invoice" patient="p-deg" care-date="2024-06-03" tiers-payant="amo">
          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>
        </invoice>"""


def _casebook(tmp_path: Path, steps: str) -> Path:
    text = (REPO / "casebooks" / "psad-teleservices.xml").read_text(encoding="utf-8")
    case = f"""<case id="D-APCV-NODATE" domain="apcv" mode="securise">
      <title>t</title><objective>o</objective>
      <cards><card slot="cps" ref="cps-psad"/></cards>
      <steps><read-cps id="s-cps"/><verify-pin id="s-pin"/>{steps}</steps>
      <expectations>
        <value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="33.60"/>
      </expectations>
    </case>"""
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "cards")
    path = tmp_path / "cb.xml"
    path.write_text(text[: text.index("<cases>")] + f"<cases>{case}</cases></casebook>\n", encoding="utf-8")
    return path


def test_a_context_without_care_date_bills_care_of_another_year(tmp_path: Path) -> None:
    from testbench.cli.main import main

    path = _casebook(tmp_path, APCV + INVOICE)
    session = str(tmp_path / "s.tbsession")
    args = ["run", str(path), "--session", session, "--cards", "inprocess", "--engine", "inprocess"]
    assert main(args) == 0


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        (APCV + INVOICE, "2024-06-03"),  # the invoice that follows
        (APCV.replace("/>", ' care-date="2026-02-02"/>') + INVOICE, "2026-02-02"),  # the step's own
    ],
    ids=["the-invoice-s", "the-step-s-own"],
)
def test_the_care_date_the_step_sends(tmp_path: Path, steps: str, expected: str) -> None:
    casebook = load_casebook(_casebook(tmp_path, steps))
    case = casebook.cases[0]
    ctx = ActionContext(casebook, case, engine=None, bay=None, invoice_prefix="T")  # type: ignore[arg-type]
    step = next(s for s in case.steps if s.action == "apcv")
    assert _case_care_date(ctx, step) == expected
