"""OperatorEngine: prompts reach the callback, answers become results, new output files are captured."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.domain.refusal import EngineRefusal
from testbench.engines.api import Engine, EngineUnavailable
from testbench.engines.operator.engine import CAPTURED, OperatorEngine, OperatorPrompt


def test_invoice_prompt_and_fse_file_captured(tmp_path: Path) -> None:
    (tmp_path / "old.xml").write_text("<old/>", "utf-8")
    prompts: list[OperatorPrompt] = []

    def operator(prompt: OperatorPrompt) -> dict:
        prompts.append(prompt)
        (tmp_path / "FSE-000123.xml").write_text("<fse numero='000123'/>", "utf-8")  # the LPS writes its FSE
        return {"number": "000123", "totals": {"amo": "33.60"}}

    engine = OperatorEngine(operator, tmp_path, file_wait=1, poll=0.01)
    assert isinstance(engine, Engine)
    result = engine.create_invoice({"invoice_ref": "C1-1", "lines": []})
    assert "C1-1" in prompts[0].instruction and "totals.amo" in prompts[0].expects
    assert result[CAPTURED] == [("FSE-000123.xml", b"<fse numero='000123'/>")]  # the file as written, by name
    assert result["invoice_id"] == "000123"


def test_lot_without_new_file_waits_then_goes_on(tmp_path: Path) -> None:
    engine = OperatorEngine(lambda p: {"number": "7", "invoice_count": 1}, tmp_path, file_wait=0.05, poll=0.01)
    assert CAPTURED not in engine.build_lot({"invoice_ids": ["a"]})


def test_refusal_and_abandon() -> None:
    refusing = OperatorEngine(lambda p: {"refusal": "PRICE_ABOVE_PLV", "message": "refusé par le logiciel"})
    with pytest.raises(EngineRefusal) as info:
        refusing.create_invoice({"invoice_ref": "x"})
    assert info.value.code == "PRICE_ABOVE_PLV"
    with pytest.raises(EngineUnavailable):
        OperatorEngine(lambda p: None).read_vitale("vitale")
