"""`pytest --casebook FILE`: a failing case's verdict and deviations, in pytest's output and its ``--junitxml``, are
redacted as ``run --junit``'s reasons (the session's known values: the card's NIR, its holder's name, what the
casebook expects at such paths), serial or under pytest-xdist (each worker's own shard); ``--casebook-no-redact``
keeps them, and says so once at the end."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_pytest_plugin_outcomes import INPROCESS, ROOT, pytest_ci

DEMO = ROOT / "casebooks" / "demo.xml"
#: each case's card (vitale2-adult-standard.xml, vitale2-ald.xml): its NIR and its beneficiary's name, observed
OBSERVED = ("180019999900168", "ESSAI", "165029999900836", "EXEMPLE")
#: what the casebook wrongly expects at those paths
EXPECTED = ("180019999900176", "DUPONT", "165029999900844", "DURAND")
SELECTION = ["-k", "DEMO-FSE-001 or DEMO-FSE-002"]


def personal_casebook(folder: Path) -> Path:
    """The demo casebook with DEMO-FSE-001 and DEMO-FSE-002 expecting another NIR and name than their cards': each
    fails with two deviations naming its patient — the second case's patient known only once it has run."""
    text = DEMO.read_text(encoding="utf-8")
    wrong = text
    for anchor, nir, name in (
        ('expected="56.00" comment="RG_VF644"/>', EXPECTED[0], EXPECTED[1]),
        ('expected="56.00" comment="taux 100 % ALD"/>', EXPECTED[2], EXPECTED[3]),
    ):
        assert wrong.count(anchor) == 1, anchor
        wrong = wrong.replace(
            anchor,
            f'{anchor}\n        <value id="e-nir" step="s-vitale" path="vitale.nir" type="string" expected="{nir}"/>'
            f'\n        <value id="e-name" step="s-vitale" path="vitale.beneficiaries[0].name" type="string"'
            f' expected="{name}"/>',
        )
    (folder / "cards").symlink_to(ROOT / "casebooks" / "cards")  # profiles are relative to the casebook
    target = folder / "personal.xml"
    target.write_text(wrong, encoding="utf-8")
    return target


def run_failing(tmp: Path, *args: str) -> tuple[str, str]:
    """pytest on the two failing cases with ``--junitxml``: its output and the JUnit file's text."""
    casebook = personal_casebook(tmp)
    done = pytest_ci(tmp, "--casebook", str(casebook), *INPROCESS, *SELECTION, "--junitxml", "junit.xml", *args)
    assert done.returncode == 1 and "2 failed" in done.stdout, done.stdout + done.stderr
    return done.stdout, (tmp / "junit.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_a_failing_cases_personal_data_is_redacted_in_the_output_and_the_junitxml(
    tmp_path: Path, workers: list[str]
) -> None:
    """Before: « DEMO-FSE-001: failed — e-nir: expected 180019999900176, observed 180019999900168 (different) » and
    the names, in pytest's summary, each case's section and ``--junitxml``'s message and text."""
    stdout, junit = run_failing(tmp_path, *workers)
    for value in (*OBSERVED, *EXPECTED):
        assert value not in stdout, (value, stdout)
        assert value not in junit, (value, junit)
    # the cases still say what failed, where
    assert "DEMO-FSE-001: failed — e-nir: expected" in stdout and "e-name: expected" in stdout, stdout
    assert "FAILED personal.xml::DEMO-FSE-002 - DEMO-FSE-002: failed — " in stdout, stdout
    assert "NOT redacted" not in stdout, stdout


def test_casebook_no_redact_keeps_the_values_and_says_so_once(tmp_path: Path) -> None:
    stdout, junit = run_failing(tmp_path, "--casebook-no-redact")
    for value in (*OBSERVED, *EXPECTED):
        assert value in stdout, (value, stdout)
        assert value in junit, (value, junit)
    assert stdout.count("WARNING: pytest's output and JUnit NOT redacted (--casebook-no-redact)") == 1, stdout
