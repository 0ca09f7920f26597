"""The book names the session file it was built from redacted, as it names the files a case produced: an engineer
may name a rehearsal after its patient (« LEFEVRE_285057800608441.tbsession »)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from testbench.cards.profile import load_profile

REPO = Path(__file__).resolve().parents[1]
HOLDER = load_profile(REPO / "casebooks" / "cards" / "vitale2-adult-standard.xml")
SESSION = f"{HOLDER.beneficiaries[0].name}_{HOLDER.holder_nir}.tbsession"


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TESTBENCH_LANG": "fr", "HOME": str(cwd)}
    return subprocess.run([sys.executable, "-m", "testbench", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_the_session_file_name_is_redacted_in_the_book(tmp_path: Path) -> None:
    run = cli("run", REPO / "casebooks" / "demo.xml", "-k", "DEMO-FSE-001", "--session", SESSION,
              "--cards", "inprocess", "--report", "rep", cwd=tmp_path)  # fmt: skip
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "rep" / "index.html").read_text(encoding="utf-8")
    report = json.loads((tmp_path / "rep" / "report.json").read_text(encoding="utf-8"))
    assert HOLDER.holder_nir not in page and HOLDER.holder_nir not in json.dumps(report)
    assert report["session"]["file"] == "‹NOM›_‹NIR›.tbsession"
    assert 'fichier de session <span class="mono">‹NOM›_‹NIR›.tbsession</span>' in page


def test_the_session_file_names_are_redacted_in_the_diff(tmp_path: Path) -> None:
    """The comparison names both sessions, in its text (a CI log), HTML and JSON: redacted the same way."""
    run = cli("run", REPO / "casebooks" / "demo.xml", "-k", "DEMO-FSE-001", "--session", SESSION,
              "--cards", "inprocess", cwd=tmp_path)  # fmt: skip
    assert run.returncode == 0, run.stderr
    shutil.copy(tmp_path / SESSION, tmp_path / f"copie-{SESSION}")  # the reference: one file twice is refused
    diff = cli("diff", f"copie-{SESSION}", SESSION, "--html", "d.html", "--json", "d.json", cwd=tmp_path)
    assert diff.returncode == 0, diff.stderr
    for said in (diff.stdout, (tmp_path / "d.html").read_text(encoding="utf-8"), (tmp_path / "d.json").read_text()):
        assert HOLDER.holder_nir not in said and "‹NIR›.tbsession" in said
