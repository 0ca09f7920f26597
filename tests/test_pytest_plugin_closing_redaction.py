"""`pytest --casebook FILE --junitxml …` says whether its messages were redacted (as ``run --junit`` and the
report's JUnit: ``testbench.redaction``), and its closing section scrubs the campaign's notices of personal values
(a NIR, a patient's name the session read) unless ``--casebook-no-redact``."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from test_pytest_plugin_outcomes import INPROCESS, pytest_ci

#: the card of DEMO-FSE-001 (vitale2-adult-standard.xml): its NIR, spaced, and its holder's name
NIR = "1 80 01 99 999 001 68"
NAME = "ESSAI"


#: a notice of the campaign that names the card's holder, as a card guard's or a reader's may
NOTICE = f"lecteur mis de côté : carte de {NAME} (NIR {NIR}) retirée"
#: the run's conftest: the campaign tells that notice as it starts
CONFTEST = f"""
import testbench.runner.campaign as campaign

_original = campaign.Campaign.case_by_case


def _case_by_case(self, *args, **kwargs):
    if self.notify is not None:
        self.notify({NOTICE!r})
    return _original(self, *args, **kwargs)


campaign.Campaign.case_by_case = _case_by_case
"""


def run_one(tmp: Path, *args: str) -> tuple[str, dict[str, str]]:
    """DEMO-FSE-001 (it passes), its campaign telling :data:`NOTICE`; pytest's output and the JUnit's properties."""
    (tmp / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    done = pytest_ci(
        tmp, "--casebook", "casebooks/demo.xml", *INPROCESS, "-k", "DEMO-FSE-001", "--junitxml", "junit.xml", *args
    )
    assert done.returncode == 0, done.stdout + done.stderr
    suite = etree.parse(str(tmp / "junit.xml")).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    return done.stdout, properties


def closing(stdout: str) -> str:
    """The plugin's closing section of pytest's output."""
    assert " testbench " in stdout, stdout
    return stdout.split(" testbench ", 1)[1]


def test_the_junitxml_says_redaction_on_and_the_closing_notices_are_scrubbed(tmp_path: Path) -> None:
    stdout, properties = run_one(tmp_path)
    assert properties.get("testbench.redaction") == "true", properties
    section = closing(stdout)
    # the NIR by its shape, the holder's name as the session knows it (the case read the card)
    assert "lecteur mis de côté : carte de ‹NAME› (NIR ‹NIR›) retirée" in section, section
    assert NIR not in stdout and NAME not in section, section


@pytest.mark.parametrize("option", ["--casebook-no-redact"])
def test_no_redact_says_redaction_off_and_keeps_the_notices(tmp_path: Path, option: str) -> None:
    stdout, properties = run_one(tmp_path, option)
    assert properties.get("testbench.redaction") == "false", properties
    section = closing(stdout)
    assert NOTICE in section, section
