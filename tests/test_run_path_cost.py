"""The run path's cheap wins (issue 16 §1, docs/performance.md): work done once that was done per case."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from testbench.cards import tlv
from testbench.cards.guard import case_guard
from testbench.cards.inprocess import InProcessBay
from testbench.cards.profile import load_profile
from testbench.paths import CARD_PROFILES_DIR

VITALE = CARD_PROFILES_DIR / "vitale2-adult-standard.xml"


def test_a_profile_is_parsed_once_per_content(tmp_path: Path) -> None:
    path = tmp_path / "vitale.xml"
    path.write_bytes(VITALE.read_bytes())
    first = load_profile(path)
    assert load_profile(path) is first  # the same content: not parsed again
    path.write_text(VITALE.read_text(encoding="utf-8").replace("<label>", "<label>MODIFIÉ "), encoding="utf-8")
    edited = load_profile(path)
    assert edited is not first and edited.label.startswith("MODIFIÉ ")  # an edited profile is read anew


def test_a_tlv_record_is_parsed_once_for_all_its_lookups(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = tlv.iter_tlv

    def counting(data: bytes):  # type: ignore[no-untyped-def]
        calls.append(data)
        return real(data)

    monkeypatch.setattr(tlv, "iter_tlv", counting)
    record = tlv.Tlv(0x65, tlv.text(0x80, "MARTIN") + tlv.text(0x81, "PAUL") + tlv.text(0x82, "19800101"))
    assert (record.text(0x80), record.text(0x81), record.text(0x82)) == ("MARTIN", "PAUL", "19800101")
    assert [c.tag for c in record.children()] == [0x80, 0x81, 0x82]
    assert len(calls) == 1


def test_the_guard_builds_its_catalogue_once_per_casebook(monkeypatch: pytest.MonkeyPatch) -> None:
    listings = []
    real_glob = Path.glob

    def counting_glob(self: Path, pattern: str):  # type: ignore[no-untyped-def]
        listings.append(self)
        return real_glob(self, pattern)

    monkeypatch.setattr(Path, "glob", counting_glob)
    casebook = SimpleNamespace(fixtures=SimpleNamespace(cards={"v": SimpleNamespace(profile=str(VITALE))}))
    case = SimpleNamespace(cards=[SimpleNamespace(slot="vitale", card="v")])
    bay = InProcessBay()
    bay.present("vitale", VITALE)
    guard = case_guard()
    for _ in range(3):
        report = guard(bay, casebook, case)
        assert report.ok
    assert len(listings) == 1


def test_the_run_path_does_not_import_sqlite_utils() -> None:
    code = "import sys, testbench.runner.campaign; print('sqlite_utils' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
