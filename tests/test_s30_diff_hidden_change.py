"""``testbench diff`` of a personal value the redaction hides whole: « ‹NIR› → ‹NIR› » alone cannot tell the product's
same NIR from another one, so the value line is followed by how A's and B's values differ, said without either —
« A → B : même valeur » when only the casebook's expected NIR changed, « 2 caractères sur 15 diffèrent » when the
product read another — in the text, the HTML and the JSON (``redacted_difference``), in either language; no NIR
is written anywhere. Real runs of the cards casebook's CARD-READ-001 (in-process cards and engine) from the casebook
as shipped and from a copy expecting another NIR; the product's other NIR is a copy of A's session with its
comparison's observed value edited.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

CASE = "CARD-READ-001"
NIR = "115039999900580"  # the card's, which the casebook expects
OTHER = "115039999900999"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("diff-hidden")
    edited = work / "edited"
    shutil.copytree(CASEBOOKS_DIR / "cards", edited / "cards")
    text = (CASEBOOKS_DIR / "psad-cartes.xml").read_text(encoding="utf-8")
    assert text.count(f'expected="{NIR}"') == 1
    (edited / "psad-cartes.xml").write_text(text.replace(f'expected="{NIR}"', f'expected="{OTHER}"'), encoding="utf-8")
    a, b = work / "a.tbsession", work / "b.tbsession"
    assert main(["run", str(CASEBOOKS_DIR / "psad-cartes.xml"), "--session", str(a), "-k", CASE, *BENCH]) == 0
    assert main(["run", str(edited / "psad-cartes.xml"), "--session", str(b), "-k", CASE, *BENCH]) == 1
    return a, b


def outputs(a: Path, b: Path, tmp: Path, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[str, str, dict]:
    html, data = tmp / "d.html", tmp / "d.json"
    main(["diff", str(a), str(b), "--html", str(html), "--json", str(data), *options])
    return capsys.readouterr().out, html.read_text(encoding="utf-8"), json.loads(data.read_text(encoding="utf-8"))


def nir_value(report: dict) -> dict:
    (case,) = report["cases"]
    return next(v for v in case["values"] if v["expectation_id"] == "e-vitale-nir")


def test_an_expected_nir_rewritten_says_the_product_read_the_same(
    sessions: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, html, report = outputs(*sessions, tmp_path, capsys)
    lines = out.splitlines()
    at = lines.index("  valeur e-vitale-nir vitale.nir : ‹NIR› → ‹NIR› (attendu ‹NIR› → ‹NIR›)")
    assert lines[at + 1] == "    A → B : même valeur", out
    assert "A → B : même valeur" in html
    assert nir_value(report)["redacted_difference"] == "même valeur"
    for said in (out, html, json.dumps(report)):
        assert NIR not in said and OTHER not in said

    english, _, report = outputs(*sessions, tmp_path, capsys, "--lang", "en")
    assert "    A → B: same value\n" in english
    assert nir_value(report)["redacted_difference"] == "same value"


def test_another_nir_read_says_how_many_characters_differ(
    sessions: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = sessions[0]
    b = tmp_path / "other-card.tbsession"
    shutil.copyfile(a, b)
    other = "215039999900550"  # two characters differ
    with sqlite3.connect(b) as db:
        db.execute(
            "UPDATE comparisons SET data = replace(data, ?, ?) WHERE expectation_id = 'e-vitale-nir'",
            (f'"observed":"{NIR}"', f'"observed":"{other}"'),
        )
    out, html, report = outputs(a, b, tmp_path, capsys)  # B edited in place: its chain says so, compared all the same
    line = "  valeur e-vitale-nir vitale.nir : ‹NIR› → ‹NIR› (attendu ‹NIR›)"
    assert f"{line}\n    A → B : 2 caractères sur 15 diffèrent\n" in out, out
    assert nir_value(report)["redacted_difference"] == "2 caractères sur 15 diffèrent"
    for said in (out, html, json.dumps(report)):
        assert NIR not in said and other not in said
    english, _, _ = outputs(a, b, tmp_path, capsys, "--lang", "en")
    assert "    A → B: 2 characters of 15 differ\n" in english


def test_a_value_shown_gets_no_note(
    sessions: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An amount is shown as it is: how it changed is on the line already."""
    a = sessions[0]
    b = tmp_path / "other-amount.tbsession"
    shutil.copyfile(a, b)
    with sqlite3.connect(b) as db:
        db.execute(
            "UPDATE comparisons SET data = replace(data, '\"observed\":\"50.40\"', '\"observed\":\"50.30\"')"
            " WHERE expectation_id = 'e-totals-amo'"
        )
    out, _, report = outputs(a, b, tmp_path, capsys)
    assert "A → B" not in out, out
    (case,) = report["cases"]
    assert [v["redacted_difference"] for v in case["values"]] == [None]
