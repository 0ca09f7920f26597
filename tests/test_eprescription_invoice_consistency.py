"""An invoice made after the case read an e-prescription carries that prescription: its identifier, date and
prescriber RPPS (services audit, session 24: the bench never compared the invoice it observed with the
prescription read, so a product billing another prescription, or none, passed). The bench's own rule:
``validate`` refuses a case whose invoice writes other values than the scenario's, the runner fails a case whose
observed invoice names another prescription or none, and the reference engine carries the one it fetched."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from testbench.casebook.loader import check_casebook, load_casebook
from testbench.engines.reference import engine as reference
from testbench.engines.reference.engine import ReferenceEngine
from testbench.runner.actions import ActionContext, PrescriptionMismatch, invoice_request, perform

REPO = Path(__file__).resolve().parents[1]
FETCH = '<eprescription id="s-rx" number="RX-2026-0001" scenario="ordonnance-lpp"/>'
LINE = '<line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>'
AMO = '<value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="33.60"/>'
READ = {
    "number": "RX-2026-0001",
    "date": "2026-01-05",
    "prescriber": {"rpps": "10000000007", "name": "DOCTEUR PRESCRIPTEUR", "specialty": "01"},
    "lines": [],
    "line_count": 0,
}


def _case(attributes: str = "", fetch: str = FETCH, expectations: str = AMO) -> str:
    return f"""<case id="EPR-X" domain="eprescription" mode="degrade">
      <title>t</title><objective>o</objective>
      <cards><card slot="cps" ref="cps-psad"/></cards>
      <steps>
        <read-cps id="s-cps"/>
        <verify-pin id="s-pin"/>
        {fetch}
        <invoice id="s-invoice" patient="p-deg" care-date="2026-02-02" tiers-payant="amo"{attributes}>
          {LINE}
        </invoice>
      </steps>
      <expectations>{expectations}</expectations>
    </case>"""


def _casebook(tmp_path: Path, case: str) -> Path:
    """The fixtures of the shipped téléservices casebook, with ``case``."""
    text = (REPO / "casebooks" / "psad-teleservices.xml").read_text(encoding="utf-8")
    if not (tmp_path / "cards").exists():
        shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "cards")
    path = tmp_path / "cb.xml"
    path.write_text(text[: text.index("<cases>")] + "<cases>" + case + "</cases></casebook>\n", encoding="utf-8")
    return path


def _problems(path: Path) -> list[tuple[int, int, str, str]]:
    _cb, problems = check_casebook(path)
    return [(p.source.line, p.source.col, p.message, p.text("en")) for p in problems]


# -- validate ---------------------------------------------------------------------------------------------


def test_validate_refuses_an_invoice_naming_another_prescription_than_the_one_read(tmp_path: Path) -> None:
    written = ' eprescription-id="RX-2026-0009" prescription-date="2026-01-06" prescriber="10000000008"'
    path = _casebook(tmp_path, _case(written))
    problems = _problems(path)
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "<invoice" in text)
    assert [(at, message) for at, _col, message, _en in problems] == [
        (line, "eprescription-id « RX-2026-0009 » : l'ordonnance numérique lue à l'étape s-rx donne « RX-2026-0001 »"),
        (line, "prescription-date « 2026-01-06 » : l'ordonnance numérique lue à l'étape s-rx donne « 2026-01-05 »"),
        (line, "prescriber « 10000000008 » : l'ordonnance numérique lue à l'étape s-rx donne « 10000000007 »"),
    ]
    assert len({col for _at, col, _m, _en in problems}) == 3  # each placed at its own attribute
    english = 'eprescription-id “RX-2026-0009”: the e-prescription read at step s-rx gives “RX-2026-0001”'
    assert problems[0][3].endswith(english)


def test_validate_takes_an_invoice_that_carries_the_prescription_or_writes_none(tmp_path: Path) -> None:
    same = ' eprescription-id="RX-2026-0001" prescription-date="2026-01-05" prescriber="10000000007"'
    assert _problems(_casebook(tmp_path, _case(same))) == []
    assert _problems(_casebook(tmp_path, _case())) == []
    refused = FETCH.replace("ordonnance-lpp", "ordonnance-inconnue")  # nothing read: nothing to carry
    expected = '<refusal id="r" step="s-rx" code="EPRESCRIPTION_NOT_FOUND"/>'
    assert _problems(_casebook(tmp_path, _case(' eprescription-id="RX-9"', refused, expected + AMO))) == []


# -- the reference engine carries the prescription it fetched ------------------------------------------------


def _fetched_engine(monkeypatch: pytest.MonkeyPatch) -> ReferenceEngine:
    engine = ReferenceEngine()
    answer = {"service": "eprescription", "status": "found", "prescription": READ}
    monkeypatch.setattr(engine._services, "post", lambda service, request, payload: answer)
    engine.eprescription_fetch({"number": "RX-2026-0001", "service_url": "http://127.0.0.1:9/eprescription"})
    return engine


def _request(prescription: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "invoice_ref": "T-1",
        "mode": "degrade",
        "care_date": "2026-02-02",
        "beneficiary": {"nir": "199990000000017", "rank": 1, "regime": "01", "coverage": {}},
        "prescription": prescription,
        "tiers_payant": "amo",
        "lines": [{"nomenclature": "LPP", "code": "1241763", "quantity": "4", "unit_price": "14.00"}],
    }


def test_the_reference_engine_carries_the_prescriber_and_date_of_the_eprescription_it_fetched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    invoice = _fetched_engine(monkeypatch).create_invoice(_request({"eprescription_id": "RX-2026-0001"}))
    assert invoice["prescription"] == {
        "prescriber": "10000000007",
        "date": "2026-01-05",
        "number": None,
        "eprescription_id": "RX-2026-0001",
    }
    assert 'prescripteur="10000000007" date="2026-01-05"' in invoice["fse"]
    assert 'idEPrescription="RX-2026-0001"' in invoice["fse"]


def test_the_reference_engine_keeps_what_the_request_writes_and_names_no_prescription_it_was_not_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = _fetched_engine(monkeypatch)
    written = {"eprescription_id": "RX-2026-0001", "prescriber": "10000000008", "date": "2026-01-04"}
    assert engine.create_invoice(_request(written))["prescription"]["prescriber"] == "10000000008"
    assert engine.create_invoice({**_request(None), "invoice_ref": "T-2"})["prescription"] is None


# -- the runner compares the invoice it observed ------------------------------------------------------------


class _Engine:
    """An engine whose invoice names ``prescription`` (what a product under test answered)."""

    def __init__(self, prescription: Any) -> None:
        self.prescription = prescription
        self.requests: list[dict[str, Any]] = []

    def create_invoice(self, request: dict[str, Any]) -> dict[str, Any]:
        self.requests.append(request)
        return {"invoice_id": "INV-1", "number": "1", "totals": {}, "prescription": self.prescription}


def _invoice(tmp_path: Path, prescription: Any, case: str | None = None) -> tuple[ActionContext, _Engine]:
    casebook = load_casebook(_casebook(tmp_path, case or _case()))
    engine = _Engine(prescription)
    ctx = ActionContext(casebook, casebook.cases[0], engine=engine, bay=None, invoice_prefix="T")  # type: ignore[arg-type]
    ctx.observations["eprescription"] = READ
    ctx.by_step["s-rx"] = {"eprescription": READ}
    step = next(s for s in casebook.cases[0].steps if s.action == "invoice")
    perform(ctx, step)
    return ctx, engine


CARRIED = {"eprescription_id": "RX-2026-0001", "date": "2026-01-05", "prescriber": "10000000007", "number": None}


def test_an_invoice_carrying_the_prescription_read_passes_and_the_request_names_it(tmp_path: Path) -> None:
    ctx, engine = _invoice(tmp_path, CARRIED)
    assert ctx.by_step["s-invoice"]["invoice"]["prescription"] == CARRIED
    assert engine.requests[0]["prescription"] == {"eprescription_id": "RX-2026-0001"}  # the invoice executes it
    _invoice(tmp_path, {**CARRIED, "date": "05/01/2026", "prescriber": "810000000007"})  # as a product writes them


def test_an_invoice_naming_another_prescription_is_the_products_failure(tmp_path: Path) -> None:
    other = {"eprescription_id": "RX-2026-0009", "date": "2026-01-06", "prescriber": "10000000008"}
    with pytest.raises(PrescriptionMismatch) as caught:
        _invoice(tmp_path, other)
    assert str(caught.value) == (
        "étape s-invoice : la facture ne reprend pas l'ordonnance numérique RX-2026-0001 lue à l'étape s-rx :"
        " identifiant RX-2026-0009 au lieu de RX-2026-0001 ; date de prescription 2026-01-06 au lieu de 2026-01-05"
        " ; prescripteur RPPS 10000000008 au lieu de RPPS 10000000007"
    )


@pytest.mark.parametrize("prescription", [None, {}, {"eprescription_id": "", "prescriber": None}])
def test_an_invoice_naming_no_prescription_after_one_was_read_fails(tmp_path: Path, prescription: Any) -> None:
    with pytest.raises(PrescriptionMismatch, match="la facture ne nomme aucune prescription, alors que"):
        _invoice(tmp_path, prescription)


def test_a_case_that_expects_the_invoices_prescription_itself_is_not_overruled(tmp_path: Path) -> None:
    from testbench.casebook.model import Expectation, ExpectationKind

    casebook = load_casebook(_casebook(tmp_path, _case()))
    case = casebook.cases[0]
    own = Expectation("e-rx", ExpectationKind.VALUE, step="s-invoice", path="invoice.prescription.eprescription_id")
    object.__setattr__(case, "expectations", (*case.expectations, own))
    ctx = ActionContext(casebook, case, engine=_Engine(None), bay=None, invoice_prefix="T")  # type: ignore[arg-type]
    ctx.observations["eprescription"] = READ
    perform(ctx, next(s for s in case.steps if s.action == "invoice"))


def test_without_an_eprescription_read_the_invoice_is_not_compared(tmp_path: Path) -> None:
    casebook = load_casebook(_casebook(tmp_path, _case()))
    engine = _Engine(None)
    ctx = ActionContext(casebook, casebook.cases[0], engine=engine, bay=None, invoice_prefix="T")  # type: ignore[arg-type]
    step = next(s for s in casebook.cases[0].steps if s.action == "invoice")
    perform(ctx, step)
    assert invoice_request(ctx, step)["prescription"] is None


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, named: Any, *extra: str) -> int:
    """The téléservices casebook's e-prescription case, its invoice as the reference engine makes it except for
    the prescription it names (``named``: a product that bills another prescription, or none)."""
    from testbench.cli.main import main

    monkeypatch.setattr(reference, "_prescription_of", lambda _req: named)
    path = _casebook(tmp_path, _case(' eprescription-id="RX-2026-0001"'))
    session = tmp_path / "s.tbsession"
    return main(["run", str(path), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess", *extra])


def test_the_case_fails_with_both_values_in_french_and_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    other = {"eprescription_id": "RX-2026-0009", "date": "2026-01-05", "prescriber": "10000000007", "number": None}
    assert _run(tmp_path, monkeypatch, other) == 1
    err = capsys.readouterr().err
    assert (
        "EPR-X : échec — étape s-invoice : la facture ne reprend pas l'ordonnance numérique RX-2026-0001 lue à"
        " l'étape s-rx : identifiant RX-2026-0009 au lieu de RX-2026-0001"
    ) in err, err
    assert _run(tmp_path / "en", monkeypatch, None, "--lang", "en") == 1
    err = capsys.readouterr().err
    assert (
        "step s-invoice: the invoice names no prescription, although the e-prescription RX-2026-0001 was read at"
        " step s-rx"
    ) in err, err


def test_the_english_of_every_difference(tmp_path: Path) -> None:
    from testbench.i18n import english

    other = {"eprescription_id": "RX-2026-0009", "date": "2026-01-06", "prescriber": None}
    with pytest.raises(PrescriptionMismatch) as caught:
        _invoice(tmp_path, other)
    assert english(str(caught.value)) == (
        "step s-invoice: the invoice does not carry the e-prescription RX-2026-0001 read at step s-rx: identifier"
        " RX-2026-0009 instead of RX-2026-0001; prescription date 2026-01-06 instead of 2026-01-05; prescriber none"
        " instead of RPPS 10000000007"
    )


def test_both_rpps_are_redacted(tmp_path: Path) -> None:
    from testbench.traces.redact import redact

    with pytest.raises(PrescriptionMismatch) as caught:
        _invoice(tmp_path, {**CARRIED, "prescriber": "10000000008"})
    said = redact(str(caught.value))
    assert "10000000008" not in said and "10000000007" not in said
    assert said.endswith("prescripteur RPPS ‹RPPS› au lieu de RPPS ‹RPPS›")


def test_the_failed_invoice_step_keeps_what_the_product_billed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The mismatch fails the step, yet the invoice's values are the case's evidence: recorded as the step's, so
    the expected/observed view and the exam book show the prescription billed beside the one read."""
    from testbench.store.read import read_session

    other = {"eprescription_id": "RX-2026-0009", "date": "2026-01-05", "prescriber": "10000000007", "number": None}
    assert _run(tmp_path, monkeypatch, other) == 1
    with read_session(tmp_path / "s.tbsession") as view:
        attempt = view.cases[0].latest.id
        observed = {o["path"]: o for o in view.observations(attempt)}
    assert observed["invoice.prescription.eprescription_id"]["value"] == "RX-2026-0009"
    assert observed["invoice.prescription.eprescription_id"]["step_id"] == "s-invoice"
    assert observed["invoice.totals.amo"]["value"] == "33.60"
