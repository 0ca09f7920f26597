"""The exam view: what it shows is computed without Textual (``tui.exam``), then seen live in the workstation.

The pilot test runs a case of the demo casebook from ``testbench ui`` as built by the CLI, with the
application under test played by a separate process that appends to its log and writes a file into
the watched folder while the case waits at its manual step: the exam view shows the lines, the new
file and the engine's values filled in, with the step in progress and the timer, before the case ends.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import io
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console
from test_tui_assisted import confirm

from testbench.casebook.loader import load_casebook
from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.tui import actions, exam
from testbench.tui.texts import make_translator

CASE = "DEMO-FSE-030"  # engine steps (AMO 3.54 observed), then a manual step that waits for the examiner
LINES = 5
#: the application under test, in a process of its own: its log lines, then an FSE file in its output folder
APPLICATION = f"""
import sys, pathlib
with open(sys.argv[1], "a", encoding="utf-8") as log:
    for i in range({LINES}):
        log.write(f"2026-12-03 09:14:02,123 INFO FACT facture F00012{{i}} en cours\\n")
        log.flush()
(pathlib.Path(sys.argv[2]) / "FSE-000123.xml").write_text("<fse><totals amo='3.54'/></fse>", encoding="utf-8")
"""


def plain(renderable: object, width: int = 120) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def demo_case(case_id: str = CASE):
    return load_casebook(CASEBOOKS_DIR / "demo.xml").case(case_id)


# -- the content, without Textual --------------------------------------------------------------------
def test_expected_values_fill_in_as_observations_arrive_with_their_provenance() -> None:
    case = demo_case()
    t = make_translator("fr")
    before = exam.expected_values(case, [], t)
    assert [(v.path, v.expected, v.state) for v in before][:2] == [
        ("invoice.totals.amo", "3,54\u00a0€", "waiting"),  # amounts read as money, as in the other views
        ("invoice.totals.patient", "2,36\u00a0€", "waiting"),
    ]
    lot = {"source": "out/lots/000015.b2", "kind": "fixed", "offset": 300, "record": 3, "columns": [45, 52]}
    corrected = {**lot, "correction": {"extracted": "2.63", "reason": "arrondi"}}
    observations = [
        {"path": "invoice.totals.amo", "value": "3.540", "source": "extraction", "provenance": lot},
        {"path": "invoice.totals.patient", "value": "2.63", "source": "extraction", "provenance": lot},
        {"path": "invoice.totals.patient", "value": "2.36", "source": "correction", "provenance": corrected},
        {"path": "manual.paper_printed", "value": "false", "source": "operator"},
    ]
    after = {v.path: v for v in exam.expected_values(case, observations, t)}
    amo, patient = after["invoice.totals.amo"], after["invoice.totals.patient"]
    assert amo.state == "observed"  # the runner's comparison: 3.540 is the decimal 3.54
    assert amo.provenance == "observé 3,54\u00a0€ — 000015.b2, enregistrement 3, colonnes 45–52"
    assert (patient.observed, patient.source, patient.state) == ("2,36\u00a0€", "correction", "observed")  # the latest
    corrected = "corrigé par l'opérateur : 2,36\u00a0€ au lieu de 2,63\u00a0€ lu dans 000015.b2"
    assert patient.provenance.startswith(corrected)
    assert after["manual.paper_printed"].state == "differs"  # keyed « false », the case expects true
    assert after["manual.paper_total"].state == "waiting"
    shown = plain(exam.values_table(list(after.values()), t), width=200)
    assert "observé 3,54\u00a0€ — 000015.b2" in shown and "motif : arrondi" in shown and "saisi" in shown
    # a differing value is marked, in English too
    wrong = exam.expected_values(case, [{"path": "invoice.totals.amo", "value": "2.10", "source": "engine"}], t)
    assert wrong[0].state == "differs"
    english = plain(exam.values_table(wrong, make_translator("en")))
    assert "Expected" in english and "≠" in english and "engine" in english and "Attendu" not in english


def test_folder_watch_marks_the_files_written_after_the_attempt_began(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.b2").write_bytes(b"x" * 10)
    watch = exam.FolderWatch([out, tmp_path / "absent"])  # a folder not there yet shows nothing, no error
    watch.start()
    assert [(f.name, f.new) for f in watch.files()] == [("old.b2", False)]
    (out / "FSE-1.xml").write_bytes(b"<fse/>")
    for being_written in ("FSE-2.xml.tmp", "~$FSE-2.xml", ".FSE-2.xml"):  # not yet a document: never shown
        (out / being_written).write_bytes(b"<fse")
    files = watch.files()
    assert [(f.folder, f.name, f.size, f.new) for f in files] == [
        ("out", "FSE-1.xml", 6, True),
        ("out", "old.b2", 10, False),
    ]
    text = exam.files_text([{"name": "lot-000015.b2", "size": 128}], files, make_translator("en"), "en").plain
    assert "lot-000015.b2  128 bytes  recorded evidence" in text and "✚ out/FSE-1.xml  6 bytes  new" in text


def test_header_step_and_timer() -> None:
    case = demo_case()
    t = make_translator("fr")
    progress = exam.ExamProgress(case, attempt_id=1, started=100.0)
    assert "préparation des cartes" in exam.step_line(case, progress, t, now=100.5).plain
    progress.step = case.steps[-1]
    line = exam.step_line(case, progress, t, now=100.0 + 83).plain
    assert line.startswith("étape m-paper (5/5)") and "durée 01:23" in line
    shown = plain(exam.header(case, progress, t))
    assert CASE in shown and "Objectif" in shown and case.objective[:40] in shown
    assert "feuille de soins papier de cette facture" in shown  # the manual step's instruction
    progress.finished = 100.0 + 3725
    assert "tentative terminée" in exam.step_line(case, progress, t).plain
    assert exam.format_elapsed(3725) == "1:02:05"
    other = demo_case("DEMO-FSE-031")
    assert exam.step_line(other, progress, t).plain == "pas de tentative en cours"


def test_an_action_step_says_how_this_product_performs_it() -> None:
    from testbench.sut.profile import Guidance

    case = demo_case()
    invoice = next(s for s in case.steps if s.action == "invoice")
    guidance = {"create_invoice": Guidance(menu="Facturation > Nouvelle facture", note="mode dégradé")}
    sentence = "Facturer à p-degrade, soins du 12/01/2026, sur prescription rx-nurse : NGAP AMI × 1 à 3,15\u00a0€"
    assert exam.step_instruction(invoice).startswith(sentence)  # the case view's words, not « invoice »
    with_guidance = exam.step_instruction(invoice, guidance)
    assert with_guidance.startswith(sentence) and with_guidance.endswith(
        " — Facturation > Nouvelle facture — mode dégradé"
    )
    assert exam.step_instruction(invoice, lang="en").startswith("Bill p-degrade, care on 2026-01-12")
    secure = next(s for s in case.steps if s.action == "secure")
    progress = exam.ExamProgress(case, attempt_id=1, step=secure)
    assert "Consigne : Sécuriser (signer) la facture" in plain(exam.header(case, progress, make_translator("fr")))
    line = exam.step_line(case, progress, make_translator("fr"), now=progress.started).plain
    assert line.startswith(f"étape {secure.id} (") and "secure" not in line.replace(secure.id, ""), line
    progress = exam.ExamProgress(case, attempt_id=1, step=invoice)
    assert "Facturation > Nouvelle facture" in plain(exam.header(case, progress, make_translator("fr"), guidance))


def test_the_exam_view_is_in_the_action_registry() -> None:
    spec = actions.BY_ID["view-exam"]
    assert (spec.key, spec.action, spec.group) == ("7", "show_view('exam')", "Vues")
    assert actions.label(spec, "en") == "Exam"


# -- live, in the workstation ------------------------------------------------------------------------
async def _until(pilot, condition, what: str, tries: int = 800) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.025)
    pytest.fail(f"never happened: {what}")


def test_exam_view_shows_the_application_log_new_files_and_values_while_the_case_runs(
    tmp_path: Path, monkeypatch
) -> None:
    from test_tui_helpers import wait_run

    from testbench.tui.app import WorkstationApp
    from testbench.tui.exam_view import ExamView
    from testbench.tui.screens import AttestScreen

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    log = tmp_path / "erp.log"
    log.write_text("", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "FSE-000099.xml").write_text("<fse/>", encoding="utf-8")  # yesterday's: not this case's evidence
    seen: dict[str, str] = {}

    def shown(view: ExamView, part: str) -> str:
        return plain(view.query_one(f"#exam-{part}").content)

    async def scenario(app: WorkstationApp) -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find(CASE).key)
            await pilot.press("7")
            assert app.active_view == "exam"
            view = app.query_one("#exam-view", ExamView)
            assert CASE in shown(view, "header") and "pas de tentative en cours" in shown(view, "step")
            await pilot.press("r")
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the manual step asks the examiner")
            assert app.active_view == "exam"  # the run did not take the examiner away from the exam view
            subprocess.run([sys.executable, "-c", APPLICATION, str(log), str(out)], check=True, timeout=60)
            await _until(pilot, lambda: len(view.log_lines()) == LINES, "the application's lines in the exam view")
            await _until(pilot, lambda: "FSE-000123.xml" in shown(view, "files"), "the new file in the exam view")
            # live: the case still waits at its manual step
            assert app.running and isinstance(app.screen, AttestScreen)
            seen["step"] = shown(view, "step")
            seen["files"] = shown(view, "files")
            seen["values"] = shown(view, "values")
            seen["header"] = shown(view, "header")
            await pilot.press(*"true", "tab", *"5.90")
            await pilot.press("ctrl+s")
            await wait_run(app, pilot)
            await pilot.pause(0.6)
            seen["after"] = shown(view, "values")
            seen["after-step"] = shown(view, "step")

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    argv = ["ui", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(tmp_path / "exam.tbsession")]
    argv += ["--app-log", f"{log};format=log4j", "--watch", str(out), "--engine", "inprocess", "--cards", "inprocess"]
    assert main(argv) == 0
    assert "étape m-paper (5/5)" in seen["step"] and "durée " in seen["step"]
    assert "Dans le logiciel testé, éditez la feuille de soins papier" in " ".join(seen["header"].split())
    assert "✚ out/FSE-000123.xml" in seen["files"] and "nouveau" in seen["files"]
    assert "out/FSE-000099.xml" in seen["files"] and "✚ out/FSE-000099.xml" not in seen["files"]
    values = {line.split()[1]: line.split() for line in seen["values"].splitlines()[1:] if line.split()}
    # filled by the engine step; an amount reads as money, as in the other views
    assert values["invoice.totals.amo"][:6] == ["✔", "invoice.totals.amo", "3,54", "€", "3,54", "€"]
    assert values["manual.paper_total"][2:5] == ["5,90", "€", "…"]  # not observed yet: the examiner has not keyed it
    after = {line.split()[1]: line.split() for line in seen["after"].splitlines()[1:] if line.split()}
    assert after["manual.paper_total"][:7] == ["✔", "manual.paper_total", "5,90", "€", "5,90", "€", "saisi"]


def test_exam_view_on_the_demo_application_shows_its_lines_files_and_extracted_values_live(
    tmp_path: Path, monkeypatch
) -> None:
    """Assisted operator mode in the workstation: the operator performs each step in the demo application
    (a separate process, driven here as a person would), the bench reads its log and files."""
    from test_tui_helpers import wait_run

    from testbench.demoapp.driver import start_demo_app
    from testbench.tui.app import WorkstationApp
    from testbench.tui.exam_view import ExamView
    from testbench.tui.screens import AttestScreen, ExtractedScreen

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    case_id = "EXAM-COV-002"  # invoice, secure, lot: every expected value read from the application's outputs
    seen: dict[str, str] = {}

    with start_demo_app(tmp_path / "app") as application:
        person = application.operator()

        async def perform_next(app: WorkstationApp, pilot, view: ExamView, step_id: str) -> None:
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), f"the bench asks for {step_id}")
            request = app.screen.request
            assert request.step.id == step_id
            lines_before = len(view.log_lines())
            await asyncio.to_thread(person.perform, request.case, request.step)  # done in the application
            # live, before the operator says it is done: the application's new lines and files
            await _until(pilot, lambda: len(view.log_lines()) > lines_before, f"the log lines of {step_id}")
            seen[f"log-{step_id}"] = "\n".join(view.log_lines())
            if step_id == "s-invoice":  # its FSE file, in the application's output folder
                files = lambda: plain(view.query_one("#exam-files").content)  # noqa: E731
                await _until(pilot, lambda: "✚ fse/FSE_" in files(), "the new FSE file in the exam view")
                seen["files"] = files()
            await pilot.press("ctrl+s")
            # the values read for the step are shown for review: accepted as read
            await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), f"the values read for {step_id}")
            await pilot.press("enter")

        async def scenario(app: WorkstationApp) -> None:
            async with app.run_test(size=(160, 48)) as pilot:
                await pilot.pause()
                assert app.query_one("#views").get_tab("exam").display  # exam mode: the tab is there
                app.goto_case(app.ws.find(case_id).key)
                await pilot.press("7", "r")
                view = app.query_one("#exam-view", ExamView)
                await perform_next(app, pilot, view, "s-invoice")
                await perform_next(app, pilot, view, "s-secure")  # the invoice's values are read by now
                seen["values-after-invoice"] = plain(view.query_one("#exam-values").content, width=160)
                await perform_next(app, pilot, view, "s-lot")
                await wait_run(app, pilot)
                seen["values-at-end"] = plain(view.query_one("#exam-values").content, width=160)
                seen["verdict"] = app.ws.find(case_id).verdict

        def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
            asyncio.run(scenario(self))
            return 0

        monkeypatch.setattr(WorkstationApp, "run", drive)
        argv = ["ui", str(CASEBOOKS_DIR / "exam-demo.xml"), "--session", str(tmp_path / "exam.tbsession")]
        argv += ["--engine", "operator", "--sut-profile", str(application.profile_path), "--cards", "inprocess"]
        assert main(argv) == 0

    assert "FACT Saisie de la facture" in seen["log-s-invoice"]  # the application's own wording and layout
    assert "nouveau" in seen["files"]
    after_invoice = seen["values-after-invoice"]
    amo = next(line for line in after_invoice.splitlines() if "invoice.totals.amo" in line)
    assert "✔" in amo and "observé 33,60\u00a0€ — " in amo, after_invoice  # the value and where it was read
    lot_count = next(line for line in after_invoice.splitlines() if "lot.invoice_count" in line)
    assert "…" in lot_count  # the lot is not built yet
    assert "lot.invoice_count" in seen["values-at-end"] and seen["verdict"] == "pass", seen["values-at-end"]
    assert "…" not in seen["values-at-end"]


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux absent")
def test_exam_view_in_a_real_terminal(tmp_path: Path) -> None:
    """The real program in tmux, in exam mode (a watched folder): ``7``, ``r``, the values fill in."""
    from test_tui_tmux import Terminal, ui_command

    out = tmp_path / "out"
    out.mkdir()
    (out / "FSE-ancienne.xml").write_text("<fse/>", encoding="utf-8")
    socket = str(tmp_path / "tmux.sock")
    terminal = Terminal(socket)
    command = ui_command(tmp_path, tmp_path / "examen.tbsession") + f" --watch {out}"
    try:
        terminal.tmux("new-session", "-d", "-s", "ui", "-x", "140", "-y", "40", command)
        terminal.wait_for("DEMO-FSE-001", "Examen")  # exam mode: the tab is in the bar from the start
        terminal.keys("7")
        terminal.wait_for("Valeurs attendues", "Dossiers surveillés", "Journal de l'application")
        screen = terminal.wait_for("pas de tentative en cours", "out/FSE-ancienne.xml")
        assert "Objectif : Calcul de la part AMO" in screen
        terminal.keys("r")
        screen = terminal.wait_for("tentative terminée", "invoice.totals.amo")
        observed = re.compile(r"✔\s+invoice\.totals\.amo\s+33,60\u00a0€\s+33,60\u00a0€\s+moteur")
        deadline = time.monotonic() + 20  # the status line and the table are drawn by two refreshes: one frame apart
        while not observed.search(screen) and time.monotonic() < deadline:
            time.sleep(0.1)
            screen = terminal.screen()
        amo = next(line for line in screen.splitlines() if "invoice.totals.amo" in line)
        assert observed.search(amo), amo
        assert "durée 00:0" in screen and "✚" not in screen  # the old file is not this case's evidence
    finally:
        subprocess.run(["tmux", "-S", socket, "kill-server"], capture_output=True, timeout=10)


# -- how an attempt ended (audit 9 A, finding 8) -----------------------------------------------------
def test_an_ended_attempt_says_how_and_a_value_that_never_came_is_missing_not_awaited() -> None:
    case = demo_case()
    t = make_translator("fr")
    observations = [{"path": "invoice.totals.amo", "value": "3.54", "source": "engine"}]
    awaited = {r.path: r for r in exam.expected_values(case, observations, t)}
    ended = {r.path: r for r in exam.expected_values(case, observations, t, ended=True)}
    assert awaited["manual.paper_total"].state == "waiting" and ended["manual.paper_total"].state == "missing"
    assert ended["invoice.totals.amo"].state == "observed"
    table = plain(exam.values_table(list(ended.values()), t))
    line = next(line for line in table.splitlines() if "manual.paper_total" in line)
    assert line.split()[0] == "✘" and "non observée" in line and "…" not in line, table
    end = exam.AttemptEnd("error", "extraction impossible : lot.b2, enregistrement 2", duration=83)
    text = exam.step_line(case, None, t, end=end).plain
    assert text.startswith("tentative terminée : ! erreur — extraction impossible : lot.b2, enregistrement 2")
    assert "durée 01:23" in text
    english = exam.step_line(case, None, make_translator("en"), end=exam.AttemptEnd("fail", "")).plain
    assert english == "attempt finished: ✘ failed", english
    pending = exam.step_line(case, None, t, end=exam.AttemptEnd("pending", "étape manuelle m-paper en attente"))
    assert pending.plain.startswith("tentative inachevée : … en attente — étape manuelle m-paper en attente")
    assert not exam.AttemptEnd("pending").over and exam.AttemptEnd("none", "tentative interrompue").over


def test_the_exam_view_shows_the_verdict_and_the_values_that_never_came_after_the_attempt(
    tmp_path: Path, monkeypatch
) -> None:
    """A lot the bench cannot read: the view says the error (not only the run view) and the lot's value
    that never came, live at the end of the run and again when the session is opened later."""
    from test_assisted_engine import CASE as ASSISTED_CASE
    from test_assisted_engine import CASEBOOK, StandInApplication
    from test_tui_assisted import _application
    from test_tui_helpers import wait_run

    from testbench.tui.app import WorkstationApp
    from testbench.tui.exam_view import ExamView
    from testbench.tui.screens import AttestScreen, ExtractedScreen

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app_dir, book = _application(tmp_path)
    book.write_text(CASEBOOK.format(cases=ASSISTED_CASE.format(id="T-BAD")), encoding="utf-8")  # a malformed lot
    application = StandInApplication(app_dir)
    seen: dict[str, str] = {}

    def shown(app: WorkstationApp, part: str) -> str:
        return plain(app.query_one("#exam-view", ExamView).query_one(f"#exam-{part}").content, width=200)

    async def run(app: WorkstationApp) -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-BAD").key)
            await pilot.press("7", "r")
            for step_id in ("s-invoice", "s-secure", "s-lot"):
                await _until(pilot, lambda: isinstance(app.screen, AttestScreen), f"the bench asks for {step_id}")
                application.perform(app.screen.request.case, app.screen.request.step)
                await confirm(app, pilot)
                if step_id == "s-invoice":
                    await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), "the values read")
                    await pilot.press("enter")
            await wait_run(app, pilot)
            await _until(pilot, lambda: "tentative terminée" in shown(app, "step"), "the end in the exam view")
            seen["step"], seen["values"] = shown(app, "step"), shown(app, "values")

    async def reopen(app: WorkstationApp) -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-BAD").key)
            await pilot.press("7")
            await pilot.pause()
            seen["later-step"], seen["later-values"] = shown(app, "step"), shown(app, "values")

    scenario = run

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    argv = ["ui", str(book), "--session", str(tmp_path / "s.tbsession"), "--cards", "inprocess"]
    argv += ["--engine", "operator", "--engine-timeout", "2", "--sut-profile", str(app_dir / "sut.toml")]
    assert main(argv) == 0
    scenario = reopen
    assert main(argv) == 0

    for step, values in ((seen["step"], seen["values"]), (seen["later-step"], seen["later-values"])):
        assert step.startswith("tentative terminée : ✘ échec — sortie du logiciel invalide : "), step  # the product's
        assert "T-BAD.b2" in step and "durée " in step, step
        lot = next(line for line in values.splitlines() if "lot.totals.amo" in line)
        assert lot.split()[0] == "✘" and "non observée" in lot and "…" not in values, values
        amo = next(line for line in values.splitlines() if "invoice.totals.amo" in line)
        assert amo.split()[0] == "✔" and "observé 33,60\u00a0€" in amo, values
