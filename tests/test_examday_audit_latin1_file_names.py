"""A file the application names in its legacy code page (not UTF-8) is read, kept and shown under a readable name.

A Windows application writing to a share, or an old Linux one, may name its FSE in cp1252 bytes (``FSE_Hélène.xml``
as ``FSE_H\\xe9l\\xe8ne.xml``). Python reads such a name with surrogates (``FSE_H\\udce9l\\udce8ne.xml``), which
SQLite cannot store: keeping that file as the step's evidence is a bench fault (« erreur interne de testbench »)
that ends the case with no verdict, and the exam view showed the name with Python's escapes.

:func:`readable_name` reads such a name as cp1252: the exam view's folder pane and ``sut check`` show it so, and
the capture (``engines/operator``: the values' provenance, the step's trace notes, the evidence names kept by
``runner/actions.py``) keeps and says it so, its bytes whole. The listing of the folders kept in the session's meta
for a gap capture keeps the readable name and, beside it, the real one (JSON's ``\\udce9`` escapes): the file is
found again at its real path.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from test_assisted_outputs import FSE_EXTRACTOR, HEAD, LOG_EXTRACTORS, campaign, fse, log

from testbench.store.read import read_session
from testbench.sut.filenames import readable_name

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Windows names are Unicode: no undecodable bytes")

RAW = os.fsdecode(b"FSE_H\xe9l\xe8ne.xml")  # as Python lists it: with surrogates
SHOWN = "FSE_Hélène.xml"


def test_readable_name_reads_undecodable_bytes_as_cp1252_and_leaves_others_alone() -> None:
    assert readable_name(RAW) == SHOWN
    assert readable_name(SHOWN) == SHOWN  # a name already Unicode: as it is
    assert readable_name(os.fsdecode(b"FSE_\x81.xml")) == "FSE_\ufffd.xml"  # undefined in cp1252: replaced, not lost
    assert readable_name(RAW).encode("utf-8")  # storable and printable
    line = f"Extracteur « FSE » sur /app/{RAW} — café"  # a line holding the name: the rest stays as it is
    assert readable_name(line) == f"Extracteur « FSE » sur /app/{SHOWN} — café"


def test_an_fse_named_in_cp1252_is_read_kept_and_said_under_its_readable_name(tmp_path: Path) -> None:
    def invoice(root: Path) -> None:
        (root / "out" / "fse" / RAW).write_bytes(fse())
        log(root, "Facture F0001 créée : total AMO 33,60 EUR")

    def secured(root: Path) -> None:
        log(root, "Facture F0001 sécurisée (statut secured)")

    profile = HEAD + FSE_EXTRACTOR.format(files="fse") + LOG_EXTRACTORS
    steps = {("LAT1", "create_invoice"): invoice, ("LAT1", "secure_invoice"): secured}
    session, result, _, _ = campaign(tmp_path, profile, steps, "LAT1")
    assert result.verdicts == {"LAT1": "pass"}, result.verdicts  # not a bench fault
    with read_session(session) as view:
        attempt = view.cases[0].latest
        kept = {a["name"]: view.artifact_data(a["sha256"]) for a in view.artifacts(attempt.id)}
        observations = [o for o in view.observations(attempt.id) if o["path"] == "invoice.totals.amo"]
    assert kept.get(SHOWN) == fse(), kept  # byte for byte, under the name a person reads
    assert observations and observations[-1]["provenance"]["source"].endswith(SHOWN), observations


def test_a_file_named_in_cp1252_appearing_in_a_step_without_extractor_is_kept_not_a_bench_fault(
    tmp_path: Path,
) -> None:
    def invoice(root: Path) -> None:
        (root / "out" / "fse" / "FSE_F0001.xml").write_bytes(fse())
        log(root, "Facture F0001 créée : total AMO 33,60 EUR")

    def secured(root: Path) -> None:  # the application writes a receipt during the securing: no extractor reads it
        (root / "out" / "fse" / RAW).write_bytes(fse())
        log(root, "Facture F0001 sécurisée (statut secured)")

    profile = HEAD + FSE_EXTRACTOR.format(files="fse") + LOG_EXTRACTORS
    steps = {("LAT2", "create_invoice"): invoice, ("LAT2", "secure_invoice"): secured}
    session, result, _, _ = campaign(tmp_path, profile, steps, "LAT2")
    assert result.verdicts == {"LAT2": "pass"}, result.verdicts
    with read_session(session) as view:
        attempt = view.cases[0].latest
        names = {a["name"] for a in view.artifacts(attempt.id)}
        trace = [line.text for line in view.trace_lines(attempt.id, "bench")]
    assert {"FSE_F0001.xml", SHOWN} <= names, names
    said = [text for text in trace if "sans être une de ses sorties attendues" in text]  # the late file's note
    assert said and all(SHOWN in text and "\\udc" not in text for text in said), trace


def test_the_exam_view_s_folder_pane_shows_the_readable_name(tmp_path: Path) -> None:
    from test_tui_exam import plain

    from testbench.tui import exam
    from testbench.tui.texts import make_translator

    watch = exam.FolderWatch([tmp_path])
    watch.start()
    (tmp_path / RAW).write_bytes(b"<FSE/>")
    shown = plain(exam.files_text([], watch.files(), make_translator("fr"), "fr"))
    assert SHOWN in shown and "\\udc" not in shown, shown


def test_sut_check_says_a_cp1252_name_as_its_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from testbench.cli.main import main

    (tmp_path / "out" / "fse").mkdir(parents=True)
    (tmp_path / "out" / "fse" / RAW).write_bytes(b'<FSE><Totaux amo="33,60"/></FSE>')
    profile = tmp_path / "sut.toml"
    fields = '{ "string(/FSE/Totaux/@amo)" = "invoice.totals.amo" }'
    profile.write_text(
        '[product]\nname = "ERP"\n\n[outputs]\nfse = "out/fse"\n\n[[extractors]]\nname = "FSE"\nkind = "xpath"\n'
        f'applies_to = ["create_invoice"]\nfiles = "fse"\nfields = {fields}\n',
        encoding="utf-8",
    )
    assert main(["sut", "check", str(profile)]) == 0
    out = capsys.readouterr().out
    assert f"    {SHOWN}  " in out and f"invoice.totals.amo = 33.60 — {SHOWN}, ligne 1" in out, out
    assert "\udce9" not in out
