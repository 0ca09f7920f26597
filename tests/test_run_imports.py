"""The ``run`` path imports only what it uses (issue 16 §1): a heavy module that comes back fails here.

One real ``testbench run`` (one case: a virtual Vitale card read, one LPP invoice priced, in-process
reader and engine, no ``--report``) in its own interpreter, which lists ``sys.modules`` and the files it
opened when the command is done. Measured with ``python -X importtime -m testbench run …``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from testbench.paths import CARD_PROFILES_DIR

CASEBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<casebook xmlns="urn:testbench:casebook:1" format-version="1">
  <identity>
    <plan-id>RUN-IMPORTS</plan-id><evolution>EV000</evolution><document-version>01.00</document-version>
    <effective-date>2026-01-01</effective-date><cdc-version>1.40</cdc-version><addendum>8</addendum>
    <ps-category>fournisseur-lpp</ps-category><title>Ce que la commande run importe</title>
  </identity>
  <fixtures>
    <card id="vitale" profile="vitale.xml"/>
    <patient id="p" card="vitale" rank="1"/>
  </fixtures>
  <cases>
    <case id="IMP-1" domain="fse" mode="securise" tags="lpp">
      <title>Un cas</title>
      <objective>Lire la carte Vitale et facturer une ligne LPP.</objective>
      <cards><card slot="vitale" ref="vitale"/></cards>
      <steps>
        <read-vitale id="s-vitale" beneficiary="1"/>
        <invoice id="s-invoice" patient="p" care-date="2026-01-12" tiers-payant="amo">
          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>
        </invoice>
      </steps>
      <expectations>
        <value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="33.60"/>
      </expectations>
    </case>
  </cases>
</casebook>
"""

#: Runs the command line in this interpreter, then writes what it imported and opened.
PROBE = """
import dataclasses, json, re, sys
opened = []
sys.addaudithook(lambda event, args: opened.append(args[0]) if event == "open" and isinstance(args[0], str) else None)
compiled = []
_compile = re.compile
def _recording(pattern, flags=0):
    compiled.append([sys._getframe(1).f_globals.get("__name__", ""), len(pattern)])
    return _compile(pattern, flags)
re.compile = _recording
from testbench.cli.main import main
code = main(sys.argv[2:])
undocumented = sorted(
    f"{name}.{cls.__name__}"
    for name, module in list(sys.modules.items())
    if name.startswith("testbench")
    for cls in vars(module).values()
    if isinstance(cls, type) and cls.__module__ == name and dataclasses.is_dataclass(cls)
    and (cls.__doc__ or "").startswith(cls.__name__ + "(")
)
with open(sys.argv[1], "w", encoding="utf-8") as out:
    probe = {"code": code, "modules": sorted(sys.modules), "opened": opened, "undocumented": undocumented}
    json.dump({**probe, "compiled": compiled}, out)
"""

#: Never on the run path: module → what it is for.
UNUSED = {
    "jinja2": "the HTML report (only with --report)",
    "testbench.report": "the reports (only with --report or --junit)",
    "testbench.tui": "the workstation",
    "textual": "the workstation",
    "xmlschema": "nothing (the casebook's XSD is lxml's)",
    "sqlite_utils": "nothing (a session file is plain sqlite3)",
    "smartcard": "the PC/SC readers (not with --cards inprocess)",
    "testbench.cards.pcsc": "the PC/SC readers (not with --cards inprocess)",
    "testbench.cards.bay": "the PC/SC readers (not with --cards inprocess)",
    "testbench.cards.vpcd": "the virtual readers behind pcscd (not with --cards inprocess)",
    "testbench.cards.emulator_control": "the virtual readers behind pcscd (not with --cards inprocess)",
    "cryptography": "signing a report",
    "jsonschema": "the engine protocol's checks (not with --engine inprocess)",
    "fastjsonschema": "the engine protocol's checks (not with --engine inprocess)",
    "openpyxl": "the office import/export",
    "docx": "the office import",
    "odf": "the office import/export",
    "watchfiles": "validate --watch",
    "aiohttp": "the téléservice simulators' process",
    "http.client": "a téléservice step (the engine's client, the simulators' controller)",
    "email": "http.client, for a téléservice step",
    "ssl": "http.client, for a téléservice step",
    "platformdirs": "the demo's default folder",
    "difflib": "a hint in a casebook error",
    "testbench.cli.report_cmd": "another sub-command",
    "testbench.cli.ui_cmd": "another sub-command",
    "testbench.cli.demo_cmd": "another sub-command",
    "testbench.demoapp": "the demo's application",
    "testbench.services.scenarios": "the téléservice simulators' answers (a step only names a service)",
    "tomllib": "a casebook naming a téléservice scenario, a SUT profile, an exam plan",
    "testbench.engines.reference.b2": "a build-lot step",
    "testbench.engines.reference.noemie": "a read-returns step",
}


@pytest.fixture(scope="module")
def run_probe(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("run-imports")
    (folder / "cases.xml").write_text(CASEBOOK, encoding="utf-8")
    shutil.copyfile(CARD_PROFILES_DIR / "vitale2-adult-standard.xml", folder / "vitale.xml")
    out = folder / "probe.json"
    argv = ["run", "cases.xml", "--session", "s.tbsession", "--cards", "inprocess", "--engine", "inprocess"]
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *argv],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TESTBENCH_LANG": "fr"},
    )
    assert proc.returncode == 0, proc.stderr
    probe = json.loads(out.read_text(encoding="utf-8"))
    assert probe["code"] == 0, proc.stderr  # the case ran and passed: the imports are those of a real run
    return probe


def imported(probe: dict[str, Any], name: str) -> list[str]:
    return [m for m in probe["modules"] if m == name or m.startswith(name + ".")]


@pytest.mark.parametrize("name", sorted(UNUSED))
def test_run_does_not_import(run_probe: dict[str, Any], name: str) -> None:
    assert imported(run_probe, name) == [], f"{name} is for {UNUSED[name]}"


def test_run_imports_its_own_parts(run_probe: dict[str, Any]) -> None:
    """The probe sees real imports: the modules the run does use are listed."""
    for name in ("testbench.cli.run_cmd", "testbench.casebook.loader", "testbench.runner.campaign", "lxml.etree"):
        assert name in run_probe["modules"]


def test_a_french_run_never_reads_the_english_catalogue(run_probe: dict[str, Any]) -> None:
    catalogues = [Path(p) for p in run_probe["opened"] if p.endswith(".mo")]
    assert catalogues, "the probe sees the files opened (argparse's French words are read)"
    assert not [p for p in catalogues if p.parent.parent.name == "en" and p.name == "testbench.mo"]


#: The store documents its own dataclasses (one owner per module).
_OWN_DOCS_ELSEWHERE = ("testbench.store.",)


def test_run_path_dataclasses_carry_their_docstring(run_probe: dict[str, Any]) -> None:
    """A dataclass without a docstring gets one computed at import (``inspect.signature``, Python 3.11): about
    0.3 ms a class, a third of what the run's ~90 dataclasses cost to create. Written once, it is read free."""
    missing = [name for name in run_probe["undocumented"] if not name.startswith(_OWN_DOCS_ELSEWHERE)]
    assert missing == []


def test_run_path_compiles_no_large_regular_expression(run_probe: dict[str, Any]) -> None:
    """Compiling costs with the pattern's length: one alternation of every observation path (2,139
    characters) took 7 ms of every run. The run path's own patterns stay small."""
    large = [(module, size) for module, size in run_probe["compiled"] if size > 500]
    assert [(module, size) for module, size in large if module.startswith("testbench")] == []
