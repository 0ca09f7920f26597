"""``testbench diff`` of two campaigns where B's casebook expects another amount than A's: the case that passes by
editing what it expects (not the product) shows both expected amounts, in the text, the HTML and the JSON.

Before, a value was listed only when its observed value changed: DEMO-FSE-099 read « corrigé » with « cahier de
tests différent » and no word of the amount rewritten from 163,00 € to the 163,80 € the product gives. It no longer
reads « corrigé » at all: the product did not change, the exam book did, so the case reads « RÉUSSI SANS L'ATTENTE
RETIRÉE OU RÉÉCRITE » (kind ``casebook-pass``), counted apart from the fixes. Real campaigns of the demo casebook and
of a copy with that one expectation edited (in-process cards and engine).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

BENCH = ["--cards", "inprocess", "--engine", "inprocess"]
ATTESTED = ["--attestations", str(CASEBOOKS_DIR / "demo-attestations.json")]
WRONG = 'path="invoice.totals.amo" type="decimal" expected="163.00"'


@pytest.fixture
def sessions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """(the demo as shipped, the demo whose casebook now expects what the product gives for DEMO-FSE-099)."""
    edited = tmp_path / "edited"
    shutil.copytree(CASEBOOKS_DIR / "cards", edited / "cards")
    text = (CASEBOOKS_DIR / "demo.xml").read_text(encoding="utf-8")
    assert text.count(WRONG) == 1
    (edited / "demo.xml").write_text(text.replace(WRONG, WRONG.replace("163.00", "163.80")), encoding="utf-8")
    a, b = tmp_path / "a.tbsession", tmp_path / "b.tbsession"
    assert main(["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(a), *BENCH, *ATTESTED]) == 1
    assert main(["run", str(edited / "demo.xml"), "--session", str(b), *BENCH, *ATTESTED]) == 0
    capsys.readouterr()
    return a, b


def test_the_rewritten_expectation_is_shown(
    sessions: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = sessions
    html, data = tmp_path / "d.html", tmp_path / "d.json"
    assert main(["diff", str(a), str(b), "--html", str(html), "--json", str(data)]) == 0
    out = capsys.readouterr().out.replace("\u00a0", " ")  # an amount's space is a no-break one
    assert "[corrigé]" not in out, out  # the casebook was edited, not the product: no fix to tell a reviewer about
    block = out[out.index("[RÉUSSI SANS L'ATTENTE RETIRÉE OU RÉÉCRITE] PDT-DEMO-001 DEMO-FSE-099") :].splitlines()
    assert "  montant e-amo invoice.totals.amo : 163,80 € → 163,80 € (attendu 163,00 € → 163,80 €)" in block[:4]
    assert "attendu 163,00\u00a0€ → 163,80\u00a0€" in html.read_text(encoding="utf-8")
    report = json.loads(data.read_text(encoding="utf-8"))
    assert (report["casebook_passes"], report["regressions"], report["counts"].get("fixed")) == (1, 0, None)
    (case,) = [c for c in report["cases"] if c["case_id"] == "DEMO-FSE-099"]
    assert case["kind"] == "casebook-pass"
    (value,) = case["values"]
    assert (value["expected_before"], value["expected"], value["before"], value["after"]) == (
        "163.00",
        "163.80",
        "163.80",
        "163.80",
    )
    assert main(["diff", str(b), str(a), "--lang", "en"]) == 1  # the other way: a regression, said the same way
    assert "amount e-amo invoice.totals.amo: €163.80 → €163.80 (expected €163.80 → €163.00)" in capsys.readouterr().out


def test_the_same_amount_written_another_way_is_no_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """B's casebook writes DEMO-FSE-099's expected amount « 163.0 » where A's wrote « 163.00 »: the same
    expectation, never listed as rewritten (« attendu 163,00 € → 163,00 € »)."""
    edited = tmp_path / "edited"
    shutil.copytree(CASEBOOKS_DIR / "cards", edited / "cards")
    text = (CASEBOOKS_DIR / "demo.xml").read_text(encoding="utf-8")
    (edited / "demo.xml").write_text(text.replace(WRONG, WRONG.replace("163.00", "163.0")), encoding="utf-8")
    a, b = tmp_path / "a.tbsession", tmp_path / "b.tbsession"
    assert main(["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(a), *BENCH, *ATTESTED]) == 1
    assert main(["run", str(edited / "demo.xml"), "--session", str(b), *BENCH, *ATTESTED]) == 1
    capsys.readouterr()
    data = tmp_path / "d.json"
    main(["diff", str(a), str(b), "--json", str(data)])
    out = capsys.readouterr().out
    assert "attendu 163,00" not in out, out
    (case,) = [c for c in json.loads(data.read_text(encoding="utf-8"))["cases"] if c["case_id"] == "DEMO-FSE-099"]
    assert not case["values"], case
