"""The JUnit of a session merged over a modified input (``merge --allow-tampered``) is never a green suite: its own
chain is whole, so before only the HTML cover said « Fusion forcée » while the JUnit read tests=N errors=0
chain_ok=true (audit s26-ci, finding 2)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from lxml import etree
from shard_content import run_demo

from testbench.cli.main import main

PAIR = ("-k", "DEMO-FSE-001 or DEMO-FSE-002")


def _merged(tmp_path: Path, *, tampered: bool) -> Path:
    one, two = tmp_path / "1.tbsession", tmp_path / "2.tbsession"
    assert run_demo(one, "--shard", "1/2", *PAIR) == 0 and run_demo(two, "--shard", "2/2", *PAIR) == 0
    edited = tmp_path / "edited-shard.tbsession"
    shutil.copy(one, edited)
    if tampered:
        with sqlite3.connect(edited) as conn:
            conn.execute("UPDATE attempts SET reason = 'retouché'")
        conn.close()
    merged = tmp_path / "m.tbsession"
    assert main(["merge", str(edited), str(two), "-o", str(merged), *(["--allow-tampered"] * tampered)]) == 0
    return merged


def _suite(session: Path, out: Path, lang: str = "fr") -> etree._Element:
    main(["report", str(session), "-o", str(out), "--lang", lang])
    return etree.parse(str(out / "junit.xml")).getroot()


def test_a_forced_merge_is_an_integrity_error_and_a_property(tmp_path: Path) -> None:
    suite = _suite(_merged(tmp_path, tampered=True), tmp_path / "rep")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["testbench.session.forced_merge"] == "edited-shard.tbsession"
    [case] = [c for c in suite.iter("testcase") if c.get("name") == "fusion forcée"]
    error = case.find("error")
    assert error is not None and error.get("type") == "forced"
    assert error.get("message") == (
        "fusion forcée de sessions modifiées (edited-shard.tbsession) : leurs verdicts ne valent pas preuve"
    )
    assert int(suite.get("errors")) >= 1 and suite.get("tests") == "3"

    english = _suite(tmp_path / "m.tbsession", tmp_path / "en", "en")
    [case] = [c for c in english.iter("testcase") if c.get("name") == "forced merge"]
    assert case.find("error").get("message").startswith("forced merge of modified sessions (edited-shard.tbsession)")


def test_a_plain_merge_stays_green(tmp_path: Path) -> None:
    suite = _suite(_merged(tmp_path, tampered=False), tmp_path / "rep")
    assert suite.get("errors") == "0" and suite.get("tests") == "2"
    assert "testbench.session.forced_merge" not in {p.get("name") for p in suite.iter("property")}


def test_a_forced_merge_run_on_keeps_its_error_in_the_junit(tmp_path: Path) -> None:
    """docs/ci.md: a forced merge's chain verifies, so ``run --rerun`` may go on from it; the « fusion forcée »
    testcase stays in every JUnit the session gives afterwards (the run's own and the report's)."""
    merged = _merged(tmp_path, tampered=True)
    junit = tmp_path / "run.xml"
    assert run_demo(merged, *PAIR, "--rerun", "--junit", str(junit)) in (0, 1)
    for suite in (etree.parse(str(junit)).getroot(), _suite(merged, tmp_path / "after")):
        names = [c.get("name") for c in suite.iter("testcase")]
        assert "fusion forcée" in names, names
