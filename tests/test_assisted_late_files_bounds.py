"""Assisted mode: a file of the watched folders that is none of a step's outputs is kept with the right step.

- the bench closed on a step (left pending here, as a killed bench leaves it): a file the application writes
  meanwhile in another folder (an FSE while the lot step waits) is kept with the step it continues, said;
- a file written after a case's last step ended, before the case's end, is that step's, not the next case's;
- a file of the step's own kind that comes once its wait ended (while the values are shown) is said as that
  step's late output, not as « none of its expected outputs ».

Real files, the real campaign, session and report (test_assisted_outputs, test_operator_gap_capture).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_assisted_outputs import (
    FSE_EXTRACTOR,
    HEAD,
    LOG_EXTRACTORS,
    LOT_EXTRACTOR,
    Application,
    _folder,
    case,
    fse,
    log,
    lot,
)

from testbench.casebook.loader import load_casebook
from testbench.report.build import BuildOptions, build_report
from testbench.runner.campaign import Campaign
from testbench.runner.events import StepFinished
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store.read import read_session
from tests.test_operator_gap_capture import _application, _attestations, _bench

LATE = "écrit par le logiciel pendant l'étape sans être une de ses sorties attendues"

#: test_operator_gap_capture's profile, its lot and log extractors, with an FSE folder its invoice step reads
GAP_PROFILE = """
[product]
name = "Appli de test"

[[logs]]
path = "app.log"
format = "plain"

[outputs]
lots = "out/lots"
fse = "out/fse"

[[extractors]]
name = "FSE XML"
kind = "xpath"
applies_to = ["create_invoice"]
files = "fse"
fields = { "string(/FSE/Totaux/@amo)" = "invoice.totals.amo" }

[[extractors]]
name = "lot"
kind = "fixed"
applies_to = ["build_lot"]
files = "lots"
encoding = "ascii"
closing = "999"
[[extractors.records]]
type = "190"
fields = [{ name = "numero", start = 4, length = 6, type = "text" }]
[extractors.fields]
"190.numero" = "lot.number"

[[extractors]]
name = "journal lot"
kind = "regex"
applies_to = ["build_lot"]
pattern = 'Lot n°\\d+ télétransmis \\((?P<count>\\d+) facture'
fields = { count = "lot.invoice_count" }
"""

GAP_ANSWERS = {
    "operator": "Camille",
    "G-1/s-invoice": {"confirmed": True, "values": {"invoice.totals.amo": "33.60"}},
    "G-1/s-secure": {"confirmed": True, "values": {"secure.status": "secured"}},
    "G-1/s-lot": {"confirmed": True},
}


def _gap_campaign(app: Path, book: Path, session: Path, attestations: Path) -> tuple[Campaign, list[Any]]:
    options = CampaignOptions(
        bench=BenchOptions(engine="operator", cards="inprocess", sut_profile=app / "sut.toml", engine_timeout=1.0),
        attestations=attestations,
    )
    casebook = load_casebook(book)
    campaign = Campaign([casebook], session, options, notify=lambda _text: None)
    return campaign, [(casebook, c) for c in casebook.cases]


def _evidence(session: Path, case_id: str) -> tuple[dict[str, str | None], list[tuple[str | None, str]]]:
    """A case's files kept (name → step) and its trace (step, text)."""
    with read_session(session) as view:
        attempt = next(c for c in view.cases if c.case_id == case_id).latest
        files = {a["name"]: a["step_id"] for a in view.artifacts(attempt.id)}
        lines = [(line.step_id, line.text) for line in view.trace_lines(attempt.id)]
    return files, lines


def test_a_file_written_while_the_bench_was_closed_that_is_not_the_continued_steps_output_is_kept_with_it(
    tmp_path: Path,
) -> None:
    app, book, session = _bench(tmp_path)
    (app / "sut.toml").write_text(GAP_PROFILE, encoding="utf-8")
    (app / "out" / "fse").mkdir()
    without_lot = {k: v for k, v in GAP_ANSWERS.items() if k != "G-1/s-lot"}
    campaign, targets = _gap_campaign(app, book, session, _attestations(tmp_path, without_lot))
    assert campaign.run(targets).verdicts == {"G-1": "pending"}  # the bench is closed on the lot step
    (app / "out" / "fse" / "FSE_901.xml").write_bytes(fse())  # the bench closed: the invoice's FSE, at last
    _application(app, "000002")  # and the lot with its log line
    campaign, targets = _gap_campaign(app, book, session, _attestations(tmp_path, GAP_ANSWERS))
    assert campaign.run(targets).verdicts == {"G-1": "pass"}
    files, lines = _evidence(session, "G-1")
    assert files.get("FSE_901.xml") == "s-lot", files
    assert files.get("B2_000002.lot") == "s-lot", files
    said = [text for step, text in lines if step == "s-lot" and LATE in text]
    assert len(said) == 1 and "FSE_901.xml" in said[0], lines


def _two_cases(
    tmp_path: Path, profile: str, steps: dict[Any, Any], listener: Any = None, operator: Any = None, ids: str = "AB"
):
    app, book = _folder(tmp_path, profile, "".join(map(case, ids)))
    casebook = load_casebook(book)
    session = tmp_path / "s.tbsession"
    options = CampaignOptions(
        BenchOptions(cards="inprocess", engine="operator", engine_timeout=2.0, sut_profile=app / "sut.toml")
    )
    person = (operator or Application)(app, steps)
    result = Campaign([casebook], session, options, operator=person, listener=listener).run_selection(
        [(casebook, c) for c in casebook.cases]
    )
    return session, result, app


def _invoice(root: Path) -> None:
    (root / "out" / "fse" / f"FSE_{len(list((root / 'out' / 'fse').iterdir())) + 1}.xml").write_bytes(fse())
    log(root, "Facture F0001 créée : total AMO 33,60 EUR")


def _secured(root: Path) -> None:
    log(root, "Facture F0001 sécurisée (statut secured)")


def test_a_file_written_after_a_cases_last_step_is_that_steps_not_the_next_cases(tmp_path: Path) -> None:
    profile = HEAD + FSE_EXTRACTOR.format(files="fse") + LOG_EXTRACTORS + LOT_EXTRACTOR
    steps = {(c, call): act for c in "AB" for call, act in (("create_invoice", _invoice), ("secure_invoice", _secured))}
    root = tmp_path / "app"

    def listener(event: Any) -> None:  # the application writes its lot once A's last step ended
        if isinstance(event, StepFinished) and event.case.id == "A" and event.step.id == "s-secure":
            (root / "out" / "lots" / "LOT_83.b2").write_bytes(lot())

    session, result, _app = _two_cases(tmp_path, profile, steps, listener)
    assert result.verdicts == {"A": "pass", "B": "pass"}, result.verdicts
    files_a, lines_a = _evidence(session, "A")
    files_b, lines_b = _evidence(session, "B")
    assert files_a.get("LOT_83.b2") == "s-secure", files_a
    assert "LOT_83.b2" not in files_b, files_b
    assert not [text for _step, text in lines_b if "LOT_83" in text], lines_b
    said = [text for step, text in lines_a if step == "s-secure" and "LOT_83.b2" in text]
    assert len(said) == 1 and "après la fin de l'étape, dernière du cas" in said[0], lines_a
    english = build_report(session, tmp_path / "book-en", BuildOptions(junit=False, lang="en"))
    report = json.loads((english.folder / "report.json").read_text(encoding="utf-8"))
    texts = [line["text"] for c in report["cases"] for line in c["trace"]["excerpt"] if "LOT_83" in line["text"]]
    assert texts and all("after the end of the step, the case's last" in text for text in texts), texts


class _Reviewing(Application):
    """The person looks at the values read; meanwhile the application writes its FSE (after the wait)."""

    def review(
        self, case: Any, step: Any, extracted: list[Any], missing: list[Any], conflicts: Any = None
    ) -> dict[str, Any]:
        if case.id == "A" and step.id == "s-invoice":
            (self.root / "out" / "fse" / "FSE_501.xml").write_bytes(fse())
        return super().review(case, step, extracted, missing, conflicts)


def test_a_steps_own_output_coming_while_its_values_are_shown_is_said_as_its_late_output(tmp_path: Path) -> None:
    profile = HEAD + FSE_EXTRACTOR.format(files="fse") + LOG_EXTRACTORS
    steps = {("A", "create_invoice"): lambda root: log(root, "Facture F0001 créée : total AMO 33,60 EUR")}
    steps[("A", "secure_invoice")] = _secured
    session, _result, _app = _two_cases(tmp_path, profile, steps, operator=_Reviewing, ids="A")
    files, lines = _evidence(session, "A")
    assert files.get("FSE_501.xml") == "s-invoice", files
    said = [text for step, text in lines if step == "s-invoice" and "FSE_501.xml" in text]
    assert len(said) == 1, lines
    assert "sortie de l'étape arrivée après la fin de son attente : gardée comme pièce" in said[0], said
    assert LATE not in said[0], said
    english = build_report(session, tmp_path / "book-en", BuildOptions(junit=False, lang="en"))
    report = json.loads((english.folder / "report.json").read_text(encoding="utf-8"))
    texts = [line["text"] for c in report["cases"] for line in c["trace"]["excerpt"] if "FSE_501" in line["text"]]
    assert texts and all("output of the step that came after its wait ended" in text for text in texts), texts
