"""``verify REPORT --session``: the line that counts what the session gained since the report agrees with the
reviews listed after it. A review records two chain entries (its annotation and the session's metadata): the line
says how many entries, and how many annotations they hold, the number of « ajoutée depuis le rapport » lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.signing import init_key


def report_then_reviews(tmp_path: Path, reviews: list[tuple[str, list[str]]]) -> tuple[Path, Path]:
    session = campaign(tmp_path, hostile=False)
    key = tmp_path / "k.pem"
    init_key(key)
    folder = tmp_path / "r"
    assert main(["report", str(session), "-o", str(folder), "--sign", "--key", str(key)]) == 0
    for case, action in reviews:
        assert main(["review", str(session), case, *action, "--reason", "relu", "--key", str(key)]) == 0
    return folder, session


def verify(folder: Path, session: Path, capsys: pytest.CaptureFixture[str], *lang: str) -> list[str]:
    capsys.readouterr()
    assert main(["verify", str(folder), "--session", str(session), *lang]) == 0
    return capsys.readouterr().out.splitlines()


def test_the_count_says_entries_and_the_annotations_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, session = report_then_reviews(tmp_path, [("OK-1", ["--accept"]), ("OK-1", ["--comment"])])
    out = verify(folder, session, capsys)
    counted = [line for line in out if "depuis le rapport à la chaîne" in line]
    listed = [line for line in out if "ajoutée depuis le rapport : annotation" in line]
    assert len(listed) == 2
    assert re.fullmatch(
        r"ok : session : (\d+) entrées ajoutées depuis le rapport à la chaîne du journal : 2 annotations \(revues\),"
        r" listées ci-dessous",
        counted[0],
    ), counted
    assert int(re.search(r"(\d+) entrées", counted[0])[1]) >= 2  # type: ignore[index]
    assert not any("(revue ?)" in line for line in out)
    english = verify(folder, session, capsys, "--lang", "en")
    assert any(
        re.fullmatch(
            r"ok: session: \d+ entries added to the journal chain since the report: 2 annotations \(reviews\),"
            r" listed below",
            line,
        )
        for line in english
    ), english


def test_each_count_agrees_in_both_languages() -> None:
    from testbench.i18n import english
    from testbench.integrity.verify import _added_entries

    assert _added_entries(2, 1) == (
        "2 entrées ajoutées depuis le rapport à la chaîne du journal : 1 annotation (revue), listée ci-dessous"
    )
    none = "1 entrée ajoutée depuis le rapport à la chaîne du journal : aucune annotation (revue)"
    assert _added_entries(1, 0) == none
    assert english(none) == "1 entry added to the journal chain since the report: no annotation (review)"
    assert english(_added_entries(2, 1)) == (
        "2 entries added to the journal chain since the report: 1 annotation (review), listed below"
    )
