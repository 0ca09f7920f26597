"""Dates, amounts and the bench's words as each book writes them, found reading the demo's books (fr and en):

- a partial payment's amount in a step's sentence read « 100.00 € payés » in French and "100.00 € paid" in
  English (the casebook's value pasted before a French euro sign), where the book writes « 100,00 € », "€100.00";
- a date expectation's cells and message read « 2026-02-02 » in the French book, whose step right above says
  « soins du 02/02/2026 »;
- a refusal expected and the step accepted: report.json's English said the recorded « accepté »;
- an evidence file's size read a bare « 1002 », no unit, digits grouped in neither language.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testbench.casebook.instructions import describe_step
from testbench.casebook.model import Step, StepKind
from testbench.report.build import BuildOptions, build_report
from testbench.store.session import SessionStore

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", f"Lire le retour NOEMIE (RSP) : paiement partiel, code 0450 072, 100,00{NBSP}€ payés"),
        ("en", "Read the NOEMIE return (RSP): partial payment, code 0450 072, €100.00 paid"),
    ],
)
def test_a_partial_payment_reads_as_money_in_each_language(lang: str, said: str) -> None:
    step = Step(
        id="s-rsp",
        kind=StepKind.ACTION,
        action="read-returns",
        params={"scenario": "rsp-partial", "code": "0450 072", "paid": "100.00"},
    )
    assert describe_step(step, None, lang) == said


DATE = {
    "expectation_id": "e-date",
    "kind": "value",
    "outcome": "fail",
    "message": "attendu 2026-02-02, observé 2026-02-03 (différent)",
    "path": "invoice.billing_date",
    "value_type": "date",
    "expected": "2026-02-02",
    "observed": "2026-02-03",
    "rules": [],
}


def _session(tmp: Path, comparison: dict[str, object], file: bytes = b"") -> Path:
    """One case whose one expectation failed, as the comparator records it (in French)."""
    path = tmp / "s.tbsession"
    sha = "d" * 64
    definition = {"objective": "objectif", "tags": [], "steps": []}
    with SessionStore.open(path) as store:
        case = ("TC-1", "date", "fse", "securise", definition)
        store.add_casebook(sha, "cb.xml", "PDT-1", {"plan_id": "PDT-1"}, [case])
        store.set_selection([(sha, "TC-1")])
        run = store.begin_run(["run"], {}, {"engine": {"name": "reference", "version": "1"}, "notes": []})
        attempt = store.start_attempt(run, sha, "TC-1")
        if file:
            store.add_artifact(file, "text/plain", "sortie.txt", attempt_id=attempt)
        e = str(comparison["expectation_id"])
        store.finish_attempt(attempt, "fail", f"{e} : {comparison['message']}", [(e, "value", "fail", comparison)])
        store.end_run(run)
    return path


@pytest.mark.parametrize(
    ("lang", "expected", "observed", "message"),
    [
        ("fr", "02/02/2026", "03/02/2026", "attendu 02/02/2026, observé 03/02/2026 (différent)"),
        ("en", "2026-02-02", "2026-02-03", "expected 2026-02-02, observed 2026-02-03 (different)"),
    ],
)
def test_a_date_expectation_reads_as_the_book_writes_dates(
    tmp_path: Path, lang: str, expected: str, observed: str, message: str
) -> None:
    folder = build_report(_session(tmp_path, DATE), tmp_path / "r", BuildOptions(lang=lang)).folder
    (cmp,) = json.loads((folder / "report.json").read_text(encoding="utf-8"))["cases"][0]["comparisons"]
    assert (cmp["expected"], cmp["observed"], cmp["message"]) == (expected, observed, message)
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert f">{expected}</td>" in page and f">{observed}" in page and message in page


@pytest.mark.parametrize(("lang", "word"), [("fr", "accepté"), ("en", "accepted")])
def test_a_refusal_expected_and_a_step_accepted_reads_in_the_report_language(
    tmp_path: Path, lang: str, word: str
) -> None:
    """report.json said « accepté » in the English report (the book said "accepted"); and the book still says the
    word, not a link to a refusal code named so."""
    refusal = {
        "expectation_id": "r-plv",
        "kind": "refusal",
        "outcome": "fail",
        "message": "refus PRICE_ABOVE_PLV attendu à l'étape s-invoice, mais l'étape a été acceptée",
        "path": "s-invoice",
        "expected": "PRICE_ABOVE_PLV",
        "observed": "accepté",
        "rules": [],
    }
    folder = build_report(_session(tmp_path, refusal), tmp_path / "r", BuildOptions(lang=lang)).folder
    (cmp,) = json.loads((folder / "report.json").read_text(encoding="utf-8"))["cases"][0]["comparisons"]
    assert cmp["observed"] == word
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert f'<td class="mono">{word}' in page and "code-refus-accept" not in page


@pytest.mark.parametrize(("lang", "size"), [("fr", f"1{NBSP}002{NBSP}octets"), ("en", "1,002 bytes")])
def test_a_file_size_reads_with_its_unit_in_each_language(tmp_path: Path, lang: str, size: str) -> None:
    """The evidence table's size column said a bare « 1002 » in both books."""
    folder = build_report(_session(tmp_path, DATE, b"x" * 1002), tmp_path / "r", BuildOptions(lang=lang)).folder
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert f'<td class="num">{size}</td>' in page and '<td class="num">1002</td>' not in page
    (file,) = json.loads((folder / "report.json").read_text(encoding="utf-8"))["cases"][0]["evidence"]
    assert file["size"] == 1002  # report.json keeps the count
