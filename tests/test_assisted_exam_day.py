"""Assisted operator mode on exam day: the evidence is the application's files, the operator's word is kept.

A stand-in application writes what an editor's application writes (JSON FSEs, one with a BOM; a cp1252
fixed-width lot with « Éditeur » in its header) in real folders; the bench reads them through the
profile's extractors, a real campaign and the real session store. Checked: every new file the step's
values were read from is kept byte for byte under its own name with its real hash; the value the
operator accepts is the one recorded, equal amounts are not corrections and a correction always has
its reason; ``{n}`` paths an extractor reads are not asked; the operator's confirmation or rejection of
each step is recorded (with the reason of a rejection) and the verdict says the operator refused it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from testbench.casebook.loader import load_casebook
from testbench.domain.attestation import Attestation
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store.read import read_session

REPO = Path(__file__).resolve().parents[1]

PROFILE = """
[product]
name = "CaisseLPP"
version = "7.1"

[outputs]
fse = "out/fse"
lots = "out/lots"

[[extractors]]
name = "FSE json"
kind = "json"
applies_to = ["create_invoice"]
files = "fse"
fields = { "/totaux/amo" = "invoice.totals.amo", "/lignes/{n}/base" = "invoice.lines[{n}].base", \
"/lignes/{n}/taux" = "invoice.lines[{n}].rate" }

[[extractors]]
name = "lot"
kind = "fixed"
applies_to = ["build_lot"]
files = "lots"
encoding = "cp1252"
closing = "999"
[[extractors.records]]
type = "190"
fields = [{ name = "amo", start = 4, length = 11, type = "decimal", scale = 2 }]
[extractors.fields]
"190.amo" = "lot.totals.amo"
"""

CASE = """
    <case id="{id}" domain="fse" mode="degrade" tags="lpp">
      <title>{id}</title>
      <objective>exam day</objective>
      <cards><card slot="cps" ref="cps-psad"/></cards>
      <steps>
        <invoice id="s-invoice" patient="p" care-date="2026-01-12" tiers-payant="amo">
          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>
        </invoice>
        <secure id="s-secure"/>
        <build-lot id="s-lot"/>
      </steps>
      <expectations>
        <value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="33.60"/>
        <value id="e-base" step="s-invoice" path="invoice.lines[0].base" type="decimal" expected="56.00"/>
        <value id="e-line-amc" step="s-invoice" path="invoice.lines[0].amc" type="decimal" expected="0.00"/>
        <value id="e-lot-amo" step="s-lot" path="lot.totals.amo" type="decimal" expected="33.60"/>
      </expectations>
    </case>"""

CASEBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<casebook xmlns="urn:testbench:casebook:1" format-version="1">
  <identity>
    <plan-id>TB-EXAM</plan-id><evolution>EV000</evolution><document-version>01.00</document-version>
    <effective-date>2026-01-01</effective-date><cdc-version>1.40</cdc-version><addendum>8</addendum>
    <ps-category>fournisseur-lpp</ps-category><title>exam day</title>
  </identity>
  <fixtures>
    <card id="cps-psad" profile="cards/cps3-psad-lpp.xml"/>
    <patient id="p">
      <right name="nir" value="299990000000042"/><right name="name" value="PATIENTE TEST"/>
      <right name="birth-date" value="1970-09-09"/><right name="regime" value="01"/>
    </patient>
  </fixtures>
  <cases>{cases}
  </cases>
</casebook>
"""

LOT = "190" + "00000003360" + "\r\n" + "000Éditeur CaisseLPP\r\n" + "999\r\n"


def _fse(amo: str, base: Any) -> dict[str, Any]:
    return {"totaux": {"amo": amo}, "lignes": [{"base": base, "taux": 60}]}


class Application:
    """The stand-in application and the person at it: performs each step (writes the files), keys what the
    scenario says, reviews the values read by accepting them as shown (what the workstation's Enter does).

    ``K-FILES``: two FSE files for the invoice (the second UTF-8 with a BOM), a cp1252 lot; the operator keys
    57 over the base read (56.0) without a reason, then accepts 56.0 when shown it. ``K-REJECT``: the
    operator rejects the securing without a reason, is asked again and gives it.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.asked: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (case, call) -> (path, label) asked
        self.prompts: list[str] = []

    def perform(self, case: Any, step: Any) -> Attestation | None:
        call = step.params["engine_call"]
        self.asked[(case.id, call)] = [(o.path, o.label) for o in step.observe]
        self.prompts.append(step.instruction)
        fse, lots = self.root / "out" / "fse", self.root / "out" / "lots"
        if call == "create_invoice":
            (fse / f"{case.id}-1.json").write_text(json.dumps(_fse("33.60", 56.0)), encoding="utf-8")
            body = json.dumps(_fse("33.60", "56.00"), ensure_ascii=False).encode("utf-8")
            (fse / f"{case.id}-2.json").write_bytes(b"\xef\xbb\xbf" + body)
            return Attestation(True, "Camille", "", {"invoice.lines[0].base": "57", "invoice.lines[0].amc": "0.00"})
        if call == "secure_invoice" and case.id == "K-REJECT":
            first = not any(p.startswith("Motif obligatoire") for p in self.prompts)
            return Attestation(False, "Camille", "" if first else "écran : carte Vitale absente")
        if call == "build_lot":
            (lots / f"{case.id}.lot").write_bytes(LOT.encode("cp1252"))
        return Attestation(True, "Camille")

    def review(
        self, case: Any, step: Any, extracted: list[Any], missing: list[Any], conflicts: Any = None
    ) -> dict[str, tuple[str, str]]:
        return {}

    def notify(self, message: str) -> None:
        return None


@pytest.fixture(scope="module")
def exam(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Application, Any]:
    tmp_path = tmp_path_factory.mktemp("exam")
    app = tmp_path / "app"
    for folder in ("out/fse", "out/lots"):
        (app / folder).mkdir(parents=True)
    (app / "sut.toml").write_text(PROFILE, encoding="utf-8")
    (tmp_path / "cards").mkdir()
    shutil.copy(REPO / "casebooks" / "cards" / "cps3-psad-lpp.xml", tmp_path / "cards")
    book = tmp_path / "exam.xml"
    book.write_text(CASEBOOK.format(cases="".join(CASE.format(id=i) for i in ("K-FILES", "K-REJECT"))))
    casebook = load_casebook(book)
    operator = Application(app)
    session = tmp_path / "s.tbsession"
    options = CampaignOptions(
        BenchOptions(cards="inprocess", engine="operator", engine_timeout=2.0, sut_profile=app / "sut.toml")
    )
    result = Campaign([casebook], session, options, operator=operator).run_selection(
        [(casebook, case) for case in casebook.cases]
    )
    return session, app, operator, result


def _latest(session: Path, case_id: str) -> Any:
    with read_session(session) as view:
        return next(c for c in view.cases if c.case_id == case_id).latest


def test_every_file_a_value_was_read_from_is_kept_byte_for_byte_under_its_own_name(exam: Any) -> None:
    session, app, _, _ = exam
    on_disk = {p.name: p.read_bytes() for p in (*(app / "out/fse").glob("K-FILES*"), app / "out/lots/K-FILES.lot")}
    with read_session(session) as view:
        attempt = next(c for c in view.cases if c.case_id == "K-FILES").latest.id
        kept = {a["name"]: (a, view.artifact_data(a["sha256"])) for a in view.artifacts(attempt)}
        observations = {o["path"]: o["value"] for o in view.observations(attempt)}
    assert set(kept) == {"K-FILES-1.json", "K-FILES-2.json", "K-FILES.lot"}  # the JSON FSEs too, not only the last
    for name, data in on_disk.items():
        artifact, stored = kept[name]
        assert stored == data  # no decoding: « É » in cp1252 and the BOM stay the bytes they are
        assert artifact["sha256"] == hashlib.sha256(data).hexdigest() and artifact["size"] == len(data)
    assert kept["K-FILES.lot"][0]["media_type"] == "application/octet-stream"  # not UTF-8: never decoded as text
    assert observations["lot.files[0]"] == "K-FILES.lot"  # the observation names the files and their hashes
    assert observations["lot.files_sha256[0]"] == hashlib.sha256(on_disk["K-FILES.lot"]).hexdigest()


def test_a_value_read_by_a_ranked_extractor_is_not_asked_and_what_is_asked_has_words(exam: Any) -> None:
    _, _, operator, _ = exam
    asked = dict(operator.asked[("K-FILES", "create_invoice")])
    assert "invoice.lines[0].base" not in asked  # « /lignes/{n}/base » gives it
    assert "invoice.totals.amo" not in asked
    assert asked["invoice.totals.depassement"] == "Dépassement"
    assert asked["invoice.lines[0].amc"] == "Part AMC, ligne 1"  # no extractor reads it: asked, in words
    from testbench.i18n import translator

    assert translator("en")(asked["invoice.lines[0].amc"]) == "AMC share, line 1"
    from testbench.engines.operator.engine import path_label

    assert path_label("invoice.lines[2].base") == "Base de remboursement, ligne 3"  # the review window's paths


def test_the_value_the_operator_accepts_is_the_one_recorded(exam: Any) -> None:
    session, _, _, _ = exam
    with read_session(session) as view:
        attempt = _latest(session, "K-FILES").id
        base = {o["path"]: o for o in view.observations(attempt)}["invoice.lines[0].base"]
    # 57 keyed before the step without a reason; 56.00 read (in the newest of the two FSEs, the first says 56.0:
    # the same amount, no conflict) and accepted in the review: 56.00 stands
    assert (base["value"], base["source"]) == ("56.00", "extraction")
    assert Path(base["provenance"]["source"]).name == "K-FILES-2.json" and "conflict" not in base["provenance"]


def test_each_step_is_attested_by_the_operator_and_a_rejection_says_who_and_why(exam: Any, tmp_path: Path) -> None:
    from testbench.report.build import BuildOptions, build_report

    session, _, operator, result = exam
    assert result.verdicts["K-REJECT"] == "fail"
    assert any(p.startswith("Motif obligatoire pour rejeter l'étape") for p in operator.prompts)  # asked again
    latest = _latest(session, "K-REJECT")
    assert latest.reason == "étape s-secure refusée par l'opérateur : écran : carte Vitale absente"
    built = build_report(session, tmp_path / "report", BuildOptions(junit=False))
    report = json.loads((built.folder / "report.json").read_text(encoding="utf-8"))
    steps = {c["key"]["case_id"]: {s["id"]: s for s in c["steps"]} for c in report["cases"]}
    invoice = steps["K-FILES"]["s-invoice"]["attestation"]
    assert (invoice["operator"], invoice["confirmed"]) == ("Camille", True)
    assert invoice["values"]["invoice.lines[0].base"] == "57"  # what was keyed is kept beside what stands
    rejected = steps["K-REJECT"]["s-secure"]
    assert rejected["attestation"]["confirmed"] is False
    assert rejected["attestation"]["note"] == "écran : carte Vitale absente"
    english = build_report(session, tmp_path / "report-en", BuildOptions(junit=False, lang="en"))
    assert "step s-secure refused by the operator: écran : carte Vitale absente" in english.html.read_text("utf-8")


class _Keyed:
    """An operator who cannot review (a prepared attestations file): what is keyed is the answer."""

    def __init__(self, values: dict[str, str], note: str) -> None:
        self.values, self.note = values, note

    def perform(self, case: Any, step: Any) -> Attestation:
        return Attestation(True, "Camille", self.note, self.values)

    def notify(self, message: str) -> None:
        return None


@pytest.mark.parametrize(
    ("keyed", "note", "value", "source", "reason"),
    [
        ("56,00", "", "56.00", "extraction", None),  # the amount as a French screen shows it: not a correction
        ("56.0", "lu à l'écran", "56.00", "extraction", None),  # the same number, even with a note
        ("57", "", "56.00", "extraction", None),  # no reason: no correction (the attestation keeps the 57)
        ("57", "écran : 57,00", "57", "correction", "écran : 57,00"),
    ],
)
def test_keyed_over_a_value_read_is_a_correction_only_with_a_reason_and_another_amount(
    tmp_path: Path, keyed: str, note: str, value: str, source: str, reason: str | None
) -> None:
    from testbench.engines.operator.assisted import AssistedOperatorEngine
    from testbench.sut.profile import load_profile

    (tmp_path / "out/fse").mkdir(parents=True)
    (tmp_path / "out/lots").mkdir(parents=True)
    (tmp_path / "sut.toml").write_text(PROFILE, encoding="utf-8")
    book = tmp_path / "exam.xml"
    (tmp_path / "cards").mkdir()
    shutil.copy(REPO / "casebooks" / "cards" / "cps3-psad-lpp.xml", tmp_path / "cards")
    book.write_text(CASEBOOK.format(cases=CASE.format(id="K")))
    case = load_casebook(book).cases[0]

    class Writes(_Keyed):
        def perform(self, case: Any, step: Any) -> Attestation:
            (tmp_path / "out/fse/F.json").write_text(json.dumps(_fse("33.60", "56.00")), encoding="utf-8")
            return super().perform(case, step)

    engine = AssistedOperatorEngine(load_profile(tmp_path / "sut.toml"), timeout=2.0)
    engine.attach_operator(Writes({"invoice.lines[0].base": keyed}, note))
    engine.begin_step(case, case.steps[0])
    result = engine.create_invoice({"invoice_ref": "K-1", "lines": []})
    origin = engine.take_origins()["invoice.lines[0].base"]
    assert (result["lines"][0]["base"], origin[0]) == (value, source)
    assert (origin[1] or {}).get("correction", {}).get("reason") == reason


def test_the_default_report_carries_the_applications_cp1252_lot_redacted_in_its_own_encoding(
    exam: Any, tmp_path: Path
) -> None:
    """A non-UTF-8 text file (the cp1252 lot) is evidence: exported redacted, not left out as « binaire »."""
    from testbench.report.build import BuildOptions, build_report

    session, app, _, _ = exam
    folder = build_report(session, tmp_path / "rep", BuildOptions(junit=False)).folder
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    case = next(c for c in report["cases"] if c["key"]["case_id"] == "K-FILES")
    lot = next(e for e in case["evidence"] if e["name"] == "K-FILES.lot")
    assert lot["file"] is not None, lot["note"]
    exported = (folder / lot["file"]["path"]).read_bytes()
    assert exported == (app / "out/lots/K-FILES.lot").read_bytes()  # nothing personal in it: the same bytes
    assert "000Éditeur CaisseLPP\r\n" in exported.decode("cp1252")


def test_which_files_are_text_in_another_encoding() -> None:
    from testbench.report.cases import legacy_text_encoding

    assert legacy_text_encoding("Éditeur\r\n".encode("cp1252")) == "cp1252"
    assert legacy_text_encoding('{"nom": "É"}'.encode("utf-16")) == "utf-16"
    assert legacy_text_encoding(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") is None  # binary: control bytes
    assert legacy_text_encoding(b"%PDF-1.7\n\x81\x8d") is None  # not cp1252 either
