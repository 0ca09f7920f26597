"""Fixed-width extractors on the reference engine's B2-like lots: the shipped example spec reads back what
the engine wrote, each value with its record and columns; a lot written in two chunks is not complete
until stable (or its closing record is there); a malformed record is a clear error naming file and offset."""

from __future__ import annotations

import os
import time
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from testbench.engines.reference.b2 import layout
from testbench.engines.reference.engine import ReferenceEngine
from testbench.extract.model import ExtractError
from testbench.extract.run import extract_file, file_complete, wait_complete
from testbench.extract.spec import ExtractorSpec, parse_extractor
from testbench.i18n import translator
from tests.test_engine_rules import line, request

DATA = Path(__file__).parent / "data" / "extract"


def reference_spec() -> ExtractorSpec:
    table = tomllib.loads((DATA / "b2-reference.toml").read_text(encoding="utf-8"))["extractors"][0]
    return parse_extractor(table, "b2-reference.toml: extractors[0]")


def lot() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A lot of two invoices (LPP lines, then NGAP lines) written by the reference engine's B2 writer."""
    eng = ReferenceEngine(today=lambda: date(2024, 6, 10))
    nurse = [line("AMI", nomenclature="NGAP", coefficient="4"), line("IFD", nomenclature="NGAP")]
    invoices = []
    for ref, lines, kw in (
        ("A", [line("1241763", "4"), line("1231782", "4", unit_price="22.00")], {"tiers_payant": "amo"}),
        ("B", nurse, {"ps_category": "infirmier"}),
    ):
        req = request(lines, **kw)
        req["invoice_ref"] = ref
        res = eng.create_invoice(req)
        eng.secure_invoice({"invoice_id": res["invoice_id"]})
        invoices.append(res)
    return eng.build_lot({"invoice_ids": [i["invoice_id"] for i in invoices]}), invoices


def test_the_example_spec_matches_the_reference_layout_column_for_column() -> None:
    spec = reference_spec()
    for record in spec.records:
        by_name = {f.name: f for f in layout()[record.type]}
        for f in record.fields:
            assert (f.start, f.length) == (by_name[f.name].start, by_name[f.name].length), (record.type, f.name)


def test_the_example_spec_reads_back_what_the_reference_engine_wrote(tmp_path: Path) -> None:
    result, invoices = lot()
    path = tmp_path / f"{result['number']}.b2"
    path.write_text(result["b2"], encoding="ascii")
    got = extract_file(reference_spec(), path)
    values: dict[str, list[str]] = {}
    for e in got:
        values.setdefault(e.path, []).append(e.value)
    assert values["lot.number"] == [result["number"]]
    assert values["lot.invoice_count"] == [str(result["invoice_count"])]
    assert values["lot.totals.amo"] == [result["totals"]["amo"]]
    # one value per invoice, in file order; line ranks restart at each invoice header (group = "200")
    for key in ("billed", "base", "amo", "amc", "patient", "depassement"):
        assert values[f"invoice.totals.{key}"] == [inv["totals"][key] for inv in invoices], key
    assert values["invoice.lines[0].base"] == [inv["lines"][0]["base"] for inv in invoices]
    assert values["invoice.lines[1].amo"] == [inv["lines"][1]["amo"] for inv in invoices]
    assert values["invoice.lines[0].rate"] == [str(int(float(inv["lines"][0]["rate"]))) for inv in invoices]


def test_each_value_names_its_file_record_columns_and_byte_offset(tmp_path: Path) -> None:
    result, _ = lot()
    path = tmp_path / "000001.b2"
    path.write_text(result["b2"], encoding="ascii")
    amo = next(e for e in extract_file(reference_spec(), path) if e.path == "lot.totals.amo")
    p = amo.provenance
    data = path.read_bytes()
    assert data[p.offset : p.offset + 11].decode() == p.excerpt[35:46]  # columns 36–46 of the 190 record
    assert (p.kind, p.columns, p.excerpt[:3]) == ("fixed", (36, 46), "190")
    assert p.record == result["b2"].splitlines().index(p.excerpt) + 1
    assert p.describe(translator("fr")) == f"000001.b2, enregistrement {p.record}, colonnes 36–46"
    assert p.describe(translator("en")) == f"000001.b2, record {p.record}, columns 36–46"


def test_a_malformed_record_is_an_error_naming_the_file_the_record_and_the_offset(tmp_path: Path) -> None:
    result, _ = lot()
    records = result["b2"].splitlines(keepends=True)
    n = next(i for i, r in enumerate(records) if r.startswith("500"))
    records[n] = records[n][:35] + "00001A6380" + records[n][45:]  # amo, columns 36–45, not a number
    path = tmp_path / "000001.b2"
    path.write_text("".join(records), encoding="ascii")
    with pytest.raises(ExtractError) as info:
        extract_file(reference_spec(), path)
    offset = sum(len(r) for r in records[:n]) + 35
    assert str(info.value) == (
        f"{path}, enregistrement {n + 1}, octet {offset} : "
        "champ amo (colonnes 36–45) : « 00001A6380 » n'est pas un nombre"
    )
    assert translator("en")(str(info.value)) == (
        f"{path}, record {n + 1}, byte {offset}: field amo (columns 36–45): “00001A6380” is not a number"
    )
    assert (info.value.record, info.value.offset) == (n + 1, offset)


def test_a_record_of_the_wrong_length_is_an_error(tmp_path: Path) -> None:
    result, _ = lot()
    records = result["b2"].splitlines(keepends=True)
    records[2] = records[2].rstrip("\n")[:100] + "\n"  # a truncated invoice header
    path = tmp_path / "lot.b2"
    path.write_text("".join(records), encoding="ascii")
    with pytest.raises(ExtractError, match=r"enregistrement 3, octet 258 : 100 caractères au lieu de 128"):
        extract_file(reference_spec(), path)


def test_implied_decimals_and_signs() -> None:
    from testbench.extract.fixed import _value
    from testbench.extract.spec import FixedField

    amount = FixedField("amo", 1, 7, "decimal", 2)
    assert [_value(amount, raw) for raw in ("0016380", "0000005", "-000250", "       ")] == [
        "163.80",
        "0.05",
        "-2.50",
        None,
    ]
    assert _value(FixedField("n", 1, 6, "int"), "000015") == "15"
    assert _value(FixedField("t", 1, 6), "AB    ") == "AB"
    with pytest.raises(ValueError):
        _value(amount, "00 1638")


def test_a_lot_written_in_two_chunks_is_complete_only_once_stable_or_closed(tmp_path: Path) -> None:
    result, _ = lot()
    data = result["b2"].encode("ascii")
    half = len(data) // 2
    path = tmp_path / "000001.b2"
    spec = reference_spec()
    path.write_bytes(data[:half])
    assert not file_complete(path, stable_for=5.0, closing=spec.closing_bytes())  # just written, no closing record
    assert not wait_complete(path, timeout=0.1, stable_for=5.0)
    with path.open("ab") as f:
        f.write(data[half:])
    # the closing record (999) is there: complete at once, whatever the stability asked for
    assert file_complete(path, stable_for=60.0, closing=spec.closing_bytes())
    whole = tmp_path / "whole.b2"
    whole.write_bytes(data)
    values = [(e.path, e.value) for e in extract_file(spec, path)]
    assert (
        values == [(e.path, e.value) for e in extract_file(spec, whole)]
        and ("lot.totals.amo", result["totals"]["amo"]) in values
    )


def test_a_file_without_closing_record_is_complete_once_its_size_is_stable(tmp_path: Path) -> None:
    result, _ = lot()
    data = result["b2"].encode("ascii")
    path = tmp_path / "000001.b2"  # read without its closing record: only stability tells
    path.write_bytes(data[:1000])
    assert not wait_complete(path, timeout=0.1, stable_for=1.0)  # the application may still be writing
    with path.open("ab") as f:
        f.write(data[1000:])
    second_chunk = time.monotonic()
    assert wait_complete(path, timeout=10.0, stable_for=0.3)
    assert time.monotonic() - second_chunk >= 0.3  # not before the size has held still for stable_for
    assert file_complete(path, stable_for=0.3) and path.stat().st_size == len(data)


def noemie(encoding: str = "utf-8") -> ExtractorSpec:
    record = {"type": "R1", "fields": [{"name": "nom", "start": 3, "length": 8}, {"name": "montant", "start": 11,
              "length": 6, "type": "decimal", "scale": 2}]}  # fmt: skip
    table = {"name": "retours", "kind": "fixed", "applies_to": ["read_returns"], "files": "returns",
             "record_type": [1, 2], "encoding": encoding, "records": [record],
             "fields": {"R1.nom": "returns.codes", "R1.montant": "returns.status"}}  # fmt: skip
    return parse_extractor(table, "retours")


def test_offsets_count_bytes_when_characters_take_several(tmp_path: Path) -> None:
    path = tmp_path / "retour.txt"
    path.write_bytes("R1ÉLODIE  001630\r\n".encode())  # « É » is two bytes in UTF-8: column 11 is byte 11
    nom, montant = extract_file(noemie(), path)
    assert (nom.value, montant.value) == ("ÉLODIE", "16.30")
    assert (montant.provenance.columns, montant.provenance.offset) == ((11, 16), 11)
    assert path.read_bytes()[11:17] == b"001630"


def test_an_undecodable_byte_names_its_record_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "retour.txt"
    path.write_bytes(b"R1ELODIE  001630\nR1\xe9LODIE  001630\n")  # a cp1252 byte in a file declared UTF-8
    with pytest.raises(ExtractError) as info:
        extract_file(noemie(), path)
    said = "octet illisible en utf-8 (le fichier semble écrit en cp1252 : écrivez encoding = \"cp1252\" dans son "
    said += "extracteur)"
    assert str(info.value) == f"{path}, enregistrement 2, octet 19 : {said}"
    assert [e.value for e in extract_file(noemie("cp1252"), path)][2:] == ["éLODIE", "16.30"]


def test_a_file_the_application_still_holds_unshared_waits_as_a_file_being_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows: an application writing its FSE may keep it open without sharing it; opening it then fails
    with a sharing violation (winerror 32, a PermissionError). Such a file is not complete — the wait goes on —
    until the application lets it go, however long its size has been stable. (POSIX never refuses: the
    refusal is simulated on the file's opening.)"""
    path = tmp_path / "FSE-000123.xml"
    path.write_bytes(b"<fse><totals amo='33.60'/></fse>\n")
    past = time.time() - 60
    os.utime(path, (past, past))
    held = {"locked": True}
    real_open = Path.open

    def open_(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self == path and held["locked"]:
            raise PermissionError(13, "Le processus ne peut pas accéder au fichier car ce fichier est utilisé")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", open_)
    assert not file_complete(path, stable_for=0.1)
    assert not wait_complete(path, timeout=0.2, stable_for=0.1)
    held["locked"] = False  # the application closed it
    assert file_complete(path, stable_for=0.1) and wait_complete(path, timeout=2.0, stable_for=0.1)
