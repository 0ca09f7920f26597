"""Spaces around attribute values: the schema drops them (xs:token, dates, numbers), so the model does too.

A value that validates must run as it validated (audit s24 F1), and two ids that look the same to a person
must never live side by side (F2): id=" T-001 " is the case T-001.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from minimal_casebook import MINIMAL, write_casebook

from testbench.casebook.errors import CasebookError
from testbench.casebook.loader import load_casebook, load_casebooks
from testbench.casebook.problems import case_spans
from testbench.cli.main import main

BILLING = Path(__file__).resolve().parent.parent / "casebooks" / "billing.xml"


def _write(tmp_path: Path, text: str, name: str = "casebook.xml") -> Path:
    return write_casebook(tmp_path, text, name)


def _padded(text: str) -> str:
    for old, new in (
        ('<case id="T-001"', '<case id=" T-001  "'),
        ('care-date="2026-01-12" tiers-payant="amo"', 'care-date=" 2026-01-12" tiers-payant=" amo "'),
        ('nomenclature="LPP" code="1241763" quantity="4"', 'nomenclature=" LPP" code="1241763 " quantity=" 4 "'),
        ('<patient id="p-std"', '<patient id="p-std "'),
        ('patient="p-std"', 'patient=" p-std"'),
        ('<verify-pin id="s-pin"/>', '<verify-pin id=" s-pin"/>'),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def test_values_are_read_as_the_schema_reads_them(tmp_path: Path) -> None:
    casebook = load_casebook(_write(tmp_path, _padded(MINIMAL)))
    case = casebook.case("T-001")
    invoice = next(step for step in case.steps if step.id == "s-invoice")
    assert invoice.params["care-date"] == "2026-01-12"
    assert invoice.params["tiers-payant"] == "amo"
    assert invoice.params["patient"] == "p-std"
    line = invoice.params["lines"][0]
    assert (line["nomenclature"], line["code"], line["quantity"]) == ("LPP", "1241763", "4")
    assert "s-pin" in [step.id for step in case.steps]
    assert "p-std" in casebook.fixtures.patients


def test_free_text_attributes_stay_as_written(tmp_path: Path) -> None:
    text = MINIMAL.replace('expected="33.60"/>', 'expected="33.60" comment=" à voir "/>').replace(
        'label="Total affiché"', 'label=" Total affiché"'
    )
    case = load_casebook(_write(tmp_path, text)).case("T-001")
    manual = next(step for step in case.steps if step.id == "m-check")
    assert manual.observe[0].label == " Total affiché"


def test_padded_case_id_is_a_duplicate(tmp_path: Path) -> None:
    second = MINIMAL[MINIMAL.index('    <case id="T-001"') : MINIMAL.index("  </cases>")]
    text = MINIMAL.replace("  </cases>", second.replace('id="T-001"', 'id="T-001 "') + "  </cases>")
    with pytest.raises(CasebookError) as info:
        load_casebook(_write(tmp_path, text))
    assert any("« T-001 » en double" in str(p) for p in info.value.problems), info.value.problems


def test_padded_case_id_is_a_duplicate_across_files(tmp_path: Path) -> None:
    first = _write(tmp_path, MINIMAL, "a.xml")
    second = _write(tmp_path, MINIMAL.replace('<case id="T-001"', '<case id=" T-001"'), "b.xml")
    with pytest.raises(CasebookError) as info:
        load_casebooks([first, second])
    assert any("« T-001 » déjà utilisé" in str(p) for p in info.value.problems), info.value.problems


def test_case_spans_name_the_case_as_the_builder_does() -> None:
    spans = case_spans(_padded(MINIMAL).encode("utf-8"))
    assert [cid for cid, _first, _last in spans] == ["T-001"]


def test_padded_values_run_as_they_validated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = BILLING.read_text(encoding="utf-8")
    first = text.index("<invoice ")
    invoice = text[first : text.index(">", first)]
    padded = invoice.replace('care-date="', 'care-date=" ').replace('tiers-payant="amo"', 'tiers-payant=" amo "')
    assert padded != invoice
    path = tmp_path / "billing.xml"
    path.write_text(text.replace(invoice, padded, 1), encoding="utf-8")
    (tmp_path / "cards").symlink_to(BILLING.parent / "cards")
    case_id = text[text.rindex('<case id="', 0, first) + 10 :].split('"', 1)[0]
    session = str(tmp_path / "s.tbsession")
    code = main(["run", str(path), "--session", session, "--cards", "inprocess", "-k", f"id:{case_id}"])
    out = capsys.readouterr()
    assert code == 0, out.out[-2000:] + out.err[-2000:]
