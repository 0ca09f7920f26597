"""A Windows-born application under test, as the SUT audit's fake ERP was: its log and its FSE in the encodings
and at the paths it is given, one invoice per case, driven in assisted operator mode through a real campaign;
and a search of an export folder for a patient's data in every form it travels in.

Used by the audit's tests (file names holding a NIR, UTF-16 logs and files, folders with brackets).
"""

from __future__ import annotations

import base64
import codecs
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from test_privacy_exports import PDFDETACH, PDFTOTEXT, exported_texts, leaks, needles

from testbench.casebook.loader import load_casebook
from testbench.domain.attestation import Attestation
from testbench.runner.campaign import Campaign, CampaignResult
from testbench.runner.options import BenchOptions, CampaignOptions

REPO = Path(__file__).resolve().parents[1]

NIR = "299990000000042"
NAME = "PATIENTE EXAMEN DEMO"
BIRTH = "1970-09-09"
PATIENT = {"NIR": NIR, "nom": NAME, "date de naissance": BIRTH}

PROFILE = """
[product]
name = "GestPSAD"
version = "7.3.1"

[[logs]]
path = {log}
encoding = {log_encoding}
channel = "app"
format = "plain"

[outputs]
fse = {fse}

[[extractors]]
name = "FSE"
kind = "xpath"
applies_to = ["create_invoice"]
files = "fse"
[extractors.fields]
"string(/FSE/Totaux/@amo)" = "invoice.totals.amo"

[[extractors]]
name = "journal"
kind = "regex"
applies_to = ["create_invoice"]
channel = "app"
pattern = 'reste à charge (?P<patient>[\\d,]+) EUR'
fields = {{ patient = "invoice.totals.patient" }}
"""

CASEBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<casebook xmlns="urn:testbench:casebook:1" format-version="1">
  <identity>
    <plan-id>TB-AUDIT-SUT</plan-id><evolution>EV000</evolution><document-version>01.00</document-version>
    <effective-date>2026-01-01</effective-date><cdc-version>1.40</cdc-version><addendum>8</addendum>
    <ps-category>fournisseur-lpp</ps-category><title>audit of the application profile</title>
  </identity>
  <fixtures>
    <card id="cps-psad" profile="cards/cps3-psad-lpp.xml"/>
    <patient id="p">
      <right name="nir" value="{nir}"/><right name="name" value="{name}"/>
      <right name="birth-date" value="{birth}"/><right name="regime" value="01"/>
      <right name="rights-start" value="2024-01-01"/><right name="rights-end" value="2030-12-31"/>
    </patient>
  </fixtures>
  <cases>
    <case id="AUD-1" domain="fse" mode="degrade" tags="lpp">
      <title>AUD-1</title>
      <objective>assisted</objective>
      <cards><card slot="cps" ref="cps-psad"/></cards>
      <steps>
        <invoice id="s-invoice" patient="p" care-date="2026-01-12" tiers-payant="amo">
          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>
        </invoice>
      </steps>
      <expectations>
        <value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="33.60"/>
        <value id="e-patient" step="s-invoice" path="invoice.totals.patient" type="decimal" expected="22.40"/>
      </expectations>
    </case>
  </cases>
</casebook>
"""

#: the FSE the application writes: the amounts on the line that names its beneficiary (the value's excerpt)
FSE = (
    '<?xml version="1.0" encoding="{declared}"?>\r\n<FSE version="7.2">\r\n  <Facture numero="F0001"/>\r\n'
    '  <Totaux amo="{amo}" base="56.00" nir="{nir}" nom="{name}" naissance="09/09/1970"/>\r\n</FSE>\r\n'
)


@dataclass
class Application:
    """Where the application writes and in which encodings (``fse_encoding``: ``utf-16`` writes a byte order mark)."""

    root: Path
    log_encoding: str = "cp1252"  # what the application writes its log in
    profile_encoding: str = "cp1252"  # what its profile says
    fse_name: str = "FSE_F0001.xml"
    fse_encoding: str = "utf-8"
    amo: str = "33.60"
    log_lines: list[str] = field(default_factory=list)

    @property
    def log(self) -> Path:
        return self.root / "Journaux" / "gestpsad.log"

    @property
    def fse_folder(self) -> Path:
        return self.root / "Sorties" / "FSE"

    def install(self) -> Path:
        """The application's folders, its log as it stands when the bench starts (a line written before), and its
        profile; returns the profile's path."""
        self.log.parent.mkdir(parents=True)
        self.fse_folder.mkdir(parents=True)
        self.write_log("Démarrage de GestPSAD 7.3.1 — poste ACCUEIL-01", first=True)
        profile = self.root.parent / f"{self.root.name}.toml"
        profile.write_text(
            PROFILE.format(
                log=_toml(str(self.log)),
                log_encoding=_toml(self.profile_encoding),
                fse=_toml(str(self.fse_folder)),
            ),
            encoding="utf-8",
        )
        return profile

    def write_log(self, text: str, *, first: bool = False) -> None:
        encoding = self.log_encoding
        data = (text + "\r\n").encode("utf-16-le" if encoding == "utf-16" else encoding)
        if first and encoding == "utf-16":
            data = codecs.BOM_UTF16_LE + data  # as Windows' own writers start a UTF-16 file
        with self.log.open("ab") as log:
            log.write(data)

    def perform(self, case: Any, step: Any) -> Attestation | None:
        if step.params.get("engine_call") == "create_invoice":
            declared = "UTF-16" if self.fse_encoding.startswith("utf-16") else self.fse_encoding.upper()
            fse = FSE.format(declared=declared, amo=self.amo, nir=NIR, name=NAME)
            (self.fse_folder / self.fse_name).write_bytes(fse.encode(self.fse_encoding))
            for line in self.log_lines or [
                f"Facture F0001 créée pour {NAME} (NIR {NIR}, né le 09/09/1970) : reste à charge 22,40 EUR",
                f"FSE écrite : {self.fse_folder / self.fse_name}",
            ]:
                self.write_log(line)
        return Attestation(True, "Camille")

    def notify(self, message: str) -> None:
        return None


def _toml(text: str) -> str:
    return "'" + text + "'"


def run_exam(tmp: Path, app: Application, name: str = "s") -> tuple[Path, CampaignResult]:
    """The audit's case in assisted operator mode on ``app``, through a real campaign: the session's path."""
    profile = app.install()
    (tmp / "cards").mkdir(exist_ok=True)
    shutil.copy(REPO / "casebooks" / "cards" / "cps3-psad-lpp.xml", tmp / "cards")
    book = tmp / "audit.xml"
    book.write_text(CASEBOOK.format(nir=NIR, name=NAME, birth=BIRTH), encoding="utf-8")
    casebook = load_casebook(book)
    session = tmp / f"{name}.tbsession"
    options = CampaignOptions(
        BenchOptions(cards="inprocess", engine="operator", engine_timeout=2.0, sut_profile=profile)
    )
    result = Campaign([casebook], session, options, operator=app).run_selection(
        [(casebook, case) for case in casebook.cases]
    )
    return session, result


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command line, in French."""
    return subprocess.run(
        [sys.executable, "-m", "testbench", *map(str, args)],
        cwd=cwd,
        env={**os.environ, "TESTBENCH_LANG": "fr"},
        capture_output=True,
        text=True,
        timeout=600,
    )


def _raw_forms(value: str) -> list[bytes]:
    """The value as UTF-16 bytes, either order (a UTF-16 file copied as it is)."""
    return [value.encode("utf-16-le"), value.encode("utf-16-be")]


def _text_forms(value: str) -> list[str]:
    """The value with a NUL after each character (UTF-16 read in another encoding), raw or as JSON writes it;
    and its UTF-16 bytes in hexadecimal and base64."""
    out = ["\x00".join(value), "\\u0000".join(value)]
    for data in _raw_forms(value):
        out += [data.hex(), data.hex().upper(), data.hex(" "), data.hex(" ").upper()]
        out.append(base64.b64encode(data).decode().rstrip("="))
    return out


def patient_leaks(folders: list[Path]) -> list[str]:
    """Where the patient's NIR, name or birth date is found in the files of ``folders``: in text, hexadecimal and
    base64 (the privacy test's needles), in UTF-16 bytes, with a NUL between its characters (the PDF read as text)."""
    assert PDFTOTEXT and PDFDETACH, (
        "pdftotext and pdfdetach (poppler-utils) read the PDF: scripts/setup.sh installs them"
    )
    texts = list(exported_texts(folders))
    found = leaks(texts, [(what, needles(what, value)) for what, value in PATIENT.items()])
    values = [*PATIENT.items(), ("date de naissance", "09/09/1970")]  # as the application writes it
    for what, value in values:
        found += [
            f"{what} ({form!r}) dans {name}" for name, text in texts for form in _text_forms(value) if form in text
        ]
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            found += [
                f"{what} en UTF-16 dans {path}" for what, value in values for raw in _raw_forms(value) if raw in data
            ]
    return found
