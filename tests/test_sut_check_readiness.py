"""``sut check`` decides a file is ready as the run does (``extract.run.file_ready``), whatever the clock of the
disk that holds it: a share whose clock is ahead gives modification times in the future."""

from __future__ import annotations

import os
import time
from pathlib import Path

from test_sut_cli import PROFILE, _application

from testbench.cli.main import main

LOT_PROFILE = """\
[product]
name = "Démo ERP"

[outputs]
lots = "out/lots"

[[extractors]]
name = "lot"
kind = "fixed"
applies_to = ["build_lot"]
files = "lots"
encoding = "ascii"
closing = "999"
fields = { "100.numero" = "lot.number" }

[[extractors.records]]
type = "100"
fields = [{ name = "numero", start = 4, length = 6, type = "text" }]
"""


def _ahead(path: Path, seconds: float = 120.0) -> None:
    """``path`` as a file server whose clock is ``seconds`` ahead stamps it."""
    future = time.time() + seconds
    os.utime(path, (future, future))


def _check(profile: Path, capsys) -> tuple[int, str]:
    code = main(["sut", "check", str(profile)])
    return code, capsys.readouterr().out


def test_a_valid_fse_stamped_in_the_future_is_read(tmp_path: Path, capsys) -> None:
    root = _application(tmp_path / "erp")
    _ahead(root / "out" / "fse" / "F000122.xml", 90.0)
    _ahead(root / "out" / "fse" / "F000123.xml")
    (root / "sut.toml").write_text(PROFILE, encoding="utf-8")
    code, out = _check(root / "sut.toml", capsys)
    assert code == 0, out
    assert "invoice.totals.amo = 163.80 — F000123.xml" in out and "aucun fichier complet" not in out


def test_a_malformed_newest_fse_stamped_in_the_future_is_reported_not_skipped(tmp_path: Path, capsys) -> None:
    root = _application(tmp_path / "erp")
    newest = root / "out" / "fse" / "F000124.xml"
    newest.write_text("<fse><totals amo='1.00'/></fsx>\n", encoding="utf-8")
    _ahead(newest)
    (root / "sut.toml").write_text(PROFILE, encoding="utf-8")
    code, out = _check(root / "sut.toml", capsys)
    assert code == 3, out
    assert "sur " + str(newest) in out and "erreur : " in out
    assert "163.80 — F000123.xml" not in out  # the older FSE's values are not shown as the last case's


def test_a_fse_still_being_written_gives_way_to_the_older_ready_one(tmp_path: Path, capsys) -> None:
    """A newest file that changes during the check is being written: the older one that is ready is read."""
    import threading

    root = _application(tmp_path / "erp")
    newest = root / "out" / "fse" / "F000124.xml"
    newest.write_text("<fse>", encoding="utf-8")
    stop = threading.Event()

    def write() -> None:
        with newest.open("a", encoding="utf-8") as f:
            while not stop.wait(0.05):
                f.write(" ")
                f.flush()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        (root / "sut.toml").write_text(PROFILE, encoding="utf-8")
        code, out = _check(root / "sut.toml", capsys)
    finally:
        stop.set()
        writer.join()
    assert code == 0, out
    assert "invoice.totals.amo = 163.80 — F000123.xml" in out


def test_a_lot_without_its_closing_record_is_said_incomplete_as_the_run_says(tmp_path: Path, capsys) -> None:
    lots = tmp_path / "out" / "lots"
    lots.mkdir(parents=True)
    older = lots / "LOT1.b2"
    older.write_text("100000001\n999\n", encoding="ascii")
    past = time.time() - 60
    os.utime(older, (past, past))
    newest = lots / "LOT2.b2"
    newest.write_text("100000002\n", encoding="ascii")
    os.utime(newest, (past + 30, past + 30))
    (tmp_path / "sut.toml").write_text(LOT_PROFILE, encoding="utf-8")
    code, out = _check(tmp_path / "sut.toml", capsys)
    assert code == 3, out
    said = "erreur : sortie du logiciel incomplète : l'enregistrement de fin « 999 » n'est pas la dernière ligne de"
    assert f"{said} {newest}" in out
    assert "000001" not in out
    assert main(["sut", "check", str(tmp_path / "sut.toml"), "--lang", "en"]) == 3
    english = capsys.readouterr().out
    assert "incomplète" not in english, english


def test_a_closed_lot_stamped_in_the_future_is_read(tmp_path: Path, capsys) -> None:
    lots = tmp_path / "out" / "lots"
    lots.mkdir(parents=True)
    lot = lots / "LOT1.b2"
    lot.write_text("100000001\n999\n", encoding="ascii")
    _ahead(lot)
    (tmp_path / "sut.toml").write_text(LOT_PROFILE, encoding="utf-8")
    code, out = _check(tmp_path / "sut.toml", capsys)
    assert code == 0, out
    assert "lot.number = 000001" in out


