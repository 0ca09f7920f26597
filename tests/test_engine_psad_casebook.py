"""The PSAD/MAD casebook attributes reach the engine: a casebook using them runs through the runner, with the
engine in process and out of process (docs/casebook-format.md, invoice; docs/reference-engine.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main

REPO = Path(__file__).resolve().parent.parent

CASEBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<casebook xmlns="urn:testbench:casebook:1" format-version="1">
  <identity>
    <plan-id>TB-PSAD-ATTRS</plan-id><evolution>EV000</evolution><document-version>01.00</document-version>
    <effective-date>2026-01-01</effective-date><cdc-version>1.40</cdc-version><addendum>8</addendum>
    <ps-category>fournisseur-lpp</ps-category><title>Attributs PSAD/MAD</title>
  </identity>
  <fixtures>
    <card id="cps" profile="cards/cps3-psad-lpp.xml"/>
    <patient id="p-crpcen">
      <right name="nir" value="299990000000042"/>
      <right name="regime" value="10"/>
      <right name="rights-start" value="2024-01-01"/>
      <right name="rights-end" value="2030-12-31"/>
    </patient>
    <patient id="p-ame">
      <right name="nir" value="299990000000042"/>
      <right name="coverage" value="ame"/>
      <right name="rights-start" value="2024-01-01"/>
      <right name="rights-end" value="2030-12-31"/>
    </patient>
    <prescription id="rx" date="2026-01-02" prescriber="10000000001"/>
  </fixtures>
  <cases>
    <case id="A-1" domain="fse" mode="degrade">
      <title>CRPCEN, location hebdomadaire, DRE</title><objective>Les attributs arrivent au moteur.</objective>
      <comment>Soulève-malade 1231782, 4 semaines du 05/01 au 01/02 (28 jours = 4 semaines) : BR 70.12, 60 % = 42.07 ;
        DRE : tiers payant AMO+AMC forcé, AMC (TM) 28.05, rien dû par le patient.</comment>
      <cards><card slot="cps" ref="cps"/></cards>
      <steps>
        <read-cps id="s-cps"/>
        <invoice id="s-invoice" patient="p-crpcen" prescription="rx" care-date="2026-01-05" billing-date="2026-02-02"
                 prescription-number="ORD-42" eprescription-id="EP7Q2K" tiers-payant="amo" amc-type="dre"
                 amc-number="12345678">
          <line nomenclature="LPP" code="1231782" quantity="4" unit-price="17.53" prestation="location"
                rental-start="2026-01-05" rental-end="2026-02-01" rental-since="2026-01-05"
                supplier-siret="12345678000014" lppr="LPPR-1"/>
        </invoice>
      </steps>
      <expectations>
        <value id="e-regime" step="s-invoice" path="invoice.regime" type="string" expected="10"/>
        <value id="e-flow" step="s-invoice" path="invoice.amc.flow" type="string" expected="dre"/>
        <value id="e-mode" step="s-invoice" path="invoice.tiers_payant.mode" type="string" expected="amo+amc"/>
        <value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="42.07"/>
        <value id="e-due" step="s-invoice" path="invoice.tiers_payant.due_from_patient" type="decimal"
               expected="0.00"/>
        <value id="e-kind" step="s-invoice" path="invoice.lines[0].prestation_type" type="string"
               expected="location"/>
        <value id="e-billed" step="s-invoice" path="invoice.billing_date" type="date" expected="2026-02-02"/>
      </expectations>
    </case>
    <case id="A-2" domain="fse" mode="degrade">
      <title>Accord préalable absent</title><objective>Refus.</objective>
      <cards><card slot="cps" ref="cps"/></cards>
      <steps>
        <read-cps id="s-cps"/>
        <invoice id="s-invoice" patient="p-ame" care-date="2026-01-05">
          <line nomenclature="LPP" code="4113920" quantity="1" unit-price="5187.44" accord-prealable="true"/>
        </invoice>
      </steps>
      <expectations><refusal id="r" step="s-invoice" code="ACCORD_PREALABLE_MISSING"/></expectations>
    </case>
    <case id="A-3" domain="fse" mode="degrade">
      <title>AME en tiers payant, accident du travail, accord préalable</title><objective>Part de l'État.</objective>
      <comment>Fauteuil 4113920 : BR 5187.44 ; AT/MP (date d'accident) : 100 %… mais AME d'abord (RG_VF650) :
        AMO 0, État 5187.44, rien dû par le patient en tiers payant.</comment>
      <cards><card slot="cps" ref="cps"/></cards>
      <steps>
        <read-cps id="s-cps"/>
        <invoice id="s-invoice" patient="p-ame" care-date="2026-01-05" tiers-payant="amo" accord-prealable="AP-1"
                 at-date="2026-01-02">
          <line nomenclature="LPP" code="4113920" quantity="1" unit-price="5187.44" accord-prealable="true"/>
        </invoice>
      </steps>
      <expectations>
        <value id="e-state" step="s-invoice" path="invoice.tiers_payant.due_from_state" type="decimal"
               expected="5187.44"/>
        <value id="e-patient" step="s-invoice" path="invoice.tiers_payant.due_from_patient" type="decimal"
               expected="0.00"/>
        <value id="e-nature" step="s-invoice" path="invoice.nature_assurance" type="string" expected="41"/>
      </expectations>
    </case>
    <case id="A-4" domain="fse" mode="degrade">
      <title>Infirmier : majoration avant son acte</title><objective>Refus.</objective>
      <cards><card slot="cps" ref="cps"/></cards>
      <steps>
        <read-cps id="s-cps"/>
        <invoice id="s-invoice" patient="p-crpcen" care-date="2026-01-05">
          <line nomenclature="NGAP" code="AMI" quantity="1" unit-price="3.30" dom="true"/>
          <line nomenclature="NGAP" code="IFD" quantity="1" unit-price="2.75"/>
          <line nomenclature="NGAP" code="MCI" quantity="1" unit-price="5.00" majoration-of="2"/>
        </invoice>
      </steps>
      <expectations><refusal id="r" step="s-invoice" code="MAJORATION_WITHOUT_ACT"/></expectations>
    </case>
  </cases>
</casebook>
"""


@pytest.mark.parametrize("engine", ["inprocess", "reference"])
def test_psad_attributes_reach_the_engine(engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "cards").mkdir()
    shutil.copy(REPO / "casebooks" / "cards" / "cps3-psad-lpp.xml", tmp_path / "cards")
    book = tmp_path / "psad.xml"
    book.write_text(CASEBOOK, encoding="utf-8")
    assert main(["validate", str(book)]) == 0
    code = main(["run", str(book), "--session", str(tmp_path / "s.sqlite"), "--cards", "inprocess", "--engine", engine])
    out = capsys.readouterr()
    assert code == 0, out.out[-2000:] + out.err[-2000:]
    assert "réussi 4" in out.out + out.err
