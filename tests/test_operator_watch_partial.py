"""Operator mode's ``--watch`` folder skips the files an application has not finished writing, as the
profile's extractors do (:data:`testbench.sut.filenames.PARTIAL_NAMES`): a ``*.tmp`` it renames afterwards,
an office lock ``~$…``, a partial copy, a hidden file are never captured as a step's evidence."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from testbench.engines.operator.engine import CAPTURED, OperatorEngine, OperatorPrompt


def test_temporary_files_in_the_watched_folder_are_not_captured(tmp_path: Path) -> None:
    def operator(_prompt: OperatorPrompt) -> dict:
        for name in ("~$FSE_0001.xml", ".FSE_0001.xml", "FSE_0001.xml.tmp", "FSE_0002.XML.partial"):
            (tmp_path / name).write_text("<fse/", "utf-8")  # each matches no pattern or is a file being written
        (tmp_path / "FSE_0001.xml").write_text("<fse numero='1'/>", "utf-8")
        return {"number": "1"}

    engine = OperatorEngine(operator, tmp_path, file_wait=2, poll=0.01)
    assert engine.create_invoice({"invoice_ref": "C1-1", "lines": []})[CAPTURED] == [
        ("FSE_0001.xml", b"<fse numero='1'/>")
    ]


def test_a_lot_written_then_renamed_is_captured_under_its_final_name(tmp_path: Path) -> None:
    """``B2*`` names any lot: its temporary (« B2_0001.tmp », « B2_0001.partial ») is left for the final one."""

    def operator(_prompt: OperatorPrompt) -> dict:
        (tmp_path / "B2_0001.partial").write_bytes(b"0000")  # a copy that never finishes: set aside
        temporary = tmp_path / "B2_0001.tmp"
        temporary.write_bytes(b"B2 lot 0001\n")

        def rename() -> None:
            time.sleep(0.3)
            temporary.rename(tmp_path / "B2_0001.lot")

        threading.Thread(target=rename, daemon=True).start()
        return {"number": "1", "invoice_count": 1}

    engine = OperatorEngine(operator, tmp_path, file_wait=3, poll=0.01)
    assert engine.build_lot({"invoice_ids": ["1"]})[CAPTURED] == [("B2_0001.lot", b"B2 lot 0001\n")]


def test_without_a_temporary_file_nothing_changes(tmp_path: Path) -> None:
    """The rule skips only what the extractors skip: a lot named « B2 » or « B2_0001 » is still one."""
    from testbench.sut.filenames import partial  # the rule's one home (new with this test)

    assert not any(partial(name) for name in ("B2", "B2_0001", "FSE_0001.xml", "lot.b2", "FSE-temp.xml"))

    def operator(_prompt: OperatorPrompt) -> dict:
        (tmp_path / "B2_0001").write_bytes(b"lot")
        return {"number": "1"}

    engine = OperatorEngine(operator, tmp_path, file_wait=2, poll=0.01)
    assert engine.build_lot({"invoice_ids": ["1"]})[CAPTURED] == [("B2_0001", b"lot")]
