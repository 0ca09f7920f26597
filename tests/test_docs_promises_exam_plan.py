"""Promises of docs/exam-plan.md that no other test held, through the real CLI and a real session file.

- « Free texts of the plan (product, requirement titles, exclusion reasons) go through the report's redaction. »
  (the report's coverage page and ``report.json``'s ``coverage`` section; ``--no-redact`` shows them as written,
  which proves the texts do reach the book).
- « A comment decides nothing; a review whose signature does not verify changes nothing » — an override to pass
  (or an accept) signed, then its signature altered in the session file: the case is « à reprendre » again, and
  ``coverage`` exits 2 (« session altérée »), not 0.
- « `run --plan PLAN` … record it (its name and whole text) in the session, so `coverage` and `report` need no
  file afterwards. A later `--plan` replaces the recorded one », while `coverage --plan` / `report --plan` read
  another without recording it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.paths import CASEBOOKS_DIR

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))
NIR = "199990000000017"  # the doc's own example NIR (casebook-format.md), written in each free text of the plan
PLAN = f"""format = "testbench-plan/1"
ps-category = "demonstration"

[product]
name = "Logiciel du cabinet {NIR}"
version = "1.0"

[[casebooks]]
plan-id = "PDT-DEMO-001"

[[excluded]]
case = "DEMO-FSE-099"
reason = "exclu pour l'assuré {NIR}"

[[requirements]]
id = "RG_VF644"
title = "Base de remboursement du NIR {NIR}"
domain = "fse"
"""


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(cwd)}
    if "PCSCD_EXTERNAL" in os.environ:
        env["PCSCD_EXTERNAL"] = os.environ["PCSCD_EXTERNAL"]
    return subprocess.run(
        [PYTHON, "-m", "testbench", *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env
    )


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo case run with the plan above recorded in its session (``run --plan``)."""
    work = tmp_path_factory.mktemp("plan-redaction")
    (work / "plan.toml").write_text(PLAN, encoding="utf-8")
    ran = _cli(
        "run", str(CASEBOOKS_DIR / "demo.xml"), "--session", "s.tbsession", "--cards", "inprocess",
        "--engine", "inprocess", "--plan", "plan.toml",
        "--attestations", str(CASEBOOKS_DIR / "demo-attestations.json"), "-k", "id:DEMO-FSE-001",
        cwd=work,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    return work / "s.tbsession"


def _coverage_texts(folder: Path) -> tuple[str, list[str], list[str], str]:
    coverage = json.loads((folder / "report.json").read_text(encoding="utf-8"))["coverage"]
    reasons = [case["reason"] for case in coverage["out_of_scope"]]
    titles = [req["title"] for req in coverage["requirements"] if req["id"] == "RG_VF644"]
    return coverage["plan"]["product"], reasons, titles, (folder / "index.html").read_text(encoding="utf-8")


def test_the_plans_free_texts_are_redacted_in_the_book_and_report_json(session: Path) -> None:
    made = _cli("report", str(session), "-o", "book", cwd=session.parent)
    assert made.returncode == 0, made.stderr
    product, reasons, titles, page = _coverage_texts(session.parent / "book")
    assert product.startswith("Logiciel du cabinet ") and NIR not in product, product
    assert len(reasons) == 1 and reasons[0].startswith("exclu pour l'assuré ") and NIR not in reasons[0], reasons
    assert len(titles) == 1 and titles[0].startswith("Base de remboursement du NIR ") and NIR not in titles[0]
    assert NIR not in page and NIR not in (session.parent / "book" / "report.json").read_text(encoding="utf-8")


def test_without_redaction_the_same_texts_reach_the_book_as_written(session: Path) -> None:
    """The control: the three texts do reach the coverage section, so the test above can fail."""
    made = _cli("report", str(session), "-o", "raw", "--no-redact", cwd=session.parent)
    assert made.returncode == 0, made.stderr
    product, reasons, titles, page = _coverage_texts(session.parent / "raw")
    assert (product, reasons, titles) == (
        f"Logiciel du cabinet {NIR}",
        [f"exclu pour l'assuré {NIR}"],
        [f"Base de remboursement du NIR {NIR}"],
    )
    assert page.count(NIR) >= 3, page.count(NIR)


OPEN_PLAN = 'format = "testbench-plan/1"\nps-category = "demonstration"\n\n[[casebooks]]\nplan-id = "PDT-DEMO-001"\n'
FAILING = "DEMO-FSE-099"  # the demo's case built to fail; this plan does not exclude it


def _coverage(session: Path) -> tuple[int, dict]:
    said = _cli("coverage", str(session), "--format", "json", cwd=session.parent)
    return said.returncode, json.loads(said.stdout)


@pytest.mark.parametrize(("review", "status"), [(("--override", "pass"), "passed"), (("--accept",), "accepted")])
def test_a_review_whose_signature_does_not_verify_changes_nothing(
    tmp_path: Path, review: tuple[str, ...], status: str
) -> None:
    (tmp_path / "plan.toml").write_text(OPEN_PLAN, encoding="utf-8")
    ran = _cli(
        "run", str(CASEBOOKS_DIR / "demo.xml"), "--session", "s.tbsession", "--cards", "inprocess",
        "--engine", "inprocess", "--plan", "plan.toml",
        "--attestations", str(CASEBOOKS_DIR / "demo-attestations.json"),
        cwd=tmp_path,
    )  # fmt: skip
    assert ran.returncode == 1, ran.stderr  # DEMO-FSE-099 fails
    session = tmp_path / "s.tbsession"
    assert _cli("keys", "init", "--key", "k.pem", cwd=tmp_path).returncode == 0
    signed = _cli("review", str(session), FAILING, *review, "--reason", "écart vu", "--key", "k.pem", cwd=tmp_path)
    assert signed.returncode == 0, signed.stderr
    code, data = _coverage(session)  # the control: the valid review decides
    (case,) = [c for c in data["cases"] if c["case_id"] == FAILING]
    assert case["status"] == status and data["counts"]["open"] == 0, data["counts"]
    assert code == (0 if status == "passed" else 1)

    altered = tmp_path / "altered.tbsession"
    shutil.copyfile(session, altered)
    with sqlite3.connect(altered) as conn:  # the signature no longer verifies
        assert conn.execute("UPDATE annotations SET signature = 'AAAA' || substr(signature, 5)").rowcount == 1
    conn.close()
    code, data = _coverage(altered)
    (case,) = [c for c in data["cases"] if c["case_id"] == FAILING]
    assert (case["verdict"], case["status"]) == ("fail", "open"), case
    assert data["counts"] == {"passed": 21, "accepted": 0, "open": 1, "not-run": 0}
    assert code == 2 and not data["ready"] and not data["integrity"]["chain_ok"]


def _plan_named(product: str) -> str:
    return OPEN_PLAN.replace("\n\n[[casebooks]]", f'\n\n[product]\nname = "{product}"\n\n[[casebooks]]')


def test_the_plan_is_recorded_whole_and_a_later_plan_replaces_it(tmp_path: Path) -> None:
    bench = ("--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001")
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.toml").write_text(_plan_named(f"Produit {name.upper()}"), encoding="utf-8")
    session = tmp_path / "s.tbsession"
    demo = str(CASEBOOKS_DIR / "demo.xml")
    assert _cli("run", demo, "--session", "s.tbsession", "--plan", "a.toml", *bench, cwd=tmp_path).returncode == 0
    (tmp_path / "a.toml").unlink()  # recorded whole: the file is no longer needed
    _, data = _coverage(session)
    assert (data["plan"]["name"], data["plan"]["product"]) == ("a.toml", "Produit A")

    rerun = _cli("run", demo, "--session", "s.tbsession", "--rerun", "--plan", "b.toml", *bench, cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    _, data = _coverage(session)
    assert (data["plan"]["name"], data["plan"]["product"]) == ("b.toml", "Produit B")  # the later one replaced it

    other = _cli("coverage", "--plan", "c.toml", str(session), "--format", "json", cwd=tmp_path)
    assert json.loads(other.stdout)["plan"]["product"] == "Produit C"
    made = _cli("report", str(session), "-o", "book", "--plan", "c.toml", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    book = json.loads((tmp_path / "book" / "report.json").read_text(encoding="utf-8"))
    assert book["coverage"]["plan"]["product"] == "Produit C"
    _, data = _coverage(session)
    assert data["plan"]["product"] == "Produit B"  # read with another, not recorded
