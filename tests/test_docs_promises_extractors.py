"""docs/extractors.md « json: JSON files » and « Decimals », on real files: a JSON file is read in the encoding
JSON says (RFC 8259 §8.1: UTF-8 with or without a BOM, UTF-16/UTF-32 told by their BOM or their zero bytes) and
gives the same values whatever it is; ``encoding = "cp1252"`` reads a file written in another encoding; ``null`` or
a pointer that designates nothing gives no value; numbers are read as written (``75.60`` stays ``75.60``); a comma
decimal is normalised, a space, no-break or narrow no-break space between thousands included."""

from __future__ import annotations

import codecs
import tomllib
from pathlib import Path

import pytest

from testbench.extract.model import ExtractError
from testbench.extract.run import extract_file
from testbench.extract.spec import ExtractorSpec, parse_extractor

TEXT = (
    '{"facture": {"numero": "F-Éa", "remise": null, "amo": 75.60, "amc": "163,80",'
    ' "total": "1\u00a0234,56", "base": "1\u202f234,56", "patient": "2 345,60"}}'
)
FIELDS = {
    "/facture/numero": "invoice.number",
    "/facture/remise": "manual.remise",
    "/facture/absent": "manual.absent",
    "/facture/amo": "invoice.totals.amo",
    "/facture/amc": "invoice.totals.amc",
    "/facture/total": "invoice.totals.billed",
    "/facture/base": "invoice.totals.base",
    "/facture/patient": "invoice.totals.patient",
}
EXPECTED = {
    "invoice.number": "F-Éa",
    "invoice.totals.amo": "75.60",
    "invoice.totals.amc": "163.80",
    "invoice.totals.billed": "1234.56",
    "invoice.totals.base": "1234.56",
    "invoice.totals.patient": "2345.60",
}


def _spec(encoding: str | None = None) -> ExtractorSpec:
    table = {"name": "JSON", "kind": "json", "applies_to": ["create_invoice"], "files": "out/*.json",
             "fields": FIELDS} | ({"encoding": encoding} if encoding else {})  # fmt: skip
    return parse_extractor(table, "sut.toml: [[extractors]] 1")


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),  # no BOM: its zero bytes tell it
        TEXT.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"),
        TEXT.encode("utf-32-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-16-le", "utf-16-be", "utf-32-le-bom",
         "utf-32-be"],
)
def test_a_json_file_gives_the_same_values_in_every_encoding_json_allows(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "facture.json"
    path.write_bytes(data)
    got = {e.path: e.value for e in extract_file(_spec(), path)}
    assert got == EXPECTED  # null and a pointer to nothing: no value, not "None" nor ""


def test_a_cp1252_json_file_is_read_with_its_encoding_key_and_refused_without_it(tmp_path: Path) -> None:
    path = tmp_path / "facture.json"
    path.write_bytes(TEXT.replace("\u202f", " ").encode("cp1252"))
    with pytest.raises(ExtractError) as info:
        extract_file(_spec(), path)
    assert "cp1252" in str(info.value) and "Traceback" not in str(info.value)
    got = {e.path: e.value for e in extract_file(_spec("cp1252"), path)}
    assert got == EXPECTED


def test_the_docs_b2_example_is_the_fixture_checked_against_the_reference_layout() -> None:
    """« This extractor reads them; it is also the fixture tests/data/extract/b2-reference.toml, checked column for
    column against that layout » (tests/test_extract_fixed.py): the doc's block must stay that fixture."""
    repo = Path(__file__).resolve().parents[1]
    doc = (repo / "docs" / "extractors.md").read_text(encoding="utf-8")
    section = doc.split("### Example: the reference engine's B2-like layout", 1)[1]
    block = section.split("```toml\n", 1)[1].split("```", 1)[0]
    fixture = (repo / "tests" / "data" / "extract" / "b2-reference.toml").read_text(encoding="utf-8")
    assert tomllib.loads(block) == tomllib.loads(fixture)
