"""The demo application under test: a real separate process, its log and files, its profile, its planted flaw."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

import testbench.demoapp.app as app_module
from testbench.casebook.loader import load_casebooks
from testbench.demoapp.app import LOG_NAME, DemoErp, write_in_chunks
from testbench.demoapp.driver import start_demo_app
from testbench.engines.reference import b2
from testbench.engines.reference.engine import ReferenceEngine
from testbench.engines.reference.fse import validate_fse
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.actions import ActionContext, invoice_request

EXAM = CASEBOOKS_DIR / "exam-demo.xml"


def _request(ref: str, *, ald: bool) -> dict[str, Any]:
    """An engine request as the bench sends it (the exam casebook's EXAM-COV-001 / EXAM-LPP-001 lines)."""
    return {
        "invoice_ref": ref,
        "mode": "degrade",
        "care_date": "2026-01-12",
        "ps_category": "fournisseur-lpp",
        "beneficiary": {
            "nir": "160019999900333",
            "rank": 1,
            "regime": "01",
            "caisse": "751",  # the attestation de droits' organisme: where the lot goes
            "centre": "9999",
            "birth_date": "1960-01-01",
            "coverage": {"ald": ald, "rights_start": "2024-01-01", "rights_end": "2030-12-31"},
        },
        "prescription": None,
        "tiers_payant": "amo",
        "amc": None,
        "rounding": None,
        "lines": [
            {
                "nomenclature": "LPP",
                "code": "1241763",
                "quantity": "4",
                "coefficient": "1",
                "unit_price": "14.00",
                "tariff": None,
                "plv": None,
                "date": None,
                "ald": ald,
                "exo": "4" if ald else None,
            }
        ],
    }


def test_the_app_is_a_separate_process_that_writes_its_own_log_fse_and_lot(tmp_path: Path) -> None:
    with start_demo_app(tmp_path / "erp") as app:
        assert app.pid != os.getpid()
        created = app.send({"do": "create_invoice", "request": _request("R-1", ald=True)})
        assert created["ok"], created
        # the application secures and lots by its own id, its invoice number or the bench's reference
        assert app.send({"do": "secure_invoice", "invoice_id": "R-1"})["ok"]
        lot = app.send({"do": "build_lot", "invoice_ids": [created["number"]]})
        assert lot["ok"], lot
        unknown = app.send({"do": "print_label"})
        assert unknown == {"ok": False, "error": "commande inconnue : print_label"}
        refused = app.send({"do": "secure_invoice", "invoice_id": "nope"})
        assert refused["ok"] is False and refused["refusal"]

    raw = (tmp_path / "erp" / "logs" / LOG_NAME).read_bytes()
    assert "créée".encode("cp1252") in raw  # cp1252, not UTF-8
    lines = raw.decode("cp1252").splitlines()
    stamp = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2},\d{3} \[[A-Z]+ *\] ")
    assert lines and all(stamp.match(line) for line in lines), lines
    assert any(f"Facture F{created['number']} créée : total AMO 56,00 EUR" in line for line in lines)
    assert any("[ERROR] FACT Refus" in line for line in lines)

    fse = Path(created["file"])
    assert fse.parent == tmp_path / "erp" / "out" / "fse"
    assert validate_fse(fse.read_text("utf-8")) == []  # the reference engine's XSD
    records = b2.parse_file(Path(lot["file"]).read_text("ascii"))
    by_type = {rtype: values for rtype, values in records}
    assert by_type["190"]["nombre_factures"] == 1
    assert str(by_type["190"]["amo"]) == "56.00"
    assert not list((tmp_path / "erp" / "out").rglob("*.tmp"))  # the FSE was renamed into place


def test_a_lot_is_written_in_two_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A watcher polling the file during the application's pause sees the first chunk alone, flushed."""
    path = tmp_path / "LOT_000001.b2"
    seen: list[int] = []
    monkeypatch.setattr(app_module.time, "sleep", lambda seconds: seen.append(path.stat().st_size))
    write_in_chunks(path, b"A" * 128 + b"B" * 128)
    assert seen == [128]
    assert path.stat().st_size == 256


def _exam_requests() -> list[tuple[str, dict[str, Any]]]:
    (casebook,) = load_casebooks([EXAM])
    out = []
    for case in casebook.cases:
        ctx = ActionContext(casebook, case, engine=None, bay=None, invoice_prefix=case.id)  # type: ignore[arg-type]
        step = next(s for s in case.steps if s.action == "invoice")
        out.append((case.id, invoice_request(ctx, step)))
    return out


def _amounts(tmp: Path, flaw: str | None, requests: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    app = DemoErp(tmp, ReferenceEngine(), flaw)  # the app's own logic; the engine in-process for speed
    try:
        return {cid: app.handle({"do": "create_invoice", "request": req}) for cid, req in requests}
    finally:
        app.close()


def test_the_planted_flaw_changes_exactly_the_ald_cases_of_the_exam_casebook(tmp_path: Path) -> None:
    requests = _exam_requests()
    assert len(requests) >= 20
    ald_cases = {cid for cid, req in requests if any(line["ald"] for line in req["lines"])}
    assert ald_cases == {"EXAM-COV-001", "EXAM-COV-004"}

    def fse_totals(answer: dict[str, Any]) -> str:
        assert answer["ok"], answer
        return re.search(r"<totaux [^>]*/>", Path(answer["file"]).read_text("utf-8")).group(0)  # type: ignore[union-attr]

    sound = {cid: fse_totals(a) for cid, a in _amounts(tmp_path / "sound", None, requests).items()}
    flawed = {cid: fse_totals(a) for cid, a in _amounts(tmp_path / "flawed", "ald-rate", requests).items()}
    assert {cid for cid in sound if sound[cid] != flawed[cid]} == ald_cases
    assert 'amo="56.00"' in sound["EXAM-COV-001"] and 'amo="33.60"' in flawed["EXAM-COV-001"]  # 100 % -> 60 %


def test_the_profile_beside_it_reads_what_it_writes(tmp_path: Path) -> None:
    """Every extractor of sut.toml finds its values in the real application's outputs."""
    from testbench.extract.run import extract_file
    from testbench.sut.profile import load_profile

    with start_demo_app(tmp_path / "erp") as app:
        created = app.send({"do": "create_invoice", "request": _request("R-1", ald=False)})
        app.send({"do": "secure_invoice", "invoice_id": "R-1"})
        app.send({"do": "build_lot", "invoice_ids": ["R-1"]})
        profile = load_profile(app.profile_path)
    assert profile.product.name == "Démo ERP PSAD"
    values: dict[str, str] = {}
    for spec in profile.extractors:
        for path in profile.watched_files(spec):
            values.update({e.path: e.value for e in extract_file(spec, path)})
    assert values["invoice.number"] == created["number"]
    assert values["invoice.totals.amo"] == "33.60" and values["invoice.lines[0].rate"] == "60"
    assert values["lot.number"] == "000001" and values["lot.totals.amo"] == "33.60"
    assert values["lot.invoice_count"] == "1"
    log = (tmp_path / "erp" / "logs" / LOG_NAME).read_text("cp1252")
    (source,) = profile.log_sources
    assert source.encoding == "cp1252"
    line_format = re.compile(source.fmt.pattern)  # type: ignore[union-attr]
    assert all(line_format.match(line) for line in log.splitlines())
    for spec in (s for s in profile.extractors if s.kind == "regex"):
        assert re.search(spec.pattern or "", log), spec.name  # each log extractor matches a line of the log
