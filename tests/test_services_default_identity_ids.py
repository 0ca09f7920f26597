"""The default ApCV identity (an ``<apcv>`` step without ``patient``) is a known name of the session, masked
wherever it appears; its first name was « APCV », so every « APCV » of the report became ‹NOM›: case ids
(« TLS-‹NOM›-001 »), evidence file names, the command line and every context id (« ‹NOM›-000002 »). Its
first name is now a first name that is no word of testbench's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CASEBOOK = REPO / "tests" / "data" / "services" / "teleservices.xml"
DEFAULT_CASE = """
    <case id="APCV-DEFAUT" domain="apcv" mode="securise">
      <title>ApCV sans patient : l'identité par défaut</title>
      <objective>Le téléphone présente l'identité par défaut du registre.</objective>
      <cards><card slot="cps" ref="cps-psad"/></cards>
      <steps>
        <apcv id="s-apcv" care-date="2026-01-12" scenario="contexte-valide" channel="qr"/>
      </steps>
      <expectations>
        <value id="e-status" step="s-apcv" path="apcv.status" type="string" expected="valid"/>
      </expectations>
    </case>
"""


def test_the_default_identity_names_no_word_of_the_tool() -> None:
    with (REPO / "testbench" / "domain" / "teleservices.toml").open("rb") as handle:
        identity = tomllib.load(handle)["default-identity"]
    assert identity["first_name"].casefold() not in {"apcv", "adri", "insi", "fse", "cps", "vitale", "tls"}


def test_case_ids_and_context_ids_stay_intact_in_the_report(tmp_path: Path) -> None:
    xml = CASEBOOK.read_text(encoding="utf-8").replace("  </cases>", DEFAULT_CASE + "  </cases>")
    book = tmp_path / "teleservices.xml"
    book.write_text(xml, encoding="utf-8")
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "cards")
    report = tmp_path / "rep"
    argv = [sys.executable, "-m", "testbench", "run", str(book), "--cards", "inprocess", "--engine", "inprocess"]
    argv += ["-k", "APCV-VALIDE or APCV-DEFAUT", "--session", str(tmp_path / "s.tbsession"), "--report", str(report)]
    done = subprocess.run(
        argv, capture_output=True, text=True, env={**os.environ, "HOME": str(tmp_path)}, cwd=tmp_path, timeout=180
    )
    assert "APCV-DEFAUT : réussi" in done.stderr + done.stdout, done.stderr
    for name in ("index.html", "report.json"):
        text = (report / name).read_text(encoding="utf-8")
        assert "‹NOM›-" not in text and "-‹NOM›" not in text, name
        assert "APCV-VALIDE" in text and "APCV-DEFAUT" in text, name
        assert "APCV-0000" in text, name  # the context ids the simulator gave
        assert "CAMILLE" not in text and "299990000000042" not in text, name  # the identity itself stays masked
