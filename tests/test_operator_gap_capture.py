"""What the application writes while the bench is closed belongs to the step the bench continues.

Assisted operator mode on a stand-in application (real files, a real log written by a separate process, the real
capture and session file). The case's invoice and securing are done; its lot step is left (nobody answers it: the
bench is closed). With the bench closed, the application — another process — writes its lot file and its log
line « Lot n°000002 télétransmis ». The bench reopens and continues the case at the lot step, as the workstation
does (:meth:`Campaign.run`) and as ``testbench run --resume`` does: the lot file is the step's new file (the
folders are compared with them as the step found them when it began), the log line is read by the step's log
extractor, both are kept (the file as evidence, the line in the attempt's trace, with its step, after the bench's
line saying it was written while the bench was closed), and the case passes. The files the bench captured are
recorded as extracted, with the file as provenance, not as keyed by the operator.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from testbench.casebook.loader import load_casebook
from testbench.report.build import BuildOptions, build_report
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store.read import read_session

REPO = Path(__file__).resolve().parents[1]
PROFILE = """
[product]
name = "Appli de test"

[[logs]]
path = "app.log"
format = "plain"

[outputs]
lots = "out/lots"

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

CASEBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<casebook xmlns="urn:testbench:casebook:1" format-version="1">
  <identity>
    <plan-id>TB-GAP</plan-id><evolution>EV000</evolution><document-version>01.00</document-version>
    <effective-date>2026-01-01</effective-date><cdc-version>1.40</cdc-version><addendum>8</addendum>
    <ps-category>fournisseur-lpp</ps-category><title>written while the bench was closed</title>
  </identity>
  <fixtures>
    <card id="cps-psad" profile="cards/cps3-psad-lpp.xml"/>
    <patient id="p">
      <right name="nir" value="299990000000042"/><right name="name" value="PATIENTE TEST"/>
      <right name="birth-date" value="1970-09-09"/><right name="regime" value="01"/>
      <right name="rights-start" value="2024-01-01"/><right name="rights-end" value="2030-12-31"/>
    </patient>
  </fixtures>
  <cases>
    <case id="G-1" domain="fse" mode="degrade" tags="lpp">
      <title>G-1</title>
      <objective>the gap is the step's</objective>
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
        <value id="e-number" step="s-lot" path="lot.number" expected="000002"/>
        <value id="e-count" step="s-lot" path="lot.invoice_count" expected="1"/>
      </expectations>
    </case>
  </cases>
</casebook>
"""

ANSWERS = {
    "operator": "Camille",
    "G-1/s-invoice": {"confirmed": True, "values": {"invoice.totals.amo": "33.60"}, "note": "lu à l'écran"},
    "G-1/s-secure": {"confirmed": True, "values": {"secure.status": "secured"}},
    "G-1/s-lot": {"confirmed": True},
}

#: the application, a process of its own: writes a lot file and appends its line to its log
APPLICATION = """
import sys
from pathlib import Path
app, number = Path(sys.argv[1]), sys.argv[2]
lot = "100" + number + "\\n190" + number + "\\n999\\n"
(app / "out" / "lots" / f"B2_{number}.lot").write_text(lot, encoding="ascii")
with open(app / "app.log", "a", encoding="utf-8") as log:
    log.write(f"INFO Lot n°{number} télétransmis (1 facture)\\n")
"""

LINE = "INFO Lot n°000002 télétransmis (1 facture)"


def _bench(tmp_path: Path) -> tuple[Path, Path, Path]:
    app = tmp_path / "app"
    (app / "out" / "lots").mkdir(parents=True)
    (app / "sut.toml").write_text(PROFILE, encoding="utf-8")
    (app / "app.log").write_text("INFO démarrage\n", encoding="utf-8")
    (tmp_path / "cards").mkdir()
    shutil.copy(REPO / "casebooks" / "cards" / "cps3-psad-lpp.xml", tmp_path / "cards")
    book = tmp_path / "gap.xml"
    book.write_text(CASEBOOK, encoding="utf-8")
    _application(app, "000001")  # an earlier lot, there before the case: not the step's
    return app, book, tmp_path / "s.tbsession"


def _application(app: Path, number: str) -> None:
    subprocess.run([sys.executable, "-c", APPLICATION, str(app), number], check=True, timeout=60)


def _attestations(tmp_path: Path, answers: dict) -> Path:
    path = tmp_path / "attestations.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    return path


def _campaign(app: Path, book: Path, session: Path, attestations: Path) -> tuple[Campaign, list]:
    options = CampaignOptions(
        bench=BenchOptions(engine="operator", cards="inprocess", sut_profile=app / "sut.toml", engine_timeout=1.0),
        attestations=attestations,
    )
    casebook = load_casebook(book)
    campaign = Campaign([casebook], session, options, notify=lambda _text: None)
    return campaign, [(casebook, case) for case in casebook.cases]


def _check(session: Path, tmp_path: Path) -> None:
    """One attempt, passed; the lot file and the log line of the gap read, kept and shown, with their step."""
    with read_session(session) as view:
        (case,) = view.cases
        (attempt,) = case.attempts
        assert attempt.verdict == "pass", (attempt.verdict, attempt.reason)
        observed = {o["path"]: o for o in view.observations(attempt.id)}
        lines = view.trace_lines(attempt.id)
        artifacts = [a["name"] for a in view.artifacts(attempt.id)]
    assert observed["lot.number"]["value"] == "000002"
    assert Path(observed["lot.number"]["provenance"]["source"]).name == "B2_000002.lot"
    assert observed["lot.invoice_count"]["source"] == "extraction"
    # the bench captured the lot file: extracted, the file as provenance (never « operator »)
    for path in ("lot.files[0]", "lot.files_sha256[0]"):
        assert observed[path]["source"] == "extraction", observed[path]
        assert Path(observed[path]["provenance"]["source"]).name == "B2_000002.lot"
    assert any(name.endswith("B2_000002.lot") for name in artifacts), artifacts
    (gap,) = [line for line in lines if line.text == LINE]
    assert (gap.attempt_id, gap.step_id) == (attempt.id, "s-lot")
    said = [line for line in lines if "pendant que le banc était fermé" in line.text]
    assert [(line.text, line.step_id) for line in said] == [
        ("1 ligne écrite par le logiciel pendant que le banc était fermé, rattachée à l'étape s-lot du cas G-1"
         " (tentative 1)", "s-lot")
    ]
    assert said[0].mono_ns < gap.mono_ns  # said before the line it announces
    built = build_report(session, tmp_path / "report", BuildOptions(junit=False, lang="en"))
    report = json.loads((built.folder / "report.json").read_text(encoding="utf-8"))
    texts = [line["text"] for line in report["cases"][0]["trace"]["excerpt"]]
    assert LINE in texts, texts
    said_en = "1 line written by the software while the bench was closed, attributed to step s-lot of case G-1"
    said_en += " (attempt 1)"
    assert said_en in texts, texts


def test_the_workstation_continuing_a_step_reads_what_the_application_wrote_while_it_was_closed(
    tmp_path: Path,
) -> None:
    app, book, session = _bench(tmp_path)
    without_lot = {k: v for k, v in ANSWERS.items() if k != "G-1/s-lot"}
    campaign, targets = _campaign(app, book, session, _attestations(tmp_path, without_lot))
    first = campaign.run(targets)  # the lot step is left: the bench is closed there
    assert first.verdicts == {"G-1": "pending"}, first.verdicts
    _application(app, "000002")  # the bench closed: the application writes its lot and its log line
    campaign, targets = _campaign(app, book, session, _attestations(tmp_path, ANSWERS))
    again = campaign.run(targets)  # the workstation's « continue »
    assert again.verdicts == {"G-1": "pass"}, again.verdicts
    _check(session, tmp_path)


def test_run_resume_gives_what_the_application_wrote_while_the_bench_was_down_to_the_step_it_continues(
    tmp_path: Path,
) -> None:
    app, book, session = _bench(tmp_path)
    argv = [sys.executable, "-m", "testbench", "run", str(book), "--session", str(session), "--cards", "inprocess"]
    argv += ["--engine", "operator", "--sut-profile", str(app / "sut.toml"), "--engine-timeout", "1"]
    env = {**os.environ, "TESTBENCH_LANG": "fr"}
    without_lot = {k: v for k, v in ANSWERS.items() if k != "G-1/s-lot"}
    first = subprocess.run(
        [*argv, "--attestations", str(_attestations(tmp_path, without_lot))],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert first.returncode == 2, first.stderr  # s-lot pending
    _application(app, "000002")
    resumed = subprocess.run(
        [*argv, "--attestations", str(_attestations(tmp_path, ANSWERS)), "--resume"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resumed.returncode == 0, resumed.stderr
    _check(session, tmp_path)
