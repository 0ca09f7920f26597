"""``testbench diff`` of a case that fails on both sides, whose expected value B's casebook rewrote: when the product
gave the same value, the only differences are the expectation and the bench's end-of-case line that quotes it, and
the case reads « attentes du cahier changées » (the casebook's doing), not « valeurs ou traces changées »; a case
whose observed value changed too stays « valeurs ou traces changées ». No regression either way. Real campaigns of
the demo casebook and of an edited copy (in-process cards and engine), compared through the CLI.
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
CASE = "DEMO-FSE-099"  # fails on purpose: the product gives 163.80 for e-amo, the casebook expects 163.00
EXPECTED = 'expected="163.00"'
QUANTITY = 'code="1113930" quantity="13"'


def campaigns(tmp: Path, capsys: pytest.CaptureFixture[str], *edits: tuple[str, str]) -> tuple[Path, Path]:
    """(DEMO-FSE-099 run from the demo as shipped, the same case run from a copy edited by ``edits``)."""
    edited = tmp / "edited"
    shutil.copytree(CASEBOOKS_DIR / "cards", edited / "cards")
    text = (CASEBOOKS_DIR / "demo.xml").read_text(encoding="utf-8")
    start, end = text.index(f'<case id="{CASE}"'), text.index("</case>", text.index(f'<case id="{CASE}"'))
    case = text[start:end]
    for old, new in edits:
        assert case.count(old) == 1
        case = case.replace(old, new)
    (edited / "demo.xml").write_text(text[:start] + case + text[end:], encoding="utf-8")
    a, b = tmp / "a.tbsession", tmp / "b.tbsession"
    assert main(["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(a), "-k", CASE, *BENCH, *ATTESTED]) == 1
    assert main(["run", str(edited / "demo.xml"), "--session", str(b), "-k", CASE, *BENCH, *ATTESTED]) == 1
    capsys.readouterr()
    return a, b


def test_an_expectation_rewritten_reads_as_the_casebooks_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = campaigns(tmp_path, capsys, (EXPECTED, 'expected="163.50"'))
    data = tmp_path / "d.json"
    assert main(["diff", str(a), str(b), "--json", str(data)]) == 0  # no regression: CI does not stop on it
    out = capsys.readouterr().out.replace("\u00a0", " ")
    assert "bilan : attentes du cahier changées 1\n" in out, out
    assert "valeurs ou traces changées" not in out
    head = f"[attentes du cahier changées] PDT-DEMO-001 {CASE}"
    lines = out[out.index(head) :].splitlines()
    assert lines[2] == "  montant e-amo invoice.totals.amo : 163,80 € → 163,80 € (attendu 163,00 € → 163,50 €)"
    # the end-of-case line that quotes the expectation is still shown: the diff hides nothing
    assert "+bench fin du cas DEMO-FSE-099 : échec e-amo : attendu 163,50 €, observé 163,80 € (différent)" in out
    assert out.rstrip().endswith("aucune régression")
    (case,) = json.loads(data.read_text(encoding="utf-8"))["cases"]
    assert (case["kind"], case["kind_label"]) == ("casebook", "attentes du cahier changées")

    assert main(["diff", str(b), str(a), "--lang", "en"]) == 0  # the other way, in English
    english = capsys.readouterr().out
    assert "summary: casebook expectations changed 1\n" in english, english


def test_an_expectation_rewritten_with_the_value_changed_too_stays_a_change_of_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """B's casebook bills 12 items instead of 13 as well: the product's amounts change, which is no casebook's
    doing alone."""
    a, b = campaigns(tmp_path, capsys, (EXPECTED, 'expected="163.50"'), (QUANTITY, 'code="1113930" quantity="12"'))
    assert main(["diff", str(a), str(b)]) == 0
    out = capsys.readouterr().out.replace("\u00a0", " ")
    assert "bilan : valeurs ou traces changées 1\n" in out, out
    assert "attentes du cahier changées" not in out
    assert "  montant e-amo invoice.totals.amo : 163,80 € → 151,20 € (attendu 163,00 € → 163,50 €)" in out
