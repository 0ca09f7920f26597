"""A value the operator keys is recorded as the bench records what it reads, however it was typed, and every view
says where it comes from (verifier findings 3, 4, 5, 6, 8):

- an amount typed with the euro sign and no comma (« €5.90 », « 5.90 € », « EUR 5.90 ») is recorded « 5.90 »,
  grouped thousands read as one number; what is no number stays as keyed;
- a boolean typed in either language (« yes ») is recorded as the casebook writes it (« true ») and said oui/yes;
- in the window of the values read, the same amount retyped in the screen's notation (« 33,00 » over « 33.00 »)
  is no correction: no reason asked, and a reason typed beside it is refused, never dropped;
- « saisi par l'opérateur » is said in the workstation's view 3, the exam view and ``testbench diff`` as in the
  book;
- a keyed rate is quoted as the language writes numbers (« 60,0 »).
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import html
import json
import re
from pathlib import Path

import pytest
from test_keyed_decimal_recorded import DEMO, _operator_book, _paper_total, _run, _stored
from test_tui_app import select
from test_tui_helpers import make_app, wait_run
from test_tui_window_values import CLEAR, typing, values_read

from testbench.casebook.loader import load_casebooks
from testbench.cli.main import main
from testbench.engines.operator.origin import quoted
from testbench.extract.values import normalise_decimal
from testbench.i18n import translator
from testbench.report.build import BuildOptions, build_report
from testbench.tui.exam import expected_values
from testbench.tui.screens import AttestScreen

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("written", "recorded"),
    [
        ("€5.90", "5.90"),
        ("5.90 €", "5.90"),
        ("EUR 5.90", "5.90"),
        ("5.90 euros", "5.90"),
        ("1\u202f234,56\u00a0€", "1234.56"),
        ("1\u00a0234.56", "1234.56"),
        ("€1,234.56", "1234.56"),
        ("5,90", "5.90"),
        ("5.90", "5.90"),
        ("000015", "000015"),  # an identifier keeps its digits
        ("+33612345678", "+33612345678"),  # a phone number keeps its sign
        ("5.90 francs", "5.90 francs"),  # no number: as written
        ("12 34", "12 34"),  # spaces that group no thousands
    ],
)
def test_a_written_amount_is_normalised_and_what_is_no_number_is_kept(written: str, recorded: str) -> None:
    assert normalise_decimal(written) == recorded


@pytest.mark.parametrize("keyed", ["€5.90", "5.90 €", "EUR 5.90"])
def test_a_manual_amount_keyed_with_a_currency_sign_is_recorded_with_a_dot(tmp_path: Path, keyed: str) -> None:
    report = _run(tmp_path, _paper_total(keyed), "fr", "--engine", "inprocess", "-k", "id:DEMO-FSE-030")
    (case,) = report["cases"]
    observed = {o["path"]: o for o in case["observations"]}
    assert observed["manual.paper_total"]["value"] == "5.90"
    assert observed["manual.paper_total"]["origin"] == f"saisi par l'opérateur : 5,90{NBSP}€"
    compared = next(c for c in case["comparisons"] if c["path"] == "manual.paper_total")
    assert keyed not in compared["message"], compared["message"]
    stored, attested = _stored(tmp_path)
    assert stored["manual.paper_total"] == attested["manual.paper_total"] == "5.90"


def _answers(printed: str) -> dict[str, object]:
    answers = _paper_total("5.90")
    for answer in answers.values():
        if isinstance(answer, dict) and "manual.paper_printed" in answer.get("values", {}):
            answer["values"]["manual.paper_printed"] = printed
    return answers


@pytest.mark.parametrize(("keyed", "recorded", "said"), [("yes", "true", "oui"), ("No", "false", "non")])
def test_a_keyed_boolean_is_recorded_as_the_casebook_writes_it(
    tmp_path: Path, keyed: str, recorded: str, said: str
) -> None:
    _run(tmp_path, _answers(keyed), "en", "--engine", "inprocess", "-k", "id:DEMO-FSE-030")
    stored, attested = _stored(tmp_path)
    assert stored["manual.paper_printed"] == attested["manual.paper_printed"] == recorded
    built = build_report(tmp_path / "s.tbsession", tmp_path / "fr", BuildOptions(junit=False, lang="fr"))
    (case,) = json.loads((built.folder / "report.json").read_text(encoding="utf-8"))["cases"]
    observed = {o["path"]: o for o in case["observations"]}
    assert observed["manual.paper_printed"]["origin"] == f"saisi par l'opérateur : {said}"


def test_an_amount_retyped_in_the_screens_notation_is_no_correction(tmp_path: Path) -> None:
    assert values_read(tmp_path, *CLEAR, *"33,00", "ctrl+s") == {"answer": {}}
    assert values_read(tmp_path, *CLEAR, *typing("33,00 €"), "ctrl+s") == {"answer": {}}
    reason = values_read(tmp_path, *CLEAR, *"33,00", "tab", *"vu", "ctrl+s")  # a reason is never dropped unsaid
    assert reason["open"] and reason["focus"] == "reason-0", reason
    assert "Motif sans correction pour invoice.totals.amo" in reason["notice"], reason["notice"]
    # a different amount is still a correction, its reason asked
    changed = values_read(tmp_path, *CLEAR, *"33,60", "ctrl+s")
    assert changed["open"] and changed["focus"] == "reason-0", changed


def _shown(app) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace(NBSP, " ")


def test_the_workstation_view_says_the_operator_keyed_a_value(tmp_path: Path) -> None:
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, lang="fr")
        async with app.run_test(size=(160, 40)) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-MAN-003")
            await pilot.press("r")
            for _ in range(100):
                await pilot.pause(0.05)
                if isinstance(app.screen, AttestScreen):
                    break
            assert isinstance(app.screen, AttestScreen)
            await pilot.press(*"€33.60", "ctrl+s")
            await wait_run(app, pilot)
            seen["verdict"] = app.ws.find("TC-MAN-003").verdict
            await pilot.press("3")
            await pilot.pause()
            seen["view"] = _shown(app)

    asyncio.run(scenario())
    assert seen["verdict"] == "pass", seen
    assert "saisi par l'opérateur : 33,60 €" in seen["view"], seen["view"]
    assert "€33.60" not in seen["view"]


def test_the_exam_view_says_the_operator_keyed_a_value() -> None:
    case = next(c for c in load_casebooks([DEMO])[0].cases if c.id == "DEMO-FSE-030")
    observations = [
        {"path": "manual.paper_total", "value": "5.90", "source": "operator", "provenance": None},
        {"path": "manual.paper_printed", "value": "true", "source": "operator", "provenance": None},
    ]
    rows = {row.path: row for row in expected_values(case, observations, translator("fr"), "fr")}
    assert rows["manual.paper_total"].provenance == f"saisi par l'opérateur : 5,90{NBSP}€"
    assert rows["manual.paper_printed"].provenance == "saisi par l'opérateur : oui"


def test_diff_says_the_operator_keyed_a_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _run(tmp_path / "a", _paper_total("5,90"), "fr", "--engine", "inprocess", "-k", "id:DEMO-FSE-030")
    _run(tmp_path / "b", _paper_total("6,10"), "fr", "--engine", "inprocess", "-k", "id:DEMO-FSE-030")
    capsys.readouterr()
    main(["diff", str(tmp_path / "a" / "s.tbsession"), str(tmp_path / "b" / "s.tbsession"), "--lang", "fr"])
    out = capsys.readouterr().out.replace(NBSP, " ")
    assert "A : saisi par l'opérateur : 5,90 €" in out, out
    assert "B : saisi par l'opérateur : 6,10 €" in out, out


def test_a_keyed_rate_is_quoted_as_the_language_writes_numbers(tmp_path: Path) -> None:
    assert quoted("invoice.lines[0].rate", "60.0", "fr") == "60,0"
    assert quoted("invoice.lines[0].rate", "60.0", "en") == "60.0"
    answers = {
        "operator": "Alice",
        "OPER-002/s-cps": {"confirmed": True, "values": {"cps.rpps": "10000000001"}},
        "OPER-002/s-vitale": {"confirmed": True, "values": {"vitale.nir": "180017512345622"}},
        "OPER-002/s-invoice": {
            "confirmed": True,
            "values": {
                "invoice.totals.amo": "33,60",
                "totals.amc": "0,00",
                "totals.patient": "22,40",
                "invoice.lines[0].rate": "60,0",
            },
        },
    }
    report = _run(tmp_path, answers, "fr", "--engine", "operator", casebook=_operator_book(tmp_path))
    (case,) = report["cases"]
    observed = {o["path"]: o for o in case["observations"]}
    assert observed["invoice.lines[0].rate"]["value"] == "60.0"
    assert observed["invoice.lines[0].rate"]["origin"] == "saisi par l'opérateur : 60,0"
