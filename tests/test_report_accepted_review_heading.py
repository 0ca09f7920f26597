"""A review that keeps the recorded verdict (``review --accept``) reads as the reviewer's decision in the report, in
the case's heading and in the summary table, never as « en attente → en attente »; an override that changes the
verdict keeps its arrow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.signing import init_key


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A passed demo case accepted (a pending one cannot be, audit s22), its deliberately wrong case overridden to
    passed."""
    work = tmp_path_factory.mktemp("accepted-heading")
    session, key = work / "s.tbsession", work / "k.pem"
    run = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess"]
    assert main([*run, "--engine", "inprocess", "-k", "id:DEMO-FSE-001 or id:DEMO-FSE-099"]) != 3
    init_key(key)
    for case, action in (("DEMO-FSE-001", ["--accept"]), ("DEMO-FSE-099", ["--override", "réussi"])):
        assert main(["review", str(session), case, *action, "--reason", "relu", "--key", str(key)]) == 0
    return session, work


def page(reviewed: tuple[Path, Path], lang: str) -> str:
    session, work = reviewed
    folder = work / f"report-{lang}"
    assert main(["report", str(session), "-o", str(folder), "--lang", lang]) == 0
    return (folder / "index.html").read_text(encoding="utf-8")


def heading(html: str, case: str) -> str:
    found = re.search(rf'<section class="case"[^>]*data-case="{case}".*?<h2>(.*?)</h2>', html, re.S)
    assert found, case
    return re.sub(r"<[^>]+>", "", found[1])


def summary_row(html: str, case: str) -> str:
    found = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{case}(?:(?!</tr>).)*</tr>", html, re.S)
    assert found, case
    return re.sub(r"<[^>]+>", "", found[0])


@pytest.mark.parametrize(
    ("lang", "recorded", "accepted", "overridden"),
    [
        ("fr", "réussi", "— verdict accepté", "échec → réussi"),
        ("en", "passed", "— verdict accepted", "failed → passed"),
    ],
)
def test_an_accept_reads_as_the_decision_and_an_override_keeps_its_arrow(
    reviewed: tuple[Path, Path], lang: str, recorded: str, accepted: str, overridden: str
) -> None:
    html = page(reviewed, lang)
    for where in (heading(html, "DEMO-FSE-001"), summary_row(html, "DEMO-FSE-001")):
        assert f"{recorded} → {recorded}" not in where and "→" not in where, where
        assert recorded in where and accepted in where, where
    for where in (heading(html, "DEMO-FSE-099"), summary_row(html, "DEMO-FSE-099")):
        assert overridden in where and accepted not in where, where
