"""A secured invoice is made from a Vitale card read or a valid ApCV context, and bills that card's (context's)
beneficiary (services audit, session 23: a refused or expired context still gave a secured FSE from the patient
fixture, and a context or card of another patient was billed silently under its NIR)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.casebook.loader import check_casebook, load_casebook
from testbench.casebook.model import Casebook
from testbench.runner.actions import ActionContext, ActionError, invoice_request

REPO = Path(__file__).resolve().parents[1]
INVOICE = """<invoice id="s-invoice" patient="p-deg" care-date="2026-02-02" tiers-payant="amo">
          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>
        </invoice>"""
AMO = '<value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="33.60"/>'


def _case(case_id: str, cards: str, read: str, expectations: str = "", mode: str = "securise") -> str:
    return f"""<case id="{case_id}" domain="apcv" mode="{mode}">
      <title>t</title><objective>o</objective>
      <cards><card slot="cps" ref="cps-psad"/>{cards}</cards>
      <steps>
        <read-cps id="s-cps"/>
        <verify-pin id="s-pin"/>
        {read}
        {INVOICE}
      </steps>
      <expectations>{expectations}{AMO}</expectations>
    </case>"""


def _casebook(tmp_path: Path, *cases: str) -> Path:
    """The fixtures of the shipped téléservices casebook, with ``cases``."""
    text = (REPO / "casebooks" / "psad-teleservices.xml").read_text(encoding="utf-8")
    head = text[: text.index("<cases>")]
    if not (tmp_path / "cards").exists():
        shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "cards")
    path = tmp_path / "cb.xml"
    path.write_text(head + "<cases>" + "\n".join(cases) + "</cases></casebook>\n", encoding="utf-8")
    return path


def _apcv(scenario: str, patient: str = "p-deg") -> str:
    return f'<apcv id="s-apcv" care-date="2026-02-02" scenario="{scenario}" channel="nfc" patient="{patient}"/>'


def _problems(path: Path) -> list[tuple[int, str, str]]:
    _cb, problems = check_casebook(path)
    return [(p.source.line, p.message, p.text("en")) for p in problems]


@pytest.mark.parametrize(
    ("scenario", "code"), [("contexte-refuse", "APCV_REFUSED"), ("contexte-expire", "APCV_CONTEXT_EXPIRED")]
)
def test_validate_refuses_a_secured_invoice_after_a_context_expected_refused(
    tmp_path: Path, scenario: str, code: str
) -> None:
    refusal = f'<refusal id="r1" step="s-apcv" code="{code}"/>'
    path = _casebook(tmp_path, _case("A-REF", "", _apcv(scenario), refusal))
    problems = _problems(path)
    invoice_line = path.read_text(encoding="utf-8").splitlines().index("        " + INVOICE.splitlines()[0]) + 1
    assert [(line, message) for line, message, _en in problems] == [
        (
            invoice_line,
            "en mode sécurisé, la facture suit une carte Vitale lue ou un contexte ApCV valide : chaque étape"
            " <read-vitale> ou <apcv> qui la précède attend un refus (<refusal>)",
        )
    ]
    assert problems[0][2].endswith("every <read-vitale> or <apcv> step before it expects a refusal (<refusal>)")


def test_a_secured_case_without_card_nor_apcv_is_told_both_ways(tmp_path: Path) -> None:
    path = _casebook(tmp_path, _case("A-NONE", "", ""))
    said = {message for _line, message, _en in _problems(path)}
    card = 'un cas en mode sécurisé exige une carte Vitale (<card slot="vitale" …/> dans <cards>) ou une étape <apcv>'
    read = (
        "un cas en mode sécurisé lit la carte Vitale (étape <read-vitale>) ou l'application carte Vitale (étape <apcv>)"
    )
    assert {card, read} <= said
    english = {en for _line, _message, en in _problems(path)}
    assert any(en.endswith("or an <apcv> step") for en in english), english
    assert not any("mode sécurisé" in en for en in english), english


def test_a_valid_context_still_makes_the_secured_invoice(tmp_path: Path) -> None:
    assert _problems(_casebook(tmp_path, _case("A-OK", "", _apcv("contexte-valide")))) == []


def _run(tmp_path: Path, case: str, *extra: str) -> tuple[int, str]:
    from testbench.cli.main import main

    path = _casebook(tmp_path, case)
    session = tmp_path / "s.tbsession"
    rc = main(["run", str(path), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess", *extra])
    return rc, session.name


@pytest.mark.parametrize(
    ("case", "words"),
    [
        (
            _case("A-OTHER", "", _apcv("contexte-valide", "p-exo")),
            "mais le contexte ApCV présente un autre bénéficiaire",
        ),
        (
            _case("C-OTHER", '<card slot="vitale" ref="vitale-std"/>', '<read-vitale id="s-vit" beneficiary="1"/>'),
            "mais la carte Vitale lue est celle d'un autre bénéficiaire",
        ),
    ],
    ids=["apcv-of-another", "card-of-another"],
)
def test_an_invoice_for_another_patient_than_the_card_or_context_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, words: str
) -> None:
    rc, _session = _run(tmp_path, case)
    err = capsys.readouterr().err
    assert rc != 0 and " : erreur — étape s-invoice invalide : la facture est pour le patient « p-deg », " in err, err
    assert words in err and "réussi" not in err.split("session")[0]


def test_the_same_reason_reads_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _session = _run(tmp_path, _case("A-OTHER", "", _apcv("contexte-valide", "p-exo")), "--lang", "en")
    err = capsys.readouterr().err
    assert rc != 0, err
    assert 'the invoice is for patient “p-deg”, but the ApCV context presents another beneficiary' in err, err


def _context(casebook: Casebook, observations: dict) -> ActionContext:
    case = casebook.cases[0]
    ctx = ActionContext(casebook, case, engine=None, bay=None, invoice_prefix="T")  # type: ignore[arg-type]
    ctx.observations.update(observations)
    return ctx


CONTEXT = {"nir": "152019999900182", "rank": 1, "regime": "01", "caisse": "751", "centre": "9999", "coverage": {}}


@pytest.mark.parametrize(
    "observations",
    [{}, {"apcv": {**CONTEXT, "status": "expired"}}, {"apcv": {**CONTEXT, "status": "refused"}}],
    ids=["nothing", "expired", "refused"],
)
def test_the_runner_makes_no_secured_invoice_without_card_nor_valid_context(tmp_path: Path, observations: dict) -> None:
    casebook = load_casebook(_casebook(tmp_path, _case("A-OK", "", _apcv("contexte-valide"))))
    ctx = _context(casebook, observations)
    step = next(s for s in casebook.cases[0].steps if s.action == "invoice")
    with pytest.raises(ActionError, match="pas de carte Vitale lue ni de contexte ApCV valide dans ce cas"):
        invoice_request(ctx, step)


def test_a_valid_context_is_billed_as_the_card(tmp_path: Path) -> None:
    casebook = load_casebook(_casebook(tmp_path, _case("A-OK", "", _apcv("contexte-valide"))))
    ctx = _context(casebook, {"apcv": {**CONTEXT, "status": "valid"}})
    step = next(s for s in casebook.cases[0].steps if s.action == "invoice")
    assert invoice_request(ctx, step)["beneficiary"]["nir"] == "152019999900182"
