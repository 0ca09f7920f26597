"""Operator mode's ``--watch`` folder on a coarse clock (FAT: 2 s, an SMB share): a file the application rewrites at
the same size within one tick keeps its modification time and size, and was not captured again; its content tells
the rewrite (:mod:`testbench.engines.operator.filesig`, the rule assisted mode follows too) — real files, the coarse
clock faked with ``os.utime``."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from test_operator_mode import CASEBOOK, setup

from testbench.engines.operator import filesig
from testbench.engines.operator.engine import CAPTURED, OperatorEngine, OperatorPrompt
from testbench.runner.campaign import RunRequest, run_campaign
from testbench.runner.events import StepStarted
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store.read import read_session

LOT_A = b"B2 lot 0001 part AMO 00000003360\n"
LOT_B = b"B2 lot 0001 part AMO 00000004480\n"  # the same size


def coarse(path: Path, data: bytes, tick: float) -> None:
    """``data`` written at ``path`` with the time a coarse clock gives every write of one tick."""
    path.write_bytes(data)
    os.utime(path, (tick, tick))


def test_a_lot_rewritten_at_the_same_size_within_one_tick_is_captured_again(tmp_path: Path) -> None:
    tick = float(int(time.time()) // 2 * 2)  # one FAT tick, which both writes fall in
    writes = iter((LOT_A, LOT_B))

    def operator(_prompt: OperatorPrompt) -> dict:
        coarse(tmp_path / "LOTS.b2", next(writes), tick)
        return {"number": "1", "invoice_count": 1}

    engine = OperatorEngine(operator, tmp_path, file_wait=2, poll=0.01)
    assert engine.build_lot({"invoice_ids": ["1"]})[CAPTURED] == [("LOTS.b2", LOT_A)]
    assert engine.build_lot({"invoice_ids": ["2"]})[CAPTURED] == [("LOTS.b2", LOT_B)]


def test_a_file_left_as_it_was_is_not_captured_though_modified_lately(tmp_path: Path) -> None:
    """Neither untouched nor rewritten with the same bytes within its tick: nothing new, the step waits its time."""
    tick = float(int(time.time()))
    coarse(tmp_path / "LOTS.b2", LOT_A, tick)
    coarse(tmp_path / "B2_0002.lot", LOT_B, tick)
    assert all(sig[2] for sig in filesig.snapshot(sorted(tmp_path.iterdir())).values())  # both with a digest

    def operator(_prompt: OperatorPrompt) -> dict:
        coarse(tmp_path / "B2_0002.lot", LOT_B, tick)  # written again, as it was
        return {"number": "1", "invoice_count": 1}

    engine = OperatorEngine(operator, tmp_path, file_wait=0.2, poll=0.01)
    assert CAPTURED not in engine.build_lot({"invoice_ids": ["1"]})


def test_the_watch_lists_without_digests_and_takes_one_where_time_and_size_agree(tmp_path: Path) -> None:
    """Each poll costs a stat a file: the digest is taken only for a file whose time and size did not change."""
    tick = float(int(time.time()))
    coarse(tmp_path / "LOTS.b2", LOT_A, tick)
    engine = OperatorEngine(lambda _p: {}, tmp_path)
    before = engine.watch.snapshot()
    assert before[tmp_path / "LOTS.b2"][2] == filesig.data_digest(LOT_A)
    assert engine.watch.snapshot(digests=False)[tmp_path / "LOTS.b2"] == (tick, len(LOT_A), "")
    assert engine.watch.new_files(before, "b2") == []
    coarse(tmp_path / "LOTS.b2", LOT_B, tick)
    assert engine.watch.new_files(before, "b2") == [tmp_path / "LOTS.b2"]


def test_a_campaign_in_operator_mode_keeps_each_cases_fse_rewritten_within_one_tick(tmp_path: Path) -> None:
    """Through the run: two cases, the application writing its FSE under one name each time, at the same size in
    one tick; the second case's evidence is its own FSE, not nothing."""
    casebook = setup(tmp_path)
    first = CASEBOOK.split("<cases>")[1].split("</cases>")[0]
    second = first.replace('id="OPER-001"', 'id="OPER-002"')
    casebook.write_text(CASEBOOK.replace(first, first + second), encoding="utf-8")
    out = tmp_path / "sortie"
    out.mkdir()
    values = {"number": "F-0042", "totals.billed": "56.00", "totals.amo": "33.60", "totals.patient": "22.40"}
    answers: dict[str, object] = {"operator": "Alice (répétition)"}
    for case in ("OPER-001", "OPER-002"):
        answers[f"{case}/s-cps"] = {"confirmed": True, "values": {"cps.rpps": "10000000001", "cps.name": "ESSAI"}}
        answers[f"{case}/s-vitale"] = {"confirmed": True, "values": {"vitale.nir": "180017512345622"}}
        answers[f"{case}/s-invoice"] = {"confirmed": True, "values": values}
    attestations = tmp_path / "reponses.json"
    attestations.write_text(json.dumps(answers), encoding="utf-8")
    tick = float(int(time.time()) // 2 * 2)
    contents = {"OPER-001": b"<FSE numero='F-0042' amo='33.60'/>", "OPER-002": b"<FSE numero='F-0042' amo='44.80'/>"}
    writers: list[threading.Timer] = []

    def application_writes_its_fse(event: object) -> None:
        if isinstance(event, StepStarted) and event.step.id == "s-invoice":
            data = contents[event.case.id]
            writers.append(threading.Timer(0.2, coarse, (out / "FSE.fse", data, tick)))
            writers[-1].start()

    request = RunRequest(
        casebooks=[casebook],
        session=tmp_path / "s.tbsession",
        options=CampaignOptions(
            BenchOptions(cards="inprocess", engine="operator", watch_dir=out), attestations=attestations
        ),
    )
    run_campaign(request, listener=application_writes_its_fse)
    for writer in writers:
        writer.join()
    with read_session(request.session) as view:
        kept = {
            case.case_id: [view.artifact_data(a["sha256"]) for a in view.artifacts(case.latest.id)]
            for case in view.cases
        }
    assert kept == {"OPER-001": [contents["OPER-001"]], "OPER-002": [contents["OPER-002"]]}
