"""``testbench diff`` between a session and the same session after a review: the review that overrode a failure is
said, in the text, the HTML and the JSON, never « identique ».

A reviewer compares the session an exam book was built from with the one the editor sends back: a verdict
overridden since (« échec → réussi ») changes what the book would say, yet the recorded verdicts are the same.
Real sessions of the demo casebook (in-process cards and engine), reviewed through the CLI with a real key.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.signing import init_key


@pytest.fixture
def reviewed(demo_session: Path, tmp_path: Path) -> tuple[Path, Path]:
    """(the demo session as run, a copy where DEMO-FSE-099's failure was overridden and another case commented)."""
    before = tmp_path / "a" / "s.tbsession"
    after = tmp_path / "b" / "s.tbsession"
    for path in (before, after):
        path.parent.mkdir()
        shutil.copy(demo_session, path)
    key = tmp_path / "keys" / "reviewer.pem"
    init_key(key)
    review = ["review", str(after), "--reviewer", "Examinateur", "--key", str(key)]
    assert main([*review, "DEMO-FSE-099", "--override", "pass", "--reason", "arrondi accepté"]) == 0
    assert main([*review, "DEMO-FSE-001", "--comment", "--reason", "vu"]) == 0
    return before, after


def test_an_override_since_is_said_in_the_text(reviewed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    before, after = reviewed
    capsys.readouterr()
    assert main(["diff", str(before), str(after)]) == 0  # compared as recorded: no regression
    out = capsys.readouterr().out
    assert "bilan : verdict retenu changé par une revue 1, identique 21" in out
    block = out[out.index("[verdict retenu changé par une revue] PDT-DEMO-001 DEMO-FSE-099") :]
    assert block.splitlines()[1] == "  verdict retenu : échec → réussi"
    assert "DEMO-FSE-001 —" not in out  # a comment retains nothing new
    assert main(["diff", str(after), str(before), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "summary: retained verdict changed by a review 1, same 21" in out
    assert "  retained verdict: passed → failed" in out


def test_an_override_since_is_said_in_the_html_and_the_json(reviewed: tuple[Path, Path], tmp_path: Path) -> None:
    before, after = reviewed
    html, data = tmp_path / "d.html", tmp_path / "d.json"
    assert main(["diff", str(before), str(after), "--html", str(html), "--json", str(data)]) == 0
    page = html.read_text(encoding="utf-8")
    assert '<tr class="k-reviewed"><td>verdict retenu changé par une revue</td>' in page
    assert "échec → échec<br><small>verdict retenu : échec → réussi</small>" in page
    (case,) = [c for c in json.loads(data.read_text(encoding="utf-8"))["cases"] if c["case_id"] == "DEMO-FSE-099"]
    assert (case["kind"], case["before"], case["after"]) == ("reviewed", "fail", "fail")
    assert (case["retained_before"], case["retained_after"]) == ("fail", "pass")
