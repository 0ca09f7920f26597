"""Assisted operator mode on a real campaign: a stand-in application writes real files and a real log.

The operator performs each engine step (here: the stand-in writes the FSE, the lot and its log line as the
application would), the bench reads them with the profile's extractors through the real capture, the real
session store and the real report. What is checked: the operator is asked only for the values no extractor
gives; every extracted value is recorded with its provenance (file and offset, or log line); a correction is
recorded as such with its reason and the report says so; a malformed lot errs its case, names the file and
the offset, and the campaign goes on.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from testbench.casebook.loader import load_casebook
from testbench.domain.attestation import Attestation
from testbench.integrity.verify import verify_session
from testbench.report.build import BuildOptions, build_report
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store.read import read_session

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 2.0  # the engine timeout: how long the bench waits for a step's files and log lines

PROFILE = """
[product]
name = "Appli de test"
version = "1.0"

[[logs]]
path = "logs/app.log"
encoding = "cp1252"
channel = "app"
format = "plain"

[outputs]
fse = "out/fse"
lots = "out/lots"

[[extractors]]
name = "FSE"
kind = "xpath"
applies_to = ["create_invoice"]
files = "fse"
[extractors.fields]
"string(/fse/@numero)" = "invoice.number"
"string(/fse/totaux/@facture)" = "invoice.totals.billed"
"string(/fse/totaux/@base)" = "invoice.totals.base"
"string(/fse/totaux/@amo)" = "invoice.totals.amo"
"string(/fse/totaux/@amc)" = "invoice.totals.amc"

[[extractors]]
name = "journal"
kind = "regex"
applies_to = ["create_invoice"]
channel = "app"
pattern = 'reste à charge (?P<patient>[\\d,]+) EUR'
fields = { patient = "invoice.totals.patient" }

[[extractors]]
name = "lot"
kind = "fixed"
applies_to = ["build_lot"]
files = "lots"
encoding = "ascii"
record_type = [1, 3]
record_length = 30
closing = "999"
[[extractors.records]]
type = "190"
fields = [
    { name = "numero", start = 4, length = 6, type = "text" },
    { name = "nombre", start = 10, length = 4, type = "int" },
    { name = "amo", start = 14, length = 11, type = "decimal", scale = 2 },
]
[extractors.fields]
"190.numero" = "lot.number"
"190.nombre" = "lot.invoice_count"
"190.amo" = "lot.totals.amo"

[guidance.create_invoice]
menu = "Facturation > Nouvelle facture"
"""

CASE = """
    <case id="{id}" domain="fse" mode="degrade" tags="lpp">
      <title>{id}</title>
      <objective>assisted</objective>
      <cards><card slot="cps" ref="cps-psad"/></cards>
      <steps>
        <invoice id="s-invoice" patient="p" care-date="2026-01-12" tiers-payant="amo">
          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>
        </invoice>
        <secure id="s-secure"/>
        <build-lot id="s-lot"/>
      </steps>
      <expectations>
        <value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="33.60"/>
        <value id="e-patient" step="s-invoice" path="invoice.totals.patient" type="decimal" expected="22.40"/>
        <value id="e-dep" step="s-invoice" path="invoice.totals.depassement" type="decimal" expected="0.00"/>
        <value id="e-lot-amo" step="s-lot" path="lot.totals.amo" type="decimal" expected="33.60"/>
      </expectations>
    </case>"""

CASEBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<casebook xmlns="urn:testbench:casebook:1" format-version="1">
  <identity>
    <plan-id>TB-ASSISTED</plan-id><evolution>EV000</evolution><document-version>01.00</document-version>
    <effective-date>2026-01-01</effective-date><cdc-version>1.40</cdc-version><addendum>8</addendum>
    <ps-category>fournisseur-lpp</ps-category><title>assisted operator mode</title>
  </identity>
  <fixtures>
    <card id="cps-psad" profile="cards/cps3-psad-lpp.xml"/>
    <patient id="p">
      <right name="nir" value="299990000000042"/><right name="name" value="PATIENTE TEST"/>
      <right name="birth-date" value="1970-09-09"/><right name="regime" value="01"/>
      <right name="rights-start" value="2024-01-01"/><right name="rights-end" value="2030-12-31"/>
    </patient>
  </fixtures>
  <cases>{cases}
  </cases>
</casebook>
"""


class StandInApplication:
    """Performs each engine step as the application would (its files, its log line); keys what it is asked.

    ``T-FIX``: the application writes a wrong AMO (33.00), the operator corrects it when shown the
    extracted values (``review``). ``T-BAD``: the application writes a malformed lot.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.asked: dict[str, tuple[str, ...]] = {}  # engine call -> the paths the operator was asked to key
        self.instructions: dict[str, str] = {}
        self.reviewed: list[str] = []

    def perform(self, case: Any, step: Any) -> Attestation | None:
        call = step.params["engine_call"]
        self.asked[call] = tuple(o.path for o in step.observe)
        self.instructions[call] = step.instruction
        amo = "33.00" if case.id == "T-FIX" else "33.60"
        if call == "create_invoice":
            fse = f'<fse numero="{case.id}"><totaux facture="56.00" base="56.00" amo="{amo}" amc="0.00"/></fse>'
            (self.root / "out" / "fse" / f"{case.id}.xml").write_text(fse, encoding="utf-8")
            with (self.root / "logs" / "app.log").open("a", encoding="cp1252") as log:
                log.write(f"facture {case.id} validée, reste à charge 22,40 EUR\n")
        elif call == "build_lot" and case.id != "T-NOLOT":  # T-NOLOT: the application writes no lot
            amount = "00000003360" if case.id != "T-BAD" else "0000000336X"
            records = [f"190000001{'0001'}{amount}".ljust(30), "999".ljust(30)]
            (self.root / "out" / "lots" / f"{case.id}.b2").write_text("\n".join(records) + "\n", encoding="ascii")
        values = {"invoice.totals.depassement": "0.00"} if call == "create_invoice" else {}
        note = ""
        if call == "create_invoice" and case.id in ("T-NOLOT", "T-NEXT"):  # keyed over an extracted value
            values["invoice.totals.amc"] = "0.10" if case.id == "T-NOLOT" else "0.00"
            note = "AMC lue à l'écran" if case.id == "T-NOLOT" else ""
        return Attestation(True, "Camille", note, values)

    def review(
        self, case: Any, step: Any, extracted: list[Any], missing: list[Any], conflicts: Any = None
    ) -> dict[str, tuple[str, str]]:
        self.reviewed.extend(item.path for item in extracted)
        if case.id == "T-FIX":
            return {"invoice.totals.amo": ("33.60", "montant AMO lu à l'écran : 33,60")}
        return {}

    def notify(self, message: str) -> None:
        return None


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, StandInApplication, Any]:
    tmp_path = tmp_path_factory.mktemp("assisted")
    app = tmp_path / "app"
    for folder in ("logs", "out/fse", "out/lots"):
        (app / folder).mkdir(parents=True)
    (app / "logs" / "app.log").write_text("", encoding="cp1252")
    (app / "sut.toml").write_text(PROFILE, encoding="utf-8")
    (tmp_path / "cards").mkdir()
    shutil.copy(REPO / "casebooks" / "cards" / "cps3-psad-lpp.xml", tmp_path / "cards")
    book = tmp_path / "assisted.xml"
    book.write_text(
        CASEBOOK.format(cases="".join(CASE.format(id=i) for i in ("T-OK", "T-BAD", "T-FIX", "T-NOLOT", "T-NEXT")))
    )
    casebook = load_casebook(book)
    operator = StandInApplication(app)
    session = tmp_path / "s.tbsession"
    options = CampaignOptions(
        BenchOptions(cards="inprocess", engine="operator", engine_timeout=TIMEOUT, sut_profile=app / "sut.toml")
    )
    result = Campaign([casebook], session, options, operator=operator).run_selection(
        [(casebook, case) for case in casebook.cases]
    )
    return session, operator, result


def _observations(session: Path) -> dict[str, dict[str, dict[str, Any]]]:
    with read_session(session) as view:
        return {
            case.case_id: {o["path"]: o for o in view.observations(case.latest.id)}
            for case in view.cases
            if case.latest is not None
        }


def test_the_operator_keys_only_what_no_extractor_gives_and_sees_the_products_guidance(campaign: Any) -> None:
    _, operator, result = campaign
    assert operator.asked["create_invoice"] == ("invoice.totals.depassement",)  # the rest is read from files/log
    assert operator.asked["build_lot"] == ()
    assert operator.asked["secure_invoice"] == ("secure.status",)  # no extractor of this profile reads it
    assert "Facturation > Nouvelle facture" in operator.instructions["create_invoice"]
    assert result.verdicts["T-OK"] == "pass" and result.verdicts["T-NEXT"] == "pass"


def test_extracted_values_keep_their_provenance_and_keyed_ones_their_source(campaign: Any) -> None:
    session, _, _ = campaign
    ok = _observations(session)["T-OK"]
    amo = ok["invoice.totals.amo"]
    assert (amo["value"], amo["source"]) == ("33.60", "extraction")
    assert Path(amo["provenance"]["source"]).name == "T-OK.xml" and amo["provenance"]["kind"] == "xml"
    patient = ok["invoice.totals.patient"]  # from the application's log line, through the real capture
    assert (patient["value"], patient["source"], patient["provenance"]["kind"]) == ("22.40", "extraction", "log")
    assert "reste à charge 22,40" in patient["provenance"]["excerpt"]
    lot = ok["lot.totals.amo"]
    assert lot["provenance"]["record"] == 1 and lot["provenance"]["columns"] == [14, 24]
    assert lot["provenance"]["offset"] == 13  # byte offset of the value in the lot file
    keyed = ok["invoice.totals.depassement"]
    assert (keyed["source"], keyed["provenance"]) == ("operator", None)
    assert verify_session(session).ok  # the provenance is in the journal's chain


def test_a_correction_is_recorded_with_its_reason_and_the_report_says_so(campaign: Any, tmp_path: Path) -> None:
    session, operator, result = campaign
    assert "invoice.totals.amo" in operator.reviewed
    fixed = _observations(session)["T-FIX"]["invoice.totals.amo"]
    assert (fixed["value"], fixed["source"]) == ("33.60", "correction")
    assert fixed["provenance"]["correction"]["extracted"] == "33.00"
    assert fixed["provenance"]["correction"]["reason"] == "montant AMO lu à l'écran : 33,60"
    assert result.verdicts["T-FIX"] == "pass"
    built = build_report(session, tmp_path / "report", BuildOptions(junit=False))
    report = json.loads((built.folder / "report.json").read_text(encoding="utf-8"))
    schema = json.loads((REPO / "testbench/report/schema/report-1.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, schema)
    cases = {c["key"]["case_id"]: c for c in report["cases"]}
    amo = next(c for c in cases["T-FIX"]["comparisons"] if c["path"] == "invoice.totals.amo")
    assert amo["origin"].startswith("corrigé par l'opérateur : 33,60\u00a0€ au lieu de 33,00\u00a0€ lu dans T-FIX.xml")
    assert "motif : montant AMO lu à l'écran" in amo["origin"]
    ok_amo = next(c for c in cases["T-OK"]["comparisons"] if c["path"] == "lot.totals.amo")
    assert ok_amo["origin"] == "observé 33,60\u00a0€ — T-OK.b2, enregistrement 1, colonnes 14–24"
    html = built.html.read_text(encoding="utf-8")
    assert "observé 33,60\u00a0€ — T-OK.b2, enregistrement 1, colonnes 14–24" in html
    english = build_report(session, tmp_path / "report-en", BuildOptions(junit=False, lang="en"))
    en_html = english.html.read_text(encoding="utf-8")
    assert "observed €33.60 — T-OK.b2, record 1, columns 14–24" in en_html
    assert "corrected by the operator: €33.60 instead of €33.00 read in T-FIX.xml" in en_html


def test_a_malformed_lot_fails_its_case_naming_file_and_offset_keeps_it_and_the_campaign_goes_on(
    campaign: Any,
) -> None:
    """The product wrote a lot the bench cannot read: the product's failure (not the bench's), the lot kept."""
    session, _, result = campaign
    assert result.verdicts["T-BAD"] == "fail"
    assert result.verdicts["T-NEXT"] == "pass"  # the next case ran
    with read_session(session) as view:
        bad = next(c for c in view.cases if c.case_id == "T-BAD")
        reason = bad.latest.reason
        kept = [a["name"] for a in view.artifacts(bad.latest.id)]
    assert reason.startswith("sortie du logiciel invalide : ") and "T-BAD.b2" in reason
    assert "enregistrement 1, octet 13" in reason and "Traceback" not in reason
    assert "T-BAD.b2" in kept


def test_an_edited_provenance_breaks_the_chain(campaign: Any) -> None:
    session, _, _ = campaign
    copy = session.with_name("edited.tbsession")
    shutil.copy(session, copy)
    session = copy
    conn = sqlite3.connect(session)
    with conn:
        first = "SELECT MIN(id) FROM observation_sets WHERE provenance IS NOT NULL"
        conn.execute(f"UPDATE observation_sets SET provenance = '{{}}' WHERE id = ({first})")
    conn.close()
    problems = verify_session(session).problems
    assert any("jeux de valeurs observées" in p for p in problems), problems


def test_the_workstation_shows_where_each_observed_value_was_read(campaign: Any) -> None:
    from testbench.i18n import translator
    from testbench.tui.render import Renderer
    from testbench.tui.workstation import Workstation

    session, _, _ = campaign
    with read_session(session) as view:
        casebook = load_casebook(Path(view.casebooks[0].path))
    ws = Workstation([casebook], session)
    ws.reload()
    for lang, amo, zero, ok_text, fix_text in (
        ("fr", "33,60\u00a0€", "0,00\u00a0€", "observé 33,60\u00a0€ — T-OK.b2, enregistrement 1, colonnes 14–24",
         "corrigé par l'opérateur : 33,60\u00a0€"),
        ("en", "€33.60", "€0.00", "observed €33.60 — T-OK.b2, record 1, columns 14–24",
         "corrected by the operator: €33.60"),
    ):  # fmt: skip
        renderer = Renderer(ws, translator(lang), lang)
        _, rows, _ = renderer.compare(ws.find("T-OK"))
        observed = {str(row[1]): str(row[3]) for row in rows}
        assert observed["lot.totals.amo"] == f"{amo}\n{ok_text}"  # money; its source quotes the file as read
        keyed = {"fr": "saisi par l'opérateur : ", "en": "keyed by the operator: "}[lang]
        assert observed["invoice.totals.depassement"] == f"{zero}\n{keyed}{zero}"  # keyed: said so, as the book does
        _, rows, _ = renderer.compare(ws.find("T-FIX"))
        assert fix_text in {str(row[1]): str(row[3]) for row in rows}["invoice.totals.amo"]


def test_a_step_whose_file_never_comes_waits_the_engine_timeout_then_its_values_are_missing(campaign: Any) -> None:
    session, _, result = campaign
    assert result.verdicts["T-NOLOT"] == "fail" and result.verdicts["T-NEXT"] == "pass"
    with read_session(session) as view:
        case = next(c for c in view.cases if c.case_id == "T-NOLOT")
        comparisons = {c["expectation_id"]: c for c in view.comparisons(case.latest.id)}
        lot = [e for e in view.events(case.latest.id) if e["step_id"] == "s-lot"]
    walls = {e["kind"]: e["wall"] for e in lot}
    assert comparisons["e-lot-amo"]["outcome"] == "fail" and comparisons["e-lot-amo"]["observed"] is None
    assert comparisons["e-amo"]["outcome"] == "pass"
    assert walls["step-end"] - walls["step-start"] >= TIMEOUT * 0.9  # it waited for the lot, then went on


def test_a_value_keyed_over_an_extracted_one_gives_way_to_what_the_operator_accepts_when_shown_it(
    campaign: Any,
) -> None:
    session, _, _ = campaign
    observations = _observations(session)
    # 0.10 keyed (with a note) before the step; 0.00 read, shown to the operator and accepted: 0.00 stands
    # (an operator who cannot review: tests/test_assisted_exam_day.py)
    accepted = observations["T-NOLOT"]["invoice.totals.amc"]
    assert (accepted["value"], accepted["source"]) == ("0.00", "extraction")
    same = observations["T-NEXT"]["invoice.totals.amc"]
    assert (same["value"], same["source"], same["provenance"]["kind"]) == ("0.00", "extraction", "xml")


LOG_PROFILE = """
[product]
name = "Appli de test"

[[extractors]]
name = "journal"
kind = "regex"
applies_to = ["create_invoice"]
channel = "app"
pattern = 'ligne (?P<base>[\\d,]+) EUR'
fields = { base = "invoice.lines[{n}].base" }
"""


class _Done:
    """An operator who performs the step and keys nothing: every value comes from the log."""

    def perform(self, case: Any, step: Any) -> Attestation:
        return Attestation(True, "Camille")


def test_the_wait_reads_each_log_line_once_and_the_ranks_go_on_across_polls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The application writes 300 lines between two polls; its value lines come at the 3rd and the 12th
    # poll. Reading all the step's lines again at each poll would read some 20,000 lines here.
    import time
    from types import SimpleNamespace

    import testbench.extract.run as run
    from testbench.engines.operator.assisted import AssistedOperatorEngine
    from testbench.sut.profile import load_profile
    from testbench.traces.clock import mono_ns
    from testbench.traces.model import TraceLine

    (tmp_path / "sut.toml").write_text(LOG_PROFILE, encoding="utf-8")
    profile = load_profile(tmp_path / "sut.toml")
    attempt: list[TraceLine] = []
    polls = 0

    def lines() -> list[TraceLine]:
        nonlocal polls
        polls += 1
        texts = [f"rien {polls}-{i}" for i in range(300)]
        texts += {3: ["ligne 56,00 EUR"], 12: ["ligne 70,12 EUR"]}.get(polls, [])
        attempt.extend(TraceLine("app", mono_ns(), time.time(), t) for t in texts)  # the bench's clock
        return list(attempt)

    read = 0
    extract_lines = run.extract_lines

    def counting(spec: Any, given: Any, **kw: Any) -> Any:
        nonlocal read
        given = list(given)
        read += len(given)
        return extract_lines(spec, given, **kw)

    monkeypatch.setattr(run, "extract_lines", counting)

    class TwoValues(AssistedOperatorEngine):
        def _wait(self, *args: Any) -> Any:  # until the second value line is there (the first ends a wait)
            while polls < 12:
                got = super()._wait(*args)
            return got

    engine = TwoValues(profile, lines, timeout=0.0, poll=0.0)
    engine.attach_operator(_Done())
    engine.begin_step(SimpleNamespace(id="C1", expectations=()), SimpleNamespace(id="s-invoice", source=None))
    result = engine._prompt("create_invoice", {"invoice_ref": "R1"})
    assert [line["base"] for line in result["lines"]] == ["56.00", "70.12"]
    origins = engine.take_origins()
    assert origins["invoice.lines[1].base"][1]["excerpt"] == "ligne 70,12 EUR"
    assert read <= len(attempt)  # each line read once
