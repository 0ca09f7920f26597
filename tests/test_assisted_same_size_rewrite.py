"""Assisted operator mode on a coarse clock (FAT: 2 s, an SMB share): an output file the application rewrites at the
same size within one tick keeps its modification time and size; the digest of a file modified lately tells the
rewrite all the same — real files, the coarse clock faked with ``os.utime``."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from test_assisted_outputs import FSE_EXTRACTOR, HEAD, LOT_EXTRACTOR, Application, fse, lot, observed
from test_assisted_step_boundaries import run, step_end

from testbench.engines.operator import assisted, filesig
from testbench.engines.operator.assisted import snapshot_from, snapshot_record
from testbench.engines.operator.filesig import digest as _digest
from testbench.engines.operator.filesig import same as _same
from testbench.engines.operator.filesig import snapshot as _snapshot


def test_a_lot_rewritten_at_the_same_size_within_one_tick_is_read_again(tmp_path: Path) -> None:
    lots = tmp_path / "app" / "out" / "lots" / "LOTS.b2"
    tick = float(int(time.time()) // 2 * 2)  # one FAT tick, which both writes fall in

    def rewrite(amount: str) -> Any:
        data = lot().replace(b"00000003360", amount.encode())

        def write(root: Path) -> None:
            lots.write_bytes(data)
            os.utime(lots, (tick, tick))

        return write

    steps = {
        ("ONE", "create_invoice"): lambda root: (root / "out" / "fse" / "FSE_1.xml").write_bytes(fse()),
        ("ONE", "build_lot"): rewrite("00000003360"),
        ("TWO", "create_invoice"): lambda root: (root / "out" / "fse" / "FSE_2.xml").write_bytes(fse()),
        ("TWO", "build_lot"): rewrite("00000004480"),  # the same size, the same time
    }
    profile = HEAD + FSE_EXTRACTOR.format(files="fse") + LOT_EXTRACTOR
    session = run(tmp_path, profile, Application(tmp_path, steps), "ONE", "TWO", lot_too=True)
    assert observed(session, "ONE")["lot.totals.amo"]["value"] == "33.60"
    assert observed(session, "TWO")["lot.totals.amo"]["value"] == "44.80"
    assert "notes" not in step_end(session, "TWO", "s-lot")


def coarse(path: Path, data: bytes, tick: float) -> None:
    path.write_bytes(data)
    os.utime(path, (tick, tick))


def test_a_rewrite_keeping_time_and_size_is_a_change_for_a_file_modified_lately(tmp_path: Path) -> None:
    path = tmp_path / "FSE_F0001.xml"
    tick = float(int(time.time()))
    coarse(path, fse("33,60"), tick)
    then = _snapshot([path])[path]
    assert then[2]  # modified lately: its digest is kept
    assert _same(then, _snapshot([path])[path], path)
    coarse(path, fse("44,80"), tick)
    now = _snapshot([path])[path]
    assert now[:2] == then[:2]  # what a stat sees did not change
    assert not _same(then, now, path)
    assert not _same(then, (now[0], now[1], ""), path)  # listed without its digest: taken when it matters
    assert not _same(None, now, path)  # not there before: new


def test_a_file_modified_long_ago_costs_a_stat_only(tmp_path: Path) -> None:
    """A rewrite of a file not modified for a while gives it another time: no digest is taken, none needed."""
    path = tmp_path / "LOTS.b2"
    old = time.time() - 3 * filesig.HOT_S
    coarse(path, lot(), old)
    then = _snapshot([path])[path]
    assert then == (old, len(lot()), "")
    coarse(path, lot().replace(b"3360", b"4480"), old)  # not a rewrite a clock would stamp so: kept as the same
    assert _same(then, _snapshot([path])[path], path)
    path.write_bytes(lot())  # a real rewrite: a new time
    assert not _same(then, _snapshot([path])[path], path)


def test_a_session_record_has_no_digest_and_compares_by_time_and_size(tmp_path: Path) -> None:
    path = tmp_path / "FSE_F0001.xml"
    path.write_bytes(fse())
    recorded = snapshot_from(snapshot_record({"fse": _snapshot([path])})["fse"])
    assert recorded[path][2] == ""
    assert _same(recorded[path], _snapshot([path])[path], path)


def test_a_large_file_is_known_by_its_ends_and_its_size(tmp_path: Path) -> None:
    path = tmp_path / "LOTS.b2"
    size = 1_000_000
    data = bytearray(os.urandom(size))
    path.write_bytes(data)
    assert _digest(path) == filesig.data_digest(bytes(data))  # read from the file as from the bytes read
    before = _digest(path)
    data[-10] ^= 0xFF  # the last record changed
    path.write_bytes(data)
    assert _digest(path) != before
    assert _digest(tmp_path / "gone") == ""


def test_a_file_read_then_rewritten_within_its_tick_is_read_again_while_the_step_waits(tmp_path: Path) -> None:
    """The bytes kept for a new file carry their digest: a rewrite at the same size and time after they were read
    replaces them, and the step reads its last content."""
    from testbench.extract.spec import ExtractorSpec

    folder = tmp_path / "fse"
    folder.mkdir()
    path = folder / "FSE_F0001.xml"
    spec = ExtractorSpec(name="fse", kind="xpath", files=str(folder / "*.xml"), applies_to=("create_invoice",))

    class Profile:
        def watched_files(self, _spec: Any) -> list[Path]:
            return sorted(folder.glob("*.xml"))

    files = assisted._StepFiles([spec])
    tick = float(int(time.time()))
    coarse(path, fse("33,60"), tick)
    files.poll(Profile(), {"fse": {}})  # type: ignore[arg-type]
    assert files.complete() and files.take(spec, path)[0] == fse("33,60")
    coarse(path, fse("44,80"), tick)  # the bytes read are no longer the file's
    files.poll(Profile(), {"fse": {}})  # type: ignore[arg-type]
    assert files.complete() and files.take(spec, path)[0] == fse("44,80")
