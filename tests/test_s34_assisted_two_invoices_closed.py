"""Two invoices made while the bench was closed on the first of two invoice steps: one each.

Assisted operator mode on a stand-in application (real files written by a separate process, the real capture and
session file on disk), as in tests/test_s33_assisted_gap_later_step.py. The case makes an invoice, secures it, makes
another. The bench is closed on the first invoice step (nobody answers it); with it closed, the operator goes on in
the application and makes both invoices (F000001.b2, F000002.b2, in the folder both invoice steps read). The bench
reopens and continues the first invoice step: of the files created meanwhile in the folder it reads, the newest goes
to the later invoice step (one per later step that reads that folder, the oldest of those to the first), the
continued step keeps the rest — the newest of which it retains, should it hold a redo of its own invoice.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.i18n import translator
from testbench.store.read import read_session
from testbench.traces.bench_text import bench_text
from tests.test_operator_gap_capture import REPO, _attestations, _campaign

PROFILE = """
[product]
name = "Appli de test"

[[logs]]
path = "app.log"
format = "plain"

[outputs]
lots = "out/lots"

[[extractors]]
name = "facture"
kind = "fixed"
applies_to = ["create_invoice"]
files = "out/factures/*.b2"
encoding = "ascii"
closing = "999"
[[extractors.records]]
type = "190"
fields = [{ name = "numero", start = 4, length = 6, type = "text" }]
[extractors.fields]
"190.numero" = "invoice.number"

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
"""

CASEBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<casebook xmlns="urn:testbench:casebook:1" format-version="1">
  <identity>
    <plan-id>TB-TWO</plan-id><evolution>EV000</evolution><document-version>01.00</document-version>
    <effective-date>2026-01-01</effective-date><cdc-version>1.40</cdc-version><addendum>8</addendum>
    <ps-category>fournisseur-lpp</ps-category><title>two invoices made while the bench was closed</title>
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
      <objective>each invoice step its own invoice</objective>
      <cards><card slot="cps" ref="cps-psad"/></cards>
      <steps>
        <invoice id="s-inv1" patient="p" care-date="2026-01-12" tiers-payant="amo">
          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>
        </invoice>
        {later}
      </steps>
      <expectations>
        <value id="e-1" step="s-inv1" path="invoice.number" expected="000001"/>
        {expected}
      </expectations>
    </case>
  </cases>
</casebook>
"""

#: the case's later steps: the invoice secured, then a second invoice, which reads the first one's folder
TWO_INVOICES = (
    """<secure id="s-secure"/>
        <invoice id="s-inv2" patient="p" care-date="2026-01-13" tiers-payant="amo">
          <line nomenclature="LPP" code="1241763" quantity="2" unit-price="14.00"/>
        </invoice>""",
    '<value id="e-2" step="s-inv2" path="invoice.number" expected="000002"/>',
)
#: the case's later steps read other folders (the lot step: the lots)
THEN_A_LOT = (
    '<secure id="s-secure"/>\n        <build-lot id="s-lot"/>',
    '<value id="e-lot" step="s-lot" path="lot.number" expected="000002"/>',
)

ANSWERS = {
    "operator": "Camille",
    "G-1/s-inv1": {"confirmed": True},
    "G-1/s-secure": {"confirmed": True, "values": {"secure.status": "secured"}},
    "G-1/s-inv2": {"confirmed": True},
    "G-1/s-lot": {"confirmed": True},
}

#: the application, a process of its own: writes one invoice file
APPLICATION = """
import sys
from pathlib import Path
app, number = Path(sys.argv[1]), sys.argv[2]
(app / "out" / "factures" / f"F{number}.b2").write_text(f"100{number}\\n190{number}\\n999\\n", encoding="ascii")
"""

#: the sentences of a file shared out: the two steps read the same folder (never « aucun extracteur de cette étape
#: ne le lit », which would be false)
PASSED = (
    "étape s-inv1 : fichier {file} créé depuis le début de l'étape, banc fermé entre-temps, parmi d'autres du même"
    " dossier : laissé à l'étape s-inv2"
)
TAKEN = (
    "étape s-inv2 : fichier {file} créé pendant que le banc était fermé, laissé par l'étape s-inv1 parmi d'autres du"
    " même dossier : lu par cette étape-ci"
)


def _bench(tmp_path: Path, steps: tuple[str, str] = TWO_INVOICES) -> tuple[Path, Path, Path]:
    app = tmp_path / "app"
    (app / "out" / "lots").mkdir(parents=True)
    (app / "out" / "factures").mkdir(parents=True)
    (app / "sut.toml").write_text(PROFILE, encoding="utf-8")
    (app / "app.log").write_text("INFO démarrage\n", encoding="utf-8")
    (tmp_path / "cards").mkdir()
    shutil.copy(REPO / "casebooks" / "cards" / "cps3-psad-lpp.xml", tmp_path / "cards")
    book = tmp_path / "two.xml"
    book.write_text(CASEBOOK.format(later=steps[0], expected=steps[1]), encoding="utf-8")
    _invoice(app, "000000")  # an earlier invoice, there before the case: no step's
    return app, book, tmp_path / "s.tbsession"


def _invoice(app: Path, number: str) -> Path:
    """The operator makes an invoice in the application (another process), which writes its file."""
    subprocess.run([sys.executable, "-c", APPLICATION, str(app), number], check=True, timeout=60)
    return app / "out" / "factures" / f"F{number}.b2"


def _run(app: Path, book: Path, session: Path, tmp_path: Path, answers: dict) -> dict:
    campaign, targets = _campaign(app, book, session, _attestations(tmp_path, answers))
    return campaign.run(targets).verdicts


def _answered(*steps: str) -> dict:
    return {k: v for k, v in ANSWERS.items() if k == "operator" or k.split("/")[1] in steps}


def _closed_on_the_first_invoice(tmp_path: Path, steps: tuple[str, str] = TWO_INVOICES) -> tuple[Path, Path, Path]:
    app, book, session = _bench(tmp_path, steps)
    assert _run(app, book, session, tmp_path, _answered()) == {"G-1": "pending"}  # nobody answers s-inv1
    return app, book, session


def _attempt(session: Path) -> tuple[str, dict, list[tuple[str | None, str]]]:
    """The case's only attempt: its verdict, its observations by (step, path), its trace (step, text)."""
    with read_session(session) as view:
        (case,) = view.cases
        (attempt,) = case.attempts
        observed = {(o["step_id"], o["path"]): o for o in view.observations(attempt.id)}
        lines = [(line.step_id, line.text) for line in view.trace_lines(attempt.id)]
    return attempt.verdict, observed, lines


def _read(observed: dict, step: str) -> tuple[str, str, str]:
    """The invoice number a step observed: value, source, file it was read from."""
    seen = observed[(step, "invoice.number")]
    return seen["value"], seen["source"], Path(seen["provenance"]["source"]).name


def test_two_invoices_made_with_the_bench_closed_are_one_each_and_the_case_passes(tmp_path: Path) -> None:
    app, book, session = _closed_on_the_first_invoice(tmp_path)
    _invoice(app, "000001")  # the bench closed: the operator makes both invoices in the application
    second = _invoice(app, "000002")
    assert _run(app, book, session, tmp_path, ANSWERS) == {"G-1": "pass"}
    verdict, observed, lines = _attempt(session)
    assert verdict == "pass"
    assert _read(observed, "s-inv1") == ("000001", "extraction", "F000001.b2")
    assert _read(observed, "s-inv2") == ("000002", "extraction", "F000002.b2")
    assert not any("valeurs différentes lues" in text for _step, text in lines), lines
    # said with each step, in French and in English: the one that left it, the one that read it
    assert ("s-inv1", PASSED.format(file=second)) in lines, lines
    assert ("s-inv2", TAKEN.format(file=second)) in lines, lines
    english = [bench_text(text, translator("en")) for step, text in lines if step == "s-inv2"]
    assert (
        f"step s-inv2: file {second} created while the bench was closed, left by step s-inv1 among others of the same"
        " folder: read by this step" in english
    ), english
    # neither file is a late file of either step: each is its step's evidence
    assert not any("sans être une de ses sorties attendues" in text for _step, text in lines), lines
    assert not any("arrivée après la fin de son attente" in text for _step, text in lines), lines


def test_a_redo_then_the_next_invoice_the_continued_step_keeps_its_redo(tmp_path: Path) -> None:
    """Three invoices: the first, its redo, then the second step's. The newest goes to the later invoice step; the
    continued step reads the other two and retains the newest of them (its redo), the other said beside it."""
    app, book, session = _closed_on_the_first_invoice(tmp_path)
    for number in ("000001", "000002", "000003"):
        last = _invoice(app, number)
    _run(app, book, session, tmp_path, ANSWERS)
    _verdict, observed, lines = _attempt(session)
    assert _read(observed, "s-inv1") == ("000002", "extraction", "F000002.b2")
    assert _read(observed, "s-inv2") == ("000003", "extraction", "F000003.b2")
    said = [text for step, text in lines if step == "s-inv1" and "valeurs différentes lues" in text]
    assert len(said) == 1 and "retenue : 000002" in said[0] and "000001" in said[0], said
    assert ("s-inv1", PASSED.format(file=last)) in lines, lines
    assert ("s-inv2", TAKEN.format(file=last)) in lines, lines


def test_a_later_step_that_reads_another_folder_is_offered_no_invoice(tmp_path: Path) -> None:
    """The case's later step builds a lot (it reads the lots): both invoices stay with the continued step, which
    retains the newest as before; the lot step finds no new file of its own."""
    app, book, session = _closed_on_the_first_invoice(tmp_path, THEN_A_LOT)
    _invoice(app, "000001")
    _invoice(app, "000002")
    assert _run(app, book, session, tmp_path, ANSWERS) == {"G-1": "fail"}
    _verdict, observed, lines = _attempt(session)
    assert _read(observed, "s-inv1") == ("000002", "extraction", "F000002.b2")
    assert ("s-lot", "lot.number") not in observed and ("s-lot", "invoice.number") not in observed
    assert not any("laissé à l'étape" in text or "laissé par l'étape" in text for _step, text in lines), lines


@pytest.mark.parametrize(
    "closed_again", [("s-inv1",), ()], ids=["on-the-step-between", "on-the-continued-step-itself"]
)
def test_the_invoice_offered_on_stays_offered_after_a_second_closure(tmp_path: Path, closed_again: tuple) -> None:
    """Continued, then closed again (on the securing step between them, or on the first invoice step itself, before
    its outputs were read): the later invoice step still reads the newest invoice, the first one its own."""
    app, book, session = _closed_on_the_first_invoice(tmp_path)
    _invoice(app, "000001")
    _invoice(app, "000002")
    assert _run(app, book, session, tmp_path, _answered(*closed_again)) == {"G-1": "pending"}
    assert _run(app, book, session, tmp_path, ANSWERS) == {"G-1": "pass"}
    _verdict, observed, _lines = _attempt(session)
    assert _read(observed, "s-inv1") == ("000001", "extraction", "F000001.b2")
    assert _read(observed, "s-inv2") == ("000002", "extraction", "F000002.b2")


def test_the_continued_step_keeps_at_least_one_of_the_files_it_reads() -> None:
    """One file per later step that reads the folder, the newest, the oldest of them to the first; the step the bench
    was closed on keeps one at least (its own output comes first); ties of time go by name."""
    from testbench.engines.operator.assisted import _shared_out

    files = {Path(f"F{n}.b2"): (100.0 + n, 30, "") for n in (1, 2, 3)}
    both = set(files)
    assert _shared_out(files, [("s2", both), ("s3", both)]) == {Path("F2.b2"): "s2", Path("F3.b2"): "s3"}
    assert _shared_out(files, [("s2", both)]) == {Path("F3.b2"): "s2"}
    two = {path: files[path] for path in (Path("F1.b2"), Path("F2.b2"))}
    assert _shared_out(two, [("s2", both), ("s3", both)]) == {Path("F2.b2"): "s2"}
    assert _shared_out({Path("F1.b2"): files[Path("F1.b2")]}, [("s2", both)]) == {}
    assert _shared_out(files, [("s2", set())]) == {}
    tied = {Path("B.b2"): (5.0, 1, ""), Path("A.b2"): (5.0, 1, "")}
    assert _shared_out(tied, [("s2", set(tied))]) == {Path("B.b2"): "s2"}


def test_an_invoice_made_during_a_second_closure_on_the_continued_step_is_the_newest_offered(tmp_path: Path) -> None:
    """Closed on the first invoice step, two invoices made; continued, closed again on it, a third made: the newest
    goes on to the later step, and the continued step reads the other two (the one on offer before included: the
    folders recorded for it left that one out), retaining the newest of them."""
    app, book, session = _closed_on_the_first_invoice(tmp_path)
    _invoice(app, "000001")
    _invoice(app, "000002")
    assert _run(app, book, session, tmp_path, _answered()) == {"G-1": "pending"}  # closed again on s-inv1
    _invoice(app, "000003")
    _run(app, book, session, tmp_path, ANSWERS)
    _verdict, observed, lines = _attempt(session)
    assert _read(observed, "s-inv1") == ("000002", "extraction", "F000002.b2")
    assert _read(observed, "s-inv2") == ("000003", "extraction", "F000003.b2")
    assert not any("arrivée après la fin de son attente" in text for _step, text in lines), lines
