"""``testbench diff`` of a case that fails in B only because B's casebook asks more: an expectation added (or one
rewritten) that the product's same answer does not meet. The verdict changed because the casebook changed, not the
product: the case reads « ÉCHEC SUR ATTENTE AJOUTÉE OU RÉÉCRITE », never « RÉGRESSION », and still fails the CI gate
(exit 1). A case failing on both sides whose rewritten expectation changes the deviation the reason names reads
« attentes du cahier changées ». A product that answers otherwise stays a regression. Real campaigns of the demo
casebook and of edited copies (in-process cards and engine), compared through the CLI: text in both languages, HTML
and JSON.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.diff import _said_by_comparisons

BENCH = ["--cards", "inprocess", "--engine", "inprocess"]
ATTESTED = ["--attestations", str(CASEBOOKS_DIR / "demo-attestations.json")]
PATIENT = '<value id="e-patient" step="s-invoice" path="invoice.totals.patient" type="decimal" expected="22.40"/>'
#: an expectation B's casebook adds to DEMO-FSE-001, which the product's 33.60 does not meet
ADDED = '<value id="e-new" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="99.00"/>'
BASE_099 = 'path="invoice.totals.base" type="decimal" expected="273.00"'


def run(tmp: Path, name: str, case: str, *edits: tuple[str, str]) -> Path:
    """``case`` run from a copy of the demo casebook with ``edits`` made inside that case (the demo as shipped
    without any)."""
    folder = tmp / name
    shutil.copytree(CASEBOOKS_DIR / "cards", folder / "cards")
    text = (CASEBOOKS_DIR / "demo.xml").read_text(encoding="utf-8")
    start = text.index(f'<case id="{case}"')
    end = text.index("</case>", start)
    body = text[start:end]
    for old, new in edits:
        assert body.count(old) == 1
        body = body.replace(old, new)
    (folder / "demo.xml").write_text(text[:start] + body + text[end:], encoding="utf-8")
    session = tmp / f"{name}.tbsession"
    main(["run", str(folder / "demo.xml"), "--session", str(session), "-k", case, *BENCH, *ATTESTED])
    return session


def test_a_failure_on_an_expectation_b_added_is_named_so_and_still_fails_ci(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = run(tmp_path, "a", "DEMO-FSE-001")
    b = run(tmp_path, "b", "DEMO-FSE-001", (PATIENT, f"{PATIENT}\n        {ADDED}"))
    capsys.readouterr()
    html, data = tmp_path / "d.html", tmp_path / "d.json"
    assert main(["diff", str(a), str(b), "--html", str(html), "--json", str(data)]) == 1  # still a failure for CI
    out = capsys.readouterr().out.replace("\u00a0", " ")
    assert "RÉGRESSION" not in out and "1 régression" not in out, out
    assert "bilan : ÉCHEC SUR ATTENTE AJOUTÉE OU RÉÉCRITE 1\n" in out
    head = "[ÉCHEC SUR ATTENTE AJOUTÉE OU RÉÉCRITE] PDT-DEMO-001 DEMO-FSE-001"
    lines = out[out.index(head) :].splitlines()
    assert lines[0].endswith(": réussi → échec")
    added = "e-new invoice.totals.amo : attente ajoutée au cahier de B — B : 33,60 € (attendu 99,00 €)"
    assert lines[2] == f"  montant {added}"
    assert out.rstrip().endswith("\n1 échec sur attente ajoutée ou réécrite du cahier")

    report = json.loads(data.read_text(encoding="utf-8"))
    assert (report["regressions"], report["casebook_failures"]) == (1, 1)
    (case,) = report["cases"]
    assert (case["kind"], case["kind_label"]) == ("casebook-failure", "ÉCHEC SUR ATTENTE AJOUTÉE OU RÉÉCRITE")
    doc = etree.HTML(html.read_text(encoding="utf-8"))
    assert doc.xpath("string(//tr[@class='k-casebook-failure']/td[1])") == "ÉCHEC SUR ATTENTE AJOUTÉE OU RÉÉCRITE"
    assert "1 échec sur attente ajoutée ou réécrite du cahier" in doc.xpath("string(//main/p[2])")

    assert main(["diff", str(a), str(b), "--lang", "en"]) == 1
    english = capsys.readouterr().out
    assert "summary: FAILURE ON AN EXPECTATION ADDED OR REWRITTEN 1\n" in english, english
    assert english.rstrip().endswith("\n1 failure on an expectation the casebook added or rewrote")
    assert "REGRESSION" not in english


def test_a_failure_on_an_expectation_b_rewrote_is_the_casebooks_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DEMO-FSE-001 passes in A; B's casebook expects 56.50 where the product gives 56.00, as in A."""
    base = 'path="invoice.lines[0].base" type="decimal" expected="56.00"'
    a = run(tmp_path, "a", "DEMO-FSE-001")
    b = run(tmp_path, "b", "DEMO-FSE-001", (base, base.replace("56.00", "56.50")))
    capsys.readouterr()
    assert main(["diff", str(a), str(b)]) == 1
    out = capsys.readouterr().out.replace("\u00a0", " ")
    assert "[ÉCHEC SUR ATTENTE AJOUTÉE OU RÉÉCRITE] PDT-DEMO-001 DEMO-FSE-001" in out, out
    assert "  montant e-base invoice.lines[0].base : 56,00 € → 56,00 € (attendu 56,00 € → 56,50 €)" in out


def test_a_product_answering_otherwise_stays_a_regression(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """B's casebook adds an expectation and bills 5 weeks instead of 4: the product's amounts change too."""
    quantity = 'code="1241763" quantity="4"'
    a = run(tmp_path, "a", "DEMO-FSE-001")
    b = run(tmp_path, "b", "DEMO-FSE-001", (PATIENT, f"{PATIENT}\n        {ADDED}"), (quantity, quantity[:-2] + '5"'))
    capsys.readouterr()
    assert main(["diff", str(a), str(b)]) == 1
    out = capsys.readouterr().out
    assert "[RÉGRESSION] PDT-DEMO-001 DEMO-FSE-001" in out and out.rstrip().endswith("\n1 régression"), out
    assert "ÉCHEC SUR ATTENTE" not in out


def test_a_rewritten_expectation_that_changes_the_deviation_named_is_the_casebooks_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DEMO-FSE-099 fails on both sides (e-amo expected wrong on purpose); B's casebook also expects 274.00 for
    e-base, which the product's same 273.00 fails: the reason now names e-base (« (et 1 autre écart) »)."""
    a = run(tmp_path, "a", "DEMO-FSE-099")
    b = run(tmp_path, "b", "DEMO-FSE-099", (BASE_099, BASE_099.replace("273.00", "274.00")))
    capsys.readouterr()
    assert main(["diff", str(a), str(b)]) == 0
    out = capsys.readouterr().out.replace("\u00a0", " ")
    assert "bilan : attentes du cahier changées 1\n" in out, out
    assert "valeurs ou traces changées" not in out
    # the end-of-case line is still shown: the diff hides nothing
    assert "+bench fin du cas DEMO-FSE-099 : échec e-base : attendu 274,00 €, observé 273,00 € (différent) (et 1" in out
    assert out.rstrip().endswith("aucune régression")


def test_an_end_of_case_line_is_the_comparisons_only_when_its_reason_is_one_of_their_deviations() -> None:
    """A step's refusal or a bench fault as the reason is the product's or the bench's, never the casebook's."""
    failed = {"e-amo": {"outcome": "fail", "message": "attendu 163,00 €, observé 163,80 € (différent)"}}
    met = {"e-amo": {"outcome": "pass", "message": "163,80 €"}}
    said = "fin du cas C-1 : échec e-amo : attendu 163,00 €, observé 163,80 € (différent)"
    assert _said_by_comparisons(said, "C-1", failed)
    assert _said_by_comparisons(f"{said} (et 2 autres écarts)", "C-1", failed)
    assert _said_by_comparisons("fin du cas C-1 : réussi", "C-1", met)
    assert not _said_by_comparisons("fin du cas C-1 : réussi", "C-1", failed)
    assert not _said_by_comparisons(said, "C-1", met)
    assert not _said_by_comparisons("fin du cas C-1 : erreur étape s-lot refusée : INVOICE_NOT_SECURED", "C-1", failed)
    assert not _said_by_comparisons(said, "C-2", failed)
