"""ReferenceEngine end to end in process: invoices, FSE XML, B2-like lots, NOEMIE-like returns, cards."""

from __future__ import annotations

import struct
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from testbench.domain.refusal import EngineRefusal
from testbench.engines.api import Engine
from testbench.engines.reference.b2 import RECORD_LENGTH, parse_file
from testbench.engines.reference.engine import ReferenceEngine
from testbench.engines.reference.fse import validate_fse
from testbench.engines.reference.lpp_import import load_ameli_lpp, load_snds_lpp
from testbench.engines.reference.tables import Tables
from tests.test_engine_rules import line, request

REPO = Path(__file__).resolve().parent.parent


def engine(**kw: Any) -> ReferenceEngine:
    return ReferenceEngine(today=lambda: date(2024, 6, 10), **kw)


def billed(eng: ReferenceEngine, ref: str, **kw: Any) -> dict[str, Any]:
    lines = kw.pop("lines", None) or [line("1241763", "4"), line("1231782", "4", unit_price="22.00")]
    req = request(lines, **kw)
    req["invoice_ref"] = ref
    res = eng.create_invoice(req)
    eng.secure_invoice({"invoice_id": res["invoice_id"]})
    return res


def code_of(call: Any, *args: Any) -> str:
    with pytest.raises(EngineRefusal) as info:
        call(*args)
    return info.value.code


def test_engine_implements_protocol() -> None:
    eng = engine()
    assert isinstance(eng, Engine)
    assert "create_invoice" in eng.describe().capabilities


def test_invoice_result_shape_and_fse_valid() -> None:
    res = engine().create_invoice(request([line("1241763", "4")], tiers_payant="amo"))
    assert set(res) >= {"invoice_id", "number", "lines", "totals", "withholdings", "tiers_payant", "fse"}
    assert set(res["lines"][0]) >= {"code", "base", "rate", "amo", "amc", "patient", "depassement", "exo"}
    assert res["totals"]["amo"] == "33.60" and len(res["number"]) == 9
    assert validate_fse(res["fse"]) == []
    broken = res["fse"].replace('amo="33.60"', 'amo="33.6"', 1)
    assert validate_fse(broken) and validate_fse("<fse") != []


def test_duplicate_and_unknown_invoices_refused() -> None:
    eng = engine()
    eng.create_invoice(request([line("1241763")]))
    assert code_of(eng.create_invoice, request([line("1241763")])) == "DUPLICATE_INVOICE"
    assert code_of(eng.secure_invoice, {"invoice_id": "nope"}) == "UNKNOWN_INVOICE"


def test_lot_requires_secured_invoices() -> None:
    eng = engine()
    res = eng.create_invoice(request([line("1241763")]))
    assert code_of(eng.build_lot, {"invoice_ids": [res["invoice_id"]]}) == "INVOICE_NOT_SECURED"
    assert code_of(eng.build_lot, {"invoice_ids": []}) == "EMPTY_LOT"
    eng.secure_invoice({"invoice_id": res["invoice_id"]})
    eng.build_lot({"invoice_ids": [res["invoice_id"]]})
    assert code_of(eng.build_lot, {"invoice_ids": [res["invoice_id"]]}) == "INVOICE_ALREADY_IN_LOT"


def test_b2_lot_records_and_totals_equal_sum_of_lines() -> None:
    eng = engine()
    nurse = [line("AMI", nomenclature="NGAP", coefficient="4"), line("IFD", nomenclature="NGAP")]
    ids = [
        billed(eng, "A", tiers_payant="amo")["invoice_id"],
        billed(eng, "B", coverage={"alsace_moselle": True}, amc={"contract": "tm+depassement", "cap": "5"})[
            "invoice_id"
        ],
        billed(eng, "C", lines=nurse, ps_category="infirmier")["invoice_id"],
    ]
    lot = eng.build_lot({"invoice_ids": ids})
    assert lot["invoice_count"] == 3 and lot["number"] == "000001"
    text = lot["b2"]
    assert all(len(rec) == RECORD_LENGTH for rec in text.splitlines())
    records = parse_file(text)
    assert [r[0] for r in records][:3] == ["000", "100", "200"] and records[-1][0] == "999"
    amount_keys = ("facture", "base", "amo", "amc", "patient", "depassement")
    sums: dict[str, Decimal] = dict.fromkeys(amount_keys, Decimal(0))
    invoice_totals = []
    for rtype, rec in records:
        if rtype in ("3F0", "400"):
            for k in amount_keys:
                sums[k] += rec[k]
        elif rtype == "500":
            assert all(rec[k] == sums[k] for k in amount_keys), (rec, sums)
            assert rec["part_assure_avant_oc"] == rec["facture"] - rec["amo"]
            invoice_totals.append(rec)
            sums = dict.fromkeys(amount_keys, Decimal(0))
    lot_end = next(rec for rtype, rec in records if rtype == "190")
    for k in ("facture", "base", "amo", "amc", "patient"):
        assert lot_end[k] == sum(r[k] for r in invoice_totals)
    assert str(lot_end["amo"]) == lot["totals"]["amo"]
    assert records[-1][1]["nombre_enregistrements"] == len(records)
    lpp_line = next(rec for rtype, rec in records if rtype == "3F0")
    assert lpp_line["code"] == "1241763" and lpp_line["taux"] == 60 and lpp_line["date"] == date(2024, 6, 3)


def test_a_lot_carries_the_invoices_organisme_prescription_and_the_lines_rental_and_supplier() -> None:
    """The PSAD data an FSE carries reach the lot too: record 200 its caisse, centre and billing date, 210 its
    prescription and accord préalable, 3F1 after a line its rental period, supplier and own prescriber; a plain
    invoice and a plain line have no complement record."""
    eng = engine()
    rental = line("1241763", "4", rental_start="2024-05-06", rental_end="2024-06-02", supplier_siret="12345678000014",
                  rental_code="hebdomadaire")  # fmt: skip
    rx = {"prescriber": "10000000001", "date": "2024-05-02", "number": "RX-12"}
    lines = [rental, line("1231782", "4", unit_price="22.00")]
    ids = [
        billed(eng, "P", lines=lines, prescription=rx, accord_prealable="AP-2024-77")["invoice_id"],
        billed(eng, "Q")["invoice_id"],
    ]
    records = parse_file(eng.build_lot({"invoice_ids": ids})["b2"])
    kinds = [rtype for rtype, _ in records]
    assert kinds == ["000", "100", "200", "210", "3F0", "3F1", "3F0", "500", "200", "3F0", "3F0", "500", "190", "999"]
    header = records[2][1]
    assert (header["caisse"], header["centre"], header["date_facturation"]) == (751, 9999, date(2024, 6, 3))
    complement = records[3][1]
    assert (complement["prescripteur"], complement["date_prescription"]) == ("10000000001", date(2024, 5, 2))
    assert (complement["numero_prescription"], complement["accord_prealable"]) == ("RX-12", "AP-2024-77")
    rented = records[5][1]
    assert (rented["numero_ligne"], rented["debut_location"], rented["fin_location"]) == (
        1, date(2024, 5, 6), date(2024, 6, 2))  # fmt: skip
    assert (rented["siret"], rented["code_location"]) == ("12345678000014", "HEBDOMADAIRE")
    assert records[-1][1]["nombre_enregistrements"] == len(records)


@pytest.mark.parametrize(
    ("scenario", "code", "status", "codes"),
    [
        ("arl-positive", None, "accepted", []),
        ("arl-negative", None, "rejected", ["ARL-001"]),
        ("arl-negative", "ARL-002", "rejected", ["ARL-002"]),
        ("rsp-paid", None, "paid", []),
        ("rsp-rejected", "0250 050", "rejected", ["0250 050"]),
        ("rsp-rejected", None, "rejected", ["2900 005"]),
    ],
)
def test_returns_scenarios(scenario: str, code: str | None, status: str, codes: list[str]) -> None:
    eng = engine()
    inv = billed(eng, "R", tiers_payant="amo")
    lot = eng.build_lot({"invoice_ids": [inv["invoice_id"]]})
    ret = eng.read_returns({"scenario": scenario, "code": code, "lot_number": lot["number"]})
    assert (ret["status"], ret["codes"]) == (status, codes)
    lines = ret["noemie"].splitlines()
    assert lines[0].startswith("000") and len(lines[0]) == 128 and lines[-1].startswith("999")
    if scenario == "rsp-paid":
        assert ret["details"][0]["amount_paid"] == inv["totals"]["amo"]
        paid_cents = int(Decimal(inv["totals"]["amo"]) * 100)
        assert paid_cents == 7567 and any(ln.startswith("990") and ln.endswith(f"{paid_cents:012d}@") for ln in lines)


def test_returns_refusals() -> None:
    eng = engine()
    assert code_of(eng.read_returns, {"scenario": "arl-positive", "lot_number": None}) == "UNKNOWN_LOT"
    assert code_of(eng.read_returns, {"scenario": "later", "lot_number": None}) == "UNKNOWN_SCENARIO"


def test_trace_lines_are_log4crc_like() -> None:
    lines: list[str] = []
    eng = engine(trace=lines.append)
    eng.create_invoice(request([line("1241763", "4")]))
    with pytest.raises(EngineRefusal):
        eng.create_invoice(request([line("1241763", "0")], invoice_ref="X"))
    assert any(" INFO     testbench.reference - create_invoice " in ln and "amo=33.60" in ln for ln in lines)
    assert any(" WARN     testbench.reference - create_invoice refus INVALID_QUANTITY" in ln for ln in lines)


def test_coverage_flag_periods_apply_at_the_date_of_care() -> None:
    cov = {"ald": True, "ald_start": "2024-03-01", "ald_end": "2024-05-31"}
    assert code_of(engine().create_invoice, request([line("1241763", ald=True)], coverage=cov)) == "ALD_NOT_IN_RIGHTS"
    ok = engine().create_invoice(request([line("1241763", ald=True)], coverage=cov, care_date="2024-05-02"))
    assert ok["lines"][0]["rate"] == "100"


def test_adri_query_sources() -> None:
    eng = engine(adri={"1850575123456": {"c2s": True, "rights_end": "2024-01-31"}})
    ans = eng.adri_query({"beneficiary": {"nir": "1850575123456", "rank": 1}, "care_date": "2024-06-03"})
    assert (ans["source"], ans["rights_open"], ans["coverage"]["c2s"]) == ("registre-adri", False, True)
    echo = eng.adri_query({"beneficiary": {"nir": "2", "coverage": {"ald": True}}, "care_date": "2024-06-03"})
    assert echo["source"] == "requete" and echo["rights_open"]
    assert code_of(eng.adri_query, {"beneficiary": {"nir": None}}) == "ADRI_UNKNOWN_BENEFICIARY"


def test_cards_read_through_channel() -> None:
    inprocess = pytest.importorskip("testbench.cards.inprocess")
    bay = inprocess.InProcessBay()
    bay.present("vitale", REPO / "casebooks/cards/vitale2-ald.xml")
    bay.present("cps", REPO / "casebooks/cards/cps3-psad-lpp.xml")
    eng = engine(channel=bay)
    vitale = eng.read_vitale("vitale")
    assert vitale["beneficiaries"][0]["coverage"]["ald"] is True
    assert eng.read_cps("cps")["rpps"]
    nir = vitale["beneficiaries"][0]["nir"]
    assert eng.adri_query({"beneficiary": {"nir": nir, "rank": 1}})["source"] == "carte-vitale"


def test_no_channel_is_a_refusal() -> None:
    assert code_of(engine().read_vitale, "vitale") == "NO_CARD"


def test_snds_lpp_loader(tmp_path: Path) -> None:
    (tmp_path / "IR_LPP_V.csv").write_text(
        "LPP_COD;VAL_DTD;LPP_TAR;LPP_PRU\n1105215;2013-11-01;4.07;5.07\n1105215;2010-01-01;3.90;0\n", "utf-8"
    )
    (tmp_path / "NT_LPP.csv").write_text(
        "LPP_PRS_IDE;LPP_RED_LIB;LPP_VAL_DTF;LPP_PRS_TYP\n1105215;NUTRITION ORALE;2020-01-01;A\n", "utf-8"
    )
    tables = Tables()
    tables.add_tariffs(load_snds_lpp(tmp_path / "IR_LPP_V.csv", tmp_path / "NT_LPP.csv"))
    old = tables.tariff("LPP", "1105215", date(2012, 1, 1))
    new = tables.tariff("LPP", "1105215", date(2019, 1, 1))
    assert old is not None and new is not None
    assert (str(old.tariff), old.plv, str(new.plv), new.label) == ("3.90", None, "5.07", "NUTRITION ORALE")
    assert tables.tariff("LPP", "1105215", date(2020, 1, 2)) is None  # after the code's end date


def _write_dbf(path: Path, fields: list[tuple[str, int]], rows: list[list[str]]) -> None:
    header_len = 32 + 32 * len(fields) + 1
    record_len = 1 + sum(n for _, n in fields)
    out = bytearray(struct.pack("<BBBBIHH20x", 3, 124, 1, 1, len(rows), header_len, record_len))
    for name, length in fields:
        out += name.encode("ascii").ljust(11, b"\0") + b"C" + b"\0" * 4 + bytes([length, 0]) + b"\0" * 14
    out += b"\r"
    for row in rows:
        out += b" " + b"".join(v.encode("cp850").ljust(n) for v, (_, n) in zip(row, fields, strict=True))
    path.write_bytes(bytes(out) + b"\x1a")


def test_ameli_dbf_loader(tmp_path: Path) -> None:
    _write_dbf(
        tmp_path / "fiche.dbf",
        [("CODE_TIPS", 7), ("NOM_COURT", 20), ("TYPE_PREST", 1), ("DATE_FIN", 8)],
        [["1241763", "LIT MÉDICAL", "L", ""]],
    )
    _write_dbf(
        tmp_path / "tarifs.dbf",
        [("CODE_TIPS", 7), ("DATE_DEBUT", 8), ("TARIF", 8), ("PU_LIMITE", 8)],
        [["1241763", "20100527", "14.00", "14.00"]],
    )
    entries = load_ameli_lpp(tmp_path / "tarifs.dbf", tmp_path / "fiche.dbf")
    assert [(e.code, str(e.tariff), str(e.plv), e.label, e.valid_from) for e in entries] == [
        ("1241763", "14.00", "14.00", "LIT MÉDICAL", date(2010, 5, 27))
    ]
    said = r"tarifs\.dbf : colonnes absentes PRIX \(colonnes : CODE_TIPS, DATE_DEBUT, PU_LIMITE, TARIF\)"
    with pytest.raises(ValueError, match=said):
        load_ameli_lpp(tmp_path / "tarifs.dbf", columns={"tariff": "PRIX"})


def test_fse_escapes_text_values() -> None:
    req = request([line("1241763")], invoice_ref='R&D "<1>"')
    res = engine().create_invoice(req)
    assert validate_fse(res["fse"]) == [] and 'reference="R&amp;D &quot;&lt;1&gt;&quot;"' in res["fse"]


def test_the_documented_b2_field_map_is_the_layout_the_engine_writes() -> None:
    """docs/reference-engine.md's field map says every record of data/b2_layout.json, each field at its place."""
    import json
    from importlib import resources

    from testbench.engines.reference.b2 import layout

    raw = json.loads(resources.files("testbench.engines.reference").joinpath("data/b2_layout.json").read_text("utf-8"))
    doc = (REPO / "docs" / "reference-engine.md").read_text(encoding="utf-8")
    section = doc.split("### B2-like field map", 1)[1].split("\n## ", 1)[0]
    for rtype, fields in layout().items():
        columns = ", ".join(f"`{f.name}` {f.start}–{f.start + f.length - 1} ({f.kind})" for f in fields)
        assert f"**{rtype} — {raw['records'][rtype]['label']}**: {columns}" in section, rtype
