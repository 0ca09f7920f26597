"""What an integrator's engine showed the bench (audit 10): stray output charged to the call that caused it,
a byte-order mark, invisible characters, and the conformance kit after a restart, in English, with values.

Real processes throughout: the reference engine behind the real protocol server, with one fault chosen on
its command line (tests/data/engines/integrator_engine.py), driven by the bench's SubprocessEngine, the
conformance kit, ``testbench engine check`` and a campaign into a session file.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from testbench.cli.main import main
from testbench.engines.protocol import jsonrpc as J
from testbench.engines.protocol.client import SubprocessEngine
from testbench.engines.protocol.conformance import Report, run_checks, sample_request
from testbench.fmt import visible_controls
from testbench.i18n import english
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import RunRequest, run_campaign
from testbench.runner.options import BenchOptions, CampaignOptions, Selection
from testbench.store.read import read_session

ENGINE = Path(__file__).parent / "data" / "engines" / "integrator_engine.py"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "engine-protocol.md"


def _command(*faults: str) -> list[str]:
    return [sys.executable, str(ENGINE), *faults]


def _kit(*faults: str) -> Report:
    return run_checks(_command(*faults), timeout=10, start_timeout=20)  # a loaded machine starts Python slowly


def _results(report: Report) -> dict[str, Any]:
    return {r.id: r for r in report.results}


# -- the client: stray output, byte-order mark, invisible characters -------------------------------------------
def test_a_byte_order_mark_before_a_line_is_not_part_of_the_message() -> None:
    assert J.parse("\ufeff".encode() + b'{"jsonrpc": "2.0", "id": 1, "result": {}}') == {
        "jsonrpc": "2.0",
        "id": 1,
        "result": {},
    }
    engine = SubprocessEngine(_command("--bom"), timeout=10, start_timeout=20)
    try:
        assert engine.describe().name == "testbench-reference"  # what a .NET shim writes starts the engine
    finally:
        engine.close()


@pytest.mark.parametrize("char", ["\ufeff", "\u200b", "\u200c", "\u200d", "\u2060", "\u2028", "\u2029"])
def test_invisible_characters_are_shown_as_markers(char: str) -> None:
    assert visible_controls(f"{char}{{}}") == f"⟨U+{ord(char):04X}⟩{{}}"
    with pytest.raises(ValueError) as unread:  # a mark inside a line: the excerpt shows where it is
        J.parse(b'{"id": ' + "\ufeff".encode() + b"1}")
    assert "colonne 8" in str(unread.value)


DUP = "seconde réponse à la requête {id} (secure_invoice)"
SAID = "une sortie qui n'est pas du JSON-RPC (JSON illisible à la colonne 1) : « secured OK »"


@pytest.mark.parametrize(
    ("faults", "written"),
    [(["--dup"], DUP), (["--say-after"], SAID), (["--late", "--dup"], DUP), (["--late", "--say-after"], SAID)],
)
def test_output_after_an_answer_is_the_fault_of_the_case_that_got_it(
    faults: list[str], written: str, tmp_path: Path
) -> None:
    """Written with the answer, or once the bench has read it (--late): the case's end waits for a describe."""
    once = str(tmp_path / "once")
    engine = SubprocessEngine(_command(*faults, "secure_invoice", "--once", once), timeout=10, start_timeout=20)
    events: list[tuple[str, dict[str, Any]]] = []
    engine.attach_lifecycle(lambda kind, details: events.append((kind, details)))
    sent: list[Any] = []
    engine.on_message = lambda direction, msg: sent.append(msg.get("id")) if direction == "sent" else None
    try:
        engine.begin_case()
        invoice = engine.create_invoice(sample_request("C1"))
        engine.secure_invoice({"invoice_id": invoice["invoice_id"]})
        secured = sent[-1]
        if "--late" in faults:
            assert engine.drain_stray() is None  # not there yet: a look without waiting would miss it
        reason = engine.end_case()  # the case that got the answer answers for what followed it
        expected = f"après sa réponse à la requête {secured} (secure_invoice), le moteur a écrit : " + written
        assert reason == expected.format(id=secured)
        assert events[-1] == ("engine-stray-output", {"message": reason, "request": secured})
        assert not engine.running  # stopped: the next case is not charged with it
        engine.begin_case()
        assert engine.create_invoice(sample_request("C2"))["totals"]["base"] == "56.00"
        assert engine.end_case() is None
    finally:
        engine.close()


def test_a_second_answer_read_during_the_next_call_names_the_request_it_repeats() -> None:
    engine = SubprocessEngine(_command("--dup", "secure_invoice"), timeout=10, start_timeout=20)
    try:
        engine.begin_case()
        invoice = engine.create_invoice(sample_request("C1"))
        engine.secure_invoice({"invoice_id": invoice["invoice_id"]})
        with pytest.raises(Exception) as fault:  # read before the case's next request is sent
            engine.build_lot({"invoice_ids": [invoice["invoice_id"]]})
        assert "seconde réponse à la requête" in str(fault.value) and "(secure_invoice)" in str(fault.value)
        assert english(str(fault.value)).startswith("after its answer to request ")
    finally:
        engine.close()


def test_a_campaign_charges_a_second_answer_to_the_case_that_got_it(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    engine = shlex.join(_command("--late", "--say-after", "secure_invoice", "--once", str(tmp_path / "once")))
    options = BenchOptions(cards="inprocess", engine=engine, engine_timeout=10)
    run_campaign(
        RunRequest(
            casebooks=[CASEBOOKS_DIR / "demo.xml"],
            session=session,
            options=CampaignOptions(options, selection=Selection("DEMO-FSE-001 or DEMO-FSE-002")),
        )
    )
    with read_session(session) as view:
        verdicts = {case.case_id: (case.latest.verdict, case.latest.reason) for case in view.cases if case.latest}
    first, second = verdicts["DEMO-FSE-001"], verdicts["DEMO-FSE-002"]
    assert first[0] != "pass" and "(secure_invoice), le moteur a écrit" in first[1] and "« secured OK »" in first[1]
    assert second == ("pass", "")  # a fresh engine, not the first case's stray answer


# -- the conformance kit ---------------------------------------------------------------------------------------
def test_engine_check_blames_the_check_whose_answer_was_followed_by_stray_output(tmp_path: Path) -> None:
    checks = _results(_kit("--dup", "secure_invoice", "--once", str(tmp_path / "once")))
    assert not checks["securisation"].ok
    assert "seconde réponse à la requête" in checks["securisation"].detail
    assert [r for r, c in checks.items() if not c.ok] == ["securisation"]  # lot and retours on a fresh engine
    assert checks["lot"].detail.endswith("(refait sur le moteur redémarré après la vérification securisation)")


def test_checks_after_a_restart_build_what_they_need_on_the_new_process() -> None:
    checks = _results(_kit("--bad-refusal", "INVALID_QUANTITY"))  # the kit stops the engine on that refusal
    assert [r for r, c in checks.items() if not c.ok] == ["refus-quantite"]
    # the first check that needs the invoice makes it again on the new process; the next ones find it there
    assert checks["securisation"].detail == (
        "statut secured (refait sur le moteur redémarré après la vérification refus-quantite)"
    )
    assert english(checks["securisation"].detail) == (
        "status secured (redone on the engine restarted after check id refus-quantite)"
    )
    assert checks["lot"].ok and checks["retours"].ok


def test_a_check_after_one_that_stopped_the_engine_compares_the_new_process() -> None:
    checks = _results(_kit("--crash-on-list"))
    assert [r for r, c in checks.items() if not c.ok] == ["parametres-invalides"]
    assert checks["ligne-illisible"].ok  # its pid is the fresh engine's, not None


def test_engine_check_json_follows_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["engine", "check", "--json", "--lang", "en", "--timeout", "10", "--", *_command()])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["demarrage"]["label"] == "the engine starts and answers initialize"
    assert checks["describe"]["detail"] == "10 capabilities"
    assert checks["facture"]["label"] == "create_invoice (example E1): shape, arithmetic and amounts"
    words = re.compile(r"\b(le|la|les|du|des|une|et|moteur|requête|vérification|lue|facture)\b")
    assert [c["id"] for c in report["checks"] if words.search(c["label"] + " " + c["detail"])] == []


def test_example_e1_amounts_are_compared_field_by_field() -> None:
    detail = _results(_kit("--amounts", "12.76"))["facture"].detail
    assert detail == (
        "montants de l'exemple E1 (reçu ≠ attendu) : totals.base 12.76 ≠ 56.00, totals.amo 7.66 ≠ 33.60,"
        " totals.patient 5.10 ≠ 22.40"
    )
    assert english(detail) == (
        "amounts of example E1 (got ≠ expected): totals.base 12.76 ≠ 56.00, totals.amo 7.66 ≠ 33.60,"
        " totals.patient 5.10 ≠ 22.40"
    )


def test_failures_name_the_field_and_both_values() -> None:
    badsum = _results(_kit("--badsum"))["facture"].detail
    assert badsum == "ligne 1 : amo 33.60 + amc 0.00 + patient 22.41 = 56.01 ≠ base 56.00 + depassement 0.00 = 56.00"
    assert english(badsum) == (
        "line 1: amo 33.60 + amc 0.00 + patient 22.41 = 56.01 ≠ base 56.00 + depassement 0.00 = 56.00"
    )
    nondet = _results(_kit("--nondet"))
    determinism = nondet["determinisme"].detail
    assert determinism == "la même requête rend des montants différents (1re → 2e réponse) : totals.amo 33.62 → 33.63"
    assert english(determinism) == (
        "the same request returns different amounts (1st → 2nd answer): totals.amo 33.62 → 33.63"
    )
    lot = _results(_kit("--numbers"))["lot"]  # an invoice outside its schema: no lot is built on it
    assert not lot.ok and lot.not_run
    assert lot.detail == "pas de facture à mettre en lot (create_invoice a échoué)"
    assert english(lot.detail) == "no invoice to put in a lot (create_invoice failed)"


def test_an_engine_that_reads_no_card_passes_cartes_with_a_warning() -> None:
    report = _kit("--no-cards")
    cards = _results(report)["cartes"]
    assert cards.ok and cards.warning
    assert cards.detail.startswith("lecture de carte en mode client non vérifiée")
    text = report.as_text("en").splitlines()
    assert any(line.startswith("WARNING") and "card reading in client mode not verified" in line for line in text)
    assert text[-1] == "1 check passed with a warning (WARNING): read it before running a casebook."
    as_json = {c["id"]: c for c in json.loads(report.as_json("en"))["checks"]}
    assert as_json["cartes"]["warning"] is True and as_json["cartes"]["detail"].startswith("card reading in client")


def test_the_kit_needs_no_tariff_the_docs_do_not_state() -> None:
    """Every invoice line the kit sends gives its tariff (or is the unknown code), and the docs state them."""
    sent: list[dict[str, Any]] = []
    import testbench.engines.protocol.conformance as conformance

    hook = conformance._Checker._hook

    def spy(self: Any, direction: str, msg: dict[str, Any]) -> None:
        if direction == "sent" and msg.get("method") == "create_invoice" and isinstance(msg.get("params"), dict):
            sent.append(msg["params"])
        hook(self, direction, msg)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(conformance._Checker, "_hook", spy)
        assert _kit().ok
    lines = [line for request in sent for line in request["lines"]]
    assert lines and all(line["tariff"] or line["code"] == "0000000" for line in lines)
    docs = DOCS.read_text(encoding="utf-8")
    for line in lines:
        for value in (line["code"], line["tariff"], line["unit_price"], line["plv"]):
            assert value is None or value in docs, value
    for amount in ("56.00", "33.60", "22.40"):
        assert amount in docs
