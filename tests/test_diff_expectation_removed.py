"""``testbench diff`` of two campaigns where B's casebook no longer has one of A's expectations: the casebook changed,
not the product. The value line says « attente retirée du cahier de B — A : 22,40 € (attendu 22,40 €) », never
« 22,40 € → — » as if the product had stopped giving the value, and a case whose only change is its casebook's reads
« attentes du cahier changées »; the other way, « attente ajoutée au cahier de B ». A case that passes only because B's
casebook removed the expectation it failed is no fix: it reads « RÉUSSI SANS L'ATTENTE RETIRÉE OU RÉÉCRITE », never
« corrigé » (test_diff_casebook_pass.py covers the rewritten expectation and a real fix). Real campaigns of the demo
casebook and of a copy with one expectation removed (in-process cards and engine), compared through the CLI: text in
both languages, HTML and JSON.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree
from test_keyed_decimal_recorded import ANSWER, _run

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

BENCH = ["--cards", "inprocess", "--engine", "inprocess"]
ATTESTED = ["--attestations", str(CASEBOOKS_DIR / "demo-attestations.json")]
#: DEMO-FSE-001's expectation of the patient's share (it passes; the casebook's first one of that text)
PATIENT = (
    '        <value id="e-patient" step="s-invoice" path="invoice.totals.patient" type="decimal" expected="22.40"/>\n'
)
#: DEMO-FSE-099's expectation that fails on purpose (the product gives 163.80)
WRONG = (
    '        <value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="163.00"\n'
    '               comment="VOLONTAIREMENT FAUX : la bonne valeur est 163.80"/>\n'
)


def campaigns(tmp: Path, removed: str, case: str, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """(the demo's ``case`` as shipped, the same case run from a copy of the casebook without ``removed``, the first
    text of it after the case's start)."""
    edited = tmp / "edited"
    shutil.copytree(CASEBOOKS_DIR / "cards", edited / "cards")
    text = (CASEBOOKS_DIR / "demo.xml").read_text(encoding="utf-8")
    start = text.index(f'<case id="{case}"')
    at = text.index(removed, start)
    assert text.find("</case>", start) > at  # in the case itself
    (edited / "demo.xml").write_text(text[:at] + text[at + len(removed) :], encoding="utf-8")
    a, b = tmp / "a.tbsession", tmp / "b.tbsession"
    main(["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(a), "-k", case, *BENCH, *ATTESTED])
    assert main(["run", str(edited / "demo.xml"), "--session", str(b), "-k", case, *BENCH, *ATTESTED]) == 0
    capsys.readouterr()
    return a, b


def block(out: str, head: str) -> list[str]:
    return out.replace("\u00a0", " ")[out.index(head) :].splitlines()[:4]


def test_an_expectation_removed_reads_as_the_casebooks_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = campaigns(tmp_path, PATIENT, "DEMO-FSE-001", capsys)
    html, data = tmp_path / "d.html", tmp_path / "d.json"
    assert main(["diff", str(a), str(b), "--html", str(html), "--json", str(data)]) == 0
    out = capsys.readouterr().out
    assert "22,40\u00a0€ → —" not in out, out
    assert "bilan : attentes du cahier changées 1" in out
    assert block(out, "[attentes du cahier changées] PDT-DEMO-001 DEMO-FSE-001")[1:] == [
        "  cahier de tests différent entre A et B",
        "  montant e-patient invoice.totals.patient : attente retirée du cahier de B — A : 22,40 € (attendu 22,40 €)",
        "",
    ]
    (case,) = json.loads(data.read_text(encoding="utf-8"))["cases"]
    assert case["kind"] == "casebook" and case["kind_label"] == "attentes du cahier changées"
    (value,) = case["values"]
    assert (value["expectation_id"], value["expectation"], value["before"], value["after"]) == (
        "e-patient",
        "removed",
        "22.40",
        None,
    )
    assert value["expectation_label"] == "attente retirée du cahier de B"
    doc = etree.HTML(html.read_text(encoding="utf-8"))
    assert doc.xpath("//tr[@class='k-casebook']//strong/text()") == ["DEMO-FSE-001", "attente retirée du cahier de B"]
    assert "A : 22,40\u00a0€ (attendu 22,40\u00a0€)" in doc.xpath("string(//tr[@class='k-casebook'])")

    assert main(["diff", str(a), str(b), "--lang", "en"]) == 0
    english = capsys.readouterr().out.replace("\u00a0", " ")
    assert "summary: casebook expectations changed 1" in english
    said = "e-patient invoice.totals.patient: expectation removed from B's casebook — A: €22.40 (expected €22.40)"
    assert f"  amount {said}\n" in english, english

    assert main(["diff", str(b), str(a)]) == 0  # the other way: the expectation is one B's casebook added
    back = capsys.readouterr().out.replace("\u00a0", " ")
    added = "e-patient invoice.totals.patient : attente ajoutée au cahier de B — B : 22,40 € (attendu 22,40 €)"
    assert f"  montant {added}\n" in back, back
    assert "— → 22,40 €" not in back


def test_a_case_passing_once_what_it_failed_is_removed_is_no_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DEMO-FSE-099 fails in A on an amount expected wrong on purpose; B's casebook drops that expectation, the product
    giving the same 163,80 €. This test once pinned « corrigé » for it: the exam book changed, not the product, and a
    reviewer told « fixed » would sign off a product nobody touched. It now reads as the casebook's pass, counted
    apart; nothing fails, so the CI gate stays open (exit 0)."""
    a, b = campaigns(tmp_path, WRONG, "DEMO-FSE-099", capsys)
    data = tmp_path / "d.json"
    assert main(["diff", str(a), str(b), "--json", str(data)]) == 0
    out = capsys.readouterr().out.replace("\u00a0", " ")
    assert "[corrigé]" not in out and "corrigé 1" not in out, out
    assert "bilan : RÉUSSI SANS L'ATTENTE RETIRÉE OU RÉÉCRITE 1\n" in out, out
    lines = block(out, "[RÉUSSI SANS L'ATTENTE RETIRÉE OU RÉÉCRITE] PDT-DEMO-001 DEMO-FSE-099")
    assert lines[0].endswith(" : échec → réussi"), lines
    assert lines[2] == (
        "  montant e-amo invoice.totals.amo : attente retirée du cahier de B — A : 163,80 € (attendu 163,00 €)"
    ), out
    last = "\naucune régression ; 1 cas réussi sans l'attente retirée ou réécrite du cahier, non corrigé"
    assert out.rstrip().endswith(last), out
    report = json.loads(data.read_text(encoding="utf-8"))
    assert (report["regressions"], report["casebook_passes"], report["counts"]) == (0, 1, {"casebook-pass": 1})
    (case,) = report["cases"]
    assert (case["kind"], case["kind_label"]) == ("casebook-pass", "RÉUSSI SANS L'ATTENTE RETIRÉE OU RÉÉCRITE")

    assert main(["diff", str(a), str(b), "--lang", "en"]) == 0
    english = capsys.readouterr().out
    assert "summary: PASSED WITHOUT THE REMOVED OR REWRITTEN EXPECTATION 1\n" in english, english
    last = "\nno regression; 1 case passing without the expectation the casebook removed or rewrote, not fixed"
    assert english.rstrip().endswith(last), english
    assert "fixed 1" not in english and "[fixed]" not in english
    assert main(["diff", str(b), str(a), "--lang", "en"]) == 1  # the other way, a regression: the expectation added
    assert "amount e-amo invoice.totals.amo: expectation added to B's casebook — B: €163.80 (expected €163.00)" in (
        capsys.readouterr().out.replace("\u00a0", " ")
    )


def test_a_value_keyed_for_an_expectation_removed_names_only_the_side_that_compared_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DEMO-FSE-030's operator keys the paper total in both runs; B's casebook no longer expects it. A's line says the
    operator keyed it; B's value, compared with nothing, is not quoted as if it were the product's answer."""
    edited = tmp_path / "edited"
    shutil.copytree(CASEBOOKS_DIR / "cards", edited / "cards")
    text = (CASEBOOKS_DIR / "demo.xml").read_text(encoding="utf-8")
    line = '<value id="e-paper-total" step="m-paper" path="manual.paper_total" type="decimal" expected="5.90"/>\n'
    assert text.count(line) == 1
    (edited / "demo.xml").write_text(text.replace(line, ""), encoding="utf-8")
    for side, casebook in (("a", CASEBOOKS_DIR / "demo.xml"), ("b", edited / "demo.xml")):
        (tmp_path / side).mkdir()
        _run(tmp_path / side, ANSWER, "fr", "--engine", "inprocess", "-k", "id:DEMO-FSE-030", casebook=casebook)
    capsys.readouterr()
    assert main(["diff", str(tmp_path / "a" / "s.tbsession"), str(tmp_path / "b" / "s.tbsession")]) == 0
    out = capsys.readouterr().out.replace("\u00a0", " ")
    lines = block(out, "[attentes du cahier changées] PDT-DEMO-001 DEMO-FSE-030")
    assert lines[2:4] == [
        "  montant e-paper-total manual.paper_total : attente retirée du cahier de B — A : 5,90 € (attendu 5,90 €)",
        "    A : saisi par l'opérateur : 5,90 €",
    ], out
    assert "B : saisi" not in out

