"""Two long values the cut shows alike still say where they differ (docs/reports.md, the cut of a value past 4 096
characters).

A value past ``VALUE_CHARS`` characters is shown cut (its first 4 096, then the cut said). Two 5 001-character
invoice numbers differing in their last character were shown as one value — ``testbench diff`` said « X…X → X…X »,
the report « attendu X…X, observé X…X » —, a difference said with nothing to show it. Each now says from which
character they differ, a position and no character of either value.

Real parts: an outside engine process (the reference engine behind the protocol server, its invoice numbers made
long), a casebook on disk expecting one of them, sessions on disk, the CLI.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.report.personal import VALUE_CHARS, Scrubber, cut_difference

ROOT = Path(__file__).resolve().parents[1]
CASE = "TB-LPP-001"
LONG = "X" * 5000
ENGINE = r"""
import os, sys
sys.path.insert(0, os.environ["TB_ROOT"])
from testbench.engines.protocol.server import Server


class LongIds(Server):
    def dispatch(self, method, params):
        value = super().dispatch(method, params)
        if method == "create_invoice" and isinstance(value, dict):
            value = dict(value, number="X" * 5000 + os.environ["TB_LAST"])
        return value


stdout = sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(LongIds(sys.stdin.buffer, stdout).serve())
"""


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A session whose engine's invoice number ends in A (what the casebook expects), and one whose number ends in B."""
    folder = tmp_path_factory.mktemp("cut")
    engine = folder / "long_ids.py"
    engine.write_text(ENGINE, encoding="utf-8")
    shutil.copytree(ROOT / "casebooks" / "cards", folder / "cards")  # the card profiles the casebook names
    book = folder / "billing.xml"
    expectation = '<value id="e-patient" step="s-invoice" path="invoice.totals.patient" type="decimal" '
    expectation += 'expected="22.40"/>'
    text = (ROOT / "casebooks" / "billing.xml").read_text(encoding="utf-8")
    assert text.count(expectation) >= 1
    long_id = f'<value id="e-id" step="s-invoice" path="invoice.number" type="string" expected="{LONG}A"/>'
    book.write_text(text.replace(expectation, expectation + long_id, 1), encoding="utf-8")
    out = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(folder))
        patch.delenv("XDG_DATA_HOME", raising=False)
        patch.setenv("TB_ROOT", str(ROOT))
        for last in "AB":
            patch.setenv("TB_LAST", last)
            session = folder / f"{last}.tbsession"
            argv = ["run", "--session", str(session), "--engine", f"{sys.executable} {engine}", "--engine-timeout",
                    "20", "--cards", "inprocess", "-k", f"id:{CASE}", str(book)]  # fmt: skip
            assert main(argv) == (0 if last == "A" else 1)
            out.append(session)
    return out[0], out[1]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "valeurs différentes après la coupure : à partir du caractère 5\u00a0001"),
        ("en", "values differ after the cut: from character 5,001"),
    ],
)
def test_the_diff_says_where_two_values_cut_alike_differ(
    sessions: tuple[Path, Path], capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    capsys.readouterr()
    main(["diff", "--lang", lang, str(sessions[0]), str(sessions[1])])
    text = capsys.readouterr().out
    assert said in text, text[-2000:]
    assert "XXXXX" in text and "XA" not in text and "XB" not in text  # the values cut, as before


def test_the_diff_json_says_it_too(
    sessions: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["diff", "--json", str(tmp_path / "d.json"), str(sessions[0]), str(sessions[1])])
    capsys.readouterr()
    found = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    (value,) = [v for c in found["cases"] for v in c["values"] if v["path"] == "invoice.number"]
    assert value["redacted_difference"] == "valeurs différentes après la coupure : à partir du caractère 5\u00a0001"


def test_the_report_says_where_the_expected_and_observed_values_differ(
    sessions: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(sessions[1]), "-o", str(tmp_path / "r")]) == 0
    capsys.readouterr()
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    (case,) = [c for c in report["cases"] if c["key"]["case_id"] == CASE]
    text = json.dumps(case, ensure_ascii=False)
    assert "valeurs différentes après la coupure : à partir du caractère 5\u00a0001" in text


def test_values_the_cut_shows_apart_get_no_note() -> None:
    assert cut_difference("a" * 5000, "b" * 5000, "fr") == ""  # they differ in what is shown
    assert cut_difference("a" * VALUE_CHARS, "a" * VALUE_CHARS + "b", "fr") != ""  # one cut, the other whole
    assert cut_difference("a" * 10, "b" * 10, "fr") == ""
    assert cut_difference("a" * 5000, "a" * 5000, "fr") == ""
    comparison = {"outcome": "fail", "path": "x", "expected": "a" * 5000 + "1", "observed": "a" * 5000 + "2"}
    assert Scrubber(False).difference(comparison) != ""  # --no-redact cuts too
