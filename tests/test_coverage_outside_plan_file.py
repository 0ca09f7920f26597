"""The « hors plan » gap names the file (audit s23 §9): two files of one plan-id and version (a merge), one as
the plan's sha256 says, the other outside it — the gap said only « PDT-DEMO-001 version 01.00 »; it now gives
the file's path and fingerprint, in the text and the JSON."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

DEMO = CASEBOOKS_DIR / "demo.xml"
PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]


def test_the_outside_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(CASEBOOKS_DIR / "cards", tmp_path / "cards")
    v1, v2 = tmp_path / "v1.xml", tmp_path / "v2.xml"
    shutil.copy(DEMO, v1)
    v2.write_text(DEMO.read_text(encoding="utf-8") + "\n<!-- edited -->\n", encoding="utf-8")
    a, b, merged = (tmp_path / f"{n}.tbsession" for n in "abm")
    assert main(["run", str(v1), "--session", str(a), *BENCH]) in (0, 1)
    assert main(["run", str(v2), "--session", str(b), *BENCH]) in (0, 1)
    assert main(["merge", str(a), str(b), "-o", str(merged)]) == 0
    sha1, sha2 = (hashlib.sha256(p.read_bytes()).hexdigest() for p in (v1, v2))
    plan = tmp_path / "plan.toml"
    plan.write_text(
        PLAN.read_text(encoding="utf-8").replace('path = "../demo.xml"', f'sha256 = "{sha1}"'), encoding="utf-8"
    )
    capsys.readouterr()
    main(["coverage", str(merged), "--plan", str(plan)])
    out = capsys.readouterr().out
    assert f"en version 01.00 ({v2}, empreinte {sha2[:12]}…) : dans la session, hors plan" in out, out
    main(["coverage", str(merged), "--plan", str(plan), "--format", "json"])
    gaps = json.loads(capsys.readouterr().out)["gaps"]
    outside = [g for g in gaps if g["kind"] == "outside-plan"]
    assert [(g["path"], g["sha256"]) for g in outside] == [(str(v2), sha2)]
