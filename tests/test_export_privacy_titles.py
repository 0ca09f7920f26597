"""A casebook's own title reaches the exam book redacted, and the run's CI log hides a value by its path.

The casebook's ``<identity><title>`` went to the cover of the book (HTML, PDF, ``report.json``) as written, while
its cases' titles were redacted. The per-case line ``run`` prints without a terminal (a CI log, kept and shared)
showed a name read from the Vitale card, or keyed by the operator, whenever the session's known values were needed
to find it: the values of a deviation at a personal path (``…name``, ``…birth_date``, ``…nir``) are hidden whole,
as the JUnit of the same run hides them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from testbench.cards.profile import load_profile
from testbench.cli.progress import Progress
from testbench.i18n import use_language

REPO = Path(__file__).resolve().parents[1]
HOLDER = load_profile(REPO / "casebooks" / "cards" / "vitale2-adult-standard.xml")
NIR = HOLDER.holder_nir
NAME = HOLDER.beneficiaries[0].name
PRINTED_NIR = f"{NIR[0]} {NIR[1:3]} {NIR[3:5]} {NIR[5:7]} {NIR[7:10]} {NIR[10:13]} {NIR[13:]}"
OTHER_NAME = "QUENTIN-BARRAULT Ysolde"  # what the casebook expects of the card: another name


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "testbench", *map(str, args)],
        cwd=cwd,
        env={**os.environ, "TESTBENCH_LANG": "fr", "HOME": str(cwd)},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo casebook titled after its card's holder, its first case expecting another holder's name, run once
    without a terminal (its log kept) with its report and JUnit."""
    root = tmp_path_factory.mktemp("casebook-title")
    text = (REPO / "casebooks" / "demo.xml").read_text(encoding="utf-8")
    text = text.replace("<title>Démonstration", f"<title>Cahier de {NAME} NIR {PRINTED_NIR} : démonstration", 1)
    start = text.index('<case id="DEMO-FSE-001"')
    end = text.index("</expectations>", start)
    expected = f'<value id="e-vname" step="s-vitale" path="vitale.beneficiaries[0].name" expected="{OTHER_NAME}"/>'
    (root / "demo.xml").write_text(text[:end] + expected + text[end:], encoding="utf-8")
    (root / "cards").symlink_to(REPO / "casebooks" / "cards")
    run = cli("run", "demo.xml", "-k", "DEMO-FSE-001", "--session", "a.tbsession", "--cards", "inprocess",
              "--report", "rep", "--junit", "a.xml", cwd=root)  # fmt: skip
    assert run.returncode == 1, run.stderr  # the other name fails the case
    root.joinpath("run.log").write_text(run.stdout + run.stderr, encoding="utf-8")
    return root


def _leaks(text: str) -> list[str]:
    return [v for v in (NIR, PRINTED_NIR, NAME, OTHER_NAME) if v in text]


def test_the_casebook_title_reaches_the_cover_redacted(work: Path) -> None:
    for name in ("rep/index.html", "rep/report.json"):
        assert _leaks((work / name).read_text(encoding="utf-8")) == [], name
    title = json.loads((work / "rep/report.json").read_text())["cover"]["casebooks"][0]["title"]
    assert title.startswith("Cahier de ‹NOM› NIR ‹NIR› : démonstration du format testbench (pas un document CNDA)")


def test_a_name_read_from_the_card_is_hidden_in_the_ci_log_as_in_the_junit(work: Path) -> None:
    log = (work / "run.log").read_text(encoding="utf-8")
    assert "DEMO-FSE-001 : échec — e-vname : attendu ‹NOM›, observé ‹NOM› (différent) (autre nom)" in log
    assert _leaks(log) == []
    assert "e-vname : attendu ‹NOM›, observé ‹NOM› (différent) (autre nom)" in (work / "a.xml").read_text()


def _case(path: str) -> SimpleNamespace:
    return SimpleNamespace(expectations=(SimpleNamespace(id="e1", path=path),))


@pytest.mark.parametrize(
    ("lang", "path", "recorded", "said"),
    [
        (
            "fr",
            "manual.patient_name",
            "e1 : attendu LEFEBVRE Elise, observé LEFEVRE Eloise (différent) (et 4 autres écarts)",
            "e1 : attendu ‹NOM›, observé ‹NOM› (différent) (2 caractères d'écart) (et 4 autres écarts)",
        ),
        (
            "en",
            "vitale.beneficiaries[0].name",
            "e1 : attendu LEFEBVRE Elise, observé Zoé (différent)",
            "e1: expected ‹NAME›, observed ‹NAME› (different) (another name)",
        ),
        (
            "fr",
            "patient.birth_date",
            "e1 : valeur observée « 12 mai » : ce n'est pas une date AAAA-MM-JJ",
            "e1 : valeur observée « ‹DATE_NAISSANCE› » : ce n'est pas une date AAAA-MM-JJ",
        ),
        (  # a value no path says is personal stays as it is
            "fr",
            "invoice.totals.amo",
            "e1 : attendu 163,00 €, observé 163,80 € (différent)",
            "e1 : attendu 163,00 €, observé 163,80 € (différent)",
        ),
    ],
)
def test_the_ci_line_hides_a_deviation_by_its_path(lang: str, path: str, recorded: str, said: str) -> None:
    with use_language(lang):
        assert Progress()._reason(recorded, _case(path)) == said  # type: ignore[arg-type]
