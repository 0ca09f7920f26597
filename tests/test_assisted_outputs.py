"""Assisted operator mode: what the bench reads of the application's outputs is what it wrote, nothing else.

A stand-in application writes real files and a real log in its folders while the bench waits (a thread, as
the product writes at its own pace); the bench reads them through the profile, the real capture, the real
store and report; the end-to-end cases run the real command line (``testbench run``, ``testbench report``).
Checked (audit of the application profile):

- a value nothing read and nobody keyed is absent, never made up (the securing's status): the case fails and
  says which extractor looked where;
- a lot with a closing record is read once that record is its last line, however slowly it is written; one
  never closed fails its case, the lot kept;
- a folder of ``[outputs]`` reads the kind's files only (a PDF beside the FSE, a write-then-rename temporary
  are not read); a glob with ``**`` reads date subfolders; a file moved away at once is read all the same;
- half an FSE (the application crashed) is the product's failure, exit 1, the file kept in the session and
  the book;
- one path given two values: the rule keeps one (a file over a log line, the latest line), the others and
  the rule are kept and said.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from test_assisted_engine import CASEBOOK  # the same casebook frame: its fixtures and cards

from testbench.casebook.loader import load_casebook
from testbench.domain.attestation import Attestation
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store.read import read_session

REPO = Path(__file__).resolve().parents[1]

HEAD = """
[product]
name = "GestTest"

[[logs]]
path = "logs/app.log"
encoding = "cp1252"
channel = "app"
format = "plain"

[outputs]
fse = "out/fse"
lots = "out/lots"
"""

FSE_EXTRACTOR = """
[[extractors]]
name = "FSE XML"
kind = "xpath"
applies_to = ["create_invoice"]
files = "{files}"
fields = {{ "string(/FSE/Totaux/@amo)" = "invoice.totals.amo" }}
"""

LOG_EXTRACTORS = """
[[extractors]]
name = "journal facture"
kind = "regex"
applies_to = ["create_invoice"]
pattern = 'Facture F\\d+ créée : total AMO (?P<amo>[\\d,]+) EUR'
fields = { amo = "invoice.totals.amo" }

[[extractors]]
name = "journal sécurisation"
kind = "regex"
applies_to = ["secure_invoice"]
pattern = 'Facture F\\d+ sécurisée \\(statut (?P<status>\\w+)\\)'
fields = { status = "secure.status" }
"""

LOT_EXTRACTOR = """
[[extractors]]
name = "lot"
kind = "fixed"
applies_to = ["build_lot"]
files = "lots"
encoding = "cp1252"
record_length = 20
closing = "999"
fields = { "190.amo" = "lot.totals.amo" }
[[extractors.records]]
type = "190"
fields = [ { name = "amo", start = 4, length = 11, type = "decimal", scale = 2 } ]
"""

CASE = """
    <case id="{id}" domain="fse" mode="degrade" tags="lpp">
      <title>{id}</title>
      <objective>outputs</objective>
      <cards><card slot="cps" ref="cps-psad"/></cards>
      <steps>
        <invoice id="s-invoice" patient="p" care-date="2026-01-12" tiers-payant="amo">
          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>
        </invoice>
        <secure id="s-secure"/>
        {lot}
      </steps>
      <expectations>
        <value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="33.60"/>
        <value id="e-sec" step="s-secure" path="secure.status" type="string" expected="secured"/>
        {lot_expected}
      </expectations>
    </case>"""
LOT_STEP = '<build-lot id="s-lot"/>'
LOT_EXPECTED = '<value id="e-lot" step="s-lot" path="lot.totals.amo" type="decimal" expected="33.60"/>'


def fse(amo: str = "33,60") -> bytes:
    return (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\r\n<FSE>\r\n'
        f'  <Totaux amo="{amo}"/>\r\n  <Commentaire>Facturée par Hélène</Commentaire>\r\n</FSE>\r\n'
    ).encode("latin-1")


def lot(closed: bool = True) -> bytes:
    records = ["100GESTTEST".ljust(20), "19000000003360".ljust(20)] + (["999FIN".ljust(20)] if closed else [])
    return ("\r\n".join(records) + "\r\n").encode("cp1252")


def log(root: Path, message: str) -> None:
    with (root / "logs" / "app.log").open("a", encoding="cp1252", newline="") as f:
        f.write(f"{message}\r\n")


def later(*actions: tuple[float, Any]) -> None:
    """The application goes on writing after the operator said « done »: each action at its delay."""

    def run() -> None:
        start = time.monotonic()
        for delay, action in actions:
            time.sleep(max(0.0, start + delay - time.monotonic()))
            action()

    threading.Thread(target=run, daemon=True).start()


def _folder(tmp_path: Path, profile: str, cases: str) -> tuple[Path, Path]:
    app = tmp_path / "app"
    for folder in ("logs", "out/fse", "out/lots"):
        (app / folder).mkdir(parents=True)
    (app / "logs" / "app.log").write_text("", encoding="cp1252")
    (app / "sut.toml").write_text(profile, encoding="utf-8")
    (tmp_path / "cards").mkdir(exist_ok=True)
    shutil.copy(REPO / "casebooks" / "cards" / "cps3-psad-lpp.xml", tmp_path / "cards")
    book = tmp_path / "outputs.xml"
    book.write_text(CASEBOOK.format(cases=cases), encoding="utf-8")
    return app, book


def case(case_id: str, with_lot: bool = False) -> str:
    return CASE.format(id=case_id, lot=LOT_STEP if with_lot else "", lot_expected=LOT_EXPECTED if with_lot else "")


class Application:
    """The stand-in application and the person at it: each step performed as ``steps[(case, call)]`` says (it
    may go on writing after « done », :func:`later`); the person keys nothing and accepts what is read."""

    def __init__(self, root: Path, steps: dict[tuple[str, str], Any]) -> None:
        self.root, self.steps = root, steps
        self.reviewed: dict[tuple[str, str], tuple[list[Any], list[Any]]] = {}
        self.conflicts: dict[tuple[str, str], Any] = {}  # what the person was shown of values read two ways

    def perform(self, case: Any, step: Any) -> Attestation:
        action = self.steps.get((case.id, step.params["engine_call"]))
        if action is not None:
            action(self.root)
        return Attestation(True, "Camille")

    def review(
        self, case: Any, step: Any, extracted: list[Any], missing: list[Any], conflicts: Any = None
    ) -> dict[str, Any]:
        self.reviewed[(case.id, step.id)] = (extracted, missing)
        self.conflicts[(case.id, step.id)] = conflicts
        return {}

    def notify(self, message: str) -> None:
        return None


def campaign(tmp_path: Path, profile: str, steps: dict[tuple[str, str], Any], *ids: str, lot_too: bool = False):
    app, book = _folder(tmp_path, profile, "".join(case(i, lot_too) for i in ids))
    casebook = load_casebook(book)
    session = tmp_path / "s.tbsession"
    operator = Application(app, steps)
    options = CampaignOptions(
        BenchOptions(cards="inprocess", engine="operator", engine_timeout=3.0, sut_profile=app / "sut.toml")
    )
    result = Campaign([casebook], session, options, operator=operator).run_selection(
        [(casebook, c) for c in casebook.cases]
    )
    return session, result, operator, app


def observed(session: Path, case_id: str) -> dict[str, dict[str, Any]]:
    with read_session(session) as view:
        attempt = next(c for c in view.cases if c.case_id == case_id).latest
        return {o["path"]: o for o in view.observations(attempt.id)}


def reason(session: Path, case_id: str) -> str:
    with read_session(session) as view:
        return next(c for c in view.cases if c.case_id == case_id).latest.reason


def kept(session: Path, case_id: str) -> dict[str, bytes]:
    with read_session(session) as view:
        attempt = next(c for c in view.cases if c.case_id == case_id).latest
        return {a["name"]: view.artifact_data(a["sha256"]) for a in view.artifacts(attempt.id)}


def invoice_done(root: Path) -> None:
    (root / "out" / "fse" / "FSE_F0001.xml").write_bytes(fse())
    log(root, "Facture F0001 créée : total AMO 33,60 EUR")


# -- 1. a value nothing read is absent, never made up --------------------------------------------------------


def test_a_securing_the_product_reports_is_read_one_it_does_not_report_is_absent_and_says_where_it_was_looked_for(
    tmp_path: Path,
) -> None:
    profile = HEAD + FSE_EXTRACTOR.format(files="fse") + LOG_EXTRACTORS
    steps = {
        ("SEC-OK", "create_invoice"): invoice_done,
        ("SEC-OK", "secure_invoice"): lambda root: later(
            (0.3, lambda: log(root, "Facture F0001 sécurisée (statut secured)"))
        ),
        ("SEC-NONE", "create_invoice"): invoice_done,  # and no « sécurisée » line at all
    }
    session, result, _, app = campaign(tmp_path, profile, steps, "SEC-OK", "SEC-NONE")
    assert result.verdicts == {"SEC-OK": "pass", "SEC-NONE": "fail"}
    status = observed(session, "SEC-OK")["secure.status"]
    assert (status["value"], status["source"], status["provenance"]["kind"]) == ("secured", "extraction", "log")
    assert "secure.status" not in observed(session, "SEC-NONE")  # not « secured » from nowhere
    said = reason(session, "SEC-NONE")
    assert said == (
        "e-sec : valeur absente : secure.status — extracteur « journal sécurisation » : aucune ligne ne correspond"
        f" dans {app / 'logs' / 'app.log'} (canal app) depuis le début de l'étape"
    )
    with read_session(session) as view:  # why, recorded with the step
        attempt = next(c for c in view.cases if c.case_id == "SEC-NONE").latest
        ended = next(e for e in view.events(attempt.id) if e["kind"] == "step-end" and e["step_id"] == "s-secure")
    assert ended["data"]["not_found"]["secure.status"].startswith("extracteur « journal sécurisation » : ")


def test_plain_operator_mode_records_no_status_the_operator_did_not_key() -> None:
    from testbench.engines.operator.engine import OperatorEngine

    engine = OperatorEngine(lambda prompt: {})
    assert "status" not in engine.secure_invoice({"invoice_id": "F1"})
    assert OperatorEngine(lambda prompt: {"status": "secured"}).secure_invoice({})["status"] == "secured"


def _cli_run(
    tmp_path: Path, profile: str, cases: str, answers: dict[str, Any], *, without_log: bool = False
) -> tuple[int, Path]:
    from testbench.cli.main import main

    app, book = _folder(tmp_path, profile, cases)
    if without_log:  # the application crashed before it wrote its log: nothing to follow
        (app / "logs" / "app.log").unlink()
    attestations = tmp_path / "attestations.json"
    attestations.write_text(json.dumps({"operator": "Camille", **answers}), encoding="utf-8")
    argv = ["run", str(book), "--session", str(tmp_path / "s.tbsession"), "--cards", "inprocess"]
    argv += ["--engine", "operator", "--sut-profile", str(app / "sut.toml"), "--attestations", str(attestations)]
    argv += ["--engine-timeout", "1.5", "--junit", str(tmp_path / "junit.xml")]
    return main(argv), app


def test_run_fails_a_case_whose_securing_was_never_reported_even_when_the_log_is_not_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The application crashed at its start: no log at all. The bench followed nothing, read nothing: exit 1."""
    profile = HEAD + LOG_EXTRACTORS
    keyed = {"s-invoice": {"invoice.totals.amo": "33.60"}, "s-secure": {}}
    answers = {f"SEC-1/{step}": {"confirmed": True, "values": values} for step, values in keyed.items()}
    code, _ = _cli_run(tmp_path, profile, case("SEC-1"), answers, without_log=True)
    out = capsys.readouterr()
    assert code == 1, out.err
    assert (
        "[1/1] SEC-1 : échec — e-sec : valeur absente : secure.status — extracteur « journal sécurisation »" in out.err
    )
    assert "Traceback" not in out.err + out.out


# -- 2. a lot with a closing record is read once that record is there ---------------------------------------


def slow(path: Path, data: bytes, cuts: tuple[int, ...], pause: float = 0.5) -> list[tuple[float, Any]]:
    """Write ``data`` in parts cut at ``cuts``, ``pause`` apart (longer than the extractor's ``stable_for``)."""
    bounds = [0, *cuts, len(data)]
    chunks = [data[a:b] for a, b in itertools.pairwise(bounds)]

    def write(chunk: bytes) -> Any:
        def do() -> None:
            with path.open("ab") as f:
                f.write(chunk)

        return do

    return [(i * pause, write(chunk)) for i, chunk in enumerate(chunks)]


def test_a_lot_written_slowly_is_read_whole_and_one_never_closed_fails_its_case_the_lot_kept(tmp_path: Path) -> None:
    profile = HEAD + FSE_EXTRACTOR.format(files="fse") + LOG_EXTRACTORS + LOT_EXTRACTOR
    secured = lambda root: log(root, "Facture F0001 sécurisée (statut secured)")  # noqa: E731
    steps = {
        ("LOT-SLOW", "create_invoice"): invoice_done,
        ("LOT-SLOW", "secure_invoice"): secured,
        ("LOT-SLOW", "build_lot"): lambda root: later(
            *slow(root / "out" / "lots" / "LOT1.b2", lot(), (10, 40))
        ),  # cut mid-record
        ("LOT-OPEN", "create_invoice"): invoice_done,
        ("LOT-OPEN", "secure_invoice"): secured,
        ("LOT-OPEN", "build_lot"): lambda root: (root / "out" / "lots" / "LOT2.b2").write_bytes(lot(closed=False)),
    }
    session, result, _, app = campaign(tmp_path, profile, steps, "LOT-SLOW", "LOT-OPEN", lot_too=True)
    assert result.verdicts == {"LOT-SLOW": "pass", "LOT-OPEN": "fail"}
    assert observed(session, "LOT-SLOW")["lot.totals.amo"]["value"] == "33.60"
    assert kept(session, "LOT-SLOW")["LOT1.b2"] == lot()  # the whole lot, not its first part
    said = reason(session, "LOT-OPEN")
    lot_file = app / "out" / "lots" / "LOT2.b2"
    assert said == (
        f"sortie du logiciel incomplète : l'enregistrement de fin « 999 » n'est pas la dernière ligne de {lot_file}"
        " après 3 s d'attente"
    )
    assert kept(session, "LOT-OPEN")["LOT2.b2"] == lot(closed=False)  # kept as the product left it


def test_a_file_with_a_closing_record_is_not_complete_before_that_record_however_long_it_stays(tmp_path: Path) -> None:
    import tomllib

    from testbench.extract.complete import file_complete
    from testbench.extract.run import file_ready
    from testbench.extract.spec import parse_extractor

    spec = parse_extractor(tomllib.loads(LOT_EXTRACTOR)["extractors"][0], "sut.toml")
    path = tmp_path / "LOT.b2"
    path.write_bytes(lot(closed=False))
    old = time.time() - 60
    os.utime(path, (old, old))  # unchanged for a minute
    assert not file_complete(path, 0.2, b"999") and not file_ready(spec, path)
    path.write_bytes(lot() + b"100")  # a record after the closing one: being written still
    os.utime(path, (old, old))
    assert not file_ready(spec, path)
    path.write_bytes(lot()[:-2])  # the closing record without its newline, of its record length: once it holds
    assert not file_ready(spec, path)  # just written: its newline may be still to come
    os.utime(path, (old, old))
    assert file_ready(spec, path)
    path.write_bytes(lot().rstrip()[:-3])  # « 999FI » still being written
    assert not file_ready(spec, path)
    wide = parse_extractor({**tomllib.loads(LOT_EXTRACTOR)["extractors"][0], "encoding": "utf-16"}, "sut.toml")
    path.write_bytes(lot().decode("cp1252").encode("utf-16"))
    assert file_ready(wide, path)


# -- 3. a folder reads its kind's files only ------------------------------------------------------------------


def test_a_folder_reads_the_kinds_files_whatever_their_case_and_never_a_temporary_or_a_hidden_one(
    tmp_path: Path,
) -> None:
    from testbench.sut.profile import load_profile

    profile_text = HEAD + FSE_EXTRACTOR.format(files="fse") + LOT_EXTRACTOR
    app, _ = _folder(tmp_path, profile_text, "")
    fse_dir, lots = app / "out" / "fse", app / "out" / "lots"
    for name in ("A.xml", "B.XML", "A.pdf", "C.xml.tmp", "~$D.xml", ".E.xml", "F.xml.part", "G.xml~", "notes.txt"):
        (fse_dir / name).write_bytes(b"<x/>")
    (fse_dir / "sub").mkdir()
    (fse_dir / "sub" / "H.xml").write_bytes(b"<x/>")  # a subfolder: only a ** glob reads it
    for name in ("L1.b2", "L2.LOT", "B2_0003", "rapport.pdf"):
        (lots / name).write_bytes(b"999\r\n")
    profile = load_profile(app / "sut.toml")
    fse_spec, lot_spec = profile.extractors
    assert sorted(p.name for p in profile.watched_files(fse_spec)) == ["A.xml", "B.XML"]
    assert sorted(p.name for p in profile.watched_files(lot_spec)) == ["B2_0003", "L1.b2", "L2.LOT"]
    assert profile.watched(fse_spec) == f"{fse_dir} (*.xml)"
    assert profile.watched(lot_spec) == f"{lots} (*.b2, *.lot, B2*)"


def test_a_pdf_beside_the_fse_and_a_temporary_renamed_are_not_read_the_fse_is(tmp_path: Path) -> None:
    profile = HEAD + FSE_EXTRACTOR.format(files="fse") + LOG_EXTRACTORS
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40

    def with_pdf(root: Path) -> None:
        (root / "out" / "fse" / "FSE_F0001.xml").write_bytes(fse())
        (root / "out" / "fse" / "FSE_F0001.pdf").write_bytes(pdf)

    def renamed(root: Path) -> None:  # written under a temporary name, renamed 0.5 s later
        temporary, final = root / "out" / "fse" / "FSE_F0002.xml.tmp", root / "out" / "fse" / "FSE_F0002.xml"
        temporary.write_bytes(fse())
        later(
            (0.5, lambda: os.replace(temporary, final)),
            (0.7, lambda: log(root, "Facture F0002 créée : total AMO 33,60 EUR")),
        )

    steps = {("PDF", "create_invoice"): with_pdf, ("TMP", "create_invoice"): renamed}
    session, result, _, _ = campaign(tmp_path, profile, steps, "PDF", "TMP")
    assert result.verdicts == {"PDF": "fail", "TMP": "fail"}  # their securing unreported: only that fails
    for case_id, name in (("PDF", "FSE_F0001.xml"), ("TMP", "FSE_F0002.xml")):
        amo = observed(session, case_id)["invoice.totals.amo"]
        assert (amo["value"], Path(amo["provenance"]["source"]).name) == ("33.60", name), case_id
        assert set(kept(session, case_id)) == {name}, case_id  # neither the PDF nor the temporary
        assert "XML invalide" not in reason(session, case_id)


def test_a_file_not_of_the_kind_a_glob_reads_is_skipped_and_said_not_an_error(tmp_path: Path) -> None:
    profile = HEAD + FSE_EXTRACTOR.format(files="out/fse/*") + LOG_EXTRACTORS

    def with_pdf(root: Path) -> None:
        (root / "out" / "fse" / "FSE_F0001.pdf").write_bytes(b"%PDF-1.4\n\x00\x01")
        (root / "out" / "fse" / "FSE_F0001.xml").write_bytes(fse())
        log(root, "Facture F0001 créée : total AMO 33,60 EUR")

    session, result, _, app = campaign(tmp_path, profile, {("G", "create_invoice"): with_pdf}, "G")
    assert "XML invalide" not in reason(session, "G") and result.verdicts == {"G": "fail"}  # its securing only
    assert observed(session, "G")["invoice.totals.amo"]["value"] == "33.60"
    with read_session(session) as view:
        attempt = view.cases[0].latest
        trace = [line.text for line in view.trace_lines(attempt.id, "bench")]
        invoice = {e["kind"]: e for e in view.events(attempt.id) if e["step_id"] == "s-invoice"}
    ended = invoice["step-end"]
    assert ended["wall"] - invoice["step-start"]["wall"] < 2.0  # the PDF is not waited for (the timeout is 3 s)
    pdf = app / "out" / "fse" / "FSE_F0001.pdf"
    said = f"extracteur « FSE XML » : {pdf} ignoré, ce n'est pas un document XML"
    assert ended["data"]["notes"] == [said]
    assert f"étape s-invoice : {said}" in trace  # the book's trace says it


# -- 5. subfolders, a file moved at once -------------------------------------------------------------------


def test_a_glob_with_two_stars_reads_date_subfolders_and_a_file_moved_at_once_is_read_all_the_same(
    tmp_path: Path,
) -> None:
    profile = HEAD + FSE_EXTRACTOR.format(files="out/fse/**/*.xml") + LOG_EXTRACTORS

    def dated(root: Path) -> None:
        folder = root / "out" / "fse" / "2026" / "12"
        folder.mkdir(parents=True)
        (folder / "FSE_F0001.xml").write_bytes(fse())
        log(root, "Facture F0001 créée : total AMO 33,60 EUR")

    session, _, _, _ = campaign(tmp_path / "glob", profile, {("DATED", "create_invoice"): dated}, "DATED")
    amo = observed(session, "DATED")["invoice.totals.amo"]
    assert amo["value"] == "33.60" and "/2026/12/FSE_F0001.xml" in amo["provenance"]["source"].replace(os.sep, "/")

    def moved(root: Path) -> None:  # the FSE goes to « Envoyes » 0.3 s after it was written, the log line 1 s after
        written, sent = root / "out" / "fse" / "FSE_F0002.xml", root / "out" / "fse" / "Envoyes" / "FSE_F0002.xml"
        written.write_bytes(fse())
        sent.parent.mkdir()
        later(
            (0.3, lambda: os.replace(written, sent)),
            (1.0, lambda: log(root, "Facture F0002 créée : total AMO 33,60 EUR")),
        )

    folder_form = HEAD + FSE_EXTRACTOR.format(files="fse") + LOG_EXTRACTORS  # the folder itself, not Envoyes
    session, _, _, _ = campaign(tmp_path / "moved", folder_form, {("MOVED", "create_invoice"): moved}, "MOVED")
    assert reason(session, "MOVED").startswith("e-sec : valeur absente : secure.status")  # e-amo passed
    amo = observed(session, "MOVED")["invoice.totals.amo"]
    assert (amo["value"], Path(amo["provenance"]["source"]).name) == ("33.60", "FSE_F0002.xml")
    assert kept(session, "MOVED") == {"FSE_F0002.xml": fse()}


def test_sut_check_reads_a_recursive_glob_and_says_plainly_when_it_matches_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from testbench.cli.main import main

    profile = (
        HEAD.replace("[[logs]]", "[[logsx]]").split("[[logsx]]")[0]
        + """
[outputs]
lots = "out/lots"
"""
        + FSE_EXTRACTOR.format(files="out/fse/**/*.xml")
        + FSE_EXTRACTOR.replace('"FSE XML"', '"FSE ailleurs"').format(files="sorties/**/*.xml")
    )
    app, _ = _folder(tmp_path, profile, "")
    assert main(["sut", "check", str(app / "sut.toml")]) == 2  # « sorties » is not there
    out, err = capsys.readouterr()
    assert f"aucun fichier ne correspond à {app / 'out' / 'fse'} (**/*.xml)" in out
    assert (
        f"l'extracteur « FSE ailleurs » lit **/*.xml dans {app / 'sorties'}, qui n'existe pas encore — le logiciel"
        " doit le créer à sa première écriture, sinon aucun fichier n'y sera lu"
    ) in err
    (app / "sorties").mkdir()
    (app / "out" / "fse" / "2026" / "12").mkdir(parents=True)
    (app / "out" / "fse" / "2026" / "12" / "FSE_F0001.xml").write_bytes(fse())
    assert main(["sut", "check", str(app / "sut.toml"), "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert "invoice.totals.amo = 33.60 — FSE_F0001.xml, line 3" in out
    assert f"no file matches {app / 'sorties'} (**/*.xml)" in out


# -- 4. half an FSE: the product's failure, the file kept ---------------------------------------------------


def test_half_an_fse_is_the_products_failure_exit_1_the_file_kept_in_the_session_and_the_book(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The application writes half its FSE and dies; it keeps its file open meanwhile (its size grows a byte at
    a time while the bench waits), so that the bench sees it new whatever the moment its step began."""
    from testbench.cli.main import main

    profile = HEAD + FSE_EXTRACTOR.format(files="fse")
    half = fse()[: len(fse()) // 2]
    stop = threading.Event()
    target = tmp_path / "app" / "out" / "fse" / "FSE_F0001.xml"

    def crashing() -> None:
        pad = 0
        while not stop.wait(0.1):
            if target.parent.is_dir():
                target.write_bytes(half + b" " * (pad % 3))
                pad += 1

    answers = {f"HALF/{step}": {"confirmed": True} for step in ("s-invoice", "s-secure")}
    thread = threading.Thread(target=crashing, daemon=True)
    thread.start()
    try:
        code, _ = _cli_run(tmp_path, profile, case("HALF"), answers)
    finally:
        stop.set()
        thread.join()
    out = capsys.readouterr()
    assert code == 1, out.err  # the product failed (2 would be the bench)
    assert f"[1/1] HALF : échec — sortie du logiciel incomplète après 1,5 s d'attente : {target}:" in out.err
    assert " : XML mal formé" in out.err and "Traceback" not in out.err
    junit = (tmp_path / "junit.xml").read_text(encoding="utf-8")
    assert "<failure" in junit and "<error" not in junit
    stored = kept(tmp_path / "s.tbsession", "HALF")
    assert list(stored) == ["FSE_F0001.xml"] and stored["FSE_F0001.xml"].startswith(half)
    assert main(["report", str(tmp_path / "s.tbsession"), "-o", str(tmp_path / "book")]) == 0
    capsys.readouterr()
    book = json.loads((tmp_path / "book" / "report.json").read_text(encoding="utf-8"))
    (half_case,) = book["cases"]
    assert half_case["verdict"] == "fail" and [e["name"] for e in half_case["evidence"]] == ["FSE_F0001.xml"]


# -- 6. one path, two values ----------------------------------------------------------------------------------


def test_two_values_for_one_path_the_rule_keeps_one_and_the_others_are_kept_and_said(tmp_path: Path) -> None:
    from testbench.report.build import BuildOptions, build_report

    profile = HEAD + FSE_EXTRACTOR.format(files="fse") + LOG_EXTRACTORS
    draft_only = HEAD + LOG_EXTRACTORS  # no FSE extractor: the amount from the log only

    def conflict(root: Path) -> None:  # the FSE says 33,60, the application's own log 30,00
        (root / "out" / "fse" / "FSE_F0001.xml").write_bytes(fse())
        log(root, "Facture F0001 créée : total AMO 30,00 EUR")

    def draft(root: Path) -> None:  # a draft line, then the final one a moment later
        log(root, "Facture F0001 créée : total AMO 0,00 EUR (brouillon)")
        later((0.1, lambda: log(root, "Facture F0001 créée : total AMO 33,60 EUR")))

    secured = lambda root: log(root, "Facture F0001 sécurisée (statut secured)")  # noqa: E731
    steps = {("CONFLICT", "create_invoice"): conflict, ("CONFLICT", "secure_invoice"): secured}
    session, result, app, _ = campaign(tmp_path / "c", profile, steps, "CONFLICT")
    assert result.verdicts == {"CONFLICT": "pass"}  # the FSE's amount is the one expected: said, not hidden
    amo = observed(session, "CONFLICT")["invoice.totals.amo"]
    shown = next(c for c in app.conflicts.values() if c)  # the person reviewing saw the other value, and why
    assert shown == {"invoice.totals.amo": amo["provenance"]["conflict"]}
    assert (amo["value"], Path(amo["provenance"]["source"]).name) == ("33.60", "FSE_F0001.xml")  # the file's
    (other,) = amo["provenance"]["conflict"]["others"]
    assert other["value"] == "30.00" and other["provenance"]["kind"] == "log"
    assert amo["provenance"]["conflict"]["rules"] == ["file"]
    said = reason(session, "CONFLICT")
    assert said.startswith(
        "invoice.totals.amo : 2 valeurs différentes lues — retenue : 33.60 (FSE_F0001.xml) ; autres : 30.00 (app.log"
    ), said
    built = build_report(session, tmp_path / "book", BuildOptions(junit=False))
    report = json.loads((built.folder / "report.json").read_text(encoding="utf-8"))
    origin = next(c for c in report["cases"][0]["comparisons"] if c["path"] == "invoice.totals.amo")["origin"]
    assert (
        "— 2 valeurs différentes lues : 33,60\u00a0€ retenue ici (un fichier du logiciel l'emporte sur son journal)"
        " ; autres : 30,00\u00a0€ (lu dans app.log"
    ) in origin
    english = build_report(session, tmp_path / "book-en", BuildOptions(junit=False, lang="en"))
    assert "2 different values read: €33.60 kept here (a file of the software prevails over its log)" in (
        english.html.read_text(encoding="utf-8")
    )

    steps = {("DRAFT", "create_invoice"): draft, ("DRAFT", "secure_invoice"): secured}
    session, result, _, _ = campaign(tmp_path / "d", draft_only, steps, "DRAFT")
    assert result.verdicts["DRAFT"] == "pass"  # the final line, not the draft before it
    amo = observed(session, "DRAFT")["invoice.totals.amo"]
    assert amo["value"] == "33.60" and amo["provenance"]["conflict"]["rules"] == ["latest"]
    assert amo["provenance"]["conflict"]["others"][0]["value"] == "0.00"
