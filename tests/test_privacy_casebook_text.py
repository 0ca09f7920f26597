"""What a person wrote reaches exports redacted too: the casebook's own text and a reviewer's reason.

A casebook's title, objective, comment or manual instruction may name the test patient or give their NIR
as its author wrote it (the bundled ``psad-cartes.xml`` comments say « NIR 1150… lu »), and so may a
review's reason. The report (HTML, JSON), the diff of two sessions and the run's progress lines in a CI
log pass them through the same redaction as the trace lines. Also the rules this found wanting: a JSON
``birth_name`` label, a JSON ``null`` that is no name, and a step named ``s-pin`` that is no PIN code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cards.profile import load_profile
from testbench.signing import init_key
from testbench.traces.redact import Redactor

#: one xdist worker runs this module, so that its module fixture (the campaign and its report) is built once
pytestmark = pytest.mark.xdist_group("privacy_casebook_text")

REPO = Path(__file__).resolve().parents[1]
HOLDER = load_profile(REPO / "casebooks" / "cards" / "vitale2-adult-standard.xml")
NIR = HOLDER.holder_nir
NAME = HOLDER.beneficiaries[0].name
PRINTED_NIR = f"{NIR[0]} {NIR[1:3]} {NIR[3:5]} {NIR[5:7]} {NIR[7:10]} {NIR[10:13]} {NIR[13:]}"


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "testbench", *map(str, args)],
        cwd=cwd,
        env={**os.environ, "TESTBENCH_LANG": "fr"},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo casebook whose first case's texts name its card holder, run once (a wrong NIR expected)."""
    root = tmp_path_factory.mktemp("casebook-text")
    text = (REPO / "casebooks" / "demo.xml").read_text(encoding="utf-8")
    start = text.index('<case id="DEMO-FSE-001"')
    case = text[start : text.index("</case>", start)]
    personal = f"Assuré {NAME} (NIR {PRINTED_NIR})"
    edited = (
        case.replace("<title>Lit médical", f"<title>{personal} : lit médical", 1)
        .replace("<objective>", f"<objective>{personal}. ", 1)
        .replace("<comment>", f"<comment>NIR {NIR} lu. ", 1)
        .replace(
            "</expectations>",
            f'<value id="e-nir" step="s-vitale" path="vitale.nir" type="string"'
            f' expected="{NIR[:-2]}{(int(NIR[-2:]) + 1) % 100:02d}"/></expectations>',
            1,
        )
    )
    (root / "demo.xml").write_text(text[:start] + edited + text[start + len(case) :], encoding="utf-8")
    (root / "cards").symlink_to(REPO / "casebooks" / "cards")
    run = cli("run", "demo.xml", "-k", "DEMO-FSE-001", "--session", "a.tbsession", "--cards", "inprocess",
              "--report", "rep", cwd=root)  # fmt: skip
    assert run.returncode == 1, run.stderr  # the wrong NIR fails the case: its reason names two NIRs
    root.joinpath("run.log").write_text(run.stdout + run.stderr, encoding="utf-8")
    init_key(root / "keys" / "signer.pem")
    review = cli("review", "a.tbsession", "DEMO-FSE-001", "--override", "pass", "--key", root / "keys" / "signer.pem",
                 "--reason", f"NIR {NIR} de {NAME} vérifié sur la carte", cwd=root)  # fmt: skip
    assert review.returncode == 0, review.stderr
    assert cli("report", "a.tbsession", "-o", "rep2", cwd=root).returncode in (0, 1)
    assert cli("run", "demo.xml", "-k", "DEMO-FSE-001", "--session", "b.tbsession", "--cards", "inprocess",
               cwd=root).returncode == 1  # fmt: skip
    diff = cli("diff", "a.tbsession", "b.tbsession", "--html", "diff.html", "--json", "diff.json", cwd=root)
    root.joinpath("diff.txt").write_text(diff.stdout + diff.stderr, encoding="utf-8")
    return root


def _leaks(text: str) -> list[str]:
    return [v for v in (NIR, PRINTED_NIR, NAME) if v in text]


def test_the_casebook_text_reaches_the_report_redacted(work: Path) -> None:
    for name in ("rep/index.html", "rep/report.json", "rep2/index.html", "rep2/report.json"):
        assert _leaks((work / name).read_text(encoding="utf-8")) == [], name
    cases = json.loads((work / "rep/report.json").read_text())["cases"]
    case = next(c for c in cases if c["key"]["case_id"] == "DEMO-FSE-001")
    assert "‹NIR›" in case["title"] and "‹NIR›" in case["objective"] and "‹NIR›" in case["comment"]
    assert "lit médical" in case["title"]  # the rest of the text stays readable


def test_a_reviewers_reason_reaches_the_report_redacted(work: Path) -> None:
    report = json.loads((work / "rep2/report.json").read_text())
    case = next(c for c in report["cases"] if c["key"]["case_id"] == "DEMO-FSE-001")
    assert case["annotations"] and "‹NIR›" in case["annotations"][0]["reason"]


def test_the_diff_names_no_patient(work: Path) -> None:
    for name in ("diff.txt", "diff.html", "diff.json"):
        assert _leaks((work / name).read_text(encoding="utf-8")) == [], name


def test_the_progress_lines_of_a_ci_log_are_redacted(work: Path) -> None:
    log = (work / "run.log").read_text(encoding="utf-8")
    assert "DEMO-FSE-001 : échec — e-nir : attendu ‹NIR›, observé ‹NIR›" in log
    assert _leaks(log) == []


@pytest.mark.parametrize(
    ("line", "redacted"),
    [
        ('{"traits":{"birth_name":"PATIENTE ASPA","sex":"F"}}', '{"traits":{"birth_name":"‹NOM›","sex":"F"}}'),
        ('{"first_name":null,"usual_name":"X"}', '{"first_name":null,"usual_name":"‹NOM›"}'),
        ("étape s-pin : verify-pin", "étape s-pin : verify-pin"),
        ("pin : 1234", "pin : ‹PIN›"),
    ],
)
def test_rules(line: str, redacted: str) -> None:
    assert Redactor().redact(line) == redacted
