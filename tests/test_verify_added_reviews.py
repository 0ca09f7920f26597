"""``verify REPORT --session SESSION`` names each review the session gained after the report was built: a failure
overridden after signing is read, not only counted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.signing import init_key


def reviewed_after_report(tmp_path: Path) -> tuple[Path, Path]:
    """A signed report of OK-1 (passed) and KO-1 (failed), then three reviews recorded in its session."""
    session = campaign(tmp_path, hostile=False)
    key = tmp_path / "k.pem"
    init_key(key)
    folder = tmp_path / "r"
    assert main(["report", str(session), "-o", str(folder), "--sign", "--key", str(key)]) == 0
    for case, action in (
        ("KO-1", ["--override", "pass", "--reviewer", "Examinateur CNDA"]),
        ("OK-1", ["--accept", "--reviewer", "Relecteur B"]),
        ("OK-1", ["--comment", "--reviewer", "Relecteur B"]),
    ):
        assert main(["review", str(session), case, *action, "--reason", "relu", "--key", str(key)]) == 0
    return folder, session


def test_each_review_added_after_the_report_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, session = reviewed_after_report(tmp_path)
    capsys.readouterr()
    assert main(["verify", str(folder), "--session", str(session)]) == 0  # the report itself is whole
    out = capsys.readouterr().out
    added = [line for line in out.splitlines() if "ajoutée depuis le rapport" in line]
    date = r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d UTC"
    assert len(added) == 3, out
    assert re.fullmatch(
        r"session : ajoutée depuis le rapport : annotation \d+ du cas KO-1 — verdict remplacé : échec → réussi"
        rf" — relecteur « Examinateur CNDA » \(clé [0-9a-f]{{16}}…\) — {date}",
        added[0],
    ), added[0]
    assert "du cas OK-1 — verdict accepté — relecteur « Relecteur B »" in added[1]
    assert "du cas OK-1 — commentaire — relecteur « Relecteur B »" in added[2]
    assert out.index("entrées ajoutées depuis le rapport") < out.index(added[0]) < out.index("INTÈGRE")


def test_the_added_reviews_read_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, session = reviewed_after_report(tmp_path)
    capsys.readouterr()
    assert main(["verify", str(folder), "--session", str(session), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert re.search(
        r"session: added since the report: annotation \d+ of case KO-1 — verdict overridden: failed → passed"
        r" — reviewer “Examinateur CNDA” \(key [0-9a-f]{16}…\) — \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC",
        out,
    ), out
    assert "ajout" not in out and "relecteur" not in out
