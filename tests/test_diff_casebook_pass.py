"""``testbench diff`` of a case that failed in A and passes in B only because B's casebook removed or rewrote the
expectation A failed, the product answering as before: the exam book changed, not the product. The case reads
« RÉUSSI SANS L'ATTENTE RETIRÉE OU RÉÉCRITE » (kind ``casebook-pass``), never « corrigé », counted apart in the summary,
in the text's last line and in the JSON's ``casebook_passes``; it does not gate CI (nothing fails: exit 0) but never
reads as a fix. A case whose failed expectation B kept, or whose product now answers otherwise, stays « corrigé ».
Real campaigns of the demo casebook and of edited copies (in-process cards and engine), compared through the CLI:
text in both languages, HTML and JSON. (The mirror, a failure on an expectation B added or rewrote, is
test_s30_diff_casebook_failure.py; an expectation removed, test_diff_expectation_removed.py.)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.diff import CaseDiff, ValueChange, _is_a_deviation

BENCH = ["--cards", "inprocess", "--engine", "inprocess"]
ATTESTED = ["--attestations", str(CASEBOOKS_DIR / "demo-attestations.json")]
KIND = "RÉUSSI SANS L'ATTENTE RETIRÉE OU RÉÉCRITE"
#: DEMO-FSE-099's expectation wrong on purpose (the product gives 163.80)
WRONG_099 = 'path="invoice.totals.amo" type="decimal" expected="163.00"'
#: the same, with the comment that follows it: the whole element, to remove it
WRONG_099_ELEMENT = (
    '<value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="163.00"\n'
    '               comment="VOLONTAIREMENT FAUX : la bonne valeur est 163.80"/>'
)
QUANTITY_099 = 'code="1113930" quantity="13"'
QUANTITY_001 = 'code="1241763" quantity="4"'
#: what the text's last line adds for one such case
LAST_FR = "1 cas réussi sans l'attente retirée ou réécrite du cahier, non corrigé"


def run(tmp: Path, name: str, cases: dict[str, list[tuple[str, str]]]) -> Path:
    """The demo's ``cases`` run from a copy of its casebook with each case's edits made inside that case."""
    folder = tmp / name
    shutil.copytree(CASEBOOKS_DIR / "cards", folder / "cards")
    text = (CASEBOOKS_DIR / "demo.xml").read_text(encoding="utf-8")
    for case, edits in cases.items():
        start = text.index(f'<case id="{case}"')
        end = text.index("</case>", start)
        body = text[start:end]
        for old, new in edits:
            assert body.count(old) == 1, old
            body = body.replace(old, new)
        text = text[:start] + body + text[end:]
    (folder / "demo.xml").write_text(text, encoding="utf-8")
    session = tmp / f"{name}.tbsession"
    selection = " or ".join(f"id:{case}" for case in cases)
    main(["run", str(folder / "demo.xml"), "--session", str(session), "-k", selection, *BENCH, *ATTESTED])
    return session


def test_a_pass_on_a_rewritten_expectation_is_no_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """DEMO-FSE-099 fails in A (e-amo expected 163.00, the product gives 163.80); B's casebook expects 163.80."""
    a = run(tmp_path, "a", {"DEMO-FSE-099": []})
    b = run(tmp_path, "b", {"DEMO-FSE-099": [(WRONG_099, WRONG_099.replace("163.00", "163.80"))]})
    capsys.readouterr()
    html, data = tmp_path / "d.html", tmp_path / "d.json"
    assert main(["diff", str(a), str(b), "--html", str(html), "--json", str(data)]) == 0  # nothing fails: no gate
    out = capsys.readouterr().out.replace("\u00a0", " ")
    assert "corrigé" not in out.replace("non corrigé", ""), out
    assert f"bilan : {KIND} 1\n" in out, out
    lines = out[out.index(f"[{KIND}] PDT-DEMO-001 DEMO-FSE-099") :].splitlines()
    assert lines[0].endswith(" : échec → réussi")
    assert "  montant e-amo invoice.totals.amo : 163,80 € → 163,80 € (attendu 163,00 € → 163,80 €)" in lines[:4]
    assert out.rstrip().endswith(f"\naucune régression ; {LAST_FR}")

    report = json.loads(data.read_text(encoding="utf-8"))
    assert (report["regressions"], report["casebook_failures"], report["casebook_passes"]) == (0, 0, 1)
    assert report["counts"] == {"casebook-pass": 1}
    (case,) = report["cases"]
    assert (case["kind"], case["kind_label"], case["before"], case["after"]) == ("casebook-pass", KIND, "fail", "pass")
    doc = etree.HTML(html.read_text(encoding="utf-8"))
    assert doc.xpath("string(//tr[@class='k-casebook-pass']/td[1])") == KIND
    assert not doc.xpath("//tr[@class='k-fixed']")
    assert LAST_FR in doc.xpath("string(//main/p[2])")

    english_html = tmp_path / "en.html"
    assert main(["diff", str(a), str(b), "--lang", "en", "--html", str(english_html)]) == 0
    english = capsys.readouterr().out
    assert "summary: PASSED WITHOUT THE REMOVED OR REWRITTEN EXPECTATION 1\n" in english, english
    assert "[PASSED WITHOUT THE REMOVED OR REWRITTEN EXPECTATION] PDT-DEMO-001 DEMO-FSE-099" in english
    last = "no regression; 1 case passing without the expectation the casebook removed or rewrote, not fixed"
    assert english.rstrip().endswith(f"\n{last}"), english
    assert "fixed 1" not in english and "[fixed]" not in english
    doc = etree.HTML(english_html.read_text(encoding="utf-8"))
    assert doc.xpath("string(//tr[@class='k-casebook-pass']/td[1])") == (
        "PASSED WITHOUT THE REMOVED OR REWRITTEN EXPECTATION"
    )


def test_a_pass_on_an_expectation_b_kept_is_still_corrected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DEMO-FSE-001 bills 5 weeks in A (its amounts fail the expectations for 4) and 4 in B: the expectations A
    failed are B's unchanged, the product answers otherwise: a fix."""
    a = run(tmp_path, "a", {"DEMO-FSE-001": [(QUANTITY_001, QUANTITY_001.replace('"4"', '"5"'))]})
    b = run(tmp_path, "b", {"DEMO-FSE-001": []})
    capsys.readouterr()
    data = tmp_path / "d.json"
    assert main(["diff", str(a), str(b), "--json", str(data)]) == 0
    out = capsys.readouterr().out.replace("\u00a0", " ")
    assert "[corrigé] PDT-DEMO-001 DEMO-FSE-001" in out and "bilan : corrigé 1\n" in out, out
    assert "RÉUSSI SANS" not in out and "sans l'attente" not in out
    assert out.rstrip().endswith("\naucune régression")
    report = json.loads(data.read_text(encoding="utf-8"))
    assert (report["casebook_passes"], [c["kind"] for c in report["cases"]]) == (0, ["fixed"])


def test_a_pass_on_a_removed_expectation_is_no_fix_though_another_value_moved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DEMO-FSE-099 fails in A on e-amo alone; B's casebook drops e-amo and bills 14 units, expecting the new base:
    the product's e-base moved (a new release's usual noise), but what A failed B no longer asks. No fix."""
    a = run(tmp_path, "a", {"DEMO-FSE-099": []})
    base = 'path="invoice.totals.base" type="decimal" expected="273.00"'
    b = run(
        tmp_path,
        "b",
        {
            "DEMO-FSE-099": [
                (WRONG_099_ELEMENT, ""),
                (QUANTITY_099, QUANTITY_099.replace('"13"', '"14"')),
                (base, base.replace("273.00", "294.00")),
            ]
        },
    )
    capsys.readouterr()
    assert main(["diff", str(a), str(b)]) == 0
    out = capsys.readouterr().out.replace("\u00a0", " ")
    lines = out[out.index(f"[{KIND}] PDT-DEMO-001 DEMO-FSE-099") :].splitlines()
    assert "  montant e-base invoice.totals.base : 273,00 € → 294,00 € (attendu 273,00 € → 294,00 €)" in lines, out
    assert "[corrigé]" not in out and out.rstrip().endswith(f"\naucune régression ; {LAST_FR}")


def test_a_pass_partly_on_a_removed_expectation_is_the_products_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DEMO-FSE-099 bills 14 units in A, failing e-base (the product's) and e-amo (expected wrong on purpose); B
    bills 13 and its casebook no longer has e-amo. The product answers otherwise on e-base: « corrigé », the removed
    expectation still shown as the casebook's."""
    a = run(tmp_path, "a", {"DEMO-FSE-099": [(QUANTITY_099, QUANTITY_099.replace('"13"', '"14"'))]})
    b = run(tmp_path, "b", {"DEMO-FSE-099": [(WRONG_099_ELEMENT, "")]})
    capsys.readouterr()
    assert main(["diff", str(a), str(b)]) == 0
    out = capsys.readouterr().out.replace("\u00a0", " ")
    lines = out[out.index("[corrigé] PDT-DEMO-001 DEMO-FSE-099") :].splitlines()
    assert "  montant e-base invoice.totals.base : 294,00 € → 273,00 € (attendu 273,00 €)" in lines[:5], out
    removed = "  montant e-amo invoice.totals.amo : attente retirée du cahier de B — A : 176,40 € (attendu 163,00 €)"
    assert removed in lines[:5], out
    assert "RÉUSSI SANS" not in out


def test_a_casebook_pass_beside_a_regression_still_gates_ci(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two cases: DEMO-FSE-099 passes in B on its rewritten expectation, DEMO-FSE-001 regresses (5 weeks billed).
    The regression sets exit 1; the last line says both, the casebook's pass apart."""
    a = run(tmp_path, "a", {"DEMO-FSE-001": [], "DEMO-FSE-099": []})
    b = run(
        tmp_path,
        "b",
        {
            "DEMO-FSE-001": [(QUANTITY_001, QUANTITY_001.replace('"4"', '"5"'))],
            "DEMO-FSE-099": [(WRONG_099, WRONG_099.replace("163.00", "163.80"))],
        },
    )
    capsys.readouterr()
    assert main(["diff", str(a), str(b)]) == 1
    out = capsys.readouterr().out.replace("\u00a0", " ")
    assert f"bilan : RÉGRESSION 1, {KIND} 1\n" in out, out
    assert out.index("[RÉGRESSION] PDT-DEMO-001 DEMO-FSE-001") < out.index(f"[{KIND}] PDT-DEMO-001 DEMO-FSE-099")
    assert out.rstrip().endswith(f"\n1 régression ; {LAST_FR}"), out


def test_a_failure_whose_reason_is_no_deviation_is_never_the_casebooks_pass() -> None:
    """A failed on a step's refusal (the product's) besides an expectation B's casebook removed: B passing may be the
    product's fix, so it stays « corrigé »; the same failure said by the deviation reads as the casebook's pass."""
    failed = {"e-amo": {"outcome": "fail", "message": "attendu 163,00 €, observé 163,80 € (différent)"}}
    deviation = "e-amo : attendu 163,00 €, observé 163,80 € (différent)"
    assert _is_a_deviation(deviation, failed)
    assert _is_a_deviation(f"{deviation} (et 1 autre écart)", failed)
    assert not _is_a_deviation("étape s-lot refusée par le moteur : INVOICE_NOT_SECURED", failed)
    assert not _is_a_deviation(deviation, {"e-amo": {**failed["e-amo"], "outcome": "pass"}})
    removed = ValueChange("e-amo", "invoice.totals.amo", "decimal", "163.00", "163.80", None, expectation="removed")
    case = CaseDiff("P", "C", "t", "fail", "pass", values=[removed], failed_before=frozenset({"e-amo"}))
    assert case.kind == "fixed"  # its reason not shown to be the deviation
    case.failed_before_on_comparisons = True
    assert case.kind == "casebook-pass"
    case.failed_before = frozenset({"e-amo", "e-base"})  # e-base: B's casebook kept it, the product answers otherwise
    assert case.kind == "fixed"
