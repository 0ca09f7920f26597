"""The care-date checks of ``validate`` follow the engine's order: the reference engine stops at its first refusal
(billed before the care, then billed a year or more later, then the prescription's date), so a case that expects
one of them is not refused for a check the engine never reaches. A delay test whose old care comes before the
shared prescription fixture's date was refused as « prescription … postérieure aux soins » though it runs and
passes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from minimal_casebook import MINIMAL, write_casebook
from shard_content import BENCH, DEMO

from testbench.casebook.errors import CasebookError
from testbench.casebook.loader import load_casebook
from testbench.cli.main import main
from testbench.store.read import read_session


def _delay_case(tmp_path: Path) -> Path:
    """The demo casebook, its DEMO-FSE-001 cared for on 2025-01-10 (before its prescription rx-bed, 2026-01-05),
    billed on 2026-02-01, expecting BILLING_DELAY_EXCEEDED."""
    text = DEMO.read_text(encoding="utf-8")
    start = text.index('<case id="DEMO-FSE-001"')
    end = text.index("</case>", start)
    case = text[start:end]
    dates = 'care-date="2025-01-10" billing-date="2026-02-01"'
    case = case.replace('care-date="2026-01-12" tiers-payant', f"{dates} tiers-payant")
    case = case.replace('date="2026-01-12"/>', 'date="2025-01-10"/>').replace('<secure id="s-secure"/>', "")
    first, last = case.index("<expectations>") + len("<expectations>"), case.index("</expectations>")
    refusal = '<refusal id="r-delay" step="s-invoice" code="BILLING_DELAY_EXCEEDED"/>'
    case = case[:first] + refusal + case[last:]
    assert 'prescription="rx-bed" care-date="2025-01-10"' in case
    shutil.copytree(DEMO.parent / "cards", tmp_path / "cards")
    path = tmp_path / "delay.xml"
    path.write_text(text[:start] + case + text[end:], encoding="utf-8")
    return path


def test_a_delay_test_with_a_later_prescription_validates_and_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _delay_case(tmp_path)
    assert main(["validate", str(path)]) == 0, capsys.readouterr().err
    assert "PRESCRIPTION_AFTER_CARE" not in capsys.readouterr().err
    session = tmp_path / "s.tbsession"
    assert main(["run", str(path), "--session", str(session), *BENCH, "-k", "DEMO-FSE-001"]) == 0
    with read_session(session) as view:
        [case] = [c for c in view.cases if c.latest is not None]
        assert (case.case_id, case.latest.verdict) == ("DEMO-FSE-001", "pass")  # the engine gave the delay refusal


def test_billed_before_care_expected_excuses_the_delay_after_it(tmp_path: Path) -> None:
    """Lines a year and more apart, billed between them: the engine refuses BILLING_BEFORE_CARE first."""
    text = MINIMAL.replace('care-date="2026-01-12"', 'care-date="2026-01-12" billing-date="2027-03-01"')
    line = '<line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00" tariff="14.00" plv="14.00"/>'
    assert text.count(line) == 1
    text = text.replace(line, f'{line}\n          {line[:-2]} date="2027-06-01"/>')
    start = text.index('        <value id="e-amo"')
    refusal = '        <refusal id="e-refus" step="s-invoice" code="BILLING_BEFORE_CARE"/>\n'
    text = text[:start] + refusal + text[text.index('        <value id="e-total"') :]
    assert load_casebook(write_casebook(tmp_path, text)).case("T-001")
    delayed = write_casebook(tmp_path, text.replace("BILLING_BEFORE_CARE", "PRICE_ABOVE_PLV"), "other.xml")
    with pytest.raises(CasebookError) as info:  # no refusal of the dates expected: both said, in the engine's order
        load_casebook(delayed)
    said = [p.text("fr") for p in info.value.problems]
    assert any("BILLING_BEFORE_CARE" in s for s in said) and any("BILLING_DELAY_EXCEEDED" in s for s in said), said
