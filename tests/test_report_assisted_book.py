"""The exam book of an assisted-mode exam (audit of the exam book, items 2 and 4).

One case of the exam casebook runs on the demo application, driven by its scripted operator. A value read at a
byte offset of the application's FSE is placed in the file as the software wrote it, which the report's copy
(redacted: a NIR, a birth date become markers) no longer matches byte for byte: the book says so, with the
SHA-256 of the file as written. A lot masked in place (each field at its own width) keeps its columns: nothing to
add there. The bench's own operators read in the book's language; a person's name stays as typed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from testbench.casebook.loader import load_casebook
from testbench.demoapp.driver import OPERATOR_NAME, start_demo_app
from testbench.domain.attestation import BENCH_OPERATORS, DEMO_ATTESTATIONS_OPERATOR, SCRIPTED_OPERATOR
from testbench.report.build import BuildOptions, build_report
from testbench.report.labels import operator_name
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store.read import read_session

REPO = Path(__file__).resolve().parents[1]
EXAM = REPO / "casebooks" / "exam-demo.xml"
CASE = "EXAM-LPP-001"


@pytest.fixture(scope="module")
def exam(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("exam")
    casebook = load_casebook(EXAM)
    session = tmp / "exam.tbsession"
    with start_demo_app(tmp / "app") as app:
        options = CampaignOptions(BenchOptions(cards="inprocess", engine="operator", sut_profile=app.profile_path))
        result = Campaign([casebook], session, options, operator=app.operator()).run_selection(
            [(casebook, casebook.case(CASE))]
        )
    assert result.verdicts == {CASE: "pass"}, result.verdicts
    return session


def _book(session: Path, out: Path, lang: str, redact: bool = True) -> tuple[Path, dict[str, Any]]:
    folder = build_report(session, out, BuildOptions(lang=lang, junit=False, redact=redact)).folder
    return folder, json.loads((folder / "report.json").read_text(encoding="utf-8"))


def _original(session: Path, sha256: str) -> bytes:
    with read_session(session) as view:
        return view.artifact_data(sha256)


def test_a_byte_offset_is_said_to_be_the_file_as_written_when_its_redacted_copy_moved_it(
    exam: Path, tmp_path: Path
) -> None:
    for lang, caveat in (
        ("fr", "octets et colonnes du fichier tel que le logiciel l'a écrit, SHA-256 {sha} ; la copie jointe est "
               "anonymisée, ses octets peuvent être décalés"),
        ("en", "bytes and columns of the file as the software wrote it, SHA-256 {sha}; the attached copy is "
               "redacted, its bytes may be shifted"),
    ):  # fmt: skip
        folder, data = _book(exam, tmp_path / lang, lang)
        (case,) = data["cases"]
        files = {e["name"]: e for e in case["evidence"]}
        fse = next(e for name, e in files.items() if name.startswith("FSE_"))
        lot = next(e for name, e in files.items() if name.startswith("LOT_"))
        amo = next(o for o in case["observations"] if o["path"] == "invoice.totals.amo")
        offset = amo["provenance"]["offset"]
        written, copy = _original(exam, fse["sha256_session"]), (folder / fse["file"]["path"]).read_bytes()
        assert written[offset : offset + 5] == b"33.60"  # the provenance counts in the file as written…
        if lang == "fr":  # …which its redacted copy no longer matches there (« ‹DATE_NAISSANCE› » is longer than
            assert copy[offset : offset + 5] != b"33.60"  # the date; in English the markers happen to fit)
        assert caveat.format(sha=fse["sha256_session"]) in amo["origin"], amo["origin"]
        comparison = next(c for c in case["comparisons"] if c["path"] == "invoice.totals.amo")
        assert comparison["origin"] == amo["origin"]  # what the page shows under the observed value
        page = (folder / "index.html").read_text(encoding="utf-8")
        assert caveat.format(sha=fse["sha256_session"]).replace("'", "&#39;") in page

        # the lot is masked in place: its record's columns hold in the copy, its values say nothing more
        lot_amo = next(o for o in case["observations"] if o["path"] == "lot.totals.amo")
        where = lot_amo["provenance"]
        first, last = where["columns"]
        records = (folder / lot["file"]["path"]).read_bytes().split(b"\n")
        assert records[where["record"] - 1][first - 1 : last] == where["excerpt"].encode()[first - 1 : last]
        assert "SHA-256" not in lot_amo["origin"], lot_amo["origin"]


def test_nothing_is_added_when_the_copy_is_the_file_as_written(exam: Path, tmp_path: Path) -> None:
    """Without redaction (and no PIN code in an FSE) the copy is the very file: its offsets are the same."""
    _folder, data = _book(exam, tmp_path / "plain", "fr", redact=False)
    (case,) = data["cases"]
    fse = next(e for e in case["evidence"] if e["name"].startswith("FSE_"))
    assert fse["file"]["sha256"] == fse["sha256_session"]
    assert all("SHA-256" not in o["origin"] for o in case["observations"])


def test_the_bench_operators_read_in_the_books_language_and_a_persons_name_as_typed(exam: Path, tmp_path: Path) -> None:
    scripted = {"fr": "opérateur scripté (application de démonstration)", "en": "scripted operator (demo application)"}
    for lang in ("fr", "en"):
        folder, data = _book(exam, tmp_path / lang, lang)
        (case,) = data["cases"]
        assert data["cover"]["operators"] == [scripted[lang]]
        assert {s["attestation"]["operator"] for s in case["steps"] if s["attestation"]} == {scripted[lang]}
        performed = {o["value"] for o in case["observations"] if o["path"].endswith(".operator")}
        assert performed == {scripted[lang]}  # who performed each step in operator mode
        page = (folder / "index.html").read_text(encoding="utf-8")
        assert scripted[lang] in page and (lang == "fr" or "opérateur scripté" not in page)

    # the names the bench records are these; a person's name is none of them, whatever its words
    assert OPERATOR_NAME == SCRIPTED_OPERATOR in BENCH_OPERATORS
    prepared = json.loads((REPO / "casebooks" / "demo-attestations.json").read_text(encoding="utf-8"))["operator"]
    assert prepared == DEMO_ATTESTATIONS_OPERATOR in BENCH_OPERATORS
    assert operator_name(prepared, "en") == (
        "demo — prepared attestation (file casebooks/demo-attestations.json, not a person)"
    )
    for person in ("Émilie Lefèvre", "opérateur", "Synthèse", "oui"):  # catalogue words as a typed name
        assert operator_name(person, "en") == person
